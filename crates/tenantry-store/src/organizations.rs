//! Organizations: the tenant tree (a top-level organization and its suborganizations).

use sea_query::{Alias, Expr, Func, Query};
use tenantry_core::perms::{ORG_DELETE, ORG_MANAGE};
use tenantry_core::{OrgScope, OrgStatus, OrganizationId, Proof};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx, parse_stored};
use crate::error::{Result, classify};
use crate::list::{
    IDS_PER_STATEMENT, Page, PageRequest, SortOrder, contains_pattern, fetch_all_built, page_built,
};
use crate::proof::{proven, proven_for};

/// The profile fields a client sets; `PATCH` rewrites them together.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct OrganizationProfile {
    pub name: String,
    pub address_1: Option<String>,
    pub address_2: Option<String>,
    pub city: Option<String>,
    pub state: Option<String>,
    pub postal_code: Option<String>,
    pub country_code: Option<String>,
    pub currency: Option<String>,
    pub default_locale: Option<String>,
    pub business_number: Option<String>,
    pub tax_id: Option<String>,
    pub tax_id_type: Option<String>,
    pub tax_rate: Option<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Organization {
    pub id: OrganizationId,
    pub org_id: i64,
    pub parent_id: Option<OrganizationId>,
    pub status: OrgStatus,
    pub billing_mode: String,
    /// Lower case, unique among live organizations.
    pub slug: String,
    pub profile: OrganizationProfile,
    pub created_on: OffsetDateTime,
    pub updated_on: OffsetDateTime,
    pub deleted_on: Option<OffsetDateTime>,
}

impl Organization {
    pub fn scope(&self) -> OrgScope {
        OrgScope {
            id: self.id,
            parent_id: self.parent_id,
            status: self.status,
        }
    }
}

#[derive(sqlx::FromRow)]
struct OrganizationRow {
    id: Uuid,
    org_id: i64,
    parent_id: Option<Uuid>,
    name: String,
    status: String,
    billing_mode: String,
    slug: String,
    address_1: Option<String>,
    address_2: Option<String>,
    city: Option<String>,
    state: Option<String>,
    postal_code: Option<String>,
    country_code: Option<String>,
    currency: Option<String>,
    default_locale: Option<String>,
    business_number: Option<String>,
    tax_id: Option<String>,
    tax_id_type: Option<String>,
    tax_rate: Option<String>,
    created_on: OffsetDateTime,
    updated_on: OffsetDateTime,
    deleted_on: Option<OffsetDateTime>,
}

impl OrganizationRow {
    fn into_record(self) -> Result<Organization> {
        Ok(Organization {
            id: OrganizationId::from_uuid(self.id),
            org_id: self.org_id,
            parent_id: self.parent_id.map(OrganizationId::from_uuid),
            status: parse_stored(&self.status, OrgStatus::parse)?,
            billing_mode: self.billing_mode,
            slug: self.slug,
            profile: OrganizationProfile {
                name: self.name,
                address_1: self.address_1,
                address_2: self.address_2,
                city: self.city,
                state: self.state,
                postal_code: self.postal_code,
                country_code: self.country_code,
                currency: self.currency,
                default_locale: self.default_locale,
                business_number: self.business_number,
                tax_id: self.tax_id,
                tax_id_type: self.tax_id_type,
                tax_rate: self.tax_rate,
            },
            created_on: self.created_on,
            updated_on: self.updated_on,
            deleted_on: self.deleted_on,
        })
    }
}

const COLUMNS: [&str; 22] = [
    "id",
    "org_id",
    "parent_id",
    "name",
    "status",
    "billing_mode",
    "slug",
    "address_1",
    "address_2",
    "city",
    "state",
    "postal_code",
    "country_code",
    "currency",
    "default_locale",
    "business_number",
    "tax_id",
    "tax_id_type",
    "tax_rate",
    "created_on",
    "updated_on",
    "deleted_on",
];

