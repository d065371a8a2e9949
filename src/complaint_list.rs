//! The resident's complaints as a list: those filed on this device (by their access tokens) and,
//! when signed in by SMS code, those filed elsewhere with the same phone. Shared by the home
//! screen (its badge of new steps) and 我的投诉.

use mashang_model::deadline::Deadline;
use mashang_model::{
    ComplaintStatus, ComplaintSummary, HeldComplaint, LocalizedText, MAX_HELD_COMPLAINTS, ResidentSession,
    SummariesRequest, TrackingNumber,
};

use chrono::{DateTime, Utc};
use std::future::Future;
use std::pin::Pin;

use crate::api::{Api, ApiError};
use crate::storage;

/// Which of the resident's complaints 我的投诉 shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ListFilter {
    All,
    /// Still being handled, or waiting for the resident's rating.
    Open,
    /// Rated, closed or withdrawn.
    Finished,
}

impl ListFilter {
    pub fn shows(self, status: ComplaintStatus) -> bool {
        match self {
            Self::All => true,
            Self::Open => !status.is_finished(),
            Self::Finished => status.is_finished(),
        }
    }
}

/// One line of the list.
#[derive(Clone)]
pub struct Row {
    pub number: TrackingNumber,
    pub status: ComplaintStatus,
    pub community: String,
    pub category: LocalizedText,
    pub overdue: bool,
    /// A step was taken since the resident last opened its progress view.
    pub unseen: bool,
    /// Made by calling the 12345 hotline.
    pub from_hotline: bool,
}

impl Row {
    fn new(
        number: TrackingNumber,
        status: ComplaintStatus,
        community: String,
        category: LocalizedText,
        deadlines: [&Deadline; 2],
        updated_at: chrono::DateTime<chrono::Utc>,
        from_hotline: bool,
    ) -> Self {
        Self {
            from_hotline,
            overdue: !status.is_finished() && deadlines.iter().any(|deadline| deadline.overdue),
            unseen: storage::has_unseen_update(number.as_str(), updated_at),
            number,
            status,
            community,
            category,
        }
    }
}

impl From<ComplaintSummary> for Row {
    fn from(summary: ComplaintSummary) -> Self {
        let deadlines = [&summary.sign_deadline, &summary.resolve_deadline];
        Self::new(
            summary.tracking_number,
            summary.status,
            summary.community,
            summary.category,
            deadlines,
            summary.updated_at,
            summary.from_hotline,
        )
    }
}

/// The list, the first error if some of it could not be loaded (the rest is still listed), and,
/// with no network at all, the time of the last-known list shown instead.
#[derive(Clone)]
pub struct Loaded {
    pub rows: Vec<Row>,
    pub outcome: Result<(), ApiError>,
    pub last_known_at: Option<DateTime<Utc>>,
}

/// Every complaint the resident can follow here, newest first, each once.
pub async fn load(api: Api, session: Option<ResidentSession>) -> Loaded {
    let mut summaries: Vec<ComplaintSummary> = Vec::new();
    let mut outcome = Ok(());
    if let Some(session) = session {
        match api.my_complaints(&session.token).await {
            Ok(list) => summaries.extend(list),
            Err(error) => outcome = Err(error),
        }
    }
    // One request for all of them: a round trip and a few bytes each, on any network.
    let held: Vec<HeldComplaint> = storage::device_complaints()
        .into_iter()
        .filter(|(number, _)| !summaries.iter().any(|summary| summary.tracking_number.as_str() == number))
        .take(MAX_HELD_COMPLAINTS)
        .map(|(tracking_number, access_token)| HeldComplaint { tracking_number, access_token })
        .collect();
    if !held.is_empty() {
        match api.summaries(&SummariesRequest { complaints: held }).await {
            Ok(list) => summaries.extend(list),
            Err(error) => outcome = outcome.and(Err(error)),
        }
    }
    let mut last_known_at = None;
    match &outcome {
        Ok(()) => storage::set_json(LAST_KNOWN_KEY, &LastKnown { at: Utc::now(), complaints: summaries.clone() }),
        Err(ApiError::Network) if summaries.is_empty() => {
            if let Some(kept) = storage::get_json::<LastKnown>(LAST_KNOWN_KEY) {
                summaries = kept.complaints;
                last_known_at = Some(kept.at);
            }
        }
        Err(_) => {}
    }
    let mut rows: Vec<Row> = summaries.into_iter().map(Row::from).collect();
    rows.sort_by(|a, b| b.number.as_str().cmp(a.number.as_str()));
    Loaded { rows, outcome, last_known_at }
}

/// How many of the resident's complaints moved since they last looked, for the home screen's
/// badge. A chunk of its own (src/lazy.rs), with the list's loading and decoding.
pub fn unseen_updates(api: Api, session: Option<ResidentSession>) -> Pin<Box<dyn Future<Output = usize>>> {
    Box::pin(async move { load(api, session).await.rows.iter().filter(|row| row.unseen).count() })
}

const LAST_KNOWN_KEY: &str = "mashang.last_known";

/// The list as last loaded whole, kept on the device for a start with no network.
#[derive(serde::Serialize, serde::Deserialize)]
struct LastKnown {
    #[serde(deserialize_with = "mashang_model::time::rfc3339")]
    at: DateTime<Utc>,
    complaints: Vec<ComplaintSummary>,
}
