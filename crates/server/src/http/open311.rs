//! Open311 GeoReport v2 under `{base}open311/v2/`, JSON only: the civic apps, dashboards and
//! open-data portals that already speak it read our services and complaints, and a city's partner
//! with an `api_key` (`--open311-api-keys`) files complaints. Our specific categories are the
//! services; a complaint's place is its community (an attribute), not a point on a map.
//!
//! Nothing personal leaves through it: no name, phone number, room or photo, and a description
//! only where its filer let neighbours see the complaint. FixMyStreet's `servicerequestupdates`
//! extension gives the timeline's steps, without their notes.

use axum::Json;
use axum::extract::rejection::{FormRejection, QueryRejection};
use axum::extract::{Form, Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Utc};
use mashang_model::{Category, FieldError, NewComplaint, validate_new_complaint};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use unicode_normalization::UnicodeNormalization;

use super::AppState;
use crate::secrets;
use crate::store::{
    FilingOutcome, NewFiling, OPEN311_DEFAULT_DAYS, PublicRequest, PublicUpdate, RequestSearch, StoreError,
};

/// The attribute naming the community, required on every service.
const COMMUNITY: &str = "community";
/// The attribute for where in the community (building, unit, a shared area), optional.
const LOCATION: &str = "location";

pub fn router() -> axum::Router<AppState> {
    axum::Router::new()
        .route("/services.json", get(services))
        .route("/services/{file}", get(service_definition))
        .route("/requests.json", get(requests).post(create_request))
        .route("/requests/{file}", get(request))
        .route("/tokens/{file}", get(token))
        .route("/servicerequestupdates.json", get(updates))
        .fallback(|| async { Open311Error::new(StatusCode::NOT_FOUND, "no such Open311 resource (JSON only)") })
        .layer(axum::middleware::map_response(readable_anywhere))
}

/// Open data: any site's script may read it. Filing needs the `api_key`, not a cookie, so this
/// opens nothing.
async fn readable_anywhere(mut response: Response) -> Response {
    response.headers_mut().insert(header::ACCESS_CONTROL_ALLOW_ORIGIN, HeaderValue::from_static("*"));
    response
}

/// GeoReport's error document: a list of `{code, description}`, with the HTTP status of the code.
pub struct Open311Error {
    status: StatusCode,
    description: String,
}

impl Open311Error {
    fn new(status: StatusCode, description: impl Into<String>) -> Self {
        Self { status, description: description.into() }
    }

    fn bad_request(description: impl Into<String>) -> Self {
        Self::new(StatusCode::BAD_REQUEST, description)
    }
}

impl IntoResponse for Open311Error {
    fn into_response(self) -> Response {
        let body = json!([{ "code": self.status.as_u16(), "description": self.description }]);
        (self.status, Json(body)).into_response()
    }
}

impl From<StoreError> for Open311Error {
    fn from(error: StoreError) -> Self {
        match error {
            StoreError::Busy => Self::new(StatusCode::SERVICE_UNAVAILABLE, "busy, try again"),
            StoreError::Full => Self::new(StatusCode::INSUFFICIENT_STORAGE, "no room to store it"),
            other => {
                tracing::error!(%other, "Open311 request failed");
                Self::new(StatusCode::SERVICE_UNAVAILABLE, "temporarily unavailable")
            }
        }
    }
}

type Open311Result<T> = Result<T, Open311Error>;

/// `{code}.json` → `code`; any other format is not served.
fn json_file(file: &str) -> Open311Result<&str> {
    file.strip_suffix(".json").ok_or_else(|| Open311Error::new(StatusCode::NOT_FOUND, "JSON only: ask for .json"))
}

#[derive(Debug, Serialize)]
struct Service {
    service_code: String,
    service_name: String,
    description: String,
    metadata: bool,
    #[serde(rename = "type")]
    kind: &'static str,
    keywords: String,
    group: String,
}

/// The specific categories, with the group each belongs to.
fn leaves(tree: &[Category]) -> impl Iterator<Item = (&Category, &Category)> {
    tree.iter().flat_map(|group| group.children.iter().map(move |leaf| (group, leaf)))
}

