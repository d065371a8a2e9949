//! The server binary as an operator runs it: killed with SIGKILL in the middle of a burst of
//! filings, then restarted on the same file; and backed up while it serves.

use reqwest::StatusCode;
use serde_json::{Value, json};
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

const BINARY: &str = env!("CARGO_BIN_EXE_mashang-server");

/// Starts the binary on a free port; returns the process and its base URL.
fn start(database: &Path, dist: &Path) -> (Child, String) {
    start_with(database, dist, &[])
}

fn start_with(database: &Path, dist: &Path, extra: &[&std::ffi::OsStr]) -> (Child, String) {
    let mut child = Command::new(BINARY)
        .args(["--port", "0", "--lookup-limit-per-minute", "1000000", "--demo-staff-password", "crash-test"])
        .args(extra)
        .arg("--database")
        .arg(database)
        .arg("--dist")
        .arg(dist)
        .env("RUST_LOG", "warn")
        .stdout(Stdio::piped())
        .spawn()
        .expect("server starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let url = loop {
        let line = lines.next().expect("the server prints its address").expect("readable stdout");
        if let Some(address) = line.split(" is running at ").nth(1) {
            break address.trim_end_matches('/').to_owned();
        }
    };
    // Keep draining so the server never blocks on a full pipe.
    std::thread::spawn(move || for _ in lines.by_ref() {});
    (child, url)
}

async fn complaint_body(client: &reqwest::Client, base: &str) -> Value {
    let communities: Value =
        client.get(format!("{base}/api/v1/communities")).send().await.unwrap().json().await.unwrap();
    let categories: Value = client.get(format!("{base}/api/v1/categories")).send().await.unwrap().json().await.unwrap();
    json!({
        "community_id": communities[0]["id"],
        "category_id": categories[0]["children"][1]["id"],
        "description": "电梯停在半层，按钮没有反应，请尽快维修",
        "phone": "13800138000",
        "name": "欧阳秀兰",
        "consent": true,
    })
}

