//! Mashang 马上办: the staff workbench, for property companies, street offices and the housing
//! bureau. A second app beside the resident one, sharing its contract (`mashang-model`) and its
//! UI pieces (`mashang-ui`), so residents never download this code.

mod api;
mod app;
mod components;
mod i18n;
mod pages;
mod paths;
mod session;

use leptos::prelude::*;

fn main() {
    console_error_panic_hook::set_once();
    mashang_ui::ime::guard_submits_while_composing();
    wasm_bindgen_futures::spawn_local(async {
        let config = mashang_ui::config::load().await;
        leptos::mount::mount_to_body(move || view! { <app::App config /> });
        if let Some(shell) = document().get_element_by_id("app-shell") {
            shell.remove();
        }
    });
}
