//! The staff API behind the workbench: sign in and out, the queue, a complaint in full with an
//! audited reveal of who filed it, the unit's actions (签收, 处理进展, 要求补充, 办结, 转办, and the
//! supervisors' 督办, 提级, 会商), reply templates, the supervisor board, CSV exports and the
//! audit log.

use axum::Json;
use axum::extract::rejection::QueryRejection;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use mashang_model::scorecard::Period;
use mashang_model::staff::{
    AuditEntry, AuditKind, AuditQuery, Board, BoardQuery, BoardRow, Queue, QueueQuery, ReplyTemplate, RevealedContact,
    StaffMe, csv_document,
};
use mashang_model::{
    ComplaintSummary, ComplaintView, Field, FieldError, FieldErrorCode, StaffActionRequest, StaffRole, StaffSession,
    StaffSignIn, TrackingNumber, validate_staff_action,
};
use unicode_normalization::UnicodeNormalization;

use super::AppState;
use super::auth::{SignedInStaff, StaffSessionToken, session_cookie};
use super::complaints::action_answer;
use super::error::{ApiError, ApiResult};
use super::json::ApiJson;
use super::limits::ClientIp;
use super::openapi::ProblemResponse;
use super::photos::with_photo_access;
use crate::secrets;
use crate::store::{ActionInput, AuditRecord, Reveal, Scope, StaffMember};

/// A reply template's length limit: a paragraph, as a reply to a resident is.
const TEMPLATE_MAX_CHARS: usize = 500;

#[utoipa::path(post, operation_id = "staff_sign_in", path = "/staff/sessions", tag = "staff", request_body = StaffSignIn, responses((status = 200, description = "Signed in: a bearer token, or with `use_cookie` an HttpOnly cookie and the CSRF token", body = StaffSession), ProblemResponse))]
pub async fn sign_in(
    State(state): State<AppState>,
    ClientIp(client): ClientIp,
    ApiJson(body): ApiJson<StaffSignIn>,
) -> ApiResult<Response> {
    state.sign_in_limit.take(&[format!("ip:{client}"), format!("user:{}", body.username)]).await.map_err(|wait| {
        tracing::warn!(%client, username = ?body.username, "sign-in rate limit reached");
        ApiError::RateLimited(wait)
    })?;
    let account = state.store.staff_credentials(body.username.clone()).await?;
    // An unknown account is checked against a throwaway hash, so that a miss takes as long as a
    // wrong password and does not reveal which usernames exist.
    let (id, hash) = account.clone().unwrap_or_else(|| (0, secrets::throwaway_hash().to_owned()));
    let password = body.password;
    // Password hashing is deliberately slow: keep it off the async workers.
    let verified =
        tokio::task::spawn_blocking(move || secrets::verify_password(&password, &hash)).await.unwrap_or(false);
    if !(verified && account.is_some()) {
        tracing::warn!(username = ?body.username, "staff sign-in failed");
        return Err(ApiError::Unauthorized);
    }
    let session = state.store.create_staff_session(id, state.clock.now(), state.staff_idle).await?;
    let answer = StaffSession {
        token: (!body.use_cookie).then(|| session.token.clone()),
        csrf_token: body.use_cookie.then(|| session.csrf_token.clone()),
        expires_at: session.expires_at,
        role: session.staff.role,
        display_name: session.staff.display_name,
        organization: session.staff.organization,
    };
    let mut response = Json(answer).into_response();
    if body.use_cookie {
        response.headers_mut().insert(header::SET_COOKIE, session_cookie(&state, Some(&session.token)));
    }
    Ok(response)
}

#[utoipa::path(get, operation_id = "staff_me", path = "/staff/session", tag = "staff", security(("bearer" = []), ("cookie" = [])), responses((status = 200, description = "Who is signed in, and the CSRF token their changes must carry", body = StaffMe), ProblemResponse))]
pub async fn me(session: StaffSessionToken) -> ApiResult<Json<StaffMe>> {
    let StaffSessionToken { staff, csrf_token, expires_at, .. } = session;
    Ok(Json(StaffMe {
        role: staff.role,
        display_name: staff.display_name,
        organization: staff.organization,
        csrf_token: csrf_token.unwrap_or_default(),
        // As it stood before this request, which may have moved it later: a lower bound.
        expires_at,
    }))
}

