//! Credentials on requests: a complaint's access token or a staff session as
//! `Authorization: Bearer …`, or the workbench's session cookie.
//!
//! The cookie is HttpOnly and SameSite=Strict and scoped to the staff API's path; on top of that,
//! every state-changing request it authenticates must echo the session's CSRF token in
//! `X-CSRF-Token`, a header no cross-site form or link can set. Bearer requests need no such
//! token: a browser never attaches them by itself.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, header};
use mashang_model::staff::CSRF_HEADER;

use super::AppState;
use super::error::ApiError;
use crate::secrets;
use crate::store::StaffMember;

/// The workbench's session cookie.
pub const STAFF_COOKIE: &str = "mashang_staff";

/// The bearer token of a request; 401 when there is none.
pub struct BearerToken(pub String);

impl<S: Send + Sync> FromRequestParts<S> for BearerToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Self::Rejection> {
        bearer(&parts.headers).map(Self).ok_or(ApiError::Unauthorized)
    }
}

fn bearer(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok()).unwrap_or_default();
    match value.strip_prefix("Bearer ").map(str::trim) {
        Some(token) if !token.is_empty() && token.len() <= 128 => Some(token.to_owned()),
        _ => None,
    }
}

/// The value of the cookie `name`, if the request carries it.
fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|value| value.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value.to_owned())
        .filter(|value| !value.is_empty() && value.len() <= 128)
}

/// The signed-in member of staff and the session's token; 401 without a valid, unexpired
/// session, 403 for a cookie request that changes something without the CSRF token.
pub struct SignedInStaff(pub StaffMember);

/// [`SignedInStaff`] with the token, for signing out.
pub struct StaffSessionToken {
    pub staff: StaffMember,
    pub token: String,
    pub csrf_token: Option<String>,
    pub expires_at: chrono::DateTime<chrono::Utc>,
}

impl FromRequestParts<AppState> for StaffSessionToken {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let (token, by_cookie) = match bearer(&parts.headers) {
            Some(token) => (token, false),
            None => (cookie(&parts.headers, STAFF_COOKIE).ok_or(ApiError::Unauthorized)?, true),
        };
        let now = state.clock.now();
        let session = state.store.staff_for_session(token.clone(), now).await?.ok_or(ApiError::Unauthorized)?;
        let changes_state = !matches!(parts.method, Method::GET | Method::HEAD | Method::OPTIONS);
        if by_cookie && changes_state {
            let sent = parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()).unwrap_or_default();
            let expected = session.csrf_token.as_deref().ok_or(ApiError::CsrfRejected)?;
            if sent.is_empty() || !secrets::same_bytes(sent.as_bytes(), expected.as_bytes()) {
                tracing::warn!(staff = session.staff.id, "cookie request without a valid CSRF token refused");
                return Err(ApiError::CsrfRejected);
            }
        }
        state.store.touch_staff_session(token.clone(), session.expires_at, now, state.staff_idle).await?;
        Ok(Self { staff: session.staff, token, csrf_token: session.csrf_token, expires_at: session.expires_at })
    }
}

impl FromRequestParts<AppState> for SignedInStaff {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(Self(StaffSessionToken::from_request_parts(parts, state).await?.staff))
    }
}

/// The `Set-Cookie` value that stores a session (or, with `None`, clears it): HttpOnly so no
/// script reads it, SameSite=Strict so no other site's page sends it, and only to the staff API.
pub fn session_cookie(state: &AppState, token: Option<&str>) -> HeaderValue {
    let path = format!("{}{}/staff", state.base_path.trim_end_matches('/'), mashang_model::API_PREFIX);
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let value = match token {
        Some(token) => format!(
            "{STAFF_COOKIE}={token}; Path={path}; HttpOnly; SameSite=Strict; Max-Age={}{secure}",
            crate::store::STAFF_SESSION_SECONDS
        ),
        None => format!("{STAFF_COOKIE}=; Path={path}; HttpOnly; SameSite=Strict; Max-Age=0{secure}"),
    };
    HeaderValue::from_str(&value).unwrap_or_else(|_| HeaderValue::from_static("mashang_staff=; Max-Age=0"))
}
