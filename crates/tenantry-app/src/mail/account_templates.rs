//! The messages about a person's own account: verifying the address they signed up with, and
//! the answer to a sign-up for an address that has an account already.

use super::templates::html;
use super::{Mail, MailSettings};

/// The link that verifies an address, valid seven days.
pub(crate) fn email_verification(
    settings: &MailSettings,
    to: &str,
    name: &str,
    token: &str,
) -> Mail {
    let link = format!("{}/verify-email/{token}", settings.public_url);
    let api = format!("{}/api/v1/auth/verify-email/{token}", settings.public_url);
    let text = format!(
        "Hello {name},\n\n\
         Welcome. Open this link within seven days to confirm that this address is yours; \
         until then you can sign in and look around, but not invite people or pay:\n\n\
         {link}\n\n\
         (Or confirm through the API: POST {api}.)\n\n\
         If you did not sign up, ignore this message.\n"
    );
    let html = format!(
        "<p>Hello {name},</p><p>Welcome. Open this link within seven days to confirm that \
         this address is yours; until then you can sign in and look around, but not invite \
         people or pay:</p><p><a href=\"{link}\">{link}</a></p>\
         <p>If you did not sign up, ignore this message.</p>",
        name = html(name),
        link = html(&link),
    );
    Mail {
        to: to.to_owned(),
        subject: "Confirm your email address".into(),
        text,
        html,
    }
}

/// Sent instead of a new account when someone signs up with an address that has one: the
/// sign-up answers alike either way, so only the address's owner learns it.
pub(crate) fn sign_up_existing(settings: &MailSettings, to: &str) -> Mail {
    let api = format!("{}/api/v1/auth/password-reset", settings.public_url);
    let text = format!(
        "Hello,\n\n\
         Someone tried to sign up with this address, which already has an account. If it \
         was you, sign in instead; if you forgot your password, ask for a new one (POST {api} \
         with {{\"email\": \"…\"}}).\n\n\
         If it was not you, ignore this message: nothing changed.\n"
    );
    let html = "<p>Hello,</p><p>Someone tried to sign up with this address, which already \
        has an account. If it was you, sign in instead, or ask for a new password if you \
        forgot it.</p><p>If it was not you, ignore this message: nothing changed.</p>"
        .to_owned();
    Mail {
        to: to.to_owned(),
        subject: "You already have an account".into(),
        text,
        html,
    }
}
