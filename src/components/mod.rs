mod actions;
mod checkbox;
mod choice;
mod complaint_card;
mod escalation_banner;
mod handoff_notice;
mod later;
mod network_banner;
mod page;
mod sign_in;
mod stages;
mod text_input;
mod texts_switch;

pub use actions::ResidentActions;
pub use checkbox::CheckboxField;
pub use choice::Choice;
pub use complaint_card::ComplaintCard;
pub use escalation_banner::EscalationBanner;
pub use handoff_notice::HandoffNotice;
pub use later::Later;
pub use mashang_ui::{
    ErrorSummary, FieldMessage, LoadBoundary, PhotoItem, PhotoPicker, SUMMARY_ID, StatusBadge, Timeline, any_in_flight,
    described_by, focus_element, has_error, uploaded_ids, uploaded_paths,
};
pub use network_banner::NetworkBanner;
pub use page::Page;
pub use sign_in::SignIn;
pub use stages::Stages;
pub use text_input::{FieldFrame, FieldLabel, TextInput};
pub use texts_switch::TextsSwitch;
