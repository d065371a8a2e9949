//! Brotli for the API's JSON answers. A unit's queue page is tens of kilobytes of repetitive JSON
//! that shrinks six-fold; on a phone's slow link those bytes are most of the wait. Only browsers
//! that say they accept brotli get it (they all do over HTTPS and on loopback); everyone else,
//! and every small answer, gets the JSON as it was.

use axum::body::{Body, to_bytes};
use axum::extract::Request;
use axum::http::{HeaderMap, HeaderValue, header};
use axum::middleware::Next;
use axum::response::Response;

/// Below this, the header and the work cost more than the bytes saved.
const SMALLEST_WORTH_COMPRESSING: usize = 1024;
/// Above this, compressing happens off the async workers so that other requests are not held up.
const LARGEST_COMPRESSED_INLINE: usize = 256 * 1024;
/// Brotli's quality 4 compresses JSON about as fast as it is written and much smaller than gzip;
/// the highest qualities are for files compressed once at start, not for every answer.
const ANSWER_QUALITY: i32 = 4;

/// Whether the request's `Accept-Encoding` lists brotli (and does not refuse it with `q=0`).
pub fn accepts_brotli(headers: &HeaderMap) -> bool {
    headers.get_all(header::ACCEPT_ENCODING).iter().filter_map(|value| value.to_str().ok()).any(|value| {
        value.split(',').any(|coding| {
            let mut parts = coding.split(';').map(str::trim);
            parts.next() == Some("br") && !parts.any(refuses)
        })
    })
}

/// `q=0` (or `q=0.0`) is how a client says "not this one".
fn refuses(parameter: &str) -> bool {
    parameter
        .strip_prefix("q=")
        .and_then(|weight| weight.trim().parse::<f32>().ok())
        .is_some_and(|weight| weight <= 0.0)
}

pub fn brotli(original: &[u8], quality: i32) -> std::io::Result<Vec<u8>> {
    let mut compressed = Vec::with_capacity(original.len() / 4);
    // A window no bigger than the input: brotli allocates (and clears) the whole window first,
    // which for the usual 4 MB costs more than compressing a 25 KB answer.
    let lgwin = (10..22).find(|bits| (1usize << bits) - 16 >= original.len()).unwrap_or(22);
    let params = brotli::enc::BrotliEncoderParams { quality, lgwin, size_hint: original.len(), ..Default::default() };
    brotli::BrotliCompress(&mut &original[..], &mut compressed, &params)?;
    Ok(compressed)
}

/// Compresses a JSON answer for a client that accepts brotli.
pub async fn compress_json(request: Request, next: Next) -> Response {
    let wanted = accepts_brotli(request.headers());
    let response = next.run(request).await;
    if !wanted || !is_json(response.headers()) || response.headers().contains_key(header::CONTENT_ENCODING) {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    // JSON answers are built in memory, so reading the body back costs no more than it holds.
    let Ok(json) = to_bytes(body, usize::MAX).await else {
        return Response::from_parts(parts, Body::empty());
    };
    parts.headers.append(header::VARY, HeaderValue::from_static("accept-encoding"));
    if json.len() < SMALLEST_WORTH_COMPRESSING {
        return Response::from_parts(parts, Body::from(json));
    }
    let compressed = if json.len() <= LARGEST_COMPRESSED_INLINE {
        brotli(&json, ANSWER_QUALITY).ok()
    } else {
        let copy = json.clone();
        tokio::task::spawn_blocking(move || brotli(&copy, ANSWER_QUALITY).ok()).await.ok().flatten()
    };
    match compressed {
        Some(compressed) => {
            parts.headers.insert(header::CONTENT_ENCODING, HeaderValue::from_static("br"));
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(compressed))
        }
        None => Response::from_parts(parts, Body::from(json)),
    }
}

fn is_json(headers: &HeaderMap) -> bool {
    headers.get(header::CONTENT_TYPE).and_then(|value| value.to_str().ok()).is_some_and(|value| {
        let media = value.split(';').next().unwrap_or_default().trim();
        media == "application/json" || media.ends_with("+json")
    })
}

#[cfg(test)]
mod tests {
    use super::accepts_brotli;
    use axum::http::{HeaderMap, HeaderValue, header};

    fn accepting(value: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert(header::ACCEPT_ENCODING, HeaderValue::from_static(value));
        headers
    }

    #[test]
    fn brotli_is_used_only_when_the_client_lists_it() {
        assert!(accepts_brotli(&accepting("gzip, deflate, br, zstd")));
        assert!(accepts_brotli(&accepting("br;q=0.5")));
        assert!(!accepts_brotli(&accepting("gzip, deflate")));
        assert!(!accepts_brotli(&accepting("br;q=0, gzip")));
        assert!(!accepts_brotli(&accepting("gzip, br; q=0.0")));
        assert!(!accepts_brotli(&accepting("brotli")));
        assert!(!accepts_brotli(&HeaderMap::new()));
    }

    #[test]
    fn compressed_answers_unpack_to_what_was_compressed_whatever_their_size() {
        for size in [0, 1, 1000, 1008, 1009, 70_000, 5_000_000] {
            let pattern = br#"{"id":1,"status":"accepted"},"#;
            let original: Vec<u8> = (0..size).map(|i| pattern[i % pattern.len()] ^ (i / 977) as u8).collect();
            let compressed = super::brotli(&original, super::ANSWER_QUALITY).unwrap();
            let mut unpacked = Vec::new();
            brotli::BrotliDecompress(&mut &compressed[..], &mut unpacked).unwrap();
            assert_eq!(unpacked, original, "{size} bytes");
        }
    }
}
