//! TypeIDs over UUIDv7 (`organization_01h…`). The base32 suffix and the UUIDv7 generation come
//! from `type-safe-id`; the prefix is ours because TypeID prefixes such as `api_key` contain an
//! underscore, which `type-safe-id`'s static prefixes do not allow.

use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;
use std::str::FromStr;

use type_safe_id::{DynamicType, TypeSafeId};
use uuid::Uuid;

/// The kind of object an id names; its prefix is what appears on the wire.
pub trait IdKind: Send + Sync + 'static {
    const PREFIX: &'static str;
    /// The id's name in the OpenAPI document (`OrganizationId`).
    const SCHEMA_NAME: &'static str;
}

pub struct Id<K> {
    uuid: Uuid,
    kind: PhantomData<fn() -> K>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("expected an id of the form {expected}_<26 base32 characters>")]
pub struct IdParseError {
    pub expected: &'static str,
}

impl<K: IdKind> Id<K> {
    /// A new id whose UUIDv7 carries the current time, so ids sort by creation.
    pub fn generate() -> Self {
        let unprefixed = TypeSafeId::new_with_type(empty_prefix());
        Self::from_uuid(unprefixed.uuid())
    }

    pub fn from_uuid(uuid: Uuid) -> Self {
        Self {
            uuid,
            kind: PhantomData,
        }
    }

    pub fn uuid(&self) -> Uuid {
        self.uuid
    }

    /// The 26-character base32 part after the prefix.
    pub fn suffix(&self) -> String {
        TypeSafeId::from_type_and_uuid(empty_prefix(), self.uuid).to_string()
    }

    /// Parses just the 26-character suffix (as embedded in API keys).
    pub fn from_suffix(suffix: &str) -> Result<Self, IdParseError> {
        if suffix.contains('_') {
            return Err(IdParseError {
                expected: K::PREFIX,
            });
        }
        TypeSafeId::<DynamicType>::from_str(suffix)
            .map(|id| Self::from_uuid(id.uuid()))
            .map_err(|_| IdParseError {
                expected: K::PREFIX,
            })
    }
}

fn empty_prefix() -> DynamicType {
    DynamicType::new("").expect("the empty prefix is valid")
}

impl<K: IdKind> FromStr for Id<K> {
    type Err = IdParseError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let suffix = s
            .strip_prefix(K::PREFIX)
            .and_then(|rest| rest.strip_prefix('_'))
            .ok_or(IdParseError {
                expected: K::PREFIX,
            })?;
        Self::from_suffix(suffix)
    }
}

impl<K: IdKind> fmt::Display for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}_{}", K::PREFIX, self.suffix())
    }
}

impl<K: IdKind> fmt::Debug for Id<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self, f)
    }
}

impl<K> Clone for Id<K> {
    fn clone(&self) -> Self {
        *self
    }
}
impl<K> Copy for Id<K> {}
impl<K> PartialEq for Id<K> {
    fn eq(&self, other: &Self) -> bool {
        self.uuid == other.uuid
    }
}
impl<K> Eq for Id<K> {}
impl<K> Hash for Id<K> {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.uuid.hash(state);
    }
}
impl<K> PartialOrd for Id<K> {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}
impl<K> Ord for Id<K> {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.uuid.cmp(&other.uuid)
    }
}

impl<K: IdKind> serde::Serialize for Id<K> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de, K: IdKind> serde::Deserialize<'de> for Id<K> {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

macro_rules! id_kinds {
    ($($kind:ident => $alias:ident = $prefix:literal;)*) => {$(
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub enum $kind {}
        impl IdKind for $kind {
            const PREFIX: &'static str = $prefix;
            const SCHEMA_NAME: &'static str = stringify!($alias);
        }
        pub type $alias = Id<$kind>;
    )*};
}

id_kinds! {
    OrganizationKind => OrganizationId = "organization";
    UserKind => UserId = "user";
    ApiKeyKind => ApiKeyId = "api_key";
    OperatorKind => OperatorId = "operator";
    AuditEventKind => AuditEventId = "audit_event";
    ZoneKind => ZoneId = "zone";
    PlanKind => PlanId = "plan";
    BillingTransactionKind => BillingTransactionId = "billing_transaction";
    SessionKind => SessionId = "session";
    ContactKind => ContactId = "contact";
    InvitationKind => InvitationId = "invitation";
    DomainKind => DomainId = "domain";
    BillingHoldKind => BillingHoldId = "billing_hold";
    EventKind => EventId = "event";
    SecondaryKind => SecondaryId = "secondary";
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_rejects_wrong_prefix() {
        let id = ApiKeyId::generate();
        let text = id.to_string();
        assert!(text.starts_with("api_key_"));
        assert_eq!(text.len(), "api_key_".len() + 26);
        assert_eq!(text.parse::<ApiKeyId>().unwrap(), id);
        assert!(text.parse::<UserId>().is_err());
        assert!(
            "organization_01h45ytscbebyvny4gc8cr8ma2"
                .parse::<OrganizationId>()
                .is_ok()
        );
        assert!(
            "organization_01h45ytscbebyvny4gc8cr8ma"
                .parse::<OrganizationId>()
                .is_err()
        );
        assert!(
            "organization_81h45ytscbebyvny4gc8cr8ma2"
                .parse::<OrganizationId>()
                .is_err()
        );
        assert!(
            "organization_01h45ytscbebyvny4gc8cr8maU"
                .parse::<OrganizationId>()
                .is_err()
        );
    }

    #[test]
    fn generated_ids_are_uuid_v7() {
        assert_eq!(UserId::generate().uuid().get_version_num(), 7);
    }
}
