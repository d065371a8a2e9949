//! Complaints as residents see them: file, look up by number and phone, open with the access
//! token, and act (补充材料, 催办, 撤回, 评价, 重新办理).

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use mashang_model::{
    ComplaintSummary, ComplaintView, Field, FieldError, FieldErrorCode, FiledComplaint, LookupRequest,
    MAX_HELD_COMPLAINTS, NeighbourComplaint, NewComplaint, ResidentActionRequest, SummariesRequest, TextsChoice,
    TrackingNumber, validate_lookup, validate_new_complaint, validate_resident_action,
};
use unicode_normalization::UnicodeNormalization;

use super::AppState;
use super::auth::BearerToken;
use super::error::{ApiError, ApiResult};
use super::json::ApiJson;
use super::limits::ClientIp;
use super::openapi::ProblemResponse;
use super::photos::with_photo_access;
use crate::secrets;
use crate::store::{ActionInput, ActionOutcome, FilingOutcome, JoinOutcome, NewFiling, TextsOutcome};

const IDEMPOTENCY_KEY: &str = "idempotency-key";

#[utoipa::path(post, operation_id = "complaints_file", path = "/complaints", tag = "complaints", params(("Idempotency-Key" = String, Header, description = "Made once per filing; every retry sends the same")), request_body = NewComplaint, responses((status = 201, description = "Filed, or the first answer replayed", body = FiledComplaint), ProblemResponse))]
pub async fn file(
    State(state): State<AppState>,
    headers: HeaderMap,
    ApiJson(mut body): ApiJson<NewComplaint>,
) -> ApiResult<Response> {
    let key = idempotency_key(&headers)?;
    // The shared rules count characters of composed (NFC) text, as the app does before sending.
    body.description = body.description.nfc().collect();
    body.location = body.location.nfc().collect();
    body.name = body.name.nfc().collect();
    let complaint = validate_new_complaint(&body).map_err(ApiError::Validation)?;
    // Replays are recognised by the normalized request, so re-encoding the same JSON differently
    // is still the same filing.
    let request_hash = secrets::sha256(&serde_json::to_vec(&body).unwrap_or_default());
    let filing = NewFiling { complaint, filed_at: state.clock.now(), idempotency_key: key, request_hash };
    match state.store.file_complaint(filing).await? {
        FilingOutcome::Filed(receipt) => {
            tracing::info!(tracking_number = %receipt.tracking_number, "complaint filed");
            Ok((StatusCode::CREATED, Json(receipt)).into_response())
        }
        FilingOutcome::Replayed(receipt) => {
            tracing::info!(tracking_number = %receipt.tracking_number, "filing replayed");
            let mut response = (StatusCode::CREATED, Json(receipt)).into_response();
            response.headers_mut().insert("idempotent-replayed", HeaderValue::from_static("true"));
            Ok(response)
        }
        FilingOutcome::KeyReused => Err(ApiError::IdempotencyKeyReused),
        FilingOutcome::Rejected(errors) => Err(ApiError::Validation(errors)),
    }
}

fn idempotency_key(headers: &HeaderMap) -> ApiResult<String> {
    let value = headers.get(IDEMPOTENCY_KEY).ok_or(ApiError::IdempotencyKeyMissing)?;
    let text = value.to_str().map_err(|_| ApiError::IdempotencyKeyInvalid)?;
    let key = uuid::Uuid::parse_str(text.trim()).map_err(|_| ApiError::IdempotencyKeyInvalid)?;
    Ok(key.hyphenated().to_string())
}

#[utoipa::path(post, operation_id = "complaints_lookup", path = "/complaints/lookup", tag = "complaints", request_body = LookupRequest, responses((status = 200, description = "The complaint, masked", body = ComplaintView), ProblemResponse))]
pub async fn lookup(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiJson(body): ApiJson<LookupRequest>,
) -> ApiResult<Json<ComplaintView>> {
    let (number, phone) = validate_lookup(&body).map_err(ApiError::Validation)?;
    // Limits per address and per number, so that neither one client nor a botnet aimed at one
    // number can guess phone numbers.
    state.lookup_limit.take(&[format!("ip:{client}"), format!("number:{}", number.as_str())]).await.map_err(
        |wait| {
            tracing::warn!(%client, tracking_number = %number, "lookup rate limit reached");
            ApiError::RateLimited(wait)
        },
    )?;
    match state.store.lookup_complaint(number, phone, state.clock.now()).await? {
        Some(view) => Ok(Json(with_photo_access(&state, view))),
        None => Err(ApiError::NotFound),
    }
}

#[utoipa::path(post, operation_id = "complaints_summaries", path = "/complaints/summaries", tag = "complaints", request_body = SummariesRequest, responses((status = 200, description = "Summaries of the complaints whose tokens match; the others are left out", body = Vec<ComplaintSummary>), ProblemResponse))]
pub async fn summaries(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<SummariesRequest>,
) -> ApiResult<Json<Vec<ComplaintSummary>>> {
    if body.complaints.len() > MAX_HELD_COMPLAINTS {
        return Err(ApiError::Validation(vec![FieldError::with_limit(
            Field::Other,
            FieldErrorCode::TooMany,
            MAX_HELD_COMPLAINTS,
        )]));
    }
    // A malformed number is just another miss.
    let held = body
        .complaints
        .into_iter()
        .filter_map(|held| TrackingNumber::parse(&held.tracking_number).map(|number| (number, held.access_token)))
        .collect();
    Ok(Json(state.store.summaries_for_tokens(held, state.clock.now()).await?))
}

