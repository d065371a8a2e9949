//! Escalation through the real server: each rule fires as the (development) clock moves, never
//! twice; neighbours join (附议) with their own refusals; and the public scorecards equal an
//! independent count over the seeded data and carry nothing personal.

mod common;

use common::{TestServer, field_errors};
use mashang_server::store::Sealed;
use reqwest::StatusCode;
use serde_json::{Value, json};

/// A community and category no demo story uses, so that tests start from a clean slate.
const QUIET_COMMUNITY: &str = "棠湖春晓";
const QUIET_CATEGORY: &str = "绿化养护";

async fn ids(server: &TestServer, community: &str, category: &str) -> (i64, i64) {
    let communities: Value = server.get("/api/v1/communities").await.json().await.unwrap();
    let categories: Value = server.get("/api/v1/categories").await.json().await.unwrap();
    let community = communities.as_array().unwrap().iter().find(|c| c["name"] == community).unwrap()["id"].as_i64();
    let category = categories
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|group| group["children"].as_array().unwrap().iter())
        .find(|c| c["name"]["zh"] == category)
        .unwrap()["id"]
        .as_i64();
    (community.unwrap(), category.unwrap())
}

/// Files in the quiet community; returns (number, access token).
async fn file(server: &TestServer, phone: &str, shared: bool) -> (String, String) {
    let (community, category) = ids(server, QUIET_COMMUNITY, QUIET_CATEGORY).await;
    let body = json!({
        "community_id": community, "category_id": category, "location": "中心花园",
        "description": "中心花园的树好久没修剪，枝条挡住了三楼的窗户", "phone": phone, "consent": true,
        "visible_to_neighbours": shared,
    });
    let (status, receipt) = server.file(&body).await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    (receipt["tracking_number"].as_str().unwrap().to_owned(), receipt["access_token"].as_str().unwrap().to_owned())
}

async fn advance_days(server: &TestServer, days: i64) {
    let response = server.post_json("/api/v1/dev/clock", &json!({ "minutes": days * 24 * 60 })).await;
    assert_eq!(response.status(), StatusCode::OK);
}

async fn show(server: &TestServer, number: &str, token: &str) -> Value {
    server.get_with(&format!("/api/v1/complaints/{number}"), token).await.1
}

fn escalations(view: &Value) -> Vec<(String, String)> {
    view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|event| {
            let detail = event.get("escalation")?;
            Some((event["kind"].as_str()?.to_owned(), detail["reason"].as_str()?.to_owned()))
        })
        .collect()
}

#[tokio::test]
async fn an_ignored_complaint_climbs_the_whole_ladder_and_each_step_happens_once() {
    let server = TestServer::start_with(|config| config.dev_time_travel = true).await;
    let (number, token) = file(&server, "13811112222", false).await;
    assert!(escalations(&show(&server, &number, &token).await).is_empty());

    // Nobody signs: the street office supervises with a new deadline.
    advance_days(&server, 4).await;
    let seen = show(&server, &number, &token).await;
    assert!(escalations(&seen).contains(&("supervised".into(), "sign_overdue".into())), "{seen}");
    let supervisions = |v: &Value| escalations(v).iter().filter(|e| e.1 == "sign_overdue").count();
    let first = supervisions(&seen);
    // Another pass at the same moment does nothing more.
    server.store.run_escalations(chrono::Utc::now() + chrono::Duration::days(4)).await.unwrap();
    assert_eq!(supervisions(&show(&server, &number, &token).await), first);

    let staff = server.staff_token("wy-shujin").await;
    let (status, _) = server
        .post_with(&format!("/api/v1/staff/complaints/{number}/actions"), &staff, &json!({ "action": "accept" }))
        .await;
    assert_eq!(status, StatusCode::OK);

    // Unresolved: yellow, then red (挂牌督办), then the district.
    advance_days(&server, 6).await;
    let seen = show(&server, &number, &token).await;
    assert_eq!(seen["escalation"]["card"], "yellow", "{}", seen["escalation"]);
    advance_days(&server, 8).await;
    let seen = show(&server, &number, &token).await;
    assert_eq!(seen["escalation"]["card"], "red");
    let red = seen["timeline"].as_array().unwrap().iter().find(|e| e["escalation"]["card"] == "red").unwrap();
    assert_eq!(red["unit"], "成都市住房和城乡建设局");
    advance_days(&server, 8).await;
    let seen = show(&server, &number, &token).await;
    assert_eq!(seen["escalation"]["level"], "district_bureau");
    assert!(escalations(&seen).contains(&("escalated".into(), "resolve_overdue".into())));
    let cards =
        |v: &Value| v["timeline"].as_array().unwrap().iter().filter(|e| e["escalation"]["card"].is_string()).count();
    assert_eq!(cards(&seen), 2, "one yellow, one red");
    // Resident summaries carry the card and level too.
    let (_, summaries) = server
        .post_with(
            "/api/v1/complaints/summaries",
            "",
            &json!({ "complaints": [{ "tracking_number": number, "access_token": token }] }),
        )
        .await;
    assert_eq!(summaries[0]["card"], "red");
}

