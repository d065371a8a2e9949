//! The complaint being written, kept on this device so that nothing typed is ever lost: saved on
//! every change, restored after a reload or a restart, cleared only once the server has confirmed
//! the filing. A submitted draft whose answer never came stays pending and is resent, with the
//! same idempotency key, until the server answers.

use mashang_model::NewComplaint;
use serde::{Deserialize, Serialize};

use mashang_ui::json;

use crate::storage;

const DRAFT_KEY: &str = "mashang.draft";

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Draft {
    pub community_id: Option<i64>,
    pub category_id: Option<i64>,
    pub location: String,
    pub description: String,
    pub name: String,
    pub phone: String,
    pub hide_identity_from_property: bool,
    /// Whether neighbours may see and join it; `None` until the resident chooses, when the
    /// place decides (shared areas yes, homes no).
    pub visible_to_neighbours: Option<bool>,
    pub consent: bool,
    /// 短信通知: off unless the resident asks for it.
    pub texts: bool,
    /// Photos already uploaded, each with the capability that shows it to this uploader; they
    /// come back with the draft.
    pub photo_ids: Vec<String>,
    /// Made when the draft starts and sent with every attempt, so the server files it once.
    pub idempotency_key: String,
    /// The exact request last sent and not yet answered; resent as it is, never rebuilt.
    pub pending: Option<NewComplaint>,
}

/// What the home screen and the outbox need to know of the draft, read without serde (see
/// `mashang_ui::json`): reading a whole draft is the filing page's work, in its chunk.
#[derive(Default)]
pub struct DraftSummary {
    has_content: bool,
    pending: bool,
}

impl DraftSummary {
    pub fn load() -> Self {
        let Some(draft) = storage::get(DRAFT_KEY).and_then(|kept| json::parse_object(&kept)) else {
            return Self::default();
        };
        let described = json::text(&draft, "description").is_some_and(|text| !text.trim().is_empty());
        Self {
            has_content: json::is_set(&draft, "community_id") || json::is_set(&draft, "category_id") || described,
            pending: json::is_set(&draft, "pending"),
        }
    }

    /// Whether anything worth resuming was typed.
    pub fn has_content(&self) -> bool {
        self.has_content
    }

    /// A filing was sent and not yet answered.
    pub fn is_pending(&self) -> bool {
        self.pending
    }
}

impl Draft {
    /// The saved draft, or a fresh one with a new key.
    pub fn load() -> Self {
        let mut draft: Self = storage::get_json(DRAFT_KEY).unwrap_or_default();
        if draft.idempotency_key.is_empty() {
            draft.idempotency_key = storage::new_uuid();
        }
        draft
    }

    pub fn save(&self) {
        storage::set_json(DRAFT_KEY, self);
    }

    /// Forgets the draft; called only after the server confirmed the filing.
    pub fn clear() {
        storage::remove(DRAFT_KEY);
    }
}
