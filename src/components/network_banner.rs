use leptos::prelude::*;

use crate::i18n::use_i18n;

/// Says so when the phone loses its connection, and that nothing typed is lost.
#[component]
pub fn NetworkBanner() -> impl IntoView {
    let i18n = use_i18n();
    let online = RwSignal::new(window().navigator().on_line());
    let went_offline = window_event_listener_untyped("offline", move |_| online.set(false));
    let came_back = window_event_listener_untyped("online", move |_| online.set(true));
    on_cleanup(move || {
        went_offline.remove();
        came_back.remove();
    });
    view! {
        <p class="network-banner" role="status" hidden=move || online.get()>
            {move || i18n.t().offline_banner}
        </p>
    }
}
