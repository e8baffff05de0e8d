//! What the name server's tests share: asking with `dig`, the zone they serve, a BIND
//! secondary, and the callers they act as.

#![allow(dead_code)] // each test file uses its own part

pub mod bind;
pub mod dig;
pub mod zone;

use tenantry_app::{Actor, OperatorActor, RequestMeta};

/// The bootstrapped tenant's admin and the platform's operator, authenticated.
pub async fn callers(test: &tenantry_testkit::TestApp) -> (Actor, OperatorActor) {
    let actor = test
        .app
        .authenticate(&test.boot.api_key, RequestMeta::default())
        .await
        .unwrap();
    let operator = test
        .app
        .authenticate_operator(&test.boot.operator_api_key, RequestMeta::default())
        .await
        .unwrap();
    (actor, operator)
}
