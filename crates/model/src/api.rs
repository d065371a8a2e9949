//! Request and response bodies of the JSON API (`/api/v1`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::deadline::{Deadline, DeadlineRule};
use crate::escalation::{Card, ConsultationState, EscalationDetail, Level};
use crate::lifecycle::Action;
use crate::{ComplaintStatus, TrackingNumber};

/// A name in both of the app's languages; Chinese is the one residents see first.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalizedText {
    pub zh: String,
    pub en: String,
}

/// A residential community (小区) and who manages it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Community {
    pub id: i64,
    pub name: String,
    pub district: String,
    /// The street office (街道) the community belongs to.
    pub street: String,
    pub property_company: String,
}

crate::names::named_enum! {
    /// Property problems go to the property company; the others to the community, the street
    /// office or a city department.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ProblemKind {
        Property = "property",
        NonProperty = "non_property",
    }
}

/// One node of the two-level category tree. Complaints are filed against a leaf.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Category {
    pub id: i64,
    pub name: LocalizedText,
    pub kind: ProblemKind,
    /// Urgent problems (a leak, people trapped in a lift) have much shorter deadlines.
    pub urgent: bool,
    /// How long the unit has to sign for, and to resolve, a complaint of this kind (leaves only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sign_within: Option<DeadlineRule>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resolve_within: Option<DeadlineRule>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[cfg_attr(feature = "openapi", schema(no_recursion))]
    pub children: Vec<Category>,
}

/// The body of `POST /complaints`. Fields are optional on the wire so that a missing one is
/// answered with a field error the app can show, not a parse error.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NewComplaint {
    #[serde(default)]
    pub community_id: Option<i64>,
    #[serde(default)]
    pub category_id: Option<i64>,
    /// Where in the community: building, unit and room, or a public area.
    #[serde(default)]
    pub location: String,
    #[serde(default)]
    pub description: String,
    /// Optional; shown to the handling unit, masked to everyone else.
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub phone: String,
    /// 对物业公司保密: the property company sees neither name nor number.
    #[serde(default)]
    pub hide_identity_from_property: bool,
    /// Consent to the personal-information notice; filing needs it.
    #[serde(default)]
    pub consent: bool,
    /// Photos uploaded beforehand with `POST /photos`, at most nine.
    #[serde(default)]
    pub photo_ids: Vec<String>,
    /// Whether neighbours of the same community may see it and join it (附议): its category,
    /// place, description and stage, never the name, phone or photos. Left out, it follows
    /// [`crate::validation::neighbours_see_by_default`].
    #[serde(default)]
    pub visible_to_neighbours: Option<bool>,
    /// 短信通知: text this phone when the complaint is signed for, needs more from the resident,
    /// is resolved or escalated. A text has the stage and a link, never the description.
    #[serde(default)]
    pub texts: bool,
}

/// The receipt for a filing.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiledComplaint {
    pub tracking_number: TrackingNumber,
    pub status: ComplaintStatus,
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub filed_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub sign_due_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub resolve_due_at: DateTime<Utc>,
    /// Lets this device view and act on the complaint without signing in. Shown once: the
    /// server keeps only its hash.
    pub access_token: String,
}

/// The body of `POST /complaints/lookup`: a POST so that the phone number never appears in a
/// URL, a proxy log or the browser history.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LookupRequest {
    #[serde(default)]
    pub tracking_number: String,
    #[serde(default)]
    pub phone: String,
}

crate::names::named_enum! {
    /// Who acted on a complaint.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ActorRole {
        Resident = "resident",
        PropertyCompany = "property_company",
        CommunityOffice = "community_office",
        HousingBureau = "housing_bureau",
        System = "system",
    }
}

crate::names::named_enum! {
    /// What happened in one step of the handling.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum EventKind {
        Filed = "filed",
        Accepted = "accepted",
        ProgressNote = "progress_note",
        InfoRequested = "info_requested",
        InfoSupplied = "info_supplied",
        Transferred = "transferred",
        Urged = "urged",
        Resolved = "resolved",
        Rated = "rated",
        Reopened = "reopened",
        Withdrawn = "withdrawn",
        Closed = "closed",
        /// 即将超时: a warning that a deadline is near.
        DueSoon = "due_soon",
        /// 督办 (with a yellow or red card: 挂牌督办).
        Supervised = "supervised",
        /// 提级办理
        Escalated = "escalated",
        /// 部门会商 called…
        ConsultationScheduled = "consultation_scheduled",
        /// …and held, with its outcome in the note.
        ConsultationHeld = "consultation_held",
        /// 附议: a neighbour joined the complaint.
        Joined = "joined",
        /// 来自12345热线: the complaint was made by calling the city hotline and imported from its
        /// ticket; the note carries the ticket's number and the hotline's own status.
        FromHotline = "from_hotline",
        /// A step added by a newer server.
        Other = "other",
    }
    else Other
}

