//! Unit enums travel as their snake_case names. Those the apps read often are deserialized by
//! looking the name up with the enum's own `from_str_opt`, rather than with serde's derived code,
//! which handles every shape an enum can take and costs the phone's download over a kilobyte per
//! enum. Serializing stays derived, so the API and its OpenAPI document are unchanged; each
//! enum's tests check that both directions agree on every name.

use serde::de::{Deserialize, Deserializer, Error, Unexpected};
use std::borrow::Cow;

pub(crate) fn by_name<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    lookup: fn(&str) -> Option<T>,
) -> Result<T, D::Error> {
    let name = <Cow<'de, str>>::deserialize(deserializer)?;
    lookup(&name).ok_or_else(|| D::Error::invalid_value(Unexpected::Str(&name), &"one of the names the API documents"))
}

/// `Deserialize` for each `type => lookup` (a `fn(&str) -> Option<Self>`).
macro_rules! deserialize_by_name {
    ($($type:ty => $lookup:expr),* $(,)?) => {$(
        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::names::by_name(deserializer, $lookup)
            }
        }
    )*};
}
pub(crate) use deserialize_by_name;

#[cfg(test)]
mod tests {
    use crate::escalation::{Card, Level};
    use crate::lifecycle::Action;
    use crate::{ActorRole, ComplaintStatus, EventKind, Field, FieldErrorCode, ProblemCode};
    use serde::Serialize;
    use serde::de::DeserializeOwned;

    /// Every variant is written with its documented name and read back from it.
    fn both_ways<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug + Copy>(
        all: &[T],
        name: fn(T) -> &'static str,
    ) {
        for &variant in all {
            assert_eq!(serde_json::to_value(variant).ok(), Some(name(variant).into()), "{variant:?}");
            assert_eq!(serde_json::from_value::<T>(name(variant).into()).ok(), Some(variant));
        }
    }

    #[test]
    fn names_are_read_as_they_are_written() {
        both_ways(&ComplaintStatus::ALL, ComplaintStatus::as_str);
        both_ways(&[Level::PropertyCompany, Level::StreetOffice, Level::DistrictBureau], Level::as_str);
        both_ways(&[Card::None, Card::Yellow, Card::Red], Card::as_str);
        both_ways(&ProblemCode::ALL, ProblemCode::as_str);
        both_ways(&Field::ALL, Field::as_str);
        both_ways(&FieldErrorCode::ALL, FieldErrorCode::as_str);
        both_ways(&ActorRole::ALL, ActorRole::as_str);
        both_ways(&EventKind::ALL, EventKind::as_str);
        both_ways(&Action::ALL, Action::as_str);
        both_ways(&crate::escalation::EscalationReason::ALL, crate::escalation::EscalationReason::as_str);
        both_ways(&crate::lifecycle::Refusal::ALL, crate::lifecycle::Refusal::as_str);
        both_ways(&crate::scorecard::Grade::ALL, crate::scorecard::Grade::as_str);
        both_ways(&crate::escalation::EscalatingBody::ALL, crate::escalation::EscalatingBody::as_str);
        both_ways(&crate::api::Solved::ALL, crate::api::Solved::as_str);
        both_ways(&crate::api::Satisfaction::ALL, crate::api::Satisfaction::as_str);
        both_ways(&crate::scorecard::ScoreSubject::ALL, crate::scorecard::ScoreSubject::as_str);
        both_ways(&crate::api::ProblemKind::ALL, crate::api::ProblemKind::as_str);
        both_ways(&crate::api::HandlerRole::ALL, crate::api::HandlerRole::as_str);
    }

