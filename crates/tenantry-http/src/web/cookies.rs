//! The dashboard's cookies: the session (`tenantry_session`), the operator console's session
//! (`tenantry_operator`) and, before a sign-in, the secret the sign-in form's CSRF token is
//! made from (`tenantry_presession`). All are `HttpOnly` and `SameSite=Lax`, and `Secure` when
//! the request came over TLS.

use axum::http::header::{COOKIE, SET_COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue};

pub(crate) const SESSION: &str = "tenantry_session";
pub(crate) const PRE_SESSION: &str = "tenantry_presession";
pub(crate) const OPERATOR: &str = "tenantry_operator";
/// Secrets sealed for the next page to show once (`App::seal_shown_once`).
pub(crate) const SHOWN_ONCE: &str = "tenantry_shown";

/// Marks a request that came through the TLS listener (its cookies are then `Secure`).
#[derive(Clone, Copy)]
pub(crate) struct OverTls;

/// The value of the cookie `name`, if the request has it.
pub(crate) fn read(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
}

fn secure(parts: &Parts) -> &'static str {
    if parts.extensions.get::<OverTls>().is_some() {
        "; Secure"
    } else {
        ""
    }
}

/// Sets the cookie `name` for this browser session (no `Max-Age`: the server decides when
/// the value stops working).
pub(crate) fn set(headers: &mut HeaderMap, parts: &Parts, name: &str, value: &str) {
    append(headers, parts, name, value, "");
}

/// Sets the cookie `name` for `seconds` only.
pub(crate) fn set_briefly(
    headers: &mut HeaderMap,
    parts: &Parts,
    name: &str,
    value: &str,
    seconds: i64,
) {
    append(headers, parts, name, value, &format!("; Max-Age={seconds}"));
}

/// Removes the cookie `name` from the browser.
pub(crate) fn clear(headers: &mut HeaderMap, parts: &Parts, name: &str) {
    append(headers, parts, name, "", "; Max-Age=0");
}

fn append(headers: &mut HeaderMap, parts: &Parts, name: &str, value: &str, lifetime: &str) {
    let cookie = format!(
        "{name}={value}; Path=/; HttpOnly; SameSite=Lax{lifetime}{}",
        secure(parts)
    );
    if let Ok(value) = HeaderValue::from_str(&cookie) {
        headers.append(SET_COOKIE, value);
    }
}

#[cfg(test)]
mod tests {
    use axum::http::HeaderMap;

    #[test]
    fn a_cookie_is_read_by_its_exact_name() {
        let mut headers = HeaderMap::new();
        headers.insert(
            "cookie",
            "other=1; tenantry_session_x=2; tenantry_session=tws_abc"
                .parse()
                .unwrap(),
        );
        assert_eq!(
            super::read(&headers, super::SESSION).as_deref(),
            Some("tws_abc")
        );
        assert_eq!(super::read(&headers, "missing"), None);
    }
}
