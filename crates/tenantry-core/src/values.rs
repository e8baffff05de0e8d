//! Validated values parsed at the edge: once built, they are known to be well formed.

mod country;
mod text;

pub use country::CountryCode;
pub use text::{Currency, Email, Locale, Phone, Username, ValueError};
