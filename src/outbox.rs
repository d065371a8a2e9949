//! Delivers a submitted complaint whatever the network does: the filing waits in the draft
//! (with its idempotency key) and is resent with backoff, when the browser comes back online and
//! when the app becomes visible again, until the server answers. The server files it once
//! however many times it arrives, and answers every retry with the same tracking number.

use leptos::prelude::*;
use mashang_model::FiledComplaint;
use std::time::Duration;

use crate::api::{Api, ApiError};
use crate::draft::{Draft, DraftSummary};
use crate::lazy;
use crate::storage;

const FIRST_RETRY: Duration = Duration::from_secs(2);
const LONGEST_WAIT: Duration = Duration::from_secs(60);

#[derive(Clone, Copy)]
pub struct Outbox {
    /// A filing is waiting for the server's answer.
    pub pending: RwSignal<bool>,
    /// The receipt of a filing delivered, until a page takes it.
    pub delivered: RwSignal<Option<FiledComplaint>>,
    /// The server refused the filing (field errors, say); the resident must change something.
    pub refused: RwSignal<Option<ApiError>>,
    sending: RwSignal<bool>,
    failures: StoredValue<u32>,
    api: StoredValue<Api>,
}

/// Worth trying again: no answer at all, or the server asked for patience.
fn is_transient(error: &ApiError) -> bool {
    match error {
        ApiError::Network => true,
        ApiError::Unexpected(status) => *status == 0 || *status >= 500,
        ApiError::Problem(problem) => matches!(problem.status, 429 | 503 | 507) || problem.status >= 500,
    }
}

impl Outbox {
    pub fn provide(api: Api) -> Self {
        let outbox = Self {
            pending: RwSignal::new(DraftSummary::load().is_pending()),
            delivered: RwSignal::new(None),
            refused: RwSignal::new(None),
            sending: RwSignal::new(false),
            failures: StoredValue::new(0),
            api: StoredValue::new(api),
        };
        provide_context(outbox);
        // Left behind by an earlier visit: try at once.
        outbox.send();
        let on_online = window_event_listener_untyped("online", move |_| outbox.send());
        on_cleanup(move || on_online.remove());
        mashang_ui::live::on_visible_again(move || outbox.send());
        outbox
    }

    /// Queues `draft` (with its pending request) and sends it.
    pub fn submit(self, draft: &Draft) {
        draft.save();
        self.refused.set(None);
        self.pending.set(true);
        self.failures.set_value(0);
        self.send();
    }

    /// Sends the pending filing, if there is one and no attempt is under way. The sending is a
    /// chunk of its own (src/lazy.rs): most starts have nothing to send.
    pub fn send(self) {
        if !DraftSummary::load().is_pending() {
            self.pending.set(false);
            return;
        }
        leptos::task::spawn_local(async move {
            match lazy::outbox_delivery().await {
                Ok(deliver) => deliver(self),
                // Not even the chunk came through: the network is down, and the next attempt is
                // when it is back (or the app visible again).
                Err(_) => self.retry_later(),
            }
        });
    }

    /// Fetches the sending's chunk ahead of need: the form calls this when the resident starts
    /// typing (not when it opens, which has enough to do), so that a filing sent minutes later,
    /// perhaps with no network by then, is sent at once. Once is enough: a loaded chunk stays.
    pub fn prepare() {
        thread_local!(static PREPARED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) });
        if PREPARED.replace(true) {
            return;
        }
        leptos::task::spawn_local(async {
            if lazy::outbox_delivery().await.is_err() {
                // Try again at the next keystroke.
                PREPARED.set(false);
            }
        });
    }

    fn retry_later(self) {
        let failures = self.failures.try_get_value().unwrap_or(0) + 1;
        self.failures.try_set_value(failures);
        let wait = FIRST_RETRY.saturating_mul(1 << failures.min(5)).min(LONGEST_WAIT);
        set_timeout(move || self.send(), wait);
    }

    /// Sends the pending filing (the chunk's half of [`Outbox::send`]).
    pub fn deliver(self) {
        let draft = Draft::load();
        let Some(request) = draft.pending.clone() else {
            self.pending.set(false);
            return;
        };
        if self.sending.get_untracked() {
            return;
        }
        self.sending.set(true);
        let api = self.api.get_value();
        leptos::task::spawn_local(async move {
            let result = api.file_complaint(&request, &draft.idempotency_key).await;
            self.sending.try_set(false);
            match result {
                Ok(receipt) => {
                    storage::remember_complaint(
                        receipt.tracking_number.as_str(),
                        &receipt.access_token,
                        receipt.filed_at,
                    );
                    Draft::clear();
                    self.pending.try_set(false);
                    self.delivered.try_set(Some(receipt));
                }
                Err(error) if is_transient(&error) => self.retry_later(),
                Err(error) => {
                    let mut draft = Draft::load();
                    draft.pending = None;
                    draft.save();
                    self.pending.try_set(false);
                    self.refused.try_set(Some(error));
                }
            }
        });
    }
}

pub fn use_outbox() -> Option<Outbox> {
    use_context::<Outbox>()
}
