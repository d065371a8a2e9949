//! Serves the built app. Any path that is not a file falls back to `index.html`, so that a deep
//! link such as `/track?number=…` opens the app on that page.
//!
//! The page and `config.json` are served from memory with the deployment's base path written in
//! (`<base href>` and `base_path`), so one build works at `/` and under any sub-path.

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use std::convert::Infallible;
use std::path::Path;
use tower::{ServiceExt, service_fn};
use tower_http::services::ServeDir;

use super::compression::{accepts_brotli, brotli};

/// A second app under `/{folder}/` of this service, built into `dist/{folder}`; `base_path` is
/// where the whole service is mounted.
pub fn mounted(folder: &str, dist: &Path, base_path: &str) -> Router {
    let app = router(&dist.join(folder), &format!("{base_path}{folder}/"));
    // `nest` serves `/staff` and `/staff/…` but not `/staff/` itself, the app's home: that is
    // answered as the app's `/`.
    let home = {
        let app = app.clone();
        service_fn(move |mut request: Request| {
            let app = app.clone();
            async move {
                let home = match request.uri().query() {
                    Some(query) => format!("/?{query}"),
                    None => "/".to_owned(),
                };
                if let Ok(uri) = home.parse() {
                    *request.uri_mut() = uri;
                }
                app.oneshot(request).await
            }
        })
    };
    Router::new().route_service(&format!("/{folder}/"), home).nest(&format!("/{folder}"), app)
}

pub fn router(dist: &Path, base_path: &str) -> Router {
    let index_path = dist.join("index.html");
    let index = std::fs::read_to_string(&index_path).unwrap_or_else(|_| {
        tracing::warn!("{} is missing: build the app first (cargo xtask run does)", index_path.display());
        String::new()
    });
    precompress(dist);
    let page = Prepared::new(with_base_href(&index, base_path), "text/html; charset=utf-8");
    let config = Prepared::new(runtime_config(dist, base_path), "application/json");
    let files =
        ServeDir::new(dist).precompressed_br().append_index_html_on_directories(false).fallback(page.clone().service());
    Router::new()
        .route_service("/", page.clone().service())
        .route_service("/index.html", page.service())
        .route_service("/config.json", config.service())
        .fallback_service(files)
        .layer(middleware::from_fn(cache_policy))
}

/// A small file prepared once at start, with its brotli form for browsers that accept it.
#[derive(Clone)]
struct Prepared {
    body: Bytes,
    brotli: Bytes,
    content_type: &'static str,
}

impl Prepared {
    fn new(body: String, content_type: &'static str) -> Self {
        let brotli = compress(body.as_bytes()).unwrap_or_default();
        Self { body: Bytes::from(body), brotli: Bytes::from(brotli), content_type }
    }

    fn respond(&self, headers: &HeaderMap) -> Response {
        let (body, encoding) = if accepts_brotli(headers) && !self.brotli.is_empty() {
            (self.brotli.clone(), Some("br"))
        } else {
            (self.body.clone(), None)
        };
        let mut response = (StatusCode::OK, Body::from(body)).into_response();
        let response_headers = response.headers_mut();
        response_headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(self.content_type));
        response_headers.insert(header::VARY, HeaderValue::from_static("accept-encoding"));
        if let Some(encoding) = encoding {
            response_headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static(encoding));
        }
        response
    }

    fn service(
        self,
    ) -> impl tower::Service<Request, Response = Response, Error = Infallible, Future: Send> + Clone + Send + Sync + 'static
    {
        service_fn(move |request: Request| {
            let response = self.respond(request.headers());
            async move { Ok(response) }
        })
    }
}

/// Trunk writes `<base href=./>` (its `public_url`); the page must name the real base, or a deep
/// link such as `/complaints/…` would look for the app's files under `/complaints/`.
fn with_base_href(index: &str, base_path: &str) -> String {
    let Some(start) = index.find("<base ") else {
        return index.to_owned();
    };
    let Some(length) = index[start..].find('>') else {
        return index.to_owned();
    };
    format!("{}<base href=\"{base_path}\">{}", &index[..start], &index[start + length + 1..])
}

/// The built `config.json` with `base_path` set to where this server serves the app.
fn runtime_config(dist: &Path, base_path: &str) -> String {
    let built = std::fs::read_to_string(dist.join("config.json")).unwrap_or_default();
    let mut config = match serde_json::from_str::<serde_json::Value>(&built) {
        Ok(serde_json::Value::Object(config)) => config,
        _ => serde_json::Map::new(),
    };
    config.insert("base_path".to_owned(), serde_json::Value::from(base_path));
    serde_json::Value::Object(config).to_string()
}

