//! Open311 GeoReport v2: the documents have the spec's shape, a partner with an `api_key` files,
//! every bad request gets the spec's error document and stores nothing, and no answer carries a
//! name or a phone number of any complaint.

mod common;

use common::{OPEN311_KEY, TestServer};
use reqwest::StatusCode;
use serde_json::Value;

/// The keys of the spec's example documents (wiki.open311.org/GeoReport_v2).
const SERVICE_KEYS: [&str; 7] =
    ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"];
const ATTRIBUTE_KEYS: [&str; 7] =
    ["variable", "code", "datatype", "required", "datatype_description", "order", "description"];
const REQUEST_KEYS: [&str; 17] = [
    "service_request_id",
    "status",
    "status_notes",
    "service_name",
    "service_code",
    "description",
    "agency_responsible",
    "service_notice",
    "requested_datetime",
    "updated_datetime",
    "expected_datetime",
    "address",
    "address_id",
    "zipcode",
    "lat",
    "long",
    "media_url",
];

async fn get(server: &TestServer, path: &str) -> (StatusCode, Value) {
    let response = server.get(&format!("/open311/v2/{path}")).await;
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

async fn post(server: &TestServer, form: &[(&str, &str)]) -> (StatusCode, Value) {
    let response =
        server.client.post(server.url("/open311/v2/requests.json")).form(form).send().await.expect("answered");
    let status = response.status();
    (status, response.json().await.unwrap_or(Value::Null))
}

fn has_keys(document: &Value, keys: &[&str]) {
    for key in keys {
        assert!(document.get(key).is_some(), "{key} missing from {document}");
    }
}

/// The spec's error document: a list of one `{code, description}` whose code is the status.
fn is_error(status: StatusCode, body: &Value, code: u16) {
    assert_eq!(status.as_u16(), code, "{body}");
    assert_eq!(body[0]["code"], code, "{body}");
    assert!(body[0]["description"].as_str().is_some_and(|text| !text.is_empty()), "{body}");
}

/// A service (our 电梯故障) and a community to file in.
async fn service_and_community(server: &TestServer) -> (String, String) {
    let (_, services) = get(server, "services.json").await;
    let lift = services.as_array().unwrap().iter().find(|s| s["service_name"] == "电梯故障").expect("电梯故障");
    let code = lift["service_code"].as_str().unwrap().to_owned();
    let (_, definition) = get(server, &format!("services/{code}.json")).await;
    let community = definition["attributes"][0]["values"][0]["key"].as_str().unwrap().to_owned();
    (code, community)
}

#[tokio::test]
async fn services_and_their_definitions_have_the_spec_shape() {
    let server = TestServer::start().await;
    let (status, services) = get(&server, "services.json").await;
    assert_eq!(status, StatusCode::OK);
    let services = services.as_array().expect("a list");
    assert!(services.len() > 20, "every specific category is a service");
    for service in services {
        has_keys(service, &SERVICE_KEYS);
        assert_eq!((service["type"].as_str(), service["metadata"].as_bool()), (Some("realtime"), Some(true)));
    }
    let response = server.get("/open311/v2/services.json").await;
    assert_eq!(response.headers()["access-control-allow-origin"], "*", "open data, readable from any site");
    let response = server
        .client
        .get(server.url("/open311/v2/requests.json"))
        .header("accept-encoding", "br")
        .send()
        .await
        .unwrap();
    assert_eq!(response.headers()["content-encoding"], "br", "a long list is compressed for those who accept it");

    let code = services[0]["service_code"].as_str().unwrap();
    let (status, definition) = get(&server, &format!("services/{code}.json")).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(definition["service_code"], code);
    let attributes = definition["attributes"].as_array().unwrap();
    attributes.iter().for_each(|attribute| has_keys(attribute, &ATTRIBUTE_KEYS));
    assert_eq!((attributes[0]["code"].as_str(), attributes[0]["required"].as_bool()), (Some("community"), Some(true)));
    assert_eq!(attributes[0]["datatype"], "singlevaluelist");
    assert_eq!(attributes[0]["values"].as_array().map(Vec::len), Some(17), "every demo community");

    let (status, body) = get(&server, "services/999999.json").await;
    is_error(status, &body, 404);
    let (status, body) = get(&server, "services.xml").await;
    is_error(status, &body, 404);
}

#[tokio::test]
async fn a_partner_files_and_anyone_follows_the_request() {
    let server = TestServer::start().await;
    let (code, community) = service_and_community(&server).await;
    let (status, created) = post(
        &server,
        &[
            ("api_key", OPEN311_KEY),
            ("service_code", &code),
            ("attribute[community]", &community),
            ("attribute[location]", "5栋2单元电梯"),
            ("description", "5栋电梯停在半层，按钮没有反应"),
            ("first_name", "秀兰"),
            ("last_name", "欧阳"),
            ("phone", "13800138000"),
        ],
    )
    .await;
    assert_eq!(status, StatusCode::OK, "{created}");
    let number = created[0]["service_request_id"].as_str().expect("a request id").to_owned();
    has_keys(&created[0], &["service_request_id", "service_notice", "account_id"]);

    let (status, found) = get(&server, &format!("requests/{number}.json")).await;
    assert_eq!(status, StatusCode::OK);
    let found = &found[0];
    has_keys(found, &REQUEST_KEYS);
    assert_eq!((found["status"].as_str(), found["service_code"].as_str()), (Some("open"), Some(code.as_str())));
    assert_eq!(found["extended_attributes"]["stage"], "submitted");
    assert!(found["status_notes"].as_str().unwrap().contains("submitted"));
    // A lift is a shared area: its filer's neighbours may see it, so the description is public.
    assert_eq!(found["description"], "5栋电梯停在半层，按钮没有反应");
    let text = found.to_string();
    assert!(!text.contains("13800138000") && !text.contains("欧阳") && !text.contains("5栋2单元"), "{text}");

    // The resident follows it in the app with the number and their phone.
    let (status, view) = server.lookup(&number, "13800138000").await;
    assert_eq!((status, view["name"].as_str()), (StatusCode::OK, Some("欧*")));

    let (_, listed) = get(&server, &format!("requests.json?service_request_id={number}")).await;
    assert_eq!(listed.as_array().map(Vec::len), Some(1));
    let (_, open) = get(&server, &format!("requests.json?service_code={code}&status=open")).await;
    assert!(open.as_array().unwrap().iter().any(|request| request["service_request_id"] == number.as_str()));
    let (_, closed) = get(&server, "requests.json?status=closed").await;
    assert!(closed.as_array().unwrap().iter().all(|request| request["status"] == "closed"));
    let (status, token) = get(&server, &format!("tokens/{number}.json")).await;
    assert_eq!((status, token[0]["service_request_id"].as_str()), (StatusCode::OK, Some(number.as_str())));

    let (status, updates) = get(&server, "servicerequestupdates.json").await;
    assert_eq!(status, StatusCode::OK);
    let filed =
        updates.as_array().unwrap().iter().find(|u| u["service_request_id"] == number.as_str()).expect("its step");
    has_keys(filed, &["update_id", "service_request_id", "status", "updated_datetime", "description", "media_url"]);

    let (status, body) = get(&server, "requests/26010100000000.json").await;
    is_error(status, &body, 404);
    let (status, body) = get(&server, "requests.json?start_date=yesterday").await;
    is_error(status, &body, 400);
}

#[tokio::test]
async fn a_bad_post_gets_the_error_document_and_stores_nothing() {
    let server = TestServer::start().await;
    let (code, community) = service_and_community(&server).await;
    let complaints = server.count("complaints");
    let good = [
        ("api_key", OPEN311_KEY),
        ("service_code", code.as_str()),
        ("attribute[community]", community.as_str()),
        ("description", "垃圾站三天没有清运，气味很大"),
        ("phone", "13800138000"),
    ];
    let without = |name: &str| good.iter().filter(|(key, _)| *key != name).copied().collect::<Vec<_>>();
    let with = |name: &str, value: &'static str| {
        good.iter().map(|&(key, old)| if key == name { (key, value) } else { (key, old) }).collect::<Vec<_>>()
    };

    let (status, body) = post(&server, &without("api_key")).await;
    is_error(status, &body, 403);
    let (status, body) = post(&server, &with("api_key", "not-an-issued-key-at-all")).await;
    is_error(status, &body, 403);
    let (status, body) = post(&server, &with("service_code", "999999")).await;
    is_error(status, &body, 404);
    let (status, body) = post(&server, &without("attribute[community]")).await;
    is_error(status, &body, 400);
    assert!(body[0]["description"].as_str().unwrap().contains("attribute[community]"));
    let (status, body) = post(&server, &with("attribute[community]", "424242")).await;
    is_error(status, &body, 400);
    let (status, body) = post(&server, &without("description")).await;
    is_error(status, &body, 400);
    let (status, body) = post(&server, &with("phone", "+1 415 555 0100")).await;
    is_error(status, &body, 400);
    assert!(body[0]["description"].as_str().unwrap().contains("phone"));
    assert_eq!(server.count("complaints"), complaints, "nothing stored");

    let (status, _) = post(&server, &good).await;
    assert_eq!(status, StatusCode::OK);
    assert_eq!(server.count("complaints"), complaints + 1);
}

