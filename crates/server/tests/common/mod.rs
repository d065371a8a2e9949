//! A real server on a loopback port with a fresh database, for the API tests.

// Each test binary uses its own subset of these helpers.
#![allow(dead_code)]

use mashang_server::store::db::Connection;
use mashang_server::{Config, Server};
use serde_json::{Value, json};
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;

pub struct TestServer {
    /// The first instance's address.
    pub base: String,
    /// Every instance's address: on PostgreSQL the suite runs two instances on the test's schema,
    /// and the helpers' requests take turns between them, so every API test is also a test of two
    /// instances sharing one database.
    pub bases: Vec<String>,
    turn: std::sync::atomic::AtomicUsize,
    /// The PostgreSQL database (with this test's schema) when the suite runs on PostgreSQL.
    pub postgres: Option<String>,
    pub store: mashang_server::store::Store,
    pub database: PathBuf,
    pub client: reqwest::Client,
    /// Complaints in the database when the server started: the demo stories and their history.
    pub seeded_complaints: i64,
    _scratch: tempfile::TempDir,
    shutdown: Vec<tokio::sync::oneshot::Sender<()>>,
}

/// Shaped like Trunk's output: a relative `<base>` that the server replaces.
pub const INDEX_HTML: &str =
    "<!doctype html><title>app</title><base href=./><script type=module>import init from './app.js';</script>";
/// The secret shared with the (imaginary) citizen-services app in tests.
pub const HANDOFF_SECRET: &str = "test-handoff-secret";
pub const HOTLINE_KEY: &str = "test-hotline-key-0123456789";
pub const OPEN311_KEY: &str = "test-open311-partner-key-0123";
/// The password of every demo staff account in tests.
pub const STAFF_PASSWORD: &str = "test-staff-password";

impl TestServer {
    pub async fn start() -> Self {
        Self::start_with(|_| {}).await
    }

    /// Starts with the test configuration adjusted by `adjust`.
    pub async fn start_with(adjust: impl FnOnce(&mut Config)) -> Self {
        // The server's errors (a 500's cause) appear with a failing test's output.
        let _ = tracing_subscriber::fmt().with_test_writer().with_env_filter("mashang_server=error").try_init();
        let scratch = tempfile::tempdir().expect("temporary folder");
        let dist = scratch.path().join("dist");
        std::fs::create_dir_all(&dist).expect("dist folder");
        std::fs::write(dist.join("index.html"), INDEX_HTML).expect("index.html");
        let database = scratch.path().join("test.db");
        let postgres = match postgres_server() {
            Some(server) => Some(seeded_database(&server, &key_file_of(&database)).await),
            None => None,
        };
        let mut config = Config {
            bind: IpAddr::V4(Ipv4Addr::LOCALHOST),
            port: 0,
            database: match &postgres {
                Some(url) => mashang_server::config::Database::Postgres(url.clone()),
                None => database.clone().into(),
            },
            dist,
            base_path: "/".to_owned(),
            no_demo_data: false,
            demo_staff_password: Some(STAFF_PASSWORD.to_owned()),
            reopen_window_days: 15,
            lookup_limit_per_minute: 30,
            sign_in_limit_per_minute: 10,
            upload_limit_per_minute: 600,
            code_limit_per_minute: 3,
            trusted_proxy: None,
            busy_timeout_ms: 5000,
            max_database_mb: None,
            handoff_secret: Some(HANDOFF_SECRET.to_owned()),
            hotline_key: Some(HOTLINE_KEY.to_owned()),
            open311_api_keys: vec![OPEN311_KEY.to_owned()],
            sms_gateway_url: None,
            sms_gateway_token: None,
            public_url: None,
            text_interval_ms: 100,
            frame_ancestors: Vec::new(),
            dev_expose_codes: true,
            dev_time_travel: false,
            readers: 2,
            warn_at_percent: 70,
            supervised_sign_hours: 4,
            red_card_after_days: 5,
            district_after_red_days: 5,
            group_households: 5,
            group_window_days: 7,
            repeat_window_days: 30,
            repeat_escalates_at: 3,
            consultation_after_dissatisfied: 2,
            consultation_within_days: 3,
            escalation_interval_seconds: 60,
            staff_idle_minutes: 30,
            // On SQLite the key file goes beside the database; PostgreSQL needs it named.
            key_file: postgres.is_some().then(|| key_file_of(&database)),
            data_key: None,
            secure_cookies: false,
        };
        adjust(&mut config);
        // Time travel moves one process's clock, so those tests keep to one instance.
        let instances = if postgres.is_some() && !config.dev_time_travel { 2 } else { 1 };
        let (mut bases, mut stores, mut shutdown) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..instances {
            let server = Server::bind(&config).await.expect("server starts");
            bases.push(format!("http://{}", server.local_addr().expect("bound address")));
            stores.push(server.store.clone());
            let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
            tokio::spawn(server.serve(async {
                let _ = stopped.await;
            }));
            shutdown.push(stop);
        }
        let seeded_complaints = count_rows(postgres.as_deref(), &database, "complaints");
        Self {
            base: bases[0].clone(),
            bases,
            turn: Default::default(),
            store: stores.swap_remove(0),
            postgres,
            database,
            seeded_complaints,
            client: reqwest::Client::new(),
            _scratch: scratch,
            shutdown,
        }
    }

