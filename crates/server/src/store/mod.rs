//! The storage seam. Handlers call only the async methods of [`Store`]; which database is
//! underneath — SQLite, the embedded default, or PostgreSQL for several instances — stays below
//! this module, and the SQL is written once for both (see `db`).
//!
//! On SQLite, writes go through one writer thread that owns the only write connection. It takes whatever
//! writes are queued, runs each in its own savepoint inside one `BEGIN IMMEDIATE` transaction and
//! commits them together (group commit): with `synchronous=FULL` every acknowledged write is on
//! disk, and one fsync is shared by all the writes of a batch. A caller hears back only after the
//! commit, so a 2xx answer always means the data survives a crash.
//!
//! Reads use a small pool of read-only connections, which WAL lets run beside the writer.
//!
//! On PostgreSQL, each write is a transaction of its own on a pooled connection, serialised
//! across instances by an advisory lock (see `postgres`); reads run in read-only snapshots.

mod audit;
mod catalog;
mod complaints;
pub mod db;
mod escalations;
mod generate;
mod hotline;
mod joins;
mod migrations;
mod open311;
mod passes;
mod personal;
mod photos;
mod postgres;
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

use db::Connection;
use rusqlite::OpenFlags;
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

impl From<db::Error> for StoreError {
    fn from(error: db::Error) -> Self {
        use tokio_postgres::error::SqlState;
        match error {
            db::Error::Sqlite(error) => error.into(),
            db::Error::Postgres(error) => match error.code() {
                // Another transaction held what this one needed for longer than the lock timeout,
                // or the two deadlocked: the caller may try again.
                Some(code)
                    if [
                        SqlState::LOCK_NOT_AVAILABLE,
                        SqlState::T_R_SERIALIZATION_FAILURE,
                        SqlState::T_R_DEADLOCK_DETECTED,
                    ]
                    .contains(code) =>
                {
                    Self::Busy
                }
                Some(code) if *code == SqlState::DISK_FULL => Self::Full,
                // The connection broke (the database restarted, the network dropped): worth a retry.
                None if error.is_closed() => Self::Busy,
                _ => Self::Database(db::Error::Postgres(error).to_string()),
            },
            other => Self::Database(other.to_string()),
        }
    }
}

/// How long a starting server waits for another instance that is migrating or seeding the
/// same database before it gives up.
pub(crate) const STARTUP_PATIENCE: Duration = Duration::from_secs(180);

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
    writes: Writes,
    readers: Arc<Pool>,
    /// The lifecycle's time rules (reopening window, reminder interval) and escalation's.
    policies: Policies,
    /// Seals names and numbers, and hashes numbers for lookups.
    personal: PersonalData,
}

#[derive(Clone)]
enum Writes {
    /// SQLite: the one writer thread and its group commit.
    Sqlite(WriterHandle),
    /// PostgreSQL: connections of their own, one transaction per write (see `postgres`).
    Postgres(Arc<Pool>),
}

/// Connections handed out one task at a time.
struct Pool {
    connections: Mutex<Vec<Connection>>,
    permits: Arc<Semaphore>,
    /// Where a PostgreSQL connection that broke is opened again.
    reconnect: Option<(String, Duration)>,
}

impl Pool {
    fn new(connections: Vec<Connection>, reconnect: Option<(String, Duration)>) -> Arc<Self> {
        let permits = Arc::new(Semaphore::new(connections.len()));
        Arc::new(Self { connections: Mutex::new(connections), permits, reconnect })
    }

