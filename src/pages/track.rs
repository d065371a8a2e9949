use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use mashang_model::{ComplaintView, Field, FieldError, LookupRequest, validate_lookup};

use crate::api::ApiError;
use crate::app::use_api;
use crate::components::{ComplaintCard, ErrorSummary, LoadBoundary, Page, SUMMARY_ID, TextInput, focus_element};
use crate::i18n::use_i18n;

fn input_id(field: Field) -> &'static str {
    match field {
        Field::Phone => "track-phone",
        _ => "tracking-number",
    }
}

/// What the last lookup answered, when it got an answer.
#[derive(Clone)]
enum Outcome {
    Found(Box<ComplaintView>),
    NotFound,
}

#[component]
pub fn TrackPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let query = use_query_map();
    // A shared link carries the number only; the phone is always typed by the resident.
    let number = RwSignal::new(query.with_untracked(|q| q.get("number")).unwrap_or_default());
    let phone = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let searching = RwSignal::new(false);
    let outcome = RwSignal::new(None::<Result<Outcome, ApiError>>);

    let search = Callback::new(move |()| {
        if searching.get_untracked() {
            return;
        }
        let request = LookupRequest { tracking_number: number.get_untracked(), phone: phone.get_untracked() };
        if let Err(found) = validate_lookup(&request) {
            errors.set(found);
            focus_element(SUMMARY_ID);
            return;
        }
        errors.set(Vec::new());
        searching.set(true);
        let api = api.clone();
        leptos::task::spawn_local(async move {
            let result = match api.lookup(&request).await {
                Ok(view) => Ok(Outcome::Found(Box::new(view))),
                Err(error) if error.is_not_found() => Ok(Outcome::NotFound),
                Err(ApiError::Problem(problem)) if !problem.errors.is_empty() => {
                    errors.try_set(problem.errors);
                    searching.try_set(false);
                    focus_element(SUMMARY_ID);
                    return;
                }
                Err(error) => Err(error),
            };
            searching.try_set(false);
            outcome.try_set(Some(result));
            focus_element("lookup-result");
        });
    });
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        search.run(());
    };

    view! {
        <Page title=|t| t.track_title back=true>
            <p class="intro">{move || i18n.t().track_intro}</p>
            <ErrorSummary errors input_id />
            <form class="lookup-form" novalidate on:submit=on_submit>
                <TextInput
                    id="tracking-number"
                    field=Field::TrackingNumber
                    label=|t| t.tracking_number_label
                    hint=|t| t.tracking_number_hint
                    value=number
                    errors
                    required=true
                    inputmode="numeric"
                />
                <TextInput
                    id="track-phone"
                    field=Field::Phone
                    label=|t| t.phone_label
                    hint=|t| t.track_phone_hint
                    value=phone
                    errors
                    required=true
                    input_type="tel"
                    inputmode="tel"
                    autocomplete="tel"
                />
                <button type="submit" class="button button-primary button-block" aria-disabled=move || searching.get().to_string()>
                    {move || if searching.get() { i18n.t().track_searching } else { i18n.t().track_submit }}
                </button>
            </form>
            <div id="lookup-result" tabindex="-1" class="lookup-result">
                <LoadBoundary
                    outcome=Signal::derive(move || outcome.with(|o| o.as_ref().map(|o| o.as_ref().map(|_| ()).map_err(Clone::clone))))
                    retry=search
                />
                {move || outcome.get().and_then(Result::ok).map(|outcome| match outcome {
                    Outcome::Found(view) => view! { <ComplaintCard complaint=*view /> }.into_any(),
                    Outcome::NotFound => view! { <p class="notice notice-warning" role="alert">{move || i18n.t().not_found_complaint}</p> }.into_any(),
                })}
            </div>
        </Page>
    }
}
