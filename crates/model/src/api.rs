//! Request and response bodies of the JSON API (`/api/v1`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{ComplaintStatus, TrackingNumber};

/// A name in both of the app's languages; Chinese is the one residents see first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalizedText {
    pub zh: String,
    pub en: String,
}

/// A residential community (小区) and who manages it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Community {
    pub id: i64,
    pub name: String,
    pub district: String,
    /// The street office (街道) the community belongs to.
    pub street: String,
    pub property_company: String,
}

/// Property problems go to the property company; the others to the community, the street
/// office or a city department.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemKind {
    Property,
    NonProperty,
}

/// One node of the two-level category tree. Complaints are filed against a leaf.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: i64,
    pub name: LocalizedText,
    pub kind: ProblemKind,
    /// Urgent problems (a leak, people trapped in a lift) have much shorter deadlines.
    pub urgent: bool,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub children: Vec<Category>,
}

/// The body of `POST /complaints`. Fields are optional on the wire so that a missing one is
/// answered with a field error the app can show, not a parse error.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewComplaint {
    #[serde(default)]
    pub community_id: Option<i64>,
    #[serde(default)]
    pub category_id: Option<i64>,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub phone: String,
}

/// The receipt for a filing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiledComplaint {
    pub tracking_number: TrackingNumber,
    pub status: ComplaintStatus,
    pub filed_at: DateTime<Utc>,
}

/// The body of `POST /complaints/lookup`: a POST so that the phone number never appears in a
/// URL, a proxy log or the browser history.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookupRequest {
    #[serde(default)]
    pub tracking_number: String,
    #[serde(default)]
    pub phone: String,
}

/// Who acted on a complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ActorRole {
    Resident,
    PropertyCompany,
    CommunityOffice,
    HousingBureau,
    System,
}

/// What happened in one step of the handling.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EventKind {
    Filed,
    Accepted,
    ProgressNote,
    InfoRequested,
    InfoSupplied,
    Transferred,
    Urged,
    Resolved,
    Rated,
    Reopened,
    Withdrawn,
    Closed,
    #[serde(other)]
    Other,
}

/// One entry of a complaint's timeline. Entries are only ever appended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEvent {
    pub at: DateTime<Utc>,
    pub kind: EventKind,
    pub actor: ActorRole,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A complaint as shown to the resident who filed it: personal data masked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintView {
    pub tracking_number: TrackingNumber,
    pub status: ComplaintStatus,
    pub filed_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub community: String,
    pub property_company: String,
    pub category: LocalizedText,
    pub description: String,
    pub phone_masked: String,
    pub timeline: Vec<TimelineEvent>,
}
