//! The 12345 hotline exchange over HTTP: the hotline operator (with the key from
//! `--hotline-key`) or the housing bureau imports tickets and reads every complaint's steps since
//! a cursor. Only the operator's export shows numbers and names in full.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{FromRequestParts, Query, State};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use mashang_model::StaffRole;
use serde::Deserialize;

use super::AppState;
use super::auth::{BearerToken, SignedInStaff};
use super::error::{ApiError, ApiResult};
use super::openapi::ProblemResponse;
use crate::hotline;
use crate::secrets;
use crate::store::{EXPORT_PAGE_MAX, ExportPage, ImportReport};

/// The largest file one request may carry: 10,000 tickets of a few hundred bytes each.
pub const IMPORT_BODY_LIMIT: usize = 16 * 1024 * 1024;

/// Who is exchanging with the hotline.
pub enum HotlineCaller {
    /// The hotline's own system, with the shared key.
    Operator,
    /// The housing bureau's staff: personal data masked.
    Bureau,
}

impl FromRequestParts<AppState> for HotlineCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        if let (Some(key), Ok(BearerToken(token))) =
            (state.hotline_key.as_deref(), BearerToken::from_request_parts(parts, state).await)
            && secrets::same_bytes(token.as_bytes(), key.as_bytes())
        {
            return Ok(Self::Operator);
        }
        let SignedInStaff(staff) = SignedInStaff::from_request_parts(parts, state).await?;
        if staff.role == StaffRole::HousingBureau { Ok(Self::Bureau) } else { Err(ApiError::Forbidden) }
    }
}

#[utoipa::path(post, operation_id = "hotline_import", path = "/hotline/imports", tag = "hotline",
    request_body(content = String, description = "Hotline tickets as JSON Lines, or as CSV with a header when sent as `text/csv`; the README lists the fields. Any other type (`application/x-ndjson`, `text/plain`) is read as JSON Lines", content_type = "text/plain"),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "What became of every row: imported, already imported (nothing changed), or refused with its reason", body = ImportReport), ProblemResponse))]
pub async fn import(
    State(state): State<AppState>,
    _caller: HotlineCaller,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> ApiResult<Json<ImportReport>> {
    let content_type = headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or_default();
    let csv = content_type.trim_start().to_ascii_lowercase().starts_with("text/csv");
    let report = state.store.import_hotline(hotline::parse(&body, csv), state.clock.now()).await?;
    tracing::info!(imported = report.imported, refused = report.refused.len(), "hotline tickets imported");
    Ok(Json(report))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
#[into_params(parameter_in = Query)]
pub struct ExportQuery {
    /// The `next_cursor` of the previous page; 0 (the default) for the beginning.
    #[serde(default)]
    #[param(minimum = 0)]
    since: i64,
    /// At most this many steps (1–1000; 1000 by default).
    #[param(minimum = 1, maximum = 1000)]
    limit: Option<usize>,
}

#[utoipa::path(get, operation_id = "hotline_export", path = "/hotline/events", tag = "hotline", params(ExportQuery),
    security(("bearer" = []), ("cookie" = [])),
    responses((status = 200, description = "Every complaint's steps after the cursor, oldest first; numbers and names masked except for the hotline operator", body = ExportPage), ProblemResponse))]
pub async fn export(
    State(state): State<AppState>,
    caller: HotlineCaller,
    params: Result<Query<ExportQuery>, QueryRejection>,
) -> ApiResult<Json<ExportPage>> {
    let Query(ExportQuery { since, limit }) =
        params.map_err(|rejection| ApiError::MalformedBody(rejection.body_text()))?;
    let limit = limit.unwrap_or(EXPORT_PAGE_MAX);
    if since < 0 || !(1..=EXPORT_PAGE_MAX).contains(&limit) {
        return Err(ApiError::MalformedBody("since must be 0 or more, limit 1 to 1000".into()));
    }
    let unmasked = matches!(caller, HotlineCaller::Operator);
    Ok(Json(state.store.export_hotline(since, limit, unmasked).await?))
}
