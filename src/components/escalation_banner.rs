use leptos::prelude::*;
use mashang_model::{ComplaintView, EventKind};

use leptos_router::components::A;

use crate::i18n::{Texts, use_i18n};
use crate::{format, paths};

/// The escalation in force over a complaint (挂牌督办, 提级办理, 部门会商, 即将超时), how many
/// neighbours joined it, and the other complaints about the same problem: what makes the
/// complaint move, shown to whoever follows it.
#[component]
pub fn EscalationBanner(complaint: Signal<Option<ComplaintView>>) -> impl IntoView {
    let i18n = use_i18n();
    let banner = move || {
        complaint.with(|c| {
            c.as_ref().and_then(|c| {
                let open = !c.status.is_finished();
                // Raised by a rule or a supervisor, not merely sent to the street office at filing.
                let raised = c.timeline.iter().any(|event| event.kind == EventKind::Escalated);
                let demanded = c.timeline.iter().rev().find_map(|event| {
                    event.escalation.as_ref().filter(|d| d.card.is_some()).and_then(|d| d.resolve_due_at)
                });
                open.then(|| i18n.t().escalation_banner(&c.escalation, raised, demanded)).flatten()
            })
        })
    };
    let joins = move || complaint.with(|c| c.as_ref().map_or(0, |c| c.escalation.joins));
    let repeats = move || complaint.with(|c| c.as_ref().map(|c| c.escalation.repeats.clone()).unwrap_or_default());
    view! {
        {move || banner().map(|text| view! { <p class="notice notice-escalation" role="status">{text}</p> })}
        {move || (joins() > 0).then(|| view! {
            <p class="joins-count">{move || i18n.t().joins_count.replace("{n}", &joins().to_string())}</p>
        })}
        {move || {
            let repeats = repeats();
            (!repeats.is_empty()).then(|| view! {
                <section class="card repeats" aria-labelledby="repeats-title">
                    <h2 id="repeats-title">{move || i18n.t().repeats_title}</h2>
                    <ul>
                        {repeats.into_iter().map(|link| {
                            let when = if link.earlier { |t: &Texts| t.repeat_earlier } else { |t: &Texts| t.repeat_later };
                            let status = link.status;
                            view! {
                                <li>
                                    {move || when(i18n.t())} " "
                                    <A href=paths::track(Some(&link.tracking_number))>{link.tracking_number.grouped()}</A>
                                    " · " {move || format::datetime(i18n.t(), link.filed_at)} " · " {move || i18n.t().status(status)}
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                </section>
            })
        }}
    }
}
