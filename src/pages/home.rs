use leptos::prelude::*;
use leptos_router::components::A;

use crate::components::Page;
use crate::draft::Draft;
use crate::elder::use_elder_mode;
use crate::i18n::{ZH_CN, use_i18n};
use crate::outbox::use_outbox;
use crate::{paths, storage};

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let draft = Draft::load();
    let resume = draft.has_content().then_some(draft.pending.is_some());
    let delivered = use_outbox().and_then(|outbox| outbox.delivered.get_untracked());
    let elder = use_elder_mode();
    view! {
        <Page title=|t| t.app_name>
            <p class="tagline">{move || i18n.t().app_tagline}</p>
            {delivered.map(|receipt| {
                let href = paths::receipt(&receipt.tracking_number);
                let grouped = receipt.tracking_number.grouped();
                let text = move || i18n.t().home_delivered.replace("{number}", &grouped);
                view! {
                    <p class="notice notice-success" role="status">
                        <A href=href>{text}</A>
                    </p>
                }
            })}
            {resume.map(|pending| view! {
                <A href=paths::file() attr:class="action-tile action-resume">
                    <span class="action-icon" aria-hidden="true">"↻"</span>
                    <span class="action-text">
                        <strong>{move || i18n.t().home_resume}</strong>
                        <span>{move || if pending { i18n.t().home_resume_pending } else { i18n.t().home_resume_hint }}</span>
                    </span>
                </A>
            })}
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
            <button
                type="button"
                class="elder-switch"
                aria-pressed=move || elder.0.get().to_string()
                on:click=move |_| elder.0.update(|on| *on = !*on)
            >
                <span class="elder-switch-mark" aria-hidden="true">{move || if elder.0.get() { "✓" } else { "" }}</span>
                <span class="action-text">
                    <strong>{move || i18n.t().elder_mode}</strong>
                    <span>{move || i18n.t().elder_mode_hint}</span>
                </span>
            </button>
            <section class="common-problems" aria-labelledby="common-title">
                <h2 id="common-title">{move || i18n.t().home_common_title}</h2>
                <ul class="problem-tiles">
                    {(0..8).map(|index| {
                        let (name, _) = ZH_CN.home_common[index];
                        view! {
                            <li>
                                <A href=paths::file_with_category(name) attr:class="problem-tile">
                                    {move || i18n.t().home_common[index].1}
                                </A>
                            </li>
                        }
                    }).collect_view()}
                </ul>
            </section>
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
