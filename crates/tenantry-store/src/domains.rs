//! The platform's domains of each organization, with their contacts by role. Reads and writes
//! take a proof of the organization; the look-up by id or name that finds the organization a
//! request is then authorized on, and the reconciler's and scheduler's platform-wide reads,
//! are named so.

use sea_query::{Alias, Expr, Func, Query};
use tenantry_core::perms::{DOMAINS_DELETE, DOMAINS_MANAGE, DOMAINS_READ, ORG_DELETE};
use tenantry_core::{ContactId, DomainId, OrganizationId, Proof};
use time::OffsetDateTime;
use uuid::Uuid;

use crate::db::{Tx, on_tx};
use crate::error::{Result, classify};
use crate::list::{
    Page, PageRequest, SortOrder, contains_pattern, fetch_all_built, page_built, time_ranges,
};
use crate::proof::{proven, proven_any, proven_for};

/// Where a domain is in its life on the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DomainState {
    /// Waiting on the registry (a registration in flight, or left by a crash).
    Registering,
    /// A transfer in, waiting on the registry and the losing side.
    Transferring,
    Active,
    /// Deleted, restorable until its purge.
    Redemption,
    /// Purged, failed, or moved away: kept for the record, its name free.
    Gone,
}

impl DomainState {
    pub fn as_str(self) -> &'static str {
        match self {
            DomainState::Registering => "registering",
            DomainState::Transferring => "transferring",
            DomainState::Active => "active",
            DomainState::Redemption => "redemption",
            DomainState::Gone => "gone",
        }
    }

    fn parse(text: &str) -> Self {
        match text {
            "registering" => DomainState::Registering,
            "transferring" => DomainState::Transferring,
            "active" => DomainState::Active,
            "redemption" => DomainState::Redemption,
            _ => DomainState::Gone,
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Domain {
    pub id: DomainId,
    pub organization_id: OrganizationId,
    pub name: String,
    pub sld: String,
    pub tld: String,
    pub roid: Option<String>,
    pub state: DomainState,
    /// `renew` or `expire`.
    pub renewal_mode: String,
    pub client_statuses: Vec<String>,
    pub registry_statuses: Vec<String>,
    /// `[{"hostname", "ip_addresses"}]`.
    pub nameservers: serde_json::Value,
    pub is_premium: bool,
    /// The period of the registration in flight (and of the last registration or renewal).
    pub period_years: i64,
    /// Whether the registration in flight makes the zone too.
    pub create_zone: bool,
    /// The registry operation in flight (`create:<id>`, `renew:<id>`, `restore:<id>`,
    /// `delete:<id>`, `transfer:<id>`).
    pub pending_operation: Option<String>,
    /// The transfer authorization code, sealed with the master key.
    pub auth_code_sealed: Option<Vec<u8>>,
    pub registered_on: Option<OffsetDateTime>,
    pub expires_on: Option<OffsetDateTime>,
    pub deleted_on: Option<OffsetDateTime>,
    pub purge_on: Option<OffsetDateTime>,
    pub created_on: OffsetDateTime,
    pub updated_on: OffsetDateTime,
    /// (role, contact), roles `registrant`, `admin`, `tech`, `billing`.
    pub contacts: Vec<(String, ContactId)>,
}

#[derive(sqlx::FromRow)]
struct Row {
    id: Uuid,
    organization_id: Uuid,
    name: String,
    sld: String,
    tld: String,
    roid: Option<String>,
    state: String,
    renewal_mode: String,
    client_statuses: String,
    registry_statuses: String,
    nameservers: String,
    is_premium: bool,
    period_years: i64,
    create_zone: bool,
    pending_operation: Option<String>,
    auth_code_sealed: Option<Vec<u8>>,
    registered_on: Option<OffsetDateTime>,
    expires_on: Option<OffsetDateTime>,
    deleted_on: Option<OffsetDateTime>,
    purge_on: Option<OffsetDateTime>,
    created_on: OffsetDateTime,
    updated_on: OffsetDateTime,
}

fn parsed<T: serde::de::DeserializeOwned + Default>(text: &str) -> T {
    serde_json::from_str(text).unwrap_or_default()
}

impl From<Row> for Domain {
    fn from(r: Row) -> Self {
        Domain {
            id: DomainId::from_uuid(r.id),
            organization_id: OrganizationId::from_uuid(r.organization_id),
            name: r.name,
            sld: r.sld,
            tld: r.tld,
            roid: r.roid,
            state: DomainState::parse(&r.state),
            renewal_mode: r.renewal_mode,
            client_statuses: parsed(&r.client_statuses),
            registry_statuses: parsed(&r.registry_statuses),
            nameservers: parsed(&r.nameservers),
            is_premium: r.is_premium,
            period_years: r.period_years,
            create_zone: r.create_zone,
            pending_operation: r.pending_operation,
            auth_code_sealed: r.auth_code_sealed,
            registered_on: r.registered_on,
            expires_on: r.expires_on,
            deleted_on: r.deleted_on,
            purge_on: r.purge_on,
            created_on: r.created_on,
            updated_on: r.updated_on,
            contacts: Vec::new(),
        }
    }
}

const COLUMNS: [&str; 22] = [
    "id",
    "organization_id",
    "name",
    "sld",
    "tld",
    "roid",
    "state",
    "renewal_mode",
    "client_statuses",
    "registry_statuses",
    "nameservers",
    "is_premium",
    "period_years",
    "create_zone",
    "pending_operation",
    "auth_code_sealed",
    "registered_on",
    "expires_on",
    "deleted_on",
    "purge_on",
    "created_on",
    "updated_on",
];

const INSERT: &str = "INSERT INTO domains (id, organization_id, name, sld, tld, roid, state, \
    renewal_mode, client_statuses, registry_statuses, nameservers, is_premium, period_years, \
    create_zone, pending_operation, auth_code_sealed, registered_on, expires_on, deleted_on, \
    purge_on, created_on, updated_on) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, \
    $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22)";

const UPDATE: &str = "UPDATE domains SET roid = $3, state = $4, renewal_mode = $5, \
    client_statuses = $6, registry_statuses = $7, nameservers = $8, is_premium = $9, \
    period_years = $10, create_zone = $11, pending_operation = $12, registered_on = $13, \
    expires_on = $14, deleted_on = $15, purge_on = $16, updated_on = $17, \
    auth_code_sealed = $18 WHERE id = $1 AND organization_id = $2";

// Conditional, so of two operations on one domain at once exactly one starts.
const CLAIM: &str = "UPDATE domains SET pending_operation = $3, updated_on = $4 \
    WHERE id = $1 AND organization_id = $2 AND pending_operation IS NULL";

const DELETE_CONTACTS: &str = "DELETE FROM domain_contacts WHERE domain_id = $1";
const INSERT_CONTACT: &str =
    "INSERT INTO domain_contacts (domain_id, role, contact_id) VALUES ($1, $2, $3)";
const SELECT_CONTACTS: &str =
    "SELECT role, contact_id FROM domain_contacts WHERE domain_id = $1 ORDER BY role";
// Any live domain naming the contact counts, the proof's organization's or one it moved to
// another organization: the contact cannot go while a domain names it.
const CONTACT_IN_USE: &str = "SELECT COUNT(*) FROM domain_contacts c \
    JOIN domains d ON d.id = c.domain_id JOIN contacts k ON k.id = c.contact_id \
    WHERE c.contact_id = $1 AND k.organization_id = $2 AND d.state <> 'gone'";
const COUNT_HELD: &str = "SELECT COUNT(*) FROM domains WHERE organization_id = $1 \
    AND state <> 'gone'";
const MOVE: &str = "UPDATE domains SET organization_id = $3, updated_on = $4 \
    WHERE id = $1 AND organization_id = $2";

fn select(filter: &str) -> String {
    format!("SELECT {} FROM domains WHERE {filter}", COLUMNS.join(", "))
}

async fn with_contacts(tx: &mut Tx, mut domain: Domain) -> Result<Domain> {
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, (String, Uuid)>(SELECT_CONTACTS)
        .bind(domain.id.uuid())
        .fetch_all(conn)
        .await)?;
    domain.contacts = rows
        .into_iter()
        .map(|(role, id)| (role, ContactId::from_uuid(id)))
        .collect();
    Ok(domain)
}

async fn write_contacts(tx: &mut Tx, domain: &Domain) -> Result<()> {
    on_tx!(tx, conn => sqlx::query(DELETE_CONTACTS)
        .bind(domain.id.uuid())
        .execute(conn)
        .await
        .map(|_| ()))?;
    for (role, contact) in &domain.contacts {
        on_tx!(tx, conn => sqlx::query(INSERT_CONTACT)
            .bind(domain.id.uuid())
            .bind(role)
            .bind(contact.uuid())
            .execute(conn)
            .await
            .map(|_| ()))?;
    }
    Ok(())
}

fn json(value: &impl serde::Serialize) -> String {
    serde_json::to_string(value).expect("domain fields serialize")
}

/// Stores a new domain of the proof's organization; a live domain with the name already is
/// `UniqueViolation(DomainName)`.
pub async fn insert(tx: &mut Tx, auth: &dyn Proof, d: &Domain) -> Result<()> {
    proven_for(auth, d.organization_id, DOMAINS_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(INSERT)
        .bind(d.id.uuid())
        .bind(d.organization_id.uuid())
        .bind(&d.name)
        .bind(&d.sld)
        .bind(&d.tld)
        .bind(&d.roid)
        .bind(d.state.as_str())
        .bind(&d.renewal_mode)
        .bind(json(&d.client_statuses))
        .bind(json(&d.registry_statuses))
        .bind(json(&d.nameservers))
        .bind(d.is_premium)
        .bind(d.period_years)
        .bind(d.create_zone)
        .bind(&d.pending_operation)
        .bind(&d.auth_code_sealed)
        .bind(d.registered_on)
        .bind(d.expires_on)
        .bind(d.deleted_on)
        .bind(d.purge_on)
        .bind(d.created_on)
        .bind(d.updated_on)
        .execute(conn)
        .await
        .map(|_| ()))
    .map_err(classify)?;
    write_contacts(tx, d).await
}

/// Writes a domain of the proof's organization back, contacts included.
pub async fn update(tx: &mut Tx, auth: &dyn Proof, d: &Domain) -> Result<()> {
    proven_for(auth, d.organization_id, DOMAINS_MANAGE)?;
    on_tx!(tx, conn => sqlx::query(UPDATE)
        .bind(d.id.uuid())
        .bind(d.organization_id.uuid())
        .bind(&d.roid)
        .bind(d.state.as_str())
        .bind(&d.renewal_mode)
        .bind(json(&d.client_statuses))
        .bind(json(&d.registry_statuses))
        .bind(json(&d.nameservers))
        .bind(d.is_premium)
        .bind(d.period_years)
        .bind(d.create_zone)
        .bind(&d.pending_operation)
        .bind(d.registered_on)
        .bind(d.expires_on)
        .bind(d.deleted_on)
        .bind(d.purge_on)
        .bind(d.updated_on)
        .bind(&d.auth_code_sealed)
        .execute(conn)
        .await
        .map(|_| ()))
    .map_err(classify)?;
    write_contacts(tx, d).await
}

/// Marks `operation` as the domain's registry operation in flight, unless another is;
/// answers whether it did.
pub async fn claim_operation(
    tx: &mut Tx,
    auth: &dyn Proof,
    d: &Domain,
    operation: &str,
    now: OffsetDateTime,
) -> Result<bool> {
    proven_for(auth, d.organization_id, DOMAINS_MANAGE)?;
    Ok(on_tx!(tx, conn => sqlx::query(CLAIM)
        .bind(d.id.uuid())
        .bind(d.organization_id.uuid())
        .bind(operation)
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected() == 1))?)
}