/// A second server's store on the same database file, as a second instance (or a restart) has.
#[tokio::test]
async fn a_warning_comes_once_most_of_the_time_to_sign_has_gone() {
    let server = TestServer::start_with(|config| config.dev_time_travel = true).await;
    let (number, token) = file(&server, "13811114444", false).await;
    let seen = show(&server, &number, &token).await;
    assert_eq!(seen["escalation"]["due_soon"], false);
    let (filed, due) = (&seen["filed_at"], &seen["sign_deadline"]["due_at"]);
    let parse = |v: &Value| chrono::DateTime::parse_from_rfc3339(v.as_str().unwrap()).unwrap();
    let allowed = (parse(due) - parse(filed)).num_minutes();
    // Three quarters of the time allowed: past the 70% warning, before the deadline.
    let response = server.post_json("/api/v1/dev/clock", &json!({ "minutes": allowed * 3 / 4 })).await;
    assert_eq!(response.status(), StatusCode::OK);
    let seen = show(&server, &number, &token).await;
    assert_eq!(seen["escalation"]["due_soon"], true);
    assert_eq!(escalations(&seen), [("due_soon".to_owned(), "sign_due_soon".to_owned())]);
    server.store.run_escalations(parse(due).to_utc() - chrono::Duration::minutes(1)).await.unwrap();
    assert_eq!(escalations(&show(&server, &number, &token).await).len(), 1, "warned once");
}

#[tokio::test]
async fn two_instances_passing_at_once_escalate_once() {
    let server = TestServer::start().await;
    let (number, _) = file(&server, "13811113333", false).await;
    let second = server.another_store().await;
    let later = chrono::Utc::now() + chrono::Duration::days(30);
    let (a, b) = tokio::join!(server.store.run_escalations(later), second.run_escalations(later));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(a + b > 0);
    let sql = format!(
        "complaint_events e JOIN complaints c ON c.id = e.complaint_id
         WHERE c.tracking_number = '{number}' AND e.kind = 'supervised' AND e.detail LIKE '%\"card\":\"yellow\"%'"
    );
    assert_eq!(server.count(&sql), 1, "one yellow card, whoever got there first");
    // And again after a restart: the state is in the database, not in the process.
    drop(second);
    let third = server.another_store().await;
    assert_eq!(third.run_escalations(later).await.unwrap(), 0);
    assert_eq!(server.count(&sql), 1);
}

#[tokio::test]
async fn filings_are_answered_while_a_long_catch_up_pass_runs() {
    // A filing waits for the writer at most the busy timeout and then answers 503 (on PostgreSQL;
    // SQLite queues it): a pass working through thousands of complaints must give the writer
    // back often.
    let server = TestServer::start_with(|config| config.busy_timeout_ms = 1500).await;
    // About a thousand open complaints due for a check, as after a migration or a bulk import: the
    // demo year's, reopened.
    let open = "status IN ('submitted', 'accepted', 'in_progress', 'needs_info')";
    server.with_database(|connection| {
        connection.execute("UPDATE complaints SET status = 'in_progress', next_check_at = NULL", []).expect("made due")
    });
    let due = server.count(&format!("complaints WHERE next_check_at IS NULL AND {open}"));
    let body = server.valid_complaint().await;
    let pass = server.store.run_escalations(chrono::Utc::now());
    let filings = async {
        let mut answers = Vec::new();
        for _ in 0..20 {
            answers.push(server.file(&body).await.0);
            tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        }
        answers
    };
    let (pass, answers) = tokio::join!(pass, filings);
    pass.expect("the pass");
    assert!(answers.iter().all(|status| *status == StatusCode::CREATED), "{answers:?}, {due} complaints due");
    assert_eq!(
        server.count(&format!("complaints WHERE next_check_at IS NULL AND {open}")),
        0,
        "the pass went through all"
    );
}

