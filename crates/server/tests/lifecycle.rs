//! Idempotent filing, access tokens, resident and staff actions through the lifecycle table,
//! masking of personal data, and deadlines, against a real server on loopback.

mod common;

use common::{STAFF_PASSWORD, TestServer, field_errors};
use reqwest::StatusCode;
use serde_json::{Value, json};

fn actions_path(number: &str) -> String {
    format!("/api/v1/complaints/{number}/actions")
}

fn staff_actions_path(number: &str) -> String {
    format!("/api/v1/staff/complaints/{number}/actions")
}

/// Files a valid complaint; returns (tracking number, access token).
async fn filed(server: &TestServer, body: &Value) -> (String, String) {
    let (status, receipt) = server.file(body).await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    (receipt["tracking_number"].as_str().unwrap().to_owned(), receipt["access_token"].as_str().unwrap().to_owned())
}

#[tokio::test]
async fn the_same_key_and_body_replays_the_first_answer() {
    let server = TestServer::start().await;
    let body = server.valid_complaint().await;
    let key = uuid::Uuid::new_v4().to_string();
    let (first_status, first) = server.file_with_key(&body, &key).await;
    let (second_status, second) = server.file_with_key(&body, &key).await;
    assert_eq!((first_status, second_status), (StatusCode::CREATED, StatusCode::CREATED));
    assert_eq!(first, second, "the same tracking number, times and access token");
    assert_eq!(server.count("complaints WHERE description = '3栋2单元楼道天花板漏水，已经一周了'"), 1);

    let mut changed = body.clone();
    changed["description"] = json!("换了内容的另一条投诉，描述不同");
    let (status, problem) = server.file_with_key(&changed, &key).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(problem["code"], "idempotency_key_reused");
}

#[tokio::test]
async fn filing_needs_a_uuid_idempotency_key() {
    let server = TestServer::start().await;
    let body = server.valid_complaint().await;
    let response = server.post_json("/api/v1/complaints", &body).await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(response.json::<Value>().await.unwrap()["code"], "idempotency_key_missing");
    let (status, problem) = server.file_with_key(&body, "not-a-uuid").await;
    assert_eq!(status, StatusCode::BAD_REQUEST);
    assert_eq!(problem["code"], "idempotency_key_invalid");
    assert_eq!(server.count("complaints WHERE description = '3栋2单元楼道天花板漏水，已经一周了'"), 0);
}

#[tokio::test]
async fn fifty_concurrent_duplicates_file_once() {
    let server = std::sync::Arc::new(TestServer::start().await);
    let body = server.valid_complaint().await;
    let key = uuid::Uuid::new_v4().to_string();
    let attempts = (0..50).map(|_| {
        let (server, body, key) = (server.clone(), body.clone(), key.clone());
        tokio::spawn(async move { server.file_with_key(&body, &key).await })
    });
    let mut numbers = std::collections::HashSet::new();
    for attempt in attempts {
        let (status, receipt) = attempt.await.unwrap();
        assert_eq!(status, StatusCode::CREATED, "{receipt}");
        numbers.insert(receipt["tracking_number"].as_str().unwrap().to_owned());
    }
    assert_eq!(numbers.len(), 1, "every answer carries the same tracking number");
    assert_eq!(server.count("complaints WHERE description = '3栋2单元楼道天花板漏水，已经一周了'"), 1);
}

