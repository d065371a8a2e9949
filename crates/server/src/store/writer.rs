//! The single writer thread and its group commit.

use super::db::Connection;
use std::panic::{AssertUnwindSafe, catch_unwind};
use tokio::sync::{mpsc, oneshot};

use super::StoreError;

/// More writes than this wait for the next transaction, so one slow batch cannot grow without
/// bound.
const MAX_BATCH: usize = 128;
const QUEUE_DEPTH: usize = 1024;

/// Runs a write's work; the error, if any, is a copy for the writer (the caller gets the original).
type Run = Box<dyn FnOnce(&Connection) -> Result<(), StoreError> + Send>;
/// Tells the caller the outcome, once the commit's is known.
type Finish = Box<dyn FnOnce(Result<(), StoreError>) + Send>;

/// A write waiting for the writer thread: it runs inside a savepoint, then hears the outcome of
/// the commit.
pub struct WriteJob {
    run: Run,
    finish: Finish,
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
            let status = result.as_ref().map(|_| ()).map_err(Clone::clone);
            *slot.lock().unwrap_or_else(|p| p.into_inner()) = Some(result);
            status
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
    let mut finishers: Vec<Finish> = Vec::with_capacity(batch.len());
    let mut jobs = batch.into_iter();
    while let Some(job) = jobs.next() {
        let outcome =
            connection.execute_batch("SAVEPOINT job").map_err(StoreError::from).and_then(|()| (job.run)(connection));
        if let Connection::Sqlite(sqlite) = connection
            && sqlite.is_autocommit()
        {
            // SQLite rolled the whole transaction back by itself (disk full, I/O error): nothing
            // of this batch was stored, and every write in it hears why.
            let cause = outcome.err().unwrap_or_else(|| StoreError::Database("the transaction was rolled back".into()));
            tracing::warn!("a write batch was rolled back: {cause}");
            for finish in finishers {
                finish(Err(cause.clone()));
            }
            (job.finish)(Err(cause.clone()));
            for rest in jobs {
                (rest.finish)(Err(cause.clone()));
            }
            return;
        }
        let closed = if outcome.is_ok() {
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
