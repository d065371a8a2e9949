//! The rules a complaint must meet, checked by the app before sending and by the server on
//! arrival: the same function on both sides, so they can never disagree.

use crate::lifecycle::Action;
use crate::phone::{PhoneError, PhoneNumber};
use crate::problem::{Field, FieldError, FieldErrorCode};
use crate::text::{clean_long_text, clean_short_text, text_length};
use crate::{
    HandlerRole, LookupRequest, NewComplaint, Rating, ResidentActionRequest, StaffActionRequest, TrackingNumber,
};

/// Enough for "电梯坏了，困人" but not for an empty "…".
pub const DESCRIPTION_MIN_CHARS: usize = 5;
/// About a page of handwriting: room for the whole story, not for pasted documents.
pub const DESCRIPTION_MAX_CHARS: usize = 1000;
/// "3栋2单元1201" or "东门停车场入口" fit with room to spare.
pub const LOCATION_MAX_CHARS: usize = 60;
pub const NAME_MAX_CHARS: usize = 20;
/// Replies, explanations and supplements.
pub const NOTE_MAX_CHARS: usize = 1000;
/// Photos per filing or per step.
pub const MAX_PHOTOS: usize = 9;

/// A complaint that passed every rule, with its text cleaned and its number normalized.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidComplaint {
    pub photo_ids: Vec<String>,
    pub community_id: i64,
    pub category_id: i64,
    pub location: String,
    pub description: String,
    pub name: String,
    pub phone: PhoneNumber,
    pub hide_identity_from_property: bool,
    pub visible_to_neighbours: bool,
    pub texts: bool,
}

/// Places everybody shares (停车场, 电梯, 楼道 …): a problem there is every neighbour's, so
/// neighbours see it by default; a problem inside a home is private by default.
pub const SHARED_AREA_WORDS: &[&str] = &[
    "大门",
    "门口",
    "停车",
    "车库",
    "电梯",
    "楼道",
    "楼梯",
    "走廊",
    "绿化",
    "花园",
    "垃圾",
    "健身",
    "广场",
    "道路",
    "人行道",
    "路灯",
    "消防",
    "外墙",
    "楼顶",
    "屋顶",
    "小区",
];

/// Whether neighbours may see a complaint when the filer did not say: yes for a shared area.
pub fn neighbours_see_by_default(location: &str) -> bool {
    SHARED_AREA_WORDS.iter().any(|word| location.contains(word))
}

/// Checks a filing. Returns every problem at once, in the order the fields appear in the form,
/// so that a resident fixes them in one pass. Whether the community and category exist is for
/// the server to add.
pub fn validate_new_complaint(input: &NewComplaint) -> Result<ValidComplaint, Vec<FieldError>> {
    let mut errors = Vec::new();

    let community_id =
        required_id(input.community_id, Field::CommunityId, FieldErrorCode::UnknownCommunity, &mut errors);
    let category_id = required_id(input.category_id, Field::CategoryId, FieldErrorCode::UnknownCategory, &mut errors);

    let location = clean_short_text(&input.location);
    check_max(&location, LOCATION_MAX_CHARS, Field::Location, &mut errors);

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

    let name = clean_short_text(&input.name);
    check_max(&name, NAME_MAX_CHARS, Field::Name, &mut errors);

    let phone = parse_phone(&input.phone, &mut errors);

    if !input.consent {
        errors.push(FieldError::new(Field::Consent, FieldErrorCode::ConsentRequired));
    }
    let photo_ids = check_photos(&input.photo_ids, &mut errors);

    match (community_id, category_id, phone) {
        (Some(community_id), Some(category_id), Some(phone)) if errors.is_empty() => Ok(ValidComplaint {
            photo_ids,
            community_id,
            category_id,
            description,
            name,
            phone,
            hide_identity_from_property: input.hide_identity_from_property,
            visible_to_neighbours: input.visible_to_neighbours.unwrap_or_else(|| neighbours_see_by_default(&location)),
            texts: input.texts,
            location,
        }),
        _ => Err(errors),
    }
}

/// A resident's action with its note cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidResidentAction {
    pub action: Action,
    pub note: Option<String>,
    pub rating: Option<Rating>,
    pub photo_ids: Vec<String>,
}

/// Checks the form of a resident's action; whether it is allowed now is the lifecycle's call.
/// A supplement needs text, a reopening an explanation, a rating its two answers.
pub fn validate_resident_action(input: &ResidentActionRequest) -> Result<ValidResidentAction, Vec<FieldError>> {
    let mut errors = Vec::new();
    // A supplement is text, photos, or both.
    let note_required = input.action.needs_note() || (input.action == Action::Supplement && input.photo_ids.is_empty());
    let note = clean_note(&input.note, note_required, &mut errors);
    if input.action == Action::Rate && input.rating.is_none() {
        errors.push(FieldError::new(Field::Rating, FieldErrorCode::Required));
    }
    let photo_ids = check_photos(&input.photo_ids, &mut errors);
    if errors.is_empty() {
        let rating = if input.action == Action::Rate { input.rating } else { None };
        Ok(ValidResidentAction { action: input.action, note, rating, photo_ids })
    } else {
        Err(errors)
    }
}