#[tokio::test]
async fn the_access_token_opens_its_own_complaint_only() {
    let server = TestServer::start().await;
    let body = server.valid_complaint().await;
    let (number, token) = filed(&server, &body).await;
    let (other_number, other_token) = filed(&server, &body).await;

    let (status, view) = server.get_with(&format!("/api/v1/complaints/{number}"), &token).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(view["tracking_number"], number.as_str());
    assert_eq!(view["available_actions"], json!(["supplement", "withdraw"]));

    // Another complaint's token, a made-up token and a garbled number are all the same miss.
    let misses = [
        server.get_with(&format!("/api/v1/complaints/{number}"), &other_token).await,
        server.get_with(&format!("/api/v1/complaints/{other_number}"), &token).await,
        server.get_with(&format!("/api/v1/complaints/{number}"), &"0".repeat(64)).await,
        server.get_with("/api/v1/complaints/12345", &token).await,
    ];
    for (status, problem) in misses {
        assert_eq!(status, StatusCode::NOT_FOUND, "{problem}");
    }
    let (status, _) = server.post_with(&actions_path(&number), &other_token, &json!({ "action": "withdraw" })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    let response = server.get(&format!("/api/v1/complaints/{number}")).await;
    assert_eq!(response.status(), StatusCode::UNAUTHORIZED);
    assert_eq!(response.headers()["www-authenticate"], "Bearer");
    let stored: Vec<Vec<u8>> = server.with_database(|connection| {
        let mut statement = connection.prepare("SELECT token_hash FROM complaint_access").unwrap();
        statement.query_map([], |row| row.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
    });
    let plain = hex::decode(&token).unwrap();
    assert!(stored.iter().all(|hash| hash.len() == 32 && *hash != plain), "only a hash of the token is stored");
}

#[tokio::test]
async fn a_resident_cannot_do_the_units_work_or_skip_stages() {
    let server = TestServer::start().await;
    let (number, token) = filed(&server, &server.valid_complaint().await).await;
    let attempts = [
        (json!({ "action": "resolve", "note": "我自己修好了" }), StatusCode::FORBIDDEN, "not_permitted"),
        (json!({ "action": "accept" }), StatusCode::FORBIDDEN, "not_permitted"),
        (json!({ "action": "close" }), StatusCode::FORBIDDEN, "not_permitted"),
        (
            json!({ "action": "rate", "rating": { "solved": "yes", "satisfaction": "satisfied" } }),
            StatusCode::CONFLICT,
            "wrong_stage",
        ),
        (json!({ "action": "reopen", "note": "没有解决" }), StatusCode::CONFLICT, "wrong_stage"),
        (json!({ "action": "urge" }), StatusCode::CONFLICT, "not_overdue"),
    ];
    for (body, status, reason) in attempts {
        let (answer, problem) = server.post_with(&actions_path(&number), &token, &body).await;
        assert_eq!(answer, status, "{body}: {problem}");
        assert_eq!(problem["code"], "action_refused");
        assert_eq!(problem["reason"], reason, "{body}");
    }
    let (_, view) = server.get_with(&format!("/api/v1/complaints/{number}"), &token).await;
    assert_eq!(view["status"], "submitted", "state unchanged");
    assert_eq!(view["timeline"].as_array().unwrap().len(), 1);

    // Typed parsing refuses what no resident could mean.
    for body in [
        json!({ "action": "rate", "rating": { "solved": "yes", "satisfaction": 5 } }),
        json!({ "action": "rate", "rating": 3.5 }),
        json!({ "action": "withdraw", "status": "withdrawn" }),
        json!({ "action": "fly" }),
    ] {
        let (status, problem) = server.post_with(&actions_path(&number), &token, &body).await;
        assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY, "{body}: {problem}");
    }
    let (status, problem) = server.post_with(&actions_path(&number), &token, &json!({ "action": "reopen" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), [("note".to_owned(), "required".to_owned())]);
}

#[tokio::test]
async fn a_resident_withdraws_before_acceptance_only() {
    let server = TestServer::start().await;
    let (number, token) = filed(&server, &server.valid_complaint().await).await;
    let (status, view) =
        server.post_with(&actions_path(&number), &token, &json!({ "action": "withdraw", "note": "已经修好了" })).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["status"], "withdrawn");
    assert_eq!(view["available_actions"], json!([]));
    assert_eq!(view["timeline"][1]["kind"], "withdrawn");
    assert_eq!(view["timeline"][1]["note"], "已经修好了");
    let (status, _) = server.post_with(&actions_path(&number), &token, &json!({ "action": "withdraw" })).await;
    assert_eq!(status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn the_full_journey_from_filing_to_reopening() {
    let server = TestServer::start().await;
    let body = server.valid_complaint().await; // 望江锦苑, managed by 蜀锦物业
    let (number, token) = filed(&server, &body).await;
    let unit = server.staff_token("wy-shujin").await;

    let (_, list) = server.get_with("/api/v1/staff/complaints", &unit).await;
    assert!(
        list.as_array().unwrap().iter().any(|c| c["tracking_number"] == number.as_str()),
        "in the unit's work list"
    );

    let steps = [
        (json!({ "action": "accept", "note": "" }), "accepted"),
        (json!({ "action": "add_progress", "note": "已安排维修工上门查看。" }), "in_progress"),
        (json!({ "action": "resolve", "note": "已更换破损的防水层，经雨天检验不再渗漏。" }), "resolved"),
    ];
    for (body, status) in steps {
        let (answer, view) = server.post_with(&staff_actions_path(&number), &unit, &body).await;
        assert_eq!(answer, StatusCode::OK, "{body}: {view}");
        assert_eq!(view["status"], status);
    }

    let (_, view) = server.get_with(&format!("/api/v1/complaints/{number}"), &token).await;
    assert_eq!(view["status"], "resolved");
    assert_eq!(view["available_actions"], json!(["rate", "reopen"]));
    let units: Vec<&str> = view["timeline"].as_array().unwrap().iter().filter_map(|e| e["unit"].as_str()).collect();
    assert_eq!(units, ["蜀锦物业服务有限公司"; 3]);
    assert_eq!(view["sign_deadline"]["overdue"], false);

    let rating =
        json!({ "action": "rate", "note": "还是漏", "rating": { "solved": "no", "satisfaction": "dissatisfied" } });
    let (status, view) = server.post_with(&actions_path(&number), &token, &rating).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["status"], "rated");
    let (status, problem) = server.post_with(&actions_path(&number), &token, &rating).await;
    assert_eq!((status, problem["reason"].as_str()), (StatusCode::CONFLICT, Some("wrong_stage")), "rated twice");

    let reopen = json!({ "action": "reopen", "note": "昨晚下雨又漏了，请再来看看。" });
    let (status, view) = server.post_with(&actions_path(&number), &token, &reopen).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["status"], "in_progress");
    let kinds: Vec<&str> = view["timeline"].as_array().unwrap().iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(kinds, ["filed", "accepted", "progress_note", "resolved", "rated", "reopened"]);
    let rated = &view["timeline"][4];
    assert_eq!(rated["rating"], json!({ "solved": "no", "satisfaction": "dissatisfied" }));
}

#[tokio::test]
async fn reopening_after_the_window_is_refused() {
    let server = TestServer::start_with(|config| config.reopen_window_days = 0).await;
    let (number, token) = filed(&server, &server.valid_complaint().await).await;
    let unit = server.staff_token("wy-shujin").await;
    for body in [json!({ "action": "accept" }), json!({ "action": "resolve", "note": "已处理完毕。" })] {
        assert_eq!(server.post_with(&staff_actions_path(&number), &unit, &body).await.0, StatusCode::OK);
    }
    let (status, problem) =
        server.post_with(&actions_path(&number), &token, &json!({ "action": "reopen", "note": "没修好" })).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["reason"], "window_closed");
}

