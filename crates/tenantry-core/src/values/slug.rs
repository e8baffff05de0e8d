//! Organization slugs: the short names in DomainGenius paths (`/api/v1/orgs/acme`), unique on
//! the platform whatever their case.
//!
//! A slug is 3 to 40 characters of lower-case letters, digits and single hyphens, starting
//! with a letter and not ending with a hyphen, and is none of the reserved words (paths and
//! names the platform keeps for itself). Input in any case is taken in lower case.

use super::ValueError;

pub const MIN_LEN: usize = 3;
pub const MAX_LEN: usize = 40;

/// Words no organization may take: they name the platform's own paths and roles, or would
/// pass for the platform itself.
pub const RESERVED: &[&str] = &[
    "admin",
    "administrator",
    "api",
    "app",
    "assets",
    "auth",
    "billing",
    "check-slug",
    "dashboard",
    "docs",
    "domaingenius",
    "help",
    "invitations",
    "keys",
    "login",
    "logout",
    "me",
    "new",
    "operator",
    "orgs",
    "owner",
    "root",
    "settings",
    "signup",
    "static",
    "status",
    "support",
    "system",
    "tenantry",
    "www",
];

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Slug(String);

impl Slug {
    pub fn parse(raw: &str) -> Result<Self, ValueError> {
        let slug = raw.to_ascii_lowercase();
        let refuse = |why: &str| Err(ValueError(format!("{raw:?} is not a valid slug: {why}")));
        if !(MIN_LEN..=MAX_LEN).contains(&slug.len()) {
            return refuse(&format!(
                "it must be {MIN_LEN} to {MAX_LEN} characters long"
            ));
        }
        if !slug
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return refuse("only letters, digits and hyphens are allowed");
        }
        if !slug.starts_with(|c: char| c.is_ascii_lowercase()) {
            return refuse("it must start with a letter");
        }
        if slug.ends_with('-') || slug.contains("--") {
            return refuse("hyphens go between letters or digits, one at a time");
        }
        if RESERVED.contains(&slug.as_str()) {
            return refuse("the word is reserved");
        }
        Ok(Slug(slug))
    }

    /// Whether `raw` is one of the reserved words, in any case.
    pub fn is_reserved(raw: &str) -> bool {
        RESERVED.contains(&raw.to_ascii_lowercase().as_str())
    }

    /// A slug made from an organization's name (`Acme Corp.` → `acme-corp`); names with too
    /// few letters or digits, or a reserved word, get an `org` added.
    pub fn derive(name: &str) -> Slug {
        let mut slug = String::new();
        for c in name.chars() {
            if c.is_ascii_alphanumeric() {
                slug.push(c.to_ascii_lowercase());
            } else if !slug.is_empty() && !slug.ends_with('-') {
                slug.push('-');
            }
        }
        // Room for the `org-` or `-org` added below.
        slug.truncate(MAX_LEN - 4);
        let base = slug.trim_matches('-');
        let candidate = if base.is_empty() {
            "org".to_owned()
        } else if base.starts_with(|c: char| c.is_ascii_lowercase()) {
            base.to_owned()
        } else {
            format!("org-{base}")
        };
        // Only a slug too short or reserved is refused here; with `-org` it is neither.
        Slug::parse(&candidate).unwrap_or_else(|_| Slug(format!("{candidate}-org")))
    }

    /// This slug with a numbered suffix (`acme-2`), for a suggestion when it is taken.
    pub fn numbered(&self, n: u32) -> Slug {
        let suffix = format!("-{n}");
        let mut base = self.0.clone();
        base.truncate(MAX_LEN - suffix.len());
        Slug(format!("{}{suffix}", base.trim_end_matches('-')))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_inner(self) -> String {
        self.0
    }
}

impl std::fmt::Display for Slug {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slugs_are_short_lower_case_words_that_are_not_reserved() {
        assert_eq!(Slug::parse("Acme").unwrap().as_str(), "acme");
        assert_eq!(Slug::parse("acme-au-2").unwrap().as_str(), "acme-au-2");
        for bad in [
            "ab", "-acme", "acme-", "ac--me", "1acme", "acme.au", "acme au", "api", "API",
        ] {
            assert!(Slug::parse(bad).is_err(), "{bad}");
        }
        assert!(Slug::parse(&"a".repeat(41)).is_err());
    }

    #[test]
    fn names_become_slugs() {
        assert_eq!(Slug::derive("Acme Corp.").as_str(), "acme-corp");
        assert_eq!(Slug::derive("  Ünïcode & Co ").as_str(), "n-code-co");
        assert_eq!(Slug::derive("42").as_str(), "org-42");
        assert_eq!(Slug::derive("!").as_str(), "org");
        assert_eq!(Slug::derive("Api").as_str(), "api-org");
        assert_eq!(Slug::derive(&"x".repeat(80)).as_str().len(), MAX_LEN - 4);
        assert_eq!(Slug::derive("Acme").numbered(2).as_str(), "acme-2");
    }
}
