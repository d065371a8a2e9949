use leptos::prelude::*;
use leptos_router::components::A;

use crate::app::use_api;
use crate::complaint_list::{self, ListFilter, Row};
use crate::components::{Choice, LoadBoundary, SignIn, StatusBadge};
use crate::handoff::use_signed_in;
use crate::i18n::use_i18n;
use crate::paths;

/// The complaints filed on this device and, after signing in by SMS code, every complaint filed
/// with that phone; newest first, each once. Drawn inside the frame [`crate::lazy::Lazy`] keeps.
#[component]
pub fn MyComplaintsBody() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let session = use_signed_in().session;
    // The list, and the first error if any of it could not be loaded (then the resident is told,
    // and can retry).
    let complaints = LocalResource::new(move || complaint_list::load(api.clone(), session.get()));
    view! {
        <LoadBoundary
            outcome=Signal::derive(move || complaints.get().map(|loaded| loaded.outcome))
            retry=move |()| complaints.refetch()
            message=Signal::derive(move || {
                let t = i18n.t();
                match complaints.get().and_then(|loaded| loaded.last_known_at) {
                    // With no network, the list as it last was: said so, with its time.
                    Some(at) => t.mine_last_known.replace("{time}", &crate::format::datetime(t, at)),
                    None => t.mine_incomplete.to_owned(),
                }
            })
        />
        {move || match complaints.get() {
            None => view! { <p class="loading" role="status">{move || i18n.t().loading}</p> }.into_any(),
            Some(loaded) if loaded.rows.is_empty() && loaded.outcome.is_ok() => view! { <p class="notice">{move || i18n.t().mine_empty}</p> }.into_any(),
            Some(loaded) => view! { <FilteredList list=loaded.rows /> }.into_any(),
        }}
        <SignIn title=|t| t.signin_title hint=|t| t.signin_hint />
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
    let Row { number, status, community, category, overdue, unseen, from_hotline } = row;
    view! {
        <li>
            <A href=paths::complaint(&number) attr:class="complaint-row">
                <span class="complaint-row-top">
                    <StatusBadge status />
                    {overdue.then(|| view! { <span class="overdue-badge">{move || i18n.t().overdue}</span> })}
                    {unseen.then(|| view! { <span class="update-badge">{move || i18n.t().new_update}</span> })}
                    {from_hotline.then(|| view! { <span class="origin-badge">{move || i18n.t().common.event_from_hotline}</span> })}
                </span>
                <strong>{move || i18n.locale.get().pick(&category)}</strong>
                <span>{community}</span>
                <span class="tracking-number-small">{number.grouped()}</span>
            </A>
        </li>
    }
}
