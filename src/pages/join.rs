//! 附议 while filing: once the community and the problem are chosen, the open complaints of the
//! same community and category that their filers let neighbours see (同小区已有相似问题), and
//! joining one of them instead of filing the same problem again.

use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use mashang_model::{NeighbourComplaint, ProblemCode, TrackingNumber};

use std::future::Future;
use std::pin::Pin;

use crate::api::{Api, ApiError};
use crate::app::use_api;
use crate::components::{SignIn, StatusBadge};
use crate::handoff::use_signed_in;
use crate::i18n::use_i18n;
use crate::{format, lazy, paths, storage};

#[component]
pub fn SimilarComplaints(community: Signal<Option<i64>>, category: Signal<Option<i64>>) -> impl IntoView {
    let api = use_api();
    // Suggestions help; they never stand in the way of filing, so a failure (of the request or
    // of their chunk) just shows none.
    let similar = LocalResource::new(move || {
        let (api, chosen) = (api.clone(), community.get().zip(category.get()));
        async move {
            let (community, category) = chosen?;
            let similar = lazy::similar_complaints().await.ok()?;
            similar(api, community, category).await
        }
    });
    move || similar.get().flatten().map(|section| section.run())
}

pub type SimilarFuture = Pin<Box<dyn Future<Output = Option<ViewFn>>>>;

/// The section listing them, when there are any. A chunk of its own (src/lazy.rs), with the
/// joining.
pub fn similar(api: Api, community: i64, category: i64) -> SimilarFuture {
    Box::pin(async move {
        let list = api.similar(community, category).await.ok().filter(|list| !list.is_empty())?;
        Some(ViewFn::from(move || view! { <SimilarSection list=list.clone() /> }))
    })
}

#[component]
fn SimilarSection(list: Vec<NeighbourComplaint>) -> impl IntoView {
    let i18n = use_i18n();
    let joining = RwSignal::new(None::<TrackingNumber>);
    view! {
        <section class="card similar" aria-labelledby="similar-title">
            <h2 id="similar-title">{move || i18n.t().similar_title}</h2>
            <p>{move || i18n.t().similar_intro}</p>
            <ul class="similar-list">
                {list.into_iter().map(|complaint| view! { <SimilarItem complaint joining /> }).collect_view()}
            </ul>
        </section>
    }
}

/// One neighbour's complaint: what they reported and where it stands, never who they are.
#[component]
fn SimilarItem(complaint: NeighbourComplaint, joining: RwSignal<Option<TrackingNumber>>) -> impl IntoView {
    let i18n = use_i18n();
    let NeighbourComplaint { tracking_number, category, location, description, status, filed_at, joins } = complaint;
    let number = tracking_number.clone();
    let open = Memo::new(move |_| joining.with(|j| j.as_ref() == Some(&number)));
    let panel_id = format!("join-{}", tracking_number.as_str());
    let number = tracking_number.clone();
    view! {
        <li class="similar-item">
            <p class="similar-top">
                <StatusBadge status />
                <strong>{move || i18n.locale.get().pick(&category)}</strong>
                {(!location.is_empty()).then(|| view! { <span>{location}</span> })}
            </p>
            <p class="similar-description">{description}</p>
            <p class="similar-meta">
                {move || i18n.t().similar_filed.replace("{date}", &format::datetime(i18n.t(), filed_at))}
                {(joins > 0).then(|| view! { " · " {move || i18n.t().similar_joins.replace("{n}", &joins.to_string())} })}
            </p>
            <button type="button" class="button" aria-expanded=move || open.get().to_string() aria-controls=panel_id.clone()
                on:click=move |_| joining.set(if open.get_untracked() { None } else { Some(number.clone()) })>
                {move || i18n.t().join_button}
            </button>
            <div id=panel_id>
                {move || open.get().then(|| view! { <JoinPanel number=tracking_number.clone() joining /> })}
            </div>
        </li>
    }
}

/// Verifies the phone if this device has no session yet, then joins and opens the progress view.
#[component]
fn JoinPanel(number: TrackingNumber, joining: RwSignal<Option<TrackingNumber>>) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let navigate = use_navigate();
    let signed_in_here = use_signed_in();
    let session = signed_in_here.session;
    let message = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let confirm = move |_| {
        let Some(signed_in) = session.get_untracked() else { return };
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        let (api, navigate, number) = (api.clone(), navigate.clone(), number.clone());
        leptos::task::spawn_local(async move {
            let result = api.join(number.as_str(), &signed_in.token).await;
            busy.try_set(false);
            let t = i18n.t();
            let said = match result {
                Ok(view) => {
                    storage::mark_seen(number.as_str(), view.updated_at);
                    // The path already carries the base; resolving would add it twice.
                    navigate(&paths::complaint(&number), NavigateOptions { resolve: false, ..Default::default() });
                    return;
                }
                Err(ApiError::Problem(problem)) => match problem.code {
                    ProblemCode::AlreadyJoined => t.join_already.to_owned(),
                    ProblemCode::OwnComplaint => t.join_own.to_owned(),
                    ProblemCode::ComplaintFinished => t.join_finished.to_owned(),
                    ProblemCode::NotFound => t.join_gone.to_owned(),
                    ProblemCode::Unauthorized => {
                        // The session ran out: sign in again.
                        signed_in_here.sign_out();
                        t.join_need_phone.to_owned()
                    }
                    _ => t.api_error(&ApiError::Problem(problem)),
                },
                Err(error) => t.api_error(&error),
            };
            message.try_set(Some(said));
        });
    };
    view! {
        <div class="join-panel">
            {move || match session.get() {
                None => view! {
                    <p>{move || i18n.t().join_need_phone}</p>
                    <SignIn title=|t| t.join_signin_title hint=|t| t.join_signin_hint nested=true />
                }.into_any(),
                Some(signed_in) => view! {
                    <p>{move || i18n.t().join_as.replace("{phone}", &signed_in.phone_masked)}</p>
                    <button type="button" class="button button-primary" on:click=confirm.clone()
                        aria-disabled=move || busy.get().to_string()>
                        {move || i18n.t().join_confirm}
                    </button>
                }.into_any(),
            }}
            <p class="join-message" role="status">{move || message.get()}</p>
            <button type="button" class="button" on:click=move |_| joining.set(None)>{move || i18n.t().join_cancel}</button>
        </div>
    }
}
