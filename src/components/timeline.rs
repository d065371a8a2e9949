use leptos::prelude::*;
use mashang_model::TimelineEvent;

use crate::format;
use crate::i18n::use_i18n;

/// The complaint's steps, oldest first: when, who, what they said.
#[component]
pub fn Timeline(events: Vec<TimelineEvent>) -> impl IntoView {
    let i18n = use_i18n();
    let items = events
        .into_iter()
        .map(|event| {
            let TimelineEvent { at, kind, actor, unit, note, rating } = event;
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
                </li>
            }
        })
        .collect_view();
    view! { <ol class="timeline">{items}</ol> }
}