macro_rules! select_organizations {
    ($where:literal) => {
        concat!(
            "SELECT id, org_id, parent_id, name, status, billing_mode, slug, address_1, address_2, ",
            "city, state, postal_code, country_code, currency, default_locale, business_number, ",
            "tax_id, tax_id_type, tax_rate, created_on, updated_on, deleted_on FROM organizations ",
            $where
        )
    };
}

const SELECT_LIVE: &str = select_organizations!("WHERE id = $1 AND deleted_on IS NULL");
const SELECT_ANY: &str = select_organizations!("WHERE id = $1");
const SELECT_LIVE_BY_ORG_ID: &str =
    select_organizations!("WHERE org_id = $1 AND deleted_on IS NULL");
const SELECT_ALL_LIVE: &str = select_organizations!("WHERE deleted_on IS NULL ORDER BY org_id");
const SELECT_LIVE_CHILDREN: &str =
    select_organizations!("WHERE parent_id = $1 AND deleted_on IS NULL ORDER BY org_id");

const NEXT_ORG_ID: &str =
    "UPDATE counters SET value = value + 1 WHERE name = 'org_id' RETURNING value";

const INSERT: &str = "INSERT INTO organizations (id, org_id, parent_id, name, status, \
    billing_mode, address_1, address_2, city, state, postal_code, country_code, currency, \
    default_locale, business_number, tax_id, tax_id_type, tax_rate, created_on, updated_on, slug) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19, $20)";

const UPDATE_SLUG: &str =
    "UPDATE organizations SET slug = $2, updated_on = $3 WHERE id = $1 AND deleted_on IS NULL";

const SELECT_LIVE_BY_SLUG: &str = select_organizations!("WHERE slug = $1 AND deleted_on IS NULL");

const SLUGS_NUMBERED: &str = "SELECT slug FROM organizations \
    WHERE (slug = $1 OR slug LIKE $2) AND deleted_on IS NULL";

const SLUG_TAKEN: &str =
    "SELECT EXISTS (SELECT 1 FROM organizations WHERE slug = $1 AND deleted_on IS NULL)";

const UPDATE_PROFILE: &str = "UPDATE organizations SET name = $2, address_1 = $3, address_2 = $4, \
    city = $5, state = $6, postal_code = $7, country_code = $8, currency = $9, default_locale = $10, \
    business_number = $11, tax_id = $12, tax_id_type = $13, tax_rate = $14, updated_on = $15 \
    WHERE id = $1 AND deleted_on IS NULL";

const UPDATE_STATUS: &str =
    "UPDATE organizations SET status = $2, updated_on = $3 WHERE id = $1 AND deleted_on IS NULL";

const MARK_DELETED: &str = "UPDATE organizations SET deleted_on = $2, updated_on = $2 WHERE id = $1 AND deleted_on IS NULL";

/// Reads a live (not deleted) organization.
pub async fn get(tx: &mut Tx, id: OrganizationId) -> Result<Option<Organization>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, OrganizationRow>(SELECT_LIVE)
        .bind(id.uuid())
        .fetch_optional(conn)
        .await)?;
    row.map(OrganizationRow::into_record).transpose()
}

/// Reads an organization, deleted or not: what stays of a deleted one is for the platform
/// operator (its audit trail).
pub async fn get_even_deleted(tx: &mut Tx, id: OrganizationId) -> Result<Option<Organization>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, OrganizationRow>(SELECT_ANY)
        .bind(id.uuid())
        .fetch_optional(conn)
        .await)?;
    row.map(OrganizationRow::into_record).transpose()
}

/// Reads a live organization by its slug (lower case).
pub async fn get_by_slug(tx: &mut Tx, slug: &str) -> Result<Option<Organization>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, OrganizationRow>(SELECT_LIVE_BY_SLUG)
        .bind(slug)
        .fetch_optional(conn)
        .await)?;
    row.map(OrganizationRow::into_record).transpose()
}

/// Whether a live organization has this slug: a platform-wide fact, as the slug is unique
/// on the platform (an availability check tells nothing else about the holder).
pub async fn slug_taken(tx: &mut Tx, slug: &str) -> Result<bool> {
    Ok(on_tx!(tx, conn => sqlx::query_scalar::<_, bool>(SLUG_TAKEN)
        .bind(slug)
        .fetch_one(conn)
        .await)?)
}

