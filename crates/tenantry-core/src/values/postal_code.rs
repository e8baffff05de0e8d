//! Postal codes, checked against the formats of the countries whose formats registries
//! enforce (sixteen, listed in docs/API.md); any other country's code is taken as written.
//!
//! A format is a template: `N` a digit, `A` a letter, anything else itself. A space in a
//! template may be left out by the client; codes are kept upper case, with the space.

use super::ValueError;

const FORMATS: &[(&str, &[&str])] = &[
    ("US", &["NNNNN", "NNNNN-NNNN"]),
    ("CA", &["ANA NAN"]),
    (
        "GB",
        &[
            "AN NAA", "ANN NAA", "AAN NAA", "AANN NAA", "ANA NAA", "AANA NAA",
        ],
    ),
    ("DE", &["NNNNN"]),
    ("FR", &["NNNNN"]),
    ("IT", &["NNNNN"]),
    ("ES", &["NNNNN"]),
    ("NL", &["NNNN AA"]),
    ("BE", &["NNNN"]),
    ("AT", &["NNNN"]),
    ("CH", &["NNNN"]),
    ("DK", &["NNNN"]),
    ("AU", &["NNNN"]),
    ("PL", &["NN-NNN"]),
    ("SE", &["NNN NN"]),
    ("JP", &["NNN-NNNN", "NNNNNNN"]),
];

/// The countries whose postal codes are checked.
pub fn checked_countries() -> impl Iterator<Item = &'static str> {
    FORMATS.iter().map(|(country, _)| *country)
}

fn fits(template: &str, code: &str) -> bool {
    template.len() == code.len()
        && template.chars().zip(code.chars()).all(|(t, c)| match t {
            'N' => c.is_ascii_digit(),
            'A' => c.is_ascii_uppercase(),
            literal => literal == c,
        })
}

/// The postal code as kept (upper case; for a checked country, in its format), or why it
/// is not one of `country`.
pub fn postal_code(country: &str, code: &str) -> Result<String, ValueError> {
    let upper = code.trim().to_ascii_uppercase();
    let Some((_, templates)) = FORMATS.iter().find(|(c, _)| *c == country) else {
        return Ok(upper);
    };
    for template in *templates {
        if fits(template, &upper) {
            return Ok(upper);
        }
        // The same code written without the template's space.
        let bare = template.replace(' ', "");
        if bare.len() != template.len() && fits(&bare, &upper) {
            let at = template.find(' ').unwrap_or(0);
            return Ok(format!("{} {}", &upper[..at], &upper[at..]));
        }
    }
    let shown: Vec<String> = templates.iter().map(|t| t.replace('N', "9")).collect();
    Err(ValueError(format!(
        "{code:?} is not a postal code of {country} (expected {})",
        shown.join(" or ")
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_of_checked_countries_fit_their_formats() {
        assert_eq!(postal_code("US", "10005").unwrap(), "10005");
        assert_eq!(postal_code("US", "10005-1234").unwrap(), "10005-1234");
        assert_eq!(postal_code("GB", "sw1a 1aa").unwrap(), "SW1A 1AA");
        assert_eq!(postal_code("GB", "SW1A1AA").unwrap(), "SW1A 1AA");
        assert_eq!(postal_code("CA", "K1A0B1").unwrap(), "K1A 0B1");
        assert_eq!(postal_code("NL", "1012 ab").unwrap(), "1012 AB");
        assert_eq!(postal_code("PL", "00-950").unwrap(), "00-950");
        assert_eq!(postal_code("JP", "100-0001").unwrap(), "100-0001");
        for (country, bad) in [
            ("US", "1000"),
            ("DE", "1011"),
            ("DE", "ABCDE"),
            ("GB", "12345"),
            ("PL", "00950"),
            ("CA", "K1A 0B"),
        ] {
            let refused = postal_code(country, bad).unwrap_err();
            assert!(refused.0.contains(country), "{refused:?}");
        }
        assert_eq!(checked_countries().count(), 16);
    }

    #[test]
    fn other_countries_take_the_code_as_written() {
        assert_eq!(postal_code("IE", "d02 x285").unwrap(), "D02 X285");
    }
}
