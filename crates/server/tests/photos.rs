//! Photo uploads and attachments against a real server on loopback: each photo row of the
//! bad-inputs list.

mod common;

use common::{TestServer, field_errors};
use image::codecs::jpeg::JpegEncoder;
use image::{ImageEncoder, RgbImage};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn gradient(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| image::Rgb([(x % 256) as u8, (y % 256) as u8, 128]))
}

fn jpeg(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, 90).encode_image(&gradient(width, height)).unwrap();
    out
}

fn png(width: u32, height: u32) -> Vec<u8> {
    let mut out = Vec::new();
    image::codecs::png::PngEncoder::new(&mut out)
        .write_image(gradient(width, height).as_raw(), width, height, image::ExtendedColorType::Rgb8)
        .unwrap();
    out
}

/// A JPEG with an EXIF segment carrying `text` (where a camera puts the GPS position and the
/// owner's name).
fn jpeg_with_exif(text: &str) -> Vec<u8> {
    let plain = jpeg(64, 48);
    let mut tiff = b"MM\x00\x2a\x00\x00\x00\x08\x00\x00\x00\x00\x00\x00".to_vec();
    tiff.extend_from_slice(text.as_bytes());
    let mut segment = b"Exif\0\0".to_vec();
    segment.extend_from_slice(&tiff);
    let length = (segment.len() + 2) as u16;
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(&segment);
    out.extend_from_slice(&plain[2..]);
    out
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut crc = 0xFFFF_FFFFu32;
    for &byte in bytes {
        crc ^= u32::from(byte);
        for _ in 0..8 {
            crc = if crc & 1 == 1 { (crc >> 1) ^ 0xEDB8_8320 } else { crc >> 1 };
        }
    }
    !crc
}

/// A PNG whose header claims 50000×50000 pixels: 2.5 gigapixels, 7.5 GB to decode.
fn pixel_bomb() -> Vec<u8> {
    let mut ihdr = b"IHDR".to_vec();
    ihdr.extend_from_slice(&50_000u32.to_be_bytes());
    ihdr.extend_from_slice(&50_000u32.to_be_bytes());
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut out = b"\x89PNG\r\n\x1a\n".to_vec();
    out.extend_from_slice(&13u32.to_be_bytes());
    out.extend_from_slice(&ihdr);
    out.extend_from_slice(&crc32(&ihdr).to_be_bytes());
    out
}

async fn upload(server: &TestServer, bytes: Vec<u8>, content_type: &str) -> (StatusCode, Value) {
    let response = server.post_raw("/api/v1/photos", content_type, bytes).await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// The photo at `path` (its id and the capability the upload answer gave).
async fn stored(server: &TestServer, path: &str) -> Vec<u8> {
    let response = server.get(&format!("/api/v1/photos/{path}")).await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-type"], "image/jpeg");
    assert_eq!(response.headers()["x-content-type-options"], "nosniff");
    response.bytes().await.unwrap().to_vec()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

#[tokio::test]
async fn a_real_photo_is_accepted_whatever_type_it_is_sent_as() {
    let server = TestServer::start().await;
    let (status, photo) = upload(&server, jpeg(640, 480), "application/octet-stream").await;
    assert_eq!(status, StatusCode::CREATED, "{photo}");
    let id = photo["id"].as_str().unwrap();
    assert!(mashang_model::validation::is_photo_id(id));
    assert_eq!((photo["width"].as_u64(), photo["height"].as_u64()), (Some(640), Some(480)));
    let bytes = stored(&server, photo["path"].as_str().unwrap()).await;
    assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
    assert_eq!(hex::encode(mashang_server::secrets::sha256(&bytes)), id, "named by its content");

    let (status, again) = upload(&server, jpeg(640, 480), "image/jpeg").await;
    assert_eq!((status, again["id"].as_str()), (StatusCode::CREATED, Some(id)), "stored once");
}

#[tokio::test]
async fn large_photos_are_scaled_down_and_pngs_become_jpegs() {
    let server = TestServer::start().await;
    let (status, photo) = upload(&server, png(3000, 1000), "image/png").await;
    assert_eq!(status, StatusCode::CREATED, "{photo}");
    assert_eq!((photo["width"].as_u64(), photo["height"].as_u64()), (Some(2048), Some(683)));
    let bytes = stored(&server, photo["path"].as_str().unwrap()).await;
    assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]));
}

