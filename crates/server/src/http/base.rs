//! Serving under a sub-path: a city's reverse proxy may give Mashang `/mashang/` of its site.
//! The prefix is taken off before routing, so every route and the app's files are written as if
//! served at the root.

use axum::Router;
use axum::extract::Request;
use axum::http::uri::PathAndQuery;
use axum::http::{HeaderValue, StatusCode, Uri, header};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::sync::Arc;
use tower::{ServiceExt, service_fn};

use super::error::ApiError;

/// `app` served under `base_path` (`/` leaves it as it is).
pub fn under(app: Router, base_path: &str) -> Router {
    if base_path == "/" {
        return app;
    }
    let base: Arc<str> = Arc::from(base_path);
    Router::new().fallback_service(service_fn(move |request: Request| {
        let (app, base) = (app.clone(), base.clone());
        async move { Ok::<_, Infallible>(route(app, &base, request).await) }
    }))
}

async fn route(app: Router, base: &str, mut request: Request) -> Response {
    let path = request.uri().path();
    let prefix = base.trim_end_matches('/');
    let Some(rest) = path.strip_prefix(prefix).filter(|rest| rest.starts_with('/')) else {
        // The bare prefix and the site's root lead to the app, whose page needs the trailing slash
        // for its relative links.
        if path == prefix || path == "/" {
            return redirect_to(base, request.uri().query());
        }
        return ApiError::NotFound.into_response();
    };
    let rewritten = match request.uri().query() {
        Some(query) => format!("{rest}?{query}"),
        None => rest.to_owned(),
    };
    let Ok(path_and_query) = rewritten.parse::<PathAndQuery>() else {
        return ApiError::NotFound.into_response();
    };
    let mut parts = request.uri().clone().into_parts();
    parts.path_and_query = Some(path_and_query);
    let Ok(uri) = Uri::from_parts(parts) else {
        return ApiError::NotFound.into_response();
    };
    *request.uri_mut() = uri;
    match app.oneshot(request).await {
        Ok(response) => response,
        Err(never) => match never {},
    }
}

fn redirect_to(base: &str, query: Option<&str>) -> Response {
    let location = match query {
        Some(query) => format!("{base}?{query}"),
        None => base.to_owned(),
    };
    match HeaderValue::from_str(&location) {
        Ok(location) => (StatusCode::PERMANENT_REDIRECT, [(header::LOCATION, location)]).into_response(),
        Err(_) => ApiError::NotFound.into_response(),
    }
}
