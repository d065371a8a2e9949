//! PostgreSQL underneath the store, for a city that runs several instances on a database it
//! already operates. The store's SQL is written once, in the subset both dialects share; this
//! module turns SQLite's `?1` placeholders into `$1`, sends rusqlite's values as whatever type
//! PostgreSQL inferred for each parameter, and reads columns back as rusqlite's values, so every
//! `FromSql` the store relies on (times, phone keys) reads the same on both back ends.
//!
//! Connections are synchronous to the store (it runs off the async runtime, in blocking tasks, as
//! it does on SQLite); each call waits on the runtime that drives the connection.
//!
//! Where SQLite has one writer, several instances here write at once. Every write transaction
//! first takes one transaction-scoped advisory lock, so writes are serialised across instances
//! just as the single writer serialises them in one process — the lifecycle's read-check-write
//! steps stay correct without each learning row locks — and reads never wait for it.

use bytes::BytesMut;
use postgres_types::{IsNull, ToSql as PgToSql, Type};
use rusqlite::types::{ToSql, ToSqlOutput, Value, ValueRef};
use std::cell::RefCell;
use std::collections::HashMap;

use super::db::{Error, Result};

/// The advisory lock every write transaction holds until it ends. Locks are per database, so the
/// second key is the schema's: deployments in two schemas of one database do not wait for each
/// other (nor do the tests, which each get a schema).
const WRITE_LOCK: &str = "pg_advisory_xact_lock(1835100263, hashtext(current_schema()))";
/// The advisory lock held while migrations run, so two instances starting together do not both
/// apply them.
const MIGRATION_LOCK: &str = "pg_advisory_xact_lock(1835100264, hashtext(current_schema()))";

/// The PostgreSQL schema, by the SQLite migration number it brings a new database up to. Later
/// migrations add a file here beside their SQLite one.
const MIGRATIONS: &[(i64, &str)] = &[
    (10, include_str!("../../migrations/postgres/0010_schema.sql")),
    (11, include_str!("../../migrations/postgres/0011_pass_leases.sql")),
    (12, include_str!("../../migrations/postgres/0012_rate_tokens.sql")),
];

pub struct PgConnection {
    client: tokio_postgres::Client,
    runtime: tokio::runtime::Handle,
    /// Prepared statements by their SQL and number of parameters.
    statements: RefCell<HashMap<(String, usize), tokio_postgres::Statement>>,
}

impl PgConnection {
    /// Connects and starts the task that drives the connection on `runtime`.
    pub async fn connect(url: &str, lock_timeout: std::time::Duration) -> Result<Self> {
        let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await?;
        tokio::spawn(async move {
            if let Err(error) = connection.await {
                tracing::warn!("a PostgreSQL connection ended: {error}");
            }
        });
        // A write that waits longer than this for another's lock is answered "busy, try again",
        // as on SQLite; times are compared as text, so the text must compare byte by byte.
        client
            .batch_execute(&format!(
                "SET lock_timeout = {}; SET TIME ZONE 'UTC'; SET client_min_messages = warning",
                lock_timeout.as_millis().max(1)
            ))
            .await?;
        Ok(Self { client, runtime: tokio::runtime::Handle::current(), statements: RefCell::new(HashMap::new()) })
    }

    pub fn is_closed(&self) -> bool {
        self.client.is_closed()
    }

    fn wait<F: std::future::Future>(&self, work: F) -> F::Output {
        self.runtime.block_on(work)
    }

    /// The statement for `sql` with `count` parameters, prepared once per connection. It is
    /// prepared when it first runs, because only then is the number of parameters known: a
    /// parameter the text never names (one scope's query takes the same five values as
    /// another's, and uses three) must still be given a type, and PostgreSQL cannot infer one.
    fn statement(&self, sql: &str, count: usize) -> Result<tokio_postgres::Statement> {
        if let Some(statement) = self.statements.borrow().get(&(sql.to_owned(), count)) {
            return Ok(statement.clone());
        }
        let (text, named) = to_postgres(sql);
        let types: Vec<Type> =
            (1..=count).map(|number| if named.contains(&number) { Type::UNKNOWN } else { Type::TEXT }).collect();
        let statement = self.wait(self.client.prepare_typed(&text, &types)).map_err(|error| {
            // A statement PostgreSQL refuses (class 42: syntax, unknown names, types) is a mistake
            // in our SQL: say which. Anything else (a lock the planner waited for) is the
            // database's state, to be answered as such.
            if !error.code().is_some_and(|code| code.code().starts_with("42")) {
                return Error::Postgres(error);
            }
            let error = Error::Postgres(error);
            Error::Value(format!("{error}, preparing: {}", sql.split_whitespace().collect::<Vec<_>>().join(" ")))
        })?;
        self.statements.borrow_mut().insert((sql.to_owned(), count), statement.clone());
        Ok(statement)
    }

