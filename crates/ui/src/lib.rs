//! What the resident app and the staff workbench share. Nothing here knows either app: words come
//! from this crate's own catalogue ([`texts`]) or as props.

pub mod config;
mod error_summary;
mod field_error;
pub mod format;
pub mod http;
pub mod i18n;
pub mod ime;
pub mod json;
mod language_switch;
pub mod live;
mod load_boundary;
pub mod paths;
mod photo_picker;
pub mod photo_resize;
mod status_badge;
pub mod storage;
pub mod texts;
mod timeline;

pub use error_summary::{ErrorSummary, SUMMARY_ID, focus_element};
pub use field_error::{FieldMessage, described_by, has_error};
pub use language_switch::LanguageSwitch;
pub use load_boundary::LoadBoundary;
pub use photo_picker::{PhotoItem, PhotoPicker, PhotoState, any_in_flight, uploaded_ids, uploaded_paths};
pub use status_badge::StatusBadge;
pub use timeline::Timeline;
