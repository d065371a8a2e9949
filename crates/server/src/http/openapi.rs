//! The OpenAPI 3.1 description of the API, generated from the handlers' annotations: every route
//! is registered through `utoipa_axum::routes!`, so none can be left out of it.

use axum::Json;
use axum::extract::State;
use mashang_model::Problem;
use utoipa::openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{Modify, OpenApi};

use super::AppState;
use super::error::{ApiError, ApiResult};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Mashang 马上办 API",
        description = "Residents report problems with their property management and community, and follow them to the end. \
                       Errors are application/problem+json (RFC 9457) with a stable `code`.",
        license(name = "MIT OR Apache-2.0"),
    ),
    servers((url = "/api/v1")),
    modifiers(&BearerAuth),
    components(schemas(Problem)),
)]
pub struct ApiDoc;

/// `Authorization: Bearer …`: a complaint's access token, a resident session or a staff session.
struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(HttpBuilder::new().scheme(HttpAuthScheme::Bearer).build()),
        );
    }
}

/// Any error: a problem document. The type only describes the response; it is never built.
#[allow(dead_code)]
#[derive(utoipa::IntoResponses)]
#[response(status = "default", description = "A problem (RFC 9457)", content_type = "application/problem+json")]
pub struct ProblemResponse(#[to_schema] Problem);

#[utoipa::path(get, operation_id = "meta_document", path = "/openapi.json", tag = "meta", responses((status = 200, description = "This document", body = Object), ProblemResponse))]
pub async fn document(State(state): State<AppState>) -> ApiResult<Json<serde_json::Value>> {
    state.openapi.get().cloned().map(Json).ok_or(ApiError::NotFound)
}