    #[test]
    fn the_lists_hold_every_variant_in_order() {
        // The fallback is declared last, so a list that ends with it and counts up from zero
        // has them all.
        assert!(ProblemCode::ALL.iter().enumerate().all(|(index, &code)| code as usize == index));
        assert_eq!(ProblemCode::ALL.last(), Some(&ProblemCode::Unknown));
        assert!(Field::ALL.iter().enumerate().all(|(index, &field)| field as usize == index));
        assert_eq!(Field::ALL.last(), Some(&Field::Other));
        assert!(FieldErrorCode::ALL.iter().enumerate().all(|(index, &code)| code as usize == index));
        assert_eq!(FieldErrorCode::ALL.last(), Some(&FieldErrorCode::Unknown));
        assert!(EventKind::ALL.iter().enumerate().all(|(index, &kind)| kind as usize == index));
        assert_eq!(EventKind::ALL.last(), Some(&EventKind::Other));
        // Without a fallback, the last declared variant closes the list.
        assert!(ComplaintStatus::ALL.iter().enumerate().all(|(index, &status)| status as usize == index));
        assert_eq!(ComplaintStatus::ALL.last(), Some(&ComplaintStatus::Withdrawn));
        assert!(ActorRole::ALL.iter().enumerate().all(|(index, &role)| role as usize == index));
        assert_eq!(ActorRole::ALL.last(), Some(&ActorRole::System));
        assert!(Action::ALL.iter().enumerate().all(|(index, &action)| action as usize == index));
        assert_eq!(Action::ALL.last(), Some(&Action::RecordConsultation));
        assert!(crate::escalation::EscalationReason::ALL.iter().enumerate().all(|(index, &v)| v as usize == index));
        assert_eq!(crate::escalation::EscalationReason::ALL.last(), Some(&crate::escalation::EscalationReason::Other));
        assert!(crate::lifecycle::Refusal::ALL.iter().enumerate().all(|(index, &v)| v as usize == index));
        assert_eq!(crate::lifecycle::Refusal::ALL.last(), Some(&crate::lifecycle::Refusal::TooSoon));
        assert!(crate::scorecard::Grade::ALL.iter().enumerate().all(|(index, &v)| v as usize == index));
        assert_eq!(crate::scorecard::Grade::ALL.last(), Some(&crate::scorecard::Grade::D));
        assert!(crate::escalation::EscalatingBody::ALL.iter().enumerate().all(|(index, &v)| v as usize == index));
        assert_eq!(
            crate::escalation::EscalatingBody::ALL.last(),
            Some(&crate::escalation::EscalatingBody::DistrictBureau)
        );
        assert!(crate::api::Solved::ALL.iter().enumerate().all(|(index, &v)| v as usize == index));
        assert_eq!(crate::api::Solved::ALL.last(), Some(&crate::api::Solved::No));
        assert!(crate::api::Satisfaction::ALL.iter().enumerate().all(|(index, &v)| v as usize == index));
        assert_eq!(crate::api::Satisfaction::ALL.last(), Some(&crate::api::Satisfaction::Dissatisfied));
        assert!(crate::scorecard::ScoreSubject::ALL.iter().enumerate().all(|(index, &v)| v as usize == index));
        assert_eq!(crate::scorecard::ScoreSubject::ALL.last(), Some(&crate::scorecard::ScoreSubject::Community));
        assert!(crate::api::ProblemKind::ALL.iter().enumerate().all(|(index, &v)| v as usize == index));
        assert_eq!(crate::api::ProblemKind::ALL.last(), Some(&crate::api::ProblemKind::NonProperty));
        assert!(crate::api::HandlerRole::ALL.iter().enumerate().all(|(index, &v)| v as usize == index));
        assert_eq!(crate::api::HandlerRole::ALL.last(), Some(&crate::api::HandlerRole::CommunityOffice));
    }

    #[test]
    fn an_unknown_name_is_refused_where_there_is_no_fallback() {
        assert!(serde_json::from_str::<ComplaintStatus>(r#""teapot""#).is_err());
        assert!(serde_json::from_str::<Level>(r#""province""#).is_err());
        assert!(serde_json::from_str::<Card>("3").is_err());
        assert!(serde_json::from_str::<Action>(r#""dance""#).is_err());
        assert_eq!(serde_json::from_str::<ProblemCode>(r#""teapot""#).ok(), Some(ProblemCode::Unknown));
        assert_eq!(serde_json::from_str::<EventKind>(r#""celebrated""#).ok(), Some(EventKind::Other));
        // Escaped text is read too.
        assert_eq!(serde_json::from_str::<Card>(r#""\u0072ed""#).ok(), Some(Card::Red));
    }
}
