//! The one rule for a password a person sets: 8 to 256 characters, not one of the passwords
//! most often found in breaches, and not the person's own username or email address.

use std::collections::HashSet;
use std::sync::LazyLock;

use super::ValueError;

/// The 8-character-or-longer entries of zxcvbn's list of the 30,000 passwords most common in
/// breach corpora (MIT licence), one per line, lowercase.
const COMMON: &str = include_str!("common_passwords.txt");

static COMMON_SET: LazyLock<HashSet<&'static str>> = LazyLock::new(|| COMMON.lines().collect());

/// Checks a new password against the policy; `identities` are the names the person is known
/// by (username, email), which a password must not repeat.
pub fn check_password(password: &str, identities: &[&str]) -> Result<(), ValueError> {
    if !(8..=256).contains(&password.chars().count()) {
        return Err(ValueError("must be 8 to 256 characters long".into()));
    }
    let folded = password.to_lowercase();
    if COMMON_SET.contains(folded.as_str()) {
        return Err(ValueError(
            "is one of the most commonly used passwords; choose another".into(),
        ));
    }
    let repeats = |identity: &&str| {
        let identity = identity.to_lowercase();
        let local_part = identity.split('@').next().unwrap_or_default();
        folded == identity || folded == local_part
    };
    if identities.iter().any(repeats) {
        return Err(ValueError(
            "must not be the same as the username or email address".into(),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_common_list_and_identities() {
        assert!(check_password("short", &[]).is_err());
        assert!(check_password(&"x".repeat(257), &[]).is_err());
        assert!(
            check_password("Password1", &[]).is_err(),
            "common, any case"
        );
        assert!(check_password("baseball", &[]).is_err());
        assert!(check_password("jane.doe.42", &["Jane.Doe.42"]).is_err());
        assert!(check_password("jane.doe.42", &["x", "jane.doe.42@example.com"]).is_err());
        assert!(check_password("correct horse battery", &["jane", "jane@example.com"]).is_ok());
    }

    #[test]
    fn the_shipped_list_is_lowercase_and_long_enough_to_matter() {
        assert!(COMMON_SET.len() > 10_000);
        assert!(
            COMMON
                .lines()
                .all(|w| w == w.to_lowercase() && w.len() >= 8)
        );
    }
}
