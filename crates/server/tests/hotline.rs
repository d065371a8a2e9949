//! The 12345 hotline exchange: tickets imported once however often they are sent, every bad row
//! refused with its reason and nothing of it kept, a caller finding their ticket in 我的投诉,
//! and the export since a cursor giving every step exactly once while filings go on.

mod common;

use common::{HOTLINE_KEY, TestServer};
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::BTreeSet;

const COMMUNITIES: [&str; 4] = ["望江锦苑", "红星花园", "锦城枫林", "成华区 建设里小区"];
const CATEGORIES: [&str; 4] = ["电梯故障", "垃圾清运", "停车管理", "噪音扰民"];

fn ticket(n: usize) -> Value {
    json!({
        "ticket_id": format!("SC12345-{n:06}"),
        "received_at": format!("2026-11-{:02}T{:02}:15:00+08:00", 1 + n % 28, 8 + n % 10),
        "caller_phone": format!("139{:08}", n),
        "community": COMMUNITIES[n % COMMUNITIES.len()],
        "category": CATEGORIES[(n / 4) % CATEGORIES.len()],
        "content": format!("来电反映：小区里的问题已经持续好几天了，编号 {n}，请尽快处理。"),
        "hotline_status": "已派单",
    })
}

/// Every fiftieth row is bad, each in its own way; returns the file and the expected refusals.
fn file_with_bad_rows(rows: usize) -> (String, Vec<(usize, &'static str)>) {
    let mut lines = Vec::new();
    let mut refusals = Vec::new();
    for n in 0..rows {
        let mut row = ticket(n);
        let reason = if n % 50 == 49 {
            let (change, reason): (fn(&mut Value), &str) = match (n / 50) % 7 {
                0 => (|row| row["community"] = json!("不存在的小区"), "unknown_community"),
                1 => (|row| row["category"] = json!("房屋质量"), "unknown_category"),
                2 => (|row| row["caller_phone"] = json!("028-1234"), "bad_phone"),
                3 => (|row| row["received_at"] = json!("2026年11月3日"), "bad_time"),
                4 => (|row| row["content"] = json!("短"), "bad_content"),
                5 => (|row| row["category"] = json!("物业管理服务"), "ambiguous_category"),
                _ => (|row| row["ticket_id"] = json!(""), "missing_ticket_id"),
            };
            change(&mut row);
            Some(reason)
        } else {
            None
        };
        lines.push(row.to_string());
        if let Some(reason) = reason {
            refusals.push((n + 1, reason));
        }
    }
    (lines.join("\n"), refusals)
}

async fn import(
    server: &TestServer,
    token: &str,
    content_type: &str,
    body: impl Into<reqwest::Body>,
) -> (StatusCode, Value) {
    let response = server
        .client
        .post(server.url("/api/v1/hotline/imports"))
        .bearer_auth(token)
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("import answered");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// Every step exported so far, page after page.
async fn export_all(server: &TestServer, token: &str) -> Vec<Value> {
    let (mut cursor, mut events) = (0, Vec::new());
    loop {
        let page = export(server, token, cursor, 1000).await;
        let page_events = page["events"].as_array().expect("events").clone();
        if page_events.is_empty() {
            return events;
        }
        events.extend(page_events);
        cursor = page["next_cursor"].as_i64().expect("a cursor");
    }
}

async fn export(server: &TestServer, token: &str, since: i64, limit: usize) -> Value {
    let (status, page) = server.get_with(&format!("/api/v1/hotline/events?since={since}&limit={limit}"), token).await;
    assert_eq!(status, StatusCode::OK, "{page}");
    page
}

#[tokio::test]
async fn ten_thousand_rows_with_two_percent_bad_import_the_good_ones_once_over_two_runs() {
    let server = TestServer::start().await;
    let (file, refusals) = file_with_bad_rows(10_000);
    assert_eq!(refusals.len(), 200);

    let (status, first) = import(&server, HOTLINE_KEY, "application/x-ndjson", file.clone()).await;
    assert_eq!(status, StatusCode::OK, "{first}");
    assert_eq!((first["imported"].as_u64(), first["already_imported"].as_u64()), (Some(9_800), Some(0)));
    let refused: Vec<(usize, &str)> = first["refused"]
        .as_array()
        .expect("refused rows")
        .iter()
        .map(|row| (row["line"].as_u64().unwrap() as usize, row["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(refused, refusals);
    assert!(first["refused"][0]["explanation"].as_str().is_some_and(|text| !text.is_empty()));
    let complaints = server.count("complaints");
    assert_eq!(complaints, server.seeded_complaints + 9_800);
    assert_eq!(server.count("hotline_tickets"), 9_800);

    let (status, second) = import(&server, HOTLINE_KEY, "application/x-ndjson", file).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((second["imported"].as_u64(), second["already_imported"].as_u64()), (Some(0), Some(9_800)));
    assert_eq!(second["refused"].as_array().map(Vec::len), Some(200));
    assert_eq!(server.count("complaints"), complaints, "nothing imported twice");
    // A refused row left nothing behind: no complaint of a refused ticket, no stray events.
    assert_eq!(server.count("complaint_events WHERE kind = 'from_hotline'"), 9_800);
}

#[tokio::test]
async fn csv_rows_import_and_a_ticket_repeated_in_one_file_is_refused_once() {
    let server = TestServer::start().await;
    let csv = "ticket_id,received_at,caller_phone,community,category,content,hotline_status\n\
               SC-CSV-1,2026-11-20T10:00:00+08:00,13912345678,望江锦苑,电梯故障,\"三号楼电梯，停了两天，\"\"老人\"\"下不了楼\",已派单\n\
               SC-CSV-1,2026-11-20T10:00:00+08:00,13912345678,望江锦苑,电梯故障,三号楼电梯停了两天了,已派单\n\
               SC-CSV-2,2026-11-20T10:00:00+08:00,13912345678,望江锦苑\n";
    let (status, report) = import(&server, HOTLINE_KEY, "text/csv; charset=utf-8", csv.to_owned()).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["imported"], 1);
    let refused: Vec<(u64, &str)> = report["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|row| (row["line"].as_u64().unwrap(), row["reason"].as_str().unwrap()))
        .collect();
    assert_eq!(refused, [(3, "duplicate_in_file"), (4, "malformed")]);
    let stored: String = server.with_database(|connection| {
        connection
            .query_row(
                "SELECT c.description FROM complaints c JOIN hotline_tickets h ON h.complaint_id = c.id",
                [],
                |row| row.get(0),
            )
            .unwrap()
    });
    assert_eq!(stored, "三号楼电梯，停了两天，\"老人\"下不了楼");
}

#[tokio::test]
async fn a_row_that_is_not_utf8_is_refused_with_its_line_and_the_rest_imported() {
    let server = TestServer::start().await;
    let mut body = format!("{}\n", ticket(1)).into_bytes();
    // A row saved in GBK by a desk's spreadsheet.
    body.extend_from_slice(b"{\"ticket_id\":\"SC-GBK\",\"content\":\"\xb5\xe7\xcc\xdd\"}\n");
    body.extend_from_slice(ticket(2).to_string().as_bytes());
    let (status, report) = import(&server, HOTLINE_KEY, "application/x-ndjson", body).await;
    assert_eq!(status, StatusCode::OK, "{report}");
    assert_eq!(report["imported"], 2);
    assert_eq!(
        report["refused"],
        json!([{ "line": 2, "reason": "bad_encoding", "explanation": "这一行不是 UTF-8 编码" }])
    );
}

#[tokio::test]
async fn a_caller_finds_their_hotline_ticket_in_my_complaints_with_its_origin() {
    let server = TestServer::start().await;
    let mut row = ticket(7);
    row["caller_phone"] = json!("13612345678");
    let (status, report) = import(&server, HOTLINE_KEY, "application/x-ndjson", row.to_string()).await;
    assert_eq!((status, report["imported"].as_u64()), (StatusCode::OK, Some(1)), "{report}");

    let session = server.resident_session("13612345678").await;
    let (status, mine) = server.get_with("/api/v1/me/complaints", &session).await;
    assert_eq!(status, StatusCode::OK);
    let mine = mine.as_array().expect("a list");
    assert_eq!(mine.len(), 1);
    let number = mine[0]["tracking_number"].as_str().expect("its number");
    assert_eq!(mine[0]["status"], "submitted");
    assert_eq!(mine[0]["from_hotline"], true, "the list says where it came from");

    let (status, view) = server.get_with(&format!("/api/v1/complaints/{number}"), &session).await;
    assert_eq!(status, StatusCode::OK);
    let kinds: Vec<&str> = view["timeline"].as_array().unwrap().iter().map(|e| e["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds[..2], ["filed", "from_hotline"]);
    let origin = &view["timeline"][1];
    assert_eq!(origin["actor"], "system");
    assert_eq!(origin["note"], "热线工单 SC12345-000007（热线状态：已派单）");
    // Deadlines count from the hotline's receipt of the call, not from the import.
    assert_eq!(view["filed_at"], "2026-11-08T07:15:00Z");
}

#[tokio::test]
async fn the_export_gives_every_step_once_across_pages_while_filings_continue() {
    let server = std::sync::Arc::new(TestServer::start().await);
    let bureau = server.staff_token("zjj-supervisor").await;
    let filing = {
        let server = server.clone();
        tokio::spawn(async move {
            let body = server.valid_complaint().await;
            for _ in 0..60 {
                let (status, _) = server.file(&body).await;
                assert_eq!(status, StatusCode::CREATED);
            }
        })
    };
    let mut cursor = 0;
    let mut seen = Vec::new();
    let mut pages = 0;
    loop {
        let page = export(&server, &bureau, cursor, 37).await;
        let events = page["events"].as_array().expect("events");
        pages += 1;
        seen.extend(events.iter().map(|event| event["cursor"].as_i64().unwrap()));
        let next = page["next_cursor"].as_i64().unwrap();
        assert!(next >= cursor);
        cursor = next;
        if events.is_empty() && filing.is_finished() {
            break;
        }
    }
    filing.await.expect("filings went through");
    // Anything filed after the last empty page comes on the next.
    loop {
        let page = export(&server, &bureau, cursor, 1000).await;
        let events = page["events"].as_array().unwrap();
        if events.is_empty() {
            break;
        }
        seen.extend(events.iter().map(|event| event["cursor"].as_i64().unwrap()));
        cursor = page["next_cursor"].as_i64().unwrap();
    }
    assert!(pages > 2, "paged");
    let unique: BTreeSet<i64> = seen.iter().copied().collect();
    assert_eq!(unique.len(), seen.len(), "no step twice");
    assert!(seen.windows(2).all(|pair| pair[0] < pair[1]), "in order");
    assert_eq!(seen.len() as i64, server.count("complaint_events"), "every step");
}

#[tokio::test]
async fn personal_data_is_masked_except_for_the_hotline_operator_and_others_are_refused() {
    let server = TestServer::start().await;
    let mut row = ticket(3);
    row["caller_phone"] = json!("13712345678");
    import(&server, HOTLINE_KEY, "application/x-ndjson", row.to_string()).await;
    let hotline_step = |events: &[Value]| {
        events.iter().find(|event| event["kind"] == "from_hotline").cloned().expect("the imported ticket's step")
    };

    let bureau = server.staff_token("zjj-supervisor").await;
    let masked = export_all(&server, &bureau).await;
    assert!(!Value::from(masked.clone()).to_string().contains("13712345678"), "no number in full for the bureau");
    assert_eq!(hotline_step(&masked)["phone"], "137****5678");
    assert_eq!(hotline_step(&masked)["hotline_ticket_id"], "SC12345-000003");
    // Names are masked too: the demo complaints that gave one show only its first character.
    let names: Vec<&str> = masked.iter().filter_map(|event| event["name"].as_str()).collect();
    assert!(!names.is_empty(), "the demo data has named complaints");
    assert!(names.iter().all(|name| name.chars().count() == 2 && name.ends_with('*')), "{names:?}");
    for event in &masked {
        let phone = event["phone"].as_str().unwrap_or_default();
        assert!(phone.is_empty() || phone.contains("****"), "{phone}");
    }

    let operator = export_all(&server, HOTLINE_KEY).await;
    assert_eq!(hotline_step(&operator)["phone"], "13712345678");
    assert_eq!(operator.len(), masked.len());

    let company = server.staff_token("wy-shujin").await;
    let (status, problem) = server.get_with("/api/v1/hotline/events", &company).await;
    assert_eq!((status, problem["code"].as_str()), (StatusCode::FORBIDDEN, Some("forbidden")));
    let (status, _) = server.get_with("/api/v1/hotline/events", "not-the-hotline-key-at-all").await;
    assert_eq!(status, StatusCode::UNAUTHORIZED);
    let (status, _) = import(&server, &company, "text/csv", String::new()).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
    // Over the import's 16 MB: refused before it is read, nothing stored.
    let (status, _) = import(&server, HOTLINE_KEY, "text/csv", vec![b'x'; 17 * 1024 * 1024]).await;
    assert_eq!(status, StatusCode::PAYLOAD_TOO_LARGE);
    assert_eq!(server.count("hotline_tickets"), 1);
    let (status, problem) = server.get_with("/api/v1/hotline/events?since=-1", HOTLINE_KEY).await;
    assert_eq!((status, problem["code"].as_str()), (StatusCode::BAD_REQUEST, Some("malformed_body")));
}
