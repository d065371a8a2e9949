//! Reading stored times quickly. rusqlite writes a `DateTime<Utc>` as
//! `2026-12-01 18:55:39.123456789+00:00` and reads it back through chrono's format-string parser,
//! which, when a unit's queue reads a few thousand rows of six times each, costs more than the
//! query itself. This reads that one shape by position and leaves anything else (an integer, a
//! time another tool wrote) to rusqlite's general reading.

use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::Row;
use rusqlite::types::ValueRef;

pub(crate) fn time_at(row: &Row<'_>, index: usize) -> rusqlite::Result<DateTime<Utc>> {
    match row.get_ref(index)? {
        ValueRef::Text(text) => match parse_stored(text) {
            Some(time) => Ok(time),
            None => row.get(index),
        },
        _ => row.get(index),
    }
}

pub(crate) fn optional_time_at(row: &Row<'_>, index: usize) -> rusqlite::Result<Option<DateTime<Utc>>> {
    match row.get_ref(index)? {
        ValueRef::Null => Ok(None),
        _ => time_at(row, index).map(Some),
    }
}

/// `YYYY-MM-DD HH:MM:SS`, an optional fraction of up to nine digits, then `+00:00`, `Z` or
/// nothing (UTC in every case); `None` for anything else.
fn parse_stored(text: &[u8]) -> Option<DateTime<Utc>> {
    if text.len() < 19 || text[4] != b'-' || text[7] != b'-' || !matches!(text[10], b' ' | b'T') {
        return None;
    }
    if text[13] != b':' || text[16] != b':' {
        return None;
    }
    let number = |from: usize, to: usize| -> Option<u32> {
        text[from..to]
            .iter()
            .try_fold(0u32, |value, &byte| byte.is_ascii_digit().then(|| value * 10 + u32::from(byte - b'0')))
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(number(0, 4)?).ok()?, number(5, 7)?, number(8, 10)?)?;
    let mut rest = &text[19..];
    let mut nanos = 0;
    if let Some(fraction) = rest.strip_prefix(b".") {
        let digits = fraction.iter().take_while(|byte| byte.is_ascii_digit()).count();
        if digits == 0 || digits > 9 {
            return None;
        }
        nanos = fraction[..digits].iter().fold(0u32, |value, &byte| value * 10 + u32::from(byte - b'0'))
            * 10u32.pow(9 - digits as u32);
        rest = &fraction[digits..];
    }
    if !matches!(rest, b"" | b"Z" | b"+00:00") {
        return None;
    }
    Some(date.and_hms_nano_opt(number(11, 13)?, number(14, 16)?, number(17, 19)?, nanos)?.and_utc())
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;
    use proptest::prelude::*;
    use rusqlite::Connection;

    /// What rusqlite itself makes of `stored`, to compare with.
    fn rusqlite_reads(connection: &Connection, stored: &str) -> Option<DateTime<Utc>> {
        connection.query_row("SELECT ?1", [stored], |row| row.get(0)).ok()
    }

    #[test]
    fn the_shapes_the_store_meets_read_as_rusqlite_reads_them() {
        let connection = Connection::open_in_memory().expect("memory database");
        for stored in [
            "2026-12-01 18:55:39.123456789+00:00",
            "2026-12-01 18:55:39+00:00",
            "2026-12-01 18:55:39.5+00:00",
            "2026-12-01T18:55:39.000001Z",
            "2026-12-01 18:55:39",
            "2024-02-29 00:00:00+00:00",
        ] {
            assert_eq!(parse_stored(stored.as_bytes()), rusqlite_reads(&connection, stored), "{stored}");
        }
        // Left to rusqlite: another offset, a bad date, a leap second, junk.
        for other in ["2026-12-01 18:55:39+08:00", "2026-02-30 00:00:00", "2026-12-31 23:59:60", "tomorrow", ""] {
            assert_eq!(parse_stored(other.as_bytes()), None, "{other}");
        }
    }

    proptest! {
        #[test]
        fn every_time_written_reads_back_the_same(seconds in 0i64..4_102_444_800, nanos in 0u32..1_000_000_000) {
            let time = Utc.timestamp_opt(seconds, nanos).single().expect("a valid time");
            let connection = Connection::open_in_memory().expect("memory database");
            let read = connection
                .query_row("SELECT ?1", [time], |row| time_at(row, 0))
                .expect("read back");
            prop_assert_eq!(read, time);
        }
    }
}
