//! The one check that no text a client sends carries a control character (NUL above all: a
//! PostgreSQL text column refuses it, and SQLite would store it silently). Tab, line feed and
//! carriage return are text; every other control character is refused with a 422 that names
//! the field, in bodies of both dialects and in query strings.

use serde_json::Value;

fn refused(c: char) -> bool {
    c.is_control() && !matches!(c, '\t' | '\n' | '\r')
}

pub(crate) fn has_control_char(text: &str) -> bool {
    text.chars().any(refused)
}

/// The path (object keys and array indexes) to the first string of `value`, key or value, that
/// holds a refused character.
pub(crate) fn first_in_json(value: &Value) -> Option<Vec<String>> {
    match value {
        Value::String(text) => has_control_char(text).then(Vec::new),
        Value::Array(items) => items.iter().enumerate().find_map(|(i, item)| {
            first_in_json(item).map(|mut path| {
                path.insert(0, i.to_string());
                path
            })
        }),
        Value::Object(map) => map.iter().find_map(|(key, item)| {
            let inner = if has_control_char(key) {
                Some(Vec::new())
            } else {
                first_in_json(item)
            };
            inner.map(|mut path| {
                path.insert(0, key.clone());
                path
            })
        }),
        _ => None,
    }
}

pub(crate) const MESSAGE: &str = "must not contain control characters";

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    #[test]
    fn finds_the_first_control_character_and_its_path() {
        assert_eq!(first_in_json(&json!({"name": "fine\ttext\n"})), None);
        assert_eq!(
            first_in_json(&json!({"users": [{"username": "ok"}, {"email": "a\u{0}b"}]})),
            Some(vec!["users".into(), "1".into(), "email".into()])
        );
        assert_eq!(
            first_in_json(&json!({"x\u{1b}": 1})),
            Some(vec!["x\u{1b}".into()])
        );
        assert!(has_control_char("\u{7f}"));
    }
}
