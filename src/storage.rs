//! This device's `localStorage`. Every call tolerates its absence (private browsing, some
//! webviews), in which case nothing is remembered but nothing breaks.

use chrono::{DateTime, Utc};

use mashang_ui::json;
pub use mashang_ui::storage::{get, remove, set};

const COMPLAINTS_KEY: &str = "mashang.complaints";

/// Tracking number → access token of every complaint filed on this device.
fn known_complaints() -> std::collections::BTreeMap<String, String> {
    get_json(COMPLAINTS_KEY).unwrap_or_default()
}

/// Keeps a filed complaint's access token on this device, by tracking number, so that this device
/// can open and act on the complaint without signing in.
pub fn remember_complaint(tracking_number: &str, access_token: &str, filed_at: DateTime<Utc>) {
    // Every step after the filing is news to the resident.
    mark_seen(tracking_number, filed_at);
    let mut known = known_complaints();
    known.insert(tracking_number.to_owned(), access_token.to_owned());
    set_json(COMPLAINTS_KEY, &known);
}

/// What opens a complaint on this device: its access token if this device filed it, else the
/// session of a resident signed in here (the server checks that the phone matches).
pub fn complaint_token(tracking_number: &str) -> Option<String> {
    known_complaints().remove(tracking_number).or_else(|| resident_session().map(|session| session.token))
}

const SEEN_KEY: &str = "mashang.seen";

/// Tracking number → the last update of the complaint this device has shown its resident, as
/// RFC 3339 text. The same map type as the access tokens', so the phone downloads one copy of its
/// code; a time is parsed (with the contract's small parser) only where one is compared.
fn seen() -> std::collections::BTreeMap<String, String> {
    get_json(SEEN_KEY).unwrap_or_default()
}

fn seen_at(seen: &std::collections::BTreeMap<String, String>, tracking_number: &str) -> Option<DateTime<Utc>> {
    seen.get(tracking_number).and_then(|at| mashang_model::time::parse_rfc3339(at).ok())
}

/// The resident has seen the complaint as it was at `updated_at` (its progress view was open).
pub fn mark_seen(tracking_number: &str, updated_at: DateTime<Utc>) {
    let mut seen = seen();
    if seen_at(&seen, tracking_number).is_none_or(|known| known < updated_at) {
        seen.insert(tracking_number.to_owned(), updated_at.to_rfc3339());
        set_json(SEEN_KEY, &seen);
    }
}

/// Whether the complaint moved since its resident last looked. One never seen on this device
/// (filed elsewhere, found by signing in) counts as seen now: only later steps are news.
pub fn has_unseen_update(tracking_number: &str, updated_at: DateTime<Utc>) -> bool {
    match seen_at(&seen(), tracking_number) {
        Some(known) => known < updated_at,
        None => {
            mark_seen(tracking_number, updated_at);
            false
        }
    }
}

const SESSION_KEY: &str = "mashang.session";
/// Present while the session came from the citizen-services app (a hand-off).
const SESSION_VIA_HANDOFF_KEY: &str = "mashang.session.handoff";

/// The resident signed in on this device (SMS code or hand-off), while the session lasts. Read
/// without serde: every start reads it (see `mashang_ui::json`).
pub fn resident_session() -> Option<mashang_model::ResidentSession> {
    let kept = json::parse_object(&get(SESSION_KEY)?)?;
    let session = mashang_model::ResidentSession {
        token: json::text(&kept, "token")?,
        expires_at: mashang_model::time::parse_rfc3339(&json::text(&kept, "expires_at")?).ok()?,
        phone: json::text(&kept, "phone").unwrap_or_default(),
        phone_masked: json::text(&kept, "phone_masked")?,
    };
    (session.expires_at > Utc::now()).then_some(session)
}

pub fn keep_resident_session(session: &mashang_model::ResidentSession, via_handoff: bool) {
    set_json(SESSION_KEY, session);
    if via_handoff {
        set(SESSION_VIA_HANDOFF_KEY, "1");
    } else {
        remove(SESSION_VIA_HANDOFF_KEY);
    }
}

pub fn session_via_handoff() -> bool {
    get(SESSION_VIA_HANDOFF_KEY).is_some()
}

pub fn forget_resident_session() {
    remove(SESSION_KEY);
    remove(SESSION_VIA_HANDOFF_KEY);
}

/// Whether any complaint was filed on this device (read without serde, for the home screen).
pub fn holds_complaints() -> bool {
    get(COMPLAINTS_KEY).and_then(|kept| json::parse_object(&kept)).is_some_and(|kept| json::has_keys(&kept))
}

/// Every complaint filed on this device, newest tracking numbers (and so dates) first.
pub fn device_complaints() -> Vec<(String, String)> {
    known_complaints().into_iter().rev().collect()
}

pub fn get_json<T: serde::de::DeserializeOwned>(key: &str) -> Option<T> {
    get(key).and_then(|json| serde_json::from_str(&json).ok())
}

pub fn set_json<T: serde::Serialize>(key: &str, value: &T) {
    if let Ok(json) = serde_json::to_string(value) {
        set(key, &json);
    }
}

/// A fresh random UUID from the browser, for idempotency keys.
pub fn new_uuid() -> String {
    web_sys::window().and_then(|w| w.crypto().ok()).map(|c| c.random_uuid()).unwrap_or_default()
}
