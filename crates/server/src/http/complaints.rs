//! `POST /complaints` (file) and `POST /complaints/lookup` (track by number and phone).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::Utc;
use mashang_model::{
    ComplaintView, FiledComplaint, LookupRequest, NewComplaint, validate_lookup, validate_new_complaint,
};
use unicode_normalization::UnicodeNormalization;

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::json::ApiJson;
use crate::store::{FilingOutcome, NewFiling};

pub async fn file(
    State(state): State<AppState>,
    ApiJson(mut body): ApiJson<NewComplaint>,
) -> ApiResult<(StatusCode, Json<FiledComplaint>)> {
    // The shared rules count characters of composed (NFC) text, as the app does before sending.
    body.description = body.description.nfc().collect();
    let complaint = validate_new_complaint(&body).map_err(ApiError::Validation)?;
    match state.store.file_complaint(NewFiling { complaint, filed_at: Utc::now() }).await? {
        FilingOutcome::Filed(receipt) => {
            tracing::info!(tracking_number = %receipt.tracking_number, "complaint filed");
            Ok((StatusCode::CREATED, Json(receipt)))
        }
        FilingOutcome::Rejected(errors) => Err(ApiError::Validation(errors)),
    }
}

pub async fn lookup(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<LookupRequest>,
) -> ApiResult<Json<ComplaintView>> {
    let (number, phone) = validate_lookup(&body).map_err(ApiError::Validation)?;
    match state.store.lookup_complaint(number, phone).await? {
        Some(view) => Ok(Json(view)),
        None => Err(ApiError::NotFound),
    }
}