async fn services(State(state): State<AppState>) -> Open311Result<Json<Vec<Service>>> {
    let tree = state.store.category_tree().await?;
    let services = leaves(&tree)
        .map(|(group, leaf)| Service {
            service_code: leaf.id.to_string(),
            service_name: leaf.name.zh.clone(),
            description: format!("{} · {} ({})", group.name.zh, leaf.name.zh, leaf.name.en),
            metadata: true,
            kind: "realtime",
            keywords: leaf.name.en.clone(),
            group: group.name.zh.clone(),
        })
        .collect();
    Ok(Json(services))
}

async fn service_definition(State(state): State<AppState>, Path(file): Path<String>) -> Open311Result<Json<Value>> {
    let code = json_file(&file)?;
    let tree = state.store.category_tree().await?;
    if !leaves(&tree).any(|(_, leaf)| leaf.id.to_string() == code) {
        return Err(Open311Error::new(StatusCode::NOT_FOUND, format!("service_code {code} not found")));
    }
    let communities = state.store.community_choices().await?;
    let values: Vec<Value> =
        communities.into_iter().map(|(id, name)| json!({ "key": id.to_string(), "name": name })).collect();
    Ok(Json(json!({
        "service_code": code,
        "attributes": [
            {
                "variable": true,
                "code": COMMUNITY,
                "datatype": "singlevaluelist",
                "required": true,
                "datatype_description": "所在小区 (the community)",
                "order": 1,
                "description": "所在小区",
                "values": values,
            },
            {
                "variable": true,
                "code": LOCATION,
                "datatype": "string",
                "required": false,
                "datatype_description": "楼栋、单元或公共区域 (building, unit or shared area)",
                "order": 2,
                "description": "具体位置",
            },
        ],
    })))
}

/// The filters of `requests.json`, as text: each is checked with its own error.
#[derive(Debug, Default, Deserialize)]
struct RequestsQuery {
    service_request_id: Option<String>,
    service_code: Option<String>,
    start_date: Option<String>,
    end_date: Option<String>,
    status: Option<String>,
    #[allow(dead_code)]
    jurisdiction_id: Option<String>,
}

fn list(text: &Option<String>) -> Vec<String> {
    text.iter()
        .flat_map(|text| text.split(','))
        .map(str::trim)
        .filter(|item| !item.is_empty())
        .map(str::to_owned)
        .collect()
}

fn date(text: &Option<String>, name: &str) -> Open311Result<Option<DateTime<Utc>>> {
    text.as_deref()
        .filter(|text| !text.trim().is_empty())
        .map(|text| {
            DateTime::parse_from_rfc3339(text.trim()).map(|date| date.with_timezone(&Utc)).map_err(|_| {
                Open311Error::bad_request(format!("{name} must be a w3c date-time such as 2026-11-01T00:00:00+08:00"))
            })
        })
        .transpose()
}

async fn requests(
    State(state): State<AppState>,
    query: Result<Query<RequestsQuery>, QueryRejection>,
) -> Open311Result<Json<Vec<Value>>> {
    let Query(query) = query.map_err(|rejection| Open311Error::bad_request(rejection.body_text()))?;
    let numbers = list(&query.service_request_id);
    let categories = list(&query.service_code)
        .iter()
        .map(|code| {
            code.parse::<i64>()
                .map_err(|_| Open311Error::bad_request(format!("service_code {code} is not a service code")))
        })
        .collect::<Open311Result<Vec<_>>>()?;
    let open = match list(&query.status).as_slice() {
        [] => None,
        [one] if one == "open" => Some(true),
        [one] if one == "closed" => Some(false),
        both if both.iter().all(|status| status == "open" || status == "closed") => None,
        _ => return Err(Open311Error::bad_request("status is open, closed or both")),
    };
    let (mut since, until) = (date(&query.start_date, "start_date")?, date(&query.end_date, "end_date")?);
    // GeoReport's default window, unless requests are asked for by number.
    if since.is_none() && until.is_none() && numbers.is_empty() {
        since = Some(state.clock.now() - chrono::Duration::days(OPEN311_DEFAULT_DAYS));
    }
    let found = state.store.public_requests(RequestSearch { numbers, categories, since, until, open }).await?;
    Ok(Json(found.iter().map(request_document).collect()))
}