    /// The keys the server sealed personal data with, read from the key file it created beside
    /// its database.
    pub fn personal_data(&self) -> mashang_server::store::PersonalData {
        mashang_server::keys::Keys::load(None, &key_file_of(&self.database)).unwrap().personal_data()
    }

    /// How the database knows a phone number.
    pub fn phone_key(&self, phone: &str) -> mashang_server::store::PhoneKey {
        self.personal_data().phone_key(&mashang_model::PhoneNumber::parse(phone).unwrap())
    }

    /// `path` at the instance whose turn it is. The development code sender stands in for the
    /// resident's phone and keeps what it sent in its own process, so codes are asked for and read
    /// at the first instance (and checked at either: the code itself is in the database).
    pub fn url(&self, path: &str) -> String {
        let turn = self.turn.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let sent_here = path == "/api/v1/auth/codes" || path.starts_with("/api/v1/dev/codes/");
        let base = if sent_here { &self.base } else { &self.bases[turn % self.bases.len()] };
        format!("{base}{path}")
    }

    /// Every text the log senders sent to `phone`: each instance sends the texts it takes from
    /// the outbox and keeps them in its own process.
    pub async fn dev_texts(&self, phone: &str) -> Vec<Value> {
        let mut texts = Vec::new();
        for base in &self.bases {
            let sent: Value = self
                .client
                .get(format!("{base}/api/v1/dev/texts/{phone}"))
                .send()
                .await
                .expect("request")
                .json()
                .await
                .expect("the texts sent");
            texts.extend(sent["texts"].as_array().cloned().unwrap_or_default());
        }
        texts
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
            "consent": true,
        })
    }

    /// Files with a fresh idempotency key.
    pub async fn file(&self, body: &Value) -> (reqwest::StatusCode, Value) {
        self.file_with_key(body, &uuid::Uuid::new_v4().to_string()).await
    }

    pub async fn file_with_key(&self, body: &Value, key: &str) -> (reqwest::StatusCode, Value) {
        let response = self.file_response(body, key).await;
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// The raw answer to a filing, for tests that look at headers or text.
    pub async fn file_response(&self, body: &Value, key: &str) -> reqwest::Response {
        self.client
            .post(self.url("/api/v1/complaints"))
            .header("idempotency-key", key)
            .json(body)
            .send()
            .await
            .expect("request")
    }

    /// A request with a bearer token.
    pub async fn get_with(&self, path: &str, token: &str) -> (reqwest::StatusCode, Value) {
        let response = self.client.get(self.url(path)).bearer_auth(token).send().await.expect("request");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    pub async fn post_with(&self, path: &str, token: &str, body: &Value) -> (reqwest::StatusCode, Value) {
        let response = self.client.post(self.url(path)).bearer_auth(token).json(body).send().await.expect("request");
        let status = response.status();
        (status, response.json().await.unwrap_or(Value::Null))
    }

    /// Signs a demo staff account in; returns its session token.
    pub async fn staff_token(&self, username: &str) -> String {
        let response = self
            .post_json("/api/v1/staff/sessions", &json!({ "username": username, "password": STAFF_PASSWORD }))
            .await;
        assert_eq!(response.status(), reqwest::StatusCode::OK, "sign-in of {username}");
        let session: Value = response.json().await.expect("session");
        session["token"].as_str().expect("token").to_owned()
    }

    /// A resident session for `phone`, through the development outbox.
    pub async fn resident_session(&self, phone: &str) -> String {
        assert!(self.post_json("/api/v1/auth/codes", &json!({ "phone": phone })).await.status().is_success());
        let sent: Value = self.get(&format!("/api/v1/dev/codes/{phone}")).await.json().await.expect("the code sent");
        let response =
            self.post_json("/api/v1/auth/codes/verify", &json!({ "phone": phone, "code": sent["code"] })).await;
        assert_eq!(response.status(), reqwest::StatusCode::OK, "sign-in of {phone}");
        response.json::<Value>().await.expect("session")["token"].as_str().expect("token").to_owned()
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
        count_rows(self.postgres.as_deref(), &self.database, rows)
    }

    /// Runs `work` on a connection of its own to this server's database, as an operator would.
    pub fn with_database<R: Send>(&self, work: impl FnOnce(&Connection) -> R + Send) -> R {
        with_database(self.postgres.as_deref(), &self.database, work)
    }

    /// A second store on this server's database, as another instance of the deployment (or this
    /// one after a restart) would open it.
    pub async fn another_store(&self) -> mashang_server::store::Store {
        let options = mashang_server::store::StoreOptions {
            readers: 1,
            policies: Default::default(),
            busy_timeout: std::time::Duration::from_secs(5),
            max_size_bytes: None,
        };
        let store = match &self.postgres {
            Some(url) => mashang_server::store::Store::open_postgres(url, options, self.personal_data()).await,
            None => mashang_server::store::Store::open(&self.database, options, self.personal_data()),
        };
        store.expect("another store")
    }

    /// An operator's shell holding the lock every filing needs, until released.
    pub async fn lock_database(&self) -> OperatorLock {
        match &self.postgres {
            None => {
                let connection = rusqlite::Connection::open(&self.database).expect("open database");
                connection.execute_batch("BEGIN EXCLUSIVE").expect("the write lock");
                OperatorLock::Sqlite(connection)
            }
            Some(url) => {
                let (client, connection) = tokio_postgres::connect(url, tokio_postgres::NoTls).await.expect("connect");
                tokio::spawn(connection);
                client.batch_execute("BEGIN; LOCK TABLE complaints IN EXCLUSIVE MODE").await.expect("the table lock");
                OperatorLock::Postgres(client)
            }
        }
    }

    /// Whether the suite runs on PostgreSQL; the few tests about the SQLite file itself skip then.
    pub fn on_postgres(&self) -> bool {
        self.postgres.is_some()
    }
}

pub enum OperatorLock {
    Sqlite(rusqlite::Connection),
    Postgres(tokio_postgres::Client),
}

impl OperatorLock {
    pub async fn release(self) {
        match self {
            Self::Sqlite(connection) => connection.execute_batch("ROLLBACK").expect("rollback"),
            Self::Postgres(client) => client.batch_execute("ROLLBACK").await.expect("rollback"),
        }
    }
}

/// The PostgreSQL server the suite runs on, if any: `cargo xtask test` sets it for the second
/// run of the API tests, to a database of the throwaway cluster it started.
pub fn postgres_server() -> Option<String> {
    std::env::var("MASHANG_TEST_POSTGRES").ok().filter(|url| !url.trim().is_empty())
}

fn key_file_of(database: &std::path::Path) -> PathBuf {
    let mut key_file = database.as_os_str().to_owned();
    key_file.push(".key");
    PathBuf::from(key_file)
}

/// A schema of its own for one test, and the URL that makes it the connection's first.
pub async fn fresh_schema(server: &str) -> String {
    let (client, connection) = tokio_postgres::connect(server, tokio_postgres::NoTls).await.expect("PostgreSQL");
    tokio::spawn(connection);
    let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
    client.batch_execute(&format!("CREATE SCHEMA {schema}")).await.expect("a schema");
    let separator = if server.contains('?') { '&' } else { '?' };
    format!("{server}{separator}options=-csearch_path%3D{schema}")
}

/// A database of the test's own, copied from one that the first test of this binary seeded: on
/// PostgreSQL seeding the demo year takes seconds, copying a database a fraction of one (it was
/// most of the PostgreSQL pass). Its key file is written where the test's servers look for it, so
/// they open it as the instance that seeded it would.
async fn seeded_database(server: &str, key_file: &std::path::Path) -> String {
    static TEMPLATE: tokio::sync::OnceCell<(String, Vec<u8>)> = tokio::sync::OnceCell::const_new();
    let (template, key) = TEMPLATE.get_or_init(|| seeded_template(server)).await;
    std::fs::write(key_file, key).expect("the key file");
    let database = format!("t_{}", uuid::Uuid::new_v4().simple());
    administer(server)
        .await
        .batch_execute(&format!("CREATE DATABASE {database} TEMPLATE {template}"))
        .await
        .expect("a copy of the seeded database");
    database_url(server, &database)
}

/// A database seeded as a server seeds an empty one, with nobody connected to it.
async fn seeded_template(server: &str) -> (String, Vec<u8>) {
    let template = format!("seeded_{}", uuid::Uuid::new_v4().simple());
    let admin = administer(server).await;
    admin.batch_execute(&format!("CREATE DATABASE {template}")).await.expect("the seeded database");
    let scratch = tempfile::tempdir().expect("temporary folder");
    let key_file = scratch.path().join("seeded.key");
    let keys = mashang_server::keys::Keys::load(None, &key_file).expect("a key");
    let options = mashang_server::store::StoreOptions {
        readers: 1,
        policies: Default::default(),
        busy_timeout: std::time::Duration::from_secs(5),
        max_size_bytes: None,
    };
    let store =
        mashang_server::store::Store::open_postgres(&database_url(server, &template), options, keys.personal_data())
            .await
            .expect("the seeded database's schema");
    store.seed_demo_if_empty(chrono::Utc::now(), Some(STAFF_PASSWORD.to_owned())).await.expect("the demo data");
    drop(store);
    // A database is copied only when nobody is connected to it; the store's connections end on
    // their own, but not necessarily before the first copy.
    admin
        .execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()",
            &[&template],
        )
        .await
        .expect("the seeding's connections closed");
    (template, std::fs::read(&key_file).expect("the key file"))
}

