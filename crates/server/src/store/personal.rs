//! Phone numbers and names at rest. The database never holds either in clear: a name or number
//! is sealed (XChaCha20-Poly1305 under the data key, with a fresh random nonce each time), and
//! whatever must find or compare numbers — tracking by number and phone, a resident's sessions and
//! "my complaints", one household per 附议, counting the households behind a problem — uses a
//! keyed hash of the number instead ([`PhoneKey`]). A copied database file is therefore useless
//! without the key, which lives in the environment or in a key file kept apart from it.

use chacha20poly1305::aead::{Aead, KeyInit, Payload};
use chacha20poly1305::{XChaCha20Poly1305, XNonce};
use hmac::Mac;
use mashang_model::PhoneNumber;
use rusqlite::types::{FromSql, FromSqlResult, ToSql, ToSqlOutput, ValueRef};

use super::StoreError;

/// Sealed values start with this byte, so a later scheme can be told apart.
const SEAL_VERSION: u8 = 1;
const NONCE_BYTES: usize = 24;
/// Keyed hashes of phone numbers are cut to 128 bits: collisions stay out of reach, and the
/// indexes that hold them stay small.
const PHONE_KEY_BYTES: usize = 16;

/// What a sealed value is. It is bound into the seal, so a name cannot be passed off as a
/// number by moving bytes between columns.
#[derive(Debug, Clone, Copy)]
pub enum Sealed {
    Phone,
    Name,
}

impl Sealed {
    fn label(self) -> &'static [u8] {
        match self {
            Self::Phone => b"phone",
            Self::Name => b"name",
        }
    }
}

/// A phone number as the database knows it: equal for equal numbers under one key, and no way
/// back to the number without it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhoneKey(String);

impl PhoneKey {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl ToSql for PhoneKey {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        self.0.to_sql()
    }
}

impl FromSql for PhoneKey {
    fn column_result(value: ValueRef<'_>) -> FromSqlResult<Self> {
        String::column_result(value).map(Self)
    }
}

/// The keys for personal data: one seals, one makes phone keys. Cheap to clone.
#[derive(Clone)]
pub struct PersonalData {
    cipher: XChaCha20Poly1305,
    lookup: [u8; 32],
}

impl std::fmt::Debug for PersonalData {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PersonalData(..)")
    }
}

impl PersonalData {
    pub fn new(seal_key: [u8; 32], lookup_key: [u8; 32]) -> Self {
        Self { cipher: XChaCha20Poly1305::new(&seal_key.into()), lookup: lookup_key }
    }

    pub fn phone_key(&self, phone: &PhoneNumber) -> PhoneKey {
        self.stored_phone_key(phone.as_str())
    }

    /// The key of a number as it was stored in clear before sealing (stored numbers were always
    /// the normalised form [`PhoneNumber::as_str`] gives).
    pub(crate) fn stored_phone_key(&self, number: &str) -> PhoneKey {
        PhoneKey(hex::encode(&self.keyed_hash(b"phone", number.as_bytes())[..PHONE_KEY_BYTES]))
    }

    /// What a rate bucket is stored as: its name (which holds an address, a phone number or a
    /// tracking number) hashed under the lookup key, so the shared database never holds them.
    pub(crate) fn bucket_key(&self, bucket: &str) -> String {
        hex::encode(&self.keyed_hash(b"bucket", bucket.as_bytes())[..PHONE_KEY_BYTES])
    }

    /// Names this set of keys, so that a database opened with another key is noticed at start
    /// rather than when a number no longer matches.
    pub(crate) fn fingerprint(&self) -> Vec<u8> {
        self.keyed_hash(b"fingerprint", b"").to_vec()
    }

    pub(crate) fn seal(&self, kind: Sealed, text: &str) -> Vec<u8> {
        let nonce: [u8; NONCE_BYTES] = rand::random();
        let payload = Payload { msg: text.as_bytes(), aad: kind.label() };
        // Encrypting into a Vec cannot fail; the sealed text is its length plus the tag.
        let sealed = self.cipher.encrypt(&XNonce::from(nonce), payload).unwrap_or_default();
        let mut out = Vec::with_capacity(1 + NONCE_BYTES + sealed.len());
        out.push(SEAL_VERSION);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        out
    }

    pub fn open(&self, kind: Sealed, sealed: &[u8]) -> Result<String, StoreError> {
        let unreadable = || StoreError::Database("personal data cannot be opened with this data key".into());
        let (&version, rest) = sealed.split_first().ok_or_else(unreadable)?;
        if version != SEAL_VERSION || rest.len() < NONCE_BYTES {
            return Err(unreadable());
        }
        let (nonce, message) = rest.split_at(NONCE_BYTES);
        let nonce: [u8; NONCE_BYTES] = nonce.try_into().map_err(|_| unreadable())?;
        let clear = self
            .cipher
            .decrypt(&XNonce::from(nonce), Payload { msg: message, aad: kind.label() })
            .map_err(|_| unreadable())?;
        String::from_utf8(clear).map_err(|_| unreadable())
    }

    fn keyed_hash(&self, purpose: &[u8], value: &[u8]) -> [u8; 32] {
        let mut mac = crate::secrets::hmac_with(&self.lookup);
        mac.update(purpose);
        mac.update(b":");
        mac.update(value);
        mac.finalize().into_bytes().into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn keys(byte: u8) -> PersonalData {
        PersonalData::new([byte; 32], [byte.wrapping_add(1); 32])
    }

    fn phone(digits: &str) -> PhoneNumber {
        PhoneNumber::parse(digits).expect("a valid number")
    }

    #[test]
    fn a_phone_key_is_stable_under_one_key_and_differs_under_another() {
        let number = phone("13800138000");
        assert_eq!(keys(1).phone_key(&number), keys(1).phone_key(&number));
        assert_ne!(keys(1).phone_key(&number), keys(2).phone_key(&number));
        assert_ne!(keys(1).phone_key(&number), keys(1).phone_key(&phone("13800138001")));
        assert!(!keys(1).phone_key(&number).as_str().contains("138"));
        assert_ne!(keys(1).fingerprint(), keys(2).fingerprint());
    }

    #[test]
    fn a_seal_opens_only_with_its_key_and_as_what_it_was() {
        let sealed = keys(1).seal(Sealed::Name, "王小明");
        assert_eq!(keys(1).open(Sealed::Name, &sealed).expect("opens"), "王小明");
        assert!(keys(2).open(Sealed::Name, &sealed).is_err());
        assert!(keys(1).open(Sealed::Phone, &sealed).is_err(), "a name is not a phone");
        let mut tampered = sealed.clone();
        let last = tampered.len() - 1;
        tampered[last] ^= 1;
        assert!(keys(1).open(Sealed::Name, &tampered).is_err());
        assert!(keys(1).open(Sealed::Name, &[]).is_err());
        assert!(keys(1).open(Sealed::Name, &[SEAL_VERSION]).is_err());
    }

    proptest! {
        #[test]
        fn sealing_round_trips_and_never_shows_the_text(text in "\\PC{1,40}") {
            let personal = keys(7);
            let first = personal.seal(Sealed::Phone, &text);
            let second = personal.seal(Sealed::Phone, &text);
            prop_assert_ne!(&first, &second, "a fresh nonce each time");
            prop_assert_eq!(personal.open(Sealed::Phone, &first).expect("opens"), text.clone());
            let needle = text.as_bytes();
            prop_assert!(needle.len() < 4 || !first.windows(needle.len()).any(|w| w == needle));
        }
    }
}
