//! The workbench's API through the real server: the cookie session and its CSRF token, idle
//! expiry, who may call what, the queue, the board and its CSV, reveals and the audit log.

mod common;

use common::{STAFF_PASSWORD, TestServer};
use reqwest::StatusCode;
use reqwest::header::{COOKIE, SET_COOKIE};
use serde_json::{Value, json};

/// Signs in for a cookie session; returns the cookie pair (`name=value`) and the CSRF token.
async fn cookie_session(server: &TestServer, username: &str) -> (String, String) {
    let response = server
        .post_json(
            "/api/v1/staff/sessions",
            &json!({ "username": username, "password": STAFF_PASSWORD, "use_cookie": true }),
        )
        .await;
    assert_eq!(response.status(), StatusCode::OK);
    let cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    let session: Value = response.json().await.unwrap();
    assert!(session.get("token").is_none(), "a cookie session's token never reaches a script: {session}");
    let pair = cookie.split(';').next().unwrap().to_owned();
    (pair, session["csrf_token"].as_str().unwrap().to_owned())
}

async fn filed(server: &TestServer) -> String {
    let (status, answer) = server.file(&server.valid_complaint().await).await;
    assert_eq!(status, StatusCode::CREATED, "{answer}");
    answer["tracking_number"].as_str().unwrap().to_owned()
}

#[tokio::test]
async fn the_session_cookie_is_http_only_strict_and_scoped_to_the_staff_api() {
    let server = TestServer::start().await;
    let response = server
        .post_json(
            "/api/v1/staff/sessions",
            &json!({ "username": "wy-shujin", "password": STAFF_PASSWORD, "use_cookie": true }),
        )
        .await;
    let cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.starts_with("mashang_staff="), "{cookie}");
    for flag in ["HttpOnly", "SameSite=Strict", "Path=/api/v1/staff", "Max-Age=43200"] {
        assert!(cookie.split("; ").any(|part| part == flag), "{flag} in {cookie}");
    }
    assert!(!cookie.contains("Secure"), "plain HTTP on loopback: {cookie}");

    let secure = TestServer::start_with(|config| {
        config.secure_cookies = true;
        config.base_path = "/city/mashang/".into();
    })
    .await;
    let response = secure
        .post_json(
            "/city/mashang/api/v1/staff/sessions",
            &json!({ "username": "wy-shujin", "password": STAFF_PASSWORD, "use_cookie": true }),
        )
        .await;
    let cookie = response.headers()[SET_COOKIE].to_str().unwrap().to_owned();
    assert!(cookie.contains("; Secure") && cookie.contains("Path=/city/mashang/api/v1/staff;"), "{cookie}");
}

