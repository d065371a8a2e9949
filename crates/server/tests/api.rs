//! The JSON API against a real server on loopback: every endpoint's success path, and each row of
//! the bad-inputs list that applies to filing and tracking.

mod common;

use common::{TestServer, field_errors};

/// How many complaints the demo data files.
use reqwest::StatusCode;
use serde_json::{Value, json};

#[tokio::test]
async fn lists_communities_with_their_property_company_and_searches_them() {
    let server = TestServer::start().await;
    let all: Value = server.get("/api/v1/communities").await.json().await.unwrap();
    let all = all.as_array().unwrap();
    assert!(all.len() >= 10, "seeded with 10+ communities, got {}", all.len());
    assert!(all.iter().all(|c| c["property_company"].as_str().is_some_and(|p| !p.is_empty())));

    let found: Value = server.get("/api/v1/communities?q=%E7%8E%89%E6%9E%97").await.json().await.unwrap();
    let names: Vec<&str> = found.as_array().unwrap().iter().filter_map(|c| c["name"].as_str()).collect();
    assert_eq!(names, ["玉林北苑"]);
    let by_district: Value =
        server.get("/api/v1/communities?q=%E9%AB%98%E6%96%B0%E5%8C%BA").await.json().await.unwrap();
    assert_eq!(by_district.as_array().unwrap().len(), 3);
}

#[tokio::test]
async fn categories_form_a_two_level_tree_of_property_and_other_problems() {
    let server = TestServer::start().await;
    let tree: Value = server.get("/api/v1/categories").await.json().await.unwrap();
    let groups = tree.as_array().unwrap();
    assert!(groups.iter().any(|g| g["kind"] == "property"));
    assert!(groups.iter().any(|g| g["kind"] == "non_property"));
    for group in groups {
        let children = group["children"].as_array().unwrap();
        assert!(!children.is_empty());
        assert!(children.iter().all(|c| c.get("children").is_none()), "only two levels");
        assert!(children.iter().all(|c| c["name"]["zh"].is_string() && c["name"]["en"].is_string()));
    }
    let leak =
        groups.iter().flat_map(|g| g["children"].as_array().unwrap()).find(|c| c["name"]["zh"] == "漏水渗水").unwrap();
    assert_eq!(leak["urgent"], true);
}

#[tokio::test]
async fn files_a_complaint_and_finds_it_by_number_and_phone() {
    let server = TestServer::start().await;
    let mut body = server.valid_complaint().await;
    body["phone"] = json!("+86 138-0013-8000");
    let (status, receipt) = server.file(&body).await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    let number = receipt["tracking_number"].as_str().unwrap();
    assert!(mashang_model::TrackingNumber::parse(number).is_some());
    assert_eq!(receipt["status"], "submitted");

    // Typed with spaces or in full-width digits, the phone is the same phone.
    let (status, view) =
        server.lookup(&mashang_model::TrackingNumber::parse(number).unwrap().grouped(), "１３８００１３８０００").await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["status"], "submitted");
    assert_eq!(view["description"], body["description"]);
    assert_eq!(view["phone"], "138****8000");
    assert!(!view.to_string().contains("13800138000"), "the full number never leaves the server: {view}");
    assert_eq!(view["timeline"].as_array().unwrap().len(), 1);
    assert_eq!(view["timeline"][0]["kind"], "filed");
}

#[tokio::test]
async fn a_wrong_phone_and_an_unknown_number_are_the_same_miss() {
    let server = TestServer::start().await;
    let (_, receipt) = server.file(&server.valid_complaint().await).await;
    let number = receipt["tracking_number"].as_str().unwrap();
    let unknown = mashang_model::TrackingNumber::new(chrono::NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(), 1);

    let (wrong_phone_status, mut wrong_phone) = server.lookup(number, "13912345678").await;
    let (unknown_status, mut unknown_number) = server.lookup(unknown.as_str(), "13800138000").await;
    assert_eq!(wrong_phone_status, StatusCode::NOT_FOUND);
    assert_eq!(unknown_status, StatusCode::NOT_FOUND);
    // Only the request id may differ.
    wrong_phone.as_object_mut().unwrap().remove("request_id");
    unknown_number.as_object_mut().unwrap().remove("request_id");
    assert_eq!(wrong_phone, unknown_number);
}

