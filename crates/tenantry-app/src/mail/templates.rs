//! The messages the platform sends, in plain text and HTML.

use super::{Mail, MailSettings};

/// Escapes text for HTML.
pub(crate) fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// The link to set a forgotten password, valid for an hour.
pub(crate) fn password_reset(
    settings: &MailSettings,
    to: &str,
    username: &str,
    token: &str,
) -> Mail {
    let link = format!("{}/reset-password/{token}", settings.public_url);
    let api = format!("{}/api/v1/auth/password-reset/{token}", settings.public_url);
    let text = format!(
        "Hello {username},\n\n\
         Someone asked to set a new password for your account. If it was you, open this link \
         within the hour:\n\n{link}\n\n\
         (Or send the new password to the API: POST {api} with {{\"password\": \"…\"}}.)\n\n\
         If it was not you, ignore this message: your password stays as it is.\n"
    );
    let html = format!(
        "<p>Hello {user},</p>\
         <p>Someone asked to set a new password for your account. If it was you, open this \
         link within the hour:</p>\
         <p><a href=\"{link}\">{link}</a></p>\
         <p>If it was not you, ignore this message: your password stays as it is.</p>",
        user = html(username),
        link = html(&link),
    );
    Mail {
        to: to.to_owned(),
        subject: "Set a new password".into(),
        text,
        html,
    }
}

/// An invitation to join an organization, valid for seven days.
pub(crate) fn invitation(
    settings: &MailSettings,
    to: &str,
    inviter: &str,
    organization: &str,
    role: &str,
    token: &str,
) -> Mail {
    let link = format!("{}/invitations/{token}", settings.public_url);
    let api = format!("{}/api/v1/invitations/{token}/accept", settings.public_url);
    let text = format!(
        "Hello,\n\n{inviter} invites you to join {organization} as {role}.\n\n\
         Open this link within seven days to accept; if you have no account yet, the same \
         link signs you up:\n\n{link}\n\n\
         (Or accept through the API: POST {api}, signed in, or with {{\"name\", \"password\"}} \
         to sign up.)\n"
    );
    let html = format!(
        "<p>Hello,</p><p>{inviter} invites you to join <strong>{organization}</strong> as \
         {role}.</p><p>Open this link within seven days to accept; if you have no account yet, \
         the same link signs you up:</p><p><a href=\"{link}\">{link}</a></p>",
        inviter = html(inviter),
        organization = html(organization),
        role = html(role),
        link = html(&link),
    );
    Mail {
        to: to.to_owned(),
        subject: format!("Join {organization}"),
        text,
        html,
    }
}
