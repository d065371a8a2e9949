//! The staff API: sign in, the work list, a complaint in full, and the unit's actions (签收,
//! 处理进展, 要求补充, 办结, 转办). A staff screen comes later; the tests and demo data use these.

use axum::Json;
use axum::extract::{Path, State};
use mashang_model::{
    ComplaintSummary, ComplaintView, StaffActionRequest, StaffSession, StaffSignIn, TrackingNumber,
    validate_staff_action,
};
use unicode_normalization::UnicodeNormalization;

use super::AppState;
use super::auth::SignedInStaff;
use super::complaints::action_answer;
use super::error::{ApiError, ApiResult};
use super::json::ApiJson;
use super::limits::ClientIp;
use super::openapi::ProblemResponse;
use crate::secrets;
use crate::store::ActionInput;

#[utoipa::path(post, operation_id = "staff_sign_in", path = "/staff/sessions", tag = "staff", request_body = StaffSignIn, responses((status = 200, description = "Signed in", body = StaffSession), ProblemResponse))]
pub async fn sign_in(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiJson(body): ApiJson<StaffSignIn>,
) -> ApiResult<Json<StaffSession>> {
    state.sign_in_limit.take(&[format!("ip:{client}"), format!("user:{}", body.username)]).map_err(|wait| {
        tracing::warn!(%client, username = ?body.username, "sign-in rate limit reached");
        ApiError::RateLimited(wait)
    })?;
    let account = state.store.staff_credentials(body.username.clone()).await?;
    // An unknown account is checked against a throwaway hash, so that a miss takes as long as a
    // wrong password and does not reveal which usernames exist.
    let (id, hash) = account.clone().unwrap_or_else(|| (0, secrets::throwaway_hash().to_owned()));
    let password = body.password;
    // Password hashing is deliberately slow: keep it off the async workers.
    let verified =
        tokio::task::spawn_blocking(move || secrets::verify_password(&password, &hash)).await.unwrap_or(false);
    if !(verified && account.is_some()) {
        tracing::warn!(username = ?body.username, "staff sign-in failed");
        return Err(ApiError::Unauthorized);
    }
    Ok(Json(state.store.create_staff_session(id, state.clock.now()).await?))
}

#[utoipa::path(get, operation_id = "staff_work_list", path = "/staff/complaints", tag = "staff", security(("bearer" = [])), responses((status = 200, description = "Open complaints the unit holds", body = Vec<ComplaintSummary>), ProblemResponse))]
pub async fn work_list(
    State(state): State<AppState>,
    SignedInStaff(staff): SignedInStaff,
) -> ApiResult<Json<Vec<ComplaintSummary>>> {
    Ok(Json(state.store.staff_work_list(staff, state.clock.now()).await?))
}

#[utoipa::path(get, operation_id = "staff_show", path = "/staff/complaints/{number}", tag = "staff", params(("number" = String, Path, description = "Tracking number")), security(("bearer" = [])), responses((status = 200, description = "The complaint", body = ComplaintView), ProblemResponse))]
pub async fn show(
    State(state): State<AppState>,
    SignedInStaff(staff): SignedInStaff,
    Path(number): Path<String>,
) -> ApiResult<Json<ComplaintView>> {
    let number = TrackingNumber::parse(&number).ok_or(ApiError::NotFound)?;
    state.store.staff_complaint(staff, number, state.clock.now()).await?.map(Json).ok_or(ApiError::NotFound)
}

#[utoipa::path(post, operation_id = "staff_act", path = "/staff/complaints/{number}/actions", tag = "staff", params(("number" = String, Path, description = "Tracking number")), security(("bearer" = [])), request_body = StaffActionRequest, responses((status = 200, description = "The complaint after the action", body = ComplaintView), ProblemResponse))]
pub async fn act(
    State(state): State<AppState>,
    SignedInStaff(staff): SignedInStaff,
    Path(number): Path<String>,
    ApiJson(mut body): ApiJson<StaffActionRequest>,
) -> ApiResult<Json<ComplaintView>> {
    let number = TrackingNumber::parse(&number).ok_or(ApiError::NotFound)?;
    body.note = body.note.nfc().collect();
    let action = validate_staff_action(&body).map_err(ApiError::Validation)?;
    let input = ActionInput {
        action: action.action,
        note: action.note,
        rating: None,
        transfer_to: action.transfer_to,
        photo_ids: action.photo_ids,
        due_at: action.due_at,
        units: action.units,
    };
    action_answer(state.store.staff_action(staff, number, input, state.clock.now()).await?)
}
