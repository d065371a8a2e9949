use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use mashang_model::{Field, FieldError, ResidentSession};

use crate::api::ApiError;
use crate::app::use_api;
use crate::complaint_list::{self, ListFilter, Row};
use crate::components::{Choice, LoadBoundary, Page, StatusBadge, TextInput};
use crate::i18n::use_i18n;
use crate::{paths, storage};

/// The complaints filed on this device and, after signing in by SMS code, every complaint filed
/// with that phone; newest first, each once.
#[component]
pub fn MyComplaintsPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let session = RwSignal::new(storage::resident_session());
    // The list, and the first error if any of it could not be loaded (then the resident is told,
    // and can retry).
    let complaints = LocalResource::new(move || complaint_list::load(api.clone(), session.get()));
    view! {
        <Page title=|t| t.mine_title back=true>
            <p class="intro">{move || i18n.t().mine_hint}</p>
            <LoadBoundary
                outcome=Signal::derive(move || complaints.get().map(|(_, incomplete)| incomplete))
                retry=move |()| complaints.refetch()
                message=|t| t.mine_incomplete
            />
            {move || match complaints.get() {
                None => view! { <p class="loading" role="status">{move || i18n.t().loading}</p> }.into_any(),
                Some((list, Ok(()))) if list.is_empty() => view! { <p class="notice">{move || i18n.t().mine_empty}</p> }.into_any(),
                Some((list, _)) => view! { <FilteredList list /> }.into_any(),
            }}
            <SignIn session />
        </Page>
    }
}

/// The list with a choice of all, those being handled, or those finished.
#[component]
fn FilteredList(list: Vec<Row>) -> impl IntoView {
    let i18n = use_i18n();
    let filter = RwSignal::new(Some(ListFilter::All));
    let shown = move || {
        let filter = filter.get().unwrap_or(ListFilter::All);
        list.iter().filter(|row| filter.shows(row.status)).cloned().collect::<Vec<_>>()
    };
    view! {
        <Choice legend=|t| t.mine_filter name="list-filter" value=filter
            options=vec![ListFilter::All, ListFilter::Open, ListFilter::Finished] label=|t, f| t.list_filter(f) row=true />
        {move || {
            let rows = shown();
            if rows.is_empty() {
                view! { <p class="notice">{move || i18n.t().mine_none_in_filter}</p> }.into_any()
            } else {
                view! { <ul class="complaint-list">{rows.into_iter().map(|row| view! { <ComplaintRow row /> }).collect_view()}</ul> }.into_any()
            }
        }}
    }
}

#[component]
fn ComplaintRow(row: Row) -> impl IntoView {
    let i18n = use_i18n();
    let Row { number, status, community, category, overdue, unseen } = row;
    view! {
        <li>
            <A href=paths::complaint(&number) attr:class="complaint-row">
                <span class="complaint-row-top">
                    <StatusBadge status />
                    {overdue.then(|| view! { <span class="overdue-badge">{move || i18n.t().overdue}</span> })}
                    {unseen.then(|| view! { <span class="update-badge">{move || i18n.t().new_update}</span> })}
                </span>
                <strong>{move || i18n.locale.get().pick(&category)}</strong>
                <span>{community}</span>
                <span class="tracking-number-small">{number.grouped()}</span>
            </A>
        </li>
    }
}

/// Sign-in by phone and SMS code; or, when signed in, who and a way out.
#[component]
fn SignIn(session: RwSignal<Option<ResidentSession>>) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let phone = RwSignal::new(String::new());
    let code = RwSignal::new(String::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let code_sent = RwSignal::new(false);
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);

    let send_code = {
        let api = api.clone();
        move |_| {
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            let api = api.clone();
            leptos::task::spawn_local(async move {
                let result = api.request_code(&phone.get_untracked()).await;
                busy.try_set(false);
                match result {
                    Ok(_) => {
                        errors.try_set(Vec::new());
                        code_sent.try_set(true);
                        message.try_set(Some(i18n.t().code_sent.to_owned()));
                    }
                    Err(ApiError::Problem(problem)) if !problem.errors.is_empty() => {
                        errors.try_set(problem.errors);
                    }
                    Err(error) => {
                        message.try_set(Some(i18n.t().api_error(&error)));
                    }
                }
            });
        }
    };
    let verify = move |ev: SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let api = api.clone();
        leptos::task::spawn_local(async move {
            let result = api.verify_code(&phone.get_untracked(), code.get_untracked().trim()).await;
            busy.try_set(false);
            match result {
                Ok(signed_in) => {
                    storage::keep_resident_session(&signed_in);
                    message.try_set(None);
                    session.try_set(Some(signed_in));
                }
                Err(ApiError::Problem(problem)) if problem.status == 401 => {
                    message.try_set(Some(i18n.t().code_rejected.to_owned()));
                }
                Err(error) => {
                    message.try_set(Some(i18n.t().api_error(&error)));
                }
            }
        });
    };

    view! {
        <section class="card signin" aria-labelledby="signin-title">
            <h2 id="signin-title">{move || i18n.t().signin_title}</h2>
            {move || match session.get() {
                Some(signed_in) => view! {
                    <p>{move || i18n.t().signed_in_as.replace("{phone}", &signed_in.phone_masked)}</p>
                    <button type="button" class="button" on:click=move |_| {
                        storage::forget_resident_session();
                        session.set(None);
                    }>{move || i18n.t().sign_out}</button>
                }.into_any(),
                None => {
                    let send_code = send_code.clone();
                    let verify = verify.clone();
                    view! {
                        <p class="hint">{move || i18n.t().signin_hint}</p>
                        <form novalidate on:submit=verify>
                            <TextInput id="signin-phone" field=Field::Phone label=|t| t.phone_label hint=|t| t.track_phone_hint
                                value=phone errors required=true input_type="tel" inputmode="tel" autocomplete="tel" />
                            <button type="button" class="button" on:click=send_code>{move || i18n.t().send_code}</button>
                            <div hidden=move || !code_sent.get()>
                                <TextInput id="signin-code" field=Field::Other label=|t| t.code_label hint=|t| t.code_hint
                                    value=code errors required=true inputmode="numeric" autocomplete="one-time-code" />
                                <button type="submit" class="button button-primary">{move || i18n.t().sign_in}</button>
                            </div>
                        </form>
                    }.into_any()
                }
            }}
            <p class="signin-message" role="status">{move || message.get()}</p>
        </section>
    }
}
