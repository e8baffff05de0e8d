//! Changing domains: register, update, delete, renew, restore.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde_json::{Value, json};
use tenantry_app::domains::{DomainCreate, DomainUpdate, TransferIn};
use tenantry_core::billing::Minor;

use super::wire::{DomainWire, contacts, money, nameservers, period_years, renewal_mode};
use crate::AppState;
use crate::extract::{Caller, JsonBody, OrgContext};
use crate::problem::ApiError;
use crate::wire::{Check, time};

fn required(check: &mut Check, body: &Value, field: &str) -> Option<Value> {
    match body.get(field) {
        Some(value) if !value.is_null() => Some(value.clone()),
        _ => {
            check.fail(field, "Field required");
            None
        }
    }
}

fn statuses(check: &mut Check, raw: &Value, field: &str) -> Vec<String> {
    if raw.is_null() {
        return Vec::new();
    }
    match serde_json::from_value::<Vec<String>>(raw.clone()) {
        Ok(list) => list,
        Err(_) => {
            check.fail(field, "a list of client statuses");
            Vec::new()
        }
    }
}

/// The registration a `DomainCreate` body asks for (the dashboard's form is read as one too).
pub(crate) fn domain_create_of(body: &Value) -> Result<DomainCreate, ApiError> {
    let mut check = Check::default();
    let name = required(&mut check, body, "name").and_then(|v| {
        v.as_str().map(str::to_owned).or_else(|| {
            check.fail("name", "a domain name");
            None
        })
    });
    let mode = required(&mut check, body, "renewal_mode")
        .and_then(|v| renewal_mode(&mut check, v.as_str().unwrap_or_default()));
    let contacts = required(&mut check, body, "contacts").map(|v| contacts(&mut check, &v));
    let years = required(&mut check, body, "period").and_then(|v| period_years(&mut check, &v));
    let nameservers = match body.get("nameservers") {
        Some(v) if !v.is_null() => nameservers(&mut check, v),
        _ => Vec::new(),
    };
    let create_zone = match body.get("create_zone") {
        None | Some(Value::Null) => false,
        Some(Value::Bool(b)) => *b,
        Some(_) => {
            check.fail("create_zone", "true or false");
            false
        }
    };
    let expected = money(&mut check, "expected_price", body.get("expected_price"));
    check.finish()?;
    Ok(DomainCreate {
        name: name.unwrap_or_default(),
        period_years: years.unwrap_or_default(),
        renewal_mode: mode.unwrap_or_default(),
        contacts: contacts.unwrap_or_default(),
        nameservers,
        create_zone,
        expected_price: expected,
    })
}

pub(crate) async fn create(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
    JsonBody(body): JsonBody<Value>,
) -> Result<(StatusCode, Json<DomainWire>), ApiError> {
    let create = domain_create_of(&body)?;
    let domain = state.app.domain_register(&actor, context, create).await?;
    Ok((StatusCode::CREATED, Json(domain.into())))
}

/// The change a `DomainUpdate` body asks for.
pub(crate) fn domain_update_of(body: &Value) -> Result<DomainUpdate, ApiError> {
    let mut check = Check::default();
    if !body.is_object() {
        check.fail("body", "an object");
    }
    let present = |field: &str| body.get(field).filter(|v| !v.is_null());
    let mut update = DomainUpdate {
        contacts: present("contacts").map(|v| contacts(&mut check, v)),
        nameservers: present("nameservers").map(|v| nameservers(&mut check, v)),
        renewal_mode: present("renewal_mode")
            .and_then(|v| renewal_mode(&mut check, v.as_str().unwrap_or_default())),
        statuses: present("statuses").map(|v| statuses(&mut check, v, "statuses")),
        ..Default::default()
    };
    update.auth_code = present("auth_code").and_then(|v| {
        v.as_str().map(str::to_owned).or_else(|| {
            check.fail("auth_code", "a string");
            None
        })
    });
    if let Some(changes) = present("status_changes") {
        update.add_statuses = statuses(&mut check, &changes["add"], "status_changes.add");
        update.remove_statuses = statuses(&mut check, &changes["remove"], "status_changes.remove");
    }
    check.finish()?;
    Ok(update)
}

