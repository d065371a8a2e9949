//! Every in-app URL is built here, so that routes, their query strings and the sub-path the app
//! may be served under live in one place. The URLs are complete: links use them as they are and
//! navigation must not resolve them again.

use mashang_model::TrackingNumber;
pub use mashang_ui::paths::{at, set_base};

pub fn home() -> String {
    at("/")
}

pub fn file() -> String {
    at("/file")
}

/// The form with a problem already chosen, by its Chinese name (ids differ between deployments).
pub fn file_with_category(name: &str) -> String {
    at(&format!("/file?category={}", String::from(js_sys::encode_uri_component(name))))
}

pub fn receipt(number: &TrackingNumber) -> String {
    at(&format!("/receipt/{}", number.as_str()))
}

/// The lookup page; with a number, a shareable link that carries only the number, never the
/// phone.
pub fn track(number: Option<&TrackingNumber>) -> String {
    match number {
        Some(number) => at(&format!("/track?number={}", number.as_str())),
        None => at("/track"),
    }
}

/// The progress view of a complaint filed on this device.
pub fn complaint(number: &TrackingNumber) -> String {
    at(&format!("/complaints/{}", number.as_str()))
}

/// The public ranking of property companies (物业服务评价).
pub fn scorecards() -> String {
    at("/scorecards")
}

/// A company's (`companies`) or a community's (`communities`) public scorecard.
pub fn scorecard(subject: &str, id: i64) -> String {
    at(&format!("/scorecards/{subject}/{id}"))
}

/// The complaints filed on this device.
pub fn mine() -> String {
    at("/mine")
}
