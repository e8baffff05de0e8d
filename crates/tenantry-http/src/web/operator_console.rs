//! The platform operator's console (`/operator`): signed in with the operator key and a code
//! of its TOTP seed, the operator finds an organization by id or slug and tops its account up
//! (read as the API's wallet credit body, through the same use case). The console has its own
//! cookie (`tenantry_operator`), so a person's session never reaches it and the operator's
//! never reaches a person's pages; forms carry a CSRF token made from it.

use askama::Template;
use axum::Form;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;
use serde_json::json;
use sha2::{Digest, Sha256};
use tenantry_app::OperatorActor;
use tenantry_app::person_organizations::OrganizationRef;
use tenantry_app::{AppError, IdempotencyOutcome, NotFoundKind};
use tenantry_core::OrganizationId;

use super::forms::{FormErrors, Submitted};
use super::pages::id_or_not_found;
use super::session::forged;
use super::sign_in::{RequestParts, pre_session, pre_session_form};
use super::{cookies, csrf, render};
use crate::AppState;
use crate::api::billing::wallet::CreditBody;
use crate::extract::{ClientMeta, typed_body};

/// The signed-in operator, and the console token its forms' CSRF tokens are made from.
pub(crate) struct SignedInOperator {
    operator: OperatorActor,
    token: String,
}

impl FromRequestParts<AppState> for SignedInOperator {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let to_sign_in = || Redirect::to("/operator/sign-in").into_response();
        let Some(token) = cookies::read(&parts.headers, cookies::OPERATOR) else {
            return Err(to_sign_in());
        };
        let Ok(ClientMeta(meta)) = ClientMeta::from_request_parts(parts, state).await;
        match state.app.authenticate_operator_console(&token, meta).await {
            Ok(operator) => Ok(SignedInOperator { operator, token }),
            Err(AppError::Unauthenticated(..)) => {
                let mut response = to_sign_in();
                cookies::clear(response.headers_mut(), parts, cookies::OPERATOR);
                Err(response)
            }
            Err(other) => Err(render::refusal(&other, false)),
        }
    }
}

#[derive(Template)]
#[template(path = "operator_sign_in.html")]
struct SignInPage<'a> {
    csrf: &'a str,
    error: Option<String>,
}

fn sign_in_page(parts: &Parts, status: StatusCode, error: Option<String>) -> Response {
    let (secret, new) = pre_session(parts);
    let token = csrf::token_for(&secret);
    let mut response = render::page_with(
        status,
        &SignInPage {
            csrf: &token,
            error,
        },
    );
    if new {
        cookies::set(response.headers_mut(), parts, cookies::PRE_SESSION, &secret);
    }
    response
}

/// `GET /operator/sign-in`.
pub(crate) async fn sign_in_form(RequestParts(parts): RequestParts) -> Response {
    sign_in_page(&parts, StatusCode::OK, None)
}

#[derive(Deserialize)]
pub(crate) struct SignInForm {
    csrf: String,
    key: String,
    code: String,
}

/// `POST /operator/sign-in`.
pub(crate) async fn sign_in(
    State(state): State<AppState>,
    ClientMeta(meta): ClientMeta,
    RequestParts(parts): RequestParts,
    Form(form): Form<SignInForm>,
) -> Response {
    if !pre_session_form(&parts, &form.csrf) {
        return forged();
    }
    match state
        .app
        .operator_console_sign_in(&form.key, &form.code, meta)
        .await
    {
        Ok(session) => {
            let mut response = render::see("/operator");
            cookies::set(
                response.headers_mut(),
                &parts,
                cookies::OPERATOR,
                &session.token,
            );
            response
        }
        Err(err @ (AppError::Unauthenticated(..) | AppError::RateLimited(..))) => {
            let (status, words) = render::words(&err);
            sign_in_page(&parts, status, Some(words))
        }
        Err(err) => render::refusal(&err, false),
    }
}

/// `POST /operator/sign-out`.
pub(crate) async fn sign_out(
    State(state): State<AppState>,
    signed_in: SignedInOperator,
    RequestParts(parts): RequestParts,
    Form(sent): Form<Submitted>,
) -> Response {
    if !csrf::matches(&signed_in.token, sent.csrf()) {
        return forged();
    }
    if let Err(err) = state.app.operator_console_sign_out(&signed_in.token).await {
        return render::refusal(&err, false);
    }
    let mut response = render::see("/operator/sign-in");
    cookies::clear(response.headers_mut(), &parts, cookies::OPERATOR);
    response
}

/// An organization as the console shows it.
pub(crate) struct Found {
    pub id: String,
    pub name: String,
    pub slug: String,
    pub billing_mode: String,
    pub balance: Option<String>,
}

