//! Usernames, emails, locales, phones and currencies.

use std::fmt;

/// Why a value was refused, in words a client can show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct ValueError(pub String);

fn err<T>(msg: impl Into<String>) -> Result<T, ValueError> {
    Err(ValueError(msg.into()))
}

macro_rules! string_value {
    ($name:ident) => {
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        pub struct $name(String);

        impl $name {
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_inner(self) -> String {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
    };
}

string_value!(Username);
string_value!(Email);
string_value!(Locale);
string_value!(Phone);

impl Username {
    /// 3..128 characters of `a-z A-Z 0-9 - + _ @ .` (case is kept; uniqueness ignores it).
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        if !(3..=128).contains(&s.chars().count()) {
            return err("username must be 3 to 128 characters long");
        }
        if !s
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-+_@.".contains(c))
        {
            return err("username may contain only letters, digits and - + _ @ .");
        }
        Ok(Self(s.to_owned()))
    }
}

impl Email {
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        let s = s.trim();
        let Some((local, domain)) = s.rsplit_once('@') else {
            return err("value is not a valid email address: it must have an @-sign");
        };
        let domain_ok = domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && domain
                .chars()
                .all(|c| c.is_alphanumeric() || c == '-' || c == '.');
        if local.is_empty() || s.len() > 254 || local.contains(char::is_whitespace) || !domain_ok {
            return err("value is not a valid email address");
        }
        Ok(Self(s.to_owned()))
    }
}

impl Locale {
    /// Accepts `en`, `en-US` and `en_US`; stores the underscore form (`en_US`).
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        let mut parts = s.split(['-', '_']);
        let language = parts.next().unwrap_or_default();
        let region = parts.next();
        let language_ok =
            (2..=3).contains(&language.len()) && language.chars().all(|c| c.is_ascii_alphabetic());
        let region_ok = region.is_none_or(|r| {
            (r.len() == 2 && r.chars().all(|c| c.is_ascii_alphabetic()))
                || (r.len() == 3 && r.chars().all(|c| c.is_ascii_digit()))
        });
        if !language_ok || !region_ok || parts.next().is_some() {
            return err("locale must look like en, en-US or en_US");
        }
        let mut out = language.to_ascii_lowercase();
        if let Some(region) = region {
            out.push('_');
            out.push_str(&region.to_ascii_uppercase());
        }
        Ok(Self(out))
    }
}

impl Phone {
    /// The registry form `+CC.NUMBER`, e.g. `+1.2125552368`.
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        let ok = s
            .strip_prefix('+')
            .and_then(|rest| rest.split_once('.'))
            .is_some_and(|(cc, number)| {
                (1..=3).contains(&cc.len())
                    && (4..=14).contains(&number.len())
                    && cc.chars().chain(number.chars()).all(|c| c.is_ascii_digit())
            });
        if !ok {
            return err("phone must look like +1.2125552368");
        }
        Ok(Self(s.to_owned()))
    }
}

/// ISO 4217 currencies the platform bills in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Currency {
    Eur,
    Usd,
}

impl Currency {
    pub fn parse(s: &str) -> Result<Self, ValueError> {
        match s {
            "EUR" => Ok(Currency::Eur),
            "USD" => Ok(Currency::Usd),
            _ => err("currency must be one of EUR, USD"),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Currency::Eur => "EUR",
            Currency::Usd => "USD",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locales_in_three_spellings() {
        assert_eq!(Locale::parse("en").unwrap().as_str(), "en");
        assert_eq!(Locale::parse("en-US").unwrap().as_str(), "en_US");
        assert_eq!(Locale::parse("de_de").unwrap().as_str(), "de_DE");
        assert!(Locale::parse("english").is_err());
        assert!(Locale::parse("en-US-x").is_err());
    }

    #[test]
    fn usernames_and_emails() {
        assert!(Username::parse("jane.doe").is_ok());
        assert!(Username::parse("ab").is_err());
        assert!(Username::parse("jane doe").is_err());
        assert!(Email::parse("jane@example.com").is_ok());
        assert!(Email::parse("jane@example").is_err());
        assert!(Email::parse("@example.com").is_err());
    }

    #[test]
    fn phones_and_currencies() {
        assert!(Phone::parse("+1.2125552368").is_ok());
        assert!(Phone::parse("2125552368").is_err());
        assert_eq!(Currency::parse("EUR").unwrap().as_str(), "EUR");
        assert!(Currency::parse("eur").is_err());
    }
}
