//! `GET /communities` and `GET /categories`: what a resident chooses from when filing.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Query, State};
use mashang_model::{Category, Community};
use serde::Deserialize;
use unicode_normalization::UnicodeNormalization;

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::openapi::ProblemResponse;

#[derive(Debug, Default, Deserialize)]
pub struct CommunitySearch {
    #[serde(default)]
    q: String,
}

#[utoipa::path(get, operation_id = "catalog_communities", path = "/communities", tag = "catalog", params(("q" = Option<String>, Query, description = "Part of a community, street or district name")), responses((status = 200, description = "At most 50 communities", body = Vec<Community>), ProblemResponse))]
pub async fn communities(
    State(state): State<AppState>,
    query: Result<Query<CommunitySearch>, QueryRejection>,
) -> ApiResult<Json<Vec<Community>>> {
    let Query(search) = query.map_err(|rejection| ApiError::MalformedBody(rejection.body_text()))?;
    let needle = mashang_model::text::clean_short_text(&search.q.nfc().collect::<String>());
    Ok(Json(state.store.search_communities(needle).await?))
}

#[utoipa::path(get, operation_id = "catalog_categories", path = "/categories", tag = "catalog", responses((status = 200, description = "The two-level category tree", body = Vec<Category>), ProblemResponse))]
pub async fn categories(State(state): State<AppState>) -> ApiResult<Json<Vec<Category>>> {
    Ok(Json(state.store.category_tree().await?))
}