#[derive(Template)]
#[template(path = "operator.html")]
struct ConsolePage {
    csrf: String,
    /// The top-up form's one-time key: sent twice (a double click, a resent form), the
    /// credit is made once.
    nonce: String,
    lookup: String,
    found: Option<Found>,
    notice: Option<&'static str>,
    alert: Option<String>,
    sent: Submitted,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
pub(crate) struct ConsoleParams {
    #[serde(default)]
    organization: String,
    #[serde(default)]
    done: String,
}

async fn console_page(
    state: &AppState,
    signed_in: &SignedInOperator,
    lookup: &str,
    mut page: ConsolePage,
    status: StatusCode,
) -> Response {
    page.lookup = lookup.to_owned();
    if !lookup.is_empty() {
        let found = async {
            let id = state
                .app
                .organization_id_of(&OrganizationRef::parse(lookup))
                .await?;
            state
                .app
                .operator_console_organization(&signed_in.operator, id)
                .await
        };
        match found.await {
            Ok(found) => {
                let org = found.organization;
                page.found = Some(Found {
                    id: org.id.to_string(),
                    name: org.profile.name,
                    slug: org.slug,
                    billing_mode: org.billing_mode,
                    balance: found
                        .balance
                        .map(|(amount, currency)| format!("{amount} {}", currency.as_str())),
                });
            }
            Err(err) => page.alert = Some(render::words(&err).1),
        }
    }
    render::page_with(status, &page)
}

fn empty_page(signed_in: &SignedInOperator) -> ConsolePage {
    ConsolePage {
        csrf: csrf::token_for(&signed_in.token),
        nonce: tenantry_app::web_sessions::pre_session_secret(),
        lookup: String::new(),
        found: None,
        notice: None,
        alert: None,
        sent: Submitted::default(),
        errors: FormErrors::default(),
    }
}

/// `GET /operator?organization=…`: finds an organization by id or slug.
pub(crate) async fn page(
    State(state): State<AppState>,
    signed_in: SignedInOperator,
    Query(params): Query<ConsoleParams>,
) -> Response {
    let mut page = empty_page(&signed_in);
    page.notice = (params.done == "credited").then_some("The account is topped up.");
    let lookup = params.organization.trim();
    console_page(&state, &signed_in, lookup, page, StatusCode::OK).await
}

/// `POST /operator/orgs/{organization}/credits`: tops the organization's account up.
pub(crate) async fn credit(
    State(state): State<AppState>,
    signed_in: SignedInOperator,
    Path(organization): Path<String>,
    Form(sent): Form<Submitted>,
) -> Response {
    if !csrf::matches(&signed_in.token, sent.csrf()) {
        return forged();
    }
    let credited = async {
        let id: OrganizationId = id_or_not_found(&organization, NotFoundKind::Organization)?;
        let mut body = json!({"amount": sent.get("amount").trim()});
        let reference = sent.get("reference").trim();
        if !reference.is_empty() {
            body["reference"] = json!(reference);
        }
        let body: CreditBody = typed_body(body)?;
        let (amount, reference) = body.checked().map_err(|e| e.0)?;
        // The form's one-time key, through the API's idempotency use cases: the same form
        // sent again is the same credit, made once.
        let scope = format!("operator-console:{}", signed_in.operator.id());
        let nonce = sent.get("nonce");
        if nonce.is_empty() {
            return Err(AppError::invalid_field(
                "nonce",
                "reload the page and send it again",
            ));
        }
        let fingerprint = Sha256::digest(format!("{id}\n{amount}\n{reference:?}")).to_vec();
        if let IdempotencyOutcome::Replay { .. } = state
            .app
            .idempotency_begin(&scope, nonce, &fingerprint)
            .await?
        {
            return Ok(id);
        }
        let credit = state
            .app
            .wallet_credit(&signed_in.operator, id, amount, reference)
            .await;
        match credit {
            Ok(_) => {
                let done = state.app.idempotency_finish(&scope, nonce, 303, "", b"");
                if let Err(err) = done.await {
                    tracing::warn!(%err, "a console top-up's key could not be kept");
                }
                Ok::<_, AppError>(id)
            }
            Err(err) => {
                let _ = state.app.idempotency_release(&scope, nonce).await;
                Err(err)
            }
        }
    };
    match credited.await {
        Ok(id) => render::see(&format!("/operator?organization={id}&done=credited")),
        Err(err) => {
            let status = render::words(&err).0;
            let mut page = empty_page(&signed_in);
            page.errors = FormErrors::from_refusal(&err, &["amount", "reference"]);
            page.sent = sent;
            console_page(&state, &signed_in, &organization, page, status).await
        }
    }
}
