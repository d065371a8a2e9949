//! The JSON API under `/api/v1`, one module per resource, and the app's static files.

mod auth;
mod base;
mod catalog;
mod complaints;
mod compression;
mod csp;
mod dev;
pub mod error;
mod hotline;
mod json;
pub mod limits;
mod open311;
mod openapi;
mod photos;
mod residents;
pub mod scorecards;
mod spa;
mod staff;

use axum::extract::{DefaultBodyLimit, Request};
use axum::http::{HeaderName, HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use axum::{Json, Router};
use std::path::{Path, PathBuf};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

use crate::store::Store;
use error::{ApiError, REQUEST_ID};

/// Generous for a 1,000-character complaint even with every character escaped, small enough that
/// nobody can make the server hold megabytes per request.
const JSON_BODY_LIMIT: usize = 64 * 1024;

#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    /// "Now" for every rule that depends on time; movable only with `--dev-time-travel`.
    pub clock: crate::clock::Clock,
    /// Lookups by number and phone: per client address and per tracking number.
    pub lookup_limit: std::sync::Arc<limits::RateLimiter>,
    /// Staff sign-in attempts: per client address and per username.
    pub sign_in_limit: std::sync::Arc<limits::RateLimiter>,
    /// Photo uploads: per client address.
    pub upload_limit: std::sync::Arc<limits::RateLimiter>,
    /// Sign-in codes sent: per client address and per phone.
    pub code_limit: std::sync::Arc<limits::RateLimiter>,
    /// The reverse proxy whose `X-Forwarded-For` is believed; no other's is.
    pub trusted_proxy: Option<std::net::IpAddr>,
    pub code_sender: std::sync::Arc<dyn crate::codes::CodeSender>,
    /// Present only in development, with `--dev-expose-codes`.
    pub dev_outbox: Option<std::sync::Arc<crate::codes::DevOutbox>>,
    /// The secret shared with the citizen-services app; hand-off is off without it.
    pub handoff_secret: Option<std::sync::Arc<str>>,
    /// Scorecard answers of the last minute.
    pub scorecards: std::sync::Arc<scorecards::ScorecardCache>,
    /// Where the service is mounted (`/` or `/sub/path/`): the staff cookie's path starts with it.
    pub base_path: std::sync::Arc<str>,
    /// The keys signed photo URLs are made with.
    pub keys: std::sync::Arc<crate::keys::Keys>,
    /// Mark cookies `Secure`: on whenever the service is reached over HTTPS.
    pub secure_cookies: bool,
    /// The key the 12345 hotline's system signs in with (`--hotline-key`); without it, only the
    /// housing bureau exchanges with the hotline.
    pub hotline_key: Option<std::sync::Arc<str>>,
    /// The `api_key`s issued to a city's partners for filing through Open311.
    pub open311_keys: std::sync::Arc<[String]>,
    /// Origins that may frame the resident app (`--frame-ancestors`); none by default.
    pub frame_ancestors: std::sync::Arc<[String]>,
    /// A staff session ends after this long without a request.
    pub staff_idle: chrono::Duration,
    /// The OpenAPI document, set once the router that it describes is built.
    pub openapi: std::sync::Arc<std::sync::OnceLock<serde_json::Value>>,
}

/// The staff workbench is built into this folder of the resident app's `dist` and served at
/// `{base}staff/`; residents' pages never load anything from it.
const WORKBENCH_DIR: &str = "staff";

