//! A submitted form, read through the API's own request bodies: its non-empty fields become
//! the JSON object the API would be sent, checked by the same code (`typed_body` and the
//! body's `into_command`), so a form and an API call are refused in the same words. Refusals
//! come back per field, to be shown next to the field.

use std::collections::BTreeMap;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};
use tenantry_app::AppError;

/// The fields of a form, as sent.
#[derive(serde::Deserialize, Default)]
#[serde(transparent)]
pub(crate) struct Submitted(Vec<(String, String)>);

impl Submitted {
    /// The value of `name`, or empty.
    pub(crate) fn get(&self, name: &str) -> &str {
        self.0
            .iter()
            .find(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .unwrap_or_default()
    }

    /// Every value of `name` (checkboxes of one name).
    pub(crate) fn all(&self, name: &str) -> Vec<&str> {
        self.0
            .iter()
            .filter(|(key, _)| key == name)
            .map(|(_, value)| value.as_str())
            .collect()
    }

    /// Adds one more value of `name`.
    pub(crate) fn add(&mut self, name: &str, value: String) {
        self.0.push((name.to_owned(), value));
    }

    /// Sets `name` to `value` (a form's own spelling made the API's).
    pub(crate) fn set(&mut self, name: &str, value: String) {
        self.0.retain(|(key, _)| key != name);
        self.0.push((name.to_owned(), value));
    }

    /// The CSRF token the form carried.
    pub(crate) fn csrf(&self) -> &str {
        self.get("csrf")
    }

    /// The fields `names` that are filled in, as the API's JSON body of type `T`.
    pub(crate) fn api_body<T: DeserializeOwned>(&self, names: &[&str]) -> Result<T, AppError> {
        crate::extract::typed_body(Value::Object(self.api_object(names)))
    }

    /// The fields `names` that are filled in, as a JSON object of strings (for a body with
    /// other values too).
    pub(crate) fn api_object(&self, names: &[&str]) -> Map<String, Value> {
        names
            .iter()
            .map(|name| (*name, self.get(name).trim()))
            .filter(|(_, value)| !value.is_empty())
            .map(|(name, value)| (name.to_owned(), Value::String(value.to_owned())))
            .collect()
    }
}

/// What is wrong with a form: a message per field, and one for the form as a whole.
#[derive(Default)]
pub(crate) struct FormErrors {
    pub fields: BTreeMap<String, String>,
    pub form: Option<String>,
}

impl FormErrors {
    /// A field's message, if it has one.
    pub(crate) fn of(&self, field: &str) -> Option<&str> {
        self.fields.get(field).map(String::as_str)
    }

    /// The refusal `err` as messages: an error of a field the form `shows` next to it (named
    /// by the last part of its location), anything else above the form, in the API's words.
    pub(crate) fn from_refusal(err: &AppError, shows: &[&str]) -> Self {
        let mut errors = FormErrors::default();
        let mut above = Vec::new();
        match err {
            AppError::Invalid(fields) => {
                for field in fields {
                    match field.loc.last() {
                        Some(name) if shows.contains(&name.as_str()) => {
                            errors
                                .fields
                                .entry(name.clone())
                                .or_insert_with(|| field.msg.clone());
                        }
                        Some(name) if field.loc.len() > 1 => {
                            above.push(format!("{name}: {}", field.msg));
                        }
                        _ => above.push(field.msg.clone()),
                    }
                }
            }
            _ => above.push(super::render::words(err).1),
        }
        errors.form = (!above.is_empty()).then(|| above.join("; "));
        errors
    }

    /// Files the message of the API's field `from` under the form's field `to`.
    pub(crate) fn rename(mut self, from: &str, to: &str) -> Self {
        if let Some(message) = self.fields.remove(from) {
            self.fields.insert(to.to_owned(), message);
        }
        self
    }
}

#[cfg(test)]
mod tests {
    use super::Submitted;

    #[derive(serde::Deserialize, Debug, PartialEq)]
    struct Body {
        name: String,
        city: Option<String>,
    }

    #[test]
    fn a_form_is_read_as_the_api_body_of_its_filled_fields() {
        let form = Submitted(vec![
            ("csrf".into(), "t".into()),
            ("name".into(), " Acme ".into()),
            ("city".into(), "".into()),
        ]);
        let body: Body = form.api_body(&["name", "city"]).unwrap();
        assert_eq!(
            body,
            Body {
                name: "Acme".into(),
                city: None
            }
        );
        let empty = Submitted(vec![("name".into(), "  ".into())]);
        let refused = empty.api_body::<Body>(&["name"]).unwrap_err();
        let errors = super::FormErrors::from_refusal(&refused, &["name"]);
        assert!(errors.of("name").is_some(), "a missing field is named");
        // A field the form does not show is told above it.
        let elsewhere = super::FormErrors::from_refusal(&refused, &["city"]);
        assert_eq!(elsewhere.of("name"), None);
        assert!(elsewhere.form.unwrap().starts_with("name: "));
    }
}
