//! The rules a complaint must meet, checked by the app before sending and by the server on
//! arrival: the same function on both sides, so they can never disagree.

use crate::phone::{PhoneError, PhoneNumber};
use crate::problem::{Field, FieldError, FieldErrorCode};
use crate::text::{clean_long_text, text_length};
use crate::{LookupRequest, NewComplaint, TrackingNumber};

/// Enough for "电梯坏了，困人" but not for an empty "…".
pub const DESCRIPTION_MIN_CHARS: usize = 5;
/// About a page of handwriting: room for the whole story, not for pasted documents.
pub const DESCRIPTION_MAX_CHARS: usize = 1000;

/// A complaint that passed every rule, with its text cleaned and its number normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidComplaint {
    pub community_id: i64,
    pub category_id: i64,
    pub description: String,
    pub phone: PhoneNumber,
}

/// Checks a filing. Returns every problem at once, in the order the fields appear in the form,
/// so that a resident fixes them in one pass. Whether the community and category exist is for
/// the server to add.
pub fn validate_new_complaint(input: &NewComplaint) -> Result<ValidComplaint, Vec<FieldError>> {
    let mut errors = Vec::new();

    let community_id =
        required_id(input.community_id, Field::CommunityId, FieldErrorCode::UnknownCommunity, &mut errors);
    let category_id = required_id(input.category_id, Field::CategoryId, FieldErrorCode::UnknownCategory, &mut errors);

    let description = clean_long_text(&input.description);
    match text_length(&description) {
        0 => errors.push(FieldError::new(Field::Description, FieldErrorCode::Required)),
        n if n < DESCRIPTION_MIN_CHARS => {
            errors.push(FieldError::with_limit(Field::Description, FieldErrorCode::TooShort, DESCRIPTION_MIN_CHARS))
        }
        n if n > DESCRIPTION_MAX_CHARS => {
            errors.push(FieldError::with_limit(Field::Description, FieldErrorCode::TooLong, DESCRIPTION_MAX_CHARS))
        }
        _ => {}
    }

    let phone = parse_phone(&input.phone, &mut errors);

    match (community_id, category_id, phone) {
        (Some(community_id), Some(category_id), Some(phone)) if errors.is_empty() => {
            Ok(ValidComplaint { community_id, category_id, description, phone })
        }
        _ => Err(errors),
    }
}

/// Checks a lookup by tracking number and phone number.
pub fn validate_lookup(input: &LookupRequest) -> Result<(TrackingNumber, PhoneNumber), Vec<FieldError>> {
    let mut errors = Vec::new();
    let number = if input.tracking_number.trim().is_empty() {
        errors.push(FieldError::new(Field::TrackingNumber, FieldErrorCode::Required));
        None
    } else {
        let parsed = TrackingNumber::parse(&input.tracking_number);
        if parsed.is_none() {
            errors.push(FieldError::new(Field::TrackingNumber, FieldErrorCode::InvalidTrackingNumber));
        }
        parsed
    };
    let phone = parse_phone(&input.phone, &mut errors);
    match (number, phone) {
        (Some(number), Some(phone)) => Ok((number, phone)),
        _ => Err(errors),
    }
}

fn required_id(value: Option<i64>, field: Field, unknown: FieldErrorCode, errors: &mut Vec<FieldError>) -> Option<i64> {
    match value {
        None => {
            errors.push(FieldError::new(field, FieldErrorCode::Required));
            None
        }
        Some(id) if id <= 0 => {
            errors.push(FieldError::new(field, unknown));
            None
        }
        Some(id) => Some(id),
    }
}

