//! Residents signing in by one-time code or by hand-off, against a real server on loopback.

mod common;

use common::{HANDOFF_SECRET, TestServer};
use mashang_server::secrets::sign_handoff;
use reqwest::StatusCode;
use serde_json::{Value, json};

const PHONE: &str = "13800138000";

async fn send_code(server: &TestServer, phone: &str) -> StatusCode {
    server.post_json("/api/v1/auth/codes", &json!({ "phone": phone })).await.status()
}

async fn latest_code(server: &TestServer, phone: &str) -> String {
    let body: Value = server.get(&format!("/api/v1/dev/codes/{phone}")).await.json().await.unwrap();
    body["code"].as_str().unwrap().to_owned()
}

async fn verify(server: &TestServer, phone: &str, code: &str) -> (StatusCode, Value) {
    let response = server.post_json("/api/v1/auth/codes/verify", &json!({ "phone": phone, "code": code })).await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn a_code_signs_in_once_and_opens_every_complaint_of_that_phone() {
    let server = TestServer::start().await;
    let (_, receipt) = server.file(&server.valid_complaint().await).await;
    let number = receipt["tracking_number"].as_str().unwrap();

    assert_eq!(send_code(&server, "+86 138 0013 8000").await, StatusCode::ACCEPTED);
    let code = latest_code(&server, PHONE).await;
    let (status, session) = verify(&server, PHONE, &code).await;
    assert_eq!(status, StatusCode::OK, "{session}");
    assert_eq!(session["phone_masked"], "138****8000");
    let token = session["token"].as_str().unwrap();

    let (status, mine) = server.get_with("/api/v1/me/complaints", token).await;
    assert_eq!(status, StatusCode::OK);
    let numbers: Vec<&str> = mine.as_array().unwrap().iter().filter_map(|c| c["tracking_number"].as_str()).collect();
    assert!(numbers.contains(&number), "the complaint filed on 'another device' is listed");
    assert!(numbers.len() >= 8, "and the demo complaints filed with this phone: {numbers:?}");

    // The session opens the complaint and may act on it, as the access token would.
    let (status, view) = server.get_with(&format!("/api/v1/complaints/{number}"), token).await;
    assert_eq!((status, view["tracking_number"].as_str()), (StatusCode::OK, Some(number)));
    let (status, _) = server
        .post_with(&format!("/api/v1/complaints/{number}/actions"), token, &json!({ "action": "withdraw" }))
        .await;
    assert_eq!(status, StatusCode::OK);

    // The code is used up.
    assert_eq!(verify(&server, PHONE, &code).await.0, StatusCode::UNAUTHORIZED);
    // Another phone's session does not open this complaint.
    assert_eq!(send_code(&server, "13912345678").await, StatusCode::ACCEPTED);
    let other_code = latest_code(&server, "13912345678").await;
    let (_, other) = verify(&server, "13912345678", &other_code).await;
    let (status, _) = server.get_with(&format!("/api/v1/complaints/{number}"), other["token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn wrong_codes_lock_the_phone_out_and_expired_codes_fail() {
    let server = TestServer::start().await;
    assert_eq!(send_code(&server, PHONE).await, StatusCode::ACCEPTED);
    let code = latest_code(&server, PHONE).await;
    let wrong = if code == "000000" { "000001" } else { "000000" };
    for _ in 0..5 {
        let (status, problem) = verify(&server, PHONE, wrong).await;
        assert_eq!(status, StatusCode::UNAUTHORIZED);
        assert_eq!(problem["code"], "unauthorized");
    }
    let (status, problem) = verify(&server, PHONE, &code).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS, "locked out even with the right code: {problem}");

    assert_eq!(send_code(&server, "13700001111").await, StatusCode::ACCEPTED);
    let code = latest_code(&server, "13700001111").await;
    server.with_database(|connection| {
        connection.execute("UPDATE sign_in_codes SET expires_at = '2000-01-01 00:00:00+00:00'", []).unwrap()
    });
    assert_eq!(verify(&server, "13700001111", &code).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(verify(&server, "13600001111", "123456").await.0, StatusCode::UNAUTHORIZED, "never sent");
}

#[tokio::test]
async fn codes_are_sent_sparingly_and_only_to_mobile_numbers() {
    let server = TestServer::start().await;
    for _ in 0..3 {
        assert_eq!(send_code(&server, PHONE).await, StatusCode::ACCEPTED);
    }
    assert_eq!(send_code(&server, PHONE).await, StatusCode::TOO_MANY_REQUESTS);
    let response = server.post_json("/api/v1/auth/codes", &json!({ "phone": "028-85123456" })).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_handoff_token_is_exchanged_once_for_a_session() {
    let server = TestServer::start().await;
    let expiry = (chrono::Utc::now() + chrono::Duration::minutes(5)).timestamp();
    let token = sign_handoff(HANDOFF_SECRET.as_bytes(), PHONE, expiry);
    let exchange = |token: String| {
        let server = &server;
        async move { server.post_json("/api/v1/auth/handoff", &json!({ "token": token })).await }
    };
    let response = exchange(token.clone()).await;
    assert_eq!(response.status(), StatusCode::OK);
    let session: Value = response.json().await.unwrap();
    let (status, _) = server.get_with("/api/v1/me/complaints", session["token"].as_str().unwrap()).await;
    assert_eq!(status, StatusCode::OK);

    assert_eq!(exchange(token.clone()).await.status(), StatusCode::UNAUTHORIZED, "used twice");
    let forged = sign_handoff(b"guessed secret", PHONE, expiry);
    assert_eq!(exchange(forged).await.status(), StatusCode::UNAUTHORIZED);
    let expired = sign_handoff(HANDOFF_SECRET.as_bytes(), PHONE, chrono::Utc::now().timestamp() - 1);
    assert_eq!(exchange(expired).await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn without_configuration_hand_off_and_the_development_outbox_do_not_exist() {
    let server = TestServer::start_with(|config| {
        config.handoff_secret = None;
        config.dev_expose_codes = false;
    })
    .await;
    let token = sign_handoff(HANDOFF_SECRET.as_bytes(), PHONE, chrono::Utc::now().timestamp() + 60);
    let response = server.post_json("/api/v1/auth/handoff", &json!({ "token": token })).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(send_code(&server, PHONE).await, StatusCode::ACCEPTED);
    assert_eq!(server.get(&format!("/api/v1/dev/codes/{PHONE}")).await.status(), StatusCode::NOT_FOUND);
    assert_eq!(server.get("/api/v1/me/complaints").await.status(), StatusCode::UNAUTHORIZED);
}
