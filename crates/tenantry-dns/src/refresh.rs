//! Keeping the served zones equal to the stored ones: every quarter second a fingerprint of
//! all zones is read; when it moved, the serial of every zone is compared with the one
//! served, and the zones that came, went or moved are loaded again (and their secondaries
//! notified). The secondaries and TSIG keys are read again on every tick. The store is the only channel, so a change made through any API, or by any
//! server process sharing the PostgreSQL database, is answered within a second.

use std::collections::HashSet;
use std::net::IpAddr;
use std::sync::Arc;
use std::time::{Duration, Instant};

use tenantry_app::{App, AppError};
use tenantry_core::ZoneId;

use hickory_proto::rr::Name;

use crate::catalog::Catalog;
use crate::handler::Served;
use crate::notify;
use crate::zone::ServedZone;

/// How often the serials are compared.
pub const REFRESH_EVERY: Duration = Duration::from_millis(250);

/// Brings `served` up to date with the store; answers the zones loaded again (new or
/// changed), whose secondaries are to be notified.
pub async fn refresh(app: &App, served: &Served) -> Result<Vec<ZoneId>, AppError> {
    let serials = app.zone_serials().await?;
    let secondaries = app.dns_secondaries().await?;
    let keys = app.dns_tsig_keys().await?;
    let current = served
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    let now = unix_now();
    let changed: Vec<ZoneId> = serials
        .iter()
        .filter(|(id, serial)| {
            current.serial_of(id) != Some(*serial) || current.signatures_due(id, now)
        })
        .map(|(id, _)| *id)
        .collect();
    let present: HashSet<&ZoneId> = serials.iter().map(|(id, _)| id).collect();
    let gone: Vec<ZoneId> = current
        .zone_ids()
        .filter(|id| !present.contains(id))
        .copied()
        .collect();
    let reconfigured = current.configured_otherwise(&secondaries, &keys);
    if changed.is_empty() && gone.is_empty() && !reconfigured {
        return Ok(Vec::new());
    }
    let to_serve = app.zones_to_serve(&changed).await?;
    // Off the runtime's threads: signing thousands of zones (at start, or when their
    // signatures come due together) takes seconds that queries must not wait behind.
    let loaded: Vec<ServedZone> = tokio::task::spawn_blocking(move || {
        to_serve
            .iter()
            .filter_map(|zone| {
                let name = &zone.view.zone.name;
                ServedZone::load(zone, now)
                    .inspect_err(
                        |why| tracing::error!(zone = %name, %why, "a zone cannot be served"),
                    )
                    .ok()
            })
            .collect()
    })
    .await
    .map_err(|e| AppError::Internal(format!("loading the zones: {e}")))?;
    let ids = loaded.iter().map(|zone| zone.id).collect();
    let next = Arc::new(
        current
            .with_changes(loaded, &gone)
            .with_secondaries(secondaries)
            .with_keys(&keys),
    );
    *served
        .write()
        .unwrap_or_else(|poisoned| poisoned.into_inner()) = next;
    Ok(ids)
}

/// Refreshes for as long as the server runs, notifying the secondaries of each zone loaded
/// again; a failed refresh (the database away) keeps serving what was loaded and tries again.
/// Each tick reads the zones' fingerprint and the configuration; every serial is compared
/// only when the fingerprint moved, or `FULL_EVERY` after the last comparison.
pub async fn keep_fresh(app: Arc<App>, served: Served, listening: IpAddr) {
    let mut tick = tokio::time::interval(REFRESH_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    let mut seen = None;
    let mut compared = Instant::now();
    loop {
        tick.tick().await;
        let fingerprint = match app.zones_fingerprint().await {
            Ok(fingerprint) => Some(fingerprint),
            Err(error) => {
                tracing::warn!(%error, "the served zones could not be checked");
                continue;
            }
        };
        let due = fingerprint != seen || compared.elapsed() >= FULL_EVERY;
        let refreshed = if due {
            refresh(&app, &served).await
        } else {
            reconfigure(&app, &served).await.map(|()| Vec::new())
        };
        match refreshed {
            Ok(loaded) => {
                if due {
                    seen = fingerprint;
                    compared = Instant::now();
                }
                notify_secondaries(&served, &loaded, listening);
            }
            Err(error) => tracing::warn!(%error, "the served zones could not be refreshed"),
        }
    }
}

/// How often every serial is compared even when the fingerprint did not move.
const FULL_EVERY: Duration = Duration::from_secs(10);

/// Reads the secondaries and TSIG keys again, replacing the catalog when they changed.
async fn reconfigure(app: &App, served: &Served) -> Result<(), AppError> {
    let secondaries = app.dns_secondaries().await?;
    let keys = app.dns_tsig_keys().await?;
    let current = served
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    if current.configured_otherwise(&secondaries, &keys) {
        let next = Arc::new(current.with_secondaries(secondaries).with_keys(&keys));
        *served
            .write()
            .unwrap_or_else(|poisoned| poisoned.into_inner()) = next;
    }
    Ok(())
}

fn notify_secondaries(served: &Served, zones: &[ZoneId], from: IpAddr) {
    let catalog = served
        .read()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
        .clone();
    for zone in zones.iter().filter_map(|id| catalog.zone_by_id(id)) {
        for target in catalog.notify_targets(zone) {
            notify::send(
                Name::from(zone.apex.clone()),
                zone.soa.clone(),
                from,
                target,
            );
        }
    }
}

/// Seconds since the epoch, as signatures count time.
fn unix_now() -> u32 {
    let seconds = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |elapsed| elapsed.as_secs());
    u32::try_from(seconds).unwrap_or(u32::MAX)
}

/// A catalog with nothing in it yet.
pub fn empty() -> Served {
    Arc::new(std::sync::RwLock::new(Arc::new(Catalog::default())))
}
