//! A JSON body extractor whose every rejection is one of our problems: a syntax error is a 400, a
//! body of the wrong shape (unknown field, wrong type, number out of range) a 422, a form body a
//! 415 and an oversized one a 413.

use axum::extract::rejection::JsonRejection;
use axum::extract::{FromRequest, Request};
use axum::http::StatusCode;
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
        match axum::Json::<T>::from_request(request, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(match rejection {
                JsonRejection::JsonDataError(error) => ApiError::InvalidBody(error.body_text()),
                JsonRejection::JsonSyntaxError(error) => ApiError::MalformedBody(error.body_text()),
                JsonRejection::MissingJsonContentType(_) => ApiError::UnsupportedMediaType,
                other if other.status() == StatusCode::PAYLOAD_TOO_LARGE => ApiError::PayloadTooLarge,
                other => ApiError::MalformedBody(other.body_text()),
            }),
        }
    }
}
