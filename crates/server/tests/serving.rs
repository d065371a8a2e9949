//! The app and the API served at the root and under a sub-path.

mod common;

use common::TestServer;
use reqwest::StatusCode;
use reqwest::header::{ACCEPT_ENCODING, CONTENT_ENCODING, LOCATION};
use serde_json::Value;

fn without_redirects() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().unwrap()
}

#[tokio::test]
async fn at_the_root_the_page_names_the_root_as_its_base_on_every_deep_link() {
    let server = TestServer::start().await;
    for path in ["/", "/index.html", "/complaints/26112700000008", "/track?number=26112700000008"] {
        let response = server.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        let page = response.text().await.unwrap();
        assert!(page.contains(r#"<base href="/">"#), "{path}: {page}");
        assert!(!page.contains("href=./"), "{path}");
    }
    let config: Value = server.get("/config.json").await.json().await.unwrap();
    assert_eq!(config["base_path"], "/");
}

#[tokio::test]
async fn under_a_sub_path_everything_moves_under_it_and_nothing_is_left_at_the_root() {
    let server = TestServer::start_with(|config| config.base_path = "/city/mashang/".to_owned()).await;
    let client = without_redirects();

    let page = server.get("/city/mashang/complaints/26112700000008").await;
    assert_eq!(page.status(), StatusCode::OK);
    assert!(page.text().await.unwrap().contains(r#"<base href="/city/mashang/">"#));

    let config: Value = server.get("/city/mashang/config.json").await.json().await.unwrap();
    assert_eq!(config["base_path"], "/city/mashang/");

    let health = server.get("/city/mashang/api/v1/health").await;
    assert_eq!(health.status(), StatusCode::OK);
    let communities = server.get("/city/mashang/api/v1/communities?q=锦").await;
    assert_eq!(communities.status(), StatusCode::OK);
    let document: Value = server.get("/city/mashang/api/v1/openapi.json").await.json().await.unwrap();
    assert_eq!(document["servers"][0]["url"], "/city/mashang/api/v1");

    assert_eq!(server.get("/api/v1/health").await.status(), StatusCode::NOT_FOUND);
    assert_eq!(server.get("/city/mashangx/api/v1/health").await.status(), StatusCode::NOT_FOUND);
    for (path, expected) in
        [("/", "/city/mashang/"), ("/city/mashang", "/city/mashang/"), ("/?x=1", "/city/mashang/?x=1")]
    {
        let response = client.get(server.url(path)).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::PERMANENT_REDIRECT, "{path}");
        assert_eq!(response.headers()[LOCATION], expected, "{path}");
    }
}

#[tokio::test]
async fn the_page_and_config_go_out_compressed_to_browsers_that_accept_brotli() {
    let server = TestServer::start().await;
    for path in ["/", "/config.json", "/mine"] {
        let response =
            server.client.get(server.url(path)).header(ACCEPT_ENCODING, "gzip, br;q=1").send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()[CONTENT_ENCODING], "br", "{path}");
        let plain = server.client.get(server.url(path)).header(ACCEPT_ENCODING, "gzip").send().await.unwrap();
        assert!(plain.headers().get(CONTENT_ENCODING).is_none(), "{path}");
    }
}

#[tokio::test]
async fn api_answers_of_some_size_go_out_compressed_to_browsers_that_accept_brotli() {
    let server = TestServer::start().await;
    let url = server.url("/api/v1/categories");
    let plain = server.client.get(&url).header(ACCEPT_ENCODING, "gzip").send().await.unwrap();
    assert!(plain.headers().get(CONTENT_ENCODING).is_none());
    let plain = plain.bytes().await.unwrap();
    assert!(plain.len() > 1024, "the category tree is big enough to be worth compressing");

    let compressed = server.client.get(&url).header(ACCEPT_ENCODING, "gzip, deflate, br, zstd").send().await.unwrap();
    assert_eq!(compressed.status(), StatusCode::OK);
    assert_eq!(compressed.headers()[CONTENT_ENCODING], "br");
    assert!(compressed.headers()["vary"].to_str().unwrap().contains("accept-encoding"));
    assert!(compressed.headers()["content-type"].to_str().unwrap().starts_with("application/json"));
    let compressed = compressed.bytes().await.unwrap();
    assert!(compressed.len() * 3 < plain.len(), "{} of {} bytes", compressed.len(), plain.len());
    let mut unpacked = Vec::new();
    brotli::BrotliDecompress(&mut &compressed[..], &mut unpacked).unwrap();
    assert_eq!(unpacked, plain);

    // Small answers and clients that refuse brotli get plain JSON.
    let health = server.client.get(server.url("/api/v1/health")).header(ACCEPT_ENCODING, "br").send().await.unwrap();
    assert!(health.headers().get(CONTENT_ENCODING).is_none());
    let refused = server.client.get(&url).header(ACCEPT_ENCODING, "br;q=0, gzip").send().await.unwrap();
    assert!(refused.headers().get(CONTENT_ENCODING).is_none());
}
