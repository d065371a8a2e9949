//! Errors as `application/problem+json` (RFC 9457), with stable codes the app translates.

use serde::{Deserialize, Serialize};

/// The media type of every error body.
pub const PROBLEM_CONTENT_TYPE: &str = "application/problem+json";

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Problem {
    #[serde(rename = "type")]
    pub problem_type: String,
    pub title: String,
    pub status: u16,
    /// The stable, machine-readable reason; the app chooses its sentence from this.
    pub code: ProblemCode,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub detail: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
    /// For `action_refused`: why the lifecycle said no.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<crate::lifecycle::Refusal>,
    /// Quoted by a resident or an operator to find the request in the server's log.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub request_id: Option<String>,
}

impl Problem {
    pub fn new(status: u16, code: ProblemCode, title: impl Into<String>) -> Self {
        Self {
            problem_type: format!("urn:mashang:problem:{}", code.as_str()),
            title: title.into(),
            status,
            code,
            detail: None,
            errors: Vec::new(),
            reason: None,
            request_id: None,
        }
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    ValidationFailed,
    MalformedBody,
    UnsupportedMediaType,
    MethodNotAllowed,
    NotFound,
    PayloadTooLarge,
    RateLimited,
    Busy,
    StorageFull,
    Internal,
    /// The request needs a credential it did not carry, or one that is not valid.
    Unauthorized,
    /// The lifecycle refused the action; `reason` says why.
    ActionRefused,
    IdempotencyKeyMissing,
    IdempotencyKeyInvalid,
    /// The key was used before with a different body.
    IdempotencyKeyReused,
    /// 附议: this phone has joined this complaint already.
    AlreadyJoined,
    /// 附议: the filer cannot join their own complaint.
    OwnComplaint,
    /// 附议: the complaint is over (closed, withdrawn, or resolved and rated).
    ComplaintFinished,
    /// Signed in, but this role may not do this (see the complaint, read the audit log).
    Forbidden,
    /// A cookie session's state-changing request without its `X-CSRF-Token`, or from another site.
    CsrfRejected,
    /// A code added by a newer server: the app falls back to a generic sentence.
    Unknown,
}

crate::names::deserialize_by_name!(
    ProblemCode => |name| Some(ProblemCode::from_name(name)),
    Field => |name| Some(Field::from_name(name)),
    FieldErrorCode => |name| Some(FieldErrorCode::from_name(name)),
);

impl ProblemCode {
    pub const ALL: [Self; 21] = [
        Self::ValidationFailed,
        Self::MalformedBody,
        Self::UnsupportedMediaType,
        Self::MethodNotAllowed,
        Self::NotFound,
        Self::PayloadTooLarge,
        Self::RateLimited,
        Self::Busy,
        Self::StorageFull,
        Self::Internal,
        Self::Unauthorized,
        Self::ActionRefused,
        Self::IdempotencyKeyMissing,
        Self::IdempotencyKeyInvalid,
        Self::IdempotencyKeyReused,
        Self::AlreadyJoined,
        Self::OwnComplaint,
        Self::ComplaintFinished,
        Self::Forbidden,
        Self::CsrfRejected,
        Self::Unknown,
    ];

    /// Any code this version does not know (a newer server's) reads as `Unknown`.
    pub fn from_name(name: &str) -> Self {
        Self::ALL.into_iter().find(|code| code.as_str() == name).unwrap_or(Self::Unknown)
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::ValidationFailed => "validation_failed",
            Self::MalformedBody => "malformed_body",
            Self::UnsupportedMediaType => "unsupported_media_type",
            Self::MethodNotAllowed => "method_not_allowed",
            Self::NotFound => "not_found",
            Self::PayloadTooLarge => "payload_too_large",
            Self::RateLimited => "rate_limited",
            Self::Busy => "busy",
            Self::StorageFull => "storage_full",
            Self::Internal => "internal",
            Self::Unauthorized => "unauthorized",
            Self::ActionRefused => "action_refused",
            Self::IdempotencyKeyMissing => "idempotency_key_missing",
            Self::IdempotencyKeyInvalid => "idempotency_key_invalid",
            Self::IdempotencyKeyReused => "idempotency_key_reused",
            Self::AlreadyJoined => "already_joined",
            Self::OwnComplaint => "own_complaint",
            Self::ComplaintFinished => "complaint_finished",
            Self::Forbidden => "forbidden",
            Self::CsrfRejected => "csrf_rejected",
            Self::Unknown => "unknown",
        }
    }
}

/// One problem with one field of a request, shown next to that field.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: Field,
    pub code: FieldErrorCode,
    /// The bound that was crossed, for `too_short` and `too_long`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u32>,
}

impl FieldError {
    pub fn new(field: Field, code: FieldErrorCode) -> Self {
        Self { field, code, limit: None }
    }

    pub fn with_limit(field: Field, code: FieldErrorCode, limit: usize) -> Self {
        Self { field, code, limit: Some(u32::try_from(limit).unwrap_or(u32::MAX)) }
    }
}

