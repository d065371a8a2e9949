mod error_summary;
mod field_error;
mod page;
mod status_badge;
mod text_input;
mod timeline;

pub use error_summary::{ErrorSummary, SUMMARY_ID, focus_element};
pub use field_error::{FieldMessage, described_by, has_error};
pub use page::Page;
pub use status_badge::StatusBadge;
pub use text_input::{FieldLabel, TextInput};
pub use timeline::Timeline;
