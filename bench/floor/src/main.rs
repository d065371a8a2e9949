//! The smallest Leptos CSR page: what any Leptos app costs before it does anything.

use leptos::prelude::*;

fn main() {
    leptos::mount::mount_to_body(|| view! { <p id="ready">"马上办"</p> });
}
