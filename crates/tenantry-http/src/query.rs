//! Query strings with repeated keys (`keys=a&keys=b`) and typed, 422-reporting parsing.

use std::str::FromStr;

use axum::extract::{FromRequestParts, RawQuery};
use axum::http::request::Parts;
use tenantry_app::{AppError, FieldError};

use crate::control_chars::{MESSAGE, has_control_char};
use crate::problem::ApiError;

pub(crate) struct QueryParams {
    pairs: Vec<(String, String)>,
    errors: Vec<FieldError>,
}

impl<S: Send + Sync> FromRequestParts<S> for QueryParams {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, ApiError> {
        let RawQuery(raw) = RawQuery::from_request_parts(parts, state)
            .await
            .unwrap_or(RawQuery(None));
        let pairs: Vec<(String, String)> =
            form_urlencoded::parse(raw.unwrap_or_default().as_bytes())
                .into_owned()
                .collect();
        if let Some((key, _)) = pairs
            .iter()
            .find(|(k, v)| has_control_char(k) || has_control_char(v))
        {
            return Err(ApiError(AppError::Invalid(vec![FieldError {
                loc: vec!["query".into(), key.clone()],
                msg: MESSAGE.into(),
                kind: "string_control_character".into(),
            }])));
        }
        Ok(QueryParams {
            pairs,
            errors: Vec::new(),
        })
    }
}

impl QueryParams {
    /// The last value of `name` (`name[]` is accepted too).
    pub(crate) fn get(&self, name: &str) -> Option<&str> {
        self.pairs
            .iter()
            .rev()
            .find(|(k, _)| k == name || k.strip_suffix("[]") == Some(name))
            .map(|(_, v)| v.as_str())
    }

    /// Every value of a repeated `name`.
    pub(crate) fn all(&self, name: &str) -> Vec<String> {
        self.pairs
            .iter()
            .filter(|(k, _)| k == name || k.strip_suffix("[]") == Some(name))
            .map(|(_, v)| v.clone())
            .collect()
    }

    pub(crate) fn error(&mut self, name: &str, msg: impl Into<String>) {
        self.errors.push(FieldError {
            loc: vec!["query".into(), name.into()],
            msg: msg.into(),
            kind: "value_error".into(),
        });
    }

    /// Parses `name` with `parse`, recording a 422 entry when it fails.
    pub(crate) fn parse_with<T>(
        &mut self,
        name: &str,
        parse: impl FnOnce(&str) -> Option<T>,
        expected: &str,
    ) -> Option<T> {
        let raw = self.get(name)?.to_owned();
        let parsed = parse(&raw);
        if parsed.is_none() {
            self.error(name, format!("{raw:?} is not valid: expected {expected}"));
        }
        parsed
    }

    pub(crate) fn parse<T: FromStr>(&mut self, name: &str, expected: &str) -> Option<T> {
        self.parse_with(name, |s| s.parse().ok(), expected)
    }

    /// Finishes parsing: the collected errors, if any, as one 422.
    pub(crate) fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError(AppError::Invalid(self.errors)))
        }
    }
}
