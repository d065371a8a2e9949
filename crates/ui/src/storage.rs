//! This device's `localStorage`. Where the browser refuses it (private browsing, some webviews,
//! a portal's iframe when third-party storage is blocked) or it is full, values are kept in
//! memory instead: nothing outlives the page then, but a draft, the outbox and the complaints
//! filed in this visit still work.

use std::cell::RefCell;
use std::collections::BTreeMap;

thread_local! {
    /// Only what `localStorage` could not take; a key here wins over the same key there.
    static IN_MEMORY: RefCell<BTreeMap<String, String>> = const { RefCell::new(BTreeMap::new()) };
}

fn local_storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

pub fn get(key: &str) -> Option<String> {
    IN_MEMORY.with_borrow(|memory| memory.get(key).cloned()).or_else(|| local_storage()?.get_item(key).ok().flatten())
}

pub fn remove(key: &str) {
    IN_MEMORY.with_borrow_mut(|memory| memory.remove(key));
    if let Some(storage) = local_storage() {
        let _ = storage.remove_item(key);
    }
}

pub fn set(key: &str, value: &str) {
    let stored = local_storage().is_some_and(|storage| storage.set_item(key, value).is_ok());
    IN_MEMORY.with_borrow_mut(|memory| {
        if stored {
            memory.remove(key);
        } else {
            memory.insert(key.to_owned(), value.to_owned());
        }
    });
}
