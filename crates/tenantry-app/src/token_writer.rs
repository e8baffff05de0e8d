//! Stores issued access tokens in batches: concurrent grants wait together for one
//! transaction holding one multi-row insert, and each grant answers only once its token is
//! durable. A grant is the hottest write there is (clients fetch a token per job), and a
//! transaction per token would cap grants at the database's commit rate.

use std::sync::OnceLock;

use tenantry_store::tokens::{self, NewToken};
use tenantry_store::{Db, StoreError};
use tokio::sync::{mpsc, oneshot};

use crate::error::{AppError, Result};

/// Upper bound on tokens per transaction (and on the statement's bound parameters).
const MAX_BATCH: usize = 500;
/// Grants waiting beyond this many make new grants wait for room.
const QUEUE: usize = 4096;

type Outcome = std::result::Result<(), String>;

struct Pending {
    token: NewToken,
    stored: oneshot::Sender<Outcome>,
}

/// The queue to the task that writes tokens; the task starts with the first grant and ends
/// when the application is dropped.
#[derive(Default)]
pub(crate) struct TokenWriter {
    queue: OnceLock<mpsc::Sender<Pending>>,
}

impl TokenWriter {
    /// Stores `token`; returns once it is committed.
    pub(crate) async fn store(&self, db: &Db, token: NewToken) -> Result<()> {
        let queue = self.queue.get_or_init(|| {
            let (sender, receiver) = mpsc::channel(QUEUE);
            tokio::spawn(write_batches(db.clone(), receiver));
            sender
        });
        let (stored, outcome) = oneshot::channel();
        let lost = || AppError::Internal("the token writer stopped".into());
        queue
            .send(Pending { token, stored })
            .await
            .map_err(|_| lost())?;
        outcome
            .await
            .map_err(|_| lost())?
            .map_err(AppError::Internal)
    }
}

async fn write_batches(db: Db, mut receiver: mpsc::Receiver<Pending>) {
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while receiver.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let tokens: Vec<NewToken> = batch.iter().map(|p| p.token.clone()).collect();
        let outcome = insert(&db, &tokens).await.map_err(|err| {
            tracing::error!(%err, tokens = tokens.len(), "could not store access tokens");
            err.to_string()
        });
        for pending in batch.drain(..) {
            // A grant whose request was cancelled no longer listens; nothing to tell it.
            let _ = pending.stored.send(outcome.clone());
        }
    }
}

async fn insert(db: &Db, tokens: &[NewToken]) -> std::result::Result<(), StoreError> {
    let mut tx = db.begin().await?;
    tokens::insert_all(&mut tx, tokens).await?;
    tx.commit().await
}
