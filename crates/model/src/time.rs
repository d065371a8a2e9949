//! Time as residents and units read it: China Standard Time, UTC+8 all year, no daylight saving,
//! so a fixed offset is exact and no time-zone database has to ship in the wasm.

use chrono::{DateTime, FixedOffset, NaiveDate, Offset, Utc};

const UTC_PLUS_EIGHT_SECONDS: i32 = 8 * 3600;

pub fn china_standard_time() -> FixedOffset {
    // The offset is a constant well inside chrono's ±24 h range, so the fallback never runs.
    FixedOffset::east_opt(UTC_PLUS_EIGHT_SECONDS).unwrap_or_else(|| Utc.fix())
}

/// The calendar date in China at `instant`.
pub fn china_date(instant: DateTime<Utc>) -> NaiveDate {
    instant.with_timezone(&china_standard_time()).date_naive()
}

/// `instant` as a wall-clock time in China.
pub fn in_china(instant: DateTime<Utc>) -> DateTime<FixedOffset> {
    instant.with_timezone(&china_standard_time())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn late_evening_utc_is_the_next_day_in_china() {
        let instant = DateTime::parse_from_rfc3339("2026-11-26T16:30:00Z").map(|t| t.to_utc()).unwrap_or_default();
        assert_eq!(china_date(instant), NaiveDate::from_ymd_opt(2026, 11, 27).unwrap_or_default());
        assert_eq!(in_china(instant).format("%H:%M").to_string(), "00:30");
    }
}
