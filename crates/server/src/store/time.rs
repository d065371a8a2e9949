//! Reading stored times quickly. rusqlite writes a `DateTime<Utc>` as
//! `2026-12-01 18:55:39.123456789+00:00` and reads it back through chrono's format-string parser,
//! which, when a unit's queue reads a few thousand rows of six times each, costs more than the
//! query itself. That shape is RFC 3339 (with a space), so the contract's small RFC 3339 parser
//! reads it; anything else (an integer, a time without an offset that another tool wrote) is left
//! to rusqlite's general reading.

use crate::store::db::{self, Row};
use chrono::{DateTime, Utc};
use mashang_model::time::parse_rfc3339;
use rusqlite::types::ValueRef;

pub(crate) fn time_at(row: &Row<'_>, index: usize) -> db::Result<DateTime<Utc>> {
    let fast = match row.get_ref(index)? {
        ValueRef::Text(text) => std::str::from_utf8(text).ok().and_then(|text| parse_rfc3339(text).ok()),
        _ => None,
    };
    match fast {
        Some(time) => Ok(time),
        None => row.get(index),
    }
}

pub(crate) fn optional_time_at(row: &Row<'_>, index: usize) -> db::Result<Option<DateTime<Utc>>> {
    match row.get_ref(index)? {
        ValueRef::Null => Ok(None),
        _ => time_at(row, index).map(Some),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::db::Connection;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn in_memory() -> Connection {
        Connection::Sqlite(rusqlite::Connection::open_in_memory().expect("memory database"))
    }

    /// What rusqlite itself makes of `stored`, and what `time_at` makes of it.
    fn both_read(connection: &Connection, stored: &str) -> (Option<DateTime<Utc>>, Option<DateTime<Utc>>) {
        let rusqlite = connection.query_row("SELECT ?1", [stored], |row| row.get(0)).ok();
        let ours = connection.query_row("SELECT ?1", [stored], |row| time_at(row, 0)).ok();
        (rusqlite, ours)
    }

    #[test]
    fn the_shapes_the_store_meets_read_as_rusqlite_reads_them() {
        let connection = in_memory();
        for stored in [
            "2026-12-01 18:55:39.123456789+00:00",
            "2026-12-01 18:55:39+00:00",
            "2026-12-01 18:55:39.5+00:00",
            "2026-12-01T18:55:39.000001Z",
            "2026-12-01 18:55:39",
            "2024-02-29 00:00:00+00:00",
            "2026-12-01 18:55:39+08:00",
        ] {
            let (rusqlite, ours) = both_read(&connection, stored);
            assert!(rusqlite.is_some(), "{stored}");
            assert_eq!(ours, rusqlite, "{stored}");
        }
        // What neither can read stays an error.
        for other in ["2026-02-30 00:00:00", "tomorrow", ""] {
            assert_eq!(both_read(&connection, other), (None, None), "{other}");
        }
    }

    proptest! {
        #[test]
        fn every_time_written_reads_back_the_same(seconds in 0i64..4_102_444_800, nanos in 0u32..1_000_000_000) {
            let time = Utc.timestamp_opt(seconds, nanos).single().expect("a valid time");
            let connection = in_memory();
            let read = connection
                .query_row("SELECT ?1", [time], |row| time_at(row, 0))
                .expect("read back");
            prop_assert_eq!(read, time);
        }
    }
}
