//! 短信通知: residents who asked are texted when their complaint moves, through an SMS gateway
//! that fails, loses answers and is restarted, with a second sender working the same outbox;
//! every text arrives once, none carries the description, and nobody who said no gets one.

mod common;

use axum::extract::State;
use axum::http::{HeaderMap, StatusCode as GatewayStatus};
use axum::routing::post;
use common::TestServer;
use reqwest::StatusCode;
use serde_json::{Value, json};
use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex};

const GATEWAY_TOKEN: &str = "test-gateway-token";
const PUBLIC_URL: &str = "https://mashang.example.gov.cn/";

/// What a gateway with a durable store of its own would keep: the texts it passed on to phones,
/// by key, and how often a key it already had came again.
#[derive(Default)]
struct Gateway {
    handset: Vec<(String, String, String)>,
    keys: HashSet<String>,
    requests: u32,
    repeats: u32,
    /// Numbers the gateway refuses for good (a number it cannot reach).
    unreachable: HashSet<String>,
}

type Shared = Arc<Mutex<Gateway>>;

/// Every fourth request fails before anything is done; every fifth is passed on to the phone but
/// its answer is lost (a 502 from a proxy in between), so the sender tries again under the key.
async fn gateway_send(State(gateway): State<Shared>, headers: HeaderMap, body: axum::Json<Value>) -> GatewayStatus {
    if headers.get("authorization").and_then(|v| v.to_str().ok()) != Some(&format!("Bearer {GATEWAY_TOKEN}")) {
        return GatewayStatus::UNAUTHORIZED;
    }
    let (key, to, text) = (body["key"].as_str(), body["to"].as_str(), body["text"].as_str());
    let (Some(key), Some(to), Some(text)) = (key, to, text) else { return GatewayStatus::BAD_REQUEST };
    assert_eq!(headers.get("idempotency-key").and_then(|v| v.to_str().ok()), Some(key), "the header and body agree");
    let mut gateway = gateway.lock().unwrap();
    gateway.requests += 1;
    let n = gateway.requests;
    if gateway.unreachable.contains(to) {
        return GatewayStatus::UNPROCESSABLE_ENTITY;
    }
    if n % 4 == 0 {
        return GatewayStatus::SERVICE_UNAVAILABLE;
    }
    if !gateway.keys.insert(key.to_owned()) {
        gateway.repeats += 1;
        return GatewayStatus::OK;
    }
    gateway.handset.push((key.to_owned(), to.to_owned(), text.to_owned()));
    if n % 5 == 0 { GatewayStatus::BAD_GATEWAY } else { GatewayStatus::OK }
}

/// Serves the gateway on `listener` until `stop` fires.
fn serve_gateway(
    listener: tokio::net::TcpListener,
    gateway: Shared,
) -> (tokio::sync::oneshot::Sender<()>, tokio::task::JoinHandle<()>) {
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let app = axum::Router::new().route("/send", post(gateway_send)).with_state(gateway);
    let task = tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async {
                let _ = stopped.await;
            })
            .await;
    });
    (stop, task)
}

async fn server_with_gateway(port: u16) -> TestServer {
    TestServer::start_with(|config| {
        config.sms_gateway_url = Some(format!("http://127.0.0.1:{port}/send"));
        config.sms_gateway_token = Some(GATEWAY_TOKEN.to_owned());
        config.public_url = Some(PUBLIC_URL.to_owned());
        config.dev_time_travel = true;
        config.code_limit_per_minute = 100;
        config.text_interval_ms = 50;
        // Eight filings about one problem would otherwise be raised a level as a group.
        config.group_households = 100;
        config.repeat_escalates_at = 100;
    })
    .await
}

/// Files a complaint neighbours may join; returns (number, access token).
async fn file(server: &TestServer, phone: &str, description: &str, texts: bool) -> (String, String) {
    let mut body = server.valid_complaint().await;
    body["phone"] = json!(phone);
    body["description"] = json!(description);
    body["texts"] = json!(texts);
    body["visible_to_neighbours"] = json!(true);
    let (status, receipt) = server.file(&body).await;
    assert_eq!(status, StatusCode::CREATED, "{receipt}");
    (receipt["tracking_number"].as_str().unwrap().to_owned(), receipt["access_token"].as_str().unwrap().to_owned())
}

async fn staff_act(server: &TestServer, unit: &str, number: &str, action: Value) {
    let (status, body) = server.post_with(&format!("/api/v1/staff/complaints/{number}/actions"), unit, &action).await;
    assert_eq!(status, StatusCode::OK, "{action} on {number}: {body}");
}

