//! `/v1/events…`: what happened to the organization's domains, contacts and account, for its
//! integrations to poll (`acknowledged=false` for what is new) and acknowledge.

use axum::Json;
use axum::extract::State;
use axum::http::Method;
use serde::Serialize;
use serde_json::{Value, json};
use tenantry_app::SortOrder;
use tenantry_app::events::{Event, EventFilter};
use tenantry_core::EventId;
use utoipa::ToSchema;

use crate::AppState;
use crate::endpoint::needs::{EVENTS_MANAGE, EVENTS_READ};
use crate::endpoint::{Bound, row};
use crate::extract::{Caller, JsonBody, OrgContext, PathId, PathIdName};
use crate::openapi::SORTED_PAGES;
use crate::pagination::{Paginated, page_request, paginated, sort_order};
use crate::problem::ApiError;
use crate::query::QueryParams;
use crate::wire::time;

use crate::openapi::{QueryKind::*, QueryParameter, param};

/// The query parameters of the event list.
pub(crate) const LIST_QUERY: &[QueryParameter] = &[
    param("object_type", Text, "Only events about this kind of object"),
    param("object_id", Text, "Only events about this object"),
    param("type", Text, "Only this type"),
    param("subtype", Text, "Only this subtype"),
    param("acknowledged", Boolean, "Acknowledged or not"),
];

impl PathIdName for EventId {
    const NAME: &'static str = "event_id";
}

#[rustfmt::skip]
pub(crate) fn endpoints() -> Vec<Bound> {
    const EVENTS: &str = "events";
    const ONE: &str = "/v1/events/{event_id}";
    vec![
        row(Method::GET, "/v1/events", "list_events", EVENTS, "The organization's events (filters: object_type, object_id, type, subtype, acknowledged)", EVENTS_READ, 200, list).query(SORTED_PAGES).query(LIST_QUERY).answers::<Paginated<EventWire>>(),
        row(Method::GET, ONE, "get_event", EVENTS, "One event", EVENTS_READ, 200, get_one).answers::<EventWire>(),
        row(Method::PATCH, ONE, "acknowledge_event", EVENTS, "Acknowledge an event", EVENTS_MANAGE, 200, acknowledge).body::<serde_json::Value>().answers::<EventWire>(),
    ]
}

/// The reference's `EventResponse`.
#[derive(ToSchema, Serialize)]
pub(crate) struct EventWire {
    event_id: EventId,
    object_type: String,
    object_id: String,
    #[serde(rename = "type")]
    event_type: String,
    subtype: String,
    event_data: Value,
    created_on: String,
    acknowledged_on: Option<String>,
}

impl From<Event> for EventWire {
    fn from(e: Event) -> Self {
        EventWire {
            event_id: e.id,
            object_type: e.object_type,
            object_id: e.object_id,
            event_type: e.event_type,
            subtype: e.subtype,
            event_data: json!({"message": e.message, "version": "1.0", "details": null, "error": null}),
            created_on: time(e.created_on),
            acknowledged_on: e.acknowledged_on.map(time),
        }
    }
}

async fn list(
    State(state): State<AppState>,
    Caller(actor): Caller,
    OrgContext(context): OrgContext,
    mut query: QueryParams,
) -> Result<Json<Paginated<EventWire>>, ApiError> {
    let page = page_request(&mut query, 1000);
    let order = sort_order(&mut query, SortOrder::Desc);
    let upper = |query: &QueryParams, name: &str| query.get(name).map(str::to_ascii_uppercase);
    let filter = EventFilter {
        object_type: upper(&query, "object_type"),
        object_id: query.get("object_id").map(str::to_owned),
        event_type: upper(&query, "type"),
        subtype: upper(&query, "subtype"),
        acknowledged: query.parse_with(
            "acknowledged",
            |s| match s {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            "true or false",
        ),
        order,
    };
    query.finish()?;
    let page = state.app.event_list(&actor, context, filter, page).await?;
    Ok(Json(paginated(page, EventWire::from)))
}

async fn get_one(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId<EventId>,
) -> Result<Json<EventWire>, ApiError> {
    Ok(Json(state.app.event_get(&actor, id).await?.into()))
}

/// `PATCH` with any body (or none): the event is acknowledged.
async fn acknowledge(
    State(state): State<AppState>,
    Caller(actor): Caller,
    PathId(id): PathId<EventId>,
    JsonBody(_): JsonBody<Option<Value>>,
) -> Result<Json<EventWire>, ApiError> {
    Ok(Json(state.app.event_acknowledge(&actor, id).await?.into()))
}
