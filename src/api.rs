//! The API client: one function per endpoint, each returning a typed error the pages can turn
//! into a sentence.

use gloo_net::http::Request;
use mashang_model::scorecard::{Ranking, Scorecard};
use mashang_model::{
    Category, CodeRequest, CodeSent, CodeVerification, Community, ComplaintSummary, ComplaintView, FiledComplaint,
    HandoffExchange, LookupRequest, NeighbourComplaint, NewComplaint, ResidentActionRequest, ResidentSession,
    SummariesRequest, TextsChoice,
};
pub use mashang_ui::http::ApiError;
use mashang_ui::http::{ApiBase, send, send_json};

#[derive(Clone)]
pub struct Api {
    base: ApiBase,
}

impl Api {
    pub fn new(base: &str) -> Self {
        Self { base: ApiBase::new(base) }
    }

    /// The API's location, which the shared components (timeline, photo picker) use.
    pub fn base(&self) -> ApiBase {
        self.base.clone()
    }

    fn url(&self, path: &str) -> String {
        self.base.url(path)
    }

    /// Sends a six-digit sign-in code to this phone by SMS.
    pub async fn request_code(&self, phone: &str) -> Result<CodeSent, ApiError> {
        send_json(Request::post(&self.url("/auth/codes")), &CodeRequest { phone: phone.to_owned() }).await
    }

    pub async fn verify_code(&self, phone: &str, code: &str) -> Result<ResidentSession, ApiError> {
        let body = CodeVerification { phone: phone.to_owned(), code: code.to_owned() };
        send_json(Request::post(&self.url("/auth/codes/verify")), &body).await
    }

    /// Exchanges a hand-off token from the citizen-services app for a session; once per token.
    pub async fn handoff(&self, token: &str) -> Result<ResidentSession, ApiError> {
        send_json(Request::post(&self.url("/auth/handoff")), &HandoffExchange { token: token.to_owned() }).await
    }

    /// Every complaint filed with the signed-in phone, wherever it was filed.
    pub async fn my_complaints(&self, session: &str) -> Result<Vec<ComplaintSummary>, ApiError> {
        send(Request::get(&self.url("/me/complaints")).header("Authorization", &format!("Bearer {session}"))).await
    }

    /// Where a stored photo is served; usable directly as an `<img src>`.
    pub fn photo_url(&self, id: &str) -> String {
        self.base.photo_url(id)
    }

    /// Communities whose name, street or district contains `search` (all, up to the server's cap,
    /// when it is empty).
    pub async fn communities(&self, search: &str) -> Result<Vec<Community>, ApiError> {
        let query = String::from(js_sys::encode_uri_component(search.trim()));
        send(Request::get(&self.url(&format!("/communities?q={query}")))).await
    }

    pub async fn categories(&self) -> Result<Vec<Category>, ApiError> {
        send(Request::get(&self.url("/categories"))).await
    }

    /// Files a complaint. The key is made when the form is opened and reused for every retry, so
    /// a filing whose answer was lost is recognised and not filed twice.
    pub async fn file_complaint(
        &self,
        complaint: &NewComplaint,
        idempotency_key: &str,
    ) -> Result<FiledComplaint, ApiError> {
        send_json(Request::post(&self.url("/complaints")).header("Idempotency-Key", idempotency_key), complaint).await
    }

    pub async fn lookup(&self, request: &LookupRequest) -> Result<ComplaintView, ApiError> {
        send_json(Request::post(&self.url("/complaints/lookup")), request).await
    }

    /// Where each of the complaints this device follows stands, in one request; those whose token
    /// no longer opens them are left out.
    pub async fn summaries(&self, request: &SummariesRequest) -> Result<Vec<ComplaintSummary>, ApiError> {
        send_json(Request::post(&self.url("/complaints/summaries")), request).await
    }

    /// A complaint opened with the access token this device kept when filing it.
    pub async fn complaint(&self, number: &str, token: &str) -> Result<ComplaintView, ApiError> {
        send(
            Request::get(&self.url(&format!("/complaints/{number}")))
                .header("Authorization", &format!("Bearer {token}")),
        )
        .await
    }

    /// Open complaints of this community and category that their filers let neighbours see.
    pub async fn similar(&self, community: i64, category: i64) -> Result<Vec<NeighbourComplaint>, ApiError> {
        send(Request::get(&self.url(&format!("/communities/{community}/similar?category_id={category}")))).await
    }

    /// 附议: the phone signed in with `session` joins the complaint.
    pub async fn join(&self, number: &str, session: &str) -> Result<ComplaintView, ApiError> {
        send(
            Request::post(&self.url(&format!("/complaints/{number}/joins")))
                .header("Authorization", &format!("Bearer {session}")),
        )
        .await
    }

    /// Companies ranked for a period: a district's (by its name), or the city's (empty).
    pub async fn ranking(&self, period: &str, district: &str) -> Result<Ranking, ApiError> {
        let period = String::from(js_sys::encode_uri_component(period));
        let district = String::from(js_sys::encode_uri_component(district));
        send(Request::get(&self.url(&format!("/scorecards?period={period}&district={district}")))).await
    }

    /// A company's or a community's scorecard: `subject` is `companies` or `communities`.
    pub async fn scorecard(&self, subject: &str, id: i64, period: &str) -> Result<Scorecard, ApiError> {
        let period = String::from(js_sys::encode_uri_component(period));
        send(Request::get(&self.url(&format!("/scorecards/{subject}/{id}?period={period}")))).await
    }

    /// Whether the filer (or a neighbour who joined) is texted when the complaint moves.
    pub async fn choose_texts(&self, number: &str, token: &str, enabled: bool) -> Result<ComplaintView, ApiError> {
        let builder = Request::put(&self.url(&format!("/complaints/{number}/texts")))
            .header("Authorization", &format!("Bearer {token}"));
        send_json(builder, &TextsChoice { enabled }).await
    }

    /// 补充材料, 催办, 撤回, 评价, 重新办理.
    pub async fn act(
        &self,
        number: &str,
        token: &str,
        request: &ResidentActionRequest,
    ) -> Result<ComplaintView, ApiError> {
        let builder = Request::post(&self.url(&format!("/complaints/{number}/actions")))
            .header("Authorization", &format!("Bearer {token}"));
        send_json(builder, request).await
    }
}
