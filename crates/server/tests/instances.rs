//! Two instances of the server binary on one PostgreSQL database, as a city that outgrew one
//! machine runs them: they start together on an empty database (one seeds it), fifty filings
//! with one idempotency key split across both make one complaint, what one files the other
//! finds, a rate limit is one allowance across both, and one killed in the middle of a burst
//! loses nothing it acknowledged. These run when
//! the suite runs on PostgreSQL (`cargo xtask test` does); a SQLite file has one server.

mod common;

use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const BINARY: &str = env!("CARGO_BIN_EXE_mashang-server");

struct Instance {
    child: Child,
    base: String,
}

impl Drop for Instance {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A deployment's shared settings: one database, one key, one place for the built app.
struct Deployment {
    database: String,
    scratch: tempfile::TempDir,
}

impl Deployment {
    async fn new() -> Option<Self> {
        let server = common::postgres_server()?;
        let scratch = tempfile::tempdir().unwrap();
        std::fs::write(scratch.path().join("index.html"), common::INDEX_HTML).unwrap();
        Some(Self { database: common::fresh_schema(&server).await, scratch })
    }

    /// Starts an instance; its address is known once it has opened (and perhaps seeded) the database.
    fn start(&self) -> std::thread::JoinHandle<Instance> {
        let mut command = Command::new(BINARY);
        command
            .args(["--port", "0", "--bind", "127.0.0.1", "--lookup-limit-per-minute", "1000000"])
            .args(["--demo-staff-password", "two-instances", "--database", &self.database])
            .arg("--key-file")
            .arg(self.scratch.path().join("key"))
            .arg("--dist")
            .arg(self.scratch.path())
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped());
        std::thread::spawn(move || {
            let mut child = command.spawn().expect("the server starts");
            let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
            let base = loop {
                let line = lines.next().expect("the server prints its address").expect("readable stdout");
                if let Some(address) = line.split(" is running at ").nth(1) {
                    break address.trim_end_matches('/').to_owned();
                }
            };
            // Keep draining so the server never blocks on a full pipe.
            std::thread::spawn(move || for _ in lines.by_ref() {});
            Instance { child, base }
        })
    }

    /// Two instances started at once on the empty database.
    fn start_two(&self) -> (Instance, Instance) {
        let (first, second) = (self.start(), self.start());
        (first.join().unwrap(), second.join().unwrap())
    }
}

async fn complaint_body(client: &reqwest::Client, base: &str) -> Value {
    let communities: Value =
        client.get(format!("{base}/api/v1/communities")).send().await.unwrap().json().await.unwrap();
    let categories: Value = client.get(format!("{base}/api/v1/categories")).send().await.unwrap().json().await.unwrap();
    json!({
        "community_id": communities[1]["id"],
        "category_id": categories[0]["children"][1]["id"],
        "description": "两台服务器同时收到的投诉：地下车库积水",
        "phone": "13800138000",
        "consent": true,
    })
}

