//! The contract between the resident app and any Mashang back end.
//!
//! Everything here is pure logic with no I/O, so it compiles for the browser (wasm32) and for the
//! server alike, and each rule is written, and tested, exactly once.

pub mod api;
pub mod deadline;
pub mod escalation;
pub mod lifecycle;
mod names;
pub mod phone;
pub mod problem;
pub mod scorecard;
pub mod staff;
pub mod status;
pub mod text;
pub mod texts;
pub mod time;
pub mod tracking;
pub mod validation;

pub use api::*;
pub use phone::{PhoneNumber, mask_phone};
pub use problem::{Field, FieldError, FieldErrorCode, Problem, ProblemCode};
pub use status::ComplaintStatus;
pub use tracking::TrackingNumber;
pub use validation::{
    ValidComplaint, ValidResidentAction, ValidStaffAction, validate_lookup, validate_new_complaint,
    validate_resident_action, validate_staff_action,
};

/// Path prefix of every API route; the app's default API base is this path on the same origin.
pub const API_PREFIX: &str = "/api/v1";
