use chrono::{DateTime, NaiveDateTime, Utc};
use leptos::ev::SubmitEvent;
use leptos::prelude::*;
use leptos_router::components::A;
use leptos_router::hooks::use_params_map;
use mashang_model::escalation::Card;
use mashang_model::lifecycle::Action;
use mashang_model::staff::{QueueItem, ReplyTemplate};
use mashang_model::time::china_standard_time;
use mashang_model::{
    Category, ComplaintView, EventKind, Field, FieldError, HandlerRole, StaffActionRequest, StaffRole, TrackingNumber,
    validate_staff_action,
};
use mashang_ui::format::{self, nfc};
use mashang_ui::live::Live;
use mashang_ui::{
    FieldMessage, LoadBoundary, PhotoItem, PhotoPicker, StatusBadge, Timeline, any_in_flight, has_error, uploaded_ids,
};
use std::time::Duration;

use crate::api::ApiError;
use crate::app::use_api;
use crate::components::Shell;
use crate::i18n::{Texts, use_i18n};
use crate::session::use_session;

/// What the resident does next appears this often without a reload.
const REFRESH_EVERY: Duration = Duration::from_secs(15);

#[component]
pub fn ComplaintPage() -> impl IntoView {
    let params = use_params_map();
    view! {
        <Shell title=|t| t.complaint_title>
            {move || match params.with(|p| p.get("number").and_then(|n| TrackingNumber::parse(&n))) {
                Some(number) => view! { <ComplaintView number /> }.into_any(),
                None => view! { <NotFound /> }.into_any(),
            }}
        </Shell>
    }
}

#[component]
fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="notice notice-warning">{move || i18n.t().complaint_not_found}</p>
        <A href=crate::paths::queue() attr:class="button">{move || i18n.t().back_to_queue}</A>
    }
}

#[component]
fn ComplaintView(number: TrackingNumber) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let session = use_session();
    let live = {
        let number = number.as_str().to_owned();
        Live::every(
            REFRESH_EVERY,
            move || {
                let (api, number) = (api.clone(), number.clone());
                async move { api.complaint(&number).await }
            },
            move |answer: &Result<ComplaintView, ApiError>| session.check_answer(answer),
        )
    };
    let complaint = live.data;
    // Memos, so that a refresh that brings nothing new re-renders nothing: an open form keeps
    // what is being typed, and a revealed contact stays shown.
    let shown = Memo::new(move |_| complaint.with(|c| c.as_ref().and_then(|c| c.as_ref().ok()).cloned()));
    let view_of = move || shown.get();
    let category = Memo::new(move |_| shown.with(|v| v.as_ref().map(|v| v.category.clone())));
    let missing = move || complaint.with(|c| matches!(c, Some(Err(e)) if e.is_not_found()));
    // Rebuilt only when what is allowed changes, so a refresh never wipes what is being typed.
    let actions = Memo::new(move |_| {
        complaint.with(|c| c.as_ref().and_then(|c| c.as_ref().ok()).map(|c| c.available_actions.clone()))
    });
    let done = RwSignal::new(None::<Action>);
    let on_done = Callback::new(move |(action, view): (Action, ComplaintView)| {
        complaint.set(Some(Ok(view)));
        done.set(Some(action));
        mashang_ui::focus_element("action-status");
    });
    let number_text = number.as_str().to_owned();
    view! {
        <A href=crate::paths::queue() attr:class="wb-back">
            <span aria-hidden="true">"‹ "</span>{move || i18n.t().back_to_queue}
        </A>
        {move || missing().then(|| view! { <NotFound /> })}
        <LoadBoundary
            outcome=Signal::derive({
                let outcome = live.outcome();
                move || outcome.get().filter(|_| !missing())
            })
            retry={
                let live = live.clone();
                move |()| live.reload()
            }
        />
        {move || complaint.with(|c| c.is_none()).then(|| view! { <p class="loading" role="status">{move || i18n.t().loading}</p> })}
        <p id="action-status" class="action-status" role="status" tabindex="-1">
            {move || done.get().map(|action| i18n.t().action_done.replace("{action}", i18n.t().staff_action(action)))}
        </p>
        {move || view_of().map(|view| view! { <Facts view /> })}
        {move || {
            let number = number_text.clone();
            let category = category.get()?;
            actions.get().filter(|a| !a.is_empty()).map(|actions| view! { <StaffActions number actions category on_done /> })
        }}
        {move || view_of().map(|view| view! {
            <section class="card" aria-labelledby="timeline-title">
                <h2 id="timeline-title">{move || i18n.t().timeline_title}</h2>
                <Timeline events=view.timeline />
            </section>
        })}
    }
}

