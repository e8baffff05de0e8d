//! `/v1/zones…`: NS1's zones and records over the same DNS store as `/v1/dns`. A record is
//! one rrset (a name and a type); its answers are the rrset's records, turned between NS1's
//! field lists and canonical presentation format in `tenantry_core::dns`.

use axum::Json;
use axum::extract::{Path, State};
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use tenantry_app::dns::{
    DnsSettings, RrsetEdit, RrsetInput, RrsetView, ZoneCreate, ZoneFilter, ZoneSort, ZoneView,
};
use tenantry_app::{AppError, NotFoundKind, PageRequest, SortOrder};
use tenantry_core::dns::{RecordType, SoaTimers, ZoneName, answer_to_rdata, rdata_to_answer};
use tenantry_core::ns1::short_id;

use super::body::Ns1Body;
use super::error::Ns1Error;
use super::wire::Ns1Empty;
use super::zone_wire::{
    Ns1AnswerWire, Ns1PrimaryWire, Ns1RecordSummaryWire, Ns1RecordWire, Ns1ZoneWire,
};
use crate::AppState;
use crate::extract::Caller;

type Answer<T> = Result<Json<T>, Ns1Error>;

/// A zone named in the path or body; a name that cannot be a zone is not found, as in NS1.
fn zone_name(raw: &str) -> Result<ZoneName, Ns1Error> {
    ZoneName::parse(raw).map_err(|_| AppError::not_found(NotFoundKind::Zone, raw).into())
}

fn bare(name: &str) -> &str {
    name.strip_suffix('.').unwrap_or(name)
}

/// A stable 24-hex id for something that has no id of its own (a record, an answer).
fn derived_id(parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    for part in parts {
        hash.update(part.as_bytes());
        hash.update([0]);
    }
    hex::encode(&hash.finalize()[..12])
}

/// The SOA's fields: (hostmaster, serial, refresh, retry, expire, minimum).
fn soa_fields(view: &ZoneView) -> Option<(String, i64, i64, i64, i64, i64)> {
    let soa = view.rrsets.iter().find(|r| r.rtype == "SOA")?;
    let fields: Vec<&str> = soa.records.first()?.split_whitespace().collect();
    let number = |i: usize| fields.get(i).and_then(|f| f.parse().ok());
    Some((
        bare(fields.get(1)?).to_owned(),
        number(2)?,
        number(3)?,
        number(4)?,
        number(5)?,
        number(6)?,
    ))
}

/// The zone's default TTL: its SOA's.
fn zone_ttl(view: &ZoneView) -> u32 {
    view.rrsets
        .iter()
        .find(|r| r.rtype == "SOA")
        .map_or(3600, |r| r.ttl)
}