fn integrity(database: &Path) -> String {
    let connection = rusqlite::Connection::open(database).unwrap();
    connection.query_row("PRAGMA integrity_check", [], |row| row.get(0)).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_acknowledged_filing_survives_a_kill_9() {
    let scratch = tempfile::tempdir().unwrap();
    let database = scratch.path().join("crash.db");
    let (mut server, base) = start(&database, scratch.path());
    let client = reqwest::Client::builder().timeout(Duration::from_secs(5)).build().unwrap();
    let body = complaint_body(&client, &base).await;

    let stop = Arc::new(AtomicBool::new(false));
    let acknowledged = Arc::new(std::sync::Mutex::new(Vec::<String>::new()));
    let mut writers = Vec::new();
    for _ in 0..16 {
        let (client, base, body, stop, acknowledged) =
            (client.clone(), base.clone(), body.clone(), stop.clone(), acknowledged.clone());
        writers.push(tokio::spawn(async move {
            while !stop.load(Ordering::Relaxed) {
                let sent = client
                    .post(format!("{base}/api/v1/complaints"))
                    .header("idempotency-key", uuid::Uuid::new_v4().to_string())
                    .json(&body)
                    .send()
                    .await;
                let Ok(response) = sent else { break };
                if response.status() == StatusCode::CREATED
                    && let Ok(receipt) = response.json::<Value>().await
                {
                    acknowledged.lock().unwrap().push(receipt["tracking_number"].as_str().unwrap().to_owned());
                }
            }
        }));
    }
    // Let the burst run, then kill the server without warning.
    tokio::time::sleep(Duration::from_millis(1500)).await;
    server.kill().expect("SIGKILL");
    server.wait().unwrap();
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.await.unwrap();
    }
    let acknowledged = acknowledged.lock().unwrap().clone();
    assert!(acknowledged.len() > 20, "the burst filed only {} complaints", acknowledged.len());

    // Restart on the same file: every acknowledged filing is there, and the file is sound.
    let (mut server, _) = start(&database, scratch.path());
    assert_eq!(integrity(&database), "ok");
    let connection = rusqlite::Connection::open(&database).unwrap();
    let mut missing = Vec::new();
    for number in &acknowledged {
        let found: bool = connection
            .query_row("SELECT EXISTS (SELECT 1 FROM complaints WHERE tracking_number = ?1)", [number], |row| {
                row.get(0)
            })
            .unwrap();
        if !found {
            missing.push(number.clone());
        }
    }
    assert!(missing.is_empty(), "lost {} of {} acknowledged filings: {missing:?}", missing.len(), acknowledged.len());
    let events_without_complaint: i64 = connection
        .query_row("SELECT count(*) FROM complaint_events e LEFT JOIN complaints c ON c.id = e.complaint_id WHERE c.id IS NULL", [], |row| row.get(0))
        .unwrap();
    assert_eq!(events_without_complaint, 0, "no half-written filing");
    server.kill().unwrap();
    server.wait().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_backup_taken_while_serving_is_complete_and_sound() {
    let scratch = tempfile::tempdir().unwrap();
    let database = scratch.path().join("live.db");
    let (mut server, base) = start(&database, scratch.path());
    let client = reqwest::Client::new();
    let body = complaint_body(&client, &base).await;
    for _ in 0..5 {
        let response = client
            .post(format!("{base}/api/v1/complaints"))
            .header("idempotency-key", uuid::Uuid::new_v4().to_string())
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::CREATED);
    }
    let backup = scratch.path().join("backup.db");
    let output = Command::new(BINARY).arg("--database").arg(&database).arg("backup").arg(&backup).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(integrity(&backup), "ok");
    let count = |path: &Path| -> i64 {
        rusqlite::Connection::open(path)
            .unwrap()
            .query_row("SELECT count(*) FROM complaints", [], |row| row.get(0))
            .unwrap()
    };
    assert_eq!(count(&backup), count(&database));
    let said = String::from_utf8_lossy(&output.stdout);
    assert!(said.contains("live.db.key"), "the operator is told which key the backup needs: {said}");

    // A second backup to the same path is refused rather than overwriting the first.
    let again = Command::new(BINARY).arg("--database").arg(&database).arg("backup").arg(&backup).output().unwrap();
    assert!(!again.status.success());
    server.kill().unwrap();
    server.wait().unwrap();

    // The copy carries no number or name in clear...
    let bytes = std::fs::read(&backup).unwrap();
    for secret in ["13800138000", "欧阳秀兰"] {
        assert!(!contains(&bytes, secret.as_bytes()), "{secret} is readable in the backup");
    }
    // ...serves again with the key it was made under: a resident finds their complaint...
    let number: String = rusqlite::Connection::open(&backup)
        .unwrap()
        .query_row("SELECT tracking_number FROM complaints ORDER BY id DESC LIMIT 1", [], |row| row.get(0))
        .unwrap();
    let key_file = scratch.path().join("live.db.key");
    let (mut restored, base) = start_with(&backup, scratch.path(), &["--key-file".as_ref(), key_file.as_os_str()]);
    let found = client
        .post(format!("{base}/api/v1/complaints/lookup"))
        .json(&json!({ "tracking_number": number, "phone": "13800138000" }))
        .send()
        .await
        .unwrap();
    assert_eq!(found.status(), StatusCode::OK);
    let view: Value = found.json().await.unwrap();
    assert_eq!((view["phone"].as_str(), view["name"].as_str()), (Some("138****8000"), Some("欧*")));
    restored.kill().unwrap();
    restored.wait().unwrap();
    // ...and without it refuses to start, rather than losing every number.
    let orphan = scratch.path().join("orphan.db");
    std::fs::copy(&backup, &orphan).unwrap();
    let refused = Command::new(BINARY).args(["--port", "0"]).arg("--database").arg(&orphan).output().unwrap();
    assert!(!refused.status.success());
    let said = String::from_utf8_lossy(&refused.stderr);
    assert!(said.contains("another data key"), "{said}");
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|window| window == needle)
}

