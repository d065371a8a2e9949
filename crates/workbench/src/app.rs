use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use mashang_ui::config::RuntimeConfig;
use mashang_ui::http::ApiBase;
use mashang_ui::i18n::LocaleContext;

use crate::api::StaffApi;
use crate::pages::{AuditPage, BoardPage, ComplaintPage, NotFoundPage, QueuePage, TemplatesPage};
use crate::session::Session;

/// The workbench is served at `{base}staff/`; the API is beside it at `{base}api/v1`.
const DEFAULT_API_BASE: &str = "../api/v1";

#[component]
pub fn App(config: RuntimeConfig) -> impl IntoView {
    // Staff switch often, and the workbench is not split: its English comes with it.
    mashang_ui::i18n::english_is(&mashang_ui::texts::EN);
    LocaleContext::provide(None);
    let api_base = config.api_base_or(DEFAULT_API_BASE);
    let base = ApiBase::new(api_base);
    provide_context(base.clone());
    let api = StaffApi::new(base);
    provide_context(api.clone());
    Session::provide(api);
    let base = config.router_base();
    mashang_ui::paths::set_base(base.clone());
    view! {
        <Router base>
            <Routes fallback=|| view! { <NotFoundPage /> }>
                <Route path=path!("/") view=QueuePage />
                <Route path=path!("/complaints/:number") view=ComplaintPage />
                <Route path=path!("/board") view=BoardPage />
                <Route path=path!("/audit") view=AuditPage />
                <Route path=path!("/templates") view=TemplatesPage />
            </Routes>
        </Router>
    }
}

pub fn use_api() -> StaffApi {
    use_context::<StaffApi>().unwrap_or_else(|| StaffApi::new(ApiBase::new(DEFAULT_API_BASE)))
}
