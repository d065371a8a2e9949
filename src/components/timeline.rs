use leptos::prelude::*;
use mashang_model::TimelineEvent;

use crate::app::use_api;
use crate::format;
use crate::i18n::use_i18n;

/// The complaint's steps, oldest first: when, who, what they said.
#[component]
pub fn Timeline(events: Vec<TimelineEvent>) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let items = events
        .into_iter()
        .map(|event| {
            let TimelineEvent { at, kind, actor, unit, note, rating, photos } = event;
            let photos = photos
                .iter()
                .enumerate()
                .map(|(index, id)| {
                    let (url, src) = (api.photo_url(id), api.photo_url(id));
                    let alt = move || i18n.t().photo_alt.replace("{n}", &(index + 1).to_string());
                    view! {
                        <a href=url class="timeline-photo">
                            <img src=src alt=alt loading="lazy" width="96" height="96" />
                        </a>
                    }
                })
                .collect_view();
            view! {
                <li class="timeline-item">
                    <p class="timeline-what">{move || i18n.t().event(kind)}</p>
                    <p class="timeline-meta">
                        <time datetime=at.to_rfc3339()>{move || format::datetime(i18n.t(), at)}</time>
                        " · "
                        {move || unit.clone().unwrap_or_else(|| i18n.t().actor(actor).to_owned())}
                    </p>
                    {rating.map(|rating| view! { <p class="timeline-rating">{move || i18n.t().rating(&rating)}</p> })}
                    {note.map(|note| view! { <p class="timeline-note">{note}</p> })}
                    <div class="timeline-photos">{photos}</div>
                </li>
            }
        })
        .collect_view();
    view! { <ol class="timeline">{items}</ol> }
}