/// The live slugs `base` or `base-…`: what a numbered suggestion must avoid.
pub async fn slugs_numbered(tx: &mut Tx, base: &str) -> Result<Vec<String>> {
    // A slug holds no `%` or `_`: the pattern needs no escaping.
    let pattern = format!("{base}-%");
    Ok(
        on_tx!(tx, conn => sqlx::query_scalar::<_, String>(SLUGS_NUMBERED)
        .bind(base)
        .bind(pattern)
        .fetch_all(conn)
        .await)?,
    )
}

/// Gives the proof's organization a new slug; one a live organization holds is a
/// `UniqueViolation`.
pub async fn update_slug(
    tx: &mut Tx,
    auth: &dyn Proof,
    slug: &str,
    now: OffsetDateTime,
) -> Result<()> {
    let organization = proven(auth, ORG_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(UPDATE_SLUG)
        .bind(organization.uuid())
        .bind(slug)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))
    .map_err(classify)?;
    Ok(())
}

/// Reads a live organization by its NS1 number.
pub async fn get_by_org_id(tx: &mut Tx, org_id: i64) -> Result<Option<Organization>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, OrganizationRow>(SELECT_LIVE_BY_ORG_ID)
        .bind(org_id)
        .fetch_optional(conn)
        .await)?;
    row.map(OrganizationRow::into_record).transpose()
}

/// Every live organization of the platform, in `org_id` order (the operator's view).
pub async fn list_all_live(tx: &mut Tx) -> Result<Vec<Organization>> {
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, OrganizationRow>(SELECT_ALL_LIVE)
        .fetch_all(conn)
        .await)?;
    rows.into_iter().map(OrganizationRow::into_record).collect()
}

/// Every live suborganization of `parent`.
pub async fn live_children(tx: &mut Tx, parent: OrganizationId) -> Result<Vec<Organization>> {
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, OrganizationRow>(SELECT_LIVE_CHILDREN)
        .bind(parent.uuid())
        .fetch_all(conn)
        .await)?;
    rows.into_iter().map(OrganizationRow::into_record).collect()
}

/// The live organizations among `ids`, with the live children of each of them: every
/// organization a person's grants reach, in one statement per 500 grants rather than two per
/// grant. Ordered by `org_id`.
pub async fn live_with_children(tx: &mut Tx, ids: &[OrganizationId]) -> Result<Vec<Organization>> {
    let mut found = Vec::new();
    for chunk in ids.chunks(IDS_PER_STATEMENT) {
        let uuids = || chunk.iter().map(|id| id.uuid());
        let mut query = Query::select();
        query
            .columns(COLUMNS.map(Alias::new))
            .from(Alias::new("organizations"))
            .and_where(Expr::col(Alias::new("deleted_on")).is_null())
            .cond_where(
                sea_query::Cond::any()
                    .add(Expr::col(Alias::new("id")).is_in(uuids()))
                    .add(Expr::col(Alias::new("parent_id")).is_in(uuids())),
            )
            .order_by(Alias::new("org_id"), sea_query::Order::Asc);
        let rows = fetch_all_built!(tx, query, OrganizationRow)?;
        for row in rows {
            found.push(row.into_record()?);
        }
    }
    found.sort_by_key(|org: &Organization| org.org_id);
    found.dedup_by_key(|org| org.id);
    Ok(found)
}

/// Takes the next NS1 `org_id`; the counter row serializes concurrent creations.
pub async fn next_org_id(tx: &mut Tx) -> Result<i64> {
    Ok(on_tx!(tx, conn => sqlx::query_scalar::<_, i64>(NEXT_ORG_ID).fetch_one(conn).await)?)
}

