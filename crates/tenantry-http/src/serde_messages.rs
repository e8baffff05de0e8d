//! serde's refusals in a client's words: serde names the server's Rust types
//! (`expected struct RotateBody`, `expected u32`) and positions in the text; a client needs
//! the JSON kind it should have sent.

/// serde's words for what it expected, and the JSON kind each means.
const EXPECTED: &[(&str, &str)] = &[
    ("a sequence", "a list"),
    ("a map", "an object"),
    ("a boolean", "true or false"),
    ("a string", "a string"),
    ("a borrowed string", "a string"),
    ("a character", "a single character"),
    ("unit", "null"),
];

/// The kind a Rust type name after "expected " stands for, when it is one.
fn kind_of_type(name: &str) -> Option<&'static str> {
    let name = name.split_whitespace().next().unwrap_or_default();
    match name {
        "u8" | "u16" | "u32" | "u64" | "u128" | "usize" => Some("a whole number of 0 or more"),
        "i8" | "i16" | "i32" | "i64" | "i128" | "isize" => Some("a whole number"),
        "f32" | "f64" => Some("a number"),
        "struct" | "tuple" => Some("an object"),
        "enum" => Some("one of the documented values"),
        _ => None,
    }
}

/// `message` (serde's `Display` of a refusal) without Rust type names or positions.
pub(crate) fn plain(message: &str) -> String {
    let message = message.split(" at line ").next().unwrap_or_default();
    if message.starts_with("data did not match any variant of untagged enum") {
        return "the value has none of the accepted shapes".to_owned();
    }
    let Some((before, expected)) = message.rsplit_once("expected ") else {
        return message.to_owned();
    };
    let known = EXPECTED
        .iter()
        .find(|(serde, _)| expected.starts_with(serde))
        .map(|(_, kind)| *kind)
        .or_else(|| kind_of_type(expected));
    match known {
        Some(kind) => format!("{before}expected {kind}"),
        // Words serde wrote from the server's own descriptions (`expecting = …`, a variant
        // list): already in the client's terms.
        None => message.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::plain;

    #[test]
    fn refusals_name_json_kinds_never_rust_types() {
        for (serde, client) in [
            (
                "invalid type: null, expected struct RotateBody",
                "invalid type: null, expected an object",
            ),
            (
                "invalid type: string \"x\", expected u32 at line 1 column 9",
                "invalid type: string \"x\", expected a whole number of 0 or more",
            ),
            (
                "invalid type: integer `3`, expected a sequence",
                "invalid type: integer `3`, expected a list",
            ),
            (
                "invalid type: string \"no\", expected a boolean",
                "invalid type: string \"no\", expected true or false",
            ),
            (
                "invalid type: map, expected f64",
                "invalid type: map, expected a number",
            ),
            (
                "unknown variant `x`, expected `renew` or `expire`",
                "unknown variant `x`, expected `renew` or `expire`",
            ),
            ("missing field `name`", "missing field `name`"),
            (
                "data did not match any variant of untagged enum AttributesBody",
                "the value has none of the accepted shapes",
            ),
        ] {
            assert_eq!(plain(serde), client);
        }
    }
}
