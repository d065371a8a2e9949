use leptos::prelude::*;
use leptos_router::components::A;
use mashang_model::{ComplaintView, TrackingNumber};

use crate::app::use_api;
use crate::components::{Page, StatusBadge};
use crate::i18n::use_i18n;
use crate::{paths, storage};

/// The complaints filed on this device, newest first, each with its stage and any overdue step.
#[component]
pub fn MyComplaintsPage() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let complaints = LocalResource::new(move || {
        let api = api.clone();
        async move {
            let mut found = Vec::new();
            for (number, token) in storage::device_complaints() {
                // One that cannot be loaded now is left out rather than failing the list.
                if let Ok(view) = api.complaint(&number, &token).await {
                    found.push(view);
                }
            }
            found
        }
    });
    view! {
        <Page title=|t| t.mine_title back=true>
            <p class="intro">{move || i18n.t().mine_hint}</p>
            {move || match complaints.get() {
                None => view! { <p class="loading" role="status">{move || i18n.t().loading}</p> }.into_any(),
                Some(list) if list.is_empty() => view! { <p class="notice">{move || i18n.t().mine_empty}</p> }.into_any(),
                Some(list) => view! {
                    <ul class="complaint-list">{list.into_iter().map(|c| view! { <ComplaintRow complaint=c /> }).collect_view()}</ul>
                }.into_any(),
            }}
        </Page>
    }
}

#[component]
fn ComplaintRow(complaint: ComplaintView) -> impl IntoView {
    let i18n = use_i18n();
    let ComplaintView { tracking_number, status, category, community, sign_deadline, resolve_deadline, .. } = complaint;
    let overdue = !status.is_finished() && (sign_deadline.overdue || resolve_deadline.overdue);
    let href = paths::complaint(&tracking_number);
    let grouped = TrackingNumber::grouped(&tracking_number);
    view! {
        <li>
            <A href=href attr:class="complaint-row">
                <span class="complaint-row-top">
                    <StatusBadge status />
                    {overdue.then(|| view! { <span class="overdue-badge">{move || i18n.t().overdue}</span> })}
                </span>
                <strong>{move || i18n.locale.get().pick(&category)}</strong>
                <span>{community}</span>
                <span class="tracking-number-small">{grouped}</span>
            </A>
        </li>
    }
}
