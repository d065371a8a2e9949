//! Tokens, hashes and passwords. Secrets are only ever stored as hashes.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use chrono::{DateTime, Duration, Utc};
use hmac::{Hmac, Mac};
use mashang_model::PhoneNumber;
use sha2::{Digest, Sha256};

/// 256 random bits as 64 hex digits: for session tokens.
pub fn random_token() -> String {
    hex::encode(rand::random::<[u8; 32]>())
}

pub fn random_salt() -> [u8; 16] {
    rand::random()
}

pub fn sha256(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

/// Whether two byte strings are equal, in time that depends only on their length.
pub fn same_bytes(a: &[u8], b: &[u8]) -> bool {
    a.len() == b.len() && a.iter().zip(b).fold(0u8, |difference, (x, y)| difference | (x ^ y)) == 0
}

/// A complaint's access token: an HMAC of the filing's idempotency key under the complaint's own
/// salt. The same filing replayed with the same key gets the same token back, yet neither the
/// token nor the raw key is ever stored.
pub fn access_token(salt: &[u8], idempotency_key: &str) -> String {
    let mut mac = <Hmac<Sha256>>::new_from_slice(salt).unwrap_or_else(|_| unreachable_hmac());
    mac.update(idempotency_key.as_bytes());
    hex::encode(mac.finalize().into_bytes())
}

/// HMAC accepts keys of any length, so this never runs; it exists to avoid a panic path.
fn unreachable_hmac() -> Hmac<Sha256> {
    <Hmac<Sha256>>::new_from_slice(&[0]).unwrap_or_else(|_| unreachable_hmac())
}

/// A six-digit one-time code.
pub fn sign_in_code() -> String {
    format!("{:06}", rand::random_range(0..1_000_000u32))
}

/// A hand-off token is refused if it claims to live longer than this: it is meant to be made
/// just before the citizen-services app opens Mashang.
pub const HANDOFF_MAX_LIFETIME: Duration = Duration::minutes(10);

/// A verified hand-off from the citizen-services app.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Handoff {
    pub phone: PhoneNumber,
    pub expires_at: DateTime<Utc>,
    pub signature: Vec<u8>,
}

/// `v1.<phone>.<expiry, Unix seconds>.<HMAC-SHA256 of "v1.<phone>.<expiry>", base64url>`.
pub fn sign_handoff(secret: &[u8], phone: &str, expires_at: i64) -> String {
    let message = format!("v1.{phone}.{expires_at}");
    let mut mac = hmac_with(secret);
    mac.update(message.as_bytes());
    format!("{message}.{}", URL_SAFE_NO_PAD.encode(mac.finalize().into_bytes()))
}

/// Checks a hand-off token's signature (in constant time), its expiry and its phone number.
pub fn verify_handoff(secret: &[u8], token: &str, now: DateTime<Utc>) -> Option<Handoff> {
    let (message, signature) = token.rsplit_once('.')?;
    let signature = URL_SAFE_NO_PAD.decode(signature).ok()?;
    let mut mac = hmac_with(secret);
    mac.update(message.as_bytes());
    mac.verify_slice(&signature).ok()?;
    let mut parts = message.split('.');
    let (version, phone, expiry) = (parts.next()?, parts.next()?, parts.next()?);
    if version != "v1" || parts.next().is_some() {
        return None;
    }
    let expires_at = DateTime::<Utc>::from_timestamp(expiry.parse().ok()?, 0)?;
    if expires_at <= now || expires_at > now + HANDOFF_MAX_LIFETIME {
        return None;
    }
    Some(Handoff { phone: PhoneNumber::parse(phone).ok()?, expires_at, signature })
}

pub(crate) fn hmac_with(key: &[u8]) -> Hmac<Sha256> {
    <Hmac<Sha256>>::new_from_slice(key).unwrap_or_else(|_| unreachable_hmac())
}

/// How long a signed photo URL serves its photo, at least. URLs are signed for whole hours, so
/// the same photo has the same URL for an hour and the browser's cache keeps working.
pub const PHOTO_URL_HOURS: i64 = 1;
/// An uploader's URL lasts longer: a draft with its photos may be picked up the next day.
pub const UPLOADER_URL_HOURS: i64 = 24;

/// `exp=<Unix seconds>&sig=<HMAC>`: the capability that serves photo `id` until `exp`, which is
/// the end of the hour `hours` from now.
pub fn photo_access(key: &[u8], id: &str, now: DateTime<Utc>, hours: i64) -> String {
    let expires = (now.timestamp() / 3600 + 1 + hours) * 3600;
    format!("exp={expires}&sig={}", photo_signature(key, id, expires))
}

/// Whether `sig` signs photo `id` until `exp`, and `exp` has not passed.
pub fn photo_access_valid(key: &[u8], id: &str, expires: i64, signature: &str, now: DateTime<Utc>) -> bool {
    expires > now.timestamp() && same_bytes(photo_signature(key, id, expires).as_bytes(), signature.as_bytes())
}