#[tokio::test]
async fn one_instance_at_a_time_runs_a_scheduled_pass_and_a_dead_holders_lease_runs_out() {
    let server = TestServer::start().await;
    let second = server.another_store().await;
    let (now, lease) = (chrono::Utc::now(), chrono::Duration::minutes(10));
    let pass = "a pass of this test";
    let (a, b) = tokio::join!(server.store.claim_pass(pass, now, lease), second.claim_pass(pass, now, lease));
    let (a, b) = (a.unwrap(), b.unwrap());
    assert!(a ^ b, "exactly one instance takes the lease: {a} {b}");
    let (holder, other) = if a { (&server.store, &second) } else { (&second, &server.store) };
    assert!(!other.claim_pass(pass, now + chrono::Duration::minutes(9), lease).await.unwrap());
    assert!(!holder.claim_pass(pass, now, lease).await.unwrap(), "not even its holder runs it twice at once");
    // Given back: the next tick anywhere runs it.
    holder.release_pass(pass, now + chrono::Duration::seconds(1)).await.unwrap();
    assert!(other.claim_pass(pass, now + chrono::Duration::seconds(2), lease).await.unwrap());
    // Never given back (its instance died): another takes it once it has run out, not before.
    let later = now + chrono::Duration::seconds(2) + lease;
    assert!(!holder.claim_pass(pass, later - chrono::Duration::seconds(1), lease).await.unwrap());
    assert!(holder.claim_pass(pass, later, lease).await.unwrap());
    // Another pass has a lease of its own.
    assert!(other.claim_pass("another pass of this test", later, lease).await.unwrap());
}

#[tokio::test]
async fn neighbours_join_once_each_and_the_fifth_household_raises_the_complaint() {
    let server = TestServer::start_with(|config| config.code_limit_per_minute = 100).await;
    let (number, token) = file(&server, "13822220000", true).await;
    let (community, category) = ids(&server, QUIET_COMMUNITY, QUIET_CATEGORY).await;
    let similar: Value = server
        .get(&format!("/api/v1/communities/{community}/similar?category_id={category}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(similar.as_array().unwrap().iter().any(|c| c["tracking_number"] == number.as_str()));
    let joins = |n: &str| format!("/api/v1/complaints/{n}/joins");

    // No session, or the complaint's access token instead of a verified phone: 401.
    assert_eq!(server.post_with(&joins(&number), "not-a-session", &json!({})).await.0, StatusCode::UNAUTHORIZED);
    assert_eq!(server.post_with(&joins(&number), &token, &json!({})).await.0, StatusCode::UNAUTHORIZED);
    // A wrong code never makes a session.
    server.post_json("/api/v1/auth/codes", &json!({ "phone": "13822220001" })).await;
    let wrong =
        server.post_json("/api/v1/auth/codes/verify", &json!({ "phone": "13822220001", "code": "000000" })).await;
    assert_eq!(wrong.status(), StatusCode::UNAUTHORIZED);

    let filer = server.resident_session("13822220000").await;
    let (status, problem) = server.post_with(&joins(&number), &filer, &json!({})).await;
    assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("own_complaint")));

    let mut view = Value::Null;
    for (index, phone) in ["13822220001", "13822220002", "13822220003", "13822220004"].into_iter().enumerate() {
        let session = server.resident_session(phone).await;
        let (status, joined) = server.post_with(&joins(&number), &session, &json!({})).await;
        assert_eq!(status, StatusCode::OK, "{joined}");
        assert_eq!(joined["escalation"]["joins"], index + 1);
        assert_eq!(joined["escalation"]["viewer_joined"], true);
        assert_eq!(joined["phone"], "", "a neighbour never sees the filer's number");
        if index == 0 {
            let (status, problem) = server.post_with(&joins(&number), &session, &json!({})).await;
            assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("already_joined")));
            // The joiner follows it like their own, and may not withdraw it.
            let (_, mine) = server.get_with("/api/v1/me/complaints", &session).await;
            assert!(mine.as_array().unwrap().iter().any(|c| c["tracking_number"] == number.as_str()));
            let (status, _) = server
                .post_with(&format!("/api/v1/complaints/{number}/actions"), &session, &json!({ "action": "withdraw" }))
                .await;
            assert_eq!(status, StatusCode::FORBIDDEN);
        }
        view = joined;
    }
    let joined = ["13822220001", "13822220002", "13822220003", "13822220004"].map(|phone| server.phone_key(phone));
    let joined = joined.iter().map(|key| format!("'{}'", key.as_str())).collect::<Vec<_>>().join(", ");
    assert_eq!(server.count(&format!("complaint_joins WHERE phone_key IN ({joined})")), 4);
    assert_eq!(view["escalation"]["level"], "street_office", "{}", view["escalation"]);
    assert!(escalations(&view).contains(&("escalated".into(), "group_complaint".into())));
    let (_, own) = server.get_with(&format!("/api/v1/complaints/{number}"), &token).await;
    assert!(escalations(&own).contains(&("escalated".into(), "group_complaint".into())), "the filer sees it too");
}

