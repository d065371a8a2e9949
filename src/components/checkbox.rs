use leptos::prelude::*;

use crate::i18n::{Texts, use_i18n};

/// A yes-or-no question: a large box, its label, and under it what the choice means (the hint is
/// `{id}-hint`, read with the box by screen readers).
#[component]
pub fn CheckboxField(
    id: &'static str,
    label: fn(&Texts) -> &'static str,
    hint: fn(&Texts) -> &'static str,
    #[prop(into)] checked: Signal<bool>,
    on_change: Callback<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let hint_id = format!("{id}-hint");
    view! {
        <div class="field checkbox-field">
            <input
                id=id
                type="checkbox"
                aria-describedby=hint_id.clone()
                prop:checked=move || checked.get()
                on:change:target=move |ev| on_change.run(ev.target().checked())
            />
            <label for=id>{move || label(i18n.t())}</label>
            <p class="hint" id=hint_id>{move || hint(i18n.t())}</p>
        </div>
    }
}
