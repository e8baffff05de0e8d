//! An organization's DNS: its zones (searchable, by pages) with a form that creates one, read
//! as the API's `POST /v1/dns` body; a zone's editor, whose rrset form is read as one upsert
//! of `PATCH …/rrsets` (so its refusals are the API's, next to the field they name), a
//! removal per rrset, the zone file, and the zone's deletion.

use askama::Template;
use axum::Form;
use axum::extract::{Path, Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use serde::Deserialize;
use serde_json::{Value, json};
use tenantry_app::dns::{RrsetOp, RrsetView, ZoneFilter, ZoneSort, ZoneView};
use tenantry_app::{AppError, NotFoundKind, PageRequest, SortOrder};
use tenantry_core::OrganizationId;
use tenantry_core::dns::{ProtectedReason, RecordType, ZoneName};

use super::forms::Submitted;
use super::overview::{Frame, when};
use super::pager::Pager;
use super::pages::{Feedback, PAGE_SIZE, ShownAt, organization, organization_page, post};
use super::render;
use super::session::SignedIn;
use crate::AppState;
use crate::api::dns::{RrsetOpsBody, ZoneCreateBody, rrset_ops};
use crate::extract::typed_body;

/// The fields of the zone creation form, by their API names.
const CREATE_FIELDS: &[&str] = &["name"];
/// The fields of the rrset form: the API names its record data `rdata`, the form `records`.
const RRSET_FIELDS: &[&str] = &["name", "type", "ttl", "rdata", "records"];

pub(crate) struct ZoneRow {
    pub name: String,
    pub rrsets: usize,
    pub dnssec: String,
    pub serial: i64,
    pub updated: String,
}

fn zone_row(view: ZoneView) -> ZoneRow {
    ZoneRow {
        rrsets: view.rrsets.len(),
        name: view.zone.name,
        dnssec: view.zone.dnssec_status,
        serial: view.zone.serial,
        updated: when(view.zone.updated_on),
    }
}

#[derive(Template)]
#[template(path = "dns.html")]
struct ZonesPage {
    frame: Frame,
    search: String,
    rows: Vec<ZoneRow>,
    pager: Pager,
    shown: Feedback,
}

#[derive(Deserialize, Default)]
pub(crate) struct ListParams {
    #[serde(default)]
    search: String,
    page: Option<u64>,
    #[serde(default)]
    done: String,
}

fn notice_of(done: &str) -> Option<&'static str> {
    match done {
        "deleted" => Some("The zone is deleted: its records are no longer served."),
        "saved" => Some("The rrset is saved and served within a second."),
        "removed" => Some("The rrset is removed."),
        "signed" => Some(
            "The zone is signed and served with its signatures within a second. Publish its DS \
             records at the registry.",
        ),
        "unsigned" => Some("The zone is no longer signed."),
        _ => None,
    }
}

async fn list_page(
    state: &AppState,
    person: &SignedIn,
    id: OrganizationId,
    params: &ListParams,
    shown: Feedback,
) -> Response {
    let app = &state.app;
    let page = params.page.unwrap_or(1).max(1);
    let search = params.search.trim().to_owned();
    let filter = ZoneFilter {
        search: Some(search.clone()).filter(|s| !s.is_empty()),
        ..ZoneFilter::every(ZoneSort::Name, SortOrder::Asc)
    };
    let request = PageRequest {
        page,
        page_size: PAGE_SIZE,
    };
    let listed = async {
        let zones = app
            .zone_list(&person.actor, Some(id), filter, request)
            .await?;
        Ok::<_, AppError>((zones, Frame::load(app, person, id).await?))
    };
    match listed.await {
        Ok((zones, frame)) => {
            let path = format!("/orgs/{id}/dns");
            let filters = [("search", search.as_str())];
            render::page_with(
                shown.status,
                &ZonesPage {
                    frame,
                    pager: Pager::keeping(page, PAGE_SIZE, zones.total_items, &path, &filters),
                    rows: zones.items.into_iter().map(zone_row).collect(),
                    search,
                    shown,
                },
            )
        }
        Err(err) => render::refusal(&err, true),
    }
}