#[utoipa::path(delete, operation_id = "staff_sign_out", path = "/staff/session", tag = "staff", security(("bearer" = []), ("cookie" = [])), responses((status = 204, description = "Signed out; the cookie is cleared"), ProblemResponse))]
pub async fn sign_out(State(state): State<AppState>, session: StaffSessionToken) -> ApiResult<Response> {
    state.store.end_staff_session(session.token, session.staff, state.clock.now()).await?;
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, session_cookie(&state, None));
    Ok(response)
}

#[utoipa::path(get, operation_id = "staff_work_list", path = "/staff/complaints", tag = "staff", security(("bearer" = []), ("cookie" = [])), responses((status = 200, description = "Open complaints the unit holds, oldest first (the queue supersedes it)", body = Vec<ComplaintSummary>), ProblemResponse))]
pub async fn work_list(
    State(state): State<AppState>,
    SignedInStaff(staff): SignedInStaff,
) -> ApiResult<Json<Vec<ComplaintSummary>>> {
    Ok(Json(state.store.staff_work_list(staff, state.clock.now()).await?))
}

fn query<T>(query: Result<Query<T>, QueryRejection>) -> ApiResult<T> {
    query.map(|Query(q)| q).map_err(|rejection| ApiError::MalformedBody(rejection.body_text()))
}

/// The bureau's queue is everything open; a unit's is what it holds.
fn queue_scope(staff: &StaffMember) -> Scope {
    if staff.role == StaffRole::HousingBureau { Scope::Supervised } else { Scope::Held }
}

#[utoipa::path(get, operation_id = "staff_queue", path = "/staff/queue", tag = "staff", params(QueueQuery), security(("bearer" = []), ("cookie" = [])), responses((status = 200, description = "The unit's open complaints, most urgent first, with counts", body = Queue), ProblemResponse))]
pub async fn queue(
    State(state): State<AppState>,
    SignedInStaff(staff): SignedInStaff,
    params: Result<Query<QueueQuery>, QueryRejection>,
) -> ApiResult<Json<Queue>> {
    let params = query(params)?;
    let scope = queue_scope(&staff);
    Ok(Json(state.store.staff_queue(staff, scope, params, state.clock.now()).await?))
}

/// The board needs a supervisor: the bureau, or a street office for its communities.
async fn board_for(state: &AppState, staff: StaffMember, params: &BoardQuery) -> ApiResult<Board> {
    if !staff.supervises() {
        return Err(ApiError::Forbidden);
    }
    let filter = QueueQuery { community_id: params.community_id, ..QueueQuery::default() };
    let now = state.clock.now();
    let open = state.store.staff_open_complaints(staff, Scope::Supervised, filter, now).await?;
    let ranking = state.store.ranking(Period::quarter_of(now), None, now).await?;
    let on_time: Vec<(i64, String, Option<u32>)> = match ranking {
        Ok(ranking) => ranking
            .ranked
            .into_iter()
            .chain(ranking.unranked)
            .map(|c| (c.id, c.name, c.score.rates.on_time_resolution))
            .collect(),
        Err(_) => Vec::new(),
    };
    Ok(Board::build(open, &on_time, params))
}

#[utoipa::path(get, operation_id = "staff_board", path = "/staff/board", tag = "staff", params(BoardQuery), security(("bearer" = []), ("cookie" = [])), responses((status = 200, description = "Overdue, escalated and repeated complaints by district, company and community; companies to call in for 约谈", body = Board), ProblemResponse))]
pub async fn board(
    State(state): State<AppState>,
    SignedInStaff(staff): SignedInStaff,
    params: Result<Query<BoardQuery>, QueryRejection>,
) -> ApiResult<Json<Board>> {
    let params = query(params)?;
    Ok(Json(board_for(&state, staff, &params).await?))
}

/// The columns of every export, in Chinese first: the file is opened by people in Excel.
const EXPORT_HEADER: [&str; 12] = [
    "受理编号 Tracking number",
    "状态 Status",
    "区 District",
    "物业公司 Company",
    "小区 Community",
    "类别 Category",
    "提交时间 Filed (UTC+8)",
    "办理期限 Due (UTC+8)",
    "超期 Overdue",
    "督办 Escalated",
    "重复 Repeat",
    "附议 Joined",
];

