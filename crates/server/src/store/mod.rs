//! The storage seam. Handlers call only the async methods of [`Store`]; everything SQLite-specific
//! stays below this module, so a PostgreSQL store can later offer the same methods.
//!
//! Writes go through one writer thread that owns the only write connection. It takes whatever
//! writes are queued, runs each in its own savepoint inside one `BEGIN IMMEDIATE` transaction and
//! commits them together (group commit): with `synchronous=FULL` every acknowledged write is on
//! disk, and one fsync is shared by all the writes of a batch. A caller hears back only after the
//! commit, so a 2xx answer always means the data survives a crash.
//!
//! Reads use a small pool of read-only connections, which WAL lets run beside the writer.

mod audit;
mod catalog;
mod complaints;
mod escalations;
mod generate;
mod hotline;
mod joins;
mod migrations;
mod open311;
mod personal;
mod photos;
mod residents;
mod scorecards;
mod seed;
mod staff;
mod texts;
mod time;
mod viewer;
mod writer;

pub use audit::AuditRecord;
pub use complaints::{ActionInput, ActionOutcome, FilingOutcome, NewFiling, Policies, Viewer};
pub use hotline::{EXPORT_PAGE_MAX, ExportPage, ExportedEvent, ImportReport, RefusedRow};
pub use joins::JoinOutcome;
pub use open311::{OPEN311_DEFAULT_DAYS, OPEN311_MAX_REQUESTS, PublicRequest, PublicUpdate, RequestSearch};
pub use personal::{PersonalData, PhoneKey, Sealed};
pub use residents::{CODE_LIFETIME, CodeCheck};
pub use scorecards::ScorecardError;
pub use seed::{DEMO_PHONE, DemoData};
pub use staff::{Reveal, STAFF_SESSION_SECONDS, Scope, StaffMember};
pub use texts::{DueText, SENT_TEXTS_KEPT, TextsOutcome};

use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::sync::Semaphore;

use writer::{WriteJob, WriterHandle};

#[derive(Debug, Clone, thiserror::Error)]
pub enum StoreError {
    #[error("the database is busy")]
    Busy,
    #[error("the disk is full")]
    Full,
    #[error("the storage worker has stopped")]
    Closed,
    #[error("database error: {0}")]
    Database(String),
}

impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> Self {
        use rusqlite::ErrorCode;
        match error.sqlite_error_code() {
            Some(ErrorCode::DatabaseBusy | ErrorCode::DatabaseLocked) => Self::Busy,
            Some(ErrorCode::DiskFull) => Self::Full,
            _ => Self::Database(error.to_string()),
        }
    }
}

/// How long a filing's idempotency key is remembered.
pub const IDEMPOTENCY_KEY_LIFETIME: chrono::Duration = chrono::Duration::days(30);

/// How the store is run.
#[derive(Debug, Clone, Copy)]
pub struct StoreOptions {
    /// Read-only connections beside the single writer.
    pub readers: usize,
    /// The lifecycle's and the escalation rules' times and thresholds.
    pub policies: Policies,
    /// How long a connection waits for a lock held by another process (an operator's shell, a
    /// migration) before the request is answered "busy, try again".
    pub busy_timeout: Duration,
    /// A cap on the database file; past it, writes fail as if the disk were full.
    pub max_size_bytes: Option<u64>,
}

#[derive(Clone)]
pub struct Store {
    /// The escalation rules' thresholds, for the scheduled pass.
    escalation: mashang_model::escalation::EscalationPolicy,
    writer: WriterHandle,
    readers: Arc<ReaderPool>,
    /// The lifecycle's time rules (reopening window, reminder interval) and escalation's.
    policies: Policies,
    /// Seals names and numbers, and hashes numbers for lookups.
    personal: PersonalData,
}

struct ReaderPool {
    connections: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
}