/// `GET /orgs/{organization}/dns`: the zones.
pub(crate) async fn page(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Query(params): Query<ListParams>,
) -> Response {
    organization_page(&state, &reference, async |id| {
        let shown = Feedback::notice(notice_of(&params.done));
        list_page(&state, &person, id, &params, shown).await
    })
    .await
}

/// `POST /orgs/{organization}/dns`: creates a zone (charged when zones are priced).
pub(crate) async fn create(
    State(state): State<AppState>,
    person: SignedIn,
    Path(reference): Path<String>,
    Form(sent): Form<Submitted>,
) -> Response {
    let at = ShownAt::Form {
        name: "create",
        fields: CREATE_FIELDS,
    };
    let act = async |id: OrganizationId, sent: &Submitted| {
        let body: ZoneCreateBody = sent.api_body(CREATE_FIELDS)?;
        let create = body.into_create().map_err(|e| e.0)?;
        let changes = state
            .app
            .zone_create(&person.actor, Some(id), create)
            .await?;
        Ok(render::see(&format!(
            "/orgs/{id}/dns/{}",
            changes.zone_name
        )))
    };
    let again =
        async |id, shown| list_page(&state, &person, id, &ListParams::default(), shown).await;
    post(&state, &person, &reference, sent, at, act, again).await
}

pub(crate) struct RrsetRow {
    /// The owner relative to the zone (`@` for the apex), as a form takes it.
    pub name: String,
    pub rtype: String,
    pub ttl: u32,
    pub records: Vec<String>,
    /// Why the server owns it, if it does: no buttons then.
    pub protected: Option<&'static str>,
}

fn rrset_row(zone: &str, rrset: RrsetView) -> RrsetRow {
    let name = match rrset.name.strip_suffix(zone) {
        Some("") => "@".to_owned(),
        Some(relative) => relative.trim_end_matches('.').to_owned(),
        None => rrset.name.clone(),
    };
    RrsetRow {
        name,
        rtype: rrset.rtype,
        ttl: rrset.ttl,
        records: rrset.records,
        protected: rrset.protected.map(|reason| match reason {
            ProtectedReason::SystemManagedSoa => "the server's SOA",
            ProtectedReason::SystemManagedNs => "the server's name servers",
            ProtectedReason::Generic => "DNSSEC material",
        }),
    }
}

#[derive(Template)]
#[template(path = "zone.html")]
struct ZonePage {
    frame: Frame,
    zone: String,
    serial: i64,
    rows: Vec<RrsetRow>,
    types: Vec<&'static str>,
    /// Whether the zone is signed, and the DS records its parent must publish.
    signed: bool,
    ds_records: Vec<String>,
    shown: Feedback,
}

/// The zone `raw` of organization `id` as the caller may see it, and its name: "not found"
/// when it is another organization's, like a zone that does not exist.
async fn zone_of(
    state: &AppState,
    person: &SignedIn,
    id: OrganizationId,
    raw: &str,
) -> Result<(ZoneName, ZoneView), AppError> {
    let not_found = || AppError::not_found(NotFoundKind::Zone, raw);
    let name = ZoneName::parse(raw).map_err(|_| not_found())?;
    let view = state.app.zone_get(&person.actor, &name).await?;
    if view.zone.organization_id != id {
        return Err(not_found());
    }
    Ok((name, view))
}

