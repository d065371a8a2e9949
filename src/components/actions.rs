use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use mashang_model::lifecycle::Action;
use mashang_model::{
    ComplaintView, Field, FieldError, Rating, ResidentActionRequest, Satisfaction, Solved, validate_resident_action,
};

use super::{Choice, FieldMessage, PhotoItem, PhotoPicker, any_in_flight, has_error, uploaded_ids};
use crate::app::use_api;
use crate::format::nfc;
use crate::i18n::use_i18n;

/// The resident's actions that the lifecycle allows right now, and only those: each button opens
/// its small form; a sent action hands the updated complaint to `on_done`, which confirms it
/// (this panel is rebuilt when the allowed actions change, so it cannot hold the confirmation).
#[component]
pub fn ResidentActions(
    number: String,
    token: String,
    actions: Vec<Action>,
    on_done: Callback<ComplaintView>,
) -> impl IntoView {
    let i18n = use_i18n();
    let open = RwSignal::new(None::<Action>);
    let note = RwSignal::new(String::new());
    let solved = RwSignal::new(None::<Solved>);
    let satisfaction = RwSignal::new(None::<Satisfaction>);
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let photos = RwSignal::new(Vec::<PhotoItem>::new());
    let api = use_api();

    let choose = move |action: Action| {
        open.set(if open.get_untracked() == Some(action) { None } else { Some(action) });
        note.set(String::new());
        photos.set(Vec::new());
        errors.set(Vec::new());
        failure.set(None);
    };

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        let Some(action) = open.get_untracked() else { return };
        if sending.get_untracked() {
            return;
        }
        let rating = match (solved.get_untracked(), satisfaction.get_untracked()) {
            (Some(solved), Some(satisfaction)) if action == Action::Rate => Some(Rating { solved, satisfaction }),
            _ => None,
        };
        if photos.with_untracked(|list| any_in_flight(list)) {
            failure.set(Some(i18n.t().photos_busy.to_owned()));
            return;
        }
        let photo_ids = photos.with_untracked(|list| uploaded_ids(list));
        let request = ResidentActionRequest { action, note: nfc(&note.get_untracked()), rating, photo_ids };
        if let Err(found) = validate_resident_action(&request) {
            errors.set(found);
            return;
        }
        errors.set(Vec::new());
        sending.set(true);
        let (api, number, token) = (api.clone(), number.clone(), token.clone());
        leptos::task::spawn_local(async move {
            let result = api.act(&number, &token, &request).await;
            sending.try_set(false);
            match result {
                Ok(view) => {
                    open.try_set(None);
                    on_done.run(view);
                }
                Err(error) => {
                    failure.try_set(Some(i18n.t().api_error(&error)));
                }
            }
        });
    };

    let buttons = actions
        .into_iter()
        .map(|action| {
            view! {
                <button
                    type="button"
                    class="button"
                    class:button-danger=action == Action::Withdraw
                    aria-expanded=move || (open.get() == Some(action)).to_string()
                    aria-controls="action-form"
                    on:click=move |_| choose(action)
                >
                    {move || i18n.t().action(action)}
                </button>
            }
        })
        .collect_view();

    view! {
        <section class="card actions" aria-labelledby="actions-title">
            <h2 id="actions-title">{move || i18n.t().actions_title}</h2>
            <div class="action-buttons">{buttons}</div>
            {move || open.get().map(|action| {
                let on_submit = on_submit.clone();
                view! {
                <form id="action-form" class="action-form" novalidate on:submit=on_submit>
                    {match action {
                        Action::Urge => view! { <p>{move || i18n.t().urge_hint}</p> }.into_any(),
                        Action::Withdraw => view! { <p>{move || i18n.t().withdraw_confirm}</p> }.into_any(),
                        Action::Rate => view! {
                            <Choice legend=|t| t.rate_solved_label name="solved" value=solved
                                options=vec![Solved::Yes, Solved::Partly, Solved::No] label=|t, v| t.solved(v) />
                            <Choice legend=|t| t.rate_satisfaction_label name="satisfaction" value=satisfaction
                                options=vec![Satisfaction::Satisfied, Satisfaction::BasicallySatisfied, Satisfaction::Dissatisfied]
                                label=|t, v| t.satisfaction(v) />
                            <FieldMessage input_id="rating" field=Field::Rating errors />
                            <NoteField label=|t| t.comment_label note errors />
                        }.into_any(),
                        Action::Reopen => view! { <NoteField label=|t| t.reopen_hint note errors /> }.into_any(),
                        _ => view! {
                            <NoteField label=|t| t.supplement_hint note errors />
                            <PhotoPicker photos errors />
                        }.into_any(),
                    }}
                    <p class="form-error" role="alert">{move || failure.get()}</p>
                    <div class="action-buttons">
                        <button type="submit" class="button button-primary" aria-disabled=move || sending.get().to_string()>
                            {move || match (sending.get(), action) {
                                (true, _) => i18n.t().sending,
                                (false, Action::Withdraw) => i18n.t().confirm_withdraw,
                                (false, _) => i18n.t().send,
                            }}
                        </button>
                        <button type="button" class="button" on:click=move |_| open.set(None)>{move || i18n.t().cancel}</button>
                    </div>
                </form>
                }
            })}
        </section>
    }
}

/// The written part of an action: a supplement, an explanation, a comment.
#[component]
fn NoteField(
    label: fn(&crate::i18n::Texts) -> &'static str,
    note: RwSignal<String>,
    errors: RwSignal<Vec<FieldError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field" class:field-invalid=has_error(errors, Field::Note)>
            <label for="action-note">{move || label(i18n.t())}</label>
            <FieldMessage input_id="action-note" field=Field::Note errors />
            <textarea
                id="action-note"
                rows="4"
                aria-invalid=move || has_error(errors, Field::Note)().to_string()
                aria-describedby=move || if has_error(errors, Field::Note)() { "action-note-error" } else { "" }
                prop:value=move || note.get()
                on:input:target=move |ev| note.set(ev.target().value())
            ></textarea>
        </div>
    }
}
