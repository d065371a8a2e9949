//! A real server on a loopback port with a fresh database, for the API tests.

use mashang_server::{Config, Server};
use serde_json::{Value, json};
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

pub struct TestServer {
    pub base: String,
    pub database: PathBuf,
    pub client: reqwest::Client,
    _scratch: tempfile::TempDir,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

pub const INDEX_HTML: &str = "<!doctype html><title>app</title>";

impl TestServer {
    pub async fn start() -> Self {
        let scratch = tempfile::tempdir().expect("temporary folder");
        let dist = scratch.path().join("dist");
        std::fs::create_dir_all(&dist).expect("dist folder");
        std::fs::write(dist.join("index.html"), INDEX_HTML).expect("index.html");
        let database = scratch.path().join("test.db");
        let config = Config {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            database: database.clone(),
            dist,
            no_demo_data: false,
            readers: 2,
        };
        let server = Server::bind(&config).await.expect("server starts");
        let address = server.local_addr().expect("bound address");
        let (shutdown, stop) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(server.serve(async {
            let _ = stop.await;
        }));
        Self {
            base: format!("http://{address}"),
            database,
            client: reqwest::Client::new(),
            _scratch: scratch,
            shutdown: Some(shutdown),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.client.get(self.url(path)).send().await.expect("request")
    }

    pub async fn post_json(&self, path: &str, body: &Value) -> reqwest::Response {
        self.client.post(self.url(path)).json(body).send().await.expect("request")
    }

    pub async fn post_raw(&self, path: &str, content_type: &str, body: impl Into<reqwest::Body>) -> reqwest::Response {
        self.client.post(self.url(path)).header("content-type", content_type).body(body).send().await.expect("request")
    }

    /// A valid filing: the first community and the first specific category.
    pub async fn valid_complaint(&self) -> Value {
        let communities: Value = self.get("/api/v1/communities").await.json().await.expect("communities");
        let categories: Value = self.get("/api/v1/categories").await.json().await.expect("categories");
        json!({
            "community_id": communities[0]["id"],
            "category_id": categories[0]["children"][0]["id"],
            "description": "3栋2单元楼道天花板漏水，已经一周了",
            "phone": "13800138000",
        })
    }

    pub async fn file(&self, body: &Value) -> (reqwest::StatusCode, Value) {
        let response = self.post_json("/api/v1/complaints", body).await;
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn lookup(&self, number: &str, phone: &str) -> (reqwest::StatusCode, Value) {
        let response =
            self.post_json("/api/v1/complaints/lookup", &json!({ "tracking_number": number, "phone": phone })).await;
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Counts rows straight from the database file, as an operator would; `rows` is a table
    /// name, optionally followed by a WHERE clause.
    pub fn count(&self, rows: &str) -> i64 {
        let connection = rusqlite::Connection::open(&self.database).expect("open database");
        connection.query_row(&format!("SELECT count(*) FROM {rows}"), [], |row| row.get(0)).expect("count")
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        if let Some(shutdown) = self.shutdown.take() {
            let _ = shutdown.send(());
        }
    }
}

/// The field errors of a problem body as (field, code) pairs.
pub fn field_errors(problem: &Value) -> Vec<(String, String)> {
    problem["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|e| (e["field"].as_str().unwrap_or("").to_owned(), e["code"].as_str().unwrap_or("").to_owned()))
                .collect()
        })
        .unwrap_or_default()
}
