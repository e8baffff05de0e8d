//! NS1 request bodies: JSON whatever the `Content-Type` (its clients send none, or a form
//! type), an empty or `null` body read as `{}`, and field readers that answer NS1's 400.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use serde_json::{Map, Value};
use tenantry_core::ns1::Ns1Permissions;
use tenantry_core::values::IpNetwork;

use super::error::Ns1Error;

/// A JSON object body.
pub(crate) struct Ns1Body(pub Map<String, Value>);

impl<S: Send + Sync> FromRequest<S> for Ns1Body {
    type Rejection = Ns1Error;

    async fn from_request(req: Request, state: &S) -> Result<Self, Ns1Error> {
        let bytes = Bytes::from_request(req, state)
            .await
            .map_err(|e| Ns1Error::bad_request(format!("invalid body: {}", e.body_text())))?;
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Ok(Ns1Body(Map::new()));
        }
        let parsed = serde_json::from_slice::<Value>(&bytes);
        if let Ok(json) = &parsed
            && let Some(path) = crate::control_chars::first_in_json(json)
        {
            return Err(Ns1Error::bad_request(format!(
                "invalid: {} {}",
                path.join("."),
                crate::control_chars::MESSAGE
            )));
        }
        match parsed {
            Ok(Value::Object(map)) => Ok(Ns1Body(map)),
            // ns1-python sends `null` as the body of calls that have none.
            Ok(Value::Null) => Ok(Ns1Body(Map::new())),
            Ok(_) => Err(Ns1Error::bad_request(
                "invalid: the body must be a JSON object",
            )),
            Err(_) => Err(Ns1Error::bad_request("invalid json")),
        }
    }
}

fn invalid(field: &str, what: &str) -> Ns1Error {
    Ns1Error::bad_request(format!("invalid: {field} {what}"))
}

impl Ns1Body {
    /// A string field; `null` reads as absent.
    pub fn text(&self, field: &str) -> Result<Option<String>, Ns1Error> {
        match self.0.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(_) => Err(invalid(field, "must be a string")),
        }
    }

    pub fn required_text(&self, field: &str) -> Result<String, Ns1Error> {
        self.text(field)?
            .filter(|s| !s.trim().is_empty())
            .ok_or_else(|| invalid(field, "is required"))
    }

    pub fn flag(&self, field: &str) -> Result<Option<bool>, Ns1Error> {
        match self.0.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(_) => Err(invalid(field, "must be true or false")),
        }
    }

    pub fn number(&self, field: &str) -> Result<Option<i64>, Ns1Error> {
        match self.0.get(field) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => v
                .as_i64()
                .map(Some)
                .ok_or_else(|| invalid(field, "must be an integer")),
        }
    }

    /// A list field; `null` reads as an empty list (Go clients send nil slices so).
    pub fn list(&self, field: &str) -> Result<Option<Vec<Value>>, Ns1Error> {
        match self.0.get(field) {
            None => Ok(None),
            Some(Value::Null) => Ok(Some(Vec::new())),
            Some(Value::Array(items)) => Ok(Some(items.clone())),
            Some(_) => Err(invalid(field, "must be a list")),
        }
    }

    pub fn strings(&self, field: &str) -> Result<Option<Vec<String>>, Ns1Error> {
        self.list(field)?
            .map(|items| {
                items
                    .into_iter()
                    .map(|v| match v {
                        Value::String(s) => Ok(s),
                        _ => Err(invalid(field, "must be a list of strings")),
                    })
                    .collect()
            })
            .transpose()
    }

    /// A list of addresses or networks.
    pub fn networks(&self, field: &str) -> Result<Option<Vec<IpNetwork>>, Ns1Error> {
        self.strings(field)?
            .map(|items| {
                items
                    .iter()
                    .map(|s| {
                        s.parse()
                            .map_err(|_| invalid(field, &format!("holds {s:?}, not an address")))
                    })
                    .collect()
            })
            .transpose()
    }

    /// A permission map, merged with the defaults.
    pub fn permissions(&self) -> Result<Option<Ns1Permissions>, Ns1Error> {
        match self.0.get("permissions") {
            None => Ok(None),
            Some(value) => Ns1Permissions::from_json(value)
                .map(Some)
                .map_err(|e| invalid("permissions", &e)),
        }
    }
}