fn zone_json(view: &ZoneView, with_records: bool) -> Ns1ZoneWire {
    let zone = &view.zone;
    let (hostmaster, serial, refresh, retry, expiry, nx_ttl) = soa_fields(view).unwrap_or_default();
    let apex_ns = view
        .rrsets
        .iter()
        .find(|r| r.rtype == "NS" && r.name == zone.name)
        .map(|r| {
            r.records
                .iter()
                .map(|n| bare(n).to_owned())
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    Ns1ZoneWire {
        id: short_id(zone.id.uuid()),
        zone: bare(&zone.name).to_owned(),
        ttl: zone_ttl(view),
        nx_ttl,
        refresh,
        retry,
        expiry,
        serial,
        hostmaster,
        dns_servers: apex_ns,
        dnssec: zone.dnssec_status == "enabled",
        primary: Ns1PrimaryWire {
            enabled: false,
            secondaries: Vec::new(),
        },
        meta: Map::new(),
        link: None,
        records: with_records.then(|| {
            view.rrsets
                .iter()
                .filter(|r| r.rtype != "SOA")
                .map(|r| record_summary(&zone.name, r))
                .collect()
        }),
    }
}

fn rtype_of(view: &RrsetView) -> Option<RecordType> {
    view.rtype.parse().ok()
}

fn answers(view: &RrsetView) -> Vec<Vec<Value>> {
    let rtype = rtype_of(view).unwrap_or(RecordType::Txt);
    view.records
        .iter()
        .map(|r| rdata_to_answer(rtype, r))
        .collect()
}

fn record_summary(zone: &str, view: &RrsetView) -> Ns1RecordSummaryWire {
    let short: Vec<String> = answers(view)
        .iter()
        .map(|fields| {
            fields
                .iter()
                .map(|f| f.as_str().map_or_else(|| f.to_string(), str::to_owned))
                .collect::<Vec<_>>()
                .join(" ")
        })
        .collect();
    Ns1RecordSummaryWire {
        id: derived_id(&[zone, &view.name, &view.rtype]),
        domain: bare(&view.name).to_owned(),
        rtype: view.rtype.clone(),
        ttl: view.ttl,
        short_answers: short,
        link: None,
    }
}

fn record_json(zone: &str, view: &RrsetView) -> Ns1RecordWire {
    let id = derived_id(&[zone, &view.name, &view.rtype]);
    let answers = answers(view)
        .into_iter()
        .enumerate()
        .map(|(i, answer)| Ns1AnswerWire {
            id: derived_id(&[&id, &i.to_string()]),
            answer,
        })
        .collect();
    Ns1RecordWire {
        id,
        zone: bare(zone).to_owned(),
        domain: bare(&view.name).to_owned(),
        rtype: view.rtype.clone(),
        ttl: view.ttl,
        answers,
        filters: Vec::new(),
        meta: Map::new(),
        regions: Map::new(),
        link: None,
    }
}

/// Every zone, by name.
fn all_zones() -> ZoneFilter {
    ZoneFilter::every(ZoneSort::Name, SortOrder::Asc)
}

pub(crate) async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
) -> Answer<Vec<Ns1ZoneWire>> {
    let mut out = Vec::new();
    let mut page = 1;
    loop {
        let request = PageRequest {
            page,
            page_size: 1000,
        };
        let found = state
            .app
            .zone_list(&actor, None, all_zones(), request)
            .await?;
        let last = (found.items.len() as u64) < request.page_size;
        out.extend(found.items.iter().map(|view| zone_json(view, false)));
        if last {
            break;
        }
        page += 1;
    }
    Ok(Json(out))
}

pub(crate) async fn get_one(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(zone): Path<String>,
) -> Answer<Ns1ZoneWire> {
    let view = state.app.zone_get(&actor, &zone_name(&zone)?).await?;
    Ok(Json(zone_json(&view, true)))
}

/// `PUT /v1/zones/{zone}`. The SOA timers and name servers are the server's (`serve
/// --nameservers --hostmaster`); a body asking for other values is refused rather than
/// ignored.
pub(crate) async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(zone): Path<String>,
    body: Ns1Body,
) -> Answer<Ns1ZoneWire> {
    let name = zone_name(&body.text("zone")?.unwrap_or(zone))?;
    refuse_settings(&body, state.app.dns_settings())?;
    state
        .app
        .zone_create(
            &actor,
            None,
            ZoneCreate {
                name: name.clone(),
                rrsets: Vec::new(),
                dnssec: body.flag("dnssec")?.unwrap_or(false),
                vanity_nameserver_set_id: None,
                timers: timers(&body)?,
            },
        )
        .await?;
    let view = state.app.zone_get(&actor, &name).await?;
    Ok(Json(zone_json(&view, true)))
}

/// The SOA timers a body sets for its zone (NS1's `refresh`, `retry`, `expiry`, `nx_ttl`).
fn timers(body: &Ns1Body) -> Result<SoaTimers, Ns1Error> {
    let timer = |field: &str| -> Result<Option<u32>, Ns1Error> {
        body.number(field)?
            .map(|asked| SoaTimers::timer(field, asked))
            .transpose()
            .map_err(|message| Ns1Error::bad_request(format!("invalid: {message}")))
    };
    Ok(SoaTimers {
        refresh: timer("refresh")?,
        retry: timer("retry")?,
        expire: timer("expiry")?,
        negative_ttl: timer("nx_ttl")?,
    })
}

/// Zone settings Tenantry keeps per server, not per zone. A body may repeat the server's
/// values (clients echo what they read), but asking for others is refused, not ignored.
fn refuse_settings(body: &Ns1Body, settings: &DnsSettings) -> Result<(), Ns1Error> {
    if body
        .number("ttl")?
        .is_some_and(|asked| asked != i64::from(settings.ttl))
    {
        return Err(Ns1Error::bad_request(format!(
            "invalid: ttl is the server's ({}) for every zone",
            settings.ttl
        )));
    }
    let hostmaster = bare(&settings.hostmaster);
    if body
        .text("hostmaster")?
        .is_some_and(|asked| bare(&asked.replacen('@', ".", 1)) != hostmaster)
    {
        return Err(Ns1Error::bad_request(format!(
            "invalid: hostmaster is the server's ({hostmaster}) for every zone"
        )));
    }
    if body
        .0
        .get("primary")
        .and_then(|p| p.get("enabled"))
        .is_some_and(|enabled| enabled == &Value::Bool(true))
    {
        return Err(Ns1Error::bad_request(
            "invalid: secondary zones (primary.enabled) are not supported",
        ));
    }
    Ok(())
}

/// `POST /v1/zones/{zone}`: the zone's own SOA timers and whether it is signed are its only
/// settings (see `refuse_settings` for the server's).
pub(crate) async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(zone): Path<String>,
    body: Ns1Body,
) -> Answer<Ns1ZoneWire> {
    refuse_settings(&body, state.app.dns_settings())?;
    let view = state
        .app
        .zone_set_timers(
            &actor,
            &zone_name(&zone)?,
            timers(&body)?,
            body.flag("dnssec")?,
        )
        .await?;
    Ok(Json(zone_json(&view, true)))
}

