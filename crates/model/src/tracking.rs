//! Tracking numbers (受理编号): what a resident writes down, reads out on the phone and types into
//! the lookup form.
//!
//! Fourteen digits: the filing date in China Standard Time (`YYMMDD`), seven random digits, and a
//! Luhn check digit. Digits only, because residents type them on a numeric keypad and read them
//! aloud; random, so that numbers cannot be enumerated; with a check digit, so that a typo is
//! caught before a lookup is spent on it. Shown as `261127 0384 7192`: the date, then fours.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

use crate::text::fold_full_width;

pub const TRACKING_NUMBER_DIGITS: usize = 14;
const RANDOM_SPACE: u32 = 10_000_000;

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[cfg_attr(feature = "openapi", schema(value_type = String, pattern = "^[0-9]{14}$", example = "26112703847192"))]
#[serde(try_from = "String", into = "String")]
pub struct TrackingNumber(String);

/// A number as typed or pasted, without the spaces and dashes people put in, full-width digits
/// folded to ASCII.
pub fn typed_digits(input: &str) -> String {
    fold_full_width(input).chars().filter(|c| !matches!(c, ' ' | '-')).collect()
}

impl TrackingNumber {
    /// Builds the number for a complaint filed on `date` (CST); `random` is any random `u32`
    /// supplied by the caller, so that this crate needs no source of randomness.
    pub fn new(date: NaiveDate, random: u32) -> Self {
        let body = format!(
            "{:02}{:02}{:02}{:07}",
            date.year().rem_euclid(100),
            date.month(),
            date.day(),
            random % RANDOM_SPACE
        );
        let check = luhn_check_digit(&body);
        Self(format!("{body}{check}"))
    }

    /// Accepts the number as people type or paste it: spaces, dashes and full-width digits are
    /// ignored. Refuses anything of the wrong length or with a wrong check digit.
    pub fn parse(input: &str) -> Option<Self> {
        let digits = typed_digits(input);
        let valid = digits.len() == TRACKING_NUMBER_DIGITS
            && digits.bytes().all(|b| b.is_ascii_digit())
            && luhn_check_digit(&digits[..TRACKING_NUMBER_DIGITS - 1])
                == digits[TRACKING_NUMBER_DIGITS - 1..].chars().next().unwrap_or('x');
        valid.then_some(Self(digits))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `261127 0384 7192`: the filing date, then groups of four, which are easier to read aloud
    /// and copy by hand than fourteen digits in a row, and fit one line on a small phone.
    pub fn grouped(&self) -> String {
        let digits = &self.0;
        format!("{} {} {}", &digits[..6], &digits[6..10], &digits[10..])
    }
}

/// The Luhn digit catches every single-digit typo and most swaps of neighbouring digits.
fn luhn_check_digit(body: &str) -> char {
    let sum: u32 = body
        .bytes()
        .rev()
        .enumerate()
        .map(|(index, byte)| {
            let digit = u32::from(byte - b'0');
            if index % 2 == 0 {
                let doubled = digit * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                digit
            }
        })
        .sum();
    char::from_digit((10 - sum % 10) % 10, 10).unwrap_or('0')
}

impl TryFrom<String> for TrackingNumber {
    type Error = &'static str;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value).ok_or("not a tracking number")
    }
}

impl From<TrackingNumber> for String {
    fn from(value: TrackingNumber) -> Self {
        value.0
    }
}

impl fmt::Display for TrackingNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    #[test]
    fn encodes_the_date_and_checks_itself() {
        let number = TrackingNumber::new(day(2026, 11, 27), 384_719);
        assert_eq!(number.as_str().len(), 14);
        assert!(number.as_str().starts_with("2611270384719"));
        assert_eq!(TrackingNumber::parse(number.as_str()), Some(number.clone()));
        assert_eq!(number.grouped(), format!("261127 0384 719{}", &number.as_str()[13..]));
    }

    #[test]
    fn reads_what_people_type() {
        let number = TrackingNumber::new(day(2026, 1, 5), 42);
        let grouped = number.grouped();
        let full_width: String =
            number.as_str().chars().map(|c| char::from_u32(c as u32 + 0xFEE0).unwrap_or(c)).collect();
        for typed in [grouped.clone(), grouped.replace(' ', "-"), full_width] {
            assert_eq!(TrackingNumber::parse(&typed), Some(number.clone()), "{typed}");
        }
    }

    #[test]
    fn refuses_malformed_numbers() {
        for typed in ["", "123", "2611270384719", "261127038471900", "2611270384719a", "abcdefghijklmn"] {
            assert_eq!(TrackingNumber::parse(typed), None, "{typed}");
        }
    }

    proptest! {
        #[test]
        fn every_single_digit_typo_is_caught(random in 0u32..10_000_000, position in 0usize..14, replacement in 0u8..10) {
            let number = TrackingNumber::new(day(2026, 11, 27), random);
            let mut digits = number.as_str().as_bytes().to_vec();
            prop_assume!(digits[position] != b'0' + replacement);
            digits[position] = b'0' + replacement;
            let typo = String::from_utf8(digits).unwrap_or_default();
            prop_assert_eq!(TrackingNumber::parse(&typo), None);
        }

        #[test]
        fn generated_numbers_round_trip(random in any::<u32>(), days in 0i64..20_000) {
            let date = day(2000, 1, 1) + chrono::Duration::days(days);
            let number = TrackingNumber::new(date, random);
            prop_assert_eq!(TrackingNumber::parse(&number.grouped()), Some(number));
        }

        #[test]
        fn parsing_arbitrary_text_never_panics(input in "\\PC{0,30}") {
            let _ = TrackingNumber::parse(&input);
        }
    }
}