pub(crate) async fn update(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(reference): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<DomainWire>, ApiError> {
    let update = domain_update_of(&body)?;
    Ok(Json(
        state
            .app
            .domain_update(&actor, &reference, update)
            .await?
            .into(),
    ))
}

pub(crate) async fn remove(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(reference): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.app.domain_delete(&actor, &reference).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What a renewal body asks for.
pub(crate) struct Renewal {
    pub years: i64,
    pub current_expiry: time::Date,
    pub expected_price: Option<Minor>,
}

/// The renewal a `{"period", "current_expiry_date", "expected_price"}` body asks for.
pub(crate) fn renewal_of(body: &Value) -> Result<Renewal, ApiError> {
    let mut check = Check::default();
    let years = required(&mut check, body, "period").and_then(|v| period_years(&mut check, &v));
    let current = required(&mut check, body, "current_expiry_date").and_then(|v| {
        let text = v.as_str().unwrap_or_default();
        let date = text.get(..10).and_then(|d| {
            time::Date::parse(d, time::macros::format_description!("[year]-[month]-[day]")).ok()
        });
        if date.is_none() {
            check.fail("current_expiry_date", "a date, YYYY-MM-DD (or a date-time)");
        }
        date
    });
    let expected = money(&mut check, "expected_price", body.get("expected_price"));
    check.finish()?;
    Ok(Renewal {
        years: years.unwrap_or_default(),
        current_expiry: current.expect("checked above"),
        expected_price: expected,
    })
}

pub(crate) async fn renew(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(reference): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<Value>, ApiError> {
    let renewal = renewal_of(&body)?;
    let renewed = state
        .app
        .domain_renew(
            &actor,
            &reference,
            renewal.years,
            renewal.current_expiry,
            renewal.expected_price,
        )
        .await?;
    Ok(Json(json!({
        "name": renewed.name,
        "new_expiry_date": time(renewed.new_expiry),
        "period_extended": {"value": renewed.years, "unit": "y"},
    })))
}

pub(crate) async fn restore(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(reference): Path<String>,
    JsonBody(body): JsonBody<Option<Value>>,
) -> Result<Json<Value>, ApiError> {
    let body = body.unwrap_or(Value::Null);
    let mut check = Check::default();
    let expected = money(&mut check, "expected_price", body.get("expected_price"));
    check.finish()?;
    let restored = state
        .app
        .domain_restore(&actor, &reference, expected)
        .await?;
    // The reference's `DomainRestoreResponse`.
    Ok(Json(json!({
        "domain_id": restored.id,
        "name": restored.name,
        "restored_at": time(restored.updated_on),
    })))
}

pub(crate) async fn transfer_in(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
    JsonBody(body): JsonBody<Value>,
) -> Result<(StatusCode, Json<DomainWire>), ApiError> {
    let mut check = Check::default();
    let text = |check: &mut Check, field: &str| {
        required(check, &body, field).and_then(|v| {
            v.as_str().map(str::to_owned).or_else(|| {
                check.fail(field, "a string");
                None
            })
        })
    };
    let name = text(&mut check, "name");
    let auth_code = text(&mut check, "auth_code");
    let mode = required(&mut check, &body, "renewal_mode")
        .and_then(|v| renewal_mode(&mut check, v.as_str().unwrap_or_default()));
    let contacts = match body.get("contacts") {
        Some(v) if !v.is_null() => contacts(&mut check, v),
        _ => Vec::new(),
    };
    let nameservers = match body.get("nameservers") {
        Some(v) if !v.is_null() => nameservers(&mut check, v),
        _ => Vec::new(),
    };
    let years = match body.get("period") {
        Some(v) if !v.is_null() => period_years(&mut check, v),
        _ => None,
    };
    let expected = money(&mut check, "expected_price", body.get("expected_price"));
    check.finish()?;
    let domain = state
        .app
        .domain_transfer_in(
            &actor,
            context,
            TransferIn {
                name: name.unwrap_or_default(),
                auth_code: auth_code.unwrap_or_default(),
                renewal_mode: mode.unwrap_or_default(),
                contacts,
                nameservers,
                period_years: years,
                expected_price: expected,
            },
        )
        .await?;
    Ok((StatusCode::CREATED, Json(domain.into())))
}

pub(crate) async fn transfer_cancel(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(reference): Path<String>,
) -> Result<StatusCode, ApiError> {
    state.app.domain_transfer_cancel(&actor, &reference).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// `{"action": "approve" | "reject"}`.
pub(crate) async fn transfer_outbound(
    State(state): State<AppState>,
    Caller(actor): Caller,
    Path(reference): Path<String>,
    JsonBody(body): JsonBody<Value>,
) -> Result<Json<Value>, ApiError> {
    let mut check = Check::default();
    let approve = match body["action"].as_str() {
        Some("approve") => Some(true),
        Some("reject") => Some(false),
        _ => {
            check.fail("action", "approve or reject");
            None
        }
    };
    check.finish()?;
    let approve = approve.expect("checked above");
    let domain = state
        .app
        .domain_transfer_outbound(&actor, &reference, approve)
        .await?;
    Ok(Json(json!({
        "action": if approve { "approve" } else { "reject" },
        "domain_id": domain.id,
        "domain_name": domain.name,
    })))
}