/// Everything the resident gave, the deadlines, and who filed it (masked until revealed).
#[component]
fn Facts(view: ComplaintView) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let ComplaintView {
        tracking_number,
        status,
        filed_at,
        community,
        property_company,
        category,
        location,
        description,
        phone,
        name,
        handling_unit,
        handler_role,
        sign_deadline,
        resolve_deadline,
        escalation,
        timeline,
        hide_identity_from_property,
        ..
    } = view;
    let raised = timeline.iter().any(|event| event.kind == EventKind::Escalated);
    let demanded =
        timeline.iter().rev().find_map(|e| e.escalation.as_ref().and_then(|d| d.resolve_due_at.or(d.sign_due_at)));
    let handles = match session.role() {
        Some(StaffRole::PropertyCompany) => handler_role == HandlerRole::PropertyCompany,
        Some(StaffRole::CommunityOffice) => handler_role == HandlerRole::CommunityOffice,
        _ => false,
    };
    let number = tracking_number.as_str().to_owned();
    let deadline = move |label: fn(&Texts) -> &'static str, deadline: mashang_model::deadline::Deadline| {
        view! {
            <dt>{move || label(i18n.t())}</dt>
            <dd>
                <time datetime=deadline.due_at.to_rfc3339()>{move || format::datetime(i18n.t(), deadline.due_at)}</time>
                " "
                {move || due_text(i18n.t(), deadline.pending, deadline.overdue, deadline.due_at)}
            </dd>
        }
    };
    view! {
        <section class="card wb-facts" aria-labelledby="facts-title">
            <h2 id="facts-title" class="tracking-number">{tracking_number.grouped()}</h2>
            <p><StatusBadge status /></p>
            {move || i18n.t().escalation_banner(&escalation, raised, demanded).map(|text| view! { <p class="notice notice-escalation">{text}</p> })}
            <dl class="facts">
                <dt>{move || i18n.t().col_community}</dt><dd>{community}" · "{property_company}</dd>
                <dt>{move || i18n.t().col_category}</dt><dd>{move || i18n.locale.get().pick(&category)}</dd>
                <dt>{move || i18n.t().location_label}</dt><dd>{location}</dd>
                <dt>{move || i18n.t().description_label}</dt><dd class="description-text">{description}</dd>
                <dt>{move || i18n.t().filed_at_label}</dt><dd>{move || format::datetime(i18n.t(), filed_at)}</dd>
                <dt>{move || i18n.t().handling_unit_label}</dt><dd>{handling_unit}</dd>
                {deadline(|t| t.sign_due_label, sign_deadline)}
                {deadline(|t| t.resolve_due_label, resolve_deadline)}
            </dl>
            <Contact number phone name hidden=handles && hide_identity_from_property && handler_role == HandlerRole::PropertyCompany can_reveal=handles />
        </section>
    }
}

/// Masked phone and name; the handling unit may show them in full, which is audit-logged.
#[component]
fn Contact(number: String, phone: String, name: Option<String>, hidden: bool, can_reveal: bool) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let session = use_session();
    let revealed = RwSignal::new(None::<mashang_model::staff::RevealedContact>);
    let failure = RwSignal::new(None::<String>);
    if hidden {
        return view! { <p class="notice">{move || i18n.t().identity_hidden}</p> }.into_any();
    }
    let reveal = move |_| {
        let (api, number) = (api.clone(), number.clone());
        leptos::task::spawn_local(async move {
            match api.reveal_contact(&number).await {
                Ok(contact) => {
                    revealed.try_set(Some(contact));
                }
                Err(error) => {
                    session.check(&error);
                    let text = if error.status() == Some(403) {
                        i18n.t().reveal_refused.to_owned()
                    } else {
                        i18n.t().api_error(&error)
                    };
                    failure.try_set(Some(text));
                }
            }
        });
    };
    view! {
        <dl class="facts wb-contact">
            <dt>{move || i18n.t().contact_phone}</dt>
            <dd>{move || match revealed.get() {
                Some(contact) => view! { <a href=format!("tel:{}", contact.phone)>{contact.phone.clone()}</a> }.into_any(),
                None => view! { <span>{phone.clone()}</span> }.into_any(),
            }}</dd>
            <dt>{move || i18n.t().contact_name}</dt>
            <dd>{move || revealed.get().map(|c| c.name).unwrap_or_else(|| name.clone()).unwrap_or_else(|| i18n.t().none_given.to_owned())}</dd>
        </dl>
        {can_reveal.then(|| view! {
            <button type="button" class="button" hidden=move || revealed.with(Option::is_some) on:click=reveal>
                {move || i18n.t().reveal_contact}
            </button>
            <p class="hint">{move || i18n.t().reveal_hint}</p>
        })}
        <p class="form-error" role="alert">{move || failure.get()}</p>
    }
    .into_any()
}

