//! Turning a page into a response, and a refusal into a page that says what happened in the
//! same words the API uses (`problem_of`): another tenant's object is "not found" here too.

use askama::Template;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use tenantry_app::AppError;

use crate::problem::problem_of;

/// A page with its status.
pub(crate) fn page_with(status: StatusCode, page: &impl Template) -> Response {
    match page.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(err) => {
            tracing::error!(%err, "a dashboard page could not be rendered");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "The page could not be shown",
            )
                .into_response()
        }
    }
}

pub(crate) fn page(page: &impl Template) -> Response {
    page_with(StatusCode::OK, page)
}

/// After a change: back to a page with GET, so a reload does not send the form again.
pub(crate) fn see(path: &str) -> Response {
    Redirect::to(path).into_response()
}

/// The status and the words the API answers `err` with, for a page that shows the refusal
/// next to its form.
pub(crate) fn words(err: &AppError) -> (StatusCode, String) {
    let problem = problem_of(err);
    (problem.status(), problem.words().to_owned())
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    status: u16,
    words: &'a str,
    signed_in: bool,
}

/// The page for a refusal or failure of a use case.
pub(crate) fn refusal(err: &AppError, signed_in: bool) -> Response {
    if matches!(err, AppError::Unauthenticated(..)) {
        return see("/sign-in");
    }
    let problem = problem_of(err);
    let words = match err {
        AppError::NotFound { .. } => "There is nothing here, or it is not yours to see.",
        _ => problem.words(),
    };
    page_with(
        problem.status(),
        &ErrorPage {
            status: problem.status().as_u16(),
            words,
            signed_in,
        },
    )
}
