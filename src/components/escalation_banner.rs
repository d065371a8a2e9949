use leptos::prelude::*;
use mashang_model::ComplaintView;

use crate::i18n::use_i18n;

/// The escalation in force over a complaint (挂牌督办, 提级办理, 部门会商, 即将超时), and how
/// many neighbours joined it: what makes the complaint move, shown to whoever follows it.
#[component]
pub fn EscalationBanner(complaint: Signal<Option<ComplaintView>>) -> impl IntoView {
    let i18n = use_i18n();
    let banner = move || {
        complaint.with(|c| {
            c.as_ref().and_then(|c| {
                let open = !c.status.is_finished();
                open.then(|| i18n.t().escalation_banner(&c.escalation, c.resolve_deadline.due_at)).flatten()
            })
        })
    };
    let joins = move || complaint.with(|c| c.as_ref().map_or(0, |c| c.escalation.joins));
    view! {
        {move || banner().map(|text| view! { <p class="notice notice-escalation" role="status">{text}</p> })}
        {move || (joins() > 0).then(|| view! {
            <p class="joins-count">{move || i18n.t().joins_count.replace("{n}", &joins().to_string())}</p>
        })}
    }
}
