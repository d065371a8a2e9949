//! Residents signing in, so that complaints filed on another device can be followed here: a
//! one-time code by SMS, or a hand-off from the citizen-services app. And their own list.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use mashang_model::{
    CodeRequest, CodeSent, CodeVerification, ComplaintSummary, Field, FieldError, FieldErrorCode, HandoffExchange,
    PhoneNumber, ResidentSession,
};
use serde_json::{Value, json};

use super::AppState;
use super::auth::BearerToken;
use super::error::{ApiError, ApiResult};
use super::json::ApiJson;
use super::limits::ClientIp;
use super::openapi::ProblemResponse;
use crate::secrets;
use crate::store::{CODE_LIFETIME, CodeCheck};

fn phone(input: &str) -> ApiResult<PhoneNumber> {
    PhoneNumber::parse(input)
        .map_err(|_| ApiError::Validation(vec![FieldError::new(Field::Phone, FieldErrorCode::InvalidPhone)]))
}

#[utoipa::path(post, operation_id = "residents_send_code", path = "/auth/codes", tag = "residents", request_body = CodeRequest, responses((status = 202, description = "A code is on its way", body = CodeSent), ProblemResponse))]
pub async fn send_code(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiJson(body): ApiJson<CodeRequest>,
) -> ApiResult<(StatusCode, Json<CodeSent>)> {
    let phone = phone(&body.phone)?;
    // Each text message costs money and annoys whoever owns the number.
    state
        .code_limit
        .take(&[format!("ip:{client}"), format!("phone:{}", phone.as_str())])
        .await
        .map_err(ApiError::RateLimited)?;
    let code = secrets::sign_in_code();
    state.store.store_sign_in_code(phone.clone(), code.clone(), state.clock.now()).await?;
    state.code_sender.send(&phone, &code);
    let expires_in_seconds = u32::try_from(CODE_LIFETIME.num_seconds()).unwrap_or(600);
    Ok((StatusCode::ACCEPTED, Json(CodeSent { expires_in_seconds })))
}

#[utoipa::path(post, operation_id = "residents_verify_code", path = "/auth/codes/verify", tag = "residents", request_body = CodeVerification, responses((status = 200, description = "Signed in", body = ResidentSession), ProblemResponse))]
pub async fn verify_code(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<CodeVerification>,
) -> ApiResult<Json<ResidentSession>> {
    let phone = phone(&body.phone)?;
    match state.store.verify_sign_in_code(phone, body.code.trim().to_owned(), state.clock.now()).await? {
        CodeCheck::Verified(session) => Ok(Json(session)),
        CodeCheck::Rejected => Err(ApiError::Unauthorized),
        CodeCheck::LockedOut { seconds } => Err(ApiError::RateLimited(seconds)),
    }
}

#[utoipa::path(post, operation_id = "residents_handoff", path = "/auth/handoff", tag = "residents", request_body = HandoffExchange, responses((status = 200, description = "Signed in", body = ResidentSession), ProblemResponse))]
pub async fn handoff(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<HandoffExchange>,
) -> ApiResult<Json<ResidentSession>> {
    let secret = state.handoff_secret.as_ref().ok_or(ApiError::NotFound)?;
    let now = state.clock.now();
    let handoff = secrets::verify_handoff(secret.as_bytes(), body.token.trim(), now).ok_or(ApiError::Unauthorized)?;
    match state.store.redeem_handoff(handoff.phone, handoff.signature, handoff.expires_at, now).await? {
        Some(session) => Ok(Json(session)),
        None => {
            tracing::warn!("a hand-off token was presented a second time");
            Err(ApiError::Unauthorized)
        }
    }
}

#[utoipa::path(get, operation_id = "residents_my_complaints", path = "/me/complaints", tag = "residents", security(("bearer" = [])), responses((status = 200, description = "Complaints filed with the signed-in phone", body = Vec<ComplaintSummary>), ProblemResponse))]
pub async fn my_complaints(
    State(state): State<AppState>,
    BearerToken(token): BearerToken,
) -> ApiResult<Json<Vec<ComplaintSummary>>> {
    let now = state.clock.now();
    let phone = state.store.resident_for_session(token, now).await?.ok_or(ApiError::Unauthorized)?;
    Ok(Json(state.store.complaints_of(phone, now).await?))
}

/// Development only (the route exists only with `--dev-expose-codes`): the latest code sent to
/// a phone, so that browser tests can sign in.
#[utoipa::path(get, operation_id = "residents_latest_code", path = "/dev/codes/{phone}", tag = "development", params(("phone" = String, Path)), responses((status = 200, description = "Development only: the latest code sent", body = Object), ProblemResponse))]
pub async fn latest_code(State(state): State<AppState>, Path(number): Path<String>) -> ApiResult<Json<Value>> {
    let outbox = state.dev_outbox.as_ref().ok_or(ApiError::NotFound)?;
    let code = outbox.latest(&phone(&number)?).ok_or(ApiError::NotFound)?;
    Ok(Json(json!({ "code": code })))
}