async fn zone_page(
    state: &AppState,
    person: &SignedIn,
    id: OrganizationId,
    raw: &str,
    editing: Option<&ZoneParams>,
    mut shown: Feedback,
) -> Response {
    let loaded = async {
        let (name, view) = zone_of(state, person, id, raw).await?;
        let dnssec = state.app.zone_dnssec(&person.actor, &name).await?;
        let frame = Frame::load(&state.app, person, id).await?;
        Ok::<_, AppError>((view, dnssec, frame))
    };
    match loaded.await {
        Ok((view, dnssec, frame)) => {
            let zone = view.zone.name.clone();
            let rows: Vec<RrsetRow> = view
                .rrsets
                .into_iter()
                .map(|rrset| rrset_row(&zone, rrset))
                .collect();
            // "Edit": the form holds the rrset as it is.
            let edited = editing.and_then(|edit| {
                rows.iter()
                    .find(|row| row.name == edit.name && row.rtype == edit.rtype)
            });
            if let Some(row) = edited.filter(|row| row.protected.is_none()) {
                shown.sent.set("name", row.name.clone());
                shown.sent.set("type", row.rtype.clone());
                shown.sent.set("ttl", row.ttl.to_string());
                shown.sent.set("records", row.records.join("\n"));
            }
            render::page_with(
                shown.status,
                &ZonePage {
                    frame,
                    serial: view.zone.serial,
                    rows,
                    zone,
                    types: RecordType::ALL
                        .iter()
                        .filter(|t| !t.is_servers_own())
                        .map(|t| t.as_str())
                        .collect(),
                    signed: dnssec.is_signed(),
                    ds_records: dnssec.ds_records,
                    shown,
                },
            )
        }
        Err(err) => render::refusal(&err, true),
    }
}

#[derive(Deserialize, Default)]
pub(crate) struct ZoneParams {
    #[serde(default)]
    done: String,
    /// The rrset to edit, by name (as the form takes it) and type.
    #[serde(default)]
    name: String,
    #[serde(default, rename = "type")]
    rtype: String,
}

/// `GET /orgs/{organization}/dns/{zone}`: the zone's editor.
pub(crate) async fn zone(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, raw)): Path<(String, String)>,
    Query(params): Query<ZoneParams>,
) -> Response {
    organization_page(&state, &reference, async |id| {
        let shown = Feedback::notice(notice_of(&params.done));
        zone_page(&state, &person, id, &raw, Some(&params), shown).await
    })
    .await
}

/// The rrset form as the API's one-operation `PATCH …/rrsets` body: one record per line.
fn upsert_body(sent: &Submitted) -> Result<RrsetOpsBody, AppError> {
    let ttl: Value = match sent.get("ttl").trim() {
        "" => Value::Null,
        text => match text.parse::<i64>() {
            Ok(seconds) => json!(seconds),
            Err(_) => {
                return Err(AppError::invalid_field(
                    "ttl",
                    "must be a whole number of seconds",
                ));
            }
        },
    };
    let records: Vec<Value> = sent
        .get("records")
        .lines()
        .map(str::trim)
        .filter(|line| !line.is_empty())
        .map(|line| json!({ "rdata": line }))
        .collect();
    typed_body(json!({"ops": [{"op": "upsert", "rrset": {
        "name": sent.get("name").trim(),
        "type": sent.get("type").trim().to_ascii_uppercase(),
        "ttl": ttl,
        "records": records,
    }}]}))
}

/// `POST /orgs/{organization}/dns/{zone}/rrsets`: creates or replaces one rrset.
pub(crate) async fn save_rrset(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, raw)): Path<(String, String)>,
    Form(sent): Form<Submitted>,
) -> Response {
    let at = ShownAt::Form {
        name: "rrset",
        fields: RRSET_FIELDS,
    };
    let act = async |id: OrganizationId, sent: &Submitted| {
        let (zone, _) = zone_of(&state, &person, id, &raw).await?;
        let ops = rrset_ops(&zone, upsert_body(sent)?).map_err(|e| e.0)?;
        state
            .app
            .zone_patch_rrsets(&person.actor, &zone, ops)
            .await?;
        Ok(render::see(&format!("/orgs/{id}/dns/{zone}?done=saved")))
    };
    let again = async |id, mut shown: Feedback| {
        shown.errors = std::mem::take(&mut shown.errors).rename("rdata", "records");
        zone_page(&state, &person, id, &raw, None, shown).await
    };
    post(&state, &person, &reference, sent, at, act, again).await
}