/// A domain that is not gone, by id, or by name (then the name's holder, not a transfer in
/// pending), whichever organization holds it: the look-up that finds the organization a
/// request is then authorized on.
pub async fn find_live(tx: &mut Tx, reference: &str) -> Result<Option<Domain>> {
    let row = match reference.parse::<DomainId>() {
        Ok(id) => {
            on_tx!(tx, conn => sqlx::query_as::<_, Row>(&select("id = $1 AND state <> 'gone'"))
            .bind(id.uuid())
            .fetch_optional(conn)
            .await)?
        }
        Err(_) => {
            on_tx!(tx, conn => sqlx::query_as::<_, Row>(&select("name = $1 AND state NOT IN ('gone', 'transferring')"))
            .bind(reference.trim_end_matches('.').to_ascii_lowercase())
            .fetch_optional(conn)
            .await)?
        }
    };
    match row {
        Some(row) => Ok(Some(with_contacts(tx, row.into()).await?)),
        None => Ok(None),
    }
}

/// The transfer in pending for a name, whichever organization asked for it.
pub async fn find_transfer_in(tx: &mut Tx, name: &str) -> Result<Option<Domain>> {
    let row = on_tx!(tx, conn => sqlx::query_as::<_, Row>(&select("name = $1 AND state = 'transferring'"))
        .bind(name.trim_end_matches('.').to_ascii_lowercase())
        .fetch_optional(conn)
        .await)?;
    match row {
        Some(row) => Ok(Some(with_contacts(tx, row.into()).await?)),
        None => Ok(None),
    }
}

