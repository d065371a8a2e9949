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

/// Reads a time the API sent (RFC 3339), for `#[serde(deserialize_with)]` on every time in the
/// contract. chrono's own `Deserialize` goes through its general, format-driven parser, which
/// costs each app several kilobytes of wasm; `parse_from_rfc3339` is a small parser for exactly
/// what the server writes. Times are written by chrono's `Serialize` as before.
pub fn rfc3339<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<DateTime<Utc>, D::Error> {
    let text = <std::borrow::Cow<'de, str> as serde::Deserialize>::deserialize(deserializer)?;
    parse_rfc3339(&text).map_err(serde::de::Error::custom)
}

/// [`rfc3339`] for an optional time (`null` or absent is `None`).
pub fn rfc3339_option<'de, D: serde::Deserializer<'de>>(deserializer: D) -> Result<Option<DateTime<Utc>>, D::Error> {
    let text = <Option<std::borrow::Cow<'de, str>> as serde::Deserialize>::deserialize(deserializer)?;
    text.map(|text| parse_rfc3339(&text).map_err(serde::de::Error::custom)).transpose()
}

/// An RFC 3339 time (`2026-12-01T18:55:39.123Z`, any offset) as UTC.
pub fn parse_rfc3339(text: &str) -> Result<DateTime<Utc>, chrono::ParseError> {
    DateTime::parse_from_rfc3339(text).map(|time| time.to_utc())
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

    #[derive(serde::Deserialize, serde::Serialize, Debug, PartialEq)]
    struct Stamped {
        #[serde(deserialize_with = "rfc3339")]
        at: DateTime<Utc>,
        #[serde(default, deserialize_with = "rfc3339_option")]
        until: Option<DateTime<Utc>>,
    }

    #[test]
    fn times_read_back_as_chrono_writes_them_and_absent_ones_are_none() {
        let at = DateTime::parse_from_rfc3339("2026-12-01T18:55:39.123456789Z").map(|t| t.to_utc()).unwrap_or_default();
        for until in [None, Some(at + chrono::Duration::hours(8))] {
            let stamped = Stamped { at, until };
            let json = serde_json::to_string(&stamped).unwrap_or_default();
            assert_eq!(serde_json::from_str::<Stamped>(&json).ok(), Some(stamped));
        }
        let absent: Option<Stamped> = serde_json::from_str(r#"{"at":"2026-12-02T02:55:39+08:00"}"#).ok();
        assert_eq!(absent.map(|s| (s.at, s.until)), Some((at - chrono::Duration::nanoseconds(123_456_789), None)));
        assert!(serde_json::from_str::<Stamped>(r#"{"at":"tomorrow"}"#).is_err());
        assert!(
            serde_json::from_str::<Stamped>(r#"{"at":"2026-12-01T18:55:39Z","until":"2026-13-01T00:00:00Z"}"#).is_err()
        );
    }
}
