//! Tokens, hashes and passwords. Secrets are only ever stored as hashes.

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use hmac::{Hmac, Mac};
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
    fn passwords_verify_against_their_hash_only() {
        let hash = hash_password("正确的密码 horse").unwrap_or_default();
        assert!(hash.starts_with("$argon2"));
        assert!(verify_password("正确的密码 horse", &hash));
        assert!(!verify_password("wrong", &hash));
        assert!(!verify_password("anything", "not a hash"));
    }
}