/// The complaint with this number, or the 404 document naming what was asked for.
async fn one_request(state: &AppState, number: String, asked_as: &str) -> Open311Result<PublicRequest> {
    let found =
        state.store.public_requests(RequestSearch { numbers: vec![number.clone()], ..Default::default() }).await?;
    found
        .into_iter()
        .next()
        .ok_or_else(|| Open311Error::new(StatusCode::NOT_FOUND, format!("{asked_as} {number} not found")))
}

async fn request(State(state): State<AppState>, Path(file): Path<String>) -> Open311Result<Json<Vec<Value>>> {
    let found = one_request(&state, json_file(&file)?.to_owned(), "service_request_id").await?;
    Ok(Json(vec![request_document(&found)]))
}

/// We file at once, so a request's token is its number: the lookup confirms it exists.
async fn token(State(state): State<AppState>, Path(file): Path<String>) -> Open311Result<Json<Value>> {
    let found = one_request(&state, json_file(&file)?.to_owned(), "token").await?;
    Ok(Json(json!([{ "service_request_id": found.tracking_number, "token": found.tracking_number }])))
}

fn request_document(found: &PublicRequest) -> Value {
    let stage = found.status.as_str();
    json!({
        "service_request_id": found.tracking_number,
        "status": if found.status.is_open() { "open" } else { "closed" },
        "status_notes": format!("stage {stage}, held by {}", found.agency),
        "service_name": found.category,
        "service_code": found.category_id.to_string(),
        "description": found.description,
        "agency_responsible": found.agency,
        "service_notice": Value::Null,
        "requested_datetime": found.filed_at,
        "updated_datetime": found.updated_at,
        "expected_datetime": found.resolve_due_at,
        "address": format!("{}{} {}", found.district, found.street, found.community),
        "address_id": Value::Null,
        "zipcode": Value::Null,
        "lat": Value::Null,
        "long": Value::Null,
        "media_url": Value::Null,
        "extended_attributes": {
            "stage": stage,
            "level": found.level.as_str(),
            "card": found.card.as_str(),
            "community": found.community,
            "district": found.district,
        },
    })
}

#[derive(Debug, Default, Deserialize)]
struct UpdatesQuery {
    start_date: Option<String>,
    end_date: Option<String>,
    #[allow(dead_code)]
    jurisdiction_id: Option<String>,
}

/// FixMyStreet's extension: the steps of every complaint in a window (the last day by default).
async fn updates(
    State(state): State<AppState>,
    query: Result<Query<UpdatesQuery>, QueryRejection>,
) -> Open311Result<Json<Vec<Value>>> {
    let Query(query) = query.map_err(|rejection| Open311Error::bad_request(rejection.body_text()))?;
    let now = state.clock.now();
    let until = date(&query.end_date, "end_date")?.unwrap_or(now);
    let since = date(&query.start_date, "start_date")?.unwrap_or(until - chrono::Duration::days(1));
    let steps = state.store.public_updates(since, until).await?;
    Ok(Json(steps.iter().map(update_document).collect()))
}

fn update_document(step: &PublicUpdate) -> Value {
    // FixMyStreet's states for what a step did to the problem.
    let status = match step.kind.as_str() {
        "accepted" | "transferred" | "info_requested" | "info_supplied" => "investigating",
        "progress_note" | "reopened" | "supervised" | "escalated" | "consultation_scheduled" | "consultation_held" => {
            "in_progress"
        }
        "resolved" | "rated" => "fixed",
        "closed" | "withdrawn" => "closed",
        _ => "open",
    };
    json!({
        "update_id": step.id.to_string(),
        "service_request_id": step.tracking_number,
        "status": status,
        "external_status_code": step.kind,
        "updated_datetime": step.at,
        "description": match &step.unit {
            Some(unit) => format!("{} by {unit}", step.kind),
            None => format!("{} by {}", step.kind, step.actor),
        },
        "media_url": Value::Null,
    })
}

