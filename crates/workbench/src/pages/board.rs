use leptos::prelude::*;
use leptos_router::components::A;
use mashang_model::staff::{Board, BoardGroup, BoardQuery, BoardRow};
use mashang_ui::LoadBoundary;
use mashang_ui::live::Live;
use std::time::Duration;

use crate::api::ApiError;
use crate::app::use_api;
use crate::components::Shell;
use crate::i18n::{Texts, use_i18n};
use crate::pages::complaint::{DueCell, Flags};
use crate::session::use_session;

const REFRESH_EVERY: Duration = Duration::from_secs(60);

/// 督办看板: overdue, escalated and repeated complaints by district, company and community, and
/// the companies to call in for 约谈.
#[component]
pub fn BoardPage() -> impl IntoView {
    view! { <Shell title=|t| t.board_title><BoardView /></Shell> }
}

#[component]
fn BoardView() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let session = use_session();
    let query = RwSignal::new(BoardQuery::default());
    // The choices of district and company come from the unfiltered board, so they stay put.
    let choices = RwSignal::new((Vec::<String>::new(), Vec::<(i64, String)>::new()));
    let live = Live::every(
        REFRESH_EVERY,
        move || {
            let (api, wanted) = (api.clone(), query.get_untracked());
            async move { api.board(&wanted).await.map(|board| (wanted, board)) }
        },
        move |answer: &Result<(BoardQuery, Board), ApiError>| {
            session.check_answer(answer);
            if let Ok((wanted, found)) = answer
                && *wanted == BoardQuery::default()
            {
                let districts = found.by_district.iter().map(|g| g.name.clone()).collect();
                let companies =
                    found.by_company.iter().filter_map(|g| g.company_id.map(|id| (id, g.name.clone()))).collect();
                choices.try_set((districts, companies));
            }
        },
    );
    let board = live.data;
    live.reload_on_change(query);
    // A refresh that brings nothing new re-renders nothing, so the keyboard focus stays put.
    let shown =
        Memo::new(move |_| board.with(|b| b.as_ref().and_then(|b| b.as_ref().ok()).map(|(_, board)| board.clone())));
    let loaded = move || shown.get();
    let flag = move |label: fn(&Texts) -> &'static str, set: fn(&mut BoardQuery, bool)| {
        view! {
            <label class="checkbox-field">
                <input type="checkbox" on:change:target=move |ev| {
                    let on = ev.target().checked();
                    query.update(|q| set(q, on));
                } />
                {move || label(i18n.t())}
            </label>
        }
    };
    view! {
        <form class="wb-filters" role="search" on:submit=move |ev| ev.prevent_default()>
            <div class="field">
                <label for="board-district">{move || i18n.t().col_district}</label>
                <select id="board-district" on:change:target=move |ev| {
                    let district = Some(ev.target().value()).filter(|d| !d.is_empty());
                    query.update(|q| q.district = district);
                }>
                    <option value="">{move || i18n.t().filter_all}</option>
                    {move || choices.get().0.into_iter().map(|d| view! { <option value=d.clone()>{d.clone()}</option> }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="board-company">{move || i18n.t().col_company}</label>
                <select id="board-company" on:change:target=move |ev| {
                    let id = ev.target().value().parse().ok();
                    query.update(|q| q.company_id = id);
                }>
                    <option value="">{move || i18n.t().filter_all}</option>
                    {move || choices.get().1.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
                </select>
            </div>
            {flag(|t| t.filter_overdue, |q, on| q.overdue = on)}
            {flag(|t| t.filter_escalated, |q, on| q.escalated = on)}
            {flag(|t| t.filter_repeat, |q, on| q.repeat = on)}
        </form>
        <div class="wb-toolbar">
            <a class="button" href=move || use_api().export_url("board", &query.get()) download="mashang-board.csv">
                {move || i18n.t().export_csv}
            </a>
        </div>
        <LoadBoundary outcome=live.outcome() retry={
            let live = live.clone();
            move |()| live.reload()
        } />
        {move || board.with(|b| b.is_none()).then(|| view! { <p class="loading" role="status">{move || i18n.t().loading}</p> })}
        {move || loaded().map(|board| view! { <BoardSections board /> })}
    }
}

#[component]
fn BoardSections(board: Board) -> impl IntoView {
    let i18n = use_i18n();
    let interview: Vec<BoardGroup> = board.by_company.iter().filter(|g| g.interview).cloned().collect();
    let rows = board.rows.into_iter().map(|row| view! { <BoardLine row /> }).collect_view();
    view! {
        {(!interview.is_empty()).then(|| view! {
            <section class="card notice-warning wb-interview" aria-labelledby="interview-title">
                <h2 id="interview-title">{move || i18n.t().interview_title}</h2>
                <p class="hint">{move || i18n.t().interview_hint}</p>
                <ul>{interview.into_iter().map(|g| {
                    let rate = g.on_time.map(|r| format!("{}.{}%", r / 10, r % 10)).unwrap_or_default();
                    view! { <li><strong>{g.name}</strong>" · "{move || i18n.t().on_time_rate}" "{rate}</li> }
                }).collect_view()}</ul>
            </section>
        })}
        <div class="wb-groups">
            <Groups title=|t| t.col_district groups=board.by_district />
            <Groups title=|t| t.col_company groups=board.by_company />
            <Groups title=|t| t.col_community groups=board.by_community />
        </div>
        <section aria-labelledby="board-rows-title">
            <h2 id="board-rows-title">{move || i18n.t().board_rows_title}</h2>
            <table class="wb-table">
                <thead>
                    <tr>
                        <th scope="col">{move || i18n.t().col_number}</th>
                        <th scope="col">{move || i18n.t().col_status}</th>
                        <th scope="col">{move || i18n.t().col_company}</th>
                        <th scope="col">{move || i18n.t().col_community}</th>
                        <th scope="col">{move || i18n.t().col_due}</th>
                        <th scope="col">{move || i18n.t().col_flags}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </section>
    }
}

#[component]
fn Groups(title: fn(&Texts) -> &'static str, groups: Vec<BoardGroup>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = groups
        .into_iter()
        .filter(|g| g.overdue + g.escalated + g.repeat > 0)
        .map(|g| view! { <tr><th scope="row">{g.name}</th><td>{g.overdue}</td><td>{g.escalated}</td><td>{g.repeat}</td></tr> })
        .collect_view();
    view! {
        <table class="wb-table wb-group">
            <caption>{move || title(i18n.t())}</caption>
            <thead>
                <tr>
                    <th scope="col">{move || title(i18n.t())}</th>
                    <th scope="col">{move || i18n.t().filter_overdue}</th>
                    <th scope="col">{move || i18n.t().filter_escalated}</th>
                    <th scope="col">{move || i18n.t().filter_repeat}</th>
                </tr>
            </thead>
            <tbody>{rows}</tbody>
        </table>
    }
}

#[component]
fn BoardLine(row: BoardRow) -> impl IntoView {
    let number = row.item.complaint.tracking_number.as_str().to_owned();
    let grouped = row.item.complaint.tracking_number.grouped();
    let status = row.item.complaint.status;
    let i18n = use_i18n();
    let repeat = row.repeat;
    let overdue = row.item.overdue();
    view! {
        <tr class="wb-row" class:wb-overdue=overdue>
            <td class="wb-number"><A href=crate::paths::complaint(&number) attr:class="wb-row-link">{grouped}</A></td>
            <td><mashang_ui::StatusBadge status /></td>
            <td>{row.company}</td>
            <td>{row.community}</td>
            <td><DueCell item=row.item.clone() /></td>
            <td>
                <Flags item=row.item />
                {repeat.then(|| view! { <span class="chip">{move || i18n.t().flag_repeat}</span> })}
            </td>
        </tr>
    }
}