/// A staff action with its note cleaned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ValidStaffAction {
    pub action: Action,
    pub note: Option<String>,
    pub transfer_to: Option<HandlerRole>,
    pub photo_ids: Vec<String>,
    pub due_at: Option<chrono::DateTime<chrono::Utc>>,
    pub units: Vec<String>,
}

/// A 会商 sits at most this many units around the table.
pub const MAX_MEETING_UNITS: usize = 8;

pub fn validate_staff_action(input: &StaffActionRequest) -> Result<ValidStaffAction, Vec<FieldError>> {
    let mut errors = Vec::new();
    let note = clean_note(&input.note, input.action.needs_note(), &mut errors);
    if input.action == Action::Transfer && input.transfer_to.is_none() {
        errors.push(FieldError::new(Field::TransferTo, FieldErrorCode::Required));
    }
    let photo_ids = check_photos(&input.photo_ids, &mut errors);
    // A hand 督办 needs its deadline and a 会商 its time; whether they lie ahead is the server's
    // check, against its clock.
    let needs_time = matches!(input.action, Action::Supervise | Action::ScheduleConsultation);
    if needs_time && input.due_at.is_none() {
        errors.push(FieldError::new(Field::DueAt, FieldErrorCode::Required));
    }
    let units: Vec<String> =
        input.units.iter().map(|unit| clean_short_text(unit)).filter(|unit| !unit.is_empty()).collect();
    if units.len() > MAX_MEETING_UNITS {
        errors.push(FieldError::with_limit(Field::Other, FieldErrorCode::TooMany, MAX_MEETING_UNITS));
    }
    for unit in &units {
        check_max(unit, NAME_MAX_CHARS * 2, Field::Other, &mut errors);
    }
    if errors.is_empty() {
        let transfer_to = if input.action == Action::Transfer { input.transfer_to } else { None };
        let due_at = if needs_time { input.due_at } else { None };
        let units = if input.action == Action::ScheduleConsultation { units } else { Vec::new() };
        Ok(ValidStaffAction { action: input.action, note, transfer_to, photo_ids, due_at, units })
    } else {
        Err(errors)
    }
}

fn clean_note(input: &str, required: bool, errors: &mut Vec<FieldError>) -> Option<String> {
    let note = clean_long_text(input);
    if note.is_empty() {
        if required {
            errors.push(FieldError::new(Field::Note, FieldErrorCode::Required));
        }
        return None;
    }
    check_max(&note, NOTE_MAX_CHARS, Field::Note, errors);
    Some(note)
}

/// At most [`MAX_PHOTOS`] ids, each of the server's form (64 hex digits); duplicates dropped.
fn check_photos(ids: &[String], errors: &mut Vec<FieldError>) -> Vec<String> {
    let mut unique: Vec<String> = Vec::with_capacity(ids.len());
    for id in ids {
        let id = id.trim().to_ascii_lowercase();
        if !unique.contains(&id) {
            unique.push(id);
        }
    }
    if unique.len() > MAX_PHOTOS {
        errors.push(FieldError::with_limit(Field::Photos, FieldErrorCode::TooMany, MAX_PHOTOS));
    } else if !unique.iter().all(|id| is_photo_id(id)) {
        errors.push(FieldError::new(Field::Photos, FieldErrorCode::UnknownPhoto));
    }
    unique
}