/// One entry of a complaint's timeline. Entries are only ever appended.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEvent {
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub at: DateTime<Utc>,
    pub kind: EventKind,
    pub actor: ActorRole,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rating: Option<Rating>,
    /// The photos attached to this step, each as `{id}?exp=…&sig=…`: served at `/photos/{photo}`
    /// to whoever holds this signed capability, which only viewers of the complaint are given and
    /// which expires within two hours.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub photos: Vec<String>,
    /// For an escalation (预警, 督办, 提级, 会商): why, by whom, and what changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub escalation: Option<EscalationDetail>,
}

impl TimelineEvent {
    /// A bare step: who did what, when. Add a unit, a note, a rating or photos with struct
    /// update syntax.
    pub fn new(at: DateTime<Utc>, kind: EventKind, actor: ActorRole) -> Self {
        Self { at, kind, actor, unit: None, note: None, rating: None, photos: Vec::new(), escalation: None }
    }
}

/// The answer to a photo upload: its id, to reference from a filing or an action.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct UploadedPhoto {
    pub id: String,
    /// Where the uploader sees it until it is attached: `{id}?exp=…&sig=…`, under `/photos/`.
    /// Nobody else is given this capability; it expires after a day.
    #[serde(default)]
    pub path: String,
    pub width: u32,
    pub height: u32,
    pub bytes: u64,
}

crate::names::named_enum! {
    /// 是否解决
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Solved {
        Yes = "yes",
        Partly = "partly",
        No = "no",
    }
}

crate::names::named_enum! {
    /// 满意度
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Satisfaction {
        Satisfied = "satisfied",
        BasicallySatisfied = "basically_satisfied",
        Dissatisfied = "dissatisfied",
    }
}

/// The resident's verdict on a resolution.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rating {
    pub solved: Solved,
    pub satisfaction: Satisfaction,
}

/// The body of `POST /complaints/{number}/actions`: 补充材料, 催办, 撤回, 评价, 重新办理.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResidentActionRequest {
    pub action: Action,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub rating: Option<Rating>,
    #[serde(default)]
    pub photo_ids: Vec<String>,
}

crate::names::named_enum! {
    /// Which kind of unit holds a complaint.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum HandlerRole {
        PropertyCompany = "property_company",
        CommunityOffice = "community_office",
    }
}

/// The body of `POST /staff/complaints/{number}/actions`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffActionRequest {
    pub action: Action,
    #[serde(default)]
    pub note: String,
    /// For a transfer: the kind of unit that takes the complaint over.
    #[serde(default)]
    pub transfer_to: Option<HandlerRole>,
    /// Photos of the work done, with a resolution.
    #[serde(default)]
    pub photo_ids: Vec<String>,
    /// 督办: the new deadline; 部门会商: when the meeting is.
    #[serde(default)]
    #[serde(deserialize_with = "crate::time::rfc3339_option")]
    pub due_at: Option<DateTime<Utc>>,
    /// 部门会商: the units called to the meeting (the holder and the supervisors by default).
    #[serde(default)]
    pub units: Vec<String>,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StaffSignIn {
    pub username: String,
    pub password: String,
    /// The workbench asks for an HttpOnly cookie instead of a token in the answer, so that no
    /// script can read the session; API clients leave it out and get a bearer token.
    #[serde(default)]
    pub use_cookie: bool,
}

/// Staff roles, each bound to its organization.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum StaffRole {
    PropertyCompany,
    CommunityOffice,
    HousingBureau,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffSession {
    /// Sent as `Authorization: Bearer …` on staff requests; absent for a cookie session.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub token: Option<String>,
    /// A cookie session's state-changing requests echo this in `X-CSRF-Token`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub csrf_token: Option<String>,
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub expires_at: DateTime<Utc>,
    pub role: StaffRole,
    pub display_name: String,
    /// The company, street office or bureau the account belongs to.
    pub organization: String,
}

