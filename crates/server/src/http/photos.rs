//! `POST /photos` (upload one photo, before filing or acting) and `GET /photos/{id}`.

use axum::Json;
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mashang_model::validation::is_photo_id;
use mashang_model::{Field, FieldError, FieldErrorCode, UploadedPhoto};
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
    state.upload_limit.take(&[format!("ip:{client}")]).map_err(ApiError::RateLimited)?;
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
    let saved = state.store.save_photo(id, photo.jpeg, photo.width, photo.height, state.clock.now()).await?;
    Ok((StatusCode::CREATED, Json(saved)))
}

#[utoipa::path(get, operation_id = "photos_show", path = "/photos/{id}", tag = "photos", params(("id" = String, Path, description = "SHA-256 of the stored JPEG, hex")), responses((status = 200, description = "The photo", content_type = "image/jpeg", body = Vec<u8>), ProblemResponse))]
pub async fn show(State(state): State<AppState>, Path(id): Path<String>) -> ApiResult<Response> {
    if !is_photo_id(&id) {
        return Err(ApiError::NotFound);
    }
    let jpeg = state.store.photo(id).await?.ok_or(ApiError::NotFound)?;
    let mut response = jpeg.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("image/jpeg"));
    // Named by its content, a photo never changes; it stays out of shared caches.
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, max-age=31536000, immutable"));
    Ok(response)
}
