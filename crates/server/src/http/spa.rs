//! Serves the built app. Any path that is not a file falls back to `index.html`, so that a deep
//! link such as `/track?number=…` opens the app on that page.

use axum::Router;
use axum::extract::Request;
use axum::http::{HeaderValue, header};
use axum::middleware::{self, Next};
use axum::response::Response;
use std::path::Path;
use tower_http::services::{ServeDir, ServeFile};

pub fn router(dist: &Path) -> Router {
    let index = dist.join("index.html");
    if !index.is_file() {
        tracing::warn!("{} is missing: build the app first (cargo xtask run does)", index.display());
    }
    precompress(dist);
    let files = ServeDir::new(dist).precompressed_br().fallback(ServeFile::new(index).precompressed_br());
    Router::new().fallback_service(files).layer(middleware::from_fn(cache_policy))
}

/// Text and wasm compress to a fraction of their size, which is what a phone on a weak network
/// waits for. Each built file gets a `.br` beside it once, at the highest quality, when missing or
/// older than the file; `ServeDir` then sends it to browsers that accept brotli.
fn precompress(dist: &Path) {
    let Ok(entries) = std::fs::read_dir(dist) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        let compressible = path
            .extension()
            .and_then(|e| e.to_str())
            .is_some_and(|e| matches!(e, "wasm" | "js" | "css" | "html" | "json" | "svg"));
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
        let mut compressed = Vec::new();
        let params = brotli::enc::BrotliEncoderParams { quality: 11, lgwin: 22, ..Default::default() };
        let written = brotli::BrotliCompress(&mut original.as_slice(), &mut compressed, &params);
        // A read-only deployment simply serves the files uncompressed.
        if written.is_err() || std::fs::write(&compressed_path, &compressed).is_err() {
            tracing::warn!("could not write {}", compressed_path.display());
        }
    }
}

/// The page and the runtime configuration must be revalidated on every visit so that a new
/// release reaches phones at once; Trunk's hashed assets never change and can be kept.
async fn cache_policy(request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let mut response = next.run(request).await;
    let is_html =
        response.headers().get(header::CONTENT_TYPE).is_some_and(|value| value.as_bytes().starts_with(b"text/html"));
    let policy = if is_html || path.ends_with("/config.json") {
        "no-cache"
    } else if is_hashed_asset(&path) {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=3600"
    };
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(policy));
    response
}

/// Trunk names its outputs `name-<16 hex digits>.ext` (or `_bg.wasm`).
fn is_hashed_asset(path: &str) -> bool {
    let file = path.rsplit('/').next().unwrap_or_default();
    let stem = file.split('.').next().unwrap_or_default().trim_end_matches("_bg");
    stem.rsplit('-').next().is_some_and(|hash| hash.len() == 16 && hash.bytes().all(|b| b.is_ascii_hexdigit()))
}

#[cfg(test)]
mod tests {
    use super::is_hashed_asset;

    #[test]
    fn recognises_trunk_hashes() {
        assert!(is_hashed_asset("/mashang-app-1a2b3c4d5e6f7a8b_bg.wasm"));
        assert!(is_hashed_asset("/mashang-app-1a2b3c4d5e6f7a8b.js"));
        assert!(is_hashed_asset("/main-0123456789abcdef.css"));
        assert!(!is_hashed_asset("/config.json"));
        assert!(!is_hashed_asset("/favicon.svg"));
    }
}