/// Transfers in asked for by `before`, across organizations: what the scheduler completes
/// when the losing side has not answered in time. Platform housekeeping.
pub async fn transfers_asked_by(tx: &mut Tx, before: OffsetDateTime) -> Result<Vec<Domain>> {
    platform_read(
        tx,
        "state = 'transferring' AND created_on <= $1 ORDER BY created_on, id",
        before,
    )
    .await
}

/// A domain of the proof's organization by id, in any state.
pub async fn get(tx: &mut Tx, auth: &dyn Proof, id: DomainId) -> Result<Option<Domain>> {
    let organization = proven_any(auth, &[DOMAINS_READ, DOMAINS_MANAGE, DOMAINS_DELETE])?;
    let row = on_tx!(tx, conn => sqlx::query_as::<_, Row>(&select("id = $1 AND organization_id = $2"))
        .bind(id.uuid())
        .bind(organization.uuid())
        .fetch_optional(conn)
        .await)?;
    match row {
        Some(row) => Ok(Some(with_contacts(tx, row.into()).await?)),
        None => Ok(None),
    }
}

/// How many domains the proof's organization holds (registering, active or in redemption).
pub async fn count_held(tx: &mut Tx, auth: &dyn Proof) -> Result<i64> {
    let organization = proven_any(auth, &[DOMAINS_READ, ORG_DELETE])?;
    Ok(on_tx!(tx, conn => sqlx::query_scalar::<_, i64>(COUNT_HELD)
        .bind(organization.uuid())
        .fetch_one(conn)
        .await)?)
}