#[tokio::test]
async fn exif_data_and_smuggled_markup_do_not_survive() {
    let server = TestServer::start().await;
    let marker = "GPS 30.6598N 104.0633E Author Zhang San";
    let with_exif = jpeg_with_exif(marker);
    assert!(contains(&with_exif, marker.as_bytes()));
    let (status, photo) = upload(&server, with_exif, "image/jpeg").await;
    assert_eq!(status, StatusCode::CREATED, "{photo}");
    let bytes = stored(&server, photo["path"].as_str().unwrap()).await;
    assert!(!contains(&bytes, b"Zhang San") && !contains(&bytes, b"Exif"), "metadata dropped");

    // A polyglot: a valid JPEG followed by HTML and script.
    let mut polyglot = jpeg(32, 32);
    polyglot.extend_from_slice(b"<html><script>alert(document.cookie)</script></html>");
    let (status, photo) = upload(&server, polyglot, "text/html").await;
    assert_eq!(status, StatusCode::CREATED, "{photo}");
    let bytes = stored(&server, photo["path"].as_str().unwrap()).await;
    assert!(!contains(&bytes, b"<script>"), "re-encoded from the pixels only");
}

#[tokio::test]
async fn anything_that_is_not_a_photo_is_refused_by_its_bytes() {
    let server = TestServer::start().await;
    let cases: [(&[u8], &str, &str); 5] = [
        (b"MZ\x90\x00\x03\x00\x00\x00 This program cannot be run in DOS mode.", "image/jpeg", "unsupported_type"),
        (b"<!DOCTYPE html><html><script>alert(1)</script></html>", "image/jpeg", "unsupported_type"),
        (
            b"<svg xmlns=\"http://www.w3.org/2000/svg\"><script>alert(1)</script></svg>",
            "image/svg+xml",
            "unsupported_type",
        ),
        (b"", "image/jpeg", "empty"),
        (b"\xFF\xD8\xFF\xE0 truncated", "image/jpeg", "undecodable"),
    ];
    for (bytes, content_type, code) in cases {
        let (status, problem) = upload(&server, bytes.to_vec(), content_type).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{code}: {problem}");
        assert_eq!(field_errors(&problem), [("photos".to_owned(), code.to_owned())]);
    }
    assert_eq!(server.count("photos"), 0);
}

#[tokio::test]
async fn a_pixel_bomb_is_refused_from_its_header() {
    let server = TestServer::start().await;
    let (status, problem) = upload(&server, pixel_bomb(), "image/png").await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{problem}");
    assert_eq!(problem["errors"][0], json!({ "field": "photos", "code": "too_many_pixels", "limit": 40 }));
}

#[tokio::test]
async fn an_oversized_upload_is_413() {
    let server = TestServer::start().await;
    let mut big = jpeg(16, 16);
    big.resize(10 * 1024 * 1024 + 1, 0);
    let (status, problem) = upload(&server, big, "image/jpeg").await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(problem["code"], "payload_too_large");
}

#[tokio::test]
async fn photos_attach_to_filings_and_to_later_steps() {
    let server = TestServer::start().await;
    let mut ids = Vec::new();
    for size in [100, 101, 102] {
        let (_, photo) = upload(&server, jpeg(size, 80), "image/jpeg").await;
        ids.push(photo["id"].as_str().unwrap().to_owned());
    }
    let mut body = server.valid_complaint().await;
    body["photo_ids"] = json!(ids[..2]);
    let (status, receipt) = server.file(&body).await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    let number = receipt["tracking_number"].as_str().unwrap();
    let token = receipt["access_token"].as_str().unwrap();

    let path = format!("/api/v1/complaints/{number}/actions");
    let (status, view) =
        server.post_with(&path, token, &json!({ "action": "supplement", "photo_ids": [ids[2]] })).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let attached = |event: &Value| -> Vec<String> {
        event["photos"]
            .as_array()
            .unwrap()
            .iter()
            .map(|p| p.as_str().unwrap().split('?').next().unwrap().to_owned())
            .collect()
    };
    assert_eq!(attached(&view["timeline"][0]), ids[..2]);
    assert_eq!(attached(&view["timeline"][1]), [ids[2].clone()]);
    // Each comes with the capability that serves it.
    let served = server.get(&format!("/api/v1/photos/{}", view["timeline"][1]["photos"][0].as_str().unwrap())).await;
    assert_eq!(served.status(), StatusCode::OK);

    let unknown = format!("{:064x}", 42);
    let (status, problem) =
        server.post_with(&path, token, &json!({ "action": "supplement", "photo_ids": [unknown] })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), [("photos".to_owned(), "unknown_photo".to_owned())]);

    body["photo_ids"] = json!((0..10).map(|n| format!("{n:064x}")).collect::<Vec<_>>());
    let (status, problem) = server.file(&body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0], json!({ "field": "photos", "code": "too_many", "limit": 9 }));
    body["photo_ids"] = json!([format!("{:064x}", 7)]);
    let (status, problem) = server.file(&body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), [("photos".to_owned(), "unknown_photo".to_owned())]);

    for bad in ["..%2F..%2Fetc%2Fpasswd", "abc", &"G".repeat(64), &"A".repeat(64)] {
        assert_eq!(server.get(&format!("/api/v1/photos/{bad}")).await.status(), StatusCode::NOT_FOUND, "{bad}");
    }
}

