//! The OpenAPI schemas of the core's wire values, so the HTTP layer's wire types can derive
//! theirs: an id is a string with its kind's prefix, a permission one of the known names.

use std::borrow::Cow;

use utoipa::openapi::RefOr;
use utoipa::openapi::schema::{ObjectBuilder, Schema, Type};
use utoipa::{PartialSchema, ToSchema};

use crate::ids::{Id, IdKind};
use crate::permission::Permission;

impl<K: IdKind> PartialSchema for Id<K> {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .pattern(Some(format!(
                "^{}_[0-7][0-9a-hjkmnp-tv-z]{{25}}$",
                K::PREFIX
            )))
            .examples([format!("{}_01h455vb4pex5vsknk084sn02q", K::PREFIX)])
            .into()
    }
}

impl<K: IdKind> ToSchema for Id<K> {
    fn name() -> Cow<'static, str> {
        Cow::Borrowed(K::SCHEMA_NAME)
    }
}

impl PartialSchema for Permission {
    fn schema() -> RefOr<Schema> {
        ObjectBuilder::new()
            .schema_type(Type::String)
            .enum_values(Some(Permission::all().map(|p| p.to_string())))
            .into()
    }
}

impl ToSchema for Permission {}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ids::OrganizationId;

    #[test]
    fn an_id_schema_accepts_a_generated_id() {
        let schema = serde_json::to_value(OrganizationId::schema()).unwrap();
        let pattern = schema["pattern"].as_str().unwrap();
        assert_eq!(OrganizationId::name(), "OrganizationId");
        let id = OrganizationId::generate().to_string();
        let suffix = &id["organization_".len()..];
        assert!(pattern.starts_with("^organization_"));
        assert_eq!(suffix.len(), 26);
        assert!(
            suffix
                .chars()
                .all(|c| "0123456789abcdefghjkmnpqrstvwxyz".contains(c))
        );
    }
}
