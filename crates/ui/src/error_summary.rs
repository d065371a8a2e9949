use leptos::prelude::*;
use mashang_model::{Field, FieldError};
use wasm_bindgen::JsCast;

use crate::i18n::use_locale;

pub const SUMMARY_ID: &str = "error-summary";

/// The list of what to correct, shown at the top of a form after a failed submit. It takes the
/// focus so that screen readers announce it, and each entry jumps to its field.
#[component]
pub fn ErrorSummary(errors: RwSignal<Vec<FieldError>>, input_id: fn(Field) -> &'static str) -> impl IntoView {
    let i18n = use_locale();
    move || {
        let current = errors.get();
        (!current.is_empty()).then(|| {
            let items = current
                .into_iter()
                .map(|error| {
                    let target = input_id(error.field);
                    view! {
                        <li>
                            <a href=format!("#{target}") on:click=move |ev| {
                                ev.prevent_default();
                                focus_element(target);
                            }>{move || i18n.t().field_error(&error)}</a>
                        </li>
                    }
                })
                .collect_view();
            view! {
                <div class="error-summary" id=SUMMARY_ID tabindex="-1" role="alert" aria-labelledby="error-summary-title">
                    <h2 id="error-summary-title">{move || i18n.t().error_summary_title}</h2>
                    <ul>{items}</ul>
                </div>
            }
        })
    }
}

/// Moves the keyboard and screen-reader focus to the element with `id`, once it is on screen.
pub fn focus_element(id: &'static str) {
    request_animation_frame(move || {
        let element = document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok());
        if let Some(element) = element {
            let _ = element.focus();
            element.scroll_into_view_with_bool(true);
        }
    });
}