async fn create_request(
    State(state): State<AppState>,
    form: Result<Form<Vec<(String, String)>>, FormRejection>,
) -> Open311Result<Response> {
    let Form(pairs) = form.map_err(|rejection| Open311Error::bad_request(rejection.body_text()))?;
    let field = |name: &str| pairs.iter().find(|(key, _)| key == name).map(|(_, value)| value.trim().to_owned());
    let key = field("api_key").unwrap_or_default();
    let known = state.open311_keys.iter().any(|issued| secrets::same_bytes(issued.as_bytes(), key.as_bytes()));
    if key.is_empty() || !known {
        return Err(Open311Error::new(StatusCode::FORBIDDEN, "invalid api_key"));
    }
    let code = field("service_code")
        .filter(|code| !code.is_empty())
        .ok_or_else(|| Open311Error::bad_request("service_code is required"))?;
    let tree = state.store.category_tree().await?;
    let Some(category_id) = leaves(&tree).map(|(_, leaf)| leaf.id).find(|id| id.to_string() == code) else {
        return Err(Open311Error::new(StatusCode::NOT_FOUND, format!("service_code {code} not found")));
    };
    let community = field(&format!("attribute[{COMMUNITY}]")).or_else(|| field("address_id")).filter(|c| !c.is_empty());
    let community_id = community
        .ok_or_else(|| Open311Error::bad_request(format!("attribute[{COMMUNITY}] is required")))?
        .parse::<i64>()
        .map_err(|_| Open311Error::bad_request(format!("attribute[{COMMUNITY}] is not one of the service's values")))?;
    let name = [field("last_name"), field("first_name")].into_iter().flatten().collect::<String>();
    let body = NewComplaint {
        community_id: Some(community_id),
        category_id: Some(category_id),
        location: field(&format!("attribute[{LOCATION}]"))
            .or_else(|| field("address_string"))
            .unwrap_or_default()
            .nfc()
            .collect(),
        description: field("description").unwrap_or_default().nfc().collect(),
        name: name.nfc().collect(),
        phone: field("phone").unwrap_or_default(),
        // The partner's app asked the resident's consent before sending.
        consent: true,
        ..NewComplaint::default()
    };
    let complaint = validate_new_complaint(&body).map_err(|errors| Open311Error::bad_request(describe(&errors)))?;
    let filing = NewFiling {
        complaint,
        filed_at: state.clock.now(),
        idempotency_key: secrets::random_token(),
        request_hash: secrets::sha256(&serde_json::to_vec(&body).unwrap_or_default()),
    };
    match state.store.file_complaint(filing).await? {
        FilingOutcome::Filed(receipt) | FilingOutcome::Replayed(receipt) => {
            tracing::info!(tracking_number = %receipt.tracking_number, "complaint filed through Open311");
            let number = receipt.tracking_number.as_str();
            let notice = format!("受理编号 {number}：居民可在马上办用这个编号和手机号查询进度");
            Ok(Json(json!([{ "service_request_id": number, "service_notice": notice, "account_id": Value::Null }]))
                .into_response())
        }
        FilingOutcome::Rejected(errors) => Err(Open311Error::bad_request(describe(&errors))),
        FilingOutcome::KeyReused => Err(Open311Error::bad_request("send the request again")),
    }
}

/// Field errors as GeoReport's one description, in the request's own parameter names.
fn describe(errors: &[FieldError]) -> String {
    errors
        .iter()
        .map(|error| {
            let value = serde_json::to_value(error).unwrap_or_default();
            let parameter = match value["field"].as_str().unwrap_or_default() {
                "community_id" => format!("attribute[{COMMUNITY}]"),
                "location" => format!("attribute[{LOCATION}]"),
                "category_id" => "service_code".to_owned(),
                "name" => "first_name/last_name".to_owned(),
                other => other.to_owned(),
            };
            format!("{parameter}: {}", value["code"].as_str().unwrap_or("invalid"))
        })
        .collect::<Vec<_>>()
        .join("; ")
}