#[tokio::test]
async fn missing_fields_are_reported_per_field_in_form_order() {
    let server = TestServer::start().await;
    let (status, problem) = server.file(&json!({})).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["code"], "validation_failed");
    assert!(problem["request_id"].is_string());
    assert_eq!(
        field_errors(&problem),
        [
            ("community_id", "required"),
            ("category_id", "required"),
            ("description", "required"),
            ("phone", "required"),
            ("consent", "consent_required"),
        ]
        .map(|(f, c)| (f.to_owned(), c.to_owned()))
    );
    assert_eq!(server.count("complaints"), server.seeded_complaints, "only the demo complaints");
}

#[tokio::test]
async fn description_length_is_checked_at_the_limit_one_over_and_far_over() {
    let server = TestServer::start().await;
    let mut body = server.valid_complaint().await;
    body["description"] = json!("漏".repeat(1000));
    assert_eq!(server.file(&body).await.0, StatusCode::CREATED);

    body["description"] = json!("漏".repeat(1001));
    let (status, problem) = server.file(&body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["errors"][0], json!({ "field": "description", "code": "too_long", "limit": 1000 }));

    body["description"] = json!("x".repeat(1024 * 1024));
    let response = server.file_response(&body, &uuid::Uuid::new_v4().to_string()).await;
    assert_eq!(response.status(), StatusCode::PAYLOAD_TOO_LARGE);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "payload_too_large");
}

#[tokio::test]
async fn bad_phone_numbers_are_field_errors_and_never_echoed() {
    let server = TestServer::start().await;
    for phone in ["1380013800", "138001380001", "028-85123456", "1380013800a", "abcdefghijk"] {
        let mut body = server.valid_complaint().await;
        body["phone"] = json!(phone);
        let response = server.file_response(&body, &uuid::Uuid::new_v4().to_string()).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{phone}");
        let text = response.text().await.unwrap();
        assert!(!text.contains(phone), "{phone} echoed in {text}");
        let problem: Value = serde_json::from_str(&text).unwrap();
        assert_eq!(field_errors(&problem), [("phone".to_owned(), "invalid_phone".to_owned())], "{phone}");
    }
}

#[tokio::test]
async fn categories_and_communities_are_typed_and_must_exist() {
    let server = TestServer::start().await;
    let base = server.valid_complaint().await;
    let top_level: Value = server.get("/api/v1/categories").await.json().await.unwrap();
    let top_level_id = top_level[0]["id"].clone();

    let cases = [
        (json!({ "category_id": -1 }), Some(("category_id", "unknown_category"))),
        (json!({ "category_id": 99_999 }), Some(("category_id", "unknown_category"))),
        (json!({ "category_id": top_level_id }), Some(("category_id", "category_not_specific"))),
        (json!({ "community_id": 99_999 }), Some(("community_id", "unknown_community"))),
        (json!({ "category_id": 9_223_372_036_854_775_808_u64 }), None),
        (json!({ "category_id": "3" }), None),
        (json!({ "category_id": 3.5 }), None),
    ];
    for (change, expected) in cases {
        let mut body = base.clone();
        for (key, value) in change.as_object().unwrap() {
            body[key] = value.clone();
        }
        let (status, problem) = server.file(&body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{change}: {problem}");
        match expected {
            Some((field, code)) => {
                assert_eq!(field_errors(&problem), [(field.to_owned(), code.to_owned())], "{change}")
            }
            None => assert_eq!(problem["code"], "malformed_body", "{change}"),
        }
    }
    assert_eq!(server.count("complaints"), server.seeded_complaints, "nothing was filed");
}

#[tokio::test]
async fn a_resident_cannot_set_the_status() {
    let server = TestServer::start().await;
    let mut body = server.valid_complaint().await;
    body["status"] = json!("resolved");
    let (status, problem) = server.file(&body).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(problem["detail"].as_str().unwrap().contains("unknown field `status`"));
    assert_eq!(server.count("complaints"), server.seeded_complaints);
}

#[tokio::test]
async fn malformed_bodies_are_400_problems_never_500() {
    let server = TestServer::start().await;
    for body in [
        r#"{"description": "\ud800", "phone": "13800138000"}"#,
        r#"{"community_id": 1, "descr"#,
        "",
        "{]",
        "{\"phone\": \"1\"}}",
    ] {
        let response = server.post_raw("/api/v1/complaints", "application/json", body).await;
        assert_eq!(response.status(), StatusCode::BAD_REQUEST, "{body:?}");
        assert_eq!(response.headers()["content-type"], "application/problem+json");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["code"], "malformed_body");
    }
}

