use leptos::prelude::*;
use mashang_model::{Field, FieldError};

use super::{FieldMessage, described_by, has_error};
use crate::i18n::{Texts, use_i18n};

/// A field's label, with "（必填）" or "（选填）" written out rather than signalled by colour or a star.
#[component]
pub fn FieldLabel(id: &'static str, label: fn(&Texts) -> &'static str, required: bool) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <label for=id>
            {move || label(i18n.t())}
            <span class="required">{move || if required { i18n.t().required } else { i18n.t().optional }}</span>
        </label>
    }
}

/// What every field has around its control: the label, the hint (`<id>-hint`) and the error
/// (`<id>-error`), and the marking of the whole field when it is invalid.
#[component]
pub fn FieldFrame(
    id: &'static str,
    field: Field,
    label: fn(&Texts) -> &'static str,
    hint: fn(&Texts) -> &'static str,
    errors: RwSignal<Vec<FieldError>>,
    #[prop(optional)] required: bool,
    children: Children,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="field" class:field-invalid=has_error(errors, field)>
            <FieldLabel id label required />
            <p class="hint" id=format!("{id}-hint")>{move || hint(i18n.t())}</p>
            <FieldMessage input_id=id field errors />
            {children()}
        </div>
    }
}

/// A one-line text field: label, hint, error and input, tied together for screen readers.
#[component]
pub fn TextInput(
    id: &'static str,
    field: Field,
    label: fn(&Texts) -> &'static str,
    hint: fn(&Texts) -> &'static str,
    value: RwSignal<String>,
    errors: RwSignal<Vec<FieldError>>,
    #[prop(optional)] required: bool,
    #[prop(default = "text")] input_type: &'static str,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(default = "off")] autocomplete: &'static str,
) -> impl IntoView {
    view! {
        <FieldFrame id field label hint errors required>
            <input
                id=id
                name=id
                type=input_type
                inputmode=inputmode
                autocomplete=autocomplete
                aria-describedby=described_by(id, errors, field)
                aria-invalid=move || has_error(errors, field)().to_string()
                prop:value=move || value.get()
                on:input:target=move |ev| value.set(ev.target().value())
            />
        </FieldFrame>
    }
}