#[tokio::test]
async fn a_cookie_request_that_changes_something_needs_the_csrf_token() {
    let server = TestServer::start().await;
    let number = filed(&server).await;
    let (cookie, csrf) = cookie_session(&server, "wy-shujin").await;
    let url = server.url(&format!("/api/v1/staff/complaints/{number}/actions"));

    // Reading needs only the cookie.
    let me = server.client.get(server.url("/api/v1/staff/session")).header(COOKIE, &cookie).send().await.unwrap();
    assert_eq!(me.status(), StatusCode::OK);
    let me: Value = me.json().await.unwrap();
    assert_eq!((me["display_name"].as_str(), me["csrf_token"].as_str()), (Some("李经理"), Some(csrf.as_str())));

    // A cross-site form post carries the cookie (were SameSite ignored) but cannot set a header.
    let form = server
        .client
        .post(&url)
        .header(COOKIE, &cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("origin", "https://evil.example")
        .body("action=accept")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::FORBIDDEN);
    let problem: Value = form.json().await.unwrap();
    assert_eq!(problem["code"], "csrf_rejected");
    for wrong in ["", "0000", &csrf[1..]] {
        let response = server
            .client
            .post(&url)
            .header(COOKIE, &cookie)
            .header("x-csrf-token", wrong)
            .json(&json!({ "action": "accept" }))
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), StatusCode::FORBIDDEN, "token {wrong:?}");
    }
    let signed = server
        .client
        .post(&url)
        .header(COOKIE, &cookie)
        .header("x-csrf-token", &csrf)
        .json(&json!({ "action": "accept" }))
        .send()
        .await
        .unwrap();
    assert_eq!(signed.status(), StatusCode::OK);

    // Signing out needs the token too, clears the cookie, and ends the session.
    let out = server.client.delete(server.url("/api/v1/staff/session")).header(COOKIE, &cookie).send().await.unwrap();
    assert_eq!(out.status(), StatusCode::FORBIDDEN);
    let out = server
        .client
        .delete(server.url("/api/v1/staff/session"))
        .header(COOKIE, &cookie)
        .header("x-csrf-token", &csrf)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), StatusCode::NO_CONTENT);
    assert!(out.headers()[SET_COOKIE].to_str().unwrap().contains("Max-Age=0"));
    let after = server.client.get(server.url("/api/v1/staff/queue")).header(COOKIE, &cookie).send().await.unwrap();
    assert_eq!(after.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn an_idle_session_expires_and_a_used_one_does_not() {
    let server = TestServer::start_with(|config| {
        config.dev_time_travel = true;
        config.staff_idle_minutes = 30;
    })
    .await;
    let idle = server.staff_token("wy-shujin").await;
    let busy = server.staff_token("wy-tianfu").await;
    for _ in 0..3 {
        assert_eq!(server.post_json("/api/v1/dev/clock", &json!({ "minutes": 20 })).await.status(), StatusCode::OK);
        assert_eq!(server.get_with("/api/v1/staff/queue", &busy).await.0, StatusCode::OK, "used every 20 minutes");
    }
    assert_eq!(server.get_with("/api/v1/staff/queue", &idle).await.0, StatusCode::UNAUTHORIZED, "idle for an hour");
    // However busy, a session ends with the working day.
    for _ in 0..36 {
        server.post_json("/api/v1/dev/clock", &json!({ "minutes": 20 })).await;
        server.get_with("/api/v1/staff/queue", &busy).await;
    }
    assert_eq!(server.get_with("/api/v1/staff/queue", &busy).await.0, StatusCode::UNAUTHORIZED, "after 12 hours");
}

#[tokio::test]
async fn every_staff_endpoint_refuses_residents_and_strangers() {
    let server = TestServer::start().await;
    let (status, answer) = server.file(&server.valid_complaint().await).await;
    assert_eq!(status, StatusCode::CREATED);
    let number = answer["tracking_number"].as_str().unwrap().to_owned();
    let resident_token = answer["access_token"].as_str().unwrap().to_owned();
    let other_company = server.staff_token("wy-jinsha").await;
    let reads = [
        "/api/v1/staff/session".to_owned(),
        "/api/v1/staff/queue".to_owned(),
        "/api/v1/staff/queue/export".to_owned(),
        "/api/v1/staff/board".to_owned(),
        "/api/v1/staff/board/export".to_owned(),
        "/api/v1/staff/complaints".to_owned(),
        format!("/api/v1/staff/complaints/{number}"),
        "/api/v1/staff/templates".to_owned(),
        "/api/v1/staff/audit".to_owned(),
    ];
    for path in &reads {
        assert_eq!(server.get(path).await.status(), StatusCode::UNAUTHORIZED, "GET {path} without credentials");
        assert_eq!(server.get_with(path, &resident_token).await.0, StatusCode::UNAUTHORIZED, "GET {path} resident");
    }
    let writes = [
        (format!("/api/v1/staff/complaints/{number}/actions"), json!({ "action": "accept" })),
        (format!("/api/v1/staff/complaints/{number}/contact"), json!({})),
    ];
    for (path, body) in &writes {
        assert_eq!(server.post_with(path, &resident_token, body).await.0, StatusCode::UNAUTHORIZED, "{path}");
        assert_eq!(server.post_with(path, &other_company, body).await.0, StatusCode::NOT_FOUND, "{path}");
    }
    // Another company: nothing of this complaint anywhere it can look.
    assert_eq!(server.get_with(&reads[6], &other_company).await.0, StatusCode::NOT_FOUND);
    let (_, queue) = server.get_with("/api/v1/staff/queue?limit=500", &other_company).await;
    assert!(!queue.to_string().contains(&number));
    let export = server.client.get(server.url("/api/v1/staff/queue/export")).bearer_auth(&other_company).send().await;
    assert!(!export.unwrap().text().await.unwrap().contains(&number));
    // A company supervises nothing and reads no audit log.
    assert_eq!(server.get_with("/api/v1/staff/board", &other_company).await.0, StatusCode::FORBIDDEN);
    assert_eq!(server.get_with("/api/v1/staff/audit", &other_company).await.0, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn the_queue_puts_the_urgent_first_counts_stages_and_marks_what_the_resident_did() {
    let server = TestServer::start().await;
    let number = filed(&server).await;
    let unit = server.staff_token("wy-shujin").await;
    let (status, queue) = server.get_with("/api/v1/staff/queue?limit=500", &unit).await;
    assert_eq!(status, StatusCode::OK, "{queue}");
    let items = queue["items"].as_array().unwrap();
    let mine = items.iter().find(|i| i["complaint"]["tracking_number"] == number.as_str()).expect("in the queue");
    assert_eq!(mine["unread"], true, "new");
    let total: u64 = queue["stages"].as_array().unwrap().iter().map(|s| s["count"].as_u64().unwrap()).sum();
    assert_eq!(total, queue["total"].as_u64().unwrap());
    // Overdue first: every overdue row comes before every other.
    let overdue: Vec<bool> = items
        .iter()
        .map(|i| {
            let c = &i["complaint"];
            (c["sign_deadline"]["pending"] == true && c["sign_deadline"]["overdue"] == true)
                || (c["resolve_deadline"]["pending"] == true && c["resolve_deadline"]["overdue"] == true)
        })
        .collect();
    assert!(overdue.windows(2).all(|w| w[0] >= w[1]), "{overdue:?}");

    // Opening it reads it.
    server.get_with(&format!("/api/v1/staff/complaints/{number}"), &unit).await;
    let (_, queue) = server.get_with(&format!("/api/v1/staff/queue?number={}", &number[..10]), &unit).await;
    assert_eq!(queue["items"][0]["unread"], false, "{queue}");
    let (_, stage) = server.get_with("/api/v1/staff/queue?stage=submitted&limit=500", &unit).await;
    assert!(stage["items"].as_array().unwrap().iter().all(|i| i["complaint"]["status"] == "submitted"));
    let (status, problem) = server.get_with("/api/v1/staff/queue?stage=lost", &unit).await;
    assert_eq!(status, StatusCode::BAD_REQUEST, "{problem}");
    assert_eq!(problem["code"], "malformed_body");
    let (status, _) = server.get_with("/api/v1/staff/queue?limit=-1", &unit).await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn each_reveal_and_each_action_is_audited_and_the_log_cannot_be_changed() {
    let server = TestServer::start().await;
    let number = filed(&server).await;
    let unit = server.staff_token("wy-shujin").await;
    let bureau = server.staff_token("zjj-supervisor").await;
    let before = server.count("audit_log WHERE kind = 'revealed_contact'");
    for _ in 0..2 {
        let (status, _) =
            server.post_with(&format!("/api/v1/staff/complaints/{number}/contact"), &unit, &json!({})).await;
        assert_eq!(status, StatusCode::OK);
    }
    assert_eq!(server.count("audit_log WHERE kind = 'revealed_contact'"), before + 2, "one entry per reveal");
    server
        .post_with(&format!("/api/v1/staff/complaints/{number}/actions"), &unit, &json!({ "action": "accept" }))
        .await;

    let (status, log) = server.get_with(&format!("/api/v1/staff/audit?number={number}"), &bureau).await;
    assert_eq!(status, StatusCode::OK);
    let kinds: Vec<(&str, &str, &str)> = log
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["kind"].as_str().unwrap(), e["username"].as_str().unwrap(), e["detail"].as_str().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            ("action", "wy-shujin", "accept"),
            ("revealed_contact", "wy-shujin", ""),
            ("revealed_contact", "wy-shujin", "")
        ]
    );
    let (_, by_user) = server.get_with("/api/v1/staff/audit?username=wy-shujin&kind=signed_in", &bureau).await;
    assert!(!by_user.as_array().unwrap().is_empty());

    // Append-only, and kept when the account goes.
    server.with_database(|connection| {
        assert!(connection.execute("UPDATE audit_log SET username = 'x'", []).is_err());
        assert!(connection.execute("DELETE FROM audit_log", []).is_err());
        connection
            .execute("DELETE FROM sessions WHERE staff_id = (SELECT id FROM staff WHERE username = 'wy-shujin')", [])
            .unwrap();
        connection.execute("DELETE FROM staff_reads", []).unwrap();
        connection.execute("DELETE FROM staff WHERE username = 'wy-shujin'", []).unwrap();
    });
    let (_, log) = server.get_with(&format!("/api/v1/staff/audit?number={number}"), &bureau).await;
    assert_eq!(log.as_array().unwrap().len(), 3);
    assert_eq!(log[0]["display_name"], "李经理");
}

#[tokio::test]
async fn the_board_flags_companies_and_its_csv_equals_the_api() {
    let server = TestServer::start().await;
    let bureau = server.staff_token("zjj-supervisor").await;
    let (status, board) = server.get_with("/api/v1/staff/board", &bureau).await;
    assert_eq!(status, StatusCode::OK, "{board}");
    let rows = board["rows"].as_array().unwrap();
    assert!(!rows.is_empty(), "the demo data has overdue and escalated complaints");
    for group in board["by_company"].as_array().unwrap() {
        if let Some(rate) = group["on_time"].as_u64() {
            assert_eq!(group["interview"], rate < 800, "{group}");
        }
    }

    let response =
        server.client.get(server.url("/api/v1/staff/board/export")).bearer_auth(&bureau).send().await.unwrap();
    assert_eq!(response.headers()["content-type"], "text/csv; charset=utf-8");
    let bytes = response.bytes().await.unwrap();
    assert!(bytes.starts_with(b"\xEF\xBB\xBF"), "UTF-8 with BOM, for Excel");
    let text = std::str::from_utf8(&bytes[3..]).unwrap();
    let lines: Vec<&str> = text.split("\r\n").filter(|l| !l.is_empty()).collect();
    assert_eq!(lines.len(), rows.len() + 1);
    for (line, row) in lines[1..].iter().zip(rows) {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells[0], row["item"]["complaint"]["tracking_number"].as_str().unwrap());
        assert_eq!(cells[3], row["company"].as_str().unwrap());
        assert_eq!(cells[4], row["community"].as_str().unwrap());
    }

    // The street office sees the board of its own street only.
    let street = server.staff_token("jd-jianshelu").await;
    let (status, own) = server.get_with("/api/v1/staff/board", &street).await;
    assert_eq!(status, StatusCode::OK);
    assert!(own["rows"].as_array().unwrap().len() <= rows.len());
}

#[tokio::test]
async fn reply_templates_are_the_units_own() {
    let server = TestServer::start().await;
    let unit = server.staff_token("wy-shujin").await;
    let other = server.staff_token("wy-tianfu").await;
    let (_, categories) = server.get_with("/api/v1/categories", &unit).await;
    let category = categories[0]["children"][0]["id"].as_i64().unwrap();
    let template = json!({ "category_id": category, "text": "您好，已安排维修师傅上门处理，请保持电话畅通。" });
    let put = server.client.put(server.url("/api/v1/staff/templates")).bearer_auth(&unit).json(&template).send();
    let saved: Value = put.await.unwrap().json().await.unwrap();
    assert_eq!(saved, json!([template]));
    assert_eq!(server.get_with("/api/v1/staff/templates", &other).await.1, json!([]));
    let too_long = json!({ "category_id": category, "text": "长".repeat(501) });
    let put = server.client.put(server.url("/api/v1/staff/templates")).bearer_auth(&unit).json(&too_long).send();
    let response = put.await.unwrap();
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let unknown = json!({ "category_id": 999_999, "text": "x" });
    let put = server.client.put(server.url("/api/v1/staff/templates")).bearer_auth(&unit).json(&unknown).send();
    assert_eq!(put.await.unwrap().status(), StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn a_copied_database_file_shows_no_phone_number_or_name() {
    let server = TestServer::start().await;
    let (filer, joiner, name) = ("13912340987", "13912340988", "司马相如");
    let mut body = server.valid_complaint().await;
    body["phone"] = json!(filer);
    body["name"] = json!(name);
    body["visible_to_neighbours"] = json!(true);
    let (status, receipt) = server.file(&body).await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    let number = receipt["tracking_number"].as_str().unwrap();
    // A neighbour signs in and joins; the filer signs in too, and a code waits for a third phone.
    let neighbour = server.resident_session(joiner).await;
    let (status, _) = server.post_with(&format!("/api/v1/complaints/{number}/joins"), &neighbour, &json!({})).await;
    assert_eq!(status, StatusCode::OK);
    let own = server.resident_session(filer).await;
    let (_, mine) = server.get_with("/api/v1/me/complaints", &own).await;
    assert!(mine.as_array().unwrap().iter().any(|c| c["tracking_number"] == number), "found by the phone's key");
    assert!(server.post_json("/api/v1/auth/codes", &json!({ "phone": "13912340989" })).await.status().is_success());

    // Every party still sees what they saw: masked for the filer, in full on a reveal.
    let (status, view) = server.lookup(number, filer).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((view["phone"].as_str(), view["name"].as_str()), (Some("139****0987"), Some("司*")));
    let unit = server.staff_token("wy-shujin").await;
    let (status, contact) =
        server.post_with(&format!("/api/v1/staff/complaints/{number}/contact"), &unit, &json!({})).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((contact["phone"].as_str(), contact["name"].as_str()), (Some(filer), Some(name)));

    let bytes = if server.on_postgres() { every_row_as_text(&server) } else { copied_file(&server) };
    assert!(bytes.len() > 100_000, "the copy holds the demo data too");
    for secret in [filer, joiner, "13912340989", name, "1391234"] {
        // As text, and as PostgreSQL shows bytes (hex), in case a number went into a byte column.
        for shown in [secret.to_owned(), hex::encode(secret)] {
            assert!(!bytes.windows(shown.len()).any(|window| window == shown.as_bytes()), "{secret} is readable");
        }
    }
    // Nor does any seeded resident's number show: the demo data is sealed the same way.
    let demo = mashang_server::store::DEMO_PHONE;
    assert!(!bytes.windows(demo.len()).any(|window| window == demo.as_bytes()), "{demo} is readable");
}

/// The SQLite file and its write-ahead log, copied away while the server runs.
fn copied_file(server: &TestServer) -> Vec<u8> {
    let copy = tempfile::tempdir().unwrap();
    let mut bytes = Vec::new();
    for suffix in ["", "-wal"] {
        let mut from = server.database.clone().into_os_string();
        from.push(suffix);
        let to = copy.path().join(format!("copy.db{suffix}"));
        if std::fs::copy(&from, &to).is_ok() {
            bytes.extend(std::fs::read(&to).unwrap());
        }
    }
    bytes
}

/// What a dump of the PostgreSQL database would show: every row of every table, as text.
fn every_row_as_text(server: &TestServer) -> Vec<u8> {
    server.with_database(|connection| {
        let tables: Vec<String> = connection
            .prepare("SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let mut bytes = Vec::new();
        for table in tables {
            for row in connection
                .prepare(&format!("SELECT CAST(t AS TEXT) FROM {table} t"))
                .unwrap()
                .query_map([], |row| row.get::<_, String>(0))
                .unwrap()
            {
                bytes.extend(row.unwrap().into_bytes());
            }
        }
        bytes
    })
}
