//! Turning data into text for residents.

use chrono::{DateTime, Utc};
use mashang_model::time::in_china;

use crate::i18n::Texts;

/// A moment as a wall-clock time in China, in the language's format.
pub fn datetime(texts: &Texts, at: DateTime<Utc>) -> String {
    in_china(at).format(texts.datetime_format).to_string()
}

/// Composes text to NFC with the browser's own tables, as the server does with its crate, so
/// both count the same characters without shipping Unicode tables in the wasm.
pub fn nfc(text: &str) -> String {
    js_sys::JsString::from(text).normalize("NFC").into()
}
