use leptos::prelude::*;
use mashang_model::staff::{AuditEntry, AuditKind, AuditQuery};
use mashang_ui::LoadBoundary;
use mashang_ui::format;

use crate::api::ApiError;
use crate::app::use_api;
use crate::components::Shell;
use crate::i18n::use_i18n;
use crate::session::use_session;

const KINDS: [AuditKind; 6] = [
    AuditKind::RevealedContact,
    AuditKind::Action,
    AuditKind::Exported,
    AuditKind::TemplateChanged,
    AuditKind::SignedIn,
    AuditKind::SignedOut,
];

/// 审计日志: who did what and who saw whose details, newest first; the bureau only.
#[component]
pub fn AuditPage() -> impl IntoView {
    view! { <Shell title=|t| t.audit_title><AuditView /></Shell> }
}

#[component]
fn AuditView() -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let session = use_session();
    let query = RwSignal::new(AuditQuery::default());
    let entries = RwSignal::new(Vec::<AuditEntry>::new());
    let outcome = RwSignal::new(None::<Result<(), ApiError>>);
    let more = RwSignal::new(false);
    let load = move |append: bool| {
        let (api, mut wanted) = (api.clone(), query.get_untracked());
        if append {
            wanted.before = entries.with_untracked(|e| e.last().map(|e| e.id));
        }
        leptos::task::spawn_local(async move {
            match api.audit(&wanted).await {
                Ok(page) => {
                    more.try_set(page.len() >= 100);
                    entries.try_update(|all| if append { all.extend(page) } else { *all = page });
                    outcome.try_set(Some(Ok(())));
                }
                Err(error) => {
                    session.check(&error);
                    outcome.try_set(Some(Err(error)));
                }
            }
        });
    };
    Effect::new({
        let load = load.clone();
        move |_| {
            query.track();
            load(false);
        }
    });
    let text_filter = move |id: &'static str,
                            label: fn(&crate::i18n::Texts) -> &'static str,
                            set: fn(&mut AuditQuery, Option<String>)| {
        view! {
            <div class="field">
                <label for=id>{move || label(i18n.t())}</label>
                <input id=id type="search" autocomplete="off" on:change:target=move |ev| {
                    let value = Some(ev.target().value()).filter(|v| !v.trim().is_empty());
                    query.update(|q| set(q, value));
                } />
            </div>
        }
    };
    view! {
        <form class="wb-filters" role="search" on:submit=move |ev| ev.prevent_default()>
            {text_filter("audit-username", |t| t.audit_username, |q, v| q.username = v)}
            {text_filter("audit-number", |t| t.filter_number, |q, v| q.number = v)}
            <div class="field">
                <label for="audit-kind">{move || i18n.t().audit_kind}</label>
                <select id="audit-kind" on:change:target=move |ev| {
                    let kind = KINDS.into_iter().find(|k| audit_kind_name(*k) == ev.target().value());
                    query.update(|q| q.kind = kind);
                }>
                    <option value="">{move || i18n.t().filter_all}</option>
                    {KINDS.into_iter().map(|kind| view! { <option value=audit_kind_name(kind)>{move || i18n.t().audit_kind_name(kind)}</option> }).collect_view()}
                </select>
            </div>
        </form>
        <LoadBoundary outcome=Signal::derive(move || outcome.get()) retry={
            let load = load.clone();
            move |()| load(false)
        } />
        <table class="wb-table">
            <thead>
                <tr>
                    <th scope="col">{move || i18n.t().audit_when}</th>
                    <th scope="col">{move || i18n.t().audit_who}</th>
                    <th scope="col">{move || i18n.t().audit_kind}</th>
                    <th scope="col">{move || i18n.t().col_number}</th>
                    <th scope="col">{move || i18n.t().audit_detail}</th>
                </tr>
            </thead>
            <tbody>
                <For each=move || entries.get() key=|entry| entry.id let:entry>
                    <tr>
                        <td><time datetime=entry.at.to_rfc3339()>{move || format::datetime(i18n.t(), entry.at)}</time></td>
                        <td>{entry.display_name.clone()}" ("{entry.username.clone()}") · "{entry.organization.clone()}</td>
                        <td>{move || i18n.t().audit_kind_name(entry.kind)}</td>
                        <td>{entry.tracking_number.clone().unwrap_or_default()}</td>
                        <td>{entry.detail.clone()}</td>
                    </tr>
                </For>
            </tbody>
        </table>
        {move || (outcome.get().is_some_and(|o| o.is_ok()) && entries.with(Vec::is_empty)).then(|| view! { <p class="notice">{move || i18n.t().audit_empty}</p> })}
        <button type="button" class="button button-block" hidden=move || !more.get() on:click=move |_| load(true)>
            {move || i18n.t().show_more}
        </button>
    }
}

/// The kind as the API names it.
fn audit_kind_name(kind: AuditKind) -> String {
    serde_json::to_value(kind).ok().and_then(|v| v.as_str().map(str::to_owned)).unwrap_or_default()
}
