//! The handful of SQL calls the store makes, over either back end. The store's modules are
//! written once against this [`Connection`]: it answers to the same calls as rusqlite's
//! (`execute`, `query_row`, `prepare_cached`, `query_map`, `get`), and it takes and gives values
//! through rusqlite's `ToSql` and `FromSql`, so `params!`, the stored forms of times and of
//! [`super::PhoneKey`] are one and the same on SQLite and on PostgreSQL. What differs between the
//! dialects — placeholders, types on the wire — is settled in [`super::postgres`].

use rusqlite::types::{FromSql, FromSqlError, ToSql, ValueRef};

use super::postgres::PgConnection;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug)]
pub enum Error {
    /// `query_row` found nothing; `.optional()` turns this into `None`.
    NoRows,
    Sqlite(rusqlite::Error),
    Postgres(tokio_postgres::Error),
    /// A value could not be sent or read as asked.
    Value(String),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::NoRows => f.write_str("the query returned no rows"),
            Self::Sqlite(error) => error.fmt(f),
            Self::Postgres(error) => match error.as_db_error() {
                Some(db) => write!(f, "{} ({})", db.message(), db.code().code()),
                None => error.fmt(f),
            },
            Self::Value(problem) => f.write_str(problem),
        }
    }
}

impl std::error::Error for Error {}

impl From<rusqlite::Error> for Error {
    fn from(error: rusqlite::Error) -> Self {
        match error {
            rusqlite::Error::QueryReturnedNoRows => Self::NoRows,
            other => Self::Sqlite(other),
        }
    }
}

impl From<tokio_postgres::Error> for Error {
    fn from(error: tokio_postgres::Error) -> Self {
        Self::Postgres(error)
    }
}

impl From<FromSqlError> for Error {
    fn from(error: FromSqlError) -> Self {
        Self::Value(error.to_string())
    }
}

pub trait OptionalExtension<T> {
    fn optional(self) -> Result<Option<T>>;
}

impl<T> OptionalExtension<T> for Result<T> {
    fn optional(self) -> Result<Option<T>> {
        match self {
            Ok(value) => Ok(Some(value)),
            Err(Error::NoRows) => Ok(None),
            Err(error) => Err(error),
        }
    }
}

/// The parameters of one statement, in order.
pub trait Params {
    fn values(&self) -> Vec<&dyn ToSql>;
}

impl Params for &[&dyn ToSql] {
    fn values(&self) -> Vec<&dyn ToSql> {
        self.to_vec()
    }
}

/// No parameters: `[]`.
impl Params for [&dyn ToSql; 0] {
    fn values(&self) -> Vec<&dyn ToSql> {
        Vec::new()
    }
}

macro_rules! params_of_arrays {
    ($($n:literal)*) => {$(
        impl<T: ToSql> Params for [T; $n] {
            fn values(&self) -> Vec<&dyn ToSql> {
                self.iter().map(|value| value as &dyn ToSql).collect()
            }
        }
    )*};
}

params_of_arrays!(1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16);

/// Parameters whose number is known only when the query runs.
pub struct ParamsFromIter<T>(Vec<T>);

pub fn params_from_iter<I: IntoIterator>(values: I) -> ParamsFromIter<I::Item> {
    ParamsFromIter(values.into_iter().collect())
}

impl<T: ToSql> Params for ParamsFromIter<T> {
    fn values(&self) -> Vec<&dyn ToSql> {
        self.0.iter().map(|value| value as &dyn ToSql).collect()
    }
}

/// One database connection of either kind.
pub enum Connection {
    Sqlite(rusqlite::Connection),
    Postgres(PgConnection),
}

impl Connection {
    /// A connection of its own to a PostgreSQL database (an operator's, a test's), outside the
    /// store's pools. Statements run on the runtime this is called in, which must keep running.
    pub async fn open_postgres(url: &str) -> Result<Self> {
        Ok(Self::Postgres(PgConnection::connect(url, std::time::Duration::from_secs(30)).await?))
    }

    pub fn execute<P: Params>(&self, sql: &str, params: P) -> Result<usize> {
        self.prepare_cached(sql)?.execute(params)
    }