    pub fn execute(&self, sql: &str, values: &[&dyn ToSql]) -> Result<usize> {
        let params = to_params(values)?;
        let statement = self.statement(sql, params.len())?;
        let count = self.wait(self.client.execute_raw(&statement, params.iter()))?;
        Ok(usize::try_from(count).unwrap_or(usize::MAX))
    }

    pub fn query(&self, sql: &str, values: &[&dyn ToSql]) -> Result<Vec<tokio_postgres::Row>> {
        let params = to_params(values)?;
        let statement = self.statement(sql, params.len())?;
        let params: Vec<&(dyn PgToSql + Sync)> = params.iter().map(|param| param as _).collect();
        Ok(self.wait(self.client.query(&statement, &params))?)
    }

    pub fn batch(&self, sql: &str) -> Result<()> {
        Ok(self.wait(self.client.batch_execute(sql))?)
    }

    /// Starts a write transaction, which waits for every other instance's write to end.
    pub fn begin_write(&self) -> Result<()> {
        self.batch(&format!("BEGIN; SELECT {WRITE_LOCK}"))
    }

    /// Starts a read that sees one moment, however many queries it makes.
    pub fn begin_read(&self) -> Result<()> {
        self.batch("BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY")
    }
}

/// Brings the database up to the newest schema, one instance at a time.
pub async fn migrate(connection: &PgConnection) -> Result<()> {
    let client = &connection.client;
    // Another instance may be migrating this moment: wait for it past the request lock timeout.
    let patience = super::STARTUP_PATIENCE.as_millis();
    client.batch_execute(&format!("BEGIN; SET LOCAL lock_timeout = {patience}; SELECT {MIGRATION_LOCK}")).await?;
    let outcome = async {
        client.batch_execute("CREATE TABLE IF NOT EXISTS schema_version (version BIGINT NOT NULL)").await?;
        let current: i64 = client.query_one("SELECT COALESCE(MAX(version), 0) FROM schema_version", &[]).await?.get(0);
        for &(number, sql) in MIGRATIONS.iter().filter(|(number, _)| *number > current) {
            client.batch_execute(sql).await?;
            client.execute("INSERT INTO schema_version (version) VALUES ($1)", &[&number]).await?;
            tracing::info!("applied PostgreSQL migration {number:04}");
        }
        Ok::<_, tokio_postgres::Error>(())
    }
    .await;
    match outcome {
        Ok(()) => Ok(client.batch_execute("COMMIT").await?),
        Err(error) => {
            let _ = client.batch_execute("ROLLBACK").await;
            Err(error.into())
        }
    }
}

/// The store's SQL as PostgreSQL takes it: placeholders numbered its way, and SQLite's planner
/// hints (`CROSS JOIN … ON` fixes the join order, `INDEXED BY` the index) dropped, since
/// PostgreSQL plans by statistics.
/// Also gives the numbers of the parameters the text names.
fn to_postgres(sql: &str) -> (String, Vec<usize>) {
    let (numbered, named) = placeholders(sql);
    let mut words = numbered.split(' ').map(str::to_owned).collect::<Vec<_>>();
    let mut at = 0;
    while at < words.len() {
        match (words[at].as_str(), words.get(at + 1).map(String::as_str)) {
            ("CROSS", Some("JOIN")) => {
                words.remove(at);
            }
            ("INDEXED", Some("BY")) if at + 2 < words.len() => {
                words.drain(at..at + 3);
            }
            _ => at += 1,
        }
    }
    (words.join(" "), named)
}

