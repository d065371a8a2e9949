//! Public scorecards (揭丑亮短): per property company and per community, and a ranking. No
//! personal data; cacheable for a short while.

use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use mashang_model::scorecard::{Period, Ranking, ScoreSubject, Scorecard};
use mashang_model::{Field, FieldError, FieldErrorCode};
use serde::{Deserialize, Serialize};

use super::error::{ApiError, ApiResult};
use super::openapi::ProblemResponse;
use super::{AppState, path_id};

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
        let given =
            [&self.period, &self.quarter, &self.month].into_iter().flatten().find(|text| !text.trim().is_empty());
        match given {
            None => Ok(Period::quarter_of(state.clock.now())),
            Some(text) => Period::parse(text).ok_or_else(|| {
                ApiError::Validation(vec![FieldError::new(Field::Period, FieldErrorCode::InvalidPeriod)])
            }),
        }
    }
}

/// The answer for `key` from the cache, or computed by `compute` and kept; `None` from `compute`
/// is a 404 (and is not kept).
async fn cached<T, F>(state: &AppState, key: String, compute: F) -> ApiResult<Response>
where
    T: Serialize,
    F: Future<Output = ApiResult<Option<T>>>,
{
    let body = match state.scorecards.fresh(&key) {
        Some(body) => body,
        None => {
            let answer = compute.await?.ok_or(ApiError::NotFound)?;
            let body = axum::body::Bytes::from(
                serde_json::to_vec(&answer)
                    .map_err(|e| ApiError::Store(crate::store::StoreError::Database(e.to_string())))?,
            );
            state.scorecards.keep(key, body.clone());
            body
        }
    };
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("application/json"));
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static(CACHE_CONTROL));
    Ok(response)
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
    let key = format!("ranking:{period}:{}", district.as_deref().unwrap_or(""));
    // Its one refusal, an unknown subject, is no ranking: a 404.
    cached(&state, key, async { Ok(state.store.ranking(period, district, state.clock.now()).await?.ok()) }).await
}

#[utoipa::path(get, operation_id = "scorecards_company", path = "/scorecards/companies/{id}", tag = "scorecards", params(("id" = i64, Path, description = "Property company"), ("period" = Option<String>, Query, description = "2026Q4 or 2026-11; the current quarter by default")), responses((status = 200, description = "The company's figures for the period and the three before it", body = Scorecard), ProblemResponse))]
pub async fn company(
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: Result<Query<PeriodQuery>, QueryRejection>,
) -> ApiResult<Response> {
    subject_scorecard(state, ScoreSubject::PropertyCompany, &id, params).await
}

#[utoipa::path(get, operation_id = "scorecards_community", path = "/scorecards/communities/{id}", tag = "scorecards", params(("id" = i64, Path, description = "Community"), ("period" = Option<String>, Query, description = "2026Q4 or 2026-11; the current quarter by default")), responses((status = 200, description = "The community's figures for the period and the three before it", body = Scorecard), ProblemResponse))]
pub async fn community(
    State(state): State<AppState>,
    Path(id): Path<String>,
    params: Result<Query<PeriodQuery>, QueryRejection>,
) -> ApiResult<Response> {
    subject_scorecard(state, ScoreSubject::Community, &id, params).await
}

async fn subject_scorecard(
    state: AppState,
    subject: ScoreSubject,
    id: &str,
    params: Result<Query<PeriodQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let id = path_id(id)?;
    let period = query(params)?.period(&state)?;
    cached(&state, format!("{subject:?}:{id}:{period}"), async {
        Ok(state.store.scorecard(subject, id, period, state.clock.now()).await?)
    })
    .await
}

/// Answers computed in the last minute, by request: a district's phones asking at once cost
/// the database one computation each. Soft state like the rate limits: losing it loses nothing,
/// and each instance keeps its own.
#[derive(Default)]
pub struct ScorecardCache {
    answers: std::sync::Mutex<std::collections::HashMap<String, (std::time::Instant, axum::body::Bytes)>>,
}

/// As long as the answers say a cache may keep them (`max-age=60`).
const CACHE_FOR: std::time::Duration = std::time::Duration::from_secs(60);
/// A bound on what the cache holds; past it, it starts again empty.
const CACHE_ENTRIES: usize = 4096;

impl ScorecardCache {
    fn fresh(&self, key: &str) -> Option<axum::body::Bytes> {
        let answers = self.answers.lock().unwrap_or_else(|p| p.into_inner());
        answers.get(key).filter(|(at, _)| at.elapsed() < CACHE_FOR).map(|(_, body)| body.clone())
    }

    fn keep(&self, key: String, body: axum::body::Bytes) {
        let mut answers = self.answers.lock().unwrap_or_else(|p| p.into_inner());
        if answers.len() >= CACHE_ENTRIES {
            answers.clear();
        }
        answers.insert(key, (std::time::Instant::now(), body));
    }
}
