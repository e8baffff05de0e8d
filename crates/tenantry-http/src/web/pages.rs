//! What the organization pages share: the organization a path names, an id from a path, the
//! feedback a rendering shows, and the one way a form's POST ends.
//!
//! A POST is checked as this session's form, its organization looked up, then the use case
//! run: success goes on (a redirect, so a reload sends nothing again); a refusal is the page
//! again with it, in the API's words, next to the fields it names. An organization that does
//! not exist is the "not found" page; one out of reach is refused as "not found" by the use
//! case, and its page then too.

use std::str::FromStr;

use axum::http::StatusCode;
use axum::response::Response;
use tenantry_app::person_organizations::OrganizationRef;
use tenantry_app::{AppError, NotFoundKind};
use tenantry_core::OrganizationId;

use super::forms::{FormErrors, Submitted};
use super::render;
use super::session::{SignedIn, forged};
use crate::AppState;

/// Rows a list shows on one page.
pub(crate) const PAGE_SIZE: u64 = 25;

/// The organization `reference` (a TypeID or a slug) names.
pub(crate) async fn organization(
    state: &AppState,
    reference: &str,
) -> Result<OrganizationId, AppError> {
    state
        .app
        .organization_id_of(&OrganizationRef::parse(reference))
        .await
}

/// A page of the organization `reference`: `show` renders it for the organization's id; one
/// that does not exist (or is out of reach, as the use case decides) is the "not found" page.
pub(crate) async fn organization_page(
    state: &AppState,
    reference: &str,
    show: impl AsyncFnOnce(OrganizationId) -> Response,
) -> Response {
    match organization(state, reference).await {
        Ok(id) => show(id).await,
        Err(err) => render::refusal(&err, true),
    }
}

/// An id from a path: a malformed one is "not found", like one that does not exist.
pub(crate) fn id_or_not_found<T: FromStr>(raw: &str, kind: NotFoundKind) -> Result<T, AppError> {
    raw.parse().map_err(|_| AppError::not_found(kind, raw))
}

/// What a page shows besides its data: the answer's status, a notice after a change, a
/// refusal of a row's action above the lists, and a refused form as it was sent with what is
/// wrong with it (`form` names which, on a page with several).
#[derive(Default)]
pub(crate) struct Feedback {
    pub status: StatusCode,
    pub notice: Option<&'static str>,
    pub alert: Option<String>,
    pub form: &'static str,
    pub sent: Submitted,
    pub errors: FormErrors,
}

impl Feedback {
    pub(crate) fn notice(notice: Option<&'static str>) -> Self {
        Feedback {
            notice,
            ..Feedback::default()
        }
    }
}

/// Where a POST's refusal is shown.
pub(crate) enum ShownAt {
    /// Above the lists (a row's button).
    Alert,
    /// In the form `name`, next to its `fields`.
    Form {
        name: &'static str,
        fields: &'static [&'static str],
    },
}

impl ShownAt {
    fn feedback(self, err: &AppError, sent: Submitted) -> Feedback {
        let (status, words) = render::words(err);
        match self {
            ShownAt::Alert => Feedback {
                status,
                alert: Some(words),
                ..Feedback::default()
            },
            ShownAt::Form { name, fields } => Feedback {
                status,
                form: name,
                errors: FormErrors::from_refusal(err, fields),
                sent,
                ..Feedback::default()
            },
        }
    }
}

/// A form's POST to a page of the organization `reference`: `act` runs the use case and
/// answers the way on; its refusal is the page again (`again`), shown `at`.
pub(crate) async fn post(
    state: &AppState,
    person: &SignedIn,
    reference: &str,
    sent: Submitted,
    at: ShownAt,
    act: impl AsyncFnOnce(OrganizationId, &Submitted) -> Result<Response, AppError>,
    again: impl AsyncFnOnce(OrganizationId, Feedback) -> Response,
) -> Response {
    if !person.sent(sent.csrf()) {
        return forged();
    }
    let id = match organization(state, reference).await {
        Ok(id) => id,
        Err(err) => return render::refusal(&err, true),
    };
    match act(id, &sent).await {
        Ok(response) => response,
        Err(err @ AppError::Unauthenticated(..)) => render::refusal(&err, true),
        Err(err) => {
            let feedback = at.feedback(&err, sent);
            again(id, feedback).await
        }
    }
}
