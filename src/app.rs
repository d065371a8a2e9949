use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use mashang_model::FiledComplaint;

use crate::api::Api;
use crate::config::RuntimeConfig;
use crate::lazy::{self, Lazy};
use crate::pages::{HomePage, NotFoundPage, TrackPage};

/// The receipt of the complaint just filed on this device, so the receipt page can show the
/// filing time without another request.
#[derive(Clone, Copy)]
pub struct LastReceipt(pub RwSignal<Option<FiledComplaint>>);

#[component]
pub fn App(
    config: RuntimeConfig,
    /// A hand-off token the citizen-services app opened the page with, already off the address.
    handoff: Option<String>,
) -> impl IntoView {
    mashang_ui::i18n::LocaleContext::provide(Some(lazy::english));
    crate::elder::ElderMode::provide();
    let api = Api::new(config.api_base());
    let base = config.router_base();
    crate::paths::set_base(base.clone());
    provide_context(api.clone());
    provide_context(api.base());
    crate::handoff::SignedIn::provide(api.clone(), handoff);
    crate::outbox::Outbox::provide(api);
    provide_context(LastReceipt(RwSignal::new(None)));

    view! {
        <Router base>
            <Routes fallback=|| view! { <NotFoundPage /> }>
                <Route path=path!("/") view=HomePage />
                <Route path=path!("/track") view=TrackPage />
                <Route path=path!("/file") view=|| view! { <Lazy load=lazy::file_page title=|t| t.file_title intro=|t| t.file_intro body=true /> } />
                <Route path=path!("/receipt/:number") view=|| view! { <Lazy load=lazy::receipt_page title=|t| t.receipt_title /> } />
                <Route path=path!("/complaints/:number") view=|| view! { <Lazy load=lazy::complaint_page title=|t| t.detail_title /> } />
                <Route path=path!("/mine") view=|| view! { <Lazy load=lazy::my_complaints_page title=|t| t.mine_title intro=|t| t.mine_hint body=true /> } />
                <Route path=path!("/scorecards") view=|| view! { <Lazy load=lazy::ranking_page title=|t| t.scores_title intro=|t| t.scores_intro body=true /> } />
                <Route path=path!("/scorecards/:subject/:id") view=|| view! { <Lazy load=lazy::scorecard_page title=|t| t.scores_title /> } />
            </Routes>
        </Router>
    }
}

/// The API client provided by [`App`].
pub fn use_api() -> Api {
    use_context::<Api>().unwrap_or_else(|| Api::new(RuntimeConfig::default().api_base()))
}