#[tokio::test]
async fn hidden_and_finished_complaints_cannot_be_joined() {
    let server = TestServer::start().await;
    let (hidden, _) = file(&server, "13833330000", false).await;
    let session = server.resident_session("13833330001").await;
    let (status, problem) = server.post_with(&format!("/api/v1/complaints/{hidden}/joins"), &session, &json!({})).await;
    assert_eq!((status, problem["code"].as_str()), (StatusCode::NOT_FOUND, Some("not_found")));
    let (community, category) = ids(&server, QUIET_COMMUNITY, QUIET_CATEGORY).await;
    let similar: Value = server
        .get(&format!("/api/v1/communities/{community}/similar?category_id={category}"))
        .await
        .json()
        .await
        .unwrap();
    assert!(!similar.as_array().unwrap().iter().any(|c| c["tracking_number"] == hidden.as_str()));

    let (shared, token) = file(&server, "13833330002", true).await;
    let (status, _) = server
        .post_with(&format!("/api/v1/complaints/{shared}/actions"), &token, &json!({ "action": "withdraw" }))
        .await;
    assert_eq!(status, StatusCode::OK);
    let (status, problem) = server.post_with(&format!("/api/v1/complaints/{shared}/joins"), &session, &json!({})).await;
    assert_eq!((status, problem["code"].as_str()), (StatusCode::CONFLICT, Some("complaint_finished")));
    let joiner = server.phone_key("13833330001");
    assert_eq!(server.count(&format!("complaint_joins WHERE phone_key = '{}'", joiner.as_str())), 0);
}

#[tokio::test]
async fn a_second_dissatisfied_rating_schedules_a_joint_meeting_that_the_bureau_records() {
    let server = TestServer::start().await;
    let (number, token) = file(&server, "13844440000", false).await;
    let staff = server.staff_token("wy-shujin").await;
    let bureau = server.staff_token("zjj-supervisor").await;
    let unit = |action: &str| json!({ "action": action, "note": "已处理" });
    let staff_path = format!("/api/v1/staff/complaints/{number}/actions");
    let resident_path = format!("/api/v1/complaints/{number}/actions");
    let dissatisfied = json!({ "action": "rate", "rating": { "solved": "no", "satisfaction": "dissatisfied" } });
    for round in 0..2 {
        if round == 0 {
            assert_eq!(server.post_with(&staff_path, &staff, &json!({ "action": "accept" })).await.0, StatusCode::OK);
        }
        assert_eq!(server.post_with(&staff_path, &staff, &unit("resolve")).await.0, StatusCode::OK);
        let (status, view) = server.post_with(&resident_path, &token, &dissatisfied).await;
        assert_eq!(status, StatusCode::OK);
        if round == 0 {
            assert!(escalations(&view).is_empty(), "the first 不满意 only allows 重新办理");
            let reopen = json!({ "action": "reopen", "note": "没有解决" });
            assert_eq!(server.post_with(&resident_path, &token, &reopen).await.0, StatusCode::OK);
        } else {
            assert_eq!(view["escalation"]["consultation"]["state"], "scheduled", "{}", view["escalation"]);
            assert!(escalations(&view).contains(&("consultation_scheduled".into(), "dissatisfied".into())));
        }
    }
    // Nobody but a supervisor records it; then the resident sees the outcome.
    let record = json!({ "action": "record_consultation", "note": "会商决定：物业一周内更换设备，街道跟踪验收。" });
    assert_eq!(server.post_with(&staff_path, &staff, &record).await.0, StatusCode::FORBIDDEN, "a supervisor's act");
    let (status, view) = server.post_with(&staff_path, &bureau, &record).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["escalation"]["consultation"]["state"], "held");
    let (_, seen) = server.get_with(&format!("/api/v1/complaints/{number}"), &token).await;
    let held = seen["timeline"].as_array().unwrap().iter().find(|e| e["kind"] == "consultation_held").unwrap();
    assert_eq!(held["note"], "会商决定：物业一周内更换设备，街道跟踪验收。");
}