/// "Due in 3 h", or "overdue", for a deadline still waiting.
fn due_text(t: &Texts, pending: bool, overdue: bool, due_at: DateTime<Utc>) -> String {
    match (pending, overdue) {
        (true, true) => t.overdue.to_owned(),
        (true, false) => format::time_left(t, due_at - Utc::now()),
        (false, true) => t.done_late.to_owned(),
        (false, false) => t.done_on_time.to_owned(),
    }
}

/// The next due time of a queue row, and whether it has passed.
#[component]
pub fn DueCell(item: QueueItem) -> impl IntoView {
    let i18n = use_i18n();
    let due = item.next_due();
    let overdue = item.overdue();
    view! {
        <span class=if overdue { "overdue-badge" } else { "time-left" }>
            {move || if overdue { i18n.t().overdue.to_owned() } else { format::time_left(i18n.t(), due - Utc::now()) }}
        </span>
    }
}

/// Escalation, card and neighbours joined, as short marks.
#[component]
pub fn Flags(item: QueueItem) -> impl IntoView {
    let i18n = use_i18n();
    let card = item.complaint.card;
    let escalated = item.escalated();
    let joins = item.joins;
    view! {
        <span class="wb-flags">
            {(card == Card::Red).then(|| view! { <span class="chip wb-flag-red">{move || i18n.t().flag_red}</span> })}
            {(card == Card::Yellow).then(|| view! { <span class="chip wb-flag-yellow">{move || i18n.t().flag_yellow}</span> })}
            {(escalated && card == Card::None).then(|| view! { <span class="chip">{move || i18n.t().flag_escalated}</span> })}
            {(joins > 0).then(|| view! { <span class="chip">{move || i18n.t().flag_joins.replace("{n}", &joins.to_string())}</span> })}
        </span>
    }
}

