//! Rate limits on guessable endpoints, against a real server on loopback. Different client
//! addresses come from binding the client to other loopback addresses (127.0.0.2, …).

mod common;

use common::TestServer;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::net::{IpAddr, Ipv4Addr};

/// A well-formed tracking number that no complaint has.
fn unknown_number(seed: u32) -> String {
    mashang_model::TrackingNumber::new(chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(), seed).to_string()
}

async fn lookup_from(
    server: &TestServer,
    source: Ipv4Addr,
    number: &str,
    forwarded_for: Option<&str>,
) -> (StatusCode, Option<String>, Value) {
    let client = reqwest::Client::builder().local_address(IpAddr::V4(source)).build().unwrap();
    let mut request = client
        .post(server.url("/api/v1/complaints/lookup"))
        .json(&json!({ "tracking_number": number, "phone": "13800138000" }));
    if let Some(forwarded) = forwarded_for {
        request = request.header("x-forwarded-for", forwarded);
    }
    let response = request.send().await.unwrap();
    let status = response.status();
    let retry_after = response.headers().get("retry-after").map(|v| v.to_str().unwrap().to_owned());
    (status, retry_after, response.json().await.unwrap_or(Value::Null))
}

#[tokio::test]
async fn one_client_is_limited_whatever_it_claims_to_be_forwarded_for() {
    let server = TestServer::start_with(|config| config.lookup_limit_per_minute = 5).await;
    let me = Ipv4Addr::new(127, 0, 0, 1);
    for attempt in 0..5 {
        let spoofed = format!("10.0.0.{attempt}");
        let (status, _, problem) = lookup_from(&server, me, &unknown_number(attempt), Some(&spoofed)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "attempt {attempt}: {problem}");
    }
    let (status, retry_after, problem) = lookup_from(&server, me, &unknown_number(99), Some("10.9.9.9")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
    assert_eq!(problem["code"], "rate_limited");
    assert!(retry_after.is_some_and(|seconds| seconds.parse::<u64>().is_ok_and(|s| s >= 1)));

    // Another address is not affected.
    let (status, _, _) = lookup_from(&server, Ipv4Addr::new(127, 0, 0, 2), &unknown_number(100), None).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn one_number_is_limited_across_clients() {
    let server = TestServer::start_with(|config| config.lookup_limit_per_minute = 3).await;
    let number = unknown_number(7);
    for source in 2..5 {
        let (status, _, _) = lookup_from(&server, Ipv4Addr::new(127, 0, 0, source), &number, None).await;
        assert_eq!(status, StatusCode::NOT_FOUND);
    }
    let (status, _, _) = lookup_from(&server, Ipv4Addr::new(127, 0, 0, 9), &number, None).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn behind_a_trusted_proxy_the_forwarded_address_counts() {
    let server = TestServer::start_with(|config| {
        config.lookup_limit_per_minute = 2;
        config.trusted_proxy = Some(IpAddr::V4(Ipv4Addr::LOCALHOST));
    })
    .await;
    let proxy = Ipv4Addr::LOCALHOST;
    for resident in 0..6 {
        let forwarded = format!("203.0.113.7, 198.51.100.{resident}");
        let (status, _, _) = lookup_from(&server, proxy, &unknown_number(resident), Some(&forwarded)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "resident {resident} has an allowance of its own");
    }
    for _ in 0..2 {
        lookup_from(&server, proxy, &unknown_number(50), Some("198.51.100.200")).await;
    }
    let (status, _, _) = lookup_from(&server, proxy, &unknown_number(51), Some("198.51.100.200")).await;
    assert_eq!(status, StatusCode::TOO_MANY_REQUESTS);
}

#[tokio::test]
async fn staff_sign_in_is_limited_per_username() {
    let server = TestServer::start_with(|config| config.sign_in_limit_per_minute = 3).await;
    for _ in 0..3 {
        let response =
            server.post_json("/api/v1/staff/sessions", &json!({ "username": "wy-shujin", "password": "guess" })).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    }
    let response = server
        .post_json("/api/v1/staff/sessions", &json!({ "username": "wy-shujin", "password": common::STAFF_PASSWORD }))
        .await;
    assert_eq!(response.status(), StatusCode::TOO_MANY_REQUESTS, "even the right password waits");
}
