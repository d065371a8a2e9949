//! The denominator of `cargo xtask bench`: the least an axum + rusqlite server can do for a lookup
//! on this machine — one indexed SELECT on a read connection and a small JSON answer, with no
//! validation, rate limit, masking, sealing or middleware. The load generator asks it and the real
//! server the same way in the same run, so the real server's figures read as a share of what the
//! stack itself can do here, rather than as absolutes that move from machine to machine.
//!
//! `bare <database file>`: seeds 200 rows numbered as the load generator expects and prints
//! `bare server is running at http://127.0.0.1:PORT`.

use axum::extract::State;
use axum::http::StatusCode;
use axum::routing::post;
use axum::{Json, Router};
use rusqlite::{Connection, OpenFlags, OptionalExtension, params};
use serde_json::{Value, json};
use std::sync::{Arc, Mutex};

#[path = "shared/bare_rows.rs"]
mod bare_rows;

use bare_rows::{ROWS, bare_row};

/// As many read connections as the real server's default.
const READERS: usize = 4;

/// Read connections, and a permit for each, so a request waits for a free one as in the real store.
struct Readers {
    connections: Mutex<Vec<Connection>>,
    permits: tokio::sync::Semaphore,
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = std::env::args().nth(1).ok_or("usage: bare <database file>")?;
    let writer = Connection::open(&path)?;
    writer.execute_batch(
        "PRAGMA journal_mode = WAL;
         CREATE TABLE IF NOT EXISTS complaints (
             id INTEGER PRIMARY KEY, tracking_number TEXT NOT NULL UNIQUE, phone TEXT NOT NULL, body TEXT NOT NULL);",
    )?;
    for n in 0..ROWS {
        let (number, phone) = bare_row(n);
        writer.execute(
            "INSERT OR IGNORE INTO complaints (tracking_number, phone, body) VALUES (?1, ?2, ?3)",
            params![number, phone, format!("压测投诉 {n}：楼道灯坏了，晚上看不清楼梯。")],
        )?;
    }
    let readers = (0..READERS)
        .map(|_| Connection::open_with_flags(&path, OpenFlags::SQLITE_OPEN_READ_ONLY))
        .collect::<Result<Vec<_>, _>>()?;
    let readers = Readers { connections: Mutex::new(readers), permits: tokio::sync::Semaphore::new(READERS) };
    let app = Router::new().route("/lookup", post(lookup)).with_state(Arc::new(readers));
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    println!("bare server is running at http://{}", listener.local_addr()?);
    axum::serve(listener, app).await?;
    Ok(())
}

async fn lookup(State(readers): State<Arc<Readers>>, Json(body): Json<Value>) -> (StatusCode, Json<Value>) {
    let number = body["tracking_number"].as_str().unwrap_or_default().to_owned();
    let phone = body["phone"].as_str().unwrap_or_default().to_owned();
    let Ok(_permit) = readers.permits.acquire().await else {
        return (StatusCode::SERVICE_UNAVAILABLE, Json(json!({ "found": false })));
    };
    let pool = readers.clone();
    let found = tokio::task::spawn_blocking(move || {
        let connection = pool.connections.lock().ok()?.pop()?;
        let row = connection
            .prepare_cached("SELECT id, body FROM complaints WHERE tracking_number = ?1 AND phone = ?2")
            .and_then(|mut statement| {
                statement
                    .query_row(params![number, phone], |row| Ok((row.get::<_, i64>(0)?, row.get::<_, String>(1)?)))
                    .optional()
            });
        if let Ok(mut connections) = pool.connections.lock() {
            connections.push(connection);
        }
        row.ok().flatten()
    })
    .await
    .ok()
    .flatten();
    match found {
        Some((id, body)) => (StatusCode::OK, Json(json!({ "id": id, "body": body }))),
        None => (StatusCode::NOT_FOUND, Json(json!({ "found": false }))),
    }
}
