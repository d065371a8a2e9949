//! Public scorecards (揭丑亮短): per property company and per community, and a ranking. No
//! personal data; cacheable for a short while.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use mashang_model::scorecard::{Period, Ranking, Scorecard};
use mashang_model::{Field, FieldError, FieldErrorCode};
use serde::{Deserialize, Serialize};

use super::{AppState, path_id};
use super::error::{ApiError, ApiResult};
use super::openapi::ProblemResponse;
use crate::store::ScorecardError;

/// Figures change only as complaints move; a minute of staleness costs nobody anything and
/// spares the database a district's worth of phones asking at once.
const CACHE_CONTROL: &str = "public, max-age=60";

#[derive(Debug, Default, Deserialize)]
pub struct PeriodQuery {
    /// `2026Q4` or `2026-11`; `quarter` and `month` are accepted as other names for it.
    #[serde(default)]
    period: Option<String>,
    #[serde(default)]
    quarter: Option<String>,
    #[serde(default)]
    month: Option<String>,
    #[serde(default)]
    district: Option<String>,
}

impl PeriodQuery {
    /// The period asked for, or the current quarter.
    fn period(&self, state: &AppState) -> ApiResult<Period> {
        let given = [&self.period, &self.quarter, &self.month].into_iter().flatten().find(|text| !text.trim().is_empty());
        match given {
            None => Ok(Period::quarter_of(state.clock.now())),
            Some(text) => Period::parse(text)
                .ok_or_else(|| ApiError::Validation(vec![FieldError::new(Field::Period, FieldErrorCode::InvalidPeriod)])),
        }
    }
}

fn cacheable<T: Serialize>(body: T) -> Response {
    let mut response = Json(body).into_response();
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
    response
}

fn query(query: Result<Query<PeriodQuery>, QueryRejection>) -> ApiResult<PeriodQuery> {
    query.map(|Query(q)| q).map_err(|rejection| ApiError::MalformedBody(rejection.body_text()))
}

#[utoipa::path(get, operation_id = "scorecards_ranking", path = "/scorecards", tag = "scorecards", params(("period" = Option<String>, Query, description = "2026Q4 or 2026-11; the current quarter by default"), ("district" = Option<String>, Query, description = "A district's name; the whole city by default")), responses((status = 200, description = "Companies ranked best first, those with too few ratings (样本不足) and those without complaints", body = Ranking), ProblemResponse))]
pub async fn ranking(
    State(state): State<AppState>,
    params: Result<Query<PeriodQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let params = query(params)?;
    let period = params.period(&state)?;
    let district = params.district.map(|d| d.trim().to_owned()).filter(|d| !d.is_empty());
    match state.store.ranking(period, district, state.clock.now()).await? {
        Ok(ranking) => Ok(cacheable(ranking)),
        Err(ScorecardError::UnknownSubject) => Err(ApiError::NotFound),
    }
}

#[utoipa::path(get, operation_id = "scorecards_company", path = "/scorecards/companies/{id}", tag = "scorecards", params(("id" = i64, Path, description = "Property company"), ("period" = Option<String>, Query, description = "2026Q4 or 2026-11; the current quarter by default")), responses((status = 200, description = "The company's figures for the period and the three before it", body = Scorecard), ProblemResponse))]
pub async fn company(
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: Result<Query<PeriodQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let id = path_id(&id)?;
    let period = query(params)?.period(&state)?;
    let card = state.store.company_scorecard(id, period, state.clock.now()).await?;
    card.map(cacheable).ok_or(ApiError::NotFound)
}

#[utoipa::path(get, operation_id = "scorecards_community", path = "/scorecards/communities/{id}", tag = "scorecards", params(("id" = i64, Path, description = "Community"), ("period" = Option<String>, Query, description = "2026Q4 or 2026-11; the current quarter by default")), responses((status = 200, description = "The community's figures for the period and the three before it", body = Scorecard), ProblemResponse))]
pub async fn community(
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: Result<Query<PeriodQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let id = path_id(&id)?;
    let period = query(params)?.period(&state)?;
    let card = state.store.community_scorecard(id, period, state.clock.now()).await?;
    card.map(cacheable).ok_or(ApiError::NotFound)
}