    /// Runs `work` on one of the pool's connections, off the async runtime; on PostgreSQL inside
    /// a transaction of the given kind.
    async fn run<R, F>(self: &Arc<Self>, kind: Transaction, work: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, StoreError> + Send + 'static,
    {
        let permit = self.permits.clone().acquire_owned().await.map_err(|_| StoreError::Closed)?;
        // The semaphore hands out exactly as many permits as there are connections.
        let mut connection =
            self.connections.lock().unwrap_or_else(|p| p.into_inner()).pop().ok_or(StoreError::Closed)?;
        if let (Connection::Postgres(broken), Some((url, lock_timeout))) = (&connection, &self.reconnect)
            && broken.is_closed()
        {
            match postgres::PgConnection::connect(url, *lock_timeout).await {
                Ok(fresh) => connection = Connection::Postgres(fresh),
                Err(error) => {
                    self.connections.lock().unwrap_or_else(|p| p.into_inner()).push(connection);
                    return Err(error.into());
                }
            }
        }
        let pool = self.clone();
        tokio::task::spawn_blocking(move || {
            let _permit = permit;
            let result = in_transaction(&connection, kind, work);
            pool.connections.lock().unwrap_or_else(|p| p.into_inner()).push(connection);
            result
        })
        .await
        .map_err(|e| StoreError::Database(format!("a storage task failed: {e}")))?
    }
}

/// What a PostgreSQL transaction is for.
#[derive(Debug, Clone, Copy)]
enum Transaction {
    /// Sees one moment, changes nothing.
    Read,
    /// Waits for every other instance's write (see `postgres`).
    Write,
    /// One statement that changes only rows it locks itself (rate buckets): it need not wait for
    /// writes, and runs as its own transaction, so its locks last no longer than it does.
    Statement,
}

fn in_transaction<R, F: FnOnce(&Connection) -> Result<R, StoreError>>(
    connection: &Connection,
    kind: Transaction,
    work: F,
) -> Result<R, StoreError> {
    let Connection::Postgres(postgres) = connection else {
        return work(connection);
    };
    let guarded = |work: F| {
        std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| work(connection)))
            .unwrap_or_else(|_| Err(StoreError::Database("a storage task panicked".into())))
    };
    let begun = match kind {
        Transaction::Read => postgres.begin_read(),
        Transaction::Write => postgres.begin_write(),
        Transaction::Statement => return guarded(work),
    };
    if let Err(error) = begun {
        // The transaction may have begun and then failed (the write lock's wait timed out):
        // end it, or the connection refuses everything after.
        let _ = postgres.batch("ROLLBACK");
        return Err(error.into());
    }
    match guarded(work) {
        Ok(value) => {
            postgres.batch("COMMIT")?;
            Ok(value)
        }
        Err(error) => {
            // A broken connection cannot roll back; PostgreSQL ends the transaction itself.
            let _ = postgres.batch("ROLLBACK");
            Err(error)
        }
    }
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
        let write_connection = Connection::Sqlite(write_connection);
        migrations::check_data_key(&write_connection, &personal)?;
        let readers = (0..options.readers.max(1))
            .map(|_| open_connection(path, true, options.busy_timeout).map(Connection::Sqlite))
            .collect::<Result<Vec<_>, _>>()?;
        Ok(Self {
            escalation: options.policies.escalation,
            writes: Writes::Sqlite(writer::start(write_connection)),
            readers: Pool::new(readers, None),
            policies: options.policies,
            personal,
        })
    }

    /// Opens the PostgreSQL database at `url` (which must exist), applies pending migrations and
    /// connects the pools: `options.readers` for reads and as many for writes, which wait for one
    /// another anyway. Several instances may share the database.
    pub async fn open_postgres(url: &str, options: StoreOptions, personal: PersonalData) -> Result<Self, StoreError> {
        let timeout = options.busy_timeout;
        let first = postgres::PgConnection::connect(url, timeout).await?;
        postgres::migrate(&first).await?;
        let size = options.readers.max(1);
        let mut writers = vec![Connection::Postgres(first)];
        let mut readers = Vec::with_capacity(size);
        for _ in 1..size {
            writers.push(Connection::Postgres(postgres::PgConnection::connect(url, timeout).await?));
        }
        for _ in 0..size {
            readers.push(Connection::Postgres(postgres::PgConnection::connect(url, timeout).await?));
        }
        let reconnect = Some((url.to_owned(), timeout));
        let store = Self {
            escalation: options.policies.escalation,
            writes: Writes::Postgres(Pool::new(writers, reconnect.clone())),
            readers: Pool::new(readers, reconnect),
            policies: options.policies,
            personal: personal.clone(),
        };
        store.write_patiently(move |connection| migrations::check_data_key(connection, &personal)).await?;
        Ok(store)
    }

    /// Closes, as the system, every resolved complaint whose reopening window has passed, through
    /// the lifecycle like any other action. Returns how many were closed.
    pub async fn close_settled(&self, now: chrono::DateTime<chrono::Utc>) -> Result<usize, StoreError> {
        let policies = self.policies;
        let settled = self.read(move |connection| complaints::settled(connection, now, &policies)).await?;
        let closed = self
            .write_in_slices(settled, move |connection, slice| {
                slice.try_fold(0, |closed, id| Ok(closed + complaints::close_settled(connection, id, now, &policies)?))
            })
            .await?;
        Ok(closed.into_iter().sum())
    }

    /// Whether several instances may share this store's database (PostgreSQL): what one
    /// instance would otherwise keep in memory must then be kept in the database.
    pub fn is_shared(&self) -> bool {
        matches!(self.writes, Writes::Postgres(_))
    }

    /// Takes one token from every rate bucket named by `keys` (created full when new; stored under
    /// a keyed hash of the name, which holds an address or a phone number), or from none if any
    /// is short of one, and gives the lowest level they had: at least 1 when the tokens were
    /// taken. Only where the database is shared; on SQLite the buckets are kept in memory.
    pub async fn take_rate_tokens(
        &self,
        keys: Vec<String>,
        capacity: f64,
        refill_per_second: f64,
    ) -> Result<f64, StoreError> {
        let Writes::Postgres(pool) = &self.writes else {
            return Err(StoreError::Database("rate buckets are kept in memory beside a SQLite database".into()));
        };
        let mut names: Vec<String> = keys.iter().map(|key| self.personal.bucket_key(key)).collect();
        names.sort_unstable();
        names.dedup();
        let names = names.join(" ");
        pool.run(Transaction::Statement, move |connection| {
            let now = std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0.0, |since| since.as_secs_f64());
            Ok(connection.query_row(
                "SELECT take_rate_tokens(?1, ?2, ?3, ?4)",
                rusqlite::params![names, capacity, refill_per_second, now],
                |row| row.get(0),
            )?)
        })
        .await
    }

    /// Forgets what has expired: idempotency keys after 30 days, sessions, sign-in codes and
    /// hand-off records after their expiry, rate buckets long full. Returns how many rows went.
    pub async fn purge_expired(&self, now: chrono::DateTime<chrono::Utc>) -> Result<usize, StoreError> {
        let shared = self.is_shared();
        self.write(move |connection| {
            let mut purged = connection
                .execute("DELETE FROM idempotency_keys WHERE created_at < ?1", [now - IDEMPOTENCY_KEY_LIFETIME])?;
            for table in ["sessions", "sign_in_codes", "used_handoffs"] {
                purged += connection.execute(&format!("DELETE FROM {table} WHERE expires_at < ?1"), [now])?;
            }
            purged += connection
                .execute("DELETE FROM text_outbox WHERE sent_at < ?1 OR given_up_at < ?1", [now - SENT_TEXTS_KEPT])?;
            if shared {
                // Ten minutes untouched: full again, as good as absent.
                let stale = now.timestamp() as f64 - 600.0;
                purged += connection.execute("DELETE FROM rate_buckets WHERE at < ?1", [stale])?;
            }
            Ok(purged)
        })
        .await
    }

    /// A write made while the server starts: another instance starting on the same shared
    /// database may hold the lock for a while (seeding takes seconds), so wait past the usual
    /// lock timeout rather than fail the start.
    async fn write_patiently<R, F>(&self, work: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: Fn(&Connection) -> Result<R, StoreError> + Send + Sync + 'static,
    {
        let work = std::sync::Arc::new(work);
        let patience = std::time::Instant::now() + STARTUP_PATIENCE;
        loop {
            let attempt = work.clone();
            match self.write(move |connection| attempt(connection)).await {
                Err(StoreError::Busy) if std::time::Instant::now() < patience => continue,
                outcome => return outcome,
            }
        }
    }

    /// Runs `work` inside a write transaction and answers after the commit: on SQLite the next
    /// group commit, on PostgreSQL a transaction of its own.
    async fn write<R, F>(&self, work: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, StoreError> + Send + 'static,
    {
        match &self.writes {
            Writes::Sqlite(writer) => {
                let (job, reply) = WriteJob::new(work);
                writer.submit(job).await?;
                reply.await.map_err(|_| StoreError::Closed)?
            }
            Writes::Postgres(pool) => pool.run(Transaction::Write, work).await,
        }
    }

    /// Works through `items` in as many write transactions as it takes, each ending once it has
    /// held the writer for [`WRITE_SLICE`]: `work` takes its share from the [`Slice`] and answers
    /// what it made of it. For the long jobs (a catch-up pass, an import) that must not keep a
    /// resident's filing waiting: on PostgreSQL a write that waits past the busy timeout answers
    /// 503, and on SQLite it waits in the writer's queue.
    async fn write_in_slices<T, R, F>(&self, items: Vec<T>, work: F) -> Result<Vec<R>, StoreError>
    where
        T: Send + 'static,
        R: Send + 'static,
        F: Fn(&Connection, &mut Slice<T>) -> Result<R, StoreError> + Clone + Send + 'static,
    {
        let (mut rest, mut made) = (std::collections::VecDeque::from(items), Vec::new());
        while !rest.is_empty() {
            let work = work.clone();
            let (share, left) = self
                .write(move |connection| {
                    let mut slice = Slice::new(rest);
                    let share = work(connection, &mut slice)?;
                    Ok((share, slice.rest))
                })
                .await?;
            made.push(share);
            rest = left;
        }
        Ok(made)
    }

    /// Runs `work` on a read-only connection off the async runtime.
    async fn read<R, F>(&self, work: F) -> Result<R, StoreError>
    where
        R: Send + 'static,
        F: FnOnce(&Connection) -> Result<R, StoreError> + Send + 'static,
    {
        self.readers.run(Transaction::Read, work).await
    }
}

/// How long one transaction of a long job holds the writer: about what a resident's filing may
/// wait behind it, far below the busy timeout, and long enough that committing is a small part of
/// the job (a transaction's own cost is a few round trips).
const WRITE_SLICE: Duration = Duration::from_millis(100);

/// A write transaction's share of a long job's items (see [`Store::write_in_slices`]): they come
/// until the transaction has run for [`WRITE_SLICE`], and always at least one, so the job moves.
pub(crate) struct Slice<T> {
    rest: std::collections::VecDeque<T>,
    started: std::time::Instant,
    taken: usize,
}

impl<T> Slice<T> {
    fn new(rest: std::collections::VecDeque<T>) -> Self {
        Self { rest, started: std::time::Instant::now(), taken: 0 }
    }
}

impl<T> Iterator for Slice<T> {
    type Item = T;

    fn next(&mut self) -> Option<T> {
        if self.taken > 0 && self.started.elapsed() >= WRITE_SLICE {
            return None;
        }
        let item = self.rest.pop_front()?;
        self.taken += 1;
        Some(item)
    }
}

fn open_connection(path: &Path, read_only: bool, busy_timeout: Duration) -> Result<rusqlite::Connection, StoreError> {
    let flags = if read_only {
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX
    } else {
        OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_CREATE | OpenFlags::SQLITE_OPEN_NO_MUTEX
    };
    let connection = rusqlite::Connection::open_with_flags(path, flags)?;
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

#[cfg(test)]
mod tests {
    use super::{Slice, WRITE_SLICE};

    #[test]
    fn a_slice_takes_items_until_its_time_is_spent_and_always_one() {
        let mut quick = Slice::new((0..1000).collect());
        assert_eq!(quick.by_ref().count(), 1000, "a quick job is one transaction");

        let mut slow = Slice::new((0..10).collect());
        assert_eq!(slow.next(), Some(0));
        std::thread::sleep(WRITE_SLICE);
        assert_eq!(slow.next(), None, "the time is spent");
        assert_eq!(Vec::from(slow.rest), (1..10).collect::<Vec<_>>(), "the rest waits for the next transaction");

        // Even an item that alone takes longer than the slice moves the job on.
        let mut late = Slice::new((0..3).collect());
        late.started -= WRITE_SLICE * 2;
        assert_eq!(late.next(), Some(0));
        assert_eq!(late.next(), None);
    }
}
