//! Every workbench URL, under the router's base (`/staff`, `/city/mashang/staff`).

use mashang_ui::paths::at;

pub fn queue() -> String {
    at("/")
}

pub fn complaint(number: &str) -> String {
    at(&format!("/complaints/{number}"))
}

pub fn board() -> String {
    at("/board")
}

pub fn audit() -> String {
    at("/audit")
}

pub fn templates() -> String {
    at("/templates")
}
