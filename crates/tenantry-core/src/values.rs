//! Validated values parsed at the edge: once built, they are known to be well formed.

mod country;
mod ip_network;
mod password;
mod postal_code;
mod slug;
mod text;

pub use country::CountryCode;
pub use ip_network::IpNetwork;
pub use password::check_password;
pub use postal_code::{checked_countries, postal_code};
pub use slug::Slug;
pub use text::{Currency, Email, Locale, Phone, Username, ValueError};
