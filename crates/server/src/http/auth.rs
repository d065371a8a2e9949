//! Credentials on requests: a complaint's access token or a staff session, both as
//! `Authorization: Bearer …`.

use axum::extract::FromRequestParts;
use axum::http::header;
use axum::http::request::Parts;

use super::AppState;
use super::error::ApiError;
use crate::store::StaffMember;

/// The bearer token of a request; 401 when there is none.
pub struct BearerToken(pub String);

impl<S: Send + Sync> FromRequestParts<S> for BearerToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        let value = parts.headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or_default();
        match value.strip_prefix("Bearer ").map(str::trim) {
            Some(token) if !token.is_empty() && token.len() <= 128 => Ok(Self(token.to_owned())),
            _ => Err(ApiError::Unauthorized),
        }
    }
}

/// The signed-in member of staff; 401 without a valid, unexpired session.
pub struct SignedInStaff(pub StaffMember);

impl FromRequestParts<AppState> for SignedInStaff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let BearerToken(token) = BearerToken::from_request_parts(parts, state).await?;
        match state.store.staff_for_session(token, state.clock.now()).await? {
            Some(staff) => Ok(Self(staff)),
            None => Err(ApiError::Unauthorized),
        }
    }
}
