//! Prometheus metrics (`serve --metrics-listen ADDR`, off by default): the recorder every
//! counter and histogram of the code reports to, and `GET /metrics` on its own listener (so
//! it is reachable only where the operator binds it), which reads the gauges at each scrape.
//!
//! What is there: `tenantry_http_requests_total{method,route,status}` and
//! `tenantry_http_request_duration_seconds{method,route}`, `tenantry_db_connections` and
//! `tenantry_db_connections_idle`, `tenantry_group_commit_batch_size` (SQLite),
//! `tenantry_charges_total{product_type,action}`, `tenantry_mail_outbox_depth`, and
//! `tenantry_sign_in_failures_total`.

use std::net::SocketAddr;
use std::sync::Arc;

use anyhow::Context;
use axum::Router;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use metrics_exporter_prometheus::{Matcher, PrometheusBuilder, PrometheusHandle};
use tenantry_app::App;
use tokio::net::TcpListener;

/// Request latencies from 0.5 ms to 10 s.
const LATENCY_BUCKETS: &[f64] = &[
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 10.0,
];
/// Use cases per group commit.
const BATCH_BUCKETS: &[f64] = &[1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0];

/// Installs the recorder for this process.
pub fn install() -> anyhow::Result<PrometheusHandle> {
    PrometheusBuilder::new()
        .set_buckets_for_metric(
            Matcher::Full("tenantry_http_request_duration_seconds".into()),
            LATENCY_BUCKETS,
        )?
        .set_buckets_for_metric(
            Matcher::Full("tenantry_group_commit_batch_size".into()),
            BATCH_BUCKETS,
        )?
        .install_recorder()
        .context("installing the metrics recorder")
}

#[derive(Clone)]
struct Scrape {
    app: Arc<App>,
    handle: PrometheusHandle,
}

async fn scrape(State(scrape): State<Scrape>) -> Response {
    match scrape.app.gauges().await {
        Ok(gauges) => {
            metrics::gauge!("tenantry_db_connections").set(f64::from(gauges.pool.size));
            metrics::gauge!("tenantry_db_connections_idle").set(f64::from(gauges.pool.idle));
            metrics::gauge!("tenantry_mail_outbox_depth").set(gauges.outbox_depth as f64);
        }
        // The counters are still worth reading while the database is away.
        Err(err) => tracing::warn!(%err, "the metrics' gauges could not be read"),
    }
    scrape.handle.run_upkeep();
    (
        StatusCode::OK,
        [(header::CONTENT_TYPE, "text/plain; version=0.0.4")],
        scrape.handle.render(),
    )
        .into_response()
}

/// The metrics' listener, bound before the server answers anything, so a taken address
/// stops `serve` at once instead of leaving it without metrics.
pub async fn bind(address: SocketAddr) -> anyhow::Result<TcpListener> {
    let listener = TcpListener::bind(address)
        .await
        .with_context(|| format!("serving metrics on {address}"))?;
    tracing::info!(%address, "metrics at /metrics");
    Ok(listener)
}

/// Serves `GET /metrics` on `listener` until `stopped` says so.
pub async fn serve(
    listener: TcpListener,
    app: Arc<App>,
    handle: PrometheusHandle,
    mut stopped: tokio::sync::watch::Receiver<bool>,
) -> anyhow::Result<()> {
    let router = Router::new()
        .route("/metrics", get(scrape))
        .with_state(Scrape { app, handle });
    axum::serve(listener, router)
        .with_graceful_shutdown(async move {
            let _ = stopped.wait_for(|stop| *stop).await;
        })
        .await?;
    Ok(())
}
