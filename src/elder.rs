//! 长辈模式: larger type, larger targets, stronger contrast and a simpler home screen, chosen once
//! and remembered on the device.

use leptos::prelude::*;

use crate::storage;

const STORAGE_KEY: &str = "mashang.elder";

#[derive(Clone, Copy)]
pub struct ElderMode(pub RwSignal<bool>);

impl ElderMode {
    pub fn provide() -> Self {
        let mode = Self(RwSignal::new(storage::get(STORAGE_KEY).as_deref() == Some("on")));
        Effect::new(move |_| {
            let on = mode.0.get();
            storage::set(STORAGE_KEY, if on { "on" } else { "off" });
            if let Some(root) = document().document_element() {
                let _ = root.class_list().toggle_with_force("elder", on);
            }
        });
        provide_context(mode);
        mode
    }
}

pub fn use_elder_mode() -> ElderMode {
    use_context::<ElderMode>().unwrap_or_else(|| ElderMode(RwSignal::new(false)))
}
