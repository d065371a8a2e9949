use leptos::prelude::*;
use mashang_model::lifecycle::Action;
use mashang_model::staff::{DEFAULT_QUEUE_PAGE, MAX_QUEUE_PAGE, Queue, QueueItem, QueueQuery};
use mashang_model::{Category, Community, ComplaintStatus, StaffActionRequest};
use mashang_ui::LoadBoundary;
use mashang_ui::live::Live;
use std::time::Duration;
use wasm_bindgen::JsCast;

use crate::api::ApiError;
use crate::app::use_api;
use crate::components::Shell;
use crate::i18n::use_i18n;
use crate::pages::complaint::{DueCell, Flags};
use crate::session::use_session;

/// New complaints and what residents did appear this often without a reload.
const REFRESH_EVERY: Duration = Duration::from_secs(15);
/// Rows rendered before the first paint; the rest of the page follows right after it, so that a
/// slow phone shows the most urgent complaints without waiting for a hundred rows.
const FIRST_ROWS: usize = 15;

const OPEN_STAGES: [ComplaintStatus; 4] =
    [ComplaintStatus::Submitted, ComplaintStatus::Accepted, ComplaintStatus::InProgress, ComplaintStatus::NeedsInfo];

/// 待办: the unit's open complaints, the most urgent first.
#[component]
pub fn QueuePage() -> impl IntoView {
    view! { <Shell title=|t| t.queue_title><QueueView /></Shell> }
}

#[component]
fn QueueView() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let session = use_session();
    let query = RwSignal::new(QueueQuery::default());
    let live = Live::every(
        REFRESH_EVERY,
        {
            let api = api.clone();
            move || {
                let (api, wanted) = (api.clone(), query.get_untracked());
                let ready = (wanted == QueueQuery::default()).then(|| session.take_first_queue()).flatten();
                async move {
                    match ready {
                        Some(queue) => Ok(queue),
                        None => api.queue(&wanted).await,
                    }
                }
            }
        },
        move |answer: &Result<Queue, ApiError>| session.check_answer(answer),
    );
    let queue = live.data;
    live.reload_on_change(query);
    let load = {
        let live = live.clone();
        move || live.reload()
    };

    let selected = RwSignal::new(Vec::<String>::new());
    let bulk_message = RwSignal::new(None::<String>);
    let sign_selected = {
        let (api, load) = (api.clone(), load.clone());
        move |_| {
            let numbers = selected.get_untracked();
            if numbers.is_empty() {
                return;
            }
            let (api, load) = (api.clone(), load.clone());
            leptos::task::spawn_local(async move {
                let request = StaffActionRequest {
                    action: Action::Accept,
                    note: String::new(),
                    transfer_to: None,
                    photo_ids: Vec::new(),
                    due_at: None,
                    units: Vec::new(),
                };
                let (mut signed, mut failed) = (0, Vec::new());
                for number in &numbers {
                    match api.act(number, &request).await {
                        Ok(_) => signed += 1,
                        Err(error) => {
                            session.check(&error);
                            failed.push(number.clone());
                        }
                    }
                }
                let t = i18n.t();
                let mut message = t.bulk_signed.replace("{n}", &signed.to_string());
                if !failed.is_empty() {
                    message.push(' ');
                    message.push_str(&t.bulk_failed.replace("{numbers}", &failed.join("、")));
                }
                bulk_message.try_set(Some(message));
                selected.try_set(failed);
                load();
            });
        }
    };

    // A refresh that brings nothing new re-renders nothing, so the keyboard focus stays put.
    let shown = Memo::new(move |_| queue.with(|q| q.as_ref().and_then(|q| q.as_ref().ok()).cloned()));
    let loaded = move || shown.get();
    view! {
        <Filters query />
        {move || loaded().map(|queue| view! { <Counts queue query /> })}
        <div class="wb-toolbar">
            <button type="button" class="button button-primary" on:click=sign_selected
                hidden=move || selected.with(Vec::is_empty)>
                {move || i18n.t().bulk_sign.replace("{n}", &selected.with(Vec::len).to_string())}
            </button>
            <a class="button" href=move || use_api().export_url("queue", &query.get()) download="mashang-queue.csv">
                {move || i18n.t().export_csv}
            </a>
        </div>
        <p class="notice notice-success" role="status" hidden=move || bulk_message.with(Option::is_none)>
            {move || bulk_message.get()}
        </p>
        <LoadBoundary outcome=live.outcome() retry={
            let live = live.clone();
            move |()| live.reload()
        } />
        {move || queue.with(|q| q.is_none()).then(|| view! { <p class="loading" role="status">{move || i18n.t().loading}</p> })}
        {move || loaded().map(|queue| view! { <QueueTable queue selected /> })}
        {move || loaded().filter(|q| (q.items.len() as u32) < q.total && q.items.len() < MAX_QUEUE_PAGE as usize).map(|_| view! {
            <button type="button" class="button button-block" on:click=move |_| query.update(|q| {
                q.limit = Some((q.page_size() + DEFAULT_QUEUE_PAGE).min(MAX_QUEUE_PAGE));
            })>{move || i18n.t().show_more}</button>
        })}
    }
}

