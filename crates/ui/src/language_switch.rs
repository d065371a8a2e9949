use leptos::prelude::*;

use crate::i18n::use_locale;

/// The header button that switches between Chinese and English, labelled in the language it
/// switches to.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    let i18n = use_locale();
    view! {
        <button
            type="button"
            class="language-switch"
            lang=move || i18n.locale.get().other().tag()
            aria-label=move || i18n.t().switch_language_label
            aria-busy=move || i18n.fetching.get().to_string()
            on:click=move |_| i18n.switch()
        >
            {move || i18n.t().switch_language}
        </button>
    }
}