async fn choose_texts(server: &TestServer, number: &str, token: &str, enabled: bool) -> (StatusCode, Value) {
    let response = server
        .client
        .put(server.url(&format!("/api/v1/complaints/{number}/texts")))
        .bearer_auth(token)
        .json(&json!({ "enabled": enabled }))
        .send()
        .await
        .unwrap();
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

/// A second instance (or the same one after a restart) working the same outbox, with a clock of
/// its own and the same gateway.
async fn another_sender(server: &TestServer, port: u16) -> mashang_server::notify::Sender {
    let store = server.another_store().await;
    let gateway = mashang_server::notify::SmsGateway::new(
        format!("http://127.0.0.1:{port}/send"),
        Some(GATEWAY_TOKEN.to_owned()),
    );
    mashang_server::notify::Sender {
        store,
        clock: mashang_server::clock::Clock::travelling(),
        notifier: Arc::new(gateway.unwrap()),
        public_url: PUBLIC_URL.into(),
    }
}

#[tokio::test]
async fn every_text_reaches_its_phone_once_through_a_failing_restarted_gateway_and_two_senders() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let gateway: Shared = Arc::default();
    let (stop_gateway, gateway_task) = serve_gateway(listener, gateway.clone());
    let server = server_with_gateway(port).await;
    let unit = server.staff_token("wy-shujin").await;

    // Eight filers, every other one asking for texts; a neighbour joins the first three and two
    // of them ask for texts too.
    let mut filed = Vec::new();
    for i in 0..8 {
        let phone = format!("1390000{:04}", 1000 + i);
        let description = format!("第{i}号楼的单元门禁坏了，外人随便进出，请尽快修理。");
        let (number, token) = file(&server, &phone, &description, i % 2 == 0).await;
        filed.push((number, token, phone, description, i % 2 == 0));
    }
    let neighbour_phone = "13700005555";
    let neighbour = server.resident_session(neighbour_phone).await;
    for (index, (number, ..)) in filed.iter().take(3).enumerate() {
        let (status, view) =
            server.post_with(&format!("/api/v1/complaints/{number}/joins"), &neighbour, &json!({})).await;
        assert_eq!(status, StatusCode::OK, "{view}");
        assert_eq!(view["texts"], false, "a neighbour who joins hears nothing until they ask");
        if index < 2 {
            let (status, view) = choose_texts(&server, number, &neighbour, true).await;
            assert_eq!((status, &view["texts"]), (StatusCode::OK, &json!(true)), "{view}");
        }
    }

    // A second sender on another store of the same database works the outbox alongside the
    // server's own.
    let second = another_sender(&server, port).await;
    let (second_stop, mut second_stopped) = tokio::sync::oneshot::channel::<()>();
    let second_clock = second.clock.clone();
    let second_task = tokio::spawn(async move {
        loop {
            second.send_due().await;
            tokio::select! {
                _ = &mut second_stopped => return,
                () = tokio::time::sleep(std::time::Duration::from_millis(70)) => {}
            }
        }
    });

    // 签收 all; ask the first four for more; the gateway goes away for a while and comes back;
    // the four supply it; all are resolved.
    for (number, ..) in &filed {
        staff_act(&server, &unit, number, json!({ "action": "accept" })).await;
    }
    for (number, ..) in filed.iter().take(4) {
        staff_act(&server, &unit, number, json!({ "action": "request_info", "note": "请拍一张门禁的照片。" })).await;
    }
    stop_gateway.send(()).unwrap();
    gateway_task.await.unwrap();
    tokio::time::sleep(std::time::Duration::from_millis(600)).await;
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port)).await.unwrap();
    let (stop_gateway, gateway_task) = serve_gateway(listener, gateway.clone());
    for (number, token, ..) in filed.iter().take(4) {
        let (status, body) = server
            .post_with(
                &format!("/api/v1/complaints/{number}/actions"),
                token,
                &json!({ "action": "supplement", "note": "照片已经拍好了。" }),
            )
            .await;
        assert_eq!(status, StatusCode::OK, "{body}");
    }
    for (number, ..) in &filed {
        staff_act(&server, &unit, number, json!({ "action": "resolve", "note": "已更换门禁控制器，测试正常。" })).await;
    }

    // Retries wait 15 s, then longer: the clocks move on instead of the test waiting.
    for _ in 0..400 {
        if server.store.texts_waiting().await.unwrap() == 0 {
            break;
        }
        let response = server.post_json("/api/v1/dev/clock", &json!({ "minutes": 2 })).await;
        assert_eq!(response.status(), StatusCode::OK);
        second_clock.advance(chrono::Duration::minutes(2));
        tokio::time::sleep(std::time::Duration::from_millis(60)).await;
    }
    assert_eq!(server.store.texts_waiting().await.unwrap(), 0, "every text was sent");
    second_stop.send(()).unwrap();
    second_task.await.unwrap();
    stop_gateway.send(()).unwrap();
    gateway_task.await.unwrap();

    let gateway = gateway.lock().unwrap();
    assert!(gateway.repeats > 0, "answers were lost, so some texts were tried again under their key");
    let mut per_phone: HashMap<&str, Vec<&str>> = HashMap::new();
    for (_, to, text) in &gateway.handset {
        per_phone.entry(to.as_str()).or_default().push(text.as_str());
        assert!(text.contains(PUBLIC_URL), "{text}");
    }
    let stages = |texts: &[&str], number: &str| -> Vec<String> {
        let grouped = format!("{} {} {}", &number[..6], &number[6..10], &number[10..]);
        texts.iter().filter(|t| t.contains(&grouped)).map(|t| t.split('）').nth(1).unwrap_or("").to_owned()).collect()
    };
    for (index, (number, _, phone, description, texts)) in filed.iter().enumerate() {
        let received = per_phone.get(phone.as_str()).cloned().unwrap_or_default();
        assert!(received.iter().all(|t| !t.contains(description.as_str()) && !t.contains("门禁")), "{received:?}");
        let stages = stages(&received, number);
        let expected: &[&str] = match (*texts, index < 4) {
            (false, _) => &[],
            (true, true) => &[
                "已被办理单位签收，正在处理。查看进度：",
                "需要您补充信息，请打开链接补充。查看进度：",
                "已办结，请查看结果并评价。查看进度：",
            ],
            (true, false) => &["已被办理单位签收，正在处理。查看进度：", "已办结，请查看结果并评价。查看进度："],
        };
        let stages: Vec<String> = stages.iter().map(|s| s.split("http").next().unwrap_or("").to_owned()).collect();
        assert_eq!(stages, expected, "texts to the filer of {number}, each once and in order");
    }
    // The neighbour: the two complaints they asked texts for, from the moment they asked.
    let neighbour_texts = per_phone.get(neighbour_phone).cloned().unwrap_or_default();
    for (index, (number, ..)) in filed.iter().take(3).enumerate() {
        let count = stages(&neighbour_texts, number).len();
        assert_eq!(count, if index < 2 { 3 } else { 0 }, "texts to the neighbour about {number}: {neighbour_texts:?}");
    }
    assert!(neighbour_texts.iter().all(|t| t.starts_with("【马上办】您附议的问题")));
    // Each text on a phone once: no (phone, text) pair twice.
    let unique: HashSet<(&str, &str)> =
        gateway.handset.iter().map(|(_, to, text)| (to.as_str(), text.as_str())).collect();
    assert_eq!(unique.len(), gateway.handset.len(), "a text arrived twice");
    assert_eq!(gateway.handset.len() as i64, server.count("text_outbox WHERE sent_at IS NOT NULL"));
}