/// One row of a list of complaints: a unit's work list, or a resident's own complaints.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintSummary {
    pub tracking_number: TrackingNumber,
    pub status: ComplaintStatus,
    pub community: String,
    pub category: LocalizedText,
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub filed_at: DateTime<Utc>,
    /// When its last step was taken; the app compares it with what the resident has seen.
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub updated_at: DateTime<Utc>,
    pub sign_deadline: Deadline,
    pub resolve_deadline: Deadline,
    #[serde(default)]
    pub level: Level,
    #[serde(default)]
    pub card: Card,
    /// Made by calling the 12345 hotline (来自12345热线), and imported from its ticket.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub from_hotline: bool,
}

/// The complaints a device can follow (it holds their access tokens), asked about in one request
/// so that a list or a badge costs one round trip, however many there are. The tokens travel in
/// the body, never in a URL.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SummariesRequest {
    pub complaints: Vec<HeldComplaint>,
}

/// How many complaints one [`SummariesRequest`] may ask about.
pub const MAX_HELD_COMPLAINTS: usize = 100;

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeldComplaint {
    pub tracking_number: String,
    pub access_token: String,
}

/// A complaint as shown to the resident who filed it: personal data masked.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ComplaintView {
    pub tracking_number: TrackingNumber,
    pub status: ComplaintStatus,
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub filed_at: DateTime<Utc>,
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub updated_at: DateTime<Utc>,
    pub community: String,
    pub property_company: String,
    pub category: LocalizedText,
    pub location: String,
    pub description: String,
    /// The phone number: in full only to the unit handling the complaint.
    pub phone: String,
    /// The name, if one was given: in full only to the unit handling the complaint.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    pub hide_identity_from_property: bool,
    /// The unit holding the complaint now.
    pub handling_unit: String,
    pub handler_role: HandlerRole,
    pub sign_deadline: Deadline,
    pub resolve_deadline: Deadline,
    /// What the viewer may do now, from the lifecycle table.
    pub available_actions: Vec<Action>,
    pub timeline: Vec<TimelineEvent>,
    /// Where it stands on the escalation ladder, and who joined it.
    #[serde(default)]
    pub escalation: EscalationState,
    /// Whether the viewer (its filer, or a neighbour who joined) is told of progress by text;
    /// absent for anyone else.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub texts: Option<bool>,
}

/// `PUT /complaints/{number}/texts`: whether the filer, or a neighbour who joined, is told of
/// progress by text from now on.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct TextsChoice {
    pub enabled: bool,
}

/// The escalation side of a complaint, for the progress view's banner.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationState {
    pub level: Level,
    pub card: Card,
    /// 即将超时: the step waited for is close to its deadline.
    pub due_soon: bool,
    pub consultation: ConsultationState,
    /// Whether neighbours may see and join it.
    pub visible_to_neighbours: bool,
    /// Households that joined (附议).
    pub joins: u32,
    /// Whether the viewer is a neighbour who joined, rather than the filer.
    pub viewer_joined: bool,
    /// Complaints about the same problem in the same place, linked as repeats.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub repeats: Vec<RepeatLink>,
}

/// Another complaint about the same problem, in the same place.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RepeatLink {
    pub tracking_number: TrackingNumber,
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub filed_at: DateTime<Utc>,
    pub status: ComplaintStatus,
    /// Filed before this one (this one repeats it), or after.
    pub earlier: bool,
}

/// An open complaint of the same community and category that neighbours may see and join,
/// offered while filing (同小区已有相似问题). Never a name, a phone or a photo.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NeighbourComplaint {
    pub tracking_number: TrackingNumber,
    pub category: LocalizedText,
    pub location: String,
    pub description: String,
    pub status: ComplaintStatus,
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub filed_at: DateTime<Utc>,
    pub joins: u32,
}

/// The body of `POST /auth/codes`: send a one-time sign-in code to this phone.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeRequest {
    pub phone: String,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct CodeSent {
    pub expires_in_seconds: u32,
}

/// The body of `POST /auth/codes/verify`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CodeVerification {
    pub phone: String,
    pub code: String,
}

/// The body of `POST /auth/handoff`: a signed token from the citizen-services app.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HandoffExchange {
    pub token: String,
}

/// A resident signed in on this device; the token opens every complaint filed with this phone.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResidentSession {
    pub token: String,
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub expires_at: DateTime<Utc>,
    /// The verified number in full, so the device that signed in can file with it without the
    /// resident typing it again. Only ever sent to the phone's own holder.
    #[serde(default)]
    pub phone: String,
    pub phone_masked: String,
}
