//! The dashboard over HTTP: sign-in with and without a second factor, the cookie and its
//! expiry, CSRF on every form, the security headers, sign-out, and another tenant's
//! organization answering "not found". The same pages in a real browser: `browser/`.

mod account_links;
mod account_security;
mod billing;
mod browser;
mod credentials;
mod danger_zone;
mod dns;
mod domains;
mod isolation;
mod operator_console;
mod people;
mod roles;
mod sessions;
mod suborganizations;

pub(crate) use browser::{Browser, Page};
