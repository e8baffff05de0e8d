//! The messages about an organization: an offer of its ownership, and the receipt of its
//! deletion with the refund of its unspent balance.

use super::templates::html;
use super::{Mail, MailSettings};

/// An offer to become the owner of `organization`, valid seven days.
pub(crate) fn ownership_transfer(
    settings: &MailSettings,
    to: &str,
    owner: &str,
    organization: &str,
    token: &str,
) -> Mail {
    let link = format!("{}/ownership-transfers/{token}", settings.public_url);
    let api = format!(
        "{}/api/v1/ownership-transfers/{token}/accept",
        settings.public_url
    );
    let text = format!(
        "Hello,\n\n{owner} offers you the ownership of {organization}. Once you accept, you \
         are its owner and {owner} stays on as an admin. Open this link within seven days, \
         signed in, to accept:\n\n{link}\n\n\
         (Or accept through the API, signed in: POST {api}.)\n\n\
         Until you accept, nothing changes; {owner} can still withdraw the offer.\n"
    );
    let html = format!(
        "<p>Hello,</p><p>{owner} offers you the ownership of <strong>{organization}</strong>. \
         Once you accept, you are its owner and {owner} stays on as an admin. Open this link \
         within seven days, signed in, to accept:</p><p><a href=\"{link}\">{link}</a></p>\
         <p>Until you accept, nothing changes; {owner} can still withdraw the offer.</p>",
        owner = html(owner),
        organization = html(organization),
        link = html(&link),
    );
    Mail {
        to: to.to_owned(),
        subject: format!("Become the owner of {organization}"),
        text,
        html,
    }
}

/// One refund of a deletion: the amount (in the currency's major units, as text) and the
/// payment it went back to.
pub(crate) struct RefundLine {
    pub amount: String,
    pub payment_reference: String,
}

/// The receipt of an organization's deletion, to each of its owners.
pub(crate) fn deletion_receipt(
    to: &str,
    organization: &str,
    currency: &str,
    refunds: &[RefundLine],
    total: &str,
) -> Mail {
    let lines: Vec<String> = refunds
        .iter()
        .map(|r| {
            format!(
                "  {} {currency} to payment {}",
                r.amount, r.payment_reference
            )
        })
        .collect();
    let refunded = if refunds.is_empty() {
        "It had no unspent balance to refund.".to_owned()
    } else {
        format!(
            "Its unspent balance, {total} {currency}, was refunded to the payments that \
             funded it:\n\n{}",
            lines.join("\n")
        )
    };
    let text = format!(
        "Hello,\n\nThe organization {organization} was deleted. {refunded}\n\n\
         Its balance is now zero. Keep this message as your receipt.\n"
    );
    let items: String = refunds
        .iter()
        .map(|r| {
            format!(
                "<li>{} {} to payment {}</li>",
                html(&r.amount),
                html(currency),
                html(&r.payment_reference)
            )
        })
        .collect();
    let html = format!(
        "<p>Hello,</p><p>The organization <strong>{organization}</strong> was deleted.</p>{}\
         <p>Its balance is now zero. Keep this message as your receipt.</p>",
        if refunds.is_empty() {
            "<p>It had no unspent balance to refund.</p>".to_owned()
        } else {
            format!(
                "<p>Its unspent balance, {} {}, was refunded to the payments that \
                 funded it:</p><ul>{items}</ul>",
                html(total),
                html(currency)
            )
        },
        organization = html(organization),
    );
    Mail {
        to: to.to_owned(),
        subject: format!("Receipt: {organization} was deleted"),
        text,
        html,
    }
}
