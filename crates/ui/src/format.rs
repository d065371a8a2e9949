//! Turning data into text for people.

use chrono::{DateTime, Datelike, Timelike, Utc};
use mashang_model::time::in_china;

use crate::texts::{CommonTexts, DateStyle};

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// A moment as a wall-clock time in China, in the language's format. Written out by hand:
/// chrono's format strings would ship their parser in the wasm.
pub fn datetime(texts: &CommonTexts, at: DateTime<Utc>) -> String {
    let local = in_china(at);
    let (year, month, day, hour, minute) = (local.year(), local.month(), local.day(), local.hour(), local.minute());
    match texts.date_style {
        DateStyle::Chinese => format!("{year}年{month}月{day}日 {hour:02}:{minute:02}"),
        DateStyle::English => {
            let name = MONTHS.get(local.month0() as usize).copied().unwrap_or_default();
            format!("{day} {name} {year}, {hour:02}:{minute:02}")
        }
    }
}

/// Time left before a due time, in the largest two units that matter: days and hours, hours and
/// minutes, or minutes (at least one, so "0 minutes left" never shows before the time is up).
pub fn time_left(texts: &CommonTexts, left: chrono::Duration) -> String {
    let minutes = left.num_minutes().max(1);
    let (days, hours, minutes) = (minutes / (24 * 60), minutes / 60 % 24, minutes % 60);
    let template = match (days, hours) {
        (0, 0) => texts.left_minutes,
        (0, _) => texts.left_hours,
        _ => texts.left_days,
    };
    template.replace("{d}", &days.to_string()).replace("{h}", &hours.to_string()).replace("{m}", &minutes.to_string())
}

/// Composes text to NFC with the browser's own tables, as the server does with its crate, so
/// both count the same characters without shipping Unicode tables in the wasm.
pub fn nfc(text: &str) -> String {
    js_sys::JsString::from(text).normalize("NFC").into()
}

#[cfg(test)]
mod tests {
    use super::time_left;
    use crate::texts::{EN, ZH_CN};
    use chrono::Duration;

    #[test]
    fn time_left_uses_the_two_largest_units() {
        assert_eq!(time_left(&ZH_CN, Duration::minutes(2 * 24 * 60 + 5 * 60 + 59)), "还剩 2 天 5 小时");
        assert_eq!(time_left(&ZH_CN, Duration::minutes(150)), "还剩 2 小时 30 分");
        assert_eq!(time_left(&ZH_CN, Duration::minutes(25)), "还剩 25 分钟");
        assert_eq!(time_left(&ZH_CN, Duration::seconds(20)), "还剩 1 分钟");
        assert_eq!(time_left(&EN, Duration::minutes(61)), "1 h 1 min left");
    }
}