#[tokio::test]
async fn supervisors_act_by_hand_with_checked_deadlines() {
    let server = TestServer::start().await;
    let (number, token) = file(&server, "13855550000", false).await;
    let bureau = server.staff_token("zjj-supervisor").await;
    let path = format!("/api/v1/staff/complaints/{number}/actions");
    let (status, problem) = server.post_with(&path, &bureau, &json!({ "action": "supervise", "note": "请加快" })).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), [("due_at".to_owned(), "required".to_owned())]);
    let past = json!({ "action": "supervise", "note": "请加快", "due_at": "2020-01-01T00:00:00Z" });
    let (status, problem) = server.post_with(&path, &bureau, &past).await;
    assert_eq!(status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&problem), [("due_at".to_owned(), "not_in_future".to_owned())]);
    let due = (chrono::Utc::now() + chrono::Duration::hours(8)).to_rfc3339();
    let (status, view) = server
        .post_with(&path, &bureau, &json!({ "action": "supervise", "note": "请今天内签收", "due_at": due }))
        .await;
    assert_eq!(status, StatusCode::OK, "{view}");
    let (status, view) = server.post_with(&path, &bureau, &json!({ "action": "escalate", "note": "提级办理" })).await;
    assert_eq!(status, StatusCode::OK, "{view}");
    assert_eq!(view["escalation"]["level"], "street_office");
    assert_eq!(view["handler_role"], "community_office");
    // A resident cannot do any of it.
    let (status, _) = server
        .post_with(
            &format!("/api/v1/complaints/{number}/actions"),
            &token,
            &json!({ "action": "escalate", "note": "提级" }),
        )
        .await;
    assert_eq!(status, StatusCode::FORBIDDEN, "not a resident's action");
}

#[tokio::test]
async fn a_repeat_is_linked_both_ways() {
    let server = TestServer::start().await;
    let (earlier, _) = file(&server, "13866660000", false).await;
    let staff = server.staff_token("wy-shujin").await;
    let path = format!("/api/v1/staff/complaints/{earlier}/actions");
    server.post_with(&path, &staff, &json!({ "action": "accept" })).await;
    assert_eq!(
        server.post_with(&path, &staff, &json!({ "action": "resolve", "note": "已修剪" })).await.0,
        StatusCode::OK
    );
    let (later, token) = file(&server, "13866660001", false).await;
    let (_, view) = server.get_with(&format!("/api/v1/complaints/{later}"), &token).await;
    let repeats = view["escalation"]["repeats"].as_array().unwrap();
    assert_eq!(repeats.len(), 1);
    assert_eq!(
        (repeats[0]["tracking_number"].as_str(), repeats[0]["earlier"].as_bool()),
        (Some(earlier.as_str()), Some(true))
    );
    let (_, view) = server.get_with(&format!("/api/v1/staff/complaints/{earlier}"), &staff).await;
    assert_eq!(view["escalation"]["repeats"][0]["tracking_number"], later.as_str());
    assert_eq!(view["escalation"]["repeats"][0]["earlier"], false);
}

