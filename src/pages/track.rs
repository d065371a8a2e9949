use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use mashang_model::{Field, FieldError, LookupRequest, validate_lookup};
use std::future::Future;
use std::pin::Pin;

use crate::api::{Api, ApiError};
use crate::app::use_api;
use crate::components::{ComplaintCard, ErrorSummary, LoadBoundary, Page, SUMMARY_ID, TextInput, focus_element};
use crate::i18n::use_i18n;
use crate::lazy;

fn input_id(field: Field) -> &'static str {
    match field {
        Field::Phone => "track-phone",
        _ => "tracking-number",
    }
}

/// What the last lookup answered, when it got an answer.
#[derive(Clone)]
pub enum Outcome {
    /// The complaint's card, drawn by the lookup's chunk.
    Found(ViewFn),
    NotFound,
    /// The server found fault with what was typed.
    Invalid(Vec<FieldError>),
}

pub type LookupFuture = Pin<Box<dyn Future<Output = Result<Outcome, ApiError>>>>;

/// Asks the server and prepares the card. It is a chunk of its own (src/lazy.rs): the complaint,
/// its timeline and photos are not needed before the resident has typed a number, and keeping
/// them out of the first download makes the home screen start sooner.
pub fn lookup(api: Api, request: LookupRequest) -> LookupFuture {
    Box::pin(async move {
        match api.lookup(&request).await {
            Ok(complaint) => {
                Ok(Outcome::Found(ViewFn::from(move || view! { <ComplaintCard complaint=complaint.clone() /> })))
            }
            Err(error) if error.is_not_found() => Ok(Outcome::NotFound),
            Err(ApiError::Problem(problem)) if !problem.errors.is_empty() => Ok(Outcome::Invalid(problem.errors)),
            Err(error) => Err(error),
        }
    })
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
            // A chunk that does not arrive is a network failure like any other, with its retry.
            let result = match lazy::track_lookup().await {
                Ok(lookup) => lookup(api, request).await,
                Err(_) => Err(ApiError::Network),
            };
            if let Ok(Outcome::Invalid(found)) = result {
                errors.try_set(found);
                searching.try_set(false);
                focus_element(SUMMARY_ID);
                return;
            }
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
                    Outcome::Found(card) => card.run(),
                    Outcome::NotFound => view! { <p class="notice notice-warning" role="alert">{move || i18n.t().not_found_complaint}</p> }.into_any(),
                    Outcome::Invalid(_) => ().into_any(),
                })}
            </div>
        </Page>
    }
}