/// A malformed number in the path is just another miss.
fn path_number(number: &str) -> ApiResult<TrackingNumber> {
    TrackingNumber::parse(number).ok_or(ApiError::NotFound)
}

#[utoipa::path(get, operation_id = "complaints_show", path = "/complaints/{number}", tag = "complaints", params(("number" = String, Path, description = "Tracking number")), security(("bearer" = [])), responses((status = 200, description = "The complaint", body = ComplaintView), ProblemResponse))]
pub async fn show(
    State(state): State<AppState>,
    Path(number): Path<String>,
    BearerToken(token): BearerToken,
) -> ApiResult<Json<ComplaintView>> {
    let number = path_number(&number)?;
    match state.store.complaint_for_token(number, token, state.clock.now()).await? {
        Some(view) => Ok(Json(with_photo_access(&state, view))),
        None => Err(ApiError::NotFound),
    }
}

#[utoipa::path(put, operation_id = "complaints_texts", path = "/complaints/{number}/texts", tag = "complaints", params(("number" = String, Path, description = "Tracking number")), security(("bearer" = [])), request_body = TextsChoice, responses((status = 200, description = "The complaint, with the viewer's choice of texts", body = ComplaintView), ProblemResponse))]
pub async fn choose_texts(
    State(state): State<AppState>,
    Path(number): Path<String>,
    BearerToken(token): BearerToken,
    ApiJson(choice): ApiJson<TextsChoice>,
) -> ApiResult<Json<ComplaintView>> {
    let number = path_number(&number)?;
    match state.store.choose_texts(number, token, choice.enabled, state.clock.now()).await? {
        TextsOutcome::Done(view) => Ok(Json(with_photo_access(&state, *view))),
        TextsOutcome::NotFound => Err(ApiError::NotFound),
        TextsOutcome::SignInAgain => Err(ApiError::Unauthorized),
    }
}

#[utoipa::path(post, operation_id = "complaints_act", path = "/complaints/{number}/actions", tag = "complaints", params(("number" = String, Path, description = "Tracking number")), security(("bearer" = [])), request_body = ResidentActionRequest, responses((status = 200, description = "The complaint after the action", body = ComplaintView), ProblemResponse))]
pub async fn act(
    State(state): State<AppState>,
    Path(number): Path<String>,
    BearerToken(token): BearerToken,
    ApiJson(mut body): ApiJson<ResidentActionRequest>,
) -> ApiResult<Json<ComplaintView>> {
    let number = path_number(&number)?;
    body.note = body.note.nfc().collect();
    let action = validate_resident_action(&body).map_err(ApiError::Validation)?;
    let input = ActionInput {
        action: action.action,
        note: action.note,
        rating: action.rating,
        transfer_to: None,
        photo_ids: action.photo_ids,
        due_at: None,
        units: Vec::new(),
    };
    action_answer(&state, state.store.resident_action(number, token, input, state.clock.now()).await?)
}

pub(super) fn action_answer(state: &AppState, outcome: ActionOutcome) -> ApiResult<Json<ComplaintView>> {
    match outcome {
        ActionOutcome::Done(view) => Ok(Json(with_photo_access(state, *view))),
        ActionOutcome::Refused(refusal) => Err(ApiError::ActionRefused(refusal)),
        ActionOutcome::Invalid(errors) => Err(ApiError::Validation(errors)),
        ActionOutcome::NotFound => Err(ApiError::NotFound),
    }
}

#[derive(Debug, serde::Deserialize)]
pub struct SimilarQuery {
    category_id: i64,
}

#[utoipa::path(get, operation_id = "complaints_similar", path = "/communities/{id}/similar", tag = "complaints", params(("id" = i64, Path, description = "Community"), ("category_id" = i64, Query, description = "The specific problem")), responses((status = 200, description = "Open complaints of this community and category that neighbours may see and join: no name, phone or photo", body = Vec<NeighbourComplaint>), ProblemResponse))]
pub async fn similar(
    State(state): State<AppState>,
    Path(community): Path<String>,
    query: Result<Query<SimilarQuery>, QueryRejection>,
) -> ApiResult<Json<Vec<NeighbourComplaint>>> {
    let community = super::path_id(&community)?;
    let Query(query) = query.map_err(|rejection| ApiError::MalformedBody(rejection.body_text()))?;
    Ok(Json(state.store.similar_complaints(community, query.category_id).await?))
}

#[utoipa::path(post, operation_id = "complaints_join", path = "/complaints/{number}/joins", tag = "complaints", params(("number" = String, Path, description = "Tracking number")), security(("bearer" = [])), responses((status = 200, description = "Joined (附议): the complaint as the neighbour now follows it", body = ComplaintView), ProblemResponse))]
pub async fn join(
    State(state): State<AppState>,
    Path(number): Path<String>,
    BearerToken(token): BearerToken,
) -> ApiResult<Json<ComplaintView>> {
    let now = state.clock.now();
    // 附议 needs a phone verified by a code or a hand-off: a resident session, never a
    // complaint's access token.
    let phone = state.store.resident_for_session(token, now).await?.ok_or(ApiError::Unauthorized)?;
    let number = path_number(&number)?;
    match state.store.join_complaint(number, phone, now).await? {
        JoinOutcome::Joined(view) => Ok(Json(with_photo_access(&state, *view))),
        JoinOutcome::NotFound => Err(ApiError::NotFound),
        JoinOutcome::AlreadyJoined => Err(ApiError::AlreadyJoined),
        JoinOutcome::OwnComplaint => Err(ApiError::OwnComplaint),
        JoinOutcome::Finished => Err(ApiError::ComplaintFinished),
    }
}
