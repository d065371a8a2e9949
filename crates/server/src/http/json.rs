//! A JSON body extractor whose every rejection is one of our problems: a body that is not JSON is
//! a 400, JSON of the wrong shape (unknown field, wrong type, number out of range) a 422, a form
//! body a 415 and an oversized one a 413.

use axum::body::Bytes;
use axum::extract::{FromRequest, Request};
use axum::http::{StatusCode, header};
use serde::de::DeserializeOwned;

use super::error::ApiError;

pub struct ApiJson<T>(pub T);

impl<S, T> FromRequest<S> for ApiJson<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        if !is_json(request.headers().get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok())) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = Bytes::from_request(request, state).await.map_err(|rejection| {
            if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                ApiError::PayloadTooLarge
            } else {
                ApiError::MalformedBody(rejection.body_text())
            }
        })?;
        serde_json::from_slice(&bytes).map(Self).map_err(|error| {
            // serde_json calls some type mismatches syntax errors (a number where an enum belongs),
            // so decide by whether the body is JSON at all.
            if serde_json::from_slice::<serde_json::Value>(&bytes).is_ok() {
                ApiError::InvalidBody(error.to_string())
            } else {
                ApiError::MalformedBody(error.to_string())
            }
        })
    }
}

/// `application/json`, with or without parameters, or any `application/…+json`.
fn is_json(content_type: Option<&str>) -> bool {
    let Some(content_type) = content_type else { return false };
    let essence = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    essence == "application/json" || (essence.starts_with("application/") && essence.ends_with("+json"))
}

#[cfg(test)]
mod tests {
    use super::is_json;

    #[test]
    fn recognises_json_media_types() {
        assert!(is_json(Some("application/json")));
        assert!(is_json(Some("Application/JSON; charset=utf-8")));
        assert!(is_json(Some("application/merge-patch+json")));
        assert!(!is_json(Some("application/x-www-form-urlencoded")));
        assert!(!is_json(Some("text/json")));
        assert!(!is_json(None));
    }
}