fn export_line(row: &BoardRow) -> Vec<String> {
    let c = &row.item.complaint;
    let local =
        |at: chrono::DateTime<chrono::Utc>| mashang_model::time::in_china(at).format("%Y-%m-%d %H:%M").to_string();
    let yes_no = |yes: bool| if yes { "是" } else { "否" }.to_owned();
    vec![
        c.tracking_number.as_str().to_owned(),
        c.status.as_str().to_owned(),
        row.district.clone(),
        row.company.clone(),
        row.community.clone(),
        c.category.zh.clone(),
        local(c.filed_at),
        local(row.item.next_due()),
        yes_no(row.item.overdue()),
        yes_no(row.item.escalated()),
        yes_no(row.repeat),
        row.item.joins.to_string(),
    ]
}

#[utoipa::path(get, operation_id = "staff_queue_export", path = "/staff/queue/export", tag = "staff", params(QueueQuery), security(("bearer" = []), ("cookie" = [])), responses((status = 200, description = "Every complaint matching the queue's filters (all pages) as CSV for Excel: UTF-8 with BOM, formulas neutralised", content_type = "text/csv"), ProblemResponse))]
pub async fn export_queue(
    State(state): State<AppState>,
    SignedInStaff(staff): SignedInStaff,
    params: Result<Query<QueueQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let params = query(params)?;
    let open = state
        .store
        .staff_open_complaints(staff.clone(), queue_scope(&staff), params.clone(), state.clock.now())
        .await?;
    let mut rows: Vec<BoardRow> = open.into_iter().filter(|row| row.item.matches(&params)).collect();
    rows.sort_by(|a, b| mashang_model::staff::by_urgency(&a.item, &b.item));
    csv_answer(&state, &staff, "queue", &rows).await
}

#[utoipa::path(get, operation_id = "staff_board_export", path = "/staff/board/export", tag = "staff", params(BoardQuery), security(("bearer" = []), ("cookie" = [])), responses((status = 200, description = "The board's rows with its filters as CSV for Excel: UTF-8 with BOM, formulas neutralised", content_type = "text/csv"), ProblemResponse))]
pub async fn export_board(
    State(state): State<AppState>,
    SignedInStaff(staff): SignedInStaff,
    params: Result<Query<BoardQuery>, QueryRejection>,
) -> ApiResult<Response> {
    let params = query(params)?;
    let board = board_for(&state, staff.clone(), &params).await?;
    csv_answer(&state, &staff, "board", &board.rows).await
}

/// The rows as a CSV download, the export written to the audit log.
async fn csv_answer(state: &AppState, staff: &StaffMember, list: &str, rows: &[BoardRow]) -> ApiResult<Response> {
    let detail = format!("{list}: {} rows", rows.len());
    let record = AuditRecord { detail, ..AuditRecord::new(staff, state.clock.now(), AuditKind::Exported) };
    state.store.append_audit(record).await?;
    let body = csv_document(&EXPORT_HEADER, &rows.iter().map(export_line).collect::<Vec<_>>());
    let mut response = body.into_response();
    let headers = response.headers_mut();
    headers.insert(header::CONTENT_TYPE, HeaderValue::from_static("text/csv; charset=utf-8"));
    headers
        .insert(header::CONTENT_DISPOSITION, HeaderValue::from_static("attachment; filename=\"mashang-export.csv\""));
    Ok(response)
}

#[utoipa::path(get, operation_id = "staff_show", path = "/staff/complaints/{number}", tag = "staff", params(("number" = String, Path, description = "Tracking number")), security(("bearer" = []), ("cookie" = [])), responses((status = 200, description = "The complaint, the filer's details masked; opening it marks it read", body = ComplaintView), ProblemResponse))]
pub async fn show(
    State(state): State<AppState>,
    SignedInStaff(staff): SignedInStaff,
    Path(number): Path<String>,
) -> ApiResult<Json<ComplaintView>> {
    let number = TrackingNumber::parse(&number).ok_or(ApiError::NotFound)?;
    let view = state.store.staff_complaint(staff, number, state.clock.now()).await?.ok_or(ApiError::NotFound)?;
    Ok(Json(with_photo_access(&state, view)))
}

