use leptos::prelude::*;
use mashang_model::ComplaintStatus::{self, *};

use crate::i18n::use_i18n;

/// The main stages, in order; 待补充 counts as in progress, 已关闭 as the last stage.
const STAGES: [ComplaintStatus; 5] = [Submitted, Accepted, InProgress, Resolved, Rated];

fn stage_index(status: ComplaintStatus) -> Option<usize> {
    match status {
        Submitted => Some(0),
        Accepted => Some(1),
        InProgress | NeedsInfo => Some(2),
        Resolved => Some(3),
        Rated | Closed => Some(4),
        Withdrawn => None,
    }
}

/// Where the complaint stands among the stages, the current one marked for sight and for screen
/// readers (`aria-current="step"`).
#[component]
pub fn Stages(status: ComplaintStatus) -> impl IntoView {
    let i18n = use_i18n();
    let Some(current) = stage_index(status) else {
        return view! { <p class="notice notice-warning">{move || i18n.t().withdrawn_notice}</p> }.into_any();
    };
    let steps = STAGES
        .into_iter()
        .enumerate()
        .map(|(index, stage)| {
            // The current step is named as it really is (待补充, 已关闭), not by its group.
            let shown = if index == current { status } else { stage };
            let class = match index.cmp(&current) {
                std::cmp::Ordering::Less => "stage stage-done",
                std::cmp::Ordering::Equal => "stage stage-current",
                std::cmp::Ordering::Greater => "stage",
            };
            view! {
                <li class=class aria-current=(index == current).then_some("step")>
                    <span class="stage-dot" aria-hidden="true"></span>
                    <span class="stage-label">{move || i18n.t().stage(shown)}</span>
                </li>
            }
        })
        .collect_view();
    view! { <ol class="stages" aria-label=move || i18n.t().stages_label>{steps}</ol> }.into_any()
}
