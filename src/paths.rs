//! Every in-app URL is built here, so that routes and their query strings live in one place.

use mashang_model::TrackingNumber;

pub fn home() -> String {
    "/".to_owned()
}

pub fn file() -> String {
    "/file".to_owned()
}

/// The form with a problem already chosen, by its Chinese name (ids differ between deployments).
pub fn file_with_category(name: &str) -> String {
    format!("/file?category={}", String::from(js_sys::encode_uri_component(name)))
}

pub fn receipt(number: &TrackingNumber) -> String {
    format!("/receipt/{}", number.as_str())
}

/// The lookup page; with a number, a shareable link that carries only the number, never the
/// phone.
pub fn track(number: Option<&TrackingNumber>) -> String {
    match number {
        Some(number) => format!("/track?number={}", number.as_str()),
        None => "/track".to_owned(),
    }
}

/// The progress view of a complaint filed on this device.
pub fn complaint(number: &TrackingNumber) -> String {
    format!("/complaints/{}", number.as_str())
}

/// The complaints filed on this device.
pub fn mine() -> String {
    "/mine".to_owned()
}
