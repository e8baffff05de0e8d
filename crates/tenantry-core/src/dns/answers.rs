//! NS1's record answers: the fields of one record as a JSON list (`["1.2.3.4"]`,
//! `[10, "mx.example.com"]`, `["v=spf1 -all"]`), with domain names absolute but written
//! without the final dot. They are turned into presentation format and back so that NS1 and
//! the Tenantry API read and write the same canonical records.

use serde_json::Value;

use super::names::ZoneName;
use super::rdata::canonical_rdata;
use super::record_type::RecordType;
use super::tokens::{quote, tokenize};

/// Which field of a record of `rtype` holds a domain name.
fn name_field(rtype: RecordType) -> Option<usize> {
    match rtype {
        RecordType::Cname | RecordType::Ns | RecordType::Ptr | RecordType::Alias => Some(0),
        RecordType::Mx | RecordType::Https | RecordType::Svcb => Some(1),
        RecordType::Srv => Some(3),
        RecordType::Naptr => Some(5),
        _ => None,
    }
}

/// Types whose fields are all character-strings.
fn all_strings(rtype: RecordType) -> bool {
    matches!(rtype, RecordType::Txt)
}

/// The canonical record data of one NS1 answer.
pub fn answer_to_rdata(
    rtype: RecordType,
    fields: &[Value],
    zone: &ZoneName,
) -> Result<String, String> {
    if fields.is_empty() {
        return Err("an answer needs at least one field".into());
    }
    let mut parts = Vec::with_capacity(fields.len());
    for (i, field) in fields.iter().enumerate() {
        let text = match field {
            Value::String(s) => s.clone(),
            Value::Number(n) => n.to_string(),
            other => {
                return Err(format!(
                    "answer field {other} is neither a string nor a number"
                ));
            }
        };
        let text = if Some(i) == name_field(rtype) && text != "." && !text.ends_with('.') {
            format!("{text}.")
        } else {
            text
        };
        let needs_quotes = all_strings(rtype)
            || text.is_empty()
            || text
                .chars()
                .any(|c| c.is_whitespace() || c == '"' || c == '\\');
        parts.push(if needs_quotes {
            quote(text.as_bytes())
        } else {
            text
        });
    }
    canonical_rdata(rtype, &parts.join(" "), zone)
}

/// One canonical record's fields as an NS1 answer.
pub fn rdata_to_answer(rtype: RecordType, rdata: &str) -> Vec<Value> {
    let Ok(tokens) = tokenize(rdata) else {
        return vec![Value::String(rdata.to_owned())];
    };
    tokens
        .iter()
        .enumerate()
        .map(|(i, token)| {
            let text = String::from_utf8_lossy(&token.bytes).into_owned();
            if all_strings(rtype) || token.quoted {
                return Value::String(text);
            }
            if Some(i) == name_field(rtype) && text.len() > 1 {
                return Value::String(text.trim_end_matches('.').to_owned());
            }
            match text.parse::<u64>() {
                Ok(n) if !text.starts_with('0') || text == "0" => Value::from(n),
                _ => Value::String(text),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn zone() -> ZoneName {
        ZoneName::parse("example.com").unwrap()
    }

    fn round_trip(rtype: RecordType, answer: Value) -> (String, Value) {
        let fields = answer.as_array().unwrap().clone();
        let rdata = answer_to_rdata(rtype, &fields, &zone()).unwrap();
        let back = Value::Array(rdata_to_answer(rtype, &rdata));
        (rdata, back)
    }

    #[test]
    fn answers_become_canonical_records_and_come_back_unchanged() {
        let cases = [
            (RecordType::A, json!(["1.2.3.4"]), "1.2.3.4"),
            (
                RecordType::Mx,
                json!([10, "mx.example.com"]),
                "10 mx.example.com.",
            ),
            (RecordType::Txt, json!(["v=spf1 -all"]), "\"v=spf1 -all\""),
            (
                RecordType::Cname,
                json!(["target.example.net"]),
                "target.example.net.",
            ),
            (
                RecordType::Srv,
                json!([0, 5, 5060, "sip.example.com"]),
                "0 5 5060 sip.example.com.",
            ),
            (
                RecordType::Caa,
                json!([0, "issue", "letsencrypt.org"]),
                "0 issue \"letsencrypt.org\"",
            ),
        ];
        for (rtype, answer, canonical) in cases {
            let (rdata, back) = round_trip(rtype, answer.clone());
            assert_eq!(rdata, canonical, "{rtype:?}");
            assert_eq!(back, answer, "{rtype:?}");
        }
    }

    #[test]
    fn bad_answers_say_what_is_wrong() {
        assert!(answer_to_rdata(RecordType::A, &[json!("nope")], &zone()).is_err());
        assert!(answer_to_rdata(RecordType::A, &[], &zone()).is_err());
        assert!(answer_to_rdata(RecordType::Mx, &[json!(true)], &zone()).is_err());
    }
}