fn parse_phone(input: &str, errors: &mut Vec<FieldError>) -> Option<PhoneNumber> {
    match PhoneNumber::parse(input) {
        Ok(phone) => Some(phone),
        Err(PhoneError::Empty) => {
            errors.push(FieldError::new(Field::Phone, FieldErrorCode::Required));
            None
        }
        Err(PhoneError::Invalid) => {
            errors.push(FieldError::new(Field::Phone, FieldErrorCode::InvalidPhone));
            None
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn complaint(description: &str, phone: &str) -> NewComplaint {
        NewComplaint {
            community_id: Some(3),
            category_id: Some(12),
            description: description.into(),
            phone: phone.into(),
        }
    }

    fn codes(result: Result<ValidComplaint, Vec<FieldError>>) -> Vec<(Field, FieldErrorCode)> {
        result.err().unwrap_or_default().into_iter().map(|e| (e.field, e.code)).collect()
    }

    #[test]
    fn a_good_complaint_is_cleaned_and_normalized() {
        let valid = validate_new_complaint(&complaint("  3栋2单元楼道天花板漏水\u{202E}  ", "+86 138-0013-8000"));
        let valid = valid.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(valid.description, "3栋2单元楼道天花板漏水");
        assert_eq!(valid.phone.as_str(), "13800138000");
    }

    #[test]
    fn an_empty_form_reports_every_field_in_form_order() {
        assert_eq!(
            codes(validate_new_complaint(&NewComplaint::default())),
            vec![
                (Field::CommunityId, FieldErrorCode::Required),
                (Field::CategoryId, FieldErrorCode::Required),
                (Field::Description, FieldErrorCode::Required),
                (Field::Phone, FieldErrorCode::Required),
            ]
        );
    }

    #[test]
    fn white_space_and_invisible_characters_do_not_count_as_text() {
        assert_eq!(
            codes(validate_new_complaint(&complaint(" \u{200B}\n\t\u{3000}", "13800138000"))),
            vec![(Field::Description, FieldErrorCode::Required)]
        );
    }

    #[test]
    fn description_length_limits_are_exact() {
        let at_limit = "漏".repeat(DESCRIPTION_MAX_CHARS);
        assert!(validate_new_complaint(&complaint(&at_limit, "13800138000")).is_ok());
        let over = "漏".repeat(DESCRIPTION_MAX_CHARS + 1);
        let errors = validate_new_complaint(&complaint(&over, "13800138000")).err().unwrap_or_default();
        assert_eq!(
            errors,
            vec![FieldError::with_limit(Field::Description, FieldErrorCode::TooLong, DESCRIPTION_MAX_CHARS)]
        );
        let short = "漏".repeat(DESCRIPTION_MIN_CHARS - 1);
        assert_eq!(
            codes(validate_new_complaint(&complaint(&short, "13800138000"))),
            vec![(Field::Description, FieldErrorCode::TooShort)]
        );
    }

    #[test]
    fn emoji_and_rare_characters_are_counted_per_scalar_and_kept() {
        let text = "👨\u{200D}👩\u{200D}👧𠀀𪚥";
        let valid = validate_new_complaint(&complaint(text, "13800138000")).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(valid.description, text);
    }

    #[test]
    fn bad_ids_and_phones_are_field_errors() {
        let mut input = complaint("电梯困人很久了", "028-85123456");
        input.community_id = Some(-1);
        input.category_id = Some(0);
        assert_eq!(
            codes(validate_new_complaint(&input)),
            vec![
                (Field::CommunityId, FieldErrorCode::UnknownCommunity),
                (Field::CategoryId, FieldErrorCode::UnknownCategory),
                (Field::Phone, FieldErrorCode::InvalidPhone),
            ]
        );
    }

    #[test]
    fn lookup_needs_a_well_formed_number_and_phone() {
        let request = LookupRequest { tracking_number: "12345".into(), phone: String::new() };
        let errors = validate_lookup(&request).err().unwrap_or_default();
        let codes: Vec<_> = errors.iter().map(|e| (e.field, e.code)).collect();
        assert_eq!(
            codes,
            vec![
                (Field::TrackingNumber, FieldErrorCode::InvalidTrackingNumber),
                (Field::Phone, FieldErrorCode::Required)
            ]
        );
    }

    proptest! {
        #[test]
        fn validation_never_panics_and_accepted_text_is_within_limits(description in "\\PC{0,1200}", phone in "\\PC{0,20}") {
            if let Ok(valid) = validate_new_complaint(&complaint(&description, &phone)) {
                let length = text_length(&valid.description);
                prop_assert!((DESCRIPTION_MIN_CHARS..=DESCRIPTION_MAX_CHARS).contains(&length));
                prop_assert!(!valid.description.contains('\0'));
            }
        }
    }
}
