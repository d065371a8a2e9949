use leptos::prelude::*;

use crate::i18n::{Texts, use_i18n};

/// One question answered by one of a few large radio buttons.
#[component]
pub fn Choice<T: Copy + PartialEq + Send + Sync + 'static>(
    legend: fn(&Texts) -> &'static str,
    name: &'static str,
    value: RwSignal<Option<T>>,
    options: Vec<T>,
    label: fn(&Texts, T) -> &'static str,
    /// Side by side (a filter) rather than one under another (a question).
    #[prop(optional)]
    row: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let choices = options
        .into_iter()
        .enumerate()
        .map(|(index, option)| {
            let id = format!("{name}-{index}");
            let for_id = id.clone();
            view! {
                <label class="choice" for=for_id>
                    <input
                        type="radio"
                        id=id
                        name=name
                        prop:checked=move || value.get() == Some(option)
                        on:change=move |_| value.set(Some(option))
                    />
                    <span>{move || label(i18n.t(), option)}</span>
                </label>
            }
        })
        .collect_view();
    view! {
        <fieldset class="choices" class:choices-row=row>
            <legend>{move || legend(i18n.t())}</legend>
            {choices}
        </fieldset>
    }
}
