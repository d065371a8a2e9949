//! Whether the resident can see the app: a phone keeps a backgrounded tab alive, and work for it
//! (refreshing, resending) waits until they come back.

use leptos::prelude::*;

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