/// The whole service: the API, the resident app under `base_path` (`/` or `/sub/path/`) and the
/// workbench under `{base_path}staff/`.
pub fn router(state: AppState, dist: &Path, base_path: &str) -> Router {
    let (api, document) = api_routes(state.dev_outbox.is_some(), state.clock.can_travel()).split_for_parts();
    let state_for_open311 = state.clone();
    let frame_ancestors = state.frame_ancestors.clone();
    let mut document = serde_json::to_value(&document).unwrap_or_default();
    document["servers"][0]["url"] = format!("{}{}", base_path.trim_end_matches('/'), mashang_model::API_PREFIX).into();
    let _ = state.openapi.set(document);
    let api = api
        .fallback(|| async { ApiError::NotFound })
        .method_not_allowed_fallback(|| async { ApiError::MethodNotAllowed })
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(middleware::from_fn(no_store))
        .layer(middleware::from_fn(compression::compress_json))
        .with_state(state);

    // A policy per app, allowing the page's own inline blocks by their hashes. Only the
    // resident app may be framed by the listed origins: the workbench, where staff act on
    // residents' data, is never framed.
    let page = |path: PathBuf| std::fs::read_to_string(path).unwrap_or_default();
    let policy = |html: &str, ancestors: &[String]| {
        HeaderValue::from_str(&csp::policy_for(html, ancestors))
            .unwrap_or_else(|_| HeaderValue::from_static("default-src 'self'; frame-ancestors 'none'"))
    };
    let policies = FramePolicies {
        resident: policy(&page(dist.join("index.html")), &frame_ancestors),
        workbench: policy(&page(dist.join(WORKBENCH_DIR).join("index.html")), &[]),
        workbench_path: format!("{base_path}{WORKBENCH_DIR}/"),
        resident_framable: !frame_ancestors.is_empty(),
    };
    let policies = std::sync::Arc::new(policies);
    // A thousand requests are about 600 KB of JSON: brotli, as for the API's answers.
    let open311 = open311::router()
        .layer(DefaultBodyLimit::max(JSON_BODY_LIMIT))
        .layer(middleware::from_fn(compression::compress_json))
        .with_state(state_for_open311);
    let app = Router::new()
        .nest(mashang_model::API_PREFIX, api)
        .nest("/open311/v2", open311)
        .merge(spa::mounted(WORKBENCH_DIR, dist, base_path))
        .merge(spa::router(dist, base_path));
    base::under(app, base_path)
        .layer(middleware::from_fn(move |request, next| security_headers(policies.clone(), request, next)))
        .layer(middleware::from_fn(request_id))
}

/// The Content-Security-Policy of each app, and whether the resident app may be framed.
struct FramePolicies {
    resident: HeaderValue,
    workbench: HeaderValue,
    /// `{base}staff/`: the workbench's pages and files.
    workbench_path: String,
    resident_framable: bool,
}

/// Every API route, each registered through `routes!` so that it documents itself. The
/// development outbox and clock exist only when asked for.
fn api_routes(dev_outbox: bool, dev_clock: bool) -> OpenApiRouter<AppState> {
    let photo_upload = {
        let (schemas, paths, method_router) = routes!(photos::upload);
        (schemas, paths, method_router.layer(DefaultBodyLimit::max(crate::photos::MAX_UPLOAD_BYTES)))
    };
    let hotline_import = {
        let (schemas, paths, method_router) = routes!(hotline::import);
        (schemas, paths, method_router.layer(DefaultBodyLimit::max(hotline::IMPORT_BODY_LIMIT)))
    };
    let routes = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .routes(routes!(openapi::document))
        .routes(routes!(health))
        .routes(routes!(catalog::communities))
        .routes(routes!(catalog::categories))
        .routes(routes!(complaints::file))
        .routes(routes!(complaints::lookup))
        .routes(routes!(complaints::summaries))
        .routes(routes!(complaints::show))
        .routes(routes!(complaints::act))
        .routes(routes!(complaints::choose_texts))
        .routes(routes!(complaints::join))
        .routes(routes!(complaints::similar))
        .routes(routes!(scorecards::ranking))
        .routes(routes!(scorecards::company))
        .routes(routes!(scorecards::community))
        .routes(photo_upload)
        .routes(routes!(photos::show))
        .routes(routes!(residents::send_code))
        .routes(routes!(residents::verify_code))
        .routes(routes!(residents::handoff))
        .routes(routes!(residents::my_complaints))
        .routes(routes!(staff::sign_in))
        .routes(routes!(staff::me, staff::sign_out))
        .routes(routes!(staff::work_list))
        .routes(routes!(staff::queue))
        .routes(routes!(staff::export_queue))
        .routes(routes!(staff::board))
        .routes(routes!(staff::export_board))
        .routes(routes!(staff::show))
        .routes(routes!(staff::reveal_contact))
        .routes(routes!(staff::act))
        .routes(routes!(staff::templates, staff::save_template))
        .routes(routes!(staff::audit))
        .routes(hotline_import)
        .routes(routes!(hotline::export));
    let routes =
        if dev_outbox { routes.routes(routes!(residents::latest_code)).routes(routes!(dev::texts)) } else { routes };
    if dev_clock { routes.routes(routes!(dev::advance_clock)) } else { routes }
}

