use leptos::prelude::*;
use leptos_router::components::A;

use crate::app::use_api;
use crate::components::Page;
use crate::draft::DraftSummary;
use crate::elder::use_elder_mode;
use crate::i18n::{Texts, ZH_CN, use_i18n};
use crate::outbox::use_outbox;
use crate::{lazy, paths, storage};

#[component]
pub fn HomePage() -> impl IntoView {
    let i18n = use_i18n();
    let draft = DraftSummary::load();
    let resume = draft.has_content().then_some(draft.is_pending());
    let delivered = use_outbox().and_then(|outbox| outbox.delivered.get_untracked());
    let elder = use_elder_mode();
    // A hand-off may finish after the home screen has opened.
    let session = crate::handoff::use_signed_in().session;
    let follows_any = move || session.get().is_some() || storage::holds_complaints();
    // How many of the resident's complaints moved since they last looked, for the tile's badge.
    let api = use_api();
    let updates = LocalResource::new(move || {
        let (api, session) = (api.clone(), session.get());
        // Nothing to count on a device that follows nothing (most first visits).
        let follows = session.is_some() || storage::holds_complaints();
        async move {
            if !follows {
                return 0;
            }
            match lazy::unseen_updates().await {
                Ok(count) => count(api, session).await,
                Err(_) => 0,
            }
        }
    });
    let updates_badge = Signal::derive(move || {
        updates
            .get()
            .filter(|count| *count > 0)
            .map(|count| i18n.t().home_mine_updates.replace("{n}", &count.to_string()))
    });
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
            {resume.map(|pending| {
                let hint = if pending { |t: &Texts| t.home_resume_pending } else { |t: &Texts| t.home_resume_hint };
                view! { <ActionTile href=paths::file() class="action-resume" icon="↻" title=|t| t.home_resume hint /> }
            })}
            <nav class="home-actions">
                <ActionTile href=paths::file() class="action-primary" icon="✎" title=|t| t.home_file hint=|t| t.home_file_hint />
                <ActionTile href=paths::track(None) icon="⌕" title=|t| t.home_track hint=|t| t.home_track_hint />
                {move || follows_any().then(|| view! {
                    <ActionTile href=paths::mine() icon="☰" title=|t| t.home_mine hint=|t| t.home_mine_hint badge=updates_badge />
                })}
                <ActionTile href=paths::scorecards() icon="★" title=|t| t.home_scores hint=|t| t.home_scores_hint />
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

/// One large tile of the home screen: an icon, what it does, and a line saying more.
#[component]
fn ActionTile(
    href: String,
    #[prop(optional)] class: &'static str,
    icon: &'static str,
    title: fn(&Texts) -> &'static str,
    hint: fn(&Texts) -> &'static str,
    /// News worth a glance, such as how many complaints moved.
    #[prop(optional)]
    badge: Option<Signal<Option<String>>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <A href=href attr:class=format!("action-tile {class}")>
            <span class="action-icon" aria-hidden="true">{icon}</span>
            <span class="action-text">
                <strong>{move || title(i18n.t())}</strong>
                <span>{move || hint(i18n.t())}</span>
                {move || badge.and_then(|badge| badge.get()).map(|text| view! { <span class="update-badge">{text}</span> })}
            </span>
        </A>
    }
}
