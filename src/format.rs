//! Turning data into text for residents.

use chrono::{DateTime, Datelike, Timelike, Utc};
use mashang_model::time::in_china;

use crate::i18n::{DateStyle, Texts};

const MONTHS: [&str; 12] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/// A moment as a wall-clock time in China, in the language's format. Written out by hand:
/// chrono's format strings would ship their parser in the wasm.
pub fn datetime(texts: &Texts, at: DateTime<Utc>) -> String {
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

/// Composes text to NFC with the browser's own tables, as the server does with its crate, so
/// both count the same characters without shipping Unicode tables in the wasm.
pub fn nfc(text: &str) -> String {
    js_sys::JsString::from(text).normalize("NFC").into()
}