/// Stage, category, community, escalated, overdue, and a tracking number.
#[component]
fn Filters(query: RwSignal<QueueQuery>) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let session = use_session();
    let categories = LocalResource::new({
        let api = api.clone();
        move || {
            let api = api.clone();
            async move { api.categories().await.unwrap_or_default() }
        }
    });
    let communities = LocalResource::new(move || {
        let api = api.clone();
        async move { api.communities().await.unwrap_or_default() }
    });
    let organization = move || session.me.get().flatten().map(|me| me.organization).unwrap_or_default();
    let mine = move |community: &Community| {
        let unit = organization();
        community.property_company == unit || unit.starts_with(&community.street) || unit.contains("住房")
    };
    let parse_id = |text: String| text.parse::<i64>().ok();
    view! {
        <form class="wb-filters" role="search" on:submit=move |ev| ev.prevent_default()>
            <div class="field">
                <label for="filter-stage">{move || i18n.t().filter_stage}</label>
                <select id="filter-stage" on:change:target=move |ev| {
                    let stage = ComplaintStatus::from_str_opt(&ev.target().value());
                    query.update(|q| q.stage = stage);
                }>
                    <option value="" selected=move || query.with(|q| q.stage.is_none())>{move || i18n.t().filter_all}</option>
                    {OPEN_STAGES.into_iter().map(|stage| view! {
                        <option value=stage.as_str() selected=move || query.with(|q| q.stage == Some(stage))>
                            {move || i18n.t().status(stage)}
                        </option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="filter-category">{move || i18n.t().filter_category}</label>
                <select id="filter-category" on:change:target=move |ev| {
                    let id = parse_id(ev.target().value());
                    query.update(|q| q.category_id = id);
                }>
                    <option value="">{move || i18n.t().filter_all}</option>
                    {move || categories.get().map(|tree| category_options(tree, i18n.locale.get()))}
                </select>
            </div>
            <div class="field">
                <label for="filter-community">{move || i18n.t().filter_community}</label>
                <select id="filter-community" on:change:target=move |ev| {
                    let id = parse_id(ev.target().value());
                    query.update(|q| q.community_id = id);
                }>
                    <option value="">{move || i18n.t().filter_all}</option>
                    {move || communities.get().map(|list| list.into_iter().filter(|c| mine(c)).map(|c| view! {
                        <option value=c.id.to_string()>{c.name}</option>
                    }).collect_view())}
                </select>
            </div>
            <div class="field">
                <label for="filter-number">{move || i18n.t().filter_number}</label>
                <input id="filter-number" type="search" inputmode="numeric" autocomplete="off"
                    on:input:target=move |ev| {
                        let typed = ev.target().value();
                        query.update(|q| q.number = Some(typed).filter(|n| !n.trim().is_empty()));
                    } />
            </div>
            <label class="checkbox-field">
                <input type="checkbox" on:change:target=move |ev| {
                    let on = ev.target().checked();
                    query.update(|q| q.escalated = on);
                } />
                {move || i18n.t().filter_escalated}
            </label>
            <label class="checkbox-field">
                <input type="checkbox" on:change:target=move |ev| {
                    let on = ev.target().checked();
                    query.update(|q| q.overdue = on);
                } />
                {move || i18n.t().filter_overdue}
            </label>
        </form>
    }
}

fn category_options(tree: Vec<Category>, locale: mashang_ui::i18n::Locale) -> impl IntoView {
    tree.into_iter()
        .map(|group| {
            let leaves = group
                .children
                .into_iter()
                .map(|leaf| view! { <option value=leaf.id.to_string()>{locale.pick(&leaf.name)}</option> })
                .collect_view();
            view! {
                <optgroup label=locale.pick(&group.name)>
                    <option value=group.id.to_string()>{format!("{}（全部）", locale.pick(&group.name))}</option>
                    {leaves}
                </optgroup>
            }
        })
        .collect_view()
}

/// How many open complaints at each stage, and how many overdue, escalated and unread; a stage's
/// count filters the list to it.
#[component]
fn Counts(queue: Queue, query: RwSignal<QueueQuery>) -> impl IntoView {
    let i18n = use_i18n();
    let stages = queue
        .stages
        .iter()
        .map(|stage| {
            let (status, count) = (stage.status, stage.count);
            view! {
                <li>
                    <button type="button" class="chip" aria-pressed=move || query.with(|q| q.stage == Some(status)).to_string()
                        on:click=move |_| query.update(|q| q.stage = if q.stage == Some(status) { None } else { Some(status) })>
                        {move || i18n.t().status(status)}" "<strong>{count}</strong>
                    </button>
                </li>
            }
        })
        .collect_view();
    let (overdue, escalated, unread, total) = (queue.overdue, queue.escalated, queue.unread, queue.total);
    view! {
        <ul class="chips wb-counts" aria-label=move || i18n.t().counts_label>{stages}</ul>
        <p class="wb-summary" role="status">
            {move || i18n.t().queue_summary
                .replace("{total}", &total.to_string())
                .replace("{overdue}", &overdue.to_string())
                .replace("{escalated}", &escalated.to_string())
                .replace("{unread}", &unread.to_string())}
        </p>
    }
}

/// One table for every width: a dense table on a desk, stacked cards on a phone (CSS). Up and
/// down arrows (or j and k) move between rows; Enter opens one.
#[component]
fn QueueTable(queue: Queue, selected: RwSignal<Vec<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_session();
    let holds = move || !matches!(session.role(), Some(mashang_model::StaffRole::HousingBureau));
    if queue.items.is_empty() {
        return view! { <p class="notice">{move || i18n.t().queue_empty}</p> }.into_any();
    }
    let can_sign = holds();
    let mut first = queue.items;
    let rest = StoredValue::new(first.split_off(FIRST_ROWS.min(first.len())));
    let rest_shown = RwSignal::new(false);
    if rest.with_value(|rest| !rest.is_empty()) {
        // After the first rows are painted: an animation frame, then the next task.
        request_animation_frame(move || set_timeout(move || rest_shown.set(true), Duration::ZERO));
    }
    let row = move |item| view! { <QueueRow item selected can_sign /> };
    let first = first.into_iter().map(row).collect_view();
    let rest = move || rest_shown.get().then(|| rest.get_value().into_iter().map(row).collect_view());
    view! {
        <table class="wb-table">
            <caption class="visually-hidden">{move || i18n.t().queue_title}</caption>
            <thead>
                <tr>
                    <th scope="col"><span class="visually-hidden">{move || i18n.t().select_label}</span></th>
                    <th scope="col">{move || i18n.t().col_number}</th>
                    <th scope="col">{move || i18n.t().col_status}</th>
                    <th scope="col">{move || i18n.t().col_community}</th>
                    <th scope="col">{move || i18n.t().col_category}</th>
                    <th scope="col">{move || i18n.t().col_due}</th>
                    <th scope="col">{move || i18n.t().col_flags}</th>
                </tr>
            </thead>
            <tbody on:keydown=move_between_rows>{first}{rest}</tbody>
        </table>
    }
    .into_any()
}

#[component]
fn QueueRow(item: QueueItem, selected: RwSignal<Vec<String>>, can_sign: bool) -> impl IntoView {
    let i18n = use_i18n();
    let number = item.complaint.tracking_number.as_str().to_owned();
    let grouped = item.complaint.tracking_number.grouped();
    let status = item.complaint.status;
    let signable = can_sign && status == ComplaintStatus::Submitted;
    let category = item.complaint.category.clone();
    let check_label = {
        let grouped = grouped.clone();
        move || i18n.t().select_one.replace("{number}", &grouped)
    };
    let toggle = {
        let number = number.clone();
        move |ev: leptos::ev::Event| {
            let on =
                ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlInputElement>().ok()).is_some_and(|i| i.checked());
            selected.update(|list| {
                list.retain(|n| n != &number);
                if on {
                    list.push(number.clone());
                }
            });
        }
    };
    let checked = {
        let number = number.clone();
        move || selected.with(|list| list.contains(&number))
    };
    let (unread, overdue) = (item.unread, item.overdue());
    view! {
        <tr class="wb-row" class:wb-unread=unread class:wb-overdue=overdue>
            <td class="wb-select">
                {signable.then(|| view! { <input type="checkbox" aria-label=check_label prop:checked=checked on:change=toggle /> })}
            </td>
            <td class="wb-number">
                // A plain link: the router follows it all the same, without a memo per row.
                <a href=crate::paths::complaint(&number) class="wb-row-link">{grouped}</a>
                {unread.then(|| view! { <span class="update-badge">{move || i18n.t().unread}</span> })}
            </td>
            <td><mashang_ui::StatusBadge status /></td>
            <td>{item.complaint.community.clone()}</td>
            <td>{move || i18n.locale.get().pick(&category)}</td>
            <td><DueCell item=item.clone() /></td>
            <td><Flags item /></td>
        </tr>
    }
}

/// Arrow keys and j/k move the focus to the previous or next row's link.
fn move_between_rows(ev: leptos::ev::KeyboardEvent) {
    let step: i32 = match ev.key().as_str() {
        "ArrowDown" | "j" => 1,
        "ArrowUp" | "k" => -1,
        _ => return,
    };
    let Some(body) = ev.current_target().and_then(|t| t.dyn_into::<web_sys::Element>().ok()) else { return };
    let Ok(links) = body.query_selector_all("a.wb-row-link") else { return };
    let active = document().active_element();
    let count = links.length() as i32;
    let current = (0..count).find(|&i| {
        links.item(i as u32).and_then(|n| n.dyn_into::<web_sys::Element>().ok()).as_ref() == active.as_ref()
    });
    let next = match current {
        Some(index) => (index + step).clamp(0, count - 1),
        None => 0,
    };
    if let Some(link) = links.item(next as u32).and_then(|n| n.dyn_into::<web_sys::HtmlElement>().ok()) {
        ev.prevent_default();
        let _ = link.focus();
    }
}
