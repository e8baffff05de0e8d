//! Splitting one record's presentation-format data into tokens (RFC 1035 §5.1): bare words
//! and `"quoted strings"`, with `\X` and decimal `\DDD` escapes. A line break is refused, so
//! a value can never smuggle in a second record or a directive such as `$INCLUDE`.

/// One token's bytes (escapes resolved) and whether any of it was quoted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Token {
    pub bytes: Vec<u8>,
    pub quoted: bool,
}

impl Token {
    pub fn text(&self) -> Result<&str, String> {
        std::str::from_utf8(&self.bytes).map_err(|_| "is not valid UTF-8".to_owned())
    }
}

/// Reads an escape after `\`: three decimal digits for a byte, else the next character.
fn escape(
    chars: &mut std::iter::Peekable<std::str::Chars<'_>>,
    out: &mut Vec<u8>,
) -> Result<(), String> {
    let Some(first) = chars.next() else {
        return Err("ends with a lone backslash".into());
    };
    if first.is_ascii_digit() {
        let mut digits = String::from(first);
        for _ in 0..2 {
            match chars.next() {
                Some(d) if d.is_ascii_digit() => digits.push(d),
                _ => return Err("a \\DDD escape needs three digits".into()),
            }
        }
        let byte: u8 = digits
            .parse()
            .map_err(|_| format!("\\{digits} is not a byte (000 to 255)"))?;
        out.push(byte);
    } else {
        let mut buf = [0; 4];
        out.extend_from_slice(first.encode_utf8(&mut buf).as_bytes());
    }
    Ok(())
}

pub(crate) fn tokenize(raw: &str) -> Result<Vec<Token>, String> {
    if let Some(c) = raw.chars().find(|c| c.is_control() && *c != '\t') {
        return Err(format!("holds the control character {c:?}"));
    }
    let mut tokens = Vec::new();
    let mut chars = raw.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        if chars.peek().is_none() {
            return Ok(tokens);
        }
        let mut token = Token {
            bytes: Vec::new(),
            quoted: false,
        };
        let mut in_quotes = false;
        while let Some(&c) = chars.peek() {
            if !in_quotes && c.is_whitespace() {
                break;
            }
            chars.next();
            match c {
                '"' => {
                    in_quotes = !in_quotes;
                    token.quoted = true;
                }
                '\\' => escape(&mut chars, &mut token.bytes)?,
                c => {
                    let mut buf = [0; 4];
                    token
                        .bytes
                        .extend_from_slice(c.encode_utf8(&mut buf).as_bytes());
                }
            }
        }
        if in_quotes {
            return Err("has an unterminated quoted string".into());
        }
        tokens.push(token);
    }
}

/// A character-string in canonical presentation form: quoted, with `"` and `\` escaped and
/// bytes outside printable ASCII as `\DDD`.
pub(crate) fn quote(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for &b in bytes {
        match b {
            b'"' | b'\\' => {
                out.push('\\');
                out.push(b as char);
            }
            0x20..=0x7e => out.push(b as char),
            _ => out.push_str(&format!("\\{b:03}")),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(raw: &str) -> Vec<(String, bool)> {
        tokenize(raw)
            .unwrap()
            .into_iter()
            .map(|t| (String::from_utf8(t.bytes).unwrap(), t.quoted))
            .collect()
    }

    #[test]
    fn words_quotes_and_escapes() {
        assert_eq!(
            texts(r#"10  "a \"b\" c" \065\\x alpn="h2,h3""#),
            [
                ("10".to_owned(), false),
                (r#"a "b" c"#.to_owned(), true),
                (r"A\x".to_owned(), false),
                ("alpn=h2,h3".to_owned(), true),
            ]
        );
        assert!(tokenize("\"open").is_err());
        assert!(tokenize("a\nb").is_err());
        assert!(tokenize(r"\999").is_err());
        assert!(tokenize("x\\").is_err());
        assert_eq!(tokenize("  ").unwrap(), []);
    }

    #[test]
    fn quoting_escapes_what_it_must() {
        assert_eq!(quote(br#"v=spf1 "x" \ -all"#), r#""v=spf1 \"x\" \\ -all""#);
        assert_eq!(quote("café".as_bytes()), r#""caf\195\169""#);
        let round = tokenize(&quote(b"a\"b\\c\x01")).unwrap();
        assert_eq!(round[0].bytes, b"a\"b\\c\x01");
    }
}