#[tokio::test]
async fn only_the_handling_unit_sees_who_filed_and_only_its_own_complaints() {
    let server = TestServer::start().await;
    let mut body = server.valid_complaint().await;
    body["name"] = json!("张三丰");
    let (number, token) = filed(&server, &body).await;
    let path = format!("/api/v1/staff/complaints/{number}");
    let reveal = format!("/api/v1/staff/complaints/{number}/contact");

    // The handling unit sees the details masked, and in full only by asking (显示联系方式).
    let handling = server.staff_token("wy-shujin").await;
    let (_, view) = server.get_with(&path, &handling).await;
    assert_eq!((view["phone"].as_str(), view["name"].as_str()), (Some("138****8000"), Some("张*")));
    let (status, contact) = server.post_with(&reveal, &handling, &json!({})).await;
    assert_eq!(status, StatusCode::OK, "{contact}");
    assert_eq!(contact, json!({ "phone": "13800138000", "name": "张三丰" }));

    let (_, view) = server.get_with(&format!("/api/v1/complaints/{number}"), &token).await;
    assert_eq!((view["phone"].as_str(), view["name"].as_str()), (Some("138****8000"), Some("张*")));

    let supervisor = server.staff_token("zjj-supervisor").await;
    let (status, view) = server.get_with(&path, &supervisor).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!((view["phone"].as_str(), view["name"].as_str()), (Some("138****8000"), Some("张*")));
    assert_eq!(server.post_with(&reveal, &supervisor, &json!({})).await.0, StatusCode::FORBIDDEN);

    let other_company = server.staff_token("wy-jinsha").await;
    assert_eq!(server.get_with(&path, &other_company).await.0, StatusCode::NOT_FOUND);
    let (status, _) =
        server.post_with(&staff_actions_path(&number), &other_company, &json!({ "action": "accept" })).await;
    assert_eq!(status, StatusCode::NOT_FOUND);

    // 对物业公司保密: the property company sees neither name nor number.
    body["hide_identity_from_property"] = json!(true);
    let (hidden, _) = filed(&server, &body).await;
    let (_, view) = server.get_with(&format!("/api/v1/staff/complaints/{hidden}"), &handling).await;
    assert_eq!(view["phone"], "");
    assert!(view.get("name").is_none(), "{view}");
    assert!(!view.to_string().contains("13800138000") && !view.to_string().contains("张三"));
    let (status, _) =
        server.post_with(&format!("/api/v1/staff/complaints/{hidden}/contact"), &handling, &json!({})).await;
    assert_eq!(status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_transfer_moves_the_complaint_to_the_street_office() {
    let server = TestServer::start().await;
    let (number, token) = filed(&server, &server.valid_complaint().await).await;
    let company = server.staff_token("wy-shujin").await;
    let (status, problem) = server
        .post_with(&staff_actions_path(&number), &company, &json!({ "action": "transfer", "note": "不属物业" }))
        .await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), [("transfer_to".to_owned(), "required".to_owned())]);

    let transfer =
        json!({ "action": "transfer", "note": "属市政设施，转街道办理。", "transfer_to": "community_office" });
    let (status, view) = server.post_with(&staff_actions_path(&number), &company, &transfer).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["status"], "submitted");
    assert_eq!(view["handler_role"], "community_office");
    assert_eq!(view["handling_unit"], "东湖街道办事处");
    // The company no longer holds it.
    let (status, _) = server.get_with(&format!("/api/v1/staff/complaints/{number}"), &company).await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    let (_, view) = server.get_with(&format!("/api/v1/complaints/{number}"), &token).await;
    assert_eq!(view["timeline"][1]["kind"], "transferred");
}

