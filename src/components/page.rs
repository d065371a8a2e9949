use leptos::prelude::*;
use leptos_router::components::A;

use super::{HandoffNotice, NetworkBanner};
use crate::i18n::{Texts, use_i18n};
use crate::paths;

/// The frame of every screen: a header with the page title, a way back home, the language
/// switch, and the main region. It also names the browser tab after the page.
#[component]
pub fn Page(
    /// Picks the page's title from the catalogue.
    title: fn(&Texts) -> &'static str,
    /// Whether to offer a way back to the home screen.
    #[prop(optional)]
    back: bool,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    Effect::new(move |_| {
        let texts = i18n.t();
        let page = title(texts);
        let full = if page == texts.app_name { page.to_owned() } else { format!("{page} · {}", texts.app_name) };
        document().set_title(&full);
    });

    view! {
        <header class="app-header">
            {back.then(|| view! {
                <A href=paths::home() attr:class="header-back">
                    <span aria-hidden="true">"‹ "</span>{move || i18n.t().back}
                </A>
            })}
            <h1 class="app-title">{move || title(i18n.t())}</h1>
            <mashang_ui::LanguageSwitch />
        </header>
        <NetworkBanner />
        <HandoffNotice />
        <main id="main" class="app-main">{children()}</main>
    }
}
