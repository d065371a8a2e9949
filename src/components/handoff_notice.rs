use leptos::prelude::*;

use crate::handoff::{HandoffFailure, use_signed_in};
use crate::i18n::use_i18n;

/// The one sentence a resident needs when the citizen-services app's sign-in did not work; the
/// app carries on as a guest underneath.
#[component]
pub fn HandoffNotice() -> impl IntoView {
    let i18n = use_i18n();
    let dismissed = use_signed_in().failure;
    move || {
        dismissed.get().map(|failure| {
            let sentence = move || {
                let t = i18n.t();
                match failure {
                    HandoffFailure::Refused => t.handoff_refused,
                    HandoffFailure::NotOffered => t.handoff_not_offered,
                    HandoffFailure::Failed => t.handoff_failed,
                }
            };
            view! {
                <div class="notice notice-warning handoff-notice" role="alert">
                    <p>{sentence}</p>
                    <button type="button" class="button" on:click=move |_| dismissed.set(None)>
                        {move || i18n.t().common.close}
                    </button>
                </div>
            }
        })
    }
}
