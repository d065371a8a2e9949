//! What the resident app and the staff workbench share. Nothing here knows either app: words come
//! from this crate's own catalogue ([`texts`]) or as props.

pub mod config;
pub mod format;
pub mod http;
pub mod i18n;
pub mod ime;
mod load_boundary;
pub mod photo_resize;
mod status_badge;
pub mod storage;
pub mod texts;

pub use load_boundary::LoadBoundary;
pub use status_badge::StatusBadge;
