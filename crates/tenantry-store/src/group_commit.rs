//! Group commit for SQLite writes.
//!
//! With `synchronous=FULL` every COMMIT waits for an fsync, which caps one writer at a few
//! hundred to a few thousand commits per second. The writer here lets concurrent use cases
//! share one outer transaction: each runs inside its own SAVEPOINT (so a failed use case
//! rolls back alone), joins the open batch when it succeeds, and is answered only once a
//! COMMIT covering its batch has returned — durable, as before, but one fsync serves every
//! use case that queued up meanwhile.
//!
//! Who commits: every member, after joining, queues for the connection again; the first to
//! get it starts the COMMIT, and the others see their batch done and leave the queue. So no
//! background task is needed, and a member whose request is cancelled leaves nobody waiting.
//! A batch fails as a whole only when its COMMIT fails (disk full, I/O error); every member is
//! then told so, and none of them was answered before.
//!
//! Cancellation: a request may be dropped at any await, and a statement already handed to the
//! connection still runs. So every savepoint has its own name, recorded before it is created;
//! whoever takes the connection next rolls back a recorded savepoint, and one that turns out
//! not to exist (never created, or already released by a use case that had finished) needs
//! nothing. A COMMIT runs in a task of its own, so no request can abandon it half-way.

use std::sync::Arc;

use sqlx::SqliteConnection;
use tokio::sync::{Mutex, OwnedMutexGuard, watch};

use crate::error::{Result, StoreError};

/// The outcome of a batch's COMMIT, shared by its members (`None` until it is known).
type Outcome = Option<std::result::Result<(), Arc<str>>>;

/// The one connection that writes, and the batch it has open.
pub(crate) struct WriterState {
    conn: SqliteConnection,
    batch: Option<Batch>,
    /// The savepoint of the use case holding the connection, or of one dropped before it
    /// finished, which whoever takes the connection next rolls back.
    savepoint: Option<u64>,
    next_id: u64,
}

struct Batch {
    id: u64,
    members: usize,
    done: watch::Sender<Outcome>,
}

#[derive(Clone)]
pub(crate) struct Writer {
    state: Arc<Mutex<WriterState>>,
}

async fn run(conn: &mut SqliteConnection, sql: &str) -> Result<()> {
    sqlx::query(sql).execute(conn).await?;
    Ok(())
}

/// Whether SQLite refused a statement with this message.
fn refused_with(result: &Result<()>, message: &str) -> bool {
    matches!(result, Err(StoreError::Database(sqlx::Error::Database(db))) if db.message().contains(message))
}

/// `result`, except that a missing savepoint is no error (see the module comment).
fn unless_missing(result: Result<()>) -> Result<()> {
    if refused_with(&result, "no such savepoint") {
        return Ok(());
    }
    result
}

impl WriterState {
    /// Rolls back the savepoint of a use case that was dropped before it finished.
    async fn settle(&mut self) -> Result<()> {
        if let Some(id) = self.savepoint {
            let undone = async {
                unless_missing(run(&mut self.conn, &format!("ROLLBACK TO sp{id}")).await)?;
                unless_missing(run(&mut self.conn, &format!("RELEASE sp{id}")).await)
            }
            .await;
            self.savepoint = None;
            if let Err(err) = undone {
                // The outer transaction is in an unknown state: give up the whole batch.
                self.finish_batch(Err(err.to_string().into()), "ROLLBACK")
                    .await;
                return Err(err);
            }
        }
        Ok(())
    }

    /// Ends the open batch with `sql` (COMMIT or ROLLBACK) and tells its members `outcome`,
    /// or the COMMIT's own error.
    async fn finish_batch(&mut self, outcome: std::result::Result<(), Arc<str>>, sql: &str) {
        let Some(batch) = self.batch.take() else {
            return;
        };
        let ended = run(&mut self.conn, sql).await;
        // How many use cases one fsync served (`/metrics`).
        metrics::histogram!("tenantry_group_commit_batch_size").record(batch.members as f64);
        let outcome = match (outcome, ended) {
            (Ok(()), Err(err)) => {
                tracing::error!(error = %err, members = batch.members, "group commit failed");
                // Leave no transaction behind a failed COMMIT.
                let _ = run(&mut self.conn, "ROLLBACK").await;
                Err(err.to_string().into())
            }
            (outcome, _) => outcome,
        };
        batch.done.send_replace(Some(outcome));
    }

    /// Commits the open batch (after rolling back any abandoned savepoint).
    async fn flush(&mut self) {
        if self.settle().await.is_ok() {
            self.finish_batch(Ok(()), "COMMIT").await;
        }
    }
}