fn photo_signature(key: &[u8], id: &str, expires: i64) -> String {
    let mut mac = hmac_with(key);
    mac.update(format!("photo.{id}.{expires}").as_bytes());
    URL_SAFE_NO_PAD.encode(&mac.finalize().into_bytes()[..16])
}

pub fn hash_password(password: &str) -> Result<String, String> {
    let salt = SaltString::encode_b64(&random_salt()).map_err(|e| e.to_string())?;
    Argon2::default().hash_password(password.as_bytes(), &salt).map(|hash| hash.to_string()).map_err(|e| e.to_string())
}

/// A valid hash of a random password, made once.
pub fn throwaway_hash() -> &'static str {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| hash_password(&random_token()).unwrap_or_default())
}

pub fn verify_password(password: &str, stored: &str) -> bool {
    PasswordHash::new(stored).is_ok_and(|hash| Argon2::default().verify_password(password.as_bytes(), &hash).is_ok())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn access_tokens_are_reproducible_only_with_salt_and_key() {
        let salt = random_salt();
        let token = access_token(&salt, "0b6f9a2e-5c1d-4f7e-9d3a-2b8c4e6f1a0d");
        assert_eq!(token.len(), 64);
        assert_eq!(token, access_token(&salt, "0b6f9a2e-5c1d-4f7e-9d3a-2b8c4e6f1a0d"));
        assert_ne!(token, access_token(&salt, "another key"));
        assert_ne!(token, access_token(&random_salt(), "0b6f9a2e-5c1d-4f7e-9d3a-2b8c4e6f1a0d"));
    }

    #[test]
    fn handoff_tokens_verify_only_when_signed_fresh_and_well_formed() {
        let now = Utc::now();
        let secret = b"city-secret";
        let expiry = (now + Duration::minutes(5)).timestamp();
        let token = sign_handoff(secret, "13800138000", expiry);
        let handoff = verify_handoff(secret, &token, now).map(|h| h.phone.as_str().to_owned());
        assert_eq!(handoff.as_deref(), Some("13800138000"));
        assert!(verify_handoff(b"another secret", &token, now).is_none(), "wrong secret");
        assert!(verify_handoff(secret, &token.replace("13800138000", "13900139000"), now).is_none(), "edited phone");
        assert!(verify_handoff(secret, &token, now + Duration::minutes(6)).is_none(), "expired");
        let long_lived = sign_handoff(secret, "13800138000", (now + Duration::days(1)).timestamp());
        assert!(verify_handoff(secret, &long_lived, now).is_none(), "lives too long");
        assert!(verify_handoff(secret, &sign_handoff(secret, "028-1234", expiry), now).is_none(), "not a mobile");
        for garbage in ["", "v1", "v1.13800138000.1.", "....", "v1.a.b.c.d"] {
            assert!(verify_handoff(secret, garbage, now).is_none(), "{garbage:?}");
        }
    }

    #[test]
    fn sign_in_codes_have_six_digits() {
        for _ in 0..100 {
            let code = sign_in_code();
            assert_eq!(code.len(), 6);
            assert!(code.bytes().all(|b| b.is_ascii_digit()));
        }
    }

    #[test]
    fn passwords_verify_against_their_hash_only() {
        let hash = hash_password("正确的密码 horse").unwrap_or_default();
        assert!(hash.starts_with("$argon2"));
        assert!(verify_password("正确的密码 horse", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }

    #[test]
    fn a_photo_url_serves_its_photo_only_until_it_expires() {
        let key = [7u8; 32];
        let now = DateTime::<Utc>::from_timestamp(1_800_000_123, 0).unwrap_or_default();
        let id = "ab".repeat(32);
        let access = photo_access(&key, &id, now, PHOTO_URL_HOURS);
        let (expires, signature) = access
            .strip_prefix("exp=")
            .and_then(|rest| rest.split_once("&sig="))
            .map(|(e, s)| (e.parse::<i64>().unwrap_or_default(), s.to_owned()))
            .unwrap_or_default();
        assert!(expires - now.timestamp() > 3600 && expires - now.timestamp() <= 7200, "one to two hours");
        assert_eq!(
            access,
            photo_access(&key, &id, now + Duration::minutes(10), PHOTO_URL_HOURS),
            "stable within the hour"
        );
        assert!(photo_access_valid(&key, &id, expires, &signature, now));
        assert!(!photo_access_valid(&key, &"cd".repeat(32), expires, &signature, now), "another photo");
        assert!(!photo_access_valid(&key, &id, expires + 3600, &signature, now), "a later expiry");
        assert!(!photo_access_valid(&[8u8; 32], &id, expires, &signature, now), "another key");
        let after = DateTime::<Utc>::from_timestamp(expires, 0).unwrap_or_default();
        assert!(!photo_access_valid(&key, &id, expires, &signature, after), "expired");
    }
}