/// The counts of one company and quarter, computed from the timeline and the raw rows rather
/// than from the columns the server keeps for scorecards.
fn independent_counts(server: &TestServer, company: i64, start: &str, end: &str) -> Value {
    // Written in the SQL both back ends speak: flags are summed through CASE, and the card is
    // found in the event's JSON detail as the server writes it (compact).
    let sql = "
        WITH counted AS (
            SELECT c.* FROM complaints c
            JOIN communities m ON m.id = c.community_id JOIN categories k ON k.id = c.category_id
            WHERE m.property_company_id = ?1 AND k.kind = 'property' AND c.status <> 'withdrawn'
              AND c.filed_at >= ?2 AND c.filed_at < ?3),
        firsts AS (
            SELECT counted.id,
                   (SELECT MIN(at) FROM complaint_events e WHERE e.complaint_id = counted.id AND e.kind = 'accepted') AS accepted,
                   (SELECT MIN(at) FROM complaint_events e WHERE e.complaint_id = counted.id AND e.kind = 'resolved') AS resolved,
                   (SELECT rating_satisfaction FROM complaint_events e WHERE e.complaint_id = counted.id AND e.kind = 'rated'
                    ORDER BY e.id DESC LIMIT 1) AS satisfaction,
                   EXISTS (SELECT 1 FROM complaint_events e WHERE e.complaint_id = counted.id AND e.kind = 'reopened') AS reopened,
                   EXISTS (SELECT 1 FROM complaint_events e WHERE e.complaint_id = counted.id
                           AND e.detail LIKE '%\"card\":\"yellow\"%') AS yellow,
                   EXISTS (SELECT 1 FROM complaint_events e WHERE e.complaint_id = counted.id
                           AND e.detail LIKE '%\"card\":\"red\"%') AS red
            FROM counted)
        SELECT COUNT(*),
               SUM(CASE WHEN firsts.accepted IS NOT NULL AND firsts.accepted <= counted.first_sign_due_at THEN 1 ELSE 0 END),
               SUM(CASE WHEN firsts.resolved IS NOT NULL THEN 1 ELSE 0 END),
               SUM(CASE WHEN firsts.resolved IS NOT NULL AND NOT firsts.reopened THEN 1 ELSE 0 END),
               SUM(CASE WHEN firsts.resolved IS NOT NULL AND firsts.resolved <= counted.first_resolve_due_at THEN 1 ELSE 0 END),
               SUM(CASE WHEN firsts.satisfaction IS NOT NULL THEN 1 ELSE 0 END),
               SUM(CASE WHEN firsts.satisfaction IN ('satisfied', 'basically_satisfied') THEN 1 ELSE 0 END),
               SUM(CASE WHEN counted.repeat_of IS NOT NULL THEN 1 ELSE 0 END),
               SUM(CASE WHEN firsts.yellow THEN 1 ELSE 0 END), SUM(CASE WHEN firsts.red THEN 1 ELSE 0 END)
        FROM counted JOIN firsts ON firsts.id = counted.id";
    server.with_database(|connection| {
        connection
            .query_row(sql, rusqlite::params![company, start, end], |row| {
                let n = |i: usize| -> Result<i64, _> {
                    Ok::<_, mashang_server::store::db::Error>(row.get::<_, Option<i64>>(i)?.unwrap_or(0))
                };
                Ok(json!({
                    "complaints": n(0)?, "signed_on_time": n(1)?, "resolved": n(2)?, "resolved_without_reopen": n(3)?,
                    "resolved_on_time": n(4)?, "rated": n(5)?, "satisfied": n(6)?, "repeats": n(7)?,
                    "yellow_cards": n(8)?, "red_cards": n(9)?,
                }))
            })
            .unwrap()
    })
}

#[tokio::test]
async fn scorecards_equal_an_independent_count_of_the_seed_and_grade_most_companies() {
    let server = TestServer::start().await;
    let ranking: Value = server.get("/api/v1/scorecards?period=2026Q3").await.json().await.unwrap();
    let all: Vec<&Value> = ["ranked", "unranked", "without_complaints"]
        .iter()
        .flat_map(|list| ranking[list].as_array().unwrap().iter())
        .collect();
    assert!(all.len() >= 6, "{ranking}");
    assert!(ranking["ranked"].as_array().unwrap().len() >= 4, "most companies get a grade");
    assert!(ranking["unranked"].as_array().unwrap().iter().any(|c| c["name"] == "蓉新物业服务有限公司"), "样本不足");
    let grades: std::collections::BTreeSet<String> =
        ranking["ranked"].as_array().unwrap().iter().map(|c| c["score"]["grade"].to_string()).collect();
    assert!(grades.len() >= 2, "the companies differ: {grades:?}");

    for period in ["2026Q3", "2026Q2"] {
        let quarter = mashang_model::scorecard::Period::parse(period).unwrap();
        let (start, end) = (quarter.start(), quarter.end());
        // rusqlite stores times as "YYYY-MM-DD HH:MM:SS[.f]+00:00"; compare in the same form.
        let text = |t: chrono::DateTime<chrono::Utc>| t.format("%F %T%:z").to_string();
        for company in &all {
            let id = company["id"].as_i64().unwrap();
            let card: Value =
                server.get(&format!("/api/v1/scorecards/companies/{id}?period={period}")).await.json().await.unwrap();
            let counts = &card["current"]["counts"];
            let expected = independent_counts(&server, id, &text(start), &text(end));
            for (key, value) in expected.as_object().unwrap() {
                assert_eq!(&counts[key], value, "{key} of company {id} in {period}");
            }
        }
    }
}

