use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::Page;
use crate::i18n::use_i18n;
use crate::paths;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Page title=|t| t.page_not_found_title back=true>
            <p>{move || i18n.t().page_not_found_body}</p>
            <A href=paths::home() attr:class="button button-primary">{move || i18n.t().go_home}</A>
        </Page>
    }
}
