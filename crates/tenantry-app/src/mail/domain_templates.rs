//! The messages about an organization's domains.

use super::Mail;
use super::templates::html;

/// An automatic renewal the paying account could not cover; it is tried again daily until
/// the grace period ends.
pub(crate) fn auto_renew_failed(to: &str, domain: &str, expires_on: &str, last_day: &str) -> Mail {
    let text = format!(
        "Hello,\n\n{domain} expired on {expires_on} and is set to renew automatically, but the \
         paying account cannot cover the renewal. Add funds: the renewal is tried again every \
         day until {last_day}; after that the domain is deleted and enters its redemption \
         period.\n"
    );
    let html = format!(
        "<p>Hello,</p><p><strong>{domain}</strong> expired on {expires_on} and is set to renew \
         automatically, but the paying account cannot cover the renewal. Add funds: the \
         renewal is tried again every day until {last_day}; after that the domain is deleted \
         and enters its redemption period.</p>",
        domain = html(domain),
    );
    Mail {
        to: to.to_owned(),
        subject: format!("{domain} could not be renewed"),
        text,
        html,
    }
}