/// Whether a live domain names the proof's organization's contact.
pub async fn contact_in_use(tx: &mut Tx, auth: &dyn Proof, contact: ContactId) -> Result<bool> {
    let organization = proven(auth, tenantry_core::perms::CONTACTS_DELETE)?;
    let count = on_tx!(tx, conn => sqlx::query_scalar::<_, i64>(CONTACT_IN_USE)
        .bind(contact.uuid())
        .bind(organization.uuid())
        .fetch_one(conn)
        .await)?;
    Ok(count > 0)
}

/// Moves a domain of `from`'s organization to `to`'s; both proofs manage domains.
pub async fn move_to(
    tx: &mut Tx,
    from: &dyn Proof,
    to: &dyn Proof,
    id: DomainId,
    now: OffsetDateTime,
) -> Result<bool> {
    let source = proven(from, DOMAINS_MANAGE)?;
    let target = proven(to, DOMAINS_MANAGE)?;
    Ok(on_tx!(tx, conn => sqlx::query(MOVE)
        .bind(id.uuid())
        .bind(source.uuid())
        .bind(target.uuid())
        .bind(now)
        .execute(conn)
        .await
        .map(|r| r.rows_affected() == 1))?)
}

async fn platform_read(tx: &mut Tx, filter: &str, at: OffsetDateTime) -> Result<Vec<Domain>> {
    let rows = on_tx!(tx, conn => sqlx::query_as::<_, Row>(&select(filter))
        .bind(at)
        .fetch_all(conn)
        .await)?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        out.push(with_contacts(tx, row.into()).await?);
    }
    Ok(out)
}