/// The actions the lifecycle allows this role now; each opens its small form.
#[component]
fn StaffActions(
    number: String,
    actions: Vec<Action>,
    category: mashang_model::LocalizedText,
    on_done: Callback<(Action, ComplaintView)>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let session = use_session();
    let open = RwSignal::new(None::<Action>);
    let note = RwSignal::new(String::new());
    let due = RwSignal::new(String::new());
    let units = RwSignal::new(String::new());
    let transfer_to = RwSignal::new(HandlerRole::CommunityOffice);
    let photos = RwSignal::new(Vec::<PhotoItem>::new());
    let errors = RwSignal::new(Vec::<FieldError>::new());
    let failure = RwSignal::new(None::<String>);
    let sending = RwSignal::new(false);
    let templates = LocalResource::new({
        let api = api.clone();
        move || {
            let api = api.clone();
            async move { (api.templates().await.unwrap_or_default(), api.categories().await.unwrap_or_default()) }
        }
    });
    let template =
        Memo::new(move |_| templates.get().and_then(|(templates, tree)| template_for(&templates, &tree, &category)));

    let choose = move |action: Action| {
        open.set(if open.get_untracked() == Some(action) { None } else { Some(action) });
        note.set(String::new());
        due.set(String::new());
        photos.set(Vec::new());
        errors.set(Vec::new());
        failure.set(None);
    };
    let send = move |action: Action| {
        if sending.get_untracked() {
            return;
        }
        if photos.with_untracked(|list| any_in_flight(list)) {
            failure.set(Some(i18n.t().photos_busy.to_owned()));
            return;
        }
        let request = StaffActionRequest {
            action,
            note: nfc(&note.get_untracked()),
            transfer_to: (action == Action::Transfer).then(|| transfer_to.get_untracked()),
            photo_ids: photos.with_untracked(|list| uploaded_ids(list)),
            due_at: parse_local(&due.get_untracked()),
            units: units
                .get_untracked()
                .split(['、', ',', '，'])
                .map(str::trim)
                .filter(|u| !u.is_empty())
                .map(str::to_owned)
                .collect(),
        };
        if let Err(found) = validate_staff_action(&request) {
            errors.set(found);
            return;
        }
        errors.set(Vec::new());
        failure.set(None);
        sending.set(true);
        let (api, number) = (api.clone(), number.clone());
        leptos::task::spawn_local(async move {
            let result = api.act(&number, &request).await;
            sending.try_set(false);
            match result {
                Ok(view) => {
                    open.try_set(None);
                    on_done.run((action, view));
                }
                Err(ApiError::Problem(problem)) if !problem.errors.is_empty() => {
                    errors.try_set(problem.errors.clone());
                }
                Err(error) => {
                    session.check(&error);
                    failure.try_set(Some(i18n.t().api_error(&error)));
                }
            }
        });
    };
    let on_submit = move |ev: SubmitEvent| {
        ev.prevent_default();
        if let Some(action) = open.get_untracked() {
            send(action);
        }
    };
    let buttons = actions
        .into_iter()
        .map(|action| {
            view! {
                <button type="button" class="button" class:button-primary=action == Action::Accept
                    aria-expanded=move || (open.get() == Some(action)).to_string() aria-controls="action-form"
                    on:click=move |_| choose(action)>
                    {move || i18n.t().staff_action(action)}
                </button>
            }
        })
        .collect_view();
    view! {
        <section class="card actions" aria-labelledby="actions-title">
            <h2 id="actions-title">{move || i18n.t().actions_title}</h2>
            <div class="action-buttons">{buttons}</div>
            {move || open.get().map(|action| view! {
                <form id="action-form" class="action-form" novalidate on:submit=on_submit.clone()>
                    {(action == Action::Transfer).then(|| view! {
                        <div class="field">
                            <label for="transfer-to">{move || i18n.t().transfer_to_label}</label>
                            <select id="transfer-to" on:change:target=move |ev| transfer_to.set(
                                if ev.target().value() == "property_company" { HandlerRole::PropertyCompany } else { HandlerRole::CommunityOffice })>
                                <option value="community_office">{move || i18n.t().to_street_office}</option>
                                <option value="property_company">{move || i18n.t().to_property_company}</option>
                            </select>
                        </div>
                    })}
                    {matches!(action, Action::Supervise | Action::ScheduleConsultation).then(|| view! {
                        <div class="field" class:field-invalid=has_error(errors, Field::DueAt)>
                            <label for="action-due">{move || if action == Action::Supervise { i18n.t().due_label } else { i18n.t().meeting_label }}</label>
                            <FieldMessage input_id="action-due" field=Field::DueAt errors />
                            <input id="action-due" type="datetime-local" prop:value=move || due.get()
                                on:input:target=move |ev| due.set(ev.target().value()) />
                        </div>
                    })}
                    {(action == Action::ScheduleConsultation).then(|| view! {
                        <div class="field">
                            <label for="action-units">{move || i18n.t().units_label}</label>
                            <p class="hint" id="action-units-hint">{move || i18n.t().units_hint}</p>
                            <input id="action-units" type="text" aria-describedby="action-units-hint" prop:value=move || units.get()
                                on:input:target=move |ev| units.set(ev.target().value()) />
                        </div>
                    })}
                    {(action == Action::Resolve).then(|| template.get().map(|text| view! {
                        <button type="button" class="button button-small" on:click=move |_| note.set(text.clone())>
                            {move || i18n.t().use_template}
                        </button>
                    }))}
                    {view! {
                        <div class="field" class:field-invalid=has_error(errors, Field::Note)>
                            <label for="action-note">{move || i18n.t().note_label(action)}</label>
                            <FieldMessage input_id="action-note" field=Field::Note errors />
                            <textarea id="action-note" rows="4"
                                aria-invalid=move || has_error(errors, Field::Note)().to_string()
                                aria-describedby=move || if has_error(errors, Field::Note)() { "action-note-error" } else { "" }
                                prop:value=move || note.get()
                                on:input:target=move |ev| note.set(ev.target().value())></textarea>
                        </div>
                    }}
                    {(action == Action::Resolve).then(|| view! { <PhotoPicker photos errors camera=true /> })}
                    <p class="form-error" role="alert">{move || failure.get()}</p>
                    <div class="action-buttons">
                        <button type="submit" class="button button-primary" aria-disabled=move || sending.get().to_string()>
                            {move || if sending.get() { i18n.t().sending } else { i18n.t().send }}
                        </button>
                        <button type="button" class="button" on:click=move |_| open.set(None)>{move || i18n.t().cancel}</button>
                    </div>
                </form>
            })}
        </section>
    }
}

/// The unit's reply for this complaint's category, found by the category's name.
fn template_for(
    templates: &[ReplyTemplate],
    tree: &[Category],
    category: &mashang_model::LocalizedText,
) -> Option<String> {
    let id = tree.iter().flat_map(|group| group.children.iter()).find(|leaf| leaf.name.zh == category.zh)?.id;
    templates.iter().find(|t| t.category_id == id).map(|t| t.text.clone())
}

/// A `datetime-local` value, read as China time.
fn parse_local(value: &str) -> Option<DateTime<Utc>> {
    let naive = NaiveDateTime::parse_from_str(value, "%Y-%m-%dT%H:%M").ok()?;
    naive.and_local_timezone(china_standard_time()).single().map(|at| at.with_timezone(&Utc))
}
