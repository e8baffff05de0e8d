//! Contacts of an organization: written once, read, deleted; never changed.

use sea_query::{Alias, Expr, Func, Query};
use tenantry_core::perms::{CONTACTS_DELETE, CONTACTS_MANAGE, CONTACTS_READ};
use tenantry_core::{ContactId, OrganizationId, Proof};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx};
use crate::error::Result;
use crate::list::{Page, PageRequest, SortOrder, contains_pattern, page_built, time_ranges};
use crate::proof::{proven, proven_for};

/// Who a contact is and where: everything a client gives when it makes one.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct ContactDetails {
    pub first_name: String,
    pub last_name: String,
    pub email: String,
    pub phone: String,
    pub fax: Option<String>,
    pub street: String,
    pub city: String,
    pub state: Option<String>,
    pub postal_code: String,
    pub country: String,
    pub org: Option<String>,
    pub title: Option<String>,
    pub disclose: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Contact {
    pub id: ContactId,
    pub organization_id: OrganizationId,
    pub details: ContactDetails,
    pub created_on: OffsetDateTime,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    organization_id: Uuid,
    #[sqlx(flatten)]
    details: ContactDetails,
    created_on: OffsetDateTime,
}

impl From<Row> for Contact {
    fn from(r: Row) -> Self {
        Contact {
            id: ContactId::from_uuid(r.id),
            organization_id: OrganizationId::from_uuid(r.organization_id),
            details: r.details,
            created_on: r.created_on,
        }
    }
}

const COLUMNS: [&str; 16] = [
    "id",
    "organization_id",
    "first_name",
    "last_name",
    "email",
    "phone",
    "fax",
    "street",
    "city",
    "state",
    "postal_code",
    "country",
    "org",
    "title",
    "disclose",
    "created_on",
];

const INSERT: &str = "INSERT INTO contacts (id, organization_id, first_name, last_name, email, \
    phone, fax, street, city, state, postal_code, country, org, title, disclose, created_on) \
    VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)";

const SELECT_ONE: &str = "SELECT id, organization_id, first_name, last_name, email, phone, fax, \
    street, city, state, postal_code, country, org, title, disclose, created_on \
    FROM contacts WHERE id = $1";

const DELETE: &str = "DELETE FROM contacts WHERE id = $1 AND organization_id = $2";

/// Stores a new contact of the proof's organization.
pub async fn insert(tx: &mut Tx, auth: &dyn Proof, contact: &Contact) -> Result<()> {
    proven_for(auth, contact.organization_id, CONTACTS_MANAGE)?;
    let c = &contact.details;
    on_tx!(tx, conn => sqlx::query(INSERT)
        .bind(contact.id.uuid())
        .bind(contact.organization_id.uuid())
        .bind(&c.first_name)
        .bind(&c.last_name)
        .bind(&c.email)
        .bind(&c.phone)
        .bind(&c.fax)
        .bind(&c.street)
        .bind(&c.city)
        .bind(&c.state)
        .bind(&c.postal_code)
        .bind(&c.country)
        .bind(&c.org)
        .bind(&c.title)
        .bind(c.disclose)
        .bind(contact.created_on)
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

/// A contact by id, whichever organization holds it: the look-up that finds the
/// organization a request is then authorized on.
pub async fn get(tx: &mut Tx, id: ContactId) -> Result<Option<Contact>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, Row>(SELECT_ONE)
        .bind(id.uuid())
        .fetch_optional(conn)
        .await)?;
    Ok(row.map(Contact::from))
}

/// Deletes a contact of the proof's organization.
pub async fn delete(tx: &mut Tx, auth: &dyn Proof, id: ContactId) -> Result<()> {
    let organization = proven(auth, CONTACTS_DELETE)?;
    on_tx!(tx, conn => sqlx::query(DELETE)
        .bind(id.uuid())
        .bind(organization.uuid())
        .execute(conn)
        .await
        .map(|r| r.rows_affected()))?;
    Ok(())
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ContactSort {
    FirstName,
    LastName,
    Email,
    #[default]
    CreatedOn,
}

#[derive(Debug, Clone)]
pub struct ContactFilter {
    /// Exact first name, last name, email (any case for the address) and country.
    pub first_name: Option<String>,
    pub last_name: Option<String>,
    pub email: Option<String>,
    pub country: Option<String>,
    /// Part of the names, the address or the organization, any case.
    pub search: Option<String>,
    pub created_after: Option<OffsetDateTime>,
    pub created_before: Option<OffsetDateTime>,
    pub sort: ContactSort,
    pub order: SortOrder,
}

impl ContactFilter {
    /// Every contact, in `sort` and `order`.
    pub fn every(sort: ContactSort, order: SortOrder) -> Self {
        Self {
            first_name: None,
            last_name: None,
            email: None,
            country: None,
            search: None,
            created_after: None,
            created_before: None,
            sort,
            order,
        }
    }
}

/// A page of the proof's organization's contacts.
pub async fn list(
    tx: &mut Tx,
    auth: &dyn Proof,
    filter: &ContactFilter,
    page: PageRequest,
) -> Result<Page<Contact>> {
    let organization = proven(auth, CONTACTS_READ)?;
    let col = |name: &str| Expr::col(Alias::new(name));
    let mut query = Query::select();
    query
        .columns(COLUMNS.map(Alias::new))
        .from(Alias::new("contacts"))
        .and_where(col("organization_id").eq(organization.uuid()));
    for (column, value) in [
        ("first_name", &filter.first_name),
        ("last_name", &filter.last_name),
        ("country", &filter.country),
    ] {
        if let Some(value) = value {
            query.and_where(col(column).eq(value.as_str()));
        }
    }
    if let Some(email) = &filter.email {
        query.and_where(Expr::expr(Func::lower(col("email"))).eq(email.to_lowercase()));
    }
    if let Some(search) = &filter.search {
        let pattern = contains_pattern(search);
        query.cond_where(
            sea_query::Cond::any()
                .add(Expr::expr(Func::lower(col("first_name"))).like(pattern.clone()))
                .add(Expr::expr(Func::lower(col("last_name"))).like(pattern.clone()))
                .add(Expr::expr(Func::lower(col("email"))).like(pattern.clone()))
                .add(Expr::expr(Func::lower(col("org"))).like(pattern)),
        );
    }
    time_ranges(
        &mut query,
        &[("created_on", filter.created_after, filter.created_before)],
    );
    let sort_column = match filter.sort {
        ContactSort::FirstName => "first_name",
        ContactSort::LastName => "last_name",
        ContactSort::Email => "email",
        ContactSort::CreatedOn => "created_on",
    };
    let (rows, total) = page_built!(
        tx,
        "contacts",
        &COLUMNS,
        query,
        (sort_column, filter.order),
        page,
        Row
    );
    Ok(Page {
        items: rows.into_iter().map(Contact::from).collect(),
        total_items: total,
        request: page,
    })
}
