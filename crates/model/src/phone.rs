//! Mainland China mobile numbers: the one piece of identity a complaint needs.

use serde::{Deserialize, Serialize};
use std::fmt;

use crate::text::fold_full_width;

/// A normalized 11-digit mainland mobile number such as `13800138000`.
#[derive(Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PhoneNumber(String);

/// Why a typed phone number was not accepted.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhoneError {
    Empty,
    Invalid,
}

impl PhoneNumber {
    /// Accepts what people actually type: `+86 138-0013-8000`, `0086 13800138000`, full-width
    /// digits, spaces and brackets. Landlines, letters and wrong lengths are refused, and so is
    /// any explicit country code but 86: `+1 380 0138 0001` has eleven digits starting with 1,
    /// but it is not a mainland mobile, and a sign-in code sent to it would reach a stranger.
    pub fn parse(input: &str) -> Result<Self, PhoneError> {
        let folded = fold_full_width(input);
        if folded.trim().is_empty() {
            return Err(PhoneError::Empty);
        }
        let mut digits = String::with_capacity(16);
        let mut plus = false;
        for (index, c) in folded.trim().char_indices() {
            match c {
                '0'..='9' => digits.push(c),
                ' ' | '-' | '(' | ')' | '.' => {}
                '+' if index == 0 => plus = true,
                _ => return Err(PhoneError::Invalid),
            }
        }
        // `+` and `00` both announce a country code, and only 86 is ours.
        let national = if plus {
            digits.strip_prefix("86").ok_or(PhoneError::Invalid)?
        } else if let Some(international) = digits.strip_prefix("00") {
            international.strip_prefix("86").ok_or(PhoneError::Invalid)?
        } else if digits.len() == 13 && digits.starts_with("86") {
            &digits[2..]
        } else {
            &digits[..]
        };
        let bytes = national.as_bytes();
        if bytes.len() == 11 && bytes[0] == b'1' && (b'3'..=b'9').contains(&bytes[1]) {
            Ok(Self(national.to_owned()))
        } else {
            Err(PhoneError::Invalid)
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The form shown to anyone who is not handling the complaint: `138****8000`.
    pub fn masked(&self) -> String {
        mask_phone(&self.0)
    }
}

/// Masks the middle four digits of an 11-digit number; anything else is masked whole, so a
/// malformed stored value can never leak.
pub fn mask_phone(number: &str) -> String {
    if number.len() == 11 && number.bytes().all(|b| b.is_ascii_digit()) {
        format!("{}****{}", &number[..3], &number[7..])
    } else {
        "*".repeat(number.chars().count().clamp(4, 11))
    }
}

impl TryFrom<String> for PhoneNumber {
    type Error = &'static str;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value).map_err(|_| "not a mainland mobile number")
    }
}

impl From<PhoneNumber> for String {
    fn from(value: PhoneNumber) -> Self {
        value.0
    }
}

/// Debug output masks the number so that a stray `{:?}` in a log cannot leak it.
impl fmt::Debug for PhoneNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PhoneNumber({})", self.masked())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn accepts_common_spellings() {
        for input in [
            "13800138000",
            "+86 138-0013-8000",
            "+8613800138000",
            "0086 138 0013 8000",
            "１３８００１３８０００",
            "＋８６ １３８－００１３－８０００",
            " (138) 0013 8000 ",
        ] {
            assert_eq!(PhoneNumber::parse(input).map(|p| p.0), Ok("13800138000".into()), "{input}");
        }
    }

    #[test]
    fn refuses_non_mobile_numbers() {
        for input in [
            "1380013800",   // 10 digits
            "138001380001", // 12 digits
            "028-85123456", // Chengdu landline
            "02885123456",
            "12800138000", // no such mobile prefix
            "1380013800a",
            "abc",
            "138 0013 8000 转 1",
            "86+13800138000",
            // Explicit country codes other than 86, even when eleven digits starting with 1 remain.
            "+1 380 0138 0001",
            "+13800138000",
            "+44 13800138000",
            "0044 13800138000",
            "001 3800138000",
            "＋１ ３８００１３８０００",
            "+ 8613800138000x",
        ] {
            assert_eq!(PhoneNumber::parse(input).map(|p| p.0), Err(PhoneError::Invalid), "{input}");
        }
        assert_eq!(PhoneNumber::parse(" \u{3000} ").map(|p| p.0), Err(PhoneError::Empty));
    }

    #[test]
    fn masks_middle_digits() {
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("bad"), "****");
        let phone = PhoneNumber::parse("13812345678").unwrap_or_else(|_| panic!("a valid number"));
        assert_eq!(format!("{phone:?}"), "PhoneNumber(138****5678)");
    }

    proptest! {
        #[test]
        fn every_valid_number_survives_decoration(second in 3u8..=9, rest in "[0-9]{9}", spaced in any::<bool>(), prefixed in any::<bool>()) {
            let number = format!("1{second}{rest}");
            let mut typed = if spaced { format!("{} {} {}", &number[..3], &number[3..7], &number[7..]) } else { number.clone() };
            if prefixed { typed = format!("+86 {typed}"); }
            prop_assert_eq!(PhoneNumber::parse(&typed).map(|p| p.0), Ok(number));
        }

        #[test]
        fn parsing_never_panics_and_accepts_only_eleven_digits(input in "\\PC{0,24}") {
            if let Ok(phone) = PhoneNumber::parse(&input) {
                prop_assert_eq!(phone.as_str().len(), 11);
                prop_assert!(phone.as_str().bytes().all(|b| b.is_ascii_digit()));
            }
        }

        #[test]
        fn masking_hides_the_middle(rest in "[0-9]{10}") {
            let number = format!("1{rest}");
            let masked = mask_phone(&number);
            prop_assert_eq!(&masked[..3], &number[..3]);
            prop_assert_eq!(&masked[3..7], "****");
            prop_assert_eq!(&masked[7..], &number[7..]);
        }
    }
}