/// Photos are named by the SHA-256 of their stored bytes.
pub fn is_photo_id(id: &str) -> bool {
    id.len() == 64 && id.bytes().all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

fn check_max(text: &str, max: usize, field: Field, errors: &mut Vec<FieldError>) {
    if text_length(text) > max {
        errors.push(FieldError::with_limit(field, FieldErrorCode::TooLong, max));
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
            consent: true,
            ..NewComplaint::default()
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
                (Field::Consent, FieldErrorCode::ConsentRequired),
            ]
        );
    }

    #[test]
    fn optional_fields_are_cleaned_and_bounded() {
        let mut input = complaint("电梯困人很久了", "13800138000");
        input.location = "  3栋\n2单元 ".into();
        input.name = "张\u{202E}三".into();
        let valid = validate_new_complaint(&input).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((valid.location.as_str(), valid.name.as_str()), ("3栋 2单元", "张三"));
        input.name = "名".repeat(NAME_MAX_CHARS + 1);
        input.location = "楼".repeat(LOCATION_MAX_CHARS + 1);
        assert_eq!(
            codes(validate_new_complaint(&input)),
            vec![(Field::Location, FieldErrorCode::TooLong), (Field::Name, FieldErrorCode::TooLong)]
        );
    }

    #[test]
    fn actions_need_their_note_or_rating() {
        let request =
            |action, note: &str, rating| ResidentActionRequest { action, note: note.into(), rating, photo_ids: vec![] };
        let fields = |result: Result<ValidResidentAction, Vec<FieldError>>| -> Vec<Field> {
            result.err().unwrap_or_default().into_iter().map(|e| e.field).collect()
        };
        assert_eq!(fields(validate_resident_action(&request(Action::Reopen, "  ", None))), [Field::Note]);
        assert_eq!(fields(validate_resident_action(&request(Action::Supplement, "", None))), [Field::Note]);
        assert_eq!(fields(validate_resident_action(&request(Action::Rate, "", None))), [Field::Rating]);
        assert!(validate_resident_action(&request(Action::Urge, "", None)).is_ok());
        assert!(validate_resident_action(&request(Action::Withdraw, "", None)).is_ok());
        let staff = StaffActionRequest {
            action: Action::Transfer,
            note: "属于街道职责".into(),
            transfer_to: None,
            photo_ids: vec![],
            due_at: None,
            units: vec![],
        };
        let errors = validate_staff_action(&staff).err().unwrap_or_default();
        assert_eq!(errors, [FieldError::new(Field::TransferTo, FieldErrorCode::Required)]);
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
    fn neighbours_see_shared_areas_by_default_and_homes_never_unless_asked() {
        let mut input = complaint("电梯困人很久了", "13800138000");
        input.location = "5栋电梯".into();
        assert!(validate_new_complaint(&input).is_ok_and(|c| c.visible_to_neighbours));
        input.location = "3栋2单元1201".into();
        assert!(validate_new_complaint(&input).is_ok_and(|c| !c.visible_to_neighbours));
        input.visible_to_neighbours = Some(true);
        assert!(validate_new_complaint(&input).is_ok_and(|c| c.visible_to_neighbours));
        input.location = "东门停车场".into();
        input.visible_to_neighbours = Some(false);
        assert!(validate_new_complaint(&input).is_ok_and(|c| !c.visible_to_neighbours));
    }

    #[test]
    fn a_hand_supervision_needs_its_deadline_and_a_meeting_its_time() {
        let request = |action, due_at| StaffActionRequest {
            action,
            note: "请加快办理".into(),
            transfer_to: None,
            photo_ids: vec![],
            due_at,
            units: vec!["  蜀锦物业 ".into(), "".into()],
        };
        let missing = validate_staff_action(&request(Action::Supervise, None)).err().unwrap_or_default();
        assert_eq!(missing, [FieldError::new(Field::DueAt, FieldErrorCode::Required)]);
        let when = chrono::DateTime::from_timestamp(1_800_000_000, 0);
        let meeting = validate_staff_action(&request(Action::ScheduleConsultation, when));
        let meeting = meeting.unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((meeting.due_at, meeting.units), (when, vec!["蜀锦物业".to_owned()]));
        let progress = validate_staff_action(&request(Action::AddProgress, when)).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!((progress.due_at, progress.units.len()), (None, 0), "only the actions that use them keep them");
    }

    #[test]
    fn a_foreign_country_code_is_a_phone_error_wherever_a_phone_is_typed() {
        for phone in ["+1 380 0138 0001", "0044 13800138000", "+44 13800138000"] {
            assert_eq!(
                codes(validate_new_complaint(&complaint("电梯困人很久了", phone))),
                vec![(Field::Phone, FieldErrorCode::InvalidPhone)],
                "{phone}"
            );
            let lookup = LookupRequest { tracking_number: "MS20261127-0A1B2C".into(), phone: phone.into() };
            let errors = validate_lookup(&lookup).err().unwrap_or_default();
            assert!(
                errors.iter().any(|e| e.field == Field::Phone && e.code == FieldErrorCode::InvalidPhone),
                "{phone}"
            );
        }
        for phone in ["+86 138 0013 8000", "0086 13800138000", "8613800138000"] {
            assert!(validate_new_complaint(&complaint("电梯困人很久了", phone)).is_ok(), "{phone}");
        }
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

    #[test]
    fn photos_are_bounded_and_well_formed() {
        let id = "a".repeat(64);
        let mut input = complaint("楼道里堆满了杂物", "13800138000");
        input.photo_ids = vec![id.clone(), id.clone(), id.to_uppercase()];
        let valid = validate_new_complaint(&input).unwrap_or_else(|e| panic!("{e:?}"));
        assert_eq!(valid.photo_ids, [id], "duplicates dropped");
        input.photo_ids = (0..10).map(|n| format!("{n:064x}")).collect();
        assert_eq!(codes(validate_new_complaint(&input)), vec![(Field::Photos, FieldErrorCode::TooMany)]);
        input.photo_ids = vec!["../../etc/passwd".into()];
        assert_eq!(codes(validate_new_complaint(&input)), vec![(Field::Photos, FieldErrorCode::UnknownPhoto)]);
        let supplement = ResidentActionRequest {
            action: Action::Supplement,
            note: String::new(),
            rating: None,
            photo_ids: vec![format!("{:064x}", 1)],
        };
        assert!(validate_resident_action(&supplement).is_ok(), "photos alone are a supplement");
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