#[tokio::test]
async fn a_photo_is_served_only_with_its_own_unexpired_capability() {
    let server = TestServer::start_with(|config| config.dev_time_travel = true).await;
    let upload_a = upload(&server, jpeg(120, 90), "image/jpeg").await.1;
    let upload_b = upload(&server, jpeg(121, 90), "image/jpeg").await.1;
    let (id_a, id_b) = (upload_a["id"].as_str().unwrap().to_owned(), upload_b["id"].as_str().unwrap().to_owned());
    let mut body = server.valid_complaint().await;
    body["photo_ids"] = json!([id_a]);
    let a = server.file(&body).await.1;
    body["photo_ids"] = json!([id_b]);
    let b = server.file(&body).await.1;
    let (number_a, token_b) = (a["tracking_number"].as_str().unwrap(), b["access_token"].as_str().unwrap());
    let (_, view_a) =
        server.get_with(&format!("/api/v1/complaints/{number_a}"), a["access_token"].as_str().unwrap()).await;
    let path_a = view_a["timeline"][0]["photos"][0].as_str().unwrap().to_owned();
    assert!(path_a.starts_with(&format!("{id_a}?exp=")), "{path_a}");
    let get = |path: String, token: Option<&str>| {
        let request = server.client.get(server.url(&format!("/api/v1/photos/{path}")));
        let request = match token {
            Some(token) => request.bearer_auth(token),
            None => request,
        };
        async move { request.send().await.unwrap() }
    };

    let served = get(path_a.clone(), None).await;
    assert_eq!(served.status(), StatusCode::OK);
    let cache = served.headers()["cache-control"].to_str().unwrap().to_owned();
    assert!(cache.starts_with("private, max-age="), "{cache}");
    // Without a capability, with complaint B's token, or with B's capability on A's photo: refused.
    assert_eq!(get(id_a.clone(), None).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(get(id_a.clone(), Some(token_b)).await.status(), StatusCode::NOT_FOUND);
    let access_b = upload_b["path"].as_str().unwrap().split_once('?').unwrap().1.to_owned();
    assert_eq!(get(format!("{id_a}?{access_b}"), Some(token_b)).await.status(), StatusCode::NOT_FOUND);
    let (expires, signature) = path_a.split_once("?exp=").unwrap().1.split_once("&sig=").unwrap();
    let stretched = format!("{id_a}?exp={}&sig={signature}", expires.parse::<i64>().unwrap() + 3600);
    assert_eq!(get(stretched, None).await.status(), StatusCode::NOT_FOUND, "an expiry cannot be moved");
    // A neighbour's view has no photos at all; the uploader's capability serves a photo not yet attached.
    let spare = upload(&server, jpeg(122, 90), "image/jpeg").await.1;
    assert_eq!(get(spare["path"].as_str().unwrap().to_owned(), None).await.status(), StatusCode::OK);
    assert_eq!(get(spare["id"].as_str().unwrap().to_owned(), None).await.status(), StatusCode::NOT_FOUND);

    // After two hours the view's capability has expired.
    server.post_json("/api/v1/dev/clock", &json!({ "minutes": 121 })).await;
    assert_eq!(get(path_a, None).await.status(), StatusCode::NOT_FOUND);
}