pub(crate) async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(zone): Path<String>,
) -> Answer<Ns1Empty> {
    state.app.zone_delete(&actor, &zone_name(&zone)?).await?;
    Ok(Json(Ns1Empty {}))
}

/// The zone, the record's absolute owner name and its type, from the path.
fn record_path(
    zone: &str,
    domain: &str,
    rtype: &str,
) -> Result<(ZoneName, String, RecordType), Ns1Error> {
    let zone = zone_name(zone)?;
    let missing = || Ns1Error::from(AppError::not_found(NotFoundKind::Record, domain));
    let rtype: RecordType = rtype.to_ascii_uppercase().parse().map_err(|_| missing())?;
    let absolute = if domain.ends_with('.') {
        domain.to_owned()
    } else {
        format!("{domain}.")
    };
    let name = zone.owner(&absolute).map_err(|_| missing())?;
    Ok((zone, name, rtype))
}

/// The records of a body's `answers`, canonical and without duplicates.
fn records_of(
    body: &Ns1Body,
    zone: &ZoneName,
    rtype: RecordType,
) -> Result<Option<Vec<String>>, Ns1Error> {
    let Some(items) = body.list("answers")? else {
        return Ok(None);
    };
    let mut records = Vec::with_capacity(items.len());
    for item in items {
        let fields = match item.get("answer") {
            Some(Value::Array(fields)) => fields.clone(),
            _ => {
                return Err(Ns1Error::bad_request(
                    "invalid: each answer needs an \"answer\" list",
                ));
            }
        };
        let rdata = answer_to_rdata(rtype, &fields, zone)
            .map_err(|e| Ns1Error::bad_request(format!("invalid: answer {e}")))?;
        if !records.contains(&rdata) {
            records.push(rdata);
        }
    }
    Ok(Some(records))
}

fn ttl_of(body: &Ns1Body) -> Result<Option<u32>, Ns1Error> {
    body.number("ttl")?
        .map(|ttl| {
            u32::try_from(ttl)
                .map_err(|_| Ns1Error::bad_request("invalid: ttl must be 0 to 2147483647"))
        })
        .transpose()
}

async fn read_record(
    state: &AppState,
    actor: &tenantry_app::Actor,
    zone: &ZoneName,
    name: &str,
    rtype: RecordType,
) -> Answer<Ns1RecordWire> {
    let view = state.app.zone_get(actor, zone).await?;
    let rrset = view
        .rrsets
        .iter()
        .find(|r| r.name == name && r.rtype == rtype.as_str())
        .ok_or_else(|| AppError::not_found(NotFoundKind::Record, name))?;
    Ok(Json(record_json(zone.as_str(), rrset)))
}

pub(crate) async fn record_get(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path((zone, domain, rtype)): Path<(String, String, String)>,
) -> Answer<Ns1RecordWire> {
    let (zone, name, rtype) = record_path(&zone, &domain, &rtype)?;
    read_record(&state, &actor, &zone, &name, rtype).await
}

pub(crate) async fn record_create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path((zone, domain, rtype)): Path<(String, String, String)>,
    body: Ns1Body,
) -> Answer<Ns1RecordWire> {
    let (zone, name, rtype) = record_path(&zone, &domain, &rtype)?;
    let records = records_of(&body, &zone, rtype)?
        .filter(|r| !r.is_empty())
        .ok_or_else(|| Ns1Error::bad_request("invalid: a record needs at least one answer"))?;
    // The zone's default TTL is its SOA's, which is the server's for every zone.
    let ttl = ttl_of(&body)?.unwrap_or(state.app.dns_settings().ttl);
    let input = RrsetInput {
        name: name.clone(),
        rtype,
        ttl,
        records,
    };
    state
        .app
        .zone_edit_rrset(&actor, &zone, RrsetEdit::Create(input))
        .await?;
    read_record(&state, &actor, &zone, &name, rtype).await
}

pub(crate) async fn record_update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path((zone, domain, rtype)): Path<(String, String, String)>,
    body: Ns1Body,
) -> Answer<Ns1RecordWire> {
    let (zone, name, rtype) = record_path(&zone, &domain, &rtype)?;
    let records = records_of(&body, &zone, rtype)?;
    if records.as_ref().is_some_and(Vec::is_empty) {
        return Err(Ns1Error::bad_request(
            "invalid: a record needs at least one answer",
        ));
    }
    let edit = RrsetEdit::Update {
        name: name.clone(),
        rtype,
        ttl: ttl_of(&body)?,
        records,
    };
    state.app.zone_edit_rrset(&actor, &zone, edit).await?;
    read_record(&state, &actor, &zone, &name, rtype).await
}

pub(crate) async fn record_delete(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path((zone, domain, rtype)): Path<(String, String, String)>,
) -> Answer<Ns1Empty> {
    let (zone, name, rtype) = record_path(&zone, &domain, &rtype)?;
    state
        .app
        .zone_edit_rrset(&actor, &zone, RrsetEdit::Delete { name, rtype })
        .await?;
    Ok(Json(Ns1Empty {}))
}