/// The hotline exchange from the command line, as a city's operator runs it against the
/// database: an import reports its refused rows and exits with 1, a second run imports nothing,
/// and an export pages on from the cursor it printed.
#[test]
fn the_hotline_commands_import_once_and_export_from_a_cursor() {
    let scratch = tempfile::tempdir().unwrap();
    let database = scratch.path().join("hotline.db");
    let file = scratch.path().join("tickets.csv");
    std::fs::write(
        &file,
        "ticket_id,received_at,caller_phone,community,category,content,hotline_status\n\
         SC-1,2026-11-20T10:00:00+08:00,13912345678,望江锦苑,电梯故障,三号楼电梯停了两天，老人下不了楼,已派单\n\
         SC-2,2026-11-20T10:00:00+08:00,13912345678,没有这个小区,电梯故障,三号楼电梯停了两天，老人下不了楼,已派单\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        let output = Command::new(BINARY)
            .arg("--database")
            .arg(&database)
            .arg("--key-file")
            .arg(scratch.path().join("data.key"))
            .args(args)
            .env("RUST_LOG", "warn")
            .output()
            .expect("the command runs");
        (
            output.status.code(),
            String::from_utf8_lossy(&output.stdout).into_owned(),
            String::from_utf8_lossy(&output.stderr).into_owned(),
        )
    };
    let file = file.to_str().unwrap();
    let (code, out, _) = run(&["import-12345", file]);
    assert_eq!(code, Some(1), "{out}");
    assert!(out.starts_with("imported 1 tickets, 0 already imported, 1 refused"), "{out}");
    assert!(out.contains("line 3 (ticket SC-2): 找不到这个小区"), "{out}");
    let (code, out, _) = run(&["import-12345", file, "--json"]);
    assert_eq!(code, Some(1));
    let report: Value = serde_json::from_str(&out).unwrap();
    assert_eq!((report["imported"].as_u64(), report["already_imported"].as_u64()), (Some(0), Some(1)));

    let (code, out, err) = run(&["export-12345", "--since", "0", "--limit", "5"]);
    assert_eq!(code, Some(0), "{err}");
    let first: Vec<Value> = out.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
    assert_eq!(first.len(), 5);
    let cursor: i64 = err.trim().strip_prefix("next cursor: ").unwrap().parse().unwrap();
    assert_eq!(cursor, first[4]["cursor"].as_i64().unwrap());
    let mut rest: Vec<Value> = Vec::new();
    let mut since = cursor;
    loop {
        let (_, out, err) = run(&["export-12345", "--since", &since.to_string(), "--for-hotline"]);
        let page: Vec<Value> = out.lines().map(|line| serde_json::from_str(line).unwrap()).collect();
        if page.is_empty() {
            break;
        }
        since = err.trim().strip_prefix("next cursor: ").unwrap().parse().unwrap();
        rest.extend(page);
    }
    assert!(rest.windows(2).all(|pair| pair[0]["cursor"].as_i64() < pair[1]["cursor"].as_i64()));
    assert!(rest[0]["cursor"].as_i64().unwrap() > cursor);
    let imported = rest.iter().find(|event| event["hotline_ticket_id"] == "SC-1").expect("the imported ticket's steps");
    assert_eq!(imported["phone"], "13912345678", "the hotline operator's export is in full");
}

/// A database URL the server does not speak stops it at start, naming it, and creates no file
/// under that name; a PostgreSQL URL without a shared key, or one nobody answers at, stops it with
/// a sentence that says what to do.
#[test]
fn a_database_it_cannot_use_stops_the_server_at_start_and_creates_nothing() {
    let cases: [(&[&str], &[&str]); 3] = [
        (&["--database", "mysql://mashang@127.0.0.1:1/mashang"], &["mysql://", "SQLite", "postgres://"]),
        (&["--database", "postgres://mashang@127.0.0.1:1/mashang"], &["--key-file", "MASHANG_DATA_KEY"]),
        (
            &["--database", "postgres://mashang:secret@127.0.0.1:1/mashang", "--data-key", &"ab".repeat(32)],
            &["postgres://…@127.0.0.1:1/mashang"],
        ),
    ];
    for (args, said) in cases {
        let folder = tempfile::tempdir().unwrap();
        let output = Command::new(BINARY)
            .args(["--port", "0"])
            .args(args)
            .current_dir(folder.path())
            .output()
            .expect("the binary runs");
        assert!(!output.status.success(), "{args:?}");
        let message = String::from_utf8_lossy(&output.stderr);
        for words in said {
            assert!(message.contains(words), "{args:?} should say {words}: {message}");
        }
        assert!(!message.contains("secret"), "the password stays out of the message: {message}");
        let left: Vec<_> = std::fs::read_dir(folder.path()).unwrap().collect();
        assert!(left.is_empty(), "nothing is created: {left:?}");
    }
}
