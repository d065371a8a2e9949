//! The HTTP client core both apps' API modules are built on: one error type the pages can turn
//! into a sentence, and the send-and-decode steps every endpoint shares.

use gloo_net::http::{RequestBuilder, Response};
use mashang_model::Problem;
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::sync::Arc;

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// The request never got an answer: offline, DNS, the server down.
    Network,
    /// The server answered with a problem document.
    Problem(Box<Problem>),
    /// The server answered something that is neither the expected body nor a problem.
    Unexpected(u16),
}

/// For logs and for Leptos's `ErrorBoundary`; people see [`crate::texts::CommonTexts::api_error`].
impl std::fmt::Display for ApiError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Network => f.write_str("no answer from the server"),
            Self::Problem(problem) => write!(f, "the server answered {}", problem.status),
            Self::Unexpected(status) => write!(f, "unexpected answer {status}"),
        }
    }
}

impl std::error::Error for ApiError {}

impl ApiError {
    pub fn request_id(&self) -> Option<&str> {
        match self {
            Self::Problem(problem) => problem.request_id.as_deref(),
            _ => None,
        }
    }

    pub fn status(&self) -> Option<u16> {
        match self {
            Self::Problem(problem) => Some(problem.status),
            _ => None,
        }
    }

    pub fn is_not_found(&self) -> bool {
        self.status() == Some(404)
    }
}

/// Where the API is: every endpoint's URL is made here.
#[derive(Clone)]
pub struct ApiBase(Arc<str>);

impl ApiBase {
    pub fn new(base: &str) -> Self {
        Self(base.trim_end_matches('/').into())
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.0)
    }

    /// Uploads one photo (already shrunk by the browser); the server checks and re-encodes it.
    pub async fn upload_photo(&self, photo: &web_sys::Blob) -> Result<mashang_model::UploadedPhoto, ApiError> {
        let request = gloo_net::http::Request::post(&self.url("/photos"))
            .header("Content-Type", "image/jpeg")
            .body(photo.clone())
            .map_err(|_| ApiError::Unexpected(0))?;
        decode(request.send().await.map_err(|_| ApiError::Network)?).await
    }

    /// Where a stored photo is served; usable directly as an `<img src>`.
    pub fn photo_url(&self, id: &str) -> String {
        self.url(&format!("/photos/{id}"))
    }
}

pub async fn send_json<B: Serialize, T: DeserializeOwned>(request: RequestBuilder, body: &B) -> Result<T, ApiError> {
    let request = request.json(body).map_err(|_| ApiError::Unexpected(0))?;
    decode(request.send().await.map_err(|_| ApiError::Network)?).await
}

pub async fn send<T: DeserializeOwned>(request: RequestBuilder) -> Result<T, ApiError> {
    decode(request.send().await.map_err(|_| ApiError::Network)?).await
}

pub async fn decode<T: DeserializeOwned>(response: Response) -> Result<T, ApiError> {
    if response.ok() {
        let status = response.status();
        return response.json().await.map_err(|_| ApiError::Unexpected(status));
    }
    Err(refusal(response).await)
}

/// The error of an answer that is not a success. Not generic, so both apps' many `decode`s share
/// one copy of the problem document's decoding instead of each carrying its own.
#[inline(never)]
async fn refusal(response: Response) -> ApiError {
    let status = response.status();
    match response.json::<Problem>().await {
        Ok(problem) => ApiError::Problem(Box::new(problem)),
        Err(_) => ApiError::Unexpected(status),
    }
}

/// An answer with no body worth reading (204, or one the caller ignores): only its status matters.
pub async fn send_empty(request: RequestBuilder) -> Result<(), ApiError> {
    let response = request.send().await.map_err(|_| ApiError::Network)?;
    if response.ok() { Ok(()) } else { Err(refusal(response).await) }
}
