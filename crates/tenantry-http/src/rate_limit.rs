//! Request rate limits, one token bucket per credential (or per address for calls without
//! one), reported on every response in NS1's integer headers: `X-RateLimit-Limit` tokens per
//! `X-RateLimit-Period` seconds, `X-RateLimit-Remaining` now, and `X-RateLimit-By` saying what
//! the bucket belongs to. NS1's clients pace themselves by these headers and turn a 429 into
//! a rate-limit error. Buckets live in each process (a per-node limit).

use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr, SocketAddr};
use std::num::NonZeroU32;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::{Body, Bytes};
use axum::extract::{ConnectInfo, Request, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::clock::{Clock, DefaultClock};
use governor::middleware::StateInformationMiddleware;
use governor::state::keyed::DefaultKeyedStateStore;
use governor::{Quota, RateLimiter};
use sha2::{Digest, Sha256};
use tenantry_app::{AppError, Limit};

use crate::extract::presented_credential;
use crate::ns1::error::Ns1Error;
use crate::problem::ApiError;

/// Past this many buckets, idle ones are dropped.
const SWEEP_AT: usize = 100_000;

/// How many requests a credential may make per period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimitSettings {
    pub limit: NonZeroU32,
    pub period_seconds: NonZeroU32,
}

impl Default for RateLimitSettings {
    /// 10,000 requests per 10 seconds: generous for automation, a bound for runaways.
    fn default() -> Self {
        RateLimitSettings {
            limit: NonZeroU32::new(10_000).expect("non-zero"),
            period_seconds: NonZeroU32::new(10).expect("non-zero"),
        }
    }
}

type Limiter = RateLimiter<
    [u8; 16],
    DefaultKeyedStateStore<[u8; 16]>,
    DefaultClock,
    StateInformationMiddleware,
>;

pub(crate) struct RequestLimiter {
    settings: RateLimitSettings,
    buckets: Limiter,
    /// Each refusal as sent, by dialect (NS1 or not) and wait: made once through the error
    /// registry, then copied, so a refusal costs less than a served request.
    refusals: Mutex<HashMap<(bool, u64), Refusal>>,
}

/// A refusal's status, headers and body.
#[derive(Clone)]
struct Refusal {
    status: StatusCode,
    headers: HeaderMap,
    body: Bytes,
}

impl Refusal {
    fn response(&self) -> Response {
        let mut response = Response::new(Body::from(self.body.clone()));
        *response.status_mut() = self.status;
        *response.headers_mut() = self.headers.clone();
        response
    }
}

impl RequestLimiter {
    pub(crate) fn new(settings: RateLimitSettings) -> Self {
        let refill =
            Duration::from_secs(u64::from(settings.period_seconds.get())) / settings.limit.get();
        let quota = Quota::with_period(refill.max(Duration::from_nanos(1)))
            .expect("a non-zero period")
            .allow_burst(settings.limit);
        RequestLimiter {
            settings,
            buckets: RateLimiter::keyed(quota).with_middleware::<StateInformationMiddleware>(),
            refusals: Mutex::default(),
        }
    }

    /// The refusal of a request to `path` that may retry after `wait` seconds.
    async fn refusal(&self, path: &str, wait: u64) -> Response {
        let ns1 = is_ns1_path(path);
        let known = self
            .refusals
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .get(&(ns1, wait))
            .cloned();
        if let Some(refusal) = known {
            return refusal.response();
        }
        let refused = AppError::RateLimited(wait, Limit::Requests);
        let response = if ns1 {
            Ns1Error::from(refused).into_response()
        } else {
            ApiError(refused).into_response()
        };
        let (parts, body) = response.into_parts();
        let Ok(body) = axum::body::to_bytes(body, usize::MAX).await else {
            return (StatusCode::TOO_MANY_REQUESTS, parts.headers).into_response();
        };
        let refusal = Refusal {
            status: parts.status,
            headers: parts.headers,
            body,
        };
        let response = refusal.response();
        let mut refusals = self
            .refusals
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        // Waits run up to the period: a bounded set, but never let it grow without end.
        if refusals.len() < 4096 {
            refusals.insert((ns1, wait), refusal);
        }
        response
    }
}

/// The bucket of a request: a digest of its credential, or its address.
fn bucket_of(request: &Request) -> ([u8; 16], &'static str) {
    let mut digest = Sha256::new();
    let by = match presented_credential(request.headers()) {
        Some(value) => {
            digest.update(b"key:");
            digest.update(value.as_bytes());
            "key"
        }
        None => {
            let ip = request
                .extensions()
                .get::<ConnectInfo<SocketAddr>>()
                .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |c| c.0.ip());
            digest.update(b"ip:");
            digest.update(ip.to_string().as_bytes());
            "ip"
        }
    };
    let mut key = [0u8; 16];
    key.copy_from_slice(&digest.finalize()[..16]);
    (key, by)
}

fn set_headers(
    headers: &mut HeaderMap,
    by: &'static str,
    settings: RateLimitSettings,
    remaining: u32,
) {
    headers.insert("x-ratelimit-by", HeaderValue::from_static(by));
    headers.insert("x-ratelimit-limit", settings.limit.get().into());
    headers.insert("x-ratelimit-period", settings.period_seconds.get().into());
    headers.insert("x-ratelimit-remaining", remaining.into());
}

/// Paths of the NS1 dialect, whose refusals are `{"message": …}`.
fn is_ns1_path(path: &str) -> bool {
    ["/v1/zones", "/v1/account/", "/v1/ops/"]
        .iter()
        .any(|prefix| path.starts_with(prefix))
}

pub(crate) async fn limit_requests(
    State(limiter): State<Arc<RequestLimiter>>,
    request: Request,
    next: Next,
) -> Response {
    // Health probes answer whoever asks, however often: a load balancer must not be told
    // the server is down because it asked too much.
    if matches!(request.uri().path(), "/healthz" | "/readyz") {
        return next.run(request).await;
    }
    let (bucket, by) = bucket_of(&request);
    if limiter.buckets.len() >= SWEEP_AT {
        limiter.buckets.retain_recent();
    }
    match limiter.buckets.check_key(&bucket) {
        Ok(state) => {
            let remaining = state.remaining_burst_capacity();
            let mut response = next.run(request).await;
            set_headers(response.headers_mut(), by, limiter.settings, remaining);
            response
        }
        Err(not_until) => {
            let wait = not_until
                // The limiter's own clock: building a new one probes the CPU, which made a
                // refusal cost more than a served request.
                .wait_time_from(limiter.buckets.clock().now())
                .as_secs()
                .max(1);
            let mut response = limiter.refusal(request.uri().path(), wait).await;
            set_headers(response.headers_mut(), by, limiter.settings, 0);
            response
        }
    }
}