    pub fn query_row<T, P: Params, F: FnOnce(&Row<'_>) -> Result<T>>(
        &self,
        sql: &str,
        params: P,
        read: F,
    ) -> Result<T> {
        self.prepare_cached(sql)?.query_row(params, read)
    }

    /// A statement kept prepared for the connection's lifetime (both back ends cache by text).
    pub fn prepare_cached(&self, sql: &str) -> Result<Statement<'_>> {
        Ok(match self {
            Self::Sqlite(connection) => Statement::Sqlite(connection.prepare_cached(sql)?),
            Self::Postgres(connection) => Statement::Postgres(connection, sql.to_owned()),
        })
    }

    pub fn prepare(&self, sql: &str) -> Result<Statement<'_>> {
        self.prepare_cached(sql)
    }

    /// Runs statements without parameters, separated by semicolons.
    pub fn execute_batch(&self, sql: &str) -> Result<()> {
        match self {
            Self::Sqlite(connection) => Ok(connection.execute_batch(sql)?),
            Self::Postgres(connection) => connection.batch(sql),
        }
    }
}

pub enum Statement<'c> {
    Sqlite(rusqlite::CachedStatement<'c>),
    /// PostgreSQL statements are prepared when they first run (see `postgres`).
    Postgres(&'c PgConnection, String),
}

impl Statement<'_> {
    pub fn execute<P: Params>(&mut self, params: P) -> Result<usize> {
        let values = params.values();
        match self {
            Self::Sqlite(statement) => Ok(statement.execute(rusqlite::params_from_iter(values))?),
            Self::Postgres(connection, statement) => connection.execute(statement, &values),
        }
    }

    /// Every row, read by `read`, stopping at the first that cannot be read.
    pub fn query_map<T, P: Params, F: FnMut(&Row<'_>) -> Result<T>>(
        &mut self,
        params: P,
        mut read: F,
    ) -> Result<std::vec::IntoIter<Result<T>>> {
        let values = params.values();
        let mut out = Vec::new();
        match self {
            Self::Sqlite(statement) => {
                let mut rows = statement.query(rusqlite::params_from_iter(values))?;
                while let Some(row) = rows.next()? {
                    out.push(Ok(read(&Row::Sqlite(row))?));
                }
            }
            Self::Postgres(connection, statement) => {
                for row in connection.query(statement, &values)? {
                    out.push(Ok(read(&Row::Postgres(&row))?));
                }
            }
        }
        Ok(out.into_iter())
    }

    pub fn query_row<T, P: Params, F: FnOnce(&Row<'_>) -> Result<T>>(&mut self, params: P, read: F) -> Result<T> {
        let values = params.values();
        match self {
            Self::Sqlite(statement) => {
                let mut rows = statement.query(rusqlite::params_from_iter(values))?;
                match rows.next()? {
                    Some(row) => read(&Row::Sqlite(row)),
                    None => Err(Error::NoRows),
                }
            }
            Self::Postgres(connection, statement) => match connection.query(statement, &values)?.first() {
                Some(row) => read(&Row::Postgres(row)),
                None => Err(Error::NoRows),
            },
        }
    }

    pub fn exists<P: Params>(&mut self, params: P) -> Result<bool> {
        self.query_row(params, |_| Ok(())).optional().map(|found| found.is_some())
    }
}

/// A column's position in a row.
pub trait ColumnIndex {
    fn position(&self) -> usize;
}

impl ColumnIndex for usize {
    fn position(&self) -> usize {
        *self
    }
}

pub enum Row<'r> {
    Sqlite(&'r rusqlite::Row<'r>),
    Postgres(&'r tokio_postgres::Row),
}

impl Row<'_> {
    pub fn get<I: ColumnIndex, T: FromSql>(&self, index: I) -> Result<T> {
        let index = index.position();
        match self {
            Self::Sqlite(row) => Ok(row.get(index)?),
            Self::Postgres(row) => T::column_result(super::postgres::value_ref_at(row, index)?)
                .map_err(|error| Error::Value(format!("column {index}: {error}"))),
        }
    }

    /// The column as stored, without conversion (for readers faster than `FromSql`'s).
    pub fn get_ref(&self, index: usize) -> Result<ValueRef<'_>> {
        match self {
            Self::Sqlite(row) => Ok(row.get_ref(index)?),
            Self::Postgres(row) => super::postgres::value_ref_at(row, index),
        }
    }
}
