//! The base every in-app URL starts with: where the app is served (`/city/mashang`, or empty at
//! the root). Each app builds its routes on it, so links are complete and never resolved again
//! against the current route.

use std::sync::OnceLock;

static BASE: OnceLock<String> = OnceLock::new();

/// Called once at start with the router's base from the runtime config.
pub fn set_base(base: String) {
    let _ = BASE.set(base);
}

/// `route` (starting with `/`) under the app's base.
pub fn at(route: &str) -> String {
    format!("{}{route}", BASE.get().map_or("", String::as_str))
}