#[utoipa::path(post, operation_id = "staff_reveal_contact", path = "/staff/complaints/{number}/contact", tag = "staff", params(("number" = String, Path, description = "Tracking number")), security(("bearer" = []), ("cookie" = [])), responses((status = 200, description = "The filer's phone and name, written to the audit log", body = RevealedContact), ProblemResponse))]
pub async fn reveal_contact(
    State(state): State<AppState>,
    SignedInStaff(staff): SignedInStaff,
    Path(number): Path<String>,
) -> ApiResult<Json<RevealedContact>> {
    let number = TrackingNumber::parse(&number).ok_or(ApiError::NotFound)?;
    match state.store.reveal_contact(staff, number, state.clock.now()).await? {
        Reveal::Shown(contact) => Ok(Json(contact)),
        Reveal::Forbidden => Err(ApiError::Forbidden),
        Reveal::NotFound => Err(ApiError::NotFound),
    }
}

#[utoipa::path(post, operation_id = "staff_act", path = "/staff/complaints/{number}/actions", tag = "staff", params(("number" = String, Path, description = "Tracking number")), security(("bearer" = []), ("cookie" = [])), request_body = StaffActionRequest, responses((status = 200, description = "The complaint after the action", body = ComplaintView), ProblemResponse))]
pub async fn act(
    State(state): State<AppState>,
    SignedInStaff(staff): SignedInStaff,
    Path(number): Path<String>,
    ApiJson(mut body): ApiJson<StaffActionRequest>,
) -> ApiResult<Json<ComplaintView>> {
    let number = TrackingNumber::parse(&number).ok_or(ApiError::NotFound)?;
    body.note = body.note.nfc().collect();
    let action = validate_staff_action(&body).map_err(ApiError::Validation)?;
    let input = ActionInput {
        action: action.action,
        note: action.note,
        rating: None,
        transfer_to: action.transfer_to,
        photo_ids: action.photo_ids,
        due_at: action.due_at,
        units: action.units,
    };
    action_answer(&state, state.store.staff_action(staff, number, input, state.clock.now()).await?)
}

#[utoipa::path(get, operation_id = "staff_templates", path = "/staff/templates", tag = "staff", security(("bearer" = []), ("cookie" = [])), responses((status = 200, description = "The unit's reply templates by category", body = Vec<ReplyTemplate>), ProblemResponse))]
pub async fn templates(
    State(state): State<AppState>,
    SignedInStaff(staff): SignedInStaff,
) -> ApiResult<Json<Vec<ReplyTemplate>>> {
    Ok(Json(state.store.reply_templates(staff).await?))
}

#[utoipa::path(put, operation_id = "staff_save_template", path = "/staff/templates", tag = "staff", request_body = ReplyTemplate, security(("bearer" = []), ("cookie" = [])), responses((status = 200, description = "The unit's templates after the change (empty text removes one)", body = Vec<ReplyTemplate>), ProblemResponse))]
pub async fn save_template(
    State(state): State<AppState>,
    SignedInStaff(staff): SignedInStaff,
    ApiJson(mut body): ApiJson<ReplyTemplate>,
) -> ApiResult<Json<Vec<ReplyTemplate>>> {
    body.text = body.text.nfc().collect::<String>().trim().to_owned();
    if body.text.chars().count() > TEMPLATE_MAX_CHARS {
        let error = FieldError::with_limit(Field::Note, FieldErrorCode::TooLong, TEMPLATE_MAX_CHARS);
        return Err(ApiError::Validation(vec![error]));
    }
    if !state.store.save_reply_template(staff.clone(), body, state.clock.now()).await? {
        return Err(ApiError::Validation(vec![FieldError::new(Field::CategoryId, FieldErrorCode::UnknownCategory)]));
    }
    Ok(Json(state.store.reply_templates(staff).await?))
}

#[utoipa::path(get, operation_id = "staff_audit", path = "/staff/audit", tag = "staff", params(AuditQuery), security(("bearer" = []), ("cookie" = [])), responses((status = 200, description = "The audit log, newest first, 100 at a time; the housing bureau only", body = Vec<AuditEntry>), ProblemResponse))]
pub async fn audit(
    State(state): State<AppState>,
    SignedInStaff(staff): SignedInStaff,
    params: Result<Query<AuditQuery>, QueryRejection>,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    if staff.role != StaffRole::HousingBureau {
        return Err(ApiError::Forbidden);
    }
    Ok(Json(state.store.audit_log(query(params)?).await?))
}