/// A button of a zone's page: `act` on the zone (looked up in the organization, "not found"
/// in another); a refusal is the zone's page again, with it above the lists.
async fn zone_button(
    state: &AppState,
    person: &SignedIn,
    reference: &str,
    raw: &str,
    sent: Submitted,
    act: impl AsyncFnOnce(OrganizationId, ZoneName, &Submitted) -> Result<Response, AppError>,
) -> Response {
    let act = async |id: OrganizationId, sent: &Submitted| {
        let (zone, _) = zone_of(state, person, id, raw).await?;
        act(id, zone, sent).await
    };
    let again = async |id, shown| zone_page(state, person, id, raw, None, shown).await;
    post(state, person, reference, sent, ShownAt::Alert, act, again).await
}

/// `POST /orgs/{organization}/dns/{zone}/rrsets/remove`: removes the rrset of a name and type.
pub(crate) async fn remove_rrset(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, raw)): Path<(String, String)>,
    Form(sent): Form<Submitted>,
) -> Response {
    let act = async |id: OrganizationId, zone: ZoneName, sent: &Submitted| {
        let name = zone
            .owner(sent.get("name"))
            .map_err(|e| AppError::invalid_field("name", e.0))?;
        let rtype: RecordType = sent
            .get("type")
            .parse()
            .map_err(|_| AppError::invalid_field("type", "is not a record type"))?;
        let ops = vec![RrsetOp::Remove { name, rtype }];
        state
            .app
            .zone_patch_rrsets(&person.actor, &zone, ops)
            .await?;
        Ok(render::see(&format!("/orgs/{id}/dns/{zone}?done=removed")))
    };
    zone_button(&state, &person, &reference, &raw, sent, act).await
}

/// `POST /orgs/{organization}/dns/{zone}/delete`: deletes the zone and its records.
pub(crate) async fn delete(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, raw)): Path<(String, String)>,
    Form(sent): Form<Submitted>,
) -> Response {
    let act = async |id: OrganizationId, zone: ZoneName, _: &Submitted| {
        state.app.zone_delete(&person.actor, &zone).await?;
        Ok(render::see(&format!("/orgs/{id}/dns?done=deleted")))
    };
    zone_button(&state, &person, &reference, &raw, sent, act).await
}

/// `POST /orgs/{organization}/dns/{zone}/dnssec`: signs the zone (`sign=on`) or stops
/// signing it, through the API's use case.
pub(crate) async fn set_dnssec(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, raw)): Path<(String, String)>,
    Form(sent): Form<Submitted>,
) -> Response {
    let act = async |id: OrganizationId, zone: ZoneName, sent: &Submitted| {
        let on = sent.get("sign") == "on";
        state.app.zone_set_dnssec(&person.actor, &zone, on).await?;
        let done = if on { "signed" } else { "unsigned" };
        Ok(render::see(&format!("/orgs/{id}/dns/{zone}?done={done}")))
    };
    zone_button(&state, &person, &reference, &raw, sent, act).await
}

/// `GET /orgs/{organization}/dns/{zone}/export`: the zone file, as a download.
pub(crate) async fn export(
    State(state): State<AppState>,
    person: SignedIn,
    Path((reference, raw)): Path<(String, String)>,
) -> Response {
    let exported = async {
        let id = organization(&state, &reference).await?;
        let (zone, _) = zone_of(&state, &person, id, &raw).await?;
        let text = state.app.zone_export(&person.actor, &zone).await?;
        Ok::<_, AppError>((zone, text))
    };
    match exported.await {
        Ok((zone, text)) => (
            [
                (header::CONTENT_TYPE, "text/dns; charset=utf-8".to_owned()),
                (
                    header::CONTENT_DISPOSITION,
                    format!("attachment; filename=\"{}zone\"", zone.as_str()),
                ),
            ],
            text,
        )
            .into_response(),
        Err(err) => render::refusal(&err, true),
    }
}
