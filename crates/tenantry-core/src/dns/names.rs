//! Zone and owner names: lower case, absolute (with the trailing dot), validated label by
//! label.

use std::fmt;

use crate::values::ValueError;

const MAX_NAME: usize = 253;
const MAX_LABEL: usize = 63;

fn invalid(raw: &str, why: &str) -> ValueError {
    ValueError(format!("{raw:?} is not a valid DNS name: {why}"))
}

/// Checks the labels of a relative or absolute name (without its trailing dot).
/// `owner` allows what record owners may hold beyond host names: `_service` labels and a
/// leading `*` wildcard.
fn check_labels(raw: &str, name: &str, owner: bool) -> Result<(), ValueError> {
    if name.len() > MAX_NAME {
        return Err(invalid(raw, "longer than 253 characters"));
    }
    for (i, label) in name.split('.').enumerate() {
        if label.is_empty() {
            return Err(invalid(raw, "empty label"));
        }
        if label.len() > MAX_LABEL {
            return Err(invalid(raw, "a label is longer than 63 characters"));
        }
        if owner && i == 0 && label == "*" {
            continue;
        }
        let allowed = |c: char| c.is_ascii_alphanumeric() || c == '-' || (owner && c == '_');
        if !label.chars().all(allowed) {
            let what = if owner {
                "labels hold letters, digits, '-' and '_' ('*' only as the whole first label)"
            } else {
                "labels hold letters, digits and '-'"
            };
            return Err(invalid(raw, what));
        }
        if !owner && (label.starts_with('-') || label.ends_with('-')) {
            return Err(invalid(raw, "a label starts or ends with '-'"));
        }
    }
    Ok(())
}

/// A zone's name: at least two labels, lower case, with the trailing dot (`example.com.`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ZoneName(String);

impl ZoneName {
    /// Accepts the name with or without the trailing dot, in any case.
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let trimmed = raw.trim();
        let bare = trimmed
            .strip_suffix('.')
            .unwrap_or(trimmed)
            .to_ascii_lowercase();
        check_labels(raw, &bare, false)?;
        if !bare.contains('.') {
            return Err(invalid(raw, "a zone needs at least two labels"));
        }
        Ok(ZoneName(format!("{bare}.")))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The name without the trailing dot.
    pub fn bare(&self) -> &str {
        &self.0[..self.0.len() - 1]
    }

    /// The absolute owner name for `raw`: `""` and `"@"` are the apex, a name with a trailing
    /// dot must lie inside the zone, any other is relative to the zone.
    pub fn owner(&self, raw: &str) -> Result<String, ValueError> {
        let raw_trimmed = raw.trim();
        if raw_trimmed.is_empty() || raw_trimmed == "@" {
            return Ok(self.0.clone());
        }
        let lower = raw_trimmed.to_ascii_lowercase();
        let absolute = match lower.strip_suffix('.') {
            Some(bare) => {
                if bare != self.bare() && !bare.ends_with(&format!(".{}", self.bare())) {
                    return Err(ValueError(format!(
                        "{raw:?} is not inside the zone {}",
                        self.0
                    )));
                }
                bare.to_owned()
            }
            None => format!("{lower}.{}", self.bare()),
        };
        check_labels(raw, &absolute, true)?;
        Ok(format!("{absolute}."))
    }

    /// The zone name split at the public suffix list: (subdomain, registrable label, public
    /// suffix), e.g. `shop.example.co.uk.` → (`shop`, `example`, `co.uk`).
    pub fn parts(&self) -> (String, String, String) {
        let bare = self.bare();
        let suffix =
            psl::suffix_str(bare).unwrap_or_else(|| bare.rsplit('.').next().unwrap_or(bare));
        let rest = bare
            .strip_suffix(suffix)
            .unwrap_or(bare)
            .trim_end_matches('.');
        match rest.rsplit_once('.') {
            Some((sub, domain)) => (sub.to_owned(), domain.to_owned(), suffix.to_owned()),
            None => (String::new(), rest.to_owned(), suffix.to_owned()),
        }
    }
}

impl fmt::Display for ZoneName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_names_are_lower_case_and_absolute() {
        for raw in ["Example.COM", "example.com.", " example.com "] {
            assert_eq!(ZoneName::parse(raw).unwrap().as_str(), "example.com.");
        }
        for bad in [
            "com",
            "",
            ".",
            "exa mple.com",
            "-bad.com",
            "a..b",
            "_dmarc.example.com",
        ] {
            assert!(ZoneName::parse(bad).is_err(), "{bad:?}");
        }
        let long = format!("{}.com", "a".repeat(64));
        assert!(ZoneName::parse(&long).is_err());
    }

    #[test]
    fn owners_are_absolute_and_inside_the_zone() {
        let zone = ZoneName::parse("unit.tests").unwrap();
        for (raw, owner) in [
            ("", "unit.tests."),
            ("@", "unit.tests."),
            ("unit.tests.", "unit.tests."),
            ("WWW", "www.unit.tests."),
            ("_sip._tcp", "_sip._tcp.unit.tests."),
            ("*.wild", "*.wild.unit.tests."),
            ("deep.www.unit.tests.", "deep.www.unit.tests."),
        ] {
            assert_eq!(zone.owner(raw).unwrap(), owner, "{raw:?}");
        }
        for bad in [
            "www.other.tests.",
            "tests.",
            "nounit.tests.",
            "a..b",
            "w w",
            "a.*",
        ] {
            assert!(zone.owner(bad).is_err(), "{bad:?}");
        }
        let parts = |z: &str| ZoneName::parse(z).unwrap().parts();
        let owned = |a: &str, b: &str, c: &str| (a.to_owned(), b.to_owned(), c.to_owned());
        assert_eq!(parts("example.com"), owned("", "example", "com"));
        assert_eq!(
            parts("shop.example.co.uk"),
            owned("shop", "example", "co.uk")
        );
        assert_eq!(parts("a.b.unit.tests"), owned("a.b", "unit", "tests"));
    }
}