#[tokio::test]
async fn no_answer_carries_a_name_or_a_phone_number_of_any_complaint() {
    let server = TestServer::start().await;
    let personal = server.personal_data();
    let rows: Vec<(String, Vec<u8>, Option<Vec<u8>>)> = server.with_database(|connection| {
        connection
            .prepare("SELECT tracking_number, phone_sealed, contact_name_sealed FROM complaints")
            .unwrap()
            .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
            .unwrap()
            .map(Result::unwrap)
            .collect()
    });
    assert!(rows.len() > 100, "every seeded complaint");
    let mut secrets = std::collections::BTreeSet::new();
    for (_, phone, name) in &rows {
        secrets.insert(personal.open(mashang_server::store::Sealed::Phone, phone).unwrap());
        if let Some(name) = name {
            secrets.insert(personal.open(mashang_server::store::Sealed::Name, name).unwrap());
        }
    }
    secrets.retain(|secret| !secret.is_empty());
    let mut answers = Vec::new();
    for batch in rows.chunks(50) {
        let numbers = batch.iter().map(|(number, ..)| number.as_str()).collect::<Vec<_>>().join(",");
        let (status, found) = get(&server, &format!("requests.json?service_request_id={numbers}")).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(found.as_array().map(Vec::len), Some(batch.len()), "every complaint found by number");
        answers.push(found.to_string());
    }
    let (_, updates) = get(&server, "servicerequestupdates.json?start_date=2000-01-01T00:00:00Z").await;
    answers.push(updates.to_string());
    let (_, recent) = get(&server, "requests.json").await;
    answers.push(recent.to_string());
    for answer in &answers {
        for secret in &secrets {
            assert!(!answer.contains(secret.as_str()), "{secret} leaked");
        }
    }
}