#[tokio::test]
async fn scorecard_requests_are_checked_and_answers_are_cacheable() {
    let server = TestServer::start().await;
    assert_eq!(server.get("/api/v1/scorecards/companies/999999").await.status(), StatusCode::NOT_FOUND);
    for past_i64 in [
        "/api/v1/scorecards/companies/9223372036854775808",
        "/api/v1/communities/9223372036854775808/similar?category_id=1",
    ] {
        let response = server.get(past_i64).await;
        assert_eq!(response.status(), StatusCode::NOT_FOUND, "{past_i64}");
        assert_eq!(response.headers()["content-type"], "application/problem+json");
    }
    let response = server.get("/api/v1/communities/1/similar?category_id=9223372036854775808").await;
    assert_eq!(response.status(), StatusCode::BAD_REQUEST);
    assert_eq!(response.headers()["content-type"], "application/problem+json");
    assert_eq!(server.get("/api/v1/scorecards?district=不存在区").await.status(), StatusCode::NOT_FOUND);
    let response = server.get("/api/v1/scorecards?quarter=2026Q9").await;
    assert_eq!(response.status(), StatusCode::UNPROCESSABLE_ENTITY);
    let problem: Value = response.json().await.unwrap();
    assert_eq!(field_errors(&problem), [("period".to_owned(), "invalid_period".to_owned())]);
    let response = server.get("/api/v1/scorecards/companies/1?period=2030Q1").await;
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(response.headers()["cache-control"], "public, max-age=60");
    let future: Value = response.json().await.unwrap();
    assert_eq!(future["current"]["period"], "2030Q1");
    assert_eq!(future["current"]["counts"]["complaints"], 0);
}

#[tokio::test]
async fn no_public_answer_carries_a_name_a_phone_or_a_photo() {
    let server = TestServer::start().await;
    // Every filer's number and name, opened with the server's key, and every photo's id.
    let personal = server.personal_data();
    let (sealed, mut secrets, pairs) = server.with_database(|connection| {
        let sealed: Vec<(Vec<u8>, Option<Vec<u8>>)> = connection
            .prepare("SELECT phone_sealed, contact_name_sealed FROM complaints")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let photos: Vec<String> = connection
            .prepare("SELECT id FROM photos")
            .unwrap()
            .query_map([], |row| row.get(0))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        let pairs: Vec<(i64, i64, i64)> = connection
            .prepare(
                "SELECT DISTINCT c.community_id, c.category_id, m.property_company_id FROM complaints c
                  JOIN communities m ON m.id = c.community_id",
            )
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        (sealed, photos, pairs)
    });
    for (phone, name) in sealed {
        secrets.push(personal.open(Sealed::Phone, &phone).unwrap());
        secrets.extend(name.map(|name| personal.open(Sealed::Name, &name).unwrap()));
    }
    assert!(secrets.len() > 100);
    let mut answers = Vec::new();
    for period in ["2026Q4", "2026Q3", "2026-11"] {
        answers.push(server.get(&format!("/api/v1/scorecards?period={period}")).await.text().await.unwrap());
    }
    for (community, category, company) in pairs {
        answers.push(
            server
                .get(&format!("/api/v1/communities/{community}/similar?category_id={category}"))
                .await
                .text()
                .await
                .unwrap(),
        );
        answers.push(server.get(&format!("/api/v1/scorecards/communities/{community}")).await.text().await.unwrap());
        answers.push(server.get(&format!("/api/v1/scorecards/companies/{company}")).await.text().await.unwrap());
    }
    for answer in &answers {
        for secret in &secrets {
            assert!(!answer.contains(secret.as_str()), "{secret} leaked in {answer}");
        }
    }
}
