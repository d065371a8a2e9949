use leptos::prelude::*;
use mashang_model::ComplaintStatus;

use crate::i18n::use_locale;

#[component]
pub fn StatusBadge(status: ComplaintStatus) -> impl IntoView {
    let i18n = use_locale();
    view! {
        <span class=format!("status-badge status-{}", status.as_str())>{move || i18n.t().status(status)}</span>
    }
}
