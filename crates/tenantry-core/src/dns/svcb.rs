//! SVCB and HTTPS parameters (RFC 9460 §7): checked per key and written in key order, each
//! `key=value` without quotes unless the value needs them.

use std::net::{Ipv4Addr, Ipv6Addr};
use std::str::FromStr;

use super::tokens::{Token, quote};

const NAMES: [&str; 8] = [
    "mandatory",
    "alpn",
    "no-default-alpn",
    "port",
    "ipv4hint",
    "ech",
    "ipv6hint",
    "dohpath",
];

fn key_number(key: &str) -> Result<u16, String> {
    if let Some(n) = NAMES.iter().position(|k| *k == key) {
        return Ok(n as u16);
    }
    key.strip_prefix("key")
        .and_then(|n| n.parse::<u16>().ok())
        .filter(|n| *n != 65535)
        .ok_or_else(|| format!("unknown parameter {key:?}"))
}

fn key_name(number: u16) -> String {
    NAMES
        .get(usize::from(number))
        .map_or_else(|| format!("key{number}"), |k| (*k).to_owned())
}

/// A value as written: bare when it has nothing a reader would split on.
fn value_text(value: &str) -> String {
    let plain = !value.is_empty()
        && value
            .bytes()
            .all(|b| b.is_ascii_graphic() && b != b'"' && b != b'\\' && b != b';');
    if plain {
        value.to_owned()
    } else {
        quote(value.as_bytes())
    }
}

fn list<T>(value: &str, what: &str, parse: impl Fn(&str) -> Option<T>) -> Result<Vec<T>, String> {
    value
        .split(',')
        .map(|item| parse(item).ok_or_else(|| format!("{item:?} is not a valid {what}")))
        .collect()
}

/// A comma-separated address list in canonical form.
fn addresses<A: FromStr + ToString>(value: &str, what: &str) -> Result<String, String> {
    let parsed = list(value, what, |a| a.parse::<A>().ok())?;
    Ok(parsed
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(","))
}

/// Checks one parameter's value and returns it in canonical form.
fn canonical_value(number: u16, value: Option<&str>) -> Result<Option<String>, String> {
    let name = key_name(number);
    let need = || value.ok_or_else(|| format!("{name} needs a value"));
    Ok(match number {
        0 => {
            let mut keys = list(need()?, "parameter name", |k| key_number(k).ok())?;
            keys.sort_unstable();
            keys.dedup();
            Some(keys.into_iter().map(key_name).collect::<Vec<_>>().join(","))
        }
        1 => {
            let ids = list(need()?, "protocol id", |p| {
                (!p.is_empty()).then(|| p.to_owned())
            })?;
            Some(ids.join(","))
        }
        2 => {
            if value.is_some_and(|v| !v.is_empty()) {
                return Err("no-default-alpn takes no value".into());
            }
            None
        }
        3 => Some(
            need()?
                .parse::<u16>()
                .map_err(|_| "port must be a number from 0 to 65535".to_owned())?
                .to_string(),
        ),
        4 => Some(addresses::<Ipv4Addr>(need()?, "IPv4 address")?),
        6 => Some(addresses::<Ipv6Addr>(need()?, "IPv6 address")?),
        5 => {
            let ech = need()?;
            data_encoding::BASE64
                .decode(ech.as_bytes())
                .map_err(|_| "ech must be base64".to_owned())?;
            Some(ech.to_owned())
        }
        _ => Some(need()?.to_owned()),
    })
}

/// The parameters given as `key=value` (or a bare key) tokens, sorted by key number.
pub(crate) fn svc_params(tokens: &[Token]) -> Result<Vec<String>, String> {
    let mut params: Vec<(u16, Option<String>)> = Vec::new();
    for token in tokens {
        let text = token.text()?;
        let (key, value) = match text.split_once('=') {
            Some((key, value)) => (key, Some(value)),
            None => (text, None),
        };
        let number = key_number(&key.to_ascii_lowercase())?;
        if params.iter().any(|(n, _)| *n == number) {
            return Err(format!("parameter {} is given twice", key_name(number)));
        }
        params.push((number, canonical_value(number, value)?));
    }
    params.sort_unstable_by_key(|(n, _)| *n);
    Ok(params
        .into_iter()
        .map(|(n, value)| match value {
            Some(value) => format!("{}={}", key_name(n), value_text(&value)),
            None => key_name(n),
        })
        .collect())
}
