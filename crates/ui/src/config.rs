//! Runtime configuration, read from `config.json` next to `index.html`, so that one build can be
//! pointed at any back end that speaks the contract and served under any path.

use crate::json;

/// The API relative to the page's base, so the same build works at `/` and under a sub-path.
const DEFAULT_API_BASE: &str = "api/v1";

#[derive(Debug, Clone, Default)]
pub struct RuntimeConfig {
    /// Base URL of the API, absolute or relative to the page's base (default: `api/v1`).
    api_base: Option<String>,
    /// The path the app is served under, such as `/mashang/` (default: the page's `<base href>`).
    base_path: Option<String>,
}

impl RuntimeConfig {
    pub fn api_base(&self) -> &str {
        self.api_base_or(DEFAULT_API_BASE)
    }

    /// The configured API base, else `default` (relative to the page's base).
    pub fn api_base_or<'a>(&'a self, default: &'a str) -> &'a str {
        self.api_base.as_deref().filter(|base| !base.is_empty()).unwrap_or(default)
    }

    /// The router's base: the sub-path without its trailing slash, empty when served at the root.
    pub fn router_base(&self) -> String {
        let configured = self.base_path.clone().or_else(document_base_path).unwrap_or_default();
        router_base(&configured)
    }
}

/// The path of the page's `<base href>`, which the server sets to where it serves the app.
fn document_base_path() -> Option<String> {
    let base_uri = leptos::prelude::document().base_uri().ok().flatten()?;
    web_sys::Url::new(&base_uri).ok().map(|url| url.pathname())
}

fn router_base(path: &str) -> String {
    let trimmed = path.trim().trim_matches('/');
    if trimmed.is_empty() { String::new() } else { format!("/{trimmed}") }
}

/// Loads the configuration; a missing or broken file falls back to the defaults, because a
/// resident should still get a working app when the operator forgot the file.
pub async fn load() -> RuntimeConfig {
    let Ok(response) = gloo_net::http::Request::get("config.json").send().await else {
        return RuntimeConfig::default();
    };
    if !response.ok() {
        return RuntimeConfig::default();
    }
    match response.text().await.ok().as_deref().and_then(json::parse_object) {
        Some(config) => {
            RuntimeConfig { api_base: json::text(&config, "api_base"), base_path: json::text(&config, "base_path") }
        }
        None => {
            leptos::logging::warn!("config.json is not a JSON object, using defaults");
            RuntimeConfig::default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::router_base;

    #[test]
    fn router_base_has_no_trailing_slash_and_is_empty_at_the_root() {
        assert_eq!(router_base("/"), "");
        assert_eq!(router_base(""), "");
        assert_eq!(router_base("/mashang/"), "/mashang");
        assert_eq!(router_base("mashang"), "/mashang");
        assert_eq!(router_base("/city/mashang/"), "/city/mashang");
    }
}
