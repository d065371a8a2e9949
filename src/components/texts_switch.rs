use leptos::prelude::*;
use mashang_model::ComplaintView;

use crate::app::use_api;
use crate::i18n::use_i18n;

/// What the last change of the switch came to, said in the language shown now.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Saved {
    On,
    Off,
    Failed,
}

/// 短信提醒 on the progress view: the filer, or a neighbour who joined, turns texts about this
/// complaint on or off. Shown only to them (`enabled` is `None` for anyone else).
#[component]
pub fn TextsSwitch(
    number: String,
    token: String,
    enabled: Signal<Option<bool>>,
    on_saved: Callback<ComplaintView>,
) -> impl IntoView {
    let i18n = use_i18n();
    let api = use_api();
    let saved = RwSignal::new(None::<Saved>);
    let saving = RwSignal::new(false);
    let change = move |input: web_sys::HtmlInputElement| {
        let on = input.checked();
        saving.set(true);
        let (api, number, token) = (api.clone(), number.clone(), token.clone());
        leptos::task::spawn_local(async move {
            let result = api.choose_texts(&number, &token, on).await;
            saving.try_set(false);
            match result {
                Ok(view) => {
                    saved.try_set(Some(if on { Saved::On } else { Saved::Off }));
                    on_saved.run(view);
                }
                Err(_) => {
                    // The box goes back to what the server still has.
                    input.set_checked(!on);
                    saved.try_set(Some(Saved::Failed));
                }
            }
        });
    };
    let message = move || {
        let t = i18n.t();
        saved.get().map(|saved| match saved {
            Saved::On => t.texts_on,
            Saved::Off => t.texts_off,
            Saved::Failed => t.texts_failed,
        })
    };
    move || {
        enabled.get().is_some().then(|| {
            let change = change.clone();
            view! {
                <div class="card field checkbox-field texts-switch">
                    <input
                        id="texts"
                        type="checkbox"
                        aria-describedby="texts-hint texts-status"
                        prop:checked=move || enabled.get().unwrap_or(false)
                        disabled=move || saving.get()
                        on:change:target=move |ev| change(ev.target())
                    />
                    <label for="texts">{move || i18n.t().texts_label}</label>
                    <p class="hint" id="texts-hint">{move || i18n.t().texts_hint}</p>
                    <p id="texts-status" role="status" class="hint"
                        class:texts-failed=move || saved.get() == Some(Saved::Failed)>{message}</p>
                </div>
            }
        })
    }
}
