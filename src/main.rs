//! Mashang 马上办: the resident app.

mod api;
mod app;
mod complaint_list;
mod components;
mod draft;
mod elder;
mod handoff;
mod i18n;
mod lazy;
mod outbox;
mod pages;
mod paths;
mod storage;

use leptos::prelude::*;
use mashang_ui::{config, format, ime};
use wasm_bindgen::JsCast;

fn main() {
    console_error_panic_hook::set_once();
    ime::guard_submits_while_composing();
    let handoff = handoff::take_token();
    // Leptos sets up its own executor when mounting, so the bootstrap uses the browser's.
    wasm_bindgen_futures::spawn_local(async {
        let config = config::load().await;
        // A device that chose English waits for its texts rather than flashing Chinese first.
        if mashang_ui::i18n::saved_english() {
            lazy::english().await;
        }
        leptos::mount::mount_to_body(move || view! { <app::App config handoff=handoff.clone() /> });
        // The static shell in index.html painted while the wasm loaded; the app replaces it.
        if let Some(shell) = document().get_element_by_id("app-shell") {
            shell.remove();
        }
        // Once the first screen is up and the browser has nothing to do, index.html registers
        // the service worker, which fetches the other pages' chunks.
        let started = wasm_bindgen::closure::Closure::once_into_js(|| {
            if let Ok(started) = web_sys::Event::new("mashang-started") {
                let _ = window().dispatch_event(&started);
            }
        });
        if window().request_idle_callback(started.unchecked_ref()).is_err() {
            let _ = window().set_timeout_with_callback_and_timeout_and_arguments_0(started.unchecked_ref(), 1000);
        }
    });
}
