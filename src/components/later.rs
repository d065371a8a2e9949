//! A long page drawn over several tasks rather than one.

use std::time::Duration;

use leptos::prelude::*;

/// Draws its children in a task of their own, after everything before them. A page drawn at once
/// is one long task: a mid-range phone cannot answer a tap until all of it is built and its code
/// compiled, most of it below the fold (Lighthouse counts it as blocking time). `Later`s in a page
/// take their turns in order, so the page still fills in from the top.
#[component]
pub fn Later(children: Children) -> impl IntoView {
    let ready = RwSignal::new(false);
    // A timer is a task of its own; the children's effects run in its microtasks, inside it.
    set_timeout(move || _ = ready.try_set(true), Duration::ZERO);
    let children = StoredValue::new_local(Some(children));
    move || ready.get().then(|| children.try_update_value(Option::take).flatten().map(|children| children()))
}
