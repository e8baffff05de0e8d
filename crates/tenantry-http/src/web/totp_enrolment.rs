//! Turning two-factor sign-in on and off from the account page: the password starts an
//! enrolment whose seed is shown this once, as a QR code of its `otpauth://` URI and as text;
//! a code from the app confirms it and shows the recovery codes, once. The same use cases as
//! `/v1/users/me/totp…`. These pages are answers to the POST, never redirects, so the seed
//! and the codes are in no address and no later page.

use askama::Template;
use axum::Form;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use data_encoding::BASE64;
use qrcode::QrCode;
use qrcode::render::svg;
use serde::Deserialize;
use tenantry_app::AppError;

use super::account::{AccountShown, account_page};
use super::overview::Frame;
use super::render;
use super::session::{SignedIn, forged};
use crate::AppState;

pub(crate) enum TotpStep {
    /// The seed, as a QR code (`data:` URI of an SVG) and as text.
    Scan { qr: String, secret: String },
    /// A wrong code: the app holds the seed already, so only the code is asked again.
    Retry { error: String },
    /// On: the recovery codes.
    Done { codes: Vec<String> },
}

#[derive(Template)]
#[template(path = "totp.html")]
struct TotpPage {
    frame: Frame,
    step: TotpStep,
}

/// The `otpauth://` URI as a QR code in an SVG, inlined as a `data:` URI (the page's policy
/// allows images from `data:`, and the seed never leaves the answer that shows it).
fn qr_code(uri: &str) -> Result<String, AppError> {
    let code = QrCode::new(uri.as_bytes())
        .map_err(|err| AppError::Internal(format!("the seed's QR code: {err}")))?;
    let image = code
        .render::<svg::Color<'_>>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build();
    Ok(format!(
        "data:image/svg+xml;base64,{}",
        BASE64.encode(image.as_bytes())
    ))
}

async fn totp_page(
    state: &AppState,
    person: &SignedIn,
    status: StatusCode,
    step: TotpStep,
) -> Response {
    match state.app.my_organizations(&person.actor).await {
        Ok(reached) => {
            let home = person.actor.organization_id().to_string();
            let frame = Frame::new(person, &reached, &home);
            render::page_with(status, &TotpPage { frame, step })
        }
        Err(err) => render::refusal(&err, true),
    }
}

/// A refusal shown on the account page, next to the two-factor form.
async fn refused(state: &AppState, person: &SignedIn, err: &AppError) -> Response {
    if matches!(err, AppError::Internal(..) | AppError::Unauthenticated(..)) {
        return render::refusal(err, true);
    }
    let (status, words) = render::words(err);
    let shown = AccountShown {
        status,
        totp_error: Some(words),
        ..AccountShown::default()
    };
    account_page(state, person, shown).await
}

#[derive(Deserialize)]
pub(crate) struct EnrolForm {
    csrf: String,
    password: String,
}

/// `POST /account/totp`: a new seed, proven with the password.
pub(crate) async fn enrol(
    State(state): State<AppState>,
    person: SignedIn,
    Form(form): Form<EnrolForm>,
) -> Response {
    if !person.sent(&form.csrf) {
        return forged();
    }
    let enrolment = match state.app.totp_enrol(&person.actor, &form.password).await {
        Ok(enrolment) => enrolment,
        Err(err) => return refused(&state, &person, &err).await,
    };
    match qr_code(&enrolment.otpauth_uri) {
        Ok(qr) => {
            let secret = enrolment.secret;
            let step = TotpStep::Scan { qr, secret };
            totp_page(&state, &person, StatusCode::OK, step).await
        }
        Err(err) => render::refusal(&err, true),
    }
}

#[derive(Deserialize)]
pub(crate) struct ConfirmForm {
    csrf: String,
    code: String,
}

/// `POST /account/totp/confirm`: a code from the app turns it on.
pub(crate) async fn confirm(
    State(state): State<AppState>,
    person: SignedIn,
    Form(form): Form<ConfirmForm>,
) -> Response {
    if !person.sent(&form.csrf) {
        return forged();
    }
    let code: String = form.code.chars().filter(|c| !c.is_whitespace()).collect();
    match state.app.totp_confirm(&person.actor, &code).await {
        Ok(codes) => totp_page(&state, &person, StatusCode::OK, TotpStep::Done { codes }).await,
        Err(err @ AppError::Forbidden(..)) => {
            let (status, error) = render::words(&err);
            totp_page(&state, &person, status, TotpStep::Retry { error }).await
        }
        Err(err) => refused(&state, &person, &err).await,
    }
}

#[derive(Deserialize)]
pub(crate) struct DisableForm {
    csrf: String,
    password: String,
    code: String,
}

/// `POST /account/totp/disable`: the password and a current (or recovery) code turn it off.
pub(crate) async fn disable(
    State(state): State<AppState>,
    person: SignedIn,
    Form(form): Form<DisableForm>,
) -> Response {
    if !person.sent(&form.csrf) {
        return forged();
    }
    match state
        .app
        .totp_disable(&person.actor, &form.password, form.code.trim())
        .await
    {
        Ok(()) => render::see("/account?done=totp-off"),
        Err(err) => refused(&state, &person, &err).await,
    }
}