/// `?1` → `$1` and a bare `?` → the next number, outside quoted text; and which numbers appear.
fn placeholders(sql: &str) -> (String, Vec<usize>) {
    let mut out = String::with_capacity(sql.len() + 8);
    let mut named = Vec::new();
    let mut next = 0;
    let mut quoted = false;
    let mut chars = sql.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\'' => {
                quoted = !quoted;
                out.push(c);
            }
            '?' if !quoted => {
                let mut digits = String::new();
                while let Some(digit) = chars.next_if(char::is_ascii_digit) {
                    digits.push(digit);
                }
                let number = match digits.parse() {
                    Ok(number) => number,
                    Err(_) => {
                        next += 1;
                        next
                    }
                };
                named.push(number);
                out.push('$');
                out.push_str(&number.to_string());
            }
            _ => out.push(c),
        }
    }
    (out, named)
}

/// A parameter on its way to PostgreSQL: rusqlite's value, sent as the type the server expects.
#[derive(Debug)]
struct Param(Value);

fn to_params(values: &[&dyn ToSql]) -> Result<Vec<Param>> {
    values
        .iter()
        .map(|value| match value.to_sql()? {
            ToSqlOutput::Borrowed(borrowed) => Ok(Param(match borrowed {
                ValueRef::Null => Value::Null,
                ValueRef::Integer(number) => Value::Integer(number),
                ValueRef::Real(number) => Value::Real(number),
                ValueRef::Text(text) => Value::Text(String::from_utf8_lossy(text).into_owned()),
                ValueRef::Blob(bytes) => Value::Blob(bytes.to_vec()),
            })),
            ToSqlOutput::Owned(owned) => Ok(Param(owned)),
            _ => Err(Error::Value("a parameter of a kind PostgreSQL is not sent".into())),
        })
        .collect()
}

type SendResult = std::result::Result<IsNull, Box<dyn std::error::Error + Sync + Send>>;

impl PgToSql for Param {
    fn to_sql(&self, ty: &Type, out: &mut BytesMut) -> SendResult {
        let textual = [Type::TEXT, Type::VARCHAR, Type::BPCHAR, Type::NAME, Type::UNKNOWN].contains(ty);
        match &self.0 {
            Value::Null => Ok(IsNull::Yes),
            Value::Integer(number) => match *ty {
                Type::INT8 => PgToSql::to_sql(&number, ty, out),
                Type::INT4 => PgToSql::to_sql(&i32::try_from(*number)?, ty, out),
                Type::INT2 => PgToSql::to_sql(&i16::try_from(*number)?, ty, out),
                Type::BOOL => PgToSql::to_sql(&(*number != 0), ty, out),
                Type::FLOAT8 => PgToSql::to_sql(&(*number as f64), ty, out),
                _ if textual => PgToSql::to_sql(&number.to_string().as_str(), ty, out),
                _ => Err(format!("an integer cannot be sent as {ty}").into()),
            },
            Value::Real(number) => match *ty {
                Type::FLOAT8 => PgToSql::to_sql(&number, ty, out),
                Type::FLOAT4 => PgToSql::to_sql(&(*number as f32), ty, out),
                _ if textual => PgToSql::to_sql(&number.to_string().as_str(), ty, out),
                _ => Err(format!("a number cannot be sent as {ty}").into()),
            },
            Value::Text(text) => match *ty {
                Type::BYTEA => PgToSql::to_sql(&text.as_bytes(), ty, out),
                _ if textual => PgToSql::to_sql(&text.as_str(), ty, out),
                _ => Err(format!("text cannot be sent as {ty}").into()),
            },
            Value::Blob(bytes) => match *ty {
                Type::BYTEA => PgToSql::to_sql(&bytes.as_slice(), ty, out),
                _ => Err(format!("bytes cannot be sent as {ty}").into()),
            },
        }
    }

    fn accepts(_: &Type) -> bool {
        true
    }

    postgres_types::to_sql_checked!();
}