#[tokio::test]
async fn the_choice_of_texts_belongs_to_the_filer_and_the_neighbours_who_joined() {
    let server = TestServer::start_with(|config| config.code_limit_per_minute = 100).await;
    let (number, token) = file(&server, "13911112222", "楼下的路灯坏了一个月了，晚上很黑。", false).await;
    let view = server.get_with(&format!("/api/v1/complaints/{number}"), &token).await.1;
    assert_eq!(view["texts"], false);

    let (status, view) = choose_texts(&server, &number, &token, true).await;
    assert_eq!((status, &view["texts"]), (StatusCode::OK, &json!(true)));
    let staff = server.staff_token("wy-shujin").await;
    let staff_view = server.get_with(&format!("/api/v1/staff/complaints/{number}"), &staff).await.1;
    assert!(staff_view.get("texts").is_none(), "staff are not told who asked for texts: {staff_view}");
    staff_act(&server, &staff, &number, json!({ "action": "accept" })).await;
    let queued =
        format!("text_outbox o JOIN complaints c ON c.id = o.complaint_id WHERE c.tracking_number = '{number}'");
    assert_eq!(server.count(&queued), 1);

    // Staff cannot choose for a resident; a stranger's session and a wrong token find nothing;
    // a body that is not a choice is refused and changes nothing.
    assert_eq!(choose_texts(&server, &number, &staff, false).await.0, StatusCode::NOT_FOUND);
    let stranger = server.resident_session("13633334444").await;
    assert_eq!(choose_texts(&server, &number, &stranger, false).await.0, StatusCode::NOT_FOUND);
    assert_eq!(choose_texts(&server, &number, "not-a-token", false).await.0, StatusCode::NOT_FOUND);
    for bad in [json!({ "enabled": "yes" }), json!({}), json!({ "enabled": null }), json!("on")] {
        let response = server
            .client
            .put(server.url(&format!("/api/v1/complaints/{number}/texts")))
            .bearer_auth(&token)
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert!(response.status().is_client_error(), "{bad}: {}", response.status());
        let problem: Value = response.json().await.unwrap();
        assert!(problem["title"].as_str().is_some_and(|t| !t.is_empty()), "{problem}");
    }
    let form = server
        .client
        .put(server.url(&format!("/api/v1/complaints/{number}/texts")))
        .bearer_auth(&token)
        .header("content-type", "application/x-www-form-urlencoded")
        .body("enabled=false")
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::UNSUPPORTED_MEDIA_TYPE);
    let (status, _) = server.post_with(&format!("/api/v1/complaints/{number}/texts"), &token, &json!({})).await;
    assert_eq!(status, StatusCode::METHOD_NOT_ALLOWED);
    let view = server.get_with(&format!("/api/v1/complaints/{number}"), &token).await.1;
    assert_eq!(view["texts"], true, "nothing refused changed the choice");

    // Turned off, the next step sends nothing.
    assert_eq!(choose_texts(&server, &number, &token, false).await.1["texts"], false);
    staff_act(&server, &staff, &number, json!({ "action": "resolve", "note": "已修好。" })).await;
    assert_eq!(server.count(&queued), 1);

    // The texts sent through the log sender, as the browser tests read them: stage and link.
    for _ in 0..50 {
        if server.store.texts_waiting().await.unwrap() == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let texts = server.dev_texts("13911112222").await;
    assert_eq!(texts.len(), 1, "{texts:?}");
    let text = texts[0]["text"].as_str().unwrap();
    assert!(text.contains("已被办理单位签收") && text.contains(&format!("/complaints/{number}")), "{text}");
    assert!(!text.contains("路灯"), "{text}");
}

