mod actions;
mod complaint_card;
mod error_summary;
mod field_error;
mod page;
mod stages;
mod status_badge;
mod text_input;
mod timeline;

pub use actions::ResidentActions;
pub use complaint_card::ComplaintCard;
pub use error_summary::{ErrorSummary, SUMMARY_ID, focus_element};
pub use field_error::{FieldMessage, described_by, has_error};
pub use page::Page;
pub use stages::Stages;
pub use status_badge::StatusBadge;
pub use text_input::{FieldLabel, TextInput};
pub use timeline::Timeline;
