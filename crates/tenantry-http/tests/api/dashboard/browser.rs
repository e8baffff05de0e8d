//! A browser's view of the dashboard for in-process tests: cookies kept between requests,
//! forms filled from the page's own fields.

use std::collections::BTreeMap;

use axum::http::{HeaderMap, Method, StatusCode};
use serde_json::Value;

use crate::support::Api;

/// A browser's view of the dashboard: its cookies, kept between requests.
pub(crate) struct Browser<'a> {
    api: &'a Api,
    pub(crate) cookies: BTreeMap<String, String>,
}

/// An answer: status, headers and the page's HTML.
pub(crate) struct Page {
    pub(crate) status: StatusCode,
    pub(crate) headers: HeaderMap,
    pub(crate) html: String,
}

impl Page {
    pub(crate) fn location(&self) -> &str {
        self.headers
            .get("location")
            .and_then(|v| v.to_str().ok())
            .unwrap_or_default()
    }

    /// The `Set-Cookie` header that sets the session cookie, with its attributes.
    pub(crate) fn session_cookie(&self) -> String {
        self.headers
            .get_all("set-cookie")
            .iter()
            .map(|c| c.to_str().unwrap().to_owned())
            .find(|c| c.starts_with("tenantry_session="))
            .expect("the answer sets the session cookie")
    }

    /// The value of the form field `name` (hidden fields: the CSRF token, the ticket).
    pub(crate) fn field(&self, name: &str) -> String {
        let marker = format!("name=\"{name}\" value=\"");
        let start = self.html.find(&marker).expect("the field is on the page") + marker.len();
        let end = self.html[start..].find('"').unwrap() + start;
        self.html[start..end].to_owned()
    }
}

impl<'a> Browser<'a> {
    pub(crate) fn new(api: &'a Api) -> Self {
        Browser {
            api,
            cookies: BTreeMap::new(),
        }
    }

    pub(crate) async fn send(
        &mut self,
        method: Method,
        path: &str,
        form: Option<&[(&str, &str)]>,
    ) -> Page {
        let mut call = self.api.call(method, path).anonymous();
        let jar: Vec<String> = self
            .cookies
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        if !jar.is_empty() {
            call = call.header("cookie", &jar.join("; "));
        }
        if let Some(form) = form {
            let body: String = form_urlencoded::Serializer::new(String::new())
                .extend_pairs(form)
                .finish();
            call = call
                .header("content-type", "application/x-www-form-urlencoded")
                .raw(&body);
        }
        let (status, headers, body) = call.send_with_headers().await;
        for cookie in headers.get_all("set-cookie") {
            let cookie = cookie.to_str().unwrap();
            let (pair, attributes) = cookie.split_once(';').unwrap_or((cookie, ""));
            let (name, value) = pair.split_once('=').unwrap();
            if attributes.contains("Max-Age=0") {
                self.cookies.remove(name);
            } else {
                self.cookies.insert(name.to_owned(), value.to_owned());
            }
        }
        let html = match body {
            Value::Null => String::new(),
            other => other["raw"].as_str().unwrap_or_default().to_owned(),
        };
        Page {
            status,
            headers,
            html,
        }
    }

    pub(crate) async fn get(&mut self, path: &str) -> Page {
        self.send(Method::GET, path, None).await
    }

    pub(crate) async fn post(&mut self, path: &str, form: &[(&str, &str)]) -> Page {
        self.send(Method::POST, path, Some(form)).await
    }

    /// Fills and sends the sign-in form.
    pub(crate) async fn sign_in(&mut self, login: &str, password: &str) -> Page {
        let form = self.get("/sign-in").await;
        let csrf = form.field("csrf");
        self.post(
            "/sign-in",
            &[("csrf", &csrf), ("login", login), ("password", password)],
        )
        .await
    }
}
