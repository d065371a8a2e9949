//! `POST /photos` (upload one photo, before filing or acting) and `GET /photos/{id}`, which
//! serves a photo only with a signed, short-lived capability in its query (`exp`, `sig`). The
//! capability is handed out with the uploader's answer and in the views of a complaint, which
//! only those who may see the complaint get; an `<img src>` carries it, so images load and are
//! cached without any header.

use axum::Json;
use axum::body::Bytes;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mashang_model::validation::is_photo_id;
use mashang_model::{ComplaintView, Field, FieldError, FieldErrorCode, UploadedPhoto};
use tokio::sync::Semaphore;

use super::AppState;
use super::error::{ApiError, ApiResult};
use super::limits::ClientIp;
use super::openapi::ProblemResponse;
use crate::photos::{self, MAX_PIXELS, PhotoError};
use crate::secrets;

/// Decoding is CPU- and memory-heavy: a few at a time, whatever the number of uploads.
static DECODES: Semaphore = Semaphore::const_new(2);

/// The body is the image itself, with any declared type: what it is is decided by its bytes.
/// The router's body limit refuses anything over 10 MB before reading it.
#[utoipa::path(post, operation_id = "photos_upload", path = "/photos", tag = "photos", request_body(content = Vec<u8>, content_type = "application/octet-stream", description = "The image file; its type is decided by its bytes"), responses((status = 201, description = "Stored", body = UploadedPhoto), ProblemResponse))]
pub async fn upload(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    body: Result<Bytes, axum::extract::rejection::BytesRejection>,
) -> ApiResult<(StatusCode, Json<UploadedPhoto>)> {
    let bytes = body.map_err(|rejection| {
        if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::PayloadTooLarge
        } else {
            ApiError::MalformedBody(rejection.body_text())
        }
    })?;
    state.upload_limit.take(&[format!("ip:{client}")]).await.map_err(ApiError::RateLimited)?;
    let permit = DECODES.acquire().await.map_err(|_| ApiError::Store(crate::store::StoreError::Closed))?;
    let cleaned = tokio::task::spawn_blocking(move || photos::clean(&bytes))
        .await
        .map_err(|e| ApiError::Store(crate::store::StoreError::Database(format!("photo task failed: {e}"))))?;
    drop(permit);
    let photo = cleaned.map_err(|error| {
        let field_error = match error {
            PhotoError::Empty => FieldError::new(Field::Photos, FieldErrorCode::Empty),
            PhotoError::UnsupportedType => FieldError::new(Field::Photos, FieldErrorCode::UnsupportedType),
            PhotoError::TooManyPixels => {
                FieldError::with_limit(Field::Photos, FieldErrorCode::TooManyPixels, (MAX_PIXELS / 1_000_000) as usize)
            }
            PhotoError::Undecodable => FieldError::new(Field::Photos, FieldErrorCode::Undecodable),
        };
        ApiError::Validation(vec![field_error])
    })?;
    let id = hex::encode(secrets::sha256(&photo.jpeg));
    let now = state.clock.now();
    let mut saved = state.store.save_photo(id, photo.jpeg, photo.width, photo.height, now).await?;
    let access = secrets::photo_access(state.keys.photo(), &saved.id, now, secrets::UPLOADER_URL_HOURS);
    saved.path = format!("{}?{access}", saved.id);
    Ok((StatusCode::CREATED, Json(saved)))
}

/// The view with each photo given its capability, for whoever this view is being sent to (the
/// store has already decided they may see the complaint and its photos).
pub fn with_photo_access(state: &AppState, mut view: ComplaintView) -> ComplaintView {
    let now = state.clock.now();
    for event in &mut view.timeline {
        for photo in &mut event.photos {
            let access = secrets::photo_access(state.keys.photo(), photo, now, secrets::PHOTO_URL_HOURS);
            *photo = format!("{photo}?{access}");
        }
    }
    view
}

/// The capability in a photo URL's query.
#[derive(Debug, Default, serde::Deserialize)]
pub struct PhotoAccess {
    exp: Option<i64>,
    sig: Option<String>,
}

#[utoipa::path(get, operation_id = "photos_show", path = "/photos/{id}", tag = "photos", params(("id" = String, Path, description = "SHA-256 of the stored JPEG, hex"), ("exp" = i64, Query, description = "When the capability ends, Unix seconds"), ("sig" = String, Query, description = "The capability's signature")), responses((status = 200, description = "The photo", content_type = "image/jpeg", body = Vec<u8>), ProblemResponse))]
pub async fn show(
    State(state): State<AppState>,
    Path(id): Path<String>,
    access: Result<Query<PhotoAccess>, QueryRejection>,
) -> ApiResult<Response> {
    let Query(access) = access.unwrap_or_default();
    let now = state.clock.now();
    let allowed = match (access.exp, access.sig.as_deref()) {
        (Some(expires), Some(signature)) => {
            secrets::photo_access_valid(state.keys.photo(), &id, expires, signature, now)
        }
        _ => false,
    };
    // Without a valid capability a photo is as good as absent: nothing says it exists.
    if !is_photo_id(&id) || !allowed {
        return Err(ApiError::NotFound);
    }
    let expires = access.exp.unwrap_or_default();
    let jpeg = state.store.photo(id).await?.ok_or(ApiError::NotFound)?;
    let mut response = jpeg.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    // This URL serves the same bytes until it expires; no shared cache may keep them.
    let max_age = (expires - now.timestamp()).max(0);
    if let Ok(value) = HeaderValue::from_str(&format!("private, max-age={max_age}, immutable")) {
        headers.insert(header::CACHE_CONTROL, value);
    }
    Ok(response)
}