#[tokio::test]
async fn a_form_body_is_415_and_a_wrong_method_405_with_allow() {
    let server = TestServer::start().await;
    let response =
        server.post_raw("/api/v1/complaints", "application/x-www-form-urlencoded", "phone=13800138000").await;
    assert_eq!(response.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "unsupported_media_type");

    let response = server.client.delete(server.url("/api/v1/complaints")).send().await.unwrap();
    assert_eq!(response.status(), StatusCode::METHOD_NOT_ALLOWED);
    assert_eq!(response.headers()["allow"], "POST");
    let problem: Value = response.json().await.unwrap();
    assert_eq!(problem["code"], "method_not_allowed");
}

#[tokio::test]
async fn hostile_and_unusual_text_is_stored_verbatim_except_invisible_controls() {
    let server = TestServer::start().await;
    let cases = [
        (
            "<script>alert(1)</script><img src=x onerror=alert(1)> javascript:alert(1)",
            "<script>alert(1)</script><img src=x onerror=alert(1)> javascript:alert(1)",
        ),
        ("' OR 1=1-- ; DROP TABLE complaints;", "' OR 1=1-- ; DROP TABLE complaints;"),
        ("家里👨\u{200D}👩\u{200D}👧 𠀀𪚥 很吵", "家里👨\u{200D}👩\u{200D}👧 𠀀𪚥 很吵"),
        // NFD (e + combining acute) is stored composed; bidi override, zero-width space and NUL go.
        ("cafe\u{301} 门口\u{202E}积水\u{200B}严重\0了", "café 门口积水严重了"),
    ];
    for (typed, stored) in cases {
        let mut body = server.valid_complaint().await;
        body["description"] = json!(typed);
        let (status, receipt) = server.file(&body).await;
        assert_eq!(status, StatusCode::CREATED, "{typed:?}: {receipt}");
        let (_, view) = server.lookup(receipt["tracking_number"].as_str().unwrap(), "13800138000").await;
        assert_eq!(view["description"], stored, "{typed:?}");
    }
    assert!(server.count("complaints") >= 8, "the tables survived the SQL-looking text");
}

#[tokio::test]
async fn concurrent_filings_each_get_their_own_number() {
    let server = std::sync::Arc::new(TestServer::start().await);
    let body = server.valid_complaint().await;
    let filings = (0..50).map(|_| {
        let server = server.clone();
        let body = body.clone();
        tokio::spawn(async move { server.file(&body).await })
    });
    let mut numbers = std::collections::HashSet::new();
    for filing in filings {
        let (status, receipt) = filing.await.unwrap();
        assert_eq!(status, StatusCode::CREATED);
        numbers.insert(receipt["tracking_number"].as_str().unwrap().to_owned());
    }
    assert_eq!(numbers.len(), 50);
    assert_eq!(server.count("complaints"), server.seeded_complaints + 50);
    assert_eq!(
        server.count("complaint_events WHERE kind = 'filed'"),
        server.seeded_complaints + 50,
        "one filed event each"
    );
}