async fn file(client: &reqwest::Client, base: &str, key: &str, body: &Value) -> reqwest::Result<(StatusCode, Value)> {
    let response =
        client.post(format!("{base}/api/v1/complaints")).header("idempotency-key", key).json(body).send().await?;
    let status = response.status();
    Ok((status, response.json().await.unwrap_or(Value::Null)))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn fifty_filings_with_one_key_split_across_two_instances_make_one_complaint() {
    let Some(deployment) = Deployment::new().await else { return };
    let (first, second) = deployment.start_two();
    let client = reqwest::Client::new();
    let seeded = common::count_on(&deployment.database, "complaints");
    assert!(seeded > 100, "one of the two seeded the demo data, and only one: {seeded}");
    assert_eq!(common::count_on(&deployment.database, "staff WHERE username = 'wy-shujin'"), 1);

    let body = complaint_body(&client, &first.base).await;
    let key = uuid::Uuid::new_v4().to_string();
    let filings = (0..50).map(|n| {
        let (client, body, key) = (client.clone(), body.clone(), key.clone());
        let base = if n % 2 == 0 { first.base.clone() } else { second.base.clone() };
        tokio::spawn(async move { file(&client, &base, &key, &body).await.unwrap() })
    });
    let mut answers: Vec<(StatusCode, Value)> = Vec::new();
    for filing in filings.collect::<Vec<_>>() {
        answers.push(filing.await.unwrap());
    }
    let numbers: std::collections::BTreeSet<&str> =
        answers.iter().map(|(_, receipt)| receipt["tracking_number"].as_str().unwrap_or("none")).collect();
    assert!(answers.iter().all(|(status, _)| *status == StatusCode::CREATED), "{answers:?}");
    assert_eq!(numbers.len(), 1, "one complaint, whichever instance answered: {numbers:?}");
    assert_eq!(common::count_on(&deployment.database, "complaints"), seeded + 1);

    // What one instance filed, the other shows.
    let number = *numbers.iter().next().unwrap();
    let lookup = json!({ "tracking_number": number, "phone": "13800138000" });
    for base in [&first.base, &second.base] {
        let response = client.post(format!("{base}/api/v1/complaints/lookup")).json(&lookup).send().await.unwrap();
        assert_eq!(response.status(), StatusCode::OK);
    }

    // Sign-in codes to one number, three a minute (the default), asked of each instance in turn:
    // the limit is kept in the database, so the fourth is refused whichever instance it reaches.
    let code = json!({ "phone": "13900001234" });
    let mut statuses = Vec::new();
    for base in [&first.base, &second.base, &first.base, &second.base, &first.base] {
        statuses.push(client.post(format!("{base}/api/v1/auth/codes")).json(&code).send().await.unwrap().status());
    }
    let accepted = statuses.iter().filter(|status| **status == StatusCode::ACCEPTED).count();
    assert_eq!(accepted, 3, "one allowance for the deployment: {statuses:?}");
    assert!(statuses[3..].iter().all(|status| *status == StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_instance_killed_in_a_burst_loses_nothing_it_acknowledged_and_the_other_serves_on() {
    let Some(deployment) = Deployment::new().await else { return };
    let (mut first, second) = deployment.start_two();
    let client = reqwest::Client::builder().timeout(Duration::from_secs(10)).build().unwrap();
    let body = complaint_body(&client, &second.base).await;

    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for n in 0..16 {
        let base = if n % 2 == 0 { first.base.clone() } else { second.base.clone() };
        let (client, body, stop, acknowledged) = (client.clone(), body.clone(), stop.clone(), acknowledged.clone());
        writers.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                match file(&client, &base, &uuid::Uuid::new_v4().to_string(), &body).await {
                    Ok((StatusCode::CREATED, receipt)) => {
                        acknowledged.lock().unwrap().push(receipt["tracking_number"].as_str().unwrap().to_owned())
                    }
                    Ok(_) => {}
                    // The killed instance's writers stop; the other's go on until told.
                    Err(_) => break,
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(2000)).await;
    first.child.kill().expect("SIGKILL");
    first.child.wait().unwrap();
    // The survivor keeps taking filings after its sibling died mid-transaction.
    tokio::time::sleep(Duration::from_millis(1000)).await;
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() > 20, "the burst filed only {} complaints", acknowledged.len());

    let numbers = acknowledged.iter().map(|number| format!("'{number}'")).collect::<Vec<_>>().join(",");
    let found = common::count_on(&deployment.database, &format!("complaints WHERE tracking_number IN ({numbers})"));
    assert_eq!(found, acknowledged.len() as i64, "every acknowledged filing is there");
    let orphans = common::count_on(
        &deployment.database,
        "complaints c WHERE NOT EXISTS (SELECT 1 FROM complaint_events e WHERE e.complaint_id = c.id)",
    );
    assert_eq!(orphans, 0, "no half-written filing");
    // A resident arriving now (a new connection, not one the burst left in the pool) is served.
    let newcomer = reqwest::Client::new();
    let (status, _) = file(&newcomer, &second.base, &uuid::Uuid::new_v4().to_string(), &body)
        .await
        .unwrap_or_else(|error| panic!("the survivor does not answer: {error:?}"));
    assert_eq!(status, StatusCode::CREATED, "the survivor serves on");
}
