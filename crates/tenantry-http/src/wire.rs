//! Wire conventions shared by every handler: RFC 3339 UTC times with `Z`, "absent vs null"
//! in PATCH bodies, and field validation that collects 422 entries.

use serde::{Deserialize, Deserializer};
use tenantry_app::{AppError, FieldError};
use tenantry_core::values::ValueError;
use time::OffsetDateTime;
use time::format_description::well_known::Rfc3339;
use time::macros::format_description;

use crate::problem::ApiError;

/// `2026-01-15T10:00:00Z`.
pub(crate) fn time(t: OffsetDateTime) -> String {
    t.to_offset(time::UtcOffset::UTC)
        .format(format_description!(
            "[year]-[month]-[day]T[hour]:[minute]:[second]Z"
        ))
        .expect("a UTC time always formats")
}

pub(crate) fn opt_time(t: Option<OffsetDateTime>) -> Option<String> {
    t.map(time)
}

/// Parses an RFC 3339 time into UTC with microsecond precision, the form every stored time
/// has (SQLite compares stored times as text, so one form keeps the order right).
pub(crate) fn parse_time(s: &str) -> Option<OffsetDateTime> {
    let t = OffsetDateTime::parse(s, &Rfc3339)
        .ok()?
        .to_offset(time::UtcOffset::UTC);
    t.replace_nanosecond(t.nanosecond() / 1000 * 1000).ok()
}

/// Tells a field sent as `null` (`Some(None)`) from one left out (`None`).
pub(crate) fn nullable<'de, D, T>(d: D) -> Result<Option<Option<T>>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    Option::<T>::deserialize(d).map(Some)
}

/// Collects validation failures of a body so one 422 lists them all.
#[derive(Default)]
pub(crate) struct Check {
    prefix: Vec<String>,
    errors: Vec<FieldError>,
}

impl Check {
    pub(crate) fn nested(prefix: &[&str]) -> Self {
        Check {
            prefix: prefix.iter().map(|s| s.to_string()).collect(),
            errors: Vec::new(),
        }
    }

    pub(crate) fn fail(&mut self, field: &str, msg: impl Into<String>) {
        let mut loc = vec!["body".to_owned()];
        loc.extend(self.prefix.iter().cloned());
        loc.push(field.to_owned());
        self.errors.push(FieldError {
            loc,
            msg: msg.into(),
            kind: "value_error".into(),
        });
    }

    /// Parses a present value, recording why it was refused.
    pub(crate) fn value<T>(
        &mut self,
        field: &str,
        raw: &str,
        parse: impl FnOnce(&str) -> Result<T, ValueError>,
    ) -> Option<T> {
        match parse(raw) {
            Ok(v) => Some(v),
            Err(e) => {
                self.fail(field, e.0);
                None
            }
        }
    }

    pub(crate) fn opt<T>(
        &mut self,
        field: &str,
        raw: Option<&str>,
        parse: impl FnOnce(&str) -> Result<T, ValueError>,
    ) -> Option<T> {
        raw.and_then(|r| self.value(field, r, parse))
    }

    /// Free text of 1..=max characters.
    pub(crate) fn text(&mut self, field: &str, raw: Option<String>, max: usize) -> Option<String> {
        let value = raw?;
        let len = value.chars().count();
        if len == 0 || len > max {
            self.fail(field, format!("must be 1 to {max} characters long"));
            return None;
        }
        Some(value)
    }

    pub(crate) fn absorb(&mut self, other: Check) {
        self.errors.extend(other.errors);
    }

    pub(crate) fn finish(self) -> Result<(), ApiError> {
        if self.errors.is_empty() {
            Ok(())
        } else {
            Err(ApiError(AppError::Invalid(self.errors)))
        }
    }
}