/// A numeric id from the path. Anything that is not one (text, a number past `i64`) is a miss
/// like an unknown id, answered as a problem document rather than axum's plain-text rejection.
fn path_id(text: &str) -> error::ApiResult<i64> {
    text.parse().map_err(|_| ApiError::NotFound)
}

#[derive(serde::Serialize, utoipa::ToSchema)]
struct Health {
    status: &'static str,
}

#[utoipa::path(get, operation_id = "meta_health", path = "/health", tag = "meta", responses((status = 200, description = "The server is up", body = Health), openapi::ProblemResponse))]
async fn health() -> Json<Health> {
    Json(Health { status: "ok" })
}

/// Gives every request an id, in the `X-Request-Id` answer header and in problem bodies, so that
/// a resident's screenshot of an error can be matched to a log line.
async fn request_id(request: Request, next: Next) -> Response {
    let id = uuid::Uuid::new_v4().simple().to_string();
    let mut response = REQUEST_ID.scope(id.clone(), next.run(request)).await;
    if let Ok(value) = HeaderValue::from_str(&id) {
        response.headers_mut().insert(HeaderName::from_static("x-request-id"), value);
    }
    response
}

async fn security_headers(policies: std::sync::Arc<FramePolicies>, request: Request, next: Next) -> Response {
    let path = request.uri().path();
    let workbench = path.starts_with(&policies.workbench_path) || path == policies.workbench_path.trim_end_matches('/');
    let fetched_as_script = request.headers().get("sec-fetch-dest").is_some_and(|dest| dest == "script");
    let mut response = next.run(request).await;
    let headers = response.headers_mut();
    headers.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(header::REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    if never_a_document(headers.get(header::CONTENT_TYPE), fetched_as_script) {
        return response;
    }
    let (policy, framable) =
        if workbench { (&policies.workbench, false) } else { (&policies.resident, policies.resident_framable) };
    headers.insert(header::CONTENT_SECURITY_POLICY, policy.clone());
    // X-Frame-Options can name no origin: with a list, CSP's frame-ancestors alone decides.
    if !framable {
        headers.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    }
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    // The camera is for photos of the problem; nothing else is needed.
    headers.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(self), geolocation=(), microphone=(), payment=()"),
    );
    response
}

/// Whether an answer can only ever be a page's subresource: a file the browser never shows as a
/// page of its own nor runs as a worker (the wasm and the chunks' bundles, the stylesheet, raster
/// images, the manifest, a module script fetched as one). The policy, frame and opener headers
/// govern only pages and workers; on HTTP/1.1 they were some 650 bytes on each of the requests
/// before the app's first screen. SVG, HTML, JSON and text keep them all: each can be opened
/// as a page, and SVG can run script. A script keeps them unless fetched as a page's script, as
/// the service worker's own file is fetched as a worker.
fn never_a_document(content_type: Option<&HeaderValue>, fetched_as_script: bool) -> bool {
    let Some(essence) = content_type.and_then(|value| value.to_str().ok()).and_then(|value| value.split(';').next())
    else {
        return false;
    };
    match essence.trim().to_ascii_lowercase().as_str() {
        "application/wasm"
        | "application/octet-stream"
        | "text/css"
        | "application/manifest+json"
        | "image/png"
        | "image/jpeg"
        | "image/webp"
        | "image/gif"
        | "image/avif"
        | "image/x-icon"
        | "font/woff2" => true,
        "text/javascript" | "application/javascript" => fetched_as_script,
        _ => false,
    }
}

/// API answers carry personal data: no cache, shared or private, may keep them, unless the
/// handler said otherwise (photos, which never change).
async fn no_store(request: Request, next: Next) -> Response {
    let mut response = next.run(request).await;
    if !response.headers().contains_key(header::CACHE_CONTROL) {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    }
    response
}

#[cfg(test)]
mod tests {
    /// Every API route must go through `routes!`, which documents it in the OpenAPI document; a
    /// route added with axum's own single-route method would serve a path the document lacks.
    #[test]
    fn no_route_escapes_the_openapi_document() {
        let source = include_str!("mod.rs");
        let plain_routes = source.matches(concat!(".rou", "te(")).count();
        assert_eq!(plain_routes, 0, "register API routes with .routes(routes!(handler))");
    }
}
