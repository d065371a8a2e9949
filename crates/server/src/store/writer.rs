//! The single writer thread and its group commit.

use rusqlite::Connection;
use std::panic::{AssertUnwindSafe, catch_unwind};
use tokio::sync::{mpsc, oneshot};

use super::StoreError;

/// More writes than this wait for the next transaction, so one slow batch cannot grow without
/// bound.
const MAX_BATCH: usize = 128;
const QUEUE_DEPTH: usize = 1024;

/// A write waiting for the writer thread: it runs inside a savepoint, then hears the outcome of
/// the commit.
pub struct WriteJob {
    run: Box<dyn FnOnce(&Connection) -> bool + Send>,
    finish: Box<dyn FnOnce(Result<(), StoreError>) + Send>,
}

impl WriteJob {
    pub fn new<R, F>(work: F) -> (Self, oneshot::Receiver<Result<R, StoreError>>)
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, StoreError> + Send + 'static,
    {
        let (reply, receiver) = oneshot::channel();
        let outcome = std::sync::Arc::new(std::sync::Mutex::new(None));
        let slot = outcome.clone();
        let run = Box::new(move |connection: &Connection| {
            let result = catch_unwind(AssertUnwindSafe(|| work(connection)))
                .unwrap_or_else(|_| Err(StoreError::Database("a write panicked".into())));
            let succeeded = result.is_ok();
            *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(result);
            succeeded
        });
        let finish = Box::new(move |commit: Result<(), StoreError>| {
            let result = outcome.lock().unwrap_or_else(|p| p.into_inner()).take();
            let answer = match (commit, result) {
                (Err(error), _) => Err(error),
                (Ok(()), Some(result)) => result,
                (Ok(()), None) => Err(StoreError::Database("the write never ran".into())),
            };
            // The caller may have gone away (client disconnected); the write stands regardless.
            let _ = reply.send(answer);
        });
        (Self { run, finish }, receiver)
    }
}

#[derive(Clone)]
pub struct WriterHandle {
    queue: mpsc::Sender<WriteJob>,
}

impl WriterHandle {
    pub async fn submit(&self, job: WriteJob) -> Result<(), StoreError> {
        self.queue.send(job).await.map_err(|_| StoreError::Closed)
    }
}

pub fn start(connection: Connection) -> WriterHandle {
    let (queue, jobs) = mpsc::channel(QUEUE_DEPTH);
    std::thread::Builder::new()
        .name("sqlite-writer".into())
        .spawn(move || run(connection, jobs))
        .map(|_| ())
        .unwrap_or_else(|e| tracing::error!("could not start the writer thread: {e}"));
    WriterHandle { queue }
}

fn run(connection: Connection, mut jobs: mpsc::Receiver<WriteJob>) {
    while let Some(first) = jobs.blocking_recv() {
        let mut batch = vec![first];
        while batch.len() < MAX_BATCH {
            match jobs.try_recv() {
                Ok(job) => batch.push(job),
                Err(_) => break,
            }
        }
        commit_batch(&connection, batch);
    }
}

fn commit_batch(connection: &Connection, batch: Vec<WriteJob>) {
    if let Err(error) = connection.execute_batch("BEGIN IMMEDIATE") {
        let error = StoreError::from(error);
        for job in batch {
            (job.finish)(Err(error.clone()));
        }
        return;
    }
    let mut finishers = Vec::with_capacity(batch.len());
    for job in batch {
        let savepoint = connection.execute_batch("SAVEPOINT job");
        let succeeded = savepoint.is_ok() && (job.run)(connection);
        let closed = if succeeded {
            connection.execute_batch("RELEASE job")
        } else {
            connection.execute_batch("ROLLBACK TO job; RELEASE job")
        };
        if let Err(error) = closed {
            tracing::error!("savepoint could not be closed: {error}");
        }
        finishers.push(job.finish);
    }
    let commit = connection.execute_batch("COMMIT").map_err(StoreError::from);
    if let Err(error) = &commit {
        tracing::error!("commit failed, the batch is rolled back: {error}");
        let _ = connection.execute_batch("ROLLBACK");
    }
    for finish in finishers {
        finish(commit.clone());
    }
}