async fn administer(server: &str) -> tokio_postgres::Client {
    let (client, connection) = tokio_postgres::connect(server, tokio_postgres::NoTls).await.expect("PostgreSQL");
    tokio::spawn(connection);
    client
}

/// `server`'s URL with another database.
fn database_url(server: &str, database: &str) -> String {
    let (address, options) =
        server.split_once('?').map_or((server, None), |(address, options)| (address, Some(options)));
    let after_scheme = address.find("://").map_or(0, |at| at + 3);
    let host = address[after_scheme..].find('/').map_or(address, |slash| &address[..after_scheme + slash]);
    match options {
        Some(options) => format!("{host}/{database}?{options}"),
        None => format!("{host}/{database}"),
    }
}

/// Counts rows straight from the database, as an operator would: `rows` is a table name,
/// optionally followed by a WHERE clause.
fn count_rows(postgres: Option<&str>, database: &std::path::Path, rows: &str) -> i64 {
    with_database(postgres, database, |connection| {
        connection.query_row(&format!("SELECT count(*) FROM {rows}"), [], |row| row.get(0)).expect("count")
    })
}

/// Counts rows of the PostgreSQL database at `url` (see [`TestServer::count`]).
pub fn count_on(url: &str, rows: &str) -> i64 {
    count_rows(Some(url), std::path::Path::new(""), rows)
}

/// Runs `work` on a connection of its own to the test's database, as an operator's shell would.
fn with_database<R: Send>(
    postgres: Option<&str>,
    database: &std::path::Path,
    work: impl FnOnce(&Connection) -> R + Send,
) -> R {
    let Some(url) = postgres else {
        return work(&Connection::Sqlite(rusqlite::Connection::open(database).expect("open database")));
    };
    // The test's own runtime must not be blocked on: the connection gets a runtime of its own,
    // on a thread of its own.
    std::thread::scope(|scope| {
        scope
            .spawn(|| {
                let runtime = tokio::runtime::Builder::new_multi_thread()
                    .worker_threads(1)
                    .enable_all()
                    .build()
                    .expect("a runtime");
                let connection = runtime.block_on(Connection::open_postgres(url)).expect("connect");
                work(&connection)
            })
            .join()
            .expect("the operator's work")
    })
}
impl Drop for TestServer {
    fn drop(&mut self) {
        for shutdown in self.shutdown.drain(..) {
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