/// Built files are compressed once, so they get brotli's best.
fn compress(original: &[u8]) -> std::io::Result<Vec<u8>> {
    brotli(original, 11)
}

/// Text and wasm (and the resident app's bundles of wasm, `.bin`) compress to a fraction of their
/// size, which is what a phone on a weak network waits for. Each built file gets a `.br` beside it
/// once, at the highest quality, when missing or older than the file; `ServeDir` then sends it to
/// browsers that accept brotli.
fn precompress(dist: &Path) {
    let Ok(entries) = std::fs::read_dir(dist) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let compressible = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "wasm" | "bin" | "js" | "css" | "html" | "json" | "svg" | "webmanifest"));
        if !compressible {
            continue;
        }
        let mut compressed_path = path.clone().into_os_string();
        compressed_path.push(".br");
        let compressed_path = std::path::PathBuf::from(compressed_path);
        let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
        if modified(&compressed_path).is_some_and(|done| Some(done) >= modified(&path)) {
            continue;
        }
        let Ok(original) = std::fs::read(&path) else { continue };
        // Written aside and renamed into place: servers started together on one `dist` (the
        // tests start three) never serve one another's half-written file.
        let mut partial = compressed_path.clone().into_os_string();
        partial.push(format!(".{}.partial", std::process::id()));
        let partial = std::path::PathBuf::from(partial);
        // A read-only deployment simply serves the files uncompressed.
        let written = compress(&original)
            .and_then(|compressed| std::fs::write(&partial, compressed))
            .and_then(|()| std::fs::rename(&partial, &compressed_path));
        if written.is_err() {
            let _ = std::fs::remove_file(&partial);
            tracing::warn!("could not write {}", compressed_path.display());
        }
    }
}

async fn cache_policy(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let is_html =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|value| value.as_bytes().starts_with(b"text/html"));
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(cache_control(&path, is_html)));
    response
}

/// The page, the runtime configuration, the service worker and the manifest are revalidated on
/// every visit, so that a new release (or a new worker) reaches phones at once; hashed files
/// never change.
fn cache_control(path: &str, is_html: bool) -> &'static str {
    let revalidated = ["/config.json", "/sw.js", "/manifest.webmanifest"];
    if is_html || revalidated.iter().any(|name| path.ends_with(name)) {
        "no-cache"
    } else if is_hashed_asset(path) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    }
}

/// Trunk names its outputs `name-<hash>.ext` (or `_bg.wasm`), the hash being a 64-bit number in
/// hex without leading zeros: 16 digits mostly, 15 one time in sixteen, fewer very rarely.
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or_default().trim_end_matches("_bg");
    stem.rsplit_once('-').is_some_and(|(_, hash)| {
        (12..=16).contains(&hash.len()) && hash.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
    })
}

#[cfg(test)]
mod tests {
    use super::{cache_control, is_hashed_asset, with_base_href};

    #[test]
    fn the_worker_and_what_names_a_build_are_revalidated_and_built_files_kept() {
        for path in ["/sw.js", "/city/mashang/sw.js", "/config.json", "/manifest.webmanifest"] {
            assert_eq!(cache_control(path, false), "no-cache", "{path}");
        }
        assert_eq!(cache_control("/complaints/1", true), "no-cache");
        assert_eq!(cache_control("/split_file-3bb77925ef49331f.wasm", false), "public, max-age=31536000, immutable");
        assert_eq!(cache_control("/icon-192.png", false), "public, max-age=3600");
    }

    #[test]
    fn writes_the_base_path_into_the_page() {
        let page = "<head><meta charset=utf-8><base href=./><script type=module>import init from './app.js';</script>";
        assert_eq!(
            with_base_href(page, "/mashang/"),
            "<head><meta charset=utf-8><base href=\"/mashang/\"><script type=module>import init from './app.js';</script>"
        );
        assert_eq!(with_base_href("<p>no base</p>", "/x/"), "<p>no base</p>");
    }

    #[test]
    fn recognises_trunk_hashes() {
        assert!(is_hashed_asset("/mashang-app-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed_asset("/mashang-app-1a2b3c4d5e6f7a8b.js"));
        assert!(is_hashed_asset("/main-0123456789abcdef.css"));
        assert!(is_hashed_asset("/staff/mashang-workbench-5afe011cf2b77e5_bg.wasm"));
        assert!(!is_hashed_asset("/mashang-workbench.js"));
        assert!(!is_hashed_asset("/photo-2026.jpg"));
        assert!(!is_hashed_asset("/config.json"));
        assert!(!is_hashed_asset("/favicon.svg"));
    }
}