/// Domains with a registry operation in flight since before `before`, across organizations:
/// what the reconciler settles. Platform housekeeping, like `organizations::list_all_live`.
pub async fn in_flight_before(tx: &mut Tx, before: OffsetDateTime) -> Result<Vec<Domain>> {
    platform_read(
        tx,
        "pending_operation IS NOT NULL AND updated_on < $1 ORDER BY updated_on, id",
        before,
    )
    .await
}

/// Active domains expired by `due` and domains in redemption whose purge is due by `due`,
/// with no operation in flight, across organizations: what the lifecycle scheduler moves on.
pub async fn lifecycle_due(tx: &mut Tx, due: OffsetDateTime) -> Result<Vec<Domain>> {
    platform_read(
        tx,
        "pending_operation IS NULL AND ((state = 'active' AND expires_on <= $1) \
         OR (state = 'redemption' AND purge_on <= $1)) ORDER BY updated_on, id",
        due,
    )
    .await
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DomainSort {
    #[default]
    Name,
    CreatedOn,
    UpdatedOn,
    ExpiresOn,
    RegisteredOn,
}

#[derive(Debug, Clone)]
pub struct DomainFilter {
    pub name: Option<String>,
    pub search: Option<String>,
    pub tlds: Vec<String>,
    pub sld: Option<String>,
    pub is_premium: Option<bool>,
    /// Whether `clientTransferProhibited` is set.
    pub transfer_lock: Option<bool>,
    pub created_after: Option<OffsetDateTime>,
    pub created_before: Option<OffsetDateTime>,
    pub expires_after: Option<OffsetDateTime>,
    pub expires_before: Option<OffsetDateTime>,
    pub registered_after: Option<OffsetDateTime>,
    pub registered_before: Option<OffsetDateTime>,
    pub sort: DomainSort,
    pub order: SortOrder,
}

impl DomainFilter {
    /// Every domain, in `sort` and `order`.
    pub fn every(sort: DomainSort, order: SortOrder) -> Self {
        DomainFilter {
            name: None,
            search: None,
            tlds: Vec::new(),
            sld: None,
            is_premium: None,
            transfer_lock: None,
            created_after: None,
            created_before: None,
            expires_after: None,
            expires_before: None,
            registered_after: None,
            registered_before: None,
            sort,
            order,
        }
    }
}

/// A page of the proof's organization's domains (not gone ones).
pub async fn list(
    tx: &mut Tx,
    auth: &dyn Proof,
    filter: &DomainFilter,
    page: PageRequest,
) -> Result<Page<Domain>> {
    let organization = proven(auth, DOMAINS_READ)?;
    let col = |name: &str| Expr::col(Alias::new(name));
    let mut query = Query::select();
    query
        .columns(COLUMNS.map(Alias::new))
        .from(Alias::new("domains"))
        .and_where(col("organization_id").eq(organization.uuid()))
        // Written out, not bound, so the planner can use the partial index for this order.
        .and_where(Expr::cust("state <> 'gone'"));
    if let Some(name) = &filter.name {
        query.and_where(col("name").eq(name.to_ascii_lowercase()));
    }
    if let Some(sld) = &filter.sld {
        query.and_where(col("sld").eq(sld.to_ascii_lowercase()));
    }
    if !filter.tlds.is_empty() {
        query.and_where(col("tld").is_in(filter.tlds.iter().map(|t| t.to_ascii_lowercase())));
    }
    if let Some(premium) = filter.is_premium {
        query.and_where(col("is_premium").eq(premium));
    }
    if let Some(search) = &filter.search {
        query.and_where(Expr::expr(Func::lower(col("name"))).like(contains_pattern(search)));
    }
    if let Some(locked) = filter.transfer_lock {
        let lock = col("client_statuses").like("%\"clientTransferProhibited\"%");
        query.and_where(if locked { lock } else { lock.not() });
    }
    time_ranges(
        &mut query,
        &[
            ("created_on", filter.created_after, filter.created_before),
            ("expires_on", filter.expires_after, filter.expires_before),
            (
                "registered_on",
                filter.registered_after,
                filter.registered_before,
            ),
        ],
    );
    let sort_column = match filter.sort {
        DomainSort::Name => "name",
        DomainSort::CreatedOn => "created_on",
        DomainSort::UpdatedOn => "updated_on",
        DomainSort::ExpiresOn => "expires_on",
        DomainSort::RegisteredOn => "registered_on",
    };
    let (rows, total) = page_built!(
        tx,
        "domains",
        &COLUMNS,
        query,
        (sort_column, filter.order),
        page,
        Row
    );
    let mut items: Vec<Domain> = rows.into_iter().map(Domain::from).collect();
    // The page's contacts in one statement, not one per domain.
    if !items.is_empty() {
        let mut contacts = Query::select();
        contacts
            .columns(["domain_id", "role", "contact_id"].map(Alias::new))
            .from(Alias::new("domain_contacts"))
            .and_where(col("domain_id").is_in(items.iter().map(|d| d.id.uuid())))
            .order_by(Alias::new("role"), sea_query::Order::Asc);
        let found = fetch_all_built!(tx, contacts, (Uuid, String, Uuid))?;
        for (domain, role, contact) in found {
            if let Some(item) = items.iter_mut().find(|d| d.id.uuid() == domain) {
                item.contacts.push((role, ContactId::from_uuid(contact)));
            }
        }
    }
    Ok(Page {
        items,
        total_items: total,
        request: page,
    })
}

/// Counts of the proof's organization's domains (not gone) by state and by TLD, and how many
/// expire within 30, 60 and 90 days of `now`.
pub async fn summary(
    tx: &mut Tx,
    auth: &dyn Proof,
    now: OffsetDateTime,
) -> Result<(Vec<(String, i64)>, Vec<(String, i64)>, [i64; 3])> {
    let organization = proven(auth, DOMAINS_READ)?;
    let by_state = on_tx!(tx, conn => sqlx::query_as::<_, (String, i64)>(
        "SELECT state, COUNT(*) FROM domains WHERE organization_id = $1 AND state <> 'gone' \
         GROUP BY state ORDER BY state")
        .bind(organization.uuid())
        .fetch_all(conn)
        .await)?;
    let by_tld = on_tx!(tx, conn => sqlx::query_as::<_, (String, i64)>(
        "SELECT tld, COUNT(*) FROM domains WHERE organization_id = $1 AND state <> 'gone' \
         GROUP BY tld ORDER BY tld")
        .bind(organization.uuid())
        .fetch_all(conn)
        .await)?;
    let mut expiring = [0; 3];
    for (slot, days) in [30, 60, 90].into_iter().enumerate() {
        expiring[slot] = on_tx!(tx, conn => sqlx::query_scalar::<_, i64>(
            "SELECT COUNT(*) FROM domains WHERE organization_id = $1 AND state = 'active' \
             AND expires_on > $2 AND expires_on <= $3")
            .bind(organization.uuid())
            .bind(now)
            .bind(now + time::Duration::days(days))
            .fetch_one(conn)
            .await)?;
    }
    Ok((by_state, by_tld, expiring))
}
