//! Runtime configuration, read from `config.json` next to `index.html`, so that one build can be
//! pointed at any back end that speaks the contract.

use mashang_model::API_PREFIX;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
pub struct RuntimeConfig {
    /// Base URL of the API, absolute or relative to the page (default: this origin's `/api/v1`).
    #[serde(default = "default_api_base")]
    pub api_base: String,
}

fn default_api_base() -> String {
    API_PREFIX.to_owned()
}

impl Default for RuntimeConfig {
    fn default() -> Self {
        Self { api_base: default_api_base() }
    }
}

/// Loads the configuration; a missing or broken file falls back to the defaults, because a
/// resident should still get a working app when the operator forgot the file.
pub async fn load() -> RuntimeConfig {
    let response = gloo_net::http::Request::get("config.json").send().await;
    match response {
        Ok(response) if response.ok() => response.json().await.unwrap_or_else(|error| {
            leptos::logging::warn!("config.json is not valid, using defaults: {error}");
            RuntimeConfig::default()
        }),
        _ => RuntimeConfig::default(),
    }
}