/// A column as rusqlite would have given it: integers (and booleans) as integers, text as text.
pub fn value_ref_at(row: &tokio_postgres::Row, index: usize) -> Result<ValueRef<'_>> {
    let column = row.columns().get(index).ok_or_else(|| Error::Value(format!("no column {index}")))?;
    let read = |error: tokio_postgres::Error| Error::Value(format!("column {}: {error}", column.name()));
    let value = match *column.type_() {
        Type::INT8 => row.try_get::<_, Option<i64>>(index).map_err(read)?.map(ValueRef::Integer),
        Type::INT4 => row.try_get::<_, Option<i32>>(index).map_err(read)?.map(|n| ValueRef::Integer(n.into())),
        Type::INT2 => row.try_get::<_, Option<i16>>(index).map_err(read)?.map(|n| ValueRef::Integer(n.into())),
        Type::BOOL => row.try_get::<_, Option<bool>>(index).map_err(read)?.map(|b| ValueRef::Integer(b.into())),
        Type::FLOAT8 => row.try_get::<_, Option<f64>>(index).map_err(read)?.map(ValueRef::Real),
        Type::FLOAT4 => row.try_get::<_, Option<f32>>(index).map_err(read)?.map(|n| ValueRef::Real(n.into())),
        Type::NUMERIC => row.try_get::<_, Option<Numeric>>(index).map_err(read)?.map(|n| n.0),
        Type::BYTEA => row.try_get::<_, Option<&[u8]>>(index).map_err(read)?.map(ValueRef::Blob),
        _ => row.try_get::<_, Option<&str>>(index).map_err(read)?.map(|text| ValueRef::Text(text.as_bytes())),
    };
    Ok(value.unwrap_or(ValueRef::Null))
}

/// A NUMERIC (what `SUM` of integers gives), read as an integer when it has no fraction.
struct Numeric(ValueRef<'static>);

impl<'a> postgres_types::FromSql<'a> for Numeric {
    fn from_sql(_: &Type, raw: &'a [u8]) -> std::result::Result<Self, Box<dyn std::error::Error + Sync + Send>> {
        let word = |at: usize| -> std::result::Result<i64, String> {
            raw.get(at..at + 2)
                .map(|bytes| i64::from(i16::from_be_bytes([bytes[0], bytes[1]])))
                .ok_or_else(|| "a short NUMERIC".to_owned())
        };
        let (digits, weight, sign, scale) = (word(0)?, word(2)?, word(4)? & 0xffff, word(6)?);
        if sign == 0xc000 {
            return Err("NaN".into());
        }
        let mut value = 0f64;
        let mut whole: Option<i64> = Some(0);
        for position in 0..digits {
            let digit = word(8 + 2 * position as usize)?;
            let power = weight - position;
            value += digit as f64 * 10_000f64.powi(power as i32);
            whole = match (whole, u32::try_from(power)) {
                (Some(sum), Ok(power)) => 10_000i64.checked_pow(power).and_then(|p| sum.checked_add(digit * p)),
                _ => None,
            };
        }
        let negative = sign == 0x4000;
        Ok(Self(match whole {
            Some(whole) if scale == 0 => ValueRef::Integer(if negative { -whole } else { whole }),
            _ => ValueRef::Real(if negative { -value } else { value }),
        }))
    }

    fn accepts(ty: &Type) -> bool {
        *ty == Type::NUMERIC
    }
}

#[cfg(test)]
mod tests {
    use super::{placeholders, to_postgres};

    #[test]
    fn placeholders_become_numbered_outside_quoted_text() {
        assert_eq!(
            placeholders("SELECT a FROM t WHERE b = ?1 AND c = ?12"),
            ("SELECT a FROM t WHERE b = $1 AND c = $12".to_owned(), vec![1, 12])
        );
        assert_eq!(placeholders("UPDATE t SET a = ?, b = ?"), ("UPDATE t SET a = $1, b = $2".to_owned(), vec![1, 2]));
        assert_eq!(placeholders("SELECT '?1' || ?3"), ("SELECT '?1' || $3".to_owned(), vec![3]));
    }

    #[test]
    fn sqlite_planner_hints_are_dropped() {
        assert_eq!(
            to_postgres(
                "FROM communities m CROSS JOIN complaints c INDEXED BY complaints_queue ON c.community_id = ?1"
            )
            .0,
            "FROM communities m JOIN complaints c ON c.community_id = $1"
        );
    }
}
