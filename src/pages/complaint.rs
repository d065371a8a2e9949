use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use mashang_model::{ComplaintView, TrackingNumber};
use std::time::Duration;

use crate::api::ApiError;
use crate::app::use_api;
use crate::components::{ComplaintCard, EscalationBanner, LoadBoundary, Page, ResidentActions, Stages, focus_element};
use crate::i18n::use_i18n;
use crate::pages::NotFoundPage;
use crate::visibility::{on_visible_again, page_is_visible};
use crate::{paths, storage};

/// New steps appear without a reload: the complaint is fetched again this often.
const REFRESH_EVERY: Duration = Duration::from_secs(10);
/// After failures the refresh waits twice as long each time, up to this many periods (two
/// minutes), so a phone on a failing network is not kept busy.
const MOST_PERIODS_SKIPPED: u32 = 11;

/// How many refresh periods to let pass before the next fetch, after failures.
#[derive(Clone, Copy, Default)]
struct Backoff {
    skip: u32,
    next_wait: u32,
}

impl Backoff {
    fn failed(self) -> Self {
        let wait = (self.next_wait * 2 + 1).min(MOST_PERIODS_SKIPPED);
        Self { skip: wait, next_wait: wait }
    }
}

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
    let complaint = RwSignal::new(None::<Result<ComplaintView, ApiError>>);
    let backoff = StoredValue::new(Backoff::default());
    let load = {
        let (number, token) = (number.as_str().to_owned(), token.clone());
        move || {
            let (api, number, token) = (api.clone(), number.clone(), token.clone());
            leptos::task::spawn_local(async move {
                let result = api.complaint(&number, &token).await;
                match &result {
                    Ok(view) => {
                        storage::mark_seen(&number, view.updated_at);
                        backoff.try_set_value(Backoff::default());
                    }
                    Err(_) => {
                        backoff.try_update_value(|backoff| *backoff = backoff.failed());
                    }
                }
                // A failed refresh keeps what is on screen; only a first failure is shown.
                if result.is_ok() || complaint.try_with_untracked(|c| c.is_none()).unwrap_or(false) {
                    complaint.try_set(Some(result));
                }
            });
        }
    };
    load();
    // Refreshes only while the resident can see the page, and at once when they come back to it.
    let tick = {
        let load = load.clone();
        move || {
            let waiting = backoff.try_update_value(|backoff| {
                let waiting = backoff.skip > 0;
                backoff.skip = backoff.skip.saturating_sub(1);
                waiting
            });
            if page_is_visible() && waiting == Some(false) {
                load();
            }
        }
    };
    if let Ok(handle) = set_interval_with_handle(tick, REFRESH_EVERY) {
        on_cleanup(move || handle.clear());
    }
    on_visible_again(load.clone());

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
    let (number_text, token_text) = (number.as_str().to_owned(), token);

    view! {
        <Page title=|t| t.detail_title back=true>
            {move || complaint.with(|c| c.is_none()).then(|| view! { <p class="loading" role="status">{move || i18n.t().loading}</p> })}
            <LoadBoundary
                outcome=Signal::derive(move || complaint.with(|c| c.as_ref().map(|c| c.as_ref().map(|_| ()).map_err(Clone::clone))))
                retry=move |()| load()
            />
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
        </Page>
    }
}

#[cfg(test)]
mod tests {
    use super::{Backoff, MOST_PERIODS_SKIPPED};

    #[test]
    fn failed_refreshes_wait_twice_as_long_each_time_up_to_two_minutes() {
        let mut backoff = Backoff::default();
        let mut waits = Vec::new();
        for _ in 0..6 {
            backoff = backoff.failed();
            waits.push(backoff.skip);
        }
        assert_eq!(waits, [1, 3, 7, MOST_PERIODS_SKIPPED, MOST_PERIODS_SKIPPED, MOST_PERIODS_SKIPPED]);
    }
}
