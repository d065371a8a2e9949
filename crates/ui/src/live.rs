//! Keeping a screen current without a reload: whether the person can see the page (a phone keeps
//! a backgrounded tab alive, and work for it waits until they come back), and a refresh on a
//! timer that backs off while the network fails.

use leptos::prelude::*;
use std::time::Duration;

use crate::http::ApiError;

pub fn page_is_visible() -> bool {
    document().visibility_state() == web_sys::VisibilityState::Visible
}

/// Runs `again` each time the page becomes visible again, until the owner is cleaned up.
pub fn on_visible_again(again: impl Fn() + 'static) {
    let listener = window_event_listener_untyped("visibilitychange", move |_| {
        if page_is_visible() {
            again();
        }
    });
    on_cleanup(move || listener.remove());
}

/// After failures a refresh waits twice as long each time, up to this many periods, so a phone
/// on a failing network is not kept busy.
const MOST_PERIODS_SKIPPED: u32 = 11;

/// How many refresh periods to let pass before the next fetch, after failures.
#[derive(Clone, Copy, Default, Debug, PartialEq, Eq)]
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

/// A refresh that runs every period while the page is visible, at once when it becomes visible
/// again, and less often after failures. The loader reports each outcome.
#[derive(Clone, Copy)]
pub struct Refresh {
    backoff: StoredValue<Backoff>,
}

impl Refresh {
    /// Starts refreshing with `load` every `every`, until the owner is cleaned up.
    pub fn every(every: Duration, load: impl Fn() + Clone + 'static) -> Self {
        let refresh = Self { backoff: StoredValue::new(Backoff::default()) };
        let tick = {
            let load = load.clone();
            move || {
                let waiting = refresh.backoff.try_update_value(|backoff| {
                    let waiting = backoff.skip > 0;
                    backoff.skip = backoff.skip.saturating_sub(1);
                    waiting
                });
                if page_is_visible() && waiting == Some(false) {
                    load();
                }
            }
        };
        if let Ok(handle) = set_interval_with_handle(tick, every) {
            on_cleanup(move || handle.clear());
        }
        on_visible_again(load);
        refresh
    }

    /// The last load succeeded: back to every period.
    pub fn succeeded(self) {
        self.backoff.try_set_value(Backoff::default());
    }

    /// The last load failed: wait longer before the next.
    pub fn failed(self) {
        self.backoff.try_update_value(|backoff| *backoff = backoff.failed());
    }
}

/// Data that keeps itself current: loaded at once, then every period while the page is visible,
/// and again on [`Live::reload`]. A failed refresh keeps what is on screen; only a failure before
/// anything was shown (or after a failure) is shown.
pub struct Live<T: Send + Sync + 'static> {
    pub data: RwSignal<Option<Result<T, ApiError>>>,
    reload: std::sync::Arc<dyn Fn() + Send + Sync>,
}

impl<T: Send + Sync + 'static> Clone for Live<T> {
    fn clone(&self) -> Self {
        Self { data: self.data, reload: self.reload.clone() }
    }
}

impl<T: Clone + Send + Sync + 'static> Live<T> {
    /// Starts loading with `fetch`; `on_answer` sees every answer first (to mark it seen, or to
    /// notice a session that ended).
    pub fn every<Fut>(
        period: Duration,
        fetch: impl Fn() -> Fut + Send + Sync + 'static,
        on_answer: impl Fn(&Result<T, ApiError>) + Send + Sync + 'static,
    ) -> Self
    where
        Fut: std::future::Future<Output = Result<T, ApiError>> + 'static,
    {
        let data = RwSignal::new(None::<Result<T, ApiError>>);
        let refresh = StoredValue::new(None::<Refresh>);
        // Answers can arrive out of order (a search typed quickly asks once per keystroke): only
        // the answer to the latest request is shown, or an earlier, slower one would replace it.
        let latest_request = StoredValue::new(0_u64);
        let (fetch, on_answer) = (std::sync::Arc::new(fetch), std::sync::Arc::new(on_answer));
        let reload: std::sync::Arc<dyn Fn() + Send + Sync> = std::sync::Arc::new(move || {
            let (fetch, on_answer) = (fetch.clone(), on_answer.clone());
            let Some(request) = latest_request.try_update_value(|latest| {
                *latest += 1;
                *latest
            }) else {
                return;
            };
            leptos::task::spawn_local(async move {
                let result = fetch().await;
                on_answer(&result);
                if latest_request.try_get_value() != Some(request) {
                    return;
                }
                if let Some(refresh) = refresh.try_get_value().flatten() {
                    if result.is_ok() { refresh.succeeded() } else { refresh.failed() }
                }
                let showing = data.try_with_untracked(|d| matches!(d, Some(Ok(_)))).unwrap_or(true);
                if result.is_ok() || !showing {
                    data.try_set(Some(result));
                }
            });
        });
        reload();
        let again = reload.clone();
        refresh.set_value(Some(Refresh::every(period, move || again())));
        Self { data, reload }
    }

    pub fn reload(&self) {
        (self.reload)()
    }

    /// Loads again at once whenever `query` changes (the first load is the data's own).
    pub fn reload_on_change<Q: Send + Sync + 'static>(&self, query: RwSignal<Q>) {
        let live = self.clone();
        Effect::new(move |previous: Option<()>| {
            query.track();
            if previous.is_some() {
                live.reload();
            }
        });
    }

    /// The data, once loaded and while the last answer that was shown was not an error.
    pub fn loaded(&self) -> Option<T> {
        self.data.with(|d| d.as_ref().and_then(|d| d.as_ref().ok()).cloned())
    }

    /// The outcome for a [`crate::LoadBoundary`]: nothing yet, done, or failed.
    pub fn outcome(&self) -> Signal<Option<Result<(), ApiError>>> {
        let data = self.data;
        Signal::derive(move || data.with(|d| d.as_ref().map(|d| d.as_ref().map(|_| ()).map_err(Clone::clone))))
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