#[tokio::test]
async fn unknown_api_paths_are_problems_and_app_paths_serve_the_app() {
    let server = TestServer::start().await;
    let response = server.get("/api/v1/nothing-here").await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
    assert_eq!(response.headers()["content-type"], "application/problem+json");

    for path in ["/", "/track?number=26112700000001", "/receipt/26112700000001", "/some/deep/link"] {
        let response = server.get(path).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        assert_eq!(response.headers()["cache-control"], "no-cache", "{path}");
        let served_page = common::INDEX_HTML.replace("<base href=./>", r#"<base href="/">"#);
        assert_eq!(response.text().await.unwrap(), served_page, "{path}");
    }
}

#[tokio::test]
async fn every_answer_carries_security_headers_and_api_answers_are_not_cached() {
    let server = TestServer::start().await;
    for path in ["/", "/api/v1/categories", "/api/v1/nothing-here"] {
        let response = server.get(path).await;
        assert_eq!(response.headers()["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(response.headers()["referrer-policy"], "no-referrer", "{path}");
        assert!(response.headers().contains_key("x-request-id"), "{path}");
        let policy = response.headers()["content-security-policy"].to_str().unwrap();
        assert!(
            policy.contains("script-src 'self' 'wasm-unsafe-eval'") && !policy.contains("unsafe-inline"),
            "{policy}"
        );
        assert_eq!(response.headers()["x-frame-options"], "DENY");
    }
    let response = server.get("/api/v1/categories").await;
    assert_eq!(response.headers()["cache-control"], "no-store");
}

#[tokio::test]
async fn page_only_headers_are_left_off_files_that_are_never_a_page() {
    let files: [(&str, &[u8]); 6] = [
        ("app-0123456789abcdef_bg.wasm", b"\0asm\x01\0\0\0"),
        ("bundle_file-0123456789abcdef.bin", b"\0asm\x01\0\0\0"),
        ("main-0123456789abcdef.css", b"body{margin:0}"),
        ("app-0123456789abcdef.js", b"export default 1;"),
        ("sw.js", b"self.addEventListener('fetch',()=>{});"),
        ("favicon-0123456789abcdef.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
    ];
    let server = TestServer::start_with(|config| {
        for (name, bytes) in files {
            std::fs::write(config.dist.join(name), bytes).unwrap();
        }
    })
    .await;
    let fetch = |path: &'static str, dest: Option<&'static str>| {
        let mut request = server.client.get(server.url(path));
        if let Some(dest) = dest {
            request = request.header("sec-fetch-dest", dest);
        }
        async move { request.send().await.unwrap() }
    };
    let page_headers =
        ["content-security-policy", "x-frame-options", "cross-origin-opener-policy", "permissions-policy"];
    // (path, how the browser asks for it, whether it keeps the page-only headers). Whatever can be
    // a page or a worker keeps them: the page, the worker's script, a script asked for without
    // saying how, an SVG (which can run script when opened), JSON.
    let answers = [
        ("/app-0123456789abcdef_bg.wasm", Some("empty"), false),
        ("/bundle_file-0123456789abcdef.bin", Some("empty"), false),
        ("/main-0123456789abcdef.css", Some("style"), false),
        ("/app-0123456789abcdef.js", Some("script"), false),
        ("/", Some("document"), true),
        ("/file", None, true),
        ("/sw.js", Some("serviceworker"), true),
        ("/app-0123456789abcdef.js", None, true),
        ("/favicon-0123456789abcdef.svg", Some("image"), true),
        ("/config.json", Some("empty"), true),
        ("/api/v1/categories", Some("empty"), true),
    ];
    for (path, dest, keeps_page_headers) in answers {
        let response = fetch(path, dest).await;
        assert_eq!(response.status(), StatusCode::OK, "{path}");
        for header in page_headers {
            assert_eq!(response.headers().contains_key(header), keeps_page_headers, "{path} {dest:?}: {header}");
        }
        assert_eq!(response.headers()["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(response.headers()["referrer-policy"], "no-referrer", "{path}");
    }
}

#[tokio::test]
async fn only_the_listed_origins_may_frame_the_resident_app_and_none_the_workbench() {
    let portal = "https://portal.example.gov.cn";
    let server = TestServer::start_with(|config| config.frame_ancestors = vec![portal.to_owned()]).await;
    for path in ["/", "/file", "/api/v1/categories"] {
        let response = server.get(path).await;
        let policy = response.headers()["content-security-policy"].to_str().unwrap();
        assert!(policy.ends_with(&format!("frame-ancestors {portal}")), "{path}: {policy}");
        assert!(!response.headers().contains_key("x-frame-options"), "{path}: X-Frame-Options would forbid the portal");
    }
    for path in ["/staff/", "/staff", "/staff/queue"] {
        let response = server.get(path).await;
        let policy = response.headers()["content-security-policy"].to_str().unwrap();
        assert!(policy.ends_with("frame-ancestors 'none'"), "{path}: {policy}");
        assert_eq!(response.headers()["x-frame-options"], "DENY", "{path}");
    }
}

#[tokio::test]
async fn demo_data_has_complaints_at_several_stages_with_timelines() {
    let server = TestServer::start().await;
    // The stories filed with the phone a newcomer is told to try (the history behind them has
    // phones of its own).
    let demo = server.phone_key(mashang_server::store::DEMO_PHONE);
    let numbers: Vec<String> = server.with_database(|connection| {
        connection
            .prepare("SELECT tracking_number FROM complaints WHERE phone_key = ?1 ORDER BY id")
            .unwrap()
            .query_map([demo], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    });
    let mut statuses = Vec::new();
    for number in &numbers {
        let (status, view) = server.lookup(number, mashang_server::store::DEMO_PHONE).await;
        if status == StatusCode::OK {
            statuses.push(view["status"].as_str().unwrap().to_owned());
            let timeline = view["timeline"].as_array().unwrap();
            let times: Vec<&str> = timeline.iter().map(|e| e["at"].as_str().unwrap()).collect();
            assert!(times.windows(2).all(|w| w[0] <= w[1]), "timeline in order: {times:?}");
        }
    }
    let mut all: Vec<String> = server.with_database(|connection| {
        connection
            .prepare("SELECT DISTINCT status FROM complaints ORDER BY status")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap()
    });
    all.sort();
    let mut every_stage: Vec<String> =
        mashang_model::ComplaintStatus::ALL.iter().map(|s| s.as_str().to_owned()).collect();
    every_stage.sort();
    assert_eq!(all, every_stage, "a demo complaint in every stage");
    assert!(statuses.len() >= 6, "{statuses:?}");
    // Overdue ones were supervised with a new deadline; their first one tells.
    let now = chrono::Utc::now().format("%F %T%:z");
    let overdue = server.count(&format!("complaints WHERE status = 'submitted' AND first_sign_due_at < '{now}'"));
    assert!(overdue >= 1, "some demo complaints are overdue");
}

#[tokio::test]
async fn a_database_locked_by_another_process_answers_503_and_loses_nothing() {
    let server = TestServer::start_with(|config| config.busy_timeout_ms = 200).await;
    let body = server.valid_complaint().await;
    let before = server.count("complaints");
    // An operator's shell holds the write lock.
    let operator = server.lock_database().await;
    let (status, problem) = server.file(&body).await;
    operator.release().await;
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{problem}");
    assert_eq!(problem["code"], "busy");
    assert_eq!(server.count("complaints"), before, "no partial filing");

    let response = server.file_response(&body, &uuid::Uuid::new_v4().to_string()).await;
    assert_eq!(response.status(), StatusCode::CREATED, "the server recovers once the lock is gone");
}

#[tokio::test]
async fn busy_answers_carry_retry_after() {
    let server = TestServer::start_with(|config| config.busy_timeout_ms = 100).await;
    let body = server.valid_complaint().await;
    let operator = server.lock_database().await;
    let response = server.file_response(&body, &uuid::Uuid::new_v4().to_string()).await;
    operator.release().await;
    assert_eq!(response.status(), StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(response.headers()["retry-after"], "2");
}

#[tokio::test]
async fn the_openapi_document_describes_every_route_and_every_documented_route_exists() {
    let server = TestServer::start().await;
    let health: Value = server.get("/api/v1/health").await.json().await.unwrap();
    assert_eq!(health, json!({ "status": "ok" }));
    let response = server.get("/api/v1/openapi.json").await;
    assert_eq!(response.status(), StatusCode::OK);
    let document: Value = response.json().await.unwrap();
    assert_eq!(document["openapi"], "3.1.0");
    assert_eq!(document["servers"][0]["url"], "/api/v1");
    let paths = document["paths"].as_object().unwrap();
    let sample = |path: &str| {
        path.replace("{number}", "26010100000008").replace("{id}", &"0".repeat(64)).replace("{phone}", "13800138000")
    };
    let mut operations = 0;
    for (path, item) in paths {
        let url = server.url(&format!("/api/v1{}", sample(path)));
        // A method the path does not have answers 405: the path itself is routed.
        let foreign = server.client.patch(&url).send().await.unwrap();
        assert_eq!(foreign.status(), StatusCode::METHOD_NOT_ALLOWED, "PATCH {path}");
        for (method, operation) in item.as_object().unwrap() {
            operations += 1;
            assert!(operation["responses"].get("default").is_some(), "{method} {path} documents its problems");
            let request = match method.as_str() {
                "get" => server.client.get(&url),
                "post" => server.client.post(&url).json(&json!({})),
                "put" => server.client.put(&url).json(&json!({})),
                "delete" => server.client.delete(&url),
                other => panic!("undocumented method kind {other}"),
            };
            let answer = request.send().await.unwrap().status();
            assert_ne!(answer, StatusCode::METHOD_NOT_ALLOWED, "{method} {path} is routed");
            assert!(!answer.is_server_error(), "{method} {path} answered {answer}");
        }
    }
    // 21 resident, staff, photo and catalog operations (the choice of texts among them), 3
    // scorecards, the health check, the document itself and the development outbox's codes and
    // texts (on in tests), 10 of the workbench's, and the hotline exchange's import and export.
    assert_eq!(operations, 39, "{:?}", paths.keys().collect::<Vec<_>>());
}

#[tokio::test]
async fn a_full_database_answers_507_keeps_what_it_acknowledged_and_keeps_serving() {
    // Room for the seeded year of history and a few hundred more filings.
    let server = TestServer::start_with(|config| config.max_database_mb = Some(4)).await;
    if server.on_postgres() {
        // The cap is SQLite's (a page count); PostgreSQL's space is the city's DBA's to manage.
        return;
    }
    let mut body = server.valid_complaint().await;
    body["description"] = json!("楼道漏水".repeat(250));
    let mut acknowledged = Vec::new();
    let mut full = None;
    for _ in 0..4000 {
        let (status, answer) = server.file(&body).await;
        match status {
            StatusCode::CREATED => acknowledged.push(answer["tracking_number"].as_str().unwrap().to_owned()),
            _ => {
                full = Some((status, answer));
                break;
            }
        }
    }
    let (status, problem) = full.expect("the cap was reached");
    assert_eq!(status, StatusCode::INSUFFICIENT_STORAGE, "{problem}");
    assert_eq!(problem["code"], "storage_full");
    assert!(acknowledged.len() > 10, "{} filings fit", acknowledged.len());

    let connection = rusqlite::Connection::open(&server.database).unwrap();
    let integrity: String = connection.query_row("PRAGMA integrity_check", [], |row| row.get(0)).unwrap();
    assert_eq!(integrity, "ok");
    for number in &acknowledged {
        let kept: bool = connection
            .query_row("SELECT EXISTS (SELECT 1 FROM complaints WHERE tracking_number = ?1)", [number], |row| {
                row.get(0)
            })
            .unwrap();
        assert!(kept, "{number} was acknowledged, so it is kept");
    }
    assert_eq!(
        server.count("complaints c WHERE NOT EXISTS (SELECT 1 FROM complaint_events e WHERE e.complaint_id = c.id)"),
        0,
        "no half-written filing"
    );
    // Reading still works.
    let (status, _) = server.lookup(&acknowledged[0], "13800138000").await;
    assert_eq!(status, StatusCode::OK);
}

#[tokio::test]
async fn idempotency_keys_are_forgotten_after_thirty_days() {
    let server = TestServer::start().await;
    let body = server.valid_complaint().await;
    let key = uuid::Uuid::new_v4().to_string();
    let (_, first) = server.file_with_key(&body, &key).await;
    let aged = chrono::Utc::now() - chrono::Duration::days(31);
    let age_keys = || {
        server.with_database(|connection| {
            connection.execute("UPDATE idempotency_keys SET created_at = ?1", [aged]).unwrap()
        })
    };
    age_keys();

    let (status, second) = server.file_with_key(&body, &key).await;
    assert_eq!(status, StatusCode::CREATED);
    assert_ne!(first["tracking_number"], second["tracking_number"], "an old key starts a new filing");

    age_keys();
    let purged = server.store.purge_expired(chrono::Utc::now()).await.unwrap();
    assert!(purged >= 1);
    assert_eq!(server.count("idempotency_keys"), 0);
}

#[tokio::test]
async fn built_files_are_sent_brotli_compressed_to_browsers_that_accept_it() {
    let script = "console.log('马上办');\n".repeat(500);
    let written = script.clone();
    let server = TestServer::start_with(move |config| {
        std::fs::write(config.dist.join("app-0123456789abcdef.js"), &written).unwrap();
    })
    .await;
    let response =
        server.client.get(server.url("/app-0123456789abcdef.js")).header("accept-encoding", "br").send().await.unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["content-encoding"], "br");
    assert_eq!(response.headers()["cache-control"], "public, max-age=31536000, immutable");
    let compressed = response.bytes().await.unwrap();
    assert!(compressed.len() < script.len() / 10, "{} bytes for {}", compressed.len(), script.len());
    let mut decompressed = Vec::new();
    brotli::BrotliDecompress(&mut compressed.as_ref(), &mut decompressed).unwrap();
    assert_eq!(decompressed, script.as_bytes());

    // Without brotli in Accept-Encoding, the file itself.
    let plain = server.client.get(server.url("/app-0123456789abcdef.js")).send().await.unwrap();
    assert!(plain.headers().get("content-encoding").is_none());
    assert_eq!(plain.text().await.unwrap(), script);
}