/// Request fields, named as in the JSON bodies.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    CommunityId,
    CategoryId,
    Location,
    Description,
    Name,
    Phone,
    Consent,
    TrackingNumber,
    Note,
    Rating,
    TransferTo,
    Photos,
    /// A supervisor's deadline (督办) or a meeting's time (会商).
    DueAt,
    /// A scorecard's month or quarter.
    Period,
    /// A field added by a newer server.
    Other,
}

impl Field {
    pub const ALL: [Self; 15] = [
        Self::CommunityId,
        Self::CategoryId,
        Self::Location,
        Self::Description,
        Self::Name,
        Self::Phone,
        Self::Consent,
        Self::TrackingNumber,
        Self::Note,
        Self::Rating,
        Self::TransferTo,
        Self::Photos,
        Self::DueAt,
        Self::Period,
        Self::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::CommunityId => "community_id",
            Self::CategoryId => "category_id",
            Self::Location => "location",
            Self::Description => "description",
            Self::Name => "name",
            Self::Phone => "phone",
            Self::Consent => "consent",
            Self::TrackingNumber => "tracking_number",
            Self::Note => "note",
            Self::Rating => "rating",
            Self::TransferTo => "transfer_to",
            Self::Photos => "photos",
            Self::DueAt => "due_at",
            Self::Period => "period",
            Self::Other => "other",
        }
    }

    /// Any field this version does not know reads as `Other`.
    pub fn from_name(name: &str) -> Self {
        Self::ALL.into_iter().find(|field| field.as_str() == name).unwrap_or(Self::Other)
    }
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FieldErrorCode {
    Required,
    TooShort,
    TooLong,
    InvalidPhone,
    InvalidTrackingNumber,
    UnknownCommunity,
    UnknownCategory,
    /// A top-level category was chosen where a specific problem is needed.
    CategoryNotSpecific,
    /// Filing needs consent to the personal-information notice.
    ConsentRequired,
    /// More items than allowed (photos); `limit` says how many.
    TooMany,
    /// A referenced photo was never uploaded.
    UnknownPhoto,
    /// An empty file.
    Empty,
    /// Not a JPEG, PNG or WebP image, whatever its name or declared type.
    UnsupportedType,
    /// An image with more pixels than the limit (`limit`, in megapixels).
    TooManyPixels,
    /// An image whose data cannot be decoded.
    Undecodable,
    /// A deadline or meeting time that is not in the future.
    NotInFuture,
    /// Not a month such as 2026-11 or a quarter such as 2026Q4.
    InvalidPeriod,
    /// A code added by a newer server.
    Unknown,
}

impl FieldErrorCode {
    pub const ALL: [Self; 18] = [
        Self::Required,
        Self::TooShort,
        Self::TooLong,
        Self::InvalidPhone,
        Self::InvalidTrackingNumber,
        Self::UnknownCommunity,
        Self::UnknownCategory,
        Self::CategoryNotSpecific,
        Self::ConsentRequired,
        Self::TooMany,
        Self::UnknownPhoto,
        Self::Empty,
        Self::UnsupportedType,
        Self::TooManyPixels,
        Self::Undecodable,
        Self::NotInFuture,
        Self::InvalidPeriod,
        Self::Unknown,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Required => "required",
            Self::TooShort => "too_short",
            Self::TooLong => "too_long",
            Self::InvalidPhone => "invalid_phone",
            Self::InvalidTrackingNumber => "invalid_tracking_number",
            Self::UnknownCommunity => "unknown_community",
            Self::UnknownCategory => "unknown_category",
            Self::CategoryNotSpecific => "category_not_specific",
            Self::ConsentRequired => "consent_required",
            Self::TooMany => "too_many",
            Self::UnknownPhoto => "unknown_photo",
            Self::Empty => "empty",
            Self::UnsupportedType => "unsupported_type",
            Self::TooManyPixels => "too_many_pixels",
            Self::Undecodable => "undecodable",
            Self::NotInFuture => "not_in_future",
            Self::InvalidPeriod => "invalid_period",
            Self::Unknown => "unknown",
        }
    }

    /// Any code this version does not know reads as `Unknown`.
    pub fn from_name(name: &str) -> Self {
        Self::ALL.into_iter().find(|code| code.as_str() == name).unwrap_or(Self::Unknown)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_codes_from_a_newer_server_still_parse() {
        let body = r#"{"type":"urn:x","title":"t","status":418,"code":"teapot","errors":[{"field":"colour","code":"too_blue"}]}"#;
        let problem: Problem = serde_json::from_str(body).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(problem.code, ProblemCode::Unknown);
        assert_eq!(problem.errors[0], FieldError::new(Field::Other, FieldErrorCode::Unknown));
    }

    #[test]
    fn problem_type_names_the_code() {
        let problem = Problem::new(422, ProblemCode::ValidationFailed, "Invalid");
        assert_eq!(problem.problem_type, "urn:mashang:problem:validation_failed");
        let json = serde_json::to_value(&problem).unwrap_or_default();
        assert!(json.get("errors").is_none(), "empty lists are left out: {json}");
    }
}