impl Store {
    /// Opens (creating if needed) the database at `path`, applies pending migrations and starts
    /// the writer thread. `personal` must hold the keys the database's personal data was sealed
    /// with; a database sealed with other keys is refused.
    pub fn open(path: &Path, options: StoreOptions, personal: PersonalData) -> Result<Self, StoreError> {
        if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
            std::fs::create_dir_all(parent)
                .map_err(|e| StoreError::Database(format!("creating {}: {e}", parent.display())))?;
        }
        let mut write_connection = open_connection(path, false, options.busy_timeout)?;
        migrations::apply(&mut write_connection, &personal)?;
        // What a migration overwrote must not stay readable in the write-ahead log either.
        write_connection.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        if let Some(bytes) = options.max_size_bytes {
            let page_size: i64 = write_connection.pragma_query_value(None, "page_size", |row| row.get(0))?;
            let pages = i64::try_from(bytes).unwrap_or(i64::MAX) / page_size.max(1);
            write_connection.pragma_update(None, "max_page_count", pages.max(1))?;
        }
        let readers = options.readers.max(1);
        let connections =
            (0..readers).map(|_| open_connection(path, true, options.busy_timeout)).collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            escalation: options.policies.escalation,
            writer: writer::start(write_connection),
            readers: Arc::new(ReaderPool {
                connections: Mutex::new(connections),
                permits: Arc::new(Semaphore::new(readers)),
            }),
            policies: options.policies,
            personal,
        })
    }

    /// Closes, as the system, every resolved complaint whose reopening window has passed, through
    /// the lifecycle like any other action. Returns how many were closed.
    pub async fn close_settled(&self, now: chrono::DateTime<chrono::Utc>) -> Result<usize, StoreError> {
        let policies = self.policies;
        self.write(move |connection| complaints::close_settled(connection, now, &policies)).await
    }

    /// Forgets what has expired: idempotency keys after 30 days, sessions, sign-in codes and
    /// hand-off records after their expiry. Returns how many rows went.
    pub async fn purge_expired(&self, now: chrono::DateTime<chrono::Utc>) -> Result<usize, StoreError> {
        self.write(move |connection| {
            let mut purged = connection
                .execute("DELETE FROM idempotency_keys WHERE created_at < ?1", [now - IDEMPOTENCY_KEY_LIFETIME])?;
            for table in ["sessions", "sign_in_codes", "used_handoffs"] {
                purged += connection.execute(&format!("DELETE FROM {table} WHERE expires_at < ?1"), [now])?;
            }
            purged += connection
                .execute("DELETE FROM text_outbox WHERE sent_at < ?1 OR given_up_at < ?1", [now - SENT_TEXTS_KEPT])?;
            Ok(purged)
        })
        .await
    }

    /// Runs `work` inside the next group-commit transaction and answers after the commit.
    async fn write<R, F>(&self, work: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, StoreError> + Send + 'static,
    {
        let (job, reply) = WriteJob::new(work);
        self.writer.submit(job).await?;
        reply.await.map_err(|_| StoreError::Closed)?
    }

    /// Runs `work` on a read-only connection off the async runtime.
    async fn read<R, F>(&self, work: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, StoreError> + Send + 'static,
    {
        let permit = self.readers.permits.clone().acquire_owned().await.map_err(|_| StoreError::Closed)?;
        let pool = self.readers.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let connection = pool.connections.lock().unwrap_or_else(|p| p.into_inner()).pop();
            // The semaphore hands out exactly as many permits as there are connections.
            let connection = connection.ok_or(StoreError::Closed)?;
            let result = work(&connection);
            pool.connections.lock().unwrap_or_else(|p| p.into_inner()).push(connection);
            result
        })
        .await
        .map_err(|e| StoreError::Database(format!("read task failed: {e}")))?
    }
}

fn open_connection(path: &Path, read_only: bool, busy_timeout: Duration) -> Result<Connection, StoreError> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let connection = Connection::open_with_flags(path, flags)?;
    connection.busy_timeout(busy_timeout)?;
    if !read_only {
        // WAL lets readers run beside the writer; FULL makes every commit durable on its own.
        connection.pragma_update(None, "journal_mode", "WAL")?;
        // Whatever SQLite frees (a deleted session, a value overwritten) is zeroed on disk.
        connection.pragma_update(None, "secure_delete", "ON")?;
    }
    connection.pragma_update(None, "synchronous", "FULL")?;
    connection.pragma_update(None, "foreign_keys", "ON")?;
    // 32 MB of pages per connection (SQLite's default is 2 MB): a unit's queue reads a few
    // thousand rows, which should come from memory, not from the disk, request after request.
    connection.pragma_update(None, "cache_size", -32_768)?;
    Ok(connection)
}

/// The stored name of a unit-variant enum is its JSON name, so storage and API never drift.
pub(crate) fn enum_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

pub(crate) fn parse_enum<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}

/// Copies the database at `database` into a new file at `destination` while it is in use
/// (`VACUUM INTO`): a consistent snapshot, compacted, that a city can schedule. Refuses to
/// overwrite an existing file.
pub fn backup(database: &Path, destination: &Path) -> Result<(), StoreError> {
    if destination.exists() {
        return Err(StoreError::Database(format!("{} already exists", destination.display())));
    }
    let connection = open_connection(database, true, Duration::from_secs(30))?;
    let target = destination.to_str().ok_or_else(|| StoreError::Database("the backup path is not UTF-8".into()))?;
    connection.execute("VACUUM INTO ?1", [target])?;
    Ok(())
}