#[tokio::test]
async fn a_number_the_gateway_cannot_reach_is_given_up_after_one_attempt() {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = listener.local_addr().unwrap().port();
    let gateway: Shared = Arc::default();
    gateway.lock().unwrap().unreachable.insert("13944445555".to_owned());
    let (stop_gateway, gateway_task) = serve_gateway(listener, gateway.clone());
    let server = server_with_gateway(port).await;
    let (number, _) = file(&server, "13944445555", "电梯按钮失灵，老人上下楼很困难。", true).await;
    let unit = server.staff_token("wy-shujin").await;
    staff_act(&server, &unit, &number, json!({ "action": "accept" })).await;
    for _ in 0..50 {
        if server.store.texts_waiting().await.unwrap() == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    assert_eq!(
        server.count("text_outbox WHERE given_up_at IS NOT NULL AND attempts = 1 AND last_error LIKE '422%'"),
        1
    );
    assert!(gateway.lock().unwrap().handset.is_empty());
    stop_gateway.send(()).unwrap();
    gateway_task.await.unwrap();
}

#[tokio::test]
async fn escalation_reaches_the_filer_by_text_once_per_step() {
    let server = TestServer::start_with(|config| config.dev_time_travel = true).await;
    let phone = "13955556666";
    let (number, token) = file(&server, phone, "小区水泵房一直漏水，地下室积水很深。", true).await;
    let advance = |days: i64| {
        let server = &server;
        async move {
            let response = server.post_json("/api/v1/dev/clock", &json!({ "minutes": days * 24 * 60 })).await;
            assert_eq!(response.status(), StatusCode::OK);
        }
    };
    // Nobody signs: 督办; signed; left unresolved: a yellow card, a red one (挂牌督办), then 提级.
    advance(4).await;
    let unit = server.staff_token("wy-shujin").await;
    staff_act(&server, &unit, &number, json!({ "action": "accept" })).await;
    for days in [6, 8, 8] {
        advance(days).await;
    }
    for _ in 0..50 {
        if server.store.texts_waiting().await.unwrap() == 0 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    let sent: Value = server.get(&format!("/api/v1/dev/texts/{phone}")).await.json().await.unwrap();
    let stages: Vec<&str> = sent["texts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["text"].as_str().unwrap().split('）').nth(1).unwrap().split('。').next().unwrap())
        .collect();
    // One text per texted step of the timeline, in its order, saying that step.
    let view = server.get_with(&format!("/api/v1/complaints/{number}"), &token).await.1;
    let expected: Vec<&str> = view["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|event| match event["kind"].as_str().unwrap() {
            "accepted" => Some("已被办理单位签收，正在处理"),
            "supervised" => Some("已被上级督办，限期办理"),
            "escalated" => Some("已提级办理"),
            _ => None,
        })
        .collect();
    assert_eq!(stages, expected, "{sent}");
    for step in ["已被上级督办，限期办理", "已被办理单位签收，正在处理", "已提级办理"] {
        assert!(stages.contains(&step), "{step} was texted: {sent}");
    }
}
