//! Unit enums travel as their snake_case names, listed beside each variant. Serializing is serde's
//! derive; deserializing looks the name up, rather than using serde's derived code, which handles
//! every shape an enum can take and costs the phone's download over a kilobyte per enum. The tests
//! below check that both agree on every variant.

use serde::de::{Deserialize, Deserializer, Error, Unexpected};
use std::borrow::Cow;

pub(crate) fn by_name<'de, D: Deserializer<'de>, T>(
    deserializer: D,
    lookup: fn(&str) -> Option<T>,
) -> Result<T, D::Error> {
    let name = <Cow<'de, str>>::deserialize(deserializer)?;
    lookup(&name).ok_or_else(|| D::Error::invalid_value(Unexpected::Str(&name), &"one of the names the API documents"))
}

/// A unit enum whose variants are written `Variant = "name"`, with `ALL`, `as_str`,
/// `from_str_opt` and a `Deserialize` by name. With `else Variant` after it, a name this version
/// does not know (a newer server's) reads as that variant instead of being refused. Writing stays
/// serde's derive under the enum's own `#[serde(rename_all)]`, which the OpenAPI document reads
/// too; the tests below check that serde's names are these.
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        pub enum $type:ident {
            $($(#[$variant_meta:meta])* $variant:ident = $name:literal),+ $(,)?
        }
        $(else $fallback:ident)?
    ) => {
        $(#[$meta])*
        pub enum $type {
            $($(#[$variant_meta])* $variant),+
        }

        impl $type {
            /// Every variant, in the order declared.
            pub const ALL: [Self; [$($name),+].len()] = [$(Self::$variant),+];

            /// The name used in the API and in storage.
            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name),+
                }
            }

            pub fn from_str_opt(name: &str) -> Option<Self> {
                Self::ALL.into_iter().find(|variant| variant.as_str() == name)
            }
        }

        impl<'de> serde::Deserialize<'de> for $type {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                $crate::names::by_name(deserializer, |name| Self::from_str_opt(name)$(.or(Some(Self::$fallback)))?)
            }
        }
    };
}
pub(crate) use named_enum;

#[cfg(test)]
mod tests {
    use crate::api::{HandlerRole, ProblemKind, Satisfaction, Solved};
    use crate::escalation::{Card, EscalatingBody, EscalationReason, Level};
    use crate::lifecycle::{Action, Refusal};
    use crate::scorecard::{Grade, ScoreSubject};
    use crate::{ActorRole, ComplaintStatus, EventKind, Field, FieldErrorCode, ProblemCode};
    use serde::Serialize;
    use serde::de::DeserializeOwned;

    /// serde writes every variant with the name listed beside it, and the lookup reads it back,
    /// through JSON as the apps receive it.
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
        both_ways(&Level::ALL, Level::as_str);
        both_ways(&Card::ALL, Card::as_str);
        both_ways(&ProblemCode::ALL, ProblemCode::as_str);
        both_ways(&Field::ALL, Field::as_str);
        both_ways(&FieldErrorCode::ALL, FieldErrorCode::as_str);
        both_ways(&ActorRole::ALL, ActorRole::as_str);
        both_ways(&EventKind::ALL, EventKind::as_str);
        both_ways(&Action::ALL, Action::as_str);
        both_ways(&EscalationReason::ALL, EscalationReason::as_str);
        both_ways(&Refusal::ALL, Refusal::as_str);
        both_ways(&Grade::ALL, Grade::as_str);
        both_ways(&EscalatingBody::ALL, EscalatingBody::as_str);
        both_ways(&Solved::ALL, Solved::as_str);
        both_ways(&Satisfaction::ALL, Satisfaction::as_str);
        both_ways(&ScoreSubject::ALL, ScoreSubject::as_str);
        both_ways(&ProblemKind::ALL, ProblemKind::as_str);
        both_ways(&HandlerRole::ALL, HandlerRole::as_str);
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