#[tokio::test]
async fn staff_sign_in_refuses_wrong_passwords_and_unknown_accounts_alike() {
    let server = TestServer::start().await;
    for (username, password) in [("wy-shujin", "wrong"), ("nobody", STAFF_PASSWORD), ("", "")] {
        let response =
            server.post_json("/api/v1/staff/sessions", &json!({ "username": username, "password": password })).await;
        assert_eq!(response.status(), StatusCode::UNAUTHORIZED, "{username}");
        let problem: Value = response.json().await.unwrap();
        assert_eq!(problem["code"], "unauthorized");
    }
    assert_eq!(server.get_with("/api/v1/staff/complaints", "made-up").await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(server.get("/api/v1/staff/complaints").await.status(), StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn urgent_complaints_carry_short_deadlines() {
    let server = TestServer::start().await;
    let body = server.valid_complaint().await; // 漏水渗水: urgent
    let (status, receipt) = server.file(&body).await;
    assert_eq!(status, StatusCode::CREATED);
    let parse = |value: &Value| chrono::DateTime::parse_from_rfc3339(value.as_str().unwrap()).unwrap();
    let filed_at = parse(&receipt["filed_at"]);
    assert_eq!(parse(&receipt["sign_due_at"]) - filed_at, chrono::Duration::hours(2));
    assert_eq!(parse(&receipt["resolve_due_at"]) - filed_at, chrono::Duration::hours(24));

    let tree: Value = server.get("/api/v1/categories").await.json().await.unwrap();
    let leak = &tree[0]["children"][0];
    assert_eq!(leak["sign_within"], json!({ "hours": 2 }));
    let ordinary = &tree[1]["children"][0];
    assert_eq!(ordinary["sign_within"], json!({ "working_days": 1 }));
    assert_eq!(ordinary["resolve_within"], json!({ "hours": 168 }));
}

#[tokio::test]
async fn the_system_closes_resolutions_once_the_reopening_window_has_passed() {
    let server = TestServer::start().await;
    let (number, token) = filed(&server, &server.valid_complaint().await).await;
    let unit = server.staff_token("wy-shujin").await;
    for body in [json!({ "action": "accept" }), json!({ "action": "resolve", "note": "已处理完毕。" })] {
        assert_eq!(server.post_with(&staff_actions_path(&number), &unit, &body).await.0, StatusCode::OK);
    }
    // Still inside the window: nothing is closed.
    server.store.close_settled(chrono::Utc::now()).await.unwrap();
    let (_, view) = server.get_with(&format!("/api/v1/complaints/{number}"), &token).await;
    assert_eq!(view["status"], "resolved");

    let closed = server.store.close_settled(chrono::Utc::now() + chrono::Duration::days(16)).await.unwrap();
    assert!(closed >= 1, "{closed}");
    let (_, view) = server.get_with(&format!("/api/v1/complaints/{number}"), &token).await;
    assert_eq!(view["status"], "closed");
    assert_eq!(view["timeline"].as_array().unwrap().last().unwrap()["kind"], "closed");
    assert_eq!(view["timeline"].as_array().unwrap().last().unwrap()["actor"], "system");
    assert_eq!(view["available_actions"], json!([]));
}

#[tokio::test]
async fn a_reminder_is_allowed_once_the_deadline_has_passed_and_then_once_a_day() {
    let server = TestServer::start_with(|config| config.dev_time_travel = true).await;
    let (number, token) = filed(&server, &server.valid_complaint().await).await;
    let urge = json!({ "action": "urge" });
    let (_, view) = server.get_with(&format!("/api/v1/complaints/{number}"), &token).await;
    assert!(!view["available_actions"].as_array().unwrap().contains(&json!("urge")));
    assert_eq!(view["sign_deadline"]["overdue"], false);

    let advance = |minutes: i64| {
        let server = &server;
        async move {
            let response = server.post_json("/api/v1/dev/clock", &json!({ "minutes": minutes })).await;
            assert_eq!(response.status(), StatusCode::OK);
        }
    };
    // 漏水渗水 is urgent: 2 hours to sign for it.
    advance(3 * 60).await;
    let (_, view) = server.get_with(&format!("/api/v1/complaints/{number}"), &token).await;
    assert_eq!(view["sign_deadline"]["overdue"], true);
    assert!(view["available_actions"].as_array().unwrap().contains(&json!("urge")), "{view}");
    let (status, view) = server.post_with(&actions_path(&number), &token, &urge).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["timeline"].as_array().unwrap().last().unwrap()["kind"], "urged");
    assert!(!view["available_actions"].as_array().unwrap().contains(&json!("urge")));

    let (status, problem) = server.post_with(&actions_path(&number), &token, &urge).await;
    assert_eq!(status, StatusCode::CONFLICT);
    assert_eq!(problem["reason"], "too_soon");

    advance(24 * 60 + 1).await;
    let (status, _) = server.post_with(&actions_path(&number), &token, &urge).await;
    assert_eq!(status, StatusCode::OK);

    // The clock only moves forward, by a whole number of minutes, and refuses anything else.
    for body in [json!({ "minutes": -5 }), json!({ "minutes": "60" }), json!({ "hours": 1 }), json!({ "minutes": 2.5 })]
    {
        let response = server.post_json("/api/v1/dev/clock", &body).await;
        assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "{body}");
    }
}

#[tokio::test]
async fn the_clock_cannot_be_moved_without_the_development_flag() {
    let server = TestServer::start().await;
    let response = server.post_json("/api/v1/dev/clock", &json!({ "minutes": 60 })).await;
    assert_eq!(response.status(), StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_device_asks_about_all_its_complaints_at_once_and_hears_only_of_those_its_tokens_open() {
    let server = TestServer::start().await;
    let (first, first_token) = filed(&server, &server.valid_complaint().await).await;
    let (second, second_token) = filed(&server, &server.valid_complaint().await).await;
    let (other, _) = filed(&server, &server.valid_complaint().await).await;
    let body = json!({ "complaints": [
        { "tracking_number": first, "access_token": first_token },
        { "tracking_number": second, "access_token": second_token },
        // Another complaint with a token that is not its own, and a malformed number: misses.
        { "tracking_number": other, "access_token": first_token },
        { "tracking_number": "12345", "access_token": second_token },
    ]});
    let response = server.post_json("/api/v1/complaints/summaries", &body).await;
    assert_eq!(response.status(), StatusCode::OK);
    let summaries: Value = response.json().await.unwrap();
    let numbers: Vec<&str> =
        summaries.as_array().unwrap().iter().map(|s| s["tracking_number"].as_str().unwrap()).collect();
    assert_eq!(numbers, [first.as_str(), second.as_str()]);
    let summary = &summaries[0];
    assert_eq!(summary["status"], "submitted");
    assert!(summary["updated_at"].is_string() && summary["sign_deadline"]["pending"] == true, "{summary}");
    assert!(summary.get("phone").is_none(), "a summary carries no personal data");

    let too_many: Vec<Value> =
        (0..101).map(|_| json!({ "tracking_number": first, "access_token": first_token })).collect();
    let response = server.post_json("/api/v1/complaints/summaries", &json!({ "complaints": too_many })).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let response =
        server.post_json("/api/v1/complaints/summaries", &json!({ "complaints": [], "phone": "13800138000" })).await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY, "unknown fields are refused");
}
