use leptos::prelude::*;
use mashang_model::{Field, FieldError};

use crate::i18n::use_locale;

/// The error message under a field, if it has one. Its id is `<input id>-error`, which the field
/// names in `aria-describedby`.
#[component]
pub fn FieldMessage(input_id: &'static str, field: Field, errors: RwSignal<Vec<FieldError>>) -> impl IntoView {
    let i18n = use_locale();
    let message = move || errors.with(|all| all.iter().find(|e| e.field == field).map(|e| i18n.t().field_error(e)));
    move || {
        message().map(|text| {
            view! {
                <p class="field-error" id=format!("{input_id}-error")>
                    <span aria-hidden="true">"⚠ "</span>{text}
                </p>
            }
        })
    }
}

pub fn has_error(errors: RwSignal<Vec<FieldError>>, field: Field) -> impl Fn() -> bool + Copy {
    move || errors.with(|all| all.iter().any(|e| e.field == field))
}

/// The `aria-describedby` of a field: its hint, and its error while it has one.
pub fn described_by(
    input_id: &'static str,
    errors: RwSignal<Vec<FieldError>>,
    field: Field,
) -> impl Fn() -> String + Copy {
    let invalid = has_error(errors, field);
    move || {
        if invalid() { format!("{input_id}-hint {input_id}-error") } else { format!("{input_id}-hint") }
    }
}
