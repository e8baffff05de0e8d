//! What `/metrics` reads at each scrape, beside the counters the code keeps: the database
//! pool's connections and the mail outbox's depth.

use tenantry_store::{PoolStats, mail_outbox};

use crate::app::App;
use crate::error::Result;

#[derive(Debug, Clone, Copy)]
pub struct Gauges {
    pub pool: PoolStats,
    /// Messages waiting to be sent.
    pub outbox_depth: i64,
}

impl App {
    pub async fn gauges(&self) -> Result<Gauges> {
        Ok(Gauges {
            pool: self.db.pool_stats(),
            outbox_depth: mail_outbox::depth(&self.db).await?,
        })
    }
}
