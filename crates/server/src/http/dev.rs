//! Development only: moving the server's clock, so that browser tests can reach a deadline (and
//! 催办) without waiting days. The route exists only with `--dev-time-travel`.

use axum::Json;
use axum::extract::State;
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
