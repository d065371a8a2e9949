use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::Page;
use crate::i18n::use_i18n;
use crate::{paths, storage};

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Page title=|t| t.app_name>
            <p class="tagline">{move || i18n.t().app_tagline}</p>
            <nav class="home-actions">
                <A href=paths::file() attr:class="action-tile action-primary">
                    <span class="action-icon" aria-hidden="true">"✎"</span>
                    <span class="action-text">
                        <strong>{move || i18n.t().home_file}</strong>
                        <span>{move || i18n.t().home_file_hint}</span>
                    </span>
                </A>
                <A href=paths::track(None) attr:class="action-tile">
                    <span class="action-icon" aria-hidden="true">"⌕"</span>
                    <span class="action-text">
                        <strong>{move || i18n.t().home_track}</strong>
                        <span>{move || i18n.t().home_track_hint}</span>
                    </span>
                </A>
                {(!storage::device_complaints().is_empty()).then(|| view! {
                    <A href=paths::mine() attr:class="action-tile">
                        <span class="action-icon" aria-hidden="true">"☰"</span>
                        <span class="action-text">
                            <strong>{move || i18n.t().home_mine}</strong>
                            <span>{move || i18n.t().home_mine_hint}</span>
                        </span>
                    </A>
                })}
            </nav>
            <section class="card how-it-works" aria-labelledby="how-title">
                <h2 id="how-title">{move || i18n.t().home_how_title}</h2>
                <ol>
                    {(0..3).map(|step| view! { <li>{move || i18n.t().home_how_steps[step]}</li> }).collect_view()}
                </ol>
            </section>
            <p class="note">{move || i18n.t().hotline_note}</p>
        </Page>
    }
}
