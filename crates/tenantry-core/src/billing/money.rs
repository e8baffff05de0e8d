//! Money as integer minor units (cents) of an ISO 4217 currency. Both currencies the platform
//! bills in (EUR, USD) have two decimals, so amounts on the wire are decimal strings with at
//! most two of them, and no amount ever passes through a float.

use std::fmt;

use crate::values::ValueError;

/// The largest amount accepted on the wire: 8 integer digits, as the OpusDNS description's
/// money pattern allows.
pub const MAX_MINOR: i64 = 9_999_999_999;

/// A signed amount in minor units.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Minor(pub i64);

impl Minor {
    pub const ZERO: Minor = Minor(0);

    /// Parses `"12"`, `"12.5"`, `"12.50"`, `"-3.10"` or `"+3"`: up to 8 integer digits and
    /// 2 decimals. A sign is accepted only when `signed`.
    pub fn parse(text: &str, signed: bool) -> Result<Minor, ValueError> {
        let invalid = || {
            ValueError(if signed {
                "must be a decimal amount with at most 8 integer digits and 2 decimals".into()
            } else {
                "must be a non-negative decimal amount with at most 8 integer digits and 2 decimals"
                    .into()
            })
        };
        let (negative, unsigned) = match text.as_bytes().first() {
            Some(b'-') if signed => (true, &text[1..]),
            Some(b'+') if signed => (false, &text[1..]),
            _ => (false, text),
        };
        let (whole, fraction) = unsigned.split_once('.').unwrap_or((unsigned, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() && fraction.is_empty()
            || !digits(whole)
            || !digits(fraction)
            || fraction.len() > 2
            || unsigned.ends_with('.')
        {
            return Err(invalid());
        }
        let whole = whole.trim_start_matches('0');
        if whole.len() > 8 {
            return Err(invalid());
        }
        let units: i64 = if whole.is_empty() {
            0
        } else {
            whole.parse().map_err(|_| invalid())?
        };
        let cents: i64 = format!("{fraction:0<2}").parse().map_err(|_| invalid())?;
        let value = units * 100 + cents;
        Ok(Minor(if negative { -value } else { value }))
    }

    pub fn checked_add(self, other: Minor) -> Option<Minor> {
        self.0.checked_add(other.0).map(Minor)
    }

    pub fn is_negative(self) -> bool {
        self.0 < 0
    }
}

impl fmt::Display for Minor {
    /// `-12.50`: always two decimals, a sign only when negative.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let sign = if self.0 < 0 { "-" } else { "" };
        let abs = self.0.unsigned_abs();
        write!(f, "{sign}{}.{:02}", abs / 100, abs % 100)
    }
}

/// A tax rate in percent (`"19"` or `"19.00"` is 19 %), kept exactly as a fraction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TaxRate {
    /// The rate in percent times `10^scale`.
    scaled: i128,
    scale: u32,
}

impl TaxRate {
    pub const ZERO: TaxRate = TaxRate {
        scaled: 0,
        scale: 0,
    };

    /// Parses a non-negative decimal percentage with up to 6 decimals.
    pub fn parse(text: &str) -> Result<TaxRate, ValueError> {
        let (whole, fraction) = text.split_once('.').unwrap_or((text, ""));
        let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
        if whole.is_empty() || !digits(whole) || !digits(fraction) || fraction.len() > 6 {
            return Err(ValueError(
                "a tax rate must be a non-negative percentage with at most 6 decimals".into(),
            ));
        }
        let scaled: i128 = format!("{whole}{fraction}")
            .parse()
            .map_err(|_| ValueError("the tax rate is too large".into()))?;
        if scaled > 100 * 10i128.pow(fraction.len() as u32) {
            return Err(ValueError("a tax rate cannot exceed 100 percent".into()));
        }
        Ok(TaxRate {
            scaled,
            scale: fraction.len() as u32,
        })
    }

    /// The tax on a net amount, rounded half away from zero to the cent.
    pub fn tax_on(self, net: Minor) -> Minor {
        let denominator = 100 * 10i128.pow(self.scale);
        let product = i128::from(net.0) * self.scaled;
        let rounded = (product.abs() + denominator / 2) / denominator;
        let signed = if product < 0 { -rounded } else { rounded };
        Minor(i64::try_from(signed).expect("tax never exceeds the net amount"))
    }
}

impl fmt::Display for TaxRate {
    /// The rate with at least two decimals: `19.00`, `7.125`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scale = self.scale.max(2);
        let scaled = self.scaled * 10i128.pow(scale - self.scale);
        let divisor = 10i128.pow(scale);
        write!(
            f,
            "{}.{:0width$}",
            scaled / divisor,
            scaled % divisor,
            width = scale as usize
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_exactly_and_print_with_two_decimals() {
        for (text, minor) in [
            ("12", 1200),
            ("12.5", 1250),
            ("12.50", 1250),
            ("0.01", 1),
            (".5", 50),
            ("00012.00", 1200),
            ("99999999.99", MAX_MINOR),
        ] {
            assert_eq!(Minor::parse(text, false), Ok(Minor(minor)), "{text}");
        }
        assert_eq!(Minor::parse("-3.1", true), Ok(Minor(-310)));
        assert_eq!(Minor::parse("+3", true), Ok(Minor(300)));
        for bad in [
            "",
            ".",
            "1.",
            "1.234",
            "-1",
            "1e3",
            "abc",
            "100000000",
            " 1",
        ] {
            assert!(Minor::parse(bad, false).is_err(), "{bad:?}");
        }
        assert_eq!(Minor(-1250).to_string(), "-12.50");
        assert_eq!(Minor(5).to_string(), "0.05");
        assert_eq!(Minor(0).to_string(), "0.00");
    }

    #[test]
    fn tax_is_exact_and_rounded_half_away_from_zero() {
        let vat = TaxRate::parse("19").unwrap();
        assert_eq!(vat.tax_on(Minor(1000)), Minor(190));
        // 0.19 × 0.05 = 0.0095 → 0.01
        assert_eq!(vat.tax_on(Minor(5)), Minor(1));
        assert_eq!(vat.tax_on(Minor(-5)), Minor(-1));
        let odd = TaxRate::parse("7.125").unwrap();
        // 7.125 % of 2.00 = 0.1425 → 0.14
        assert_eq!(odd.tax_on(Minor(200)), Minor(14));
        assert_eq!(odd.to_string(), "7.125");
        assert_eq!(vat.to_string(), "19.00");
        assert_eq!(TaxRate::ZERO.to_string(), "0.00");
        assert!(TaxRate::parse("101").is_err());
        assert!(TaxRate::parse("-1").is_err());
        assert!(TaxRate::parse("0.1234567").is_err());
    }
}
