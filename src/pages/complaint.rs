use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use mashang_model::{ComplaintView, TrackingNumber};
use std::time::Duration;

use crate::api::ApiError;
use crate::app::use_api;
use crate::components::{
    ComplaintCard, EscalationBanner, LoadBoundary, Page, ResidentActions, Stages, TextsSwitch, focus_element,
};
use crate::i18n::use_i18n;
use crate::pages::NotFoundPage;
use crate::{paths, storage};
use mashang_ui::live::Live;

/// New steps appear without a reload: the complaint is fetched again this often.
const REFRESH_EVERY: Duration = Duration::from_secs(10);

/// The progress view (进度可视) of a complaint filed on this device.
#[component]
pub fn ComplaintPage() -> impl IntoView {
    let params = use_params_map();
    move || match params.with(|p| p.get("number").and_then(|n| TrackingNumber::parse(&n))) {
        Some(number) => match storage::complaint_token(number.as_str()) {
            Some(token) => view! { <Progress number token /> }.into_any(),
            None => view! { <NoPass number /> }.into_any(),
        },
        None => view! { <NotFoundPage /> }.into_any(),
    }
}

/// This device did not file the complaint: the number and phone still find it.
#[component]
fn NoPass(number: TrackingNumber) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Page title=|t| t.detail_title back=true>
            <p class="notice notice-warning">{move || i18n.t().no_token}</p>
            <A href=paths::track(Some(&number)) attr:class="button button-primary">{move || i18n.t().go_track}</A>
        </Page>
    }
}

#[component]
fn Progress(number: TrackingNumber, token: String) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    // Refreshes only while the resident can see the page, and at once when they come back to it.
    let live = {
        let (number, token) = (number.as_str().to_owned(), token.clone());
        let seen = number.clone();
        Live::every(
            REFRESH_EVERY,
            move || {
                let (api, number, token) = (api.clone(), number.clone(), token.clone());
                async move { api.complaint(&number, &token).await }
            },
            move |answer: &Result<ComplaintView, ApiError>| {
                if let Ok(view) = answer {
                    storage::mark_seen(&seen, view.updated_at);
                }
            },
        )
    };
    let complaint = live.data;

    // The actions are rebuilt only when what is allowed changes, so that a refresh never wipes
    // what the resident is typing.
    let actions = Memo::new(move |_| {
        complaint.with(|c| c.as_ref().and_then(|c| c.as_ref().ok()).map(|c| c.available_actions.clone()))
    });
    let status = Memo::new(move |_| complaint.with(|c| c.as_ref().and_then(|c| c.as_ref().ok()).map(|c| c.status)));
    let acted = RwSignal::new(false);
    let on_done = Callback::new(move |view: ComplaintView| {
        storage::mark_seen(view.tracking_number.as_str(), view.updated_at);
        complaint.set(Some(Ok(view)));
        acted.set(true);
        focus_element("action-status");
    });
    let texts =
        Signal::derive(move || complaint.with(|c| c.as_ref().and_then(|c| c.as_ref().ok()).and_then(|c| c.texts)));
    let on_texts_saved = Callback::new(move |view: ComplaintView| complaint.set(Some(Ok(view))));
    let (number_text, token_text) = (number.as_str().to_owned(), token);
    let texts_switch = view! { <TextsSwitch number=number_text.clone() token=token_text.clone() enabled=texts on_saved=on_texts_saved /> };

    view! {
        <Page title=|t| t.detail_title back=true>
            {move || complaint.with(|c| c.is_none()).then(|| view! { <p class="loading" role="status">{move || i18n.t().loading}</p> })}
            <LoadBoundary outcome=live.outcome() retry={
                let live = live.clone();
                move |()| live.reload()
            } />
            {move || status.get().map(|status| view! { <Stages status /> })}
            <EscalationBanner complaint=Signal::derive(move || complaint.with(|c| c.as_ref().and_then(|c| c.as_ref().ok()).cloned())) />
            <p id="action-status" class="action-status" role="status" tabindex="-1">
                {move || acted.get().then(|| i18n.t().action_done)}
            </p>
            {move || {
                let (number, token) = (number_text.clone(), token_text.clone());
                actions.get().filter(|a| !a.is_empty()).map(|actions| view! { <ResidentActions number token actions on_done /> })
            }}
            {move || complaint.get().and_then(Result::ok).map(|complaint| view! { <ComplaintCard complaint /> })}
            {texts_switch}
        </Page>
    }
}
