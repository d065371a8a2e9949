use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use mashang_model::deadline::Deadline;
use mashang_model::{ComplaintView, Field, FieldError, LookupRequest, validate_lookup};

use crate::api::ApiError;
use crate::app::use_api;
use crate::components::{ErrorSummary, Page, SUMMARY_ID, StatusBadge, TextInput, Timeline, focus_element};
use crate::format;
use crate::i18n::use_i18n;

fn input_id(field: Field) -> &'static str {
    match field {
        Field::Phone => "track-phone",
        _ => "tracking-number",
    }
}

/// What the last lookup answered.
#[derive(Clone)]
enum Outcome {
    Found(Box<ComplaintView>),
    NotFound,
    Failed(ApiError),
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
    let outcome = RwSignal::new(None::<Outcome>);

    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
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
                Ok(view) => Outcome::Found(Box::new(view)),
                Err(error) if error.is_not_found() => Outcome::NotFound,
                Err(ApiError::Problem(problem)) if !problem.errors.is_empty() => {
                    errors.try_set(problem.errors);
                    searching.try_set(false);
                    focus_element(SUMMARY_ID);
                    return;
                }
                Err(error) => Outcome::Failed(error),
            };
            searching.try_set(false);
            outcome.try_set(Some(result));
            focus_element("lookup-result");
        });
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
                {move || outcome.get().map(|outcome| match outcome {
                    Outcome::Found(view) => view! { <ComplaintCard complaint=*view /> }.into_any(),
                    Outcome::NotFound => view! { <p class="notice notice-warning" role="alert">{move || i18n.t().not_found_complaint}</p> }.into_any(),
                    Outcome::Failed(error) => view! { <p class="notice notice-error" role="alert">{move || i18n.t().api_error(&error)}</p> }.into_any(),
                })}
            </div>
        </Page>
    }
}

/// A complaint as its resident sees it: where it stands, what it was about, and every step.
#[component]
fn ComplaintCard(complaint: ComplaintView) -> impl IntoView {
    let i18n = use_i18n();
    let ComplaintView {
        tracking_number,
        status,
        filed_at,
        updated_at,
        community,
        property_company,
        category,
        location,
        description,
        phone,
        name,
        handling_unit,
        sign_deadline,
        resolve_deadline,
        timeline,
        ..
    } = complaint;
    let grouped = tracking_number.grouped();
    view! {
        <section class="card complaint-card" aria-labelledby="result-title">
            <h2 id="result-title">{move || i18n.t().result_title}</h2>
            <dl class="facts">
                <dt>{move || i18n.t().tracking_number_label}</dt>
                <dd class="tracking-number-small">{grouped}</dd>
                <dt>{move || i18n.t().result_status}</dt>
                <dd><StatusBadge status /></dd>
                <dt>{move || i18n.t().result_community}</dt>
                <dd>{format!("{community}（{property_company}）")}</dd>
                <dt>{move || i18n.t().result_category}</dt>
                <dd>{move || i18n.locale.get().pick(&category)}</dd>
                {(!location.is_empty()).then(|| view! {
                    <dt>{move || i18n.t().result_location}</dt>
                    <dd>{location}</dd>
                })}
                <dt>{move || i18n.t().result_handling_unit}</dt>
                <dd>{handling_unit}</dd>
                <dt>{move || i18n.t().result_filed_at}</dt>
                <dd><time datetime=filed_at.to_rfc3339()>{move || format::datetime(i18n.t(), filed_at)}</time></dd>
                <dt>{move || i18n.t().result_updated_at}</dt>
                <dd><time datetime=updated_at.to_rfc3339()>{move || format::datetime(i18n.t(), updated_at)}</time></dd>
                <dt>{move || i18n.t().result_sign_deadline}</dt>
                <dd><DeadlineText deadline=sign_deadline /></dd>
                <dt>{move || i18n.t().result_resolve_deadline}</dt>
                <dd><DeadlineText deadline=resolve_deadline /></dd>
                {name.map(|name| view! {
                    <dt>{move || i18n.t().result_name}</dt>
                    <dd>{name}</dd>
                })}
                <dt>{move || i18n.t().result_phone}</dt>
                <dd>{phone}</dd>
            </dl>
            <h3>{move || i18n.t().result_description}</h3>
            <p class="description-text">{description}</p>
            <h3>{move || i18n.t().timeline_title}</h3>
            <Timeline events=timeline />
        </section>
    }
}

/// A due time, with a badge when it was missed.
#[component]
fn DeadlineText(deadline: Deadline) -> impl IntoView {
    let i18n = use_i18n();
    let Deadline { due_at, overdue } = deadline;
    view! {
        <time datetime=due_at.to_rfc3339()>{move || format::datetime(i18n.t(), due_at)}</time>
        {overdue.then(|| view! { " " <span class="overdue-badge">{move || i18n.t().overdue}</span> })}
    }
}