/// Creates an organization. For a suborganization `auth` must be on its parent; a top-level
/// organization is authorized on itself (by the platform operator).
pub async fn insert(tx: &mut Tx, auth: &dyn Proof, org: &Organization) -> Result<()> {
    proven_for(auth, org.parent_id.unwrap_or(org.id), ORG_MANAGE)?;
    let p = &org.profile;
    on_tx!(tx, conn => sqlx::query(INSERT)
        .bind(org.id.uuid())
        .bind(org.org_id)
        .bind(org.parent_id.map(|id| id.uuid()))
        .bind(&p.name)
        .bind(org.status.as_str())
        .bind(&org.billing_mode)
        .bind(&p.address_1)
        .bind(&p.address_2)
        .bind(&p.city)
        .bind(&p.state)
        .bind(&p.postal_code)
        .bind(&p.country_code)
        .bind(&p.currency)
        .bind(&p.default_locale)
        .bind(&p.business_number)
        .bind(&p.tax_id)
        .bind(&p.tax_id_type)
        .bind(&p.tax_rate)
        .bind(org.created_on)
        .bind(&org.slug)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))
    .map_err(classify)?;
    Ok(())
}

pub async fn update_profile(
    tx: &mut Tx,
    auth: &dyn Proof,
    profile: &OrganizationProfile,
    now: OffsetDateTime,
) -> Result<()> {
    let organization = proven(auth, ORG_MANAGE)?;
    let p = profile;
    on_tx!(tx, conn => sqlx::query(UPDATE_PROFILE)
        .bind(organization.uuid())
        .bind(&p.name)
        .bind(&p.address_1)
        .bind(&p.address_2)
        .bind(&p.city)
        .bind(&p.state)
        .bind(&p.postal_code)
        .bind(&p.country_code)
        .bind(&p.currency)
        .bind(&p.default_locale)
        .bind(&p.business_number)
        .bind(&p.tax_id)
        .bind(&p.tax_id_type)
        .bind(&p.tax_rate)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

pub async fn update_status(
    tx: &mut Tx,
    auth: &dyn Proof,
    status: OrgStatus,
    now: OffsetDateTime,
) -> Result<()> {
    let organization = proven(auth, ORG_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(UPDATE_STATUS)
        .bind(organization.uuid())
        .bind(status.as_str())
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// Marks the organization deleted; its rows stay for the audit trail.
pub async fn mark_deleted(tx: &mut Tx, auth: &dyn Proof, now: OffsetDateTime) -> Result<()> {
    let organization = proven(auth, ORG_DELETE)?;
    on_tx!(tx, conn => sqlx::query(MARK_DELETED)
        .bind(organization.uuid())
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OrganizationSort {
    CreatedOn,
    Name,
    CountryCode,
}

#[derive(Debug, Clone)]
pub struct OrganizationFilter {
    pub search: Option<String>,
    pub country_code: Option<String>,
    pub sort: OrganizationSort,
    pub order: SortOrder,
}

/// Lists the live suborganizations of `parent`.
pub async fn list_children(
    tx: &mut Tx,
    parent: OrganizationId,
    filter: &OrganizationFilter,
    page: PageRequest,
) -> Result<Page<Organization>> {
    let mut query = Query::select();
    query
        .columns(COLUMNS.map(Alias::new))
        .from(Alias::new("organizations"))
        .and_where(Expr::col(Alias::new("parent_id")).eq(parent.uuid()))
        .and_where(Expr::col(Alias::new("deleted_on")).is_null());
    if let Some(search) = &filter.search {
        query.and_where(
            Expr::expr(Func::lower(Expr::col(Alias::new("name")))).like(contains_pattern(search)),
        );
    }
    if let Some(country) = &filter.country_code {
        query.and_where(Expr::col(Alias::new("country_code")).eq(country.as_str()));
    }
    let sort_column = match filter.sort {
        OrganizationSort::CreatedOn => "created_on",
        OrganizationSort::Name => "name",
        OrganizationSort::CountryCode => "country_code",
    };
    let (rows, total) = page_built!(
        tx,
        "organizations",
        &COLUMNS,
        query,
        (sort_column, filter.order),
        page,
        OrganizationRow
    );
    Ok(Page {
        items: rows
            .into_iter()
            .map(OrganizationRow::into_record)
            .collect::<Result<_>>()?,
        total_items: total,
        request: page,
    })
}
