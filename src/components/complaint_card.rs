use leptos::prelude::*;
use mashang_model::ComplaintView;
use mashang_model::deadline::Deadline;

use super::{StatusBadge, Timeline};
use crate::format;
use crate::i18n::use_i18n;

/// A complaint as its resident sees it: where it stands, what it was about, and every step.
#[component]
pub fn ComplaintCard(complaint: ComplaintView) -> impl IntoView {
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
                // A neighbour who joined sees no number at all.
                {(!phone.is_empty()).then(|| view! {
                    <dt>{move || i18n.t().result_phone}</dt>
                    <dd>{phone}</dd>
                })}
            </dl>
            <h3>{move || i18n.t().result_description}</h3>
            <p class="description-text">{description}</p>
            <h3>{move || i18n.t().timeline_title}</h3>
            <Timeline events=timeline />
        </section>
    }
}

/// A due time, with the time left while it is being waited for, or a badge when it was missed.
#[component]
fn DeadlineText(deadline: Deadline) -> impl IntoView {
    let i18n = use_i18n();
    // The view is rebuilt on every refresh of the complaint, which keeps this current enough.
    let left = deadline.remaining(chrono::Utc::now());
    view! {
        <time datetime=deadline.due_at.to_rfc3339()>{move || format::datetime(i18n.t(), deadline.due_at)}</time>
        {left.map(|left| view! { " " <span class="time-left">{move || format::time_left(i18n.t(), left)}</span> })}
        {deadline.overdue.then(|| view! { " " <span class="overdue-badge">{move || i18n.t().overdue}</span> })}
    }
}
