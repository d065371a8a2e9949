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

crate::names::named_enum! {
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ProblemCode {
        ValidationFailed = "validation_failed",
        MalformedBody = "malformed_body",
        UnsupportedMediaType = "unsupported_media_type",
        MethodNotAllowed = "method_not_allowed",
        NotFound = "not_found",
        PayloadTooLarge = "payload_too_large",
        RateLimited = "rate_limited",
        Busy = "busy",
        StorageFull = "storage_full",
        Internal = "internal",
        /// The request needs a credential it did not carry, or one that is not valid.
        Unauthorized = "unauthorized",
        /// The lifecycle refused the action; `reason` says why.
        ActionRefused = "action_refused",
        IdempotencyKeyMissing = "idempotency_key_missing",
        IdempotencyKeyInvalid = "idempotency_key_invalid",
        /// The key was used before with a different body.
        IdempotencyKeyReused = "idempotency_key_reused",
        /// 附议: this phone has joined this complaint already.
        AlreadyJoined = "already_joined",
        /// 附议: the filer cannot join their own complaint.
        OwnComplaint = "own_complaint",
        /// 附议: the complaint is over (closed, withdrawn, or resolved and rated).
        ComplaintFinished = "complaint_finished",
        /// Signed in, but this role may not do this (see the complaint, read the audit log).
        Forbidden = "forbidden",
        /// A cookie session's state-changing request without its `X-CSRF-Token`, or from another site.
        CsrfRejected = "csrf_rejected",
        /// A code added by a newer server: the app falls back to a generic sentence.
        Unknown = "unknown",
    }
    else Unknown
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

crate::names::named_enum! {
    /// Request fields, named as in the JSON bodies.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Field {
        CommunityId = "community_id",
        CategoryId = "category_id",
        Location = "location",
        Description = "description",
        Name = "name",
        Phone = "phone",
        Consent = "consent",
        TrackingNumber = "tracking_number",
        Note = "note",
        Rating = "rating",
        TransferTo = "transfer_to",
        Photos = "photos",
        /// A supervisor's deadline (督办) or a meeting's time (会商).
        DueAt = "due_at",
        /// A scorecard's month or quarter.
        Period = "period",
        /// A field added by a newer server.
        Other = "other",
    }
    else Other
}

crate::names::named_enum! {
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum FieldErrorCode {
        Required = "required",
        TooShort = "too_short",
        TooLong = "too_long",
        InvalidPhone = "invalid_phone",
        InvalidTrackingNumber = "invalid_tracking_number",
        UnknownCommunity = "unknown_community",
        UnknownCategory = "unknown_category",
        /// A top-level category was chosen where a specific problem is needed.
        CategoryNotSpecific = "category_not_specific",
        /// Filing needs consent to the personal-information notice.
        ConsentRequired = "consent_required",
        /// More items than allowed (photos); `limit` says how many.
        TooMany = "too_many",
        /// A referenced photo was never uploaded.
        UnknownPhoto = "unknown_photo",
        /// An empty file.
        Empty = "empty",
        /// Not a JPEG, PNG or WebP image, whatever its name or declared type.
        UnsupportedType = "unsupported_type",
        /// An image with more pixels than the limit (`limit`, in megapixels).
        TooManyPixels = "too_many_pixels",
        /// An image whose data cannot be decoded.
        Undecodable = "undecodable",
        /// A deadline or meeting time that is not in the future.
        NotInFuture = "not_in_future",
        /// Not a month such as 2026-11 or a quarter such as 2026Q4.
        InvalidPeriod = "invalid_period",
        /// A code added by a newer server.
        Unknown = "unknown",
    }
    else Unknown
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
