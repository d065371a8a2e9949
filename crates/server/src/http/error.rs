//! One error type for every handler: each variant becomes an `application/problem+json` answer
//! with a stable code, so handlers simply use `?`. Internal details go to the log, never to the
//! client.

use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mashang_model::lifecycle::Refusal;
use mashang_model::problem::PROBLEM_CONTENT_TYPE;
use mashang_model::{FieldError, Problem, ProblemCode};

use crate::store::StoreError;

tokio::task_local! {
    /// The id of the request being answered, for the problem body; set by the request-id layer.
    pub static REQUEST_ID: String;
}

#[derive(Debug, thiserror::Error)]
pub enum ApiError {
    #[error("validation failed")]
    Validation(Vec<FieldError>),
    #[error("not found")]
    NotFound,
    #[error("malformed body: {0}")]
    MalformedBody(String),
    #[error("the body does not match the expected shape: {0}")]
    InvalidBody(String),
    #[error("unsupported media type")]
    UnsupportedMediaType,
    #[error("payload too large")]
    PayloadTooLarge,
    #[error("method not allowed")]
    MethodNotAllowed,
    #[error("missing or invalid credentials")]
    Unauthorized,
    #[error("not allowed for this role")]
    Forbidden,
    #[error("cross-site request refused")]
    CsrfRejected,
    #[error("the lifecycle refused the action: {0:?}")]
    ActionRefused(Refusal),
    #[error("too many requests; retry in {0} s")]
    RateLimited(u64),
    #[error("the Idempotency-Key header is missing")]
    IdempotencyKeyMissing,
    #[error("the Idempotency-Key header is not a UUID")]
    IdempotencyKeyInvalid,
    #[error("the Idempotency-Key was used before with another body")]
    IdempotencyKeyReused,
    #[error("this phone has joined this complaint already")]
    AlreadyJoined,
    #[error("the filer cannot join their own complaint")]
    OwnComplaint,
    #[error("the complaint is over")]
    ComplaintFinished,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ApiError {
    fn problem(&self) -> Problem {
        let (status, code, title) = match self {
            Self::Validation(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, ProblemCode::ValidationFailed, "Some fields need correcting")
            }
            Self::NotFound => (StatusCode::NOT_FOUND, ProblemCode::NotFound, "Not found"),
            Self::MalformedBody(_) => {
                (StatusCode::BAD_REQUEST, ProblemCode::MalformedBody, "The request body is not valid JSON")
            }
            Self::InvalidBody(_) => {
                (StatusCode::UNPROCESSABLE_ENTITY, ProblemCode::MalformedBody, "The request body has the wrong shape")
            }
            Self::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                ProblemCode::UnsupportedMediaType,
                "Send the body as application/json",
            ),
            Self::PayloadTooLarge => {
                (StatusCode::PAYLOAD_TOO_LARGE, ProblemCode::PayloadTooLarge, "The request body is too large")
            }
            Self::MethodNotAllowed => {
                (StatusCode::METHOD_NOT_ALLOWED, ProblemCode::MethodNotAllowed, "Method not allowed")
            }
            Self::Forbidden => (StatusCode::FORBIDDEN, ProblemCode::Forbidden, "Not allowed for your role"),
            Self::CsrfRejected => (
                StatusCode::FORBIDDEN,
                ProblemCode::CsrfRejected,
                "Send the session's X-CSRF-Token header from the workbench itself",
            ),
            Self::Unauthorized => {
                (StatusCode::UNAUTHORIZED, ProblemCode::Unauthorized, "Sign in, or use this complaint's access token")
            }
            Self::ActionRefused(Refusal::NotPermitted) => {
                (StatusCode::FORBIDDEN, ProblemCode::ActionRefused, "You may not take this action")
            }
            Self::ActionRefused(_) => {
                (StatusCode::CONFLICT, ProblemCode::ActionRefused, "This action is not possible now")
            }
            Self::RateLimited(_) => {
                (StatusCode::TOO_MANY_REQUESTS, ProblemCode::RateLimited, "Too many attempts, wait a little")
            }
            Self::IdempotencyKeyMissing => {
                (StatusCode::BAD_REQUEST, ProblemCode::IdempotencyKeyMissing, "Send an Idempotency-Key header")
            }
            Self::IdempotencyKeyInvalid => {
                (StatusCode::BAD_REQUEST, ProblemCode::IdempotencyKeyInvalid, "The Idempotency-Key must be a UUID")
            }
            Self::IdempotencyKeyReused => (
                StatusCode::UNPROCESSABLE_ENTITY,
                ProblemCode::IdempotencyKeyReused,
                "This Idempotency-Key was used for another request",
            ),
            Self::AlreadyJoined => {
                (StatusCode::CONFLICT, ProblemCode::AlreadyJoined, "This phone has joined this complaint already")
            }
            Self::OwnComplaint => {
                (StatusCode::CONFLICT, ProblemCode::OwnComplaint, "This is your own complaint: you follow it already")
            }
            Self::ComplaintFinished => {
                (StatusCode::CONFLICT, ProblemCode::ComplaintFinished, "This complaint is over and cannot be joined")
            }
            Self::Store(StoreError::Busy) => {
                (StatusCode::SERVICE_UNAVAILABLE, ProblemCode::Busy, "The service is busy, try again shortly")
            }
            Self::Store(StoreError::Full) => {
                (StatusCode::INSUFFICIENT_STORAGE, ProblemCode::StorageFull, "The service cannot store data right now")
            }
            Self::Store(_) => {
                (StatusCode::INTERNAL_SERVER_ERROR, ProblemCode::Internal, "Something went wrong on our side")
            }
        };
        let mut problem = Problem::new(status.as_u16(), code, title);
        match self {
            Self::Validation(errors) => problem.errors = errors.clone(),
            Self::MalformedBody(detail) | Self::InvalidBody(detail) => problem.detail = Some(detail.clone()),
            Self::ActionRefused(reason) => problem.reason = Some(*reason),
            _ => {}
        }
        problem.request_id = REQUEST_ID.try_with(Clone::clone).ok();
        problem
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let problem = self.problem();
        match &self {
            Self::Store(StoreError::Busy | StoreError::Full) | Self::RateLimited(_) => {
                tracing::warn!("answered {}: {self}", problem.status)
            }
            Self::Store(_) => tracing::error!("internal error: {self}"),
            _ => tracing::debug!("answered {}: {self}", problem.status),
        }
        let status = StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let body = serde_json::to_vec(&problem).unwrap_or_default();
        let mut response = (status, body).into_response();
        let headers = response.headers_mut();
        headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(PROBLEM_CONTENT_TYPE));
        if matches!(self, Self::Store(StoreError::Busy | StoreError::Full)) {
            headers.insert(header::RETRY_AFTER, HeaderValue::from_static("2"));
        }
        if let Self::RateLimited(seconds) = self
            && let Ok(value) = HeaderValue::from_str(&seconds.to_string())
        {
            headers.insert(header::RETRY_AFTER, value);
        }
        if matches!(self, Self::Unauthorized) {
            headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"));
        }
        response
    }
}

pub type ApiResult<T> = Result<T, ApiError>;
