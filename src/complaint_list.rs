//! The resident's complaints as a list: those filed on this device (by their access tokens) and,
//! when signed in by SMS code, those filed elsewhere with the same phone. Shared by the home
//! screen (its badge of new steps) and 我的投诉.

use mashang_model::deadline::Deadline;
use mashang_model::{
    ComplaintStatus, ComplaintSummary, HeldComplaint, LocalizedText, MAX_HELD_COMPLAINTS, ResidentSession,
    SummariesRequest, TrackingNumber,
};

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
}

impl Row {
    fn new(
        number: TrackingNumber,
        status: ComplaintStatus,
        community: String,
        category: LocalizedText,
        deadlines: [&Deadline; 2],
        updated_at: chrono::DateTime<chrono::Utc>,
    ) -> Self {
        Self {
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
        )
    }
}

/// Every complaint the resident can follow here, newest first, each once; with the first error if
/// some could not be loaded (the rest are still listed).
pub async fn load(api: Api, session: Option<ResidentSession>) -> (Vec<Row>, Result<(), ApiError>) {
    let mut rows: Vec<Row> = Vec::new();
    let mut outcome = Ok(());
    if let Some(session) = session {
        match api.my_complaints(&session.token).await {
            Ok(list) => rows.extend(list.into_iter().map(Row::from)),
            Err(error) => outcome = Err(error),
        }
    }
    // One request for all of them: a round trip and a few bytes each, on any network.
    let held: Vec<HeldComplaint> = storage::device_complaints()
        .into_iter()
        .filter(|(number, _)| !rows.iter().any(|row| row.number.as_str() == number))
        .take(MAX_HELD_COMPLAINTS)
        .map(|(tracking_number, access_token)| HeldComplaint { tracking_number, access_token })
        .collect();
    if !held.is_empty() {
        match api.summaries(&SummariesRequest { complaints: held }).await {
            Ok(list) => rows.extend(list.into_iter().map(Row::from)),
            Err(error) => outcome = outcome.and(Err(error)),
        }
    }
    rows.sort_by(|a, b| b.number.as_str().cmp(a.number.as_str()));
    (rows, outcome)
}
