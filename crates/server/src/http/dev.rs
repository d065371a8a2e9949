//! Development only: moving the server's clock, so that browser tests can reach a deadline (and
//! 催办) without waiting days (only with `--dev-time-travel`), and the texts the log sender
//! "sent" (only with `--dev-expose-codes`).

use axum::Json;
use axum::extract::{Path, State};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::json::ApiJson;
use super::openapi::ProblemResponse;

#[derive(Debug, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ClockAdvance {
    /// How far to move the clock forward; at most a year.
    #[schema(maximum = 525_600)]
    pub minutes: u32,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct ClockNow {
    /// The server's "now" after the move.
    pub now: DateTime<Utc>,
}

const MAX_MINUTES: u32 = 525_600;

#[utoipa::path(post, operation_id = "dev_advance_clock", path = "/dev/clock", tag = "development", request_body = ClockAdvance, responses((status = 200, description = "Development only: the clock moved forward", body = ClockNow), ProblemResponse))]
pub async fn advance_clock(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<ClockAdvance>,
) -> ApiResult<Json<ClockNow>> {
    let minutes = body.minutes.min(MAX_MINUTES);
    let now = state.clock.advance(Duration::minutes(i64::from(minutes))).ok_or(ApiError::NotFound)?;
    tracing::warn!(minutes, %now, "development clock moved forward");
    // What the minute's pass would find, found at once: a test sees the effect of its move.
    state.store.run_escalations(now).await?;
    Ok(Json(ClockNow { now }))
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct SentTexts {
    /// Oldest first, each with the key the gateway would have been given.
    #[schema(value_type = Vec<Object>)]
    pub texts: Vec<crate::codes::DevText>,
}

#[utoipa::path(get, operation_id = "dev_texts", path = "/dev/texts/{phone}", tag = "development", params(("phone" = String, Path)), responses((status = 200, description = "Development only: every text the log sender sent to a phone", body = SentTexts), ProblemResponse))]
pub async fn texts(State(state): State<AppState>, Path(number): Path<String>) -> ApiResult<Json<SentTexts>> {
    let outbox = state.dev_outbox.as_ref().ok_or(ApiError::NotFound)?;
    let phone = mashang_model::PhoneNumber::parse(&number).map_err(|_| ApiError::NotFound)?;
    Ok(Json(SentTexts { texts: outbox.texts(&phone) }))
}