impl Writer {
    pub(crate) fn new(conn: SqliteConnection) -> Self {
        Writer {
            state: Arc::new(Mutex::new(WriterState {
                conn,
                batch: None,
                savepoint: None,
                next_id: 0,
            })),
        }
    }

    /// The connection outside any batch, for migrations.
    pub(crate) async fn exclusive(&self) -> OwnedMutexGuard<WriterState> {
        let mut state = self.state.clone().lock_owned().await;
        state.flush().await;
        state
    }

    /// Starts a use case: joins (or opens) the batch and opens the use case's savepoint.
    pub(crate) async fn begin(&self) -> Result<WriteLease> {
        let mut state = self.state.clone().lock_owned().await;
        state.settle().await?;
        if state.batch.is_none() {
            let begun = run(&mut state.conn, "BEGIN IMMEDIATE").await;
            // A BEGIN whose request was dropped may have run: its transaction is this batch's.
            if !refused_with(&begun, "within a transaction") {
                begun?;
            }
            state.next_id += 1;
            state.batch = Some(Batch {
                id: state.next_id,
                members: 0,
                done: watch::Sender::new(None),
            });
        }
        state.next_id += 1;
        let id = state.next_id;
        state.savepoint = Some(id);
        run(&mut state.conn, &format!("SAVEPOINT sp{id}")).await?;
        Ok(WriteLease {
            state: Some(state),
            writer: self.clone(),
        })
    }

    /// Commits whatever batch is open (at shutdown).
    pub(crate) async fn close(&self) {
        self.state.lock().await.flush().await;
    }
}

impl WriterState {
    pub(crate) fn conn(&mut self) -> &mut SqliteConnection {
        &mut self.conn
    }
}

/// One use case's hold on the writer: its savepoint is open until `commit` or drop.
pub(crate) struct WriteLease {
    state: Option<OwnedMutexGuard<WriterState>>,
    writer: Writer,
}

impl WriteLease {
    pub(crate) fn conn(&mut self) -> &mut SqliteConnection {
        &mut self
            .state
            .as_mut()
            .expect("a lease holds the writer until it ends")
            .conn
    }

    /// Makes the use case part of its batch, then returns once the batch is durable.
    pub(crate) async fn commit(mut self) -> Result<()> {
        let state = self.state.as_mut().expect("a lease commits once");
        let id = state.savepoint.expect("a lease holds its savepoint");
        run(&mut state.conn, &format!("RELEASE sp{id}")).await?;
        state.savepoint = None;
        let batch = state.batch.as_mut().expect("a savepoint lives in a batch");
        batch.members += 1;
        let batch_id = batch.id;
        let mut done = batch.done.subscribe();
        drop(self.state.take());

        loop {
            tokio::select! {
                biased;
                outcome = batch_outcome(&mut done) => {
                    return match outcome {
                        Some(Ok(())) => Ok(()),
                        Some(Err(message)) => Err(StoreError::GroupCommit(message)),
                        None => Err(StoreError::GroupCommit("the batch was abandoned".into())),
                    };
                }
                mut state = self.writer.state.clone().lock_owned() => {
                    if state.batch.as_ref().is_some_and(|b| b.id == batch_id) {
                        // Not cancellable with this request: the batch's other members
                        // wait on it.
                        tokio::spawn(async move { state.flush().await });
                    }
                }
            }
        }
    }
}

/// Waits for a batch's outcome; `None` if the batch was dropped without one.
async fn batch_outcome(done: &mut watch::Receiver<Outcome>) -> Outcome {
    done.wait_for(Option::is_some)
        .await
        .ok()
        .and_then(|outcome| outcome.clone())
}

impl Drop for WriteLease {
    fn drop(&mut self) {
        // Dropped before commit: the use case's savepoint has to be rolled back, and a batch
        // holding nobody else should not keep the database locked until the next writer.
        // That is async work; hand it to the runtime, or leave it to the next writer.
        let Some(mut state) = self.state.take() else {
            return;
        };
        let alone = state.batch.as_ref().is_some_and(|b| b.members == 0);
        if let Ok(runtime) = tokio::runtime::Handle::try_current() {
            runtime.spawn(async move {
                if state.settle().await.is_ok() && alone {
                    state.finish_batch(Ok(()), "ROLLBACK").await;
                }
            });
        }
        // Without a runtime the guard is released with the savepoint still recorded, and the
        // next writer rolls it back before anything else.
    }
}
