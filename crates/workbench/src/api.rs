//! The staff API client. The session is an HttpOnly cookie the browser sends by itself; no
//! script can read it. Every request that changes something carries the session's CSRF token,
//! which lives only in memory.

use gloo_net::http::{Request, RequestBuilder};
use mashang_model::staff::{
    AuditEntry, AuditQuery, Board, BoardQuery, CSRF_HEADER, Queue, QueueQuery, ReplyTemplate, RevealedContact, StaffMe,
};
use mashang_model::{Category, Community, ComplaintView, StaffActionRequest, StaffSession, StaffSignIn};
pub use mashang_ui::http::ApiError;
use mashang_ui::http::{ApiBase, send, send_empty, send_json};
use std::sync::{Arc, RwLock};

#[derive(Clone)]
pub struct StaffApi {
    base: ApiBase,
    csrf: Arc<RwLock<String>>,
}

impl StaffApi {
    pub fn new(base: ApiBase) -> Self {
        Self { base, csrf: Arc::default() }
    }

    fn url(&self, path: &str) -> String {
        self.base.url(path)
    }

    /// The URL of a CSV export of `list` (`queue` or `board`) with its filters; a plain link
    /// downloads it, the cookie going along.
    pub fn export_url<T: serde::Serialize>(&self, list: &str, query: &T) -> String {
        self.url(&format!("/staff/{list}/export?{}", to_query(query)))
    }

    fn guarded(&self, request: RequestBuilder) -> RequestBuilder {
        let token = self.csrf.read().map(|t| t.clone()).unwrap_or_default();
        request.header(CSRF_HEADER, &token)
    }

    fn remember_csrf(&self, token: &str) {
        if let Ok(mut kept) = self.csrf.write() {
            *kept = token.to_owned();
        }
    }

    pub async fn sign_in(&self, username: &str, password: &str) -> Result<StaffSession, ApiError> {
        let body = StaffSignIn { username: username.to_owned(), password: password.to_owned(), use_cookie: true };
        let session: StaffSession = send_json(Request::post(&self.url("/staff/sessions")), &body).await?;
        self.remember_csrf(session.csrf_token.as_deref().unwrap_or_default());
        Ok(session)
    }

    /// Who is signed in on this browser, if anyone (after a reload, the cookie still is).
    pub async fn me(&self) -> Result<StaffMe, ApiError> {
        let me: StaffMe = send(Request::get(&self.url("/staff/session"))).await?;
        self.remember_csrf(&me.csrf_token);
        Ok(me)
    }

    pub async fn sign_out(&self) -> Result<(), ApiError> {
        let outcome = send_empty(self.guarded(Request::delete(&self.url("/staff/session")))).await;
        self.remember_csrf("");
        outcome
    }

    pub async fn queue(&self, query: &QueueQuery) -> Result<Queue, ApiError> {
        // The unfiltered first page has the bare URL that index.html preloads.
        let url = if *query == QueueQuery::default() {
            self.url("/staff/queue")
        } else {
            self.url(&format!("/staff/queue?{}", to_query(query)))
        };
        send(Request::get(&url)).await
    }

    pub async fn board(&self, query: &BoardQuery) -> Result<Board, ApiError> {
        send(Request::get(&self.url(&format!("/staff/board?{}", to_query(query))))).await
    }

    pub async fn complaint(&self, number: &str) -> Result<ComplaintView, ApiError> {
        send(Request::get(&self.url(&format!("/staff/complaints/{number}")))).await
    }

    pub async fn reveal_contact(&self, number: &str) -> Result<RevealedContact, ApiError> {
        send(self.guarded(Request::post(&self.url(&format!("/staff/complaints/{number}/contact"))))).await
    }

    pub async fn act(&self, number: &str, request: &StaffActionRequest) -> Result<ComplaintView, ApiError> {
        send_json(self.guarded(Request::post(&self.url(&format!("/staff/complaints/{number}/actions")))), request).await
    }

    pub async fn templates(&self) -> Result<Vec<ReplyTemplate>, ApiError> {
        send(Request::get(&self.url("/staff/templates"))).await
    }

    pub async fn save_template(&self, template: &ReplyTemplate) -> Result<Vec<ReplyTemplate>, ApiError> {
        send_json(self.guarded(Request::put(&self.url("/staff/templates"))), template).await
    }

    pub async fn audit(&self, query: &AuditQuery) -> Result<Vec<AuditEntry>, ApiError> {
        send(Request::get(&self.url(&format!("/staff/audit?{}", to_query(query))))).await
    }

    /// The communities (up to the server's cap) for the community filter.
    pub async fn communities(&self) -> Result<Vec<Community>, ApiError> {
        send(Request::get(&self.url("/communities?q="))).await
    }

    pub async fn categories(&self) -> Result<Vec<Category>, ApiError> {
        send(Request::get(&self.url("/categories"))).await
    }
}

/// A typed query as a query string: absent, false and empty values are left out, so the server
/// applies its defaults.
pub fn to_query<T: serde::Serialize>(query: &T) -> String {
    let Ok(serde_json::Value::Object(fields)) = serde_json::to_value(query) else { return String::new() };
    fields
        .into_iter()
        .filter_map(|(name, value)| {
            let text = match value {
                serde_json::Value::String(text) if !text.is_empty() => text,
                serde_json::Value::Number(number) => number.to_string(),
                serde_json::Value::Bool(true) => "true".to_owned(),
                _ => return None,
            };
            Some(format!("{name}={}", String::from(js_sys::encode_uri_component(&text))))
        })
        .collect::<Vec<_>>()
        .join("&")
}
