use leptos::prelude::*;
use mashang_model::TimelineEvent;
use mashang_model::escalation::Card;

use crate::format;
use crate::http::ApiBase;
use crate::i18n::use_locale;

/// The complaint's steps, oldest first: when, who, what they said.
#[component]
pub fn Timeline(events: Vec<TimelineEvent>) -> impl IntoView {
    let i18n = use_locale();
    let api = use_context::<ApiBase>().unwrap_or_else(|| ApiBase::new("api/v1"));
    let viewing = RwSignal::new(None::<(String, usize)>);
    let items = events
        .into_iter()
        .map(|event| {
            let TimelineEvent { at, kind, actor, unit, note, rating, photos, escalation } = event;
            let red_card = escalation.as_ref().is_some_and(|e| e.card == Some(Card::Red));
            let escalated = escalation.is_some();
            let photos = photos
                .iter()
                .enumerate()
                .map(|(index, id)| {
                    let (url, src) = (api.photo_url(id), api.photo_url(id));
                    let alt = move || i18n.t().photo_alt.replace("{n}", &(index + 1).to_string());
                    // Opens in the viewer; the link still works where dialogs do not.
                    let open = move |ev: leptos::ev::MouseEvent| {
                        ev.prevent_default();
                        viewing.set(Some((url.clone(), index + 1)));
                    };
                    view! {
                        <a href=api.photo_url(id) class="timeline-photo" on:click=open>
                            <img src=src alt=alt loading="lazy" width="96" height="96" />
                        </a>
                    }
                })
                .collect_view();
            view! {
                <li class="timeline-item" class:timeline-escalation=escalated>
                    <p class="timeline-what">
                        {move || if red_card { i18n.t().event_red_card } else { i18n.t().event(kind) }}
                    </p>
                    <p class="timeline-meta">
                        <time datetime=at.to_rfc3339()>{move || format::datetime(i18n.t(), at)}</time>
                        " · "
                        {move || unit.clone().unwrap_or_else(|| i18n.t().actor(actor).to_owned())}
                    </p>
                    {rating.map(|rating| view! { <p class="timeline-rating">{move || i18n.t().rating(&rating)}</p> })}
                    {escalation.map(|detail| view! { <p class="timeline-escalation-text">{move || i18n.t().escalation(&detail)}</p> })}
                    {note.map(|note| view! { <p class="timeline-note">{note}</p> })}
                    <div class="timeline-photos">{photos}</div>
                </li>
            }
        })
        .collect_view();
    view! {
        <ol class="timeline">{items}</ol>
        <PhotoViewer viewing />
    }
}

/// A photo full-screen, in a modal dialog: the focus moves into it, Esc or the button closes it,
/// and the focus returns to the thumbnail.
#[component]
fn PhotoViewer(viewing: RwSignal<Option<(String, usize)>>) -> impl IntoView {
    let i18n = use_locale();
    let dialog = NodeRef::<leptos::html::Dialog>::new();
    Effect::new(move |_| {
        let Some(dialog) = dialog.get() else { return };
        if viewing.get().is_some() {
            if !dialog.open() {
                let _ = dialog.show_modal();
            }
        } else if dialog.open() {
            dialog.close();
        }
    });
    view! {
        <dialog class="photo-viewer" node_ref=dialog on:close=move |_| viewing.set(None)
            aria-label=move || i18n.t().photo_viewer>
            {move || viewing.get().map(|(url, number)| view! {
                <img src=url alt=move || i18n.t().photo_alt.replace("{n}", &number.to_string()) />
            })}
            <button type="button" class="button button-primary" on:click=move |_| viewing.set(None)>
                {move || i18n.t().close}
            </button>
        </dialog>
    }
}
