//! Residents who sign in: one-time codes, hand-offs from the citizen-services app, sessions, and
//! the list of their own complaints.

use crate::store::db::{Connection, OptionalExtension};
use chrono::{DateTime, Duration, Utc};
use mashang_model::{ComplaintSummary, PhoneNumber, ResidentSession};
use rusqlite::params;

use super::complaints::ComplaintRow;
use super::personal::{PhoneKey, Sealed};
use super::{Store, StoreError};
use crate::secrets;

/// A code is good for ten minutes and five tries.
pub const CODE_LIFETIME: Duration = Duration::minutes(10);
const CODE_ATTEMPTS: i64 = 5;
/// A signed-in phone stays signed in on the device for a month.
const RESIDENT_SESSION_LENGTH: Duration = Duration::days(30);
const MY_COMPLAINTS_LIMIT: i64 = 100;

pub enum CodeCheck {
    Verified(ResidentSession),
    /// Wrong, expired, already used, or never sent: the same answer for all.
    Rejected,
    /// Too many wrong codes: no more tries until this code expires.
    LockedOut {
        seconds: u64,
    },
}

fn code_hash(phone: &PhoneKey, code: &str) -> [u8; 32] {
    secrets::sha256(format!("sign-in-code:{}:{code}", phone.as_str()).as_bytes())
}

impl Store {
    /// Keeps a new code for `phone`, replacing any earlier one.
    pub async fn store_sign_in_code(
        &self,
        phone: PhoneNumber,
        code: String,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let phone = self.personal.phone_key(&phone);
        self.write(move |connection| {
            connection.execute(
                "INSERT INTO sign_in_codes (phone_key, code_hash, expires_at, attempts_left) VALUES (?1, ?2, ?3, ?4)
                 ON CONFLICT (phone_key) DO UPDATE SET code_hash = ?2, expires_at = ?3, attempts_left = ?4",
                params![phone, code_hash(&phone, &code).as_slice(), now + CODE_LIFETIME, CODE_ATTEMPTS],
            )?;
            Ok(())
        })
        .await
    }

    /// Checks a code; a right one is used up and opens a session.
    pub async fn verify_sign_in_code(
        &self,
        phone: PhoneNumber,
        code: String,
        now: DateTime<Utc>,
    ) -> Result<CodeCheck, StoreError> {
        let (key, sealed) = (self.personal.phone_key(&phone), self.personal.seal(Sealed::Phone, phone.as_str()));
        self.write(move |connection| {
            let stored: Option<(Vec<u8>, DateTime<Utc>, i64)> = connection
                .query_row(
                    "SELECT code_hash, expires_at, attempts_left FROM sign_in_codes WHERE phone_key = ?1",
                    [&key],
                    |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)),
                )
                .optional()?;
            let Some((hash, expires_at, attempts_left)) = stored.filter(|(_, expires_at, _)| *expires_at > now) else {
                return Ok(CodeCheck::Rejected);
            };
            if attempts_left <= 0 {
                let seconds = (expires_at - now).num_seconds().max(1) as u64;
                return Ok(CodeCheck::LockedOut { seconds });
            }
            if hash != code_hash(&key, &code) {
                connection.execute(
                    "UPDATE sign_in_codes SET attempts_left = attempts_left - 1 WHERE phone_key = ?1",
                    [&key],
                )?;
                return Ok(CodeCheck::Rejected);
            }
            connection.execute("DELETE FROM sign_in_codes WHERE phone_key = ?1", [&key])?;
            Ok(CodeCheck::Verified(new_session(connection, &phone, &key, &sealed, now)?))
        })
        .await
    }

    /// Exchanges a verified hand-off once; `None` if this one was used before.
    pub async fn redeem_handoff(
        &self,
        phone: PhoneNumber,
        signature: Vec<u8>,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
    ) -> Result<Option<ResidentSession>, StoreError> {
        let (key, sealed) = (self.personal.phone_key(&phone), self.personal.seal(Sealed::Phone, phone.as_str()));
        self.write(move |connection| {
            connection.execute("DELETE FROM used_handoffs WHERE expires_at < ?1", [now])?;
            let fresh = connection.execute(
                "INSERT INTO used_handoffs (signature_hash, expires_at) VALUES (?1, ?2) ON CONFLICT DO NOTHING",
                params![secrets::sha256(&signature).as_slice(), expires_at],
            )?;
            if fresh == 0 {
                return Ok(None);
            }
            Ok(Some(new_session(connection, &phone, &key, &sealed, now)?))
        })
        .await
    }

    /// The phone (as its key) of the resident signed in with this session token.
    pub async fn resident_for_session(
        &self,
        token: String,
        now: DateTime<Utc>,
    ) -> Result<Option<PhoneKey>, StoreError> {
        self.read(move |connection| {
            Ok(connection
                .prepare_cached(
                    "SELECT phone_key FROM sessions
                     WHERE token_hash = ?1 AND phone_key IS NOT NULL AND expires_at > ?2",
                )?
                .query_row(params![secrets::sha256(token.as_bytes()).as_slice(), now], |row| row.get(0))
                .optional()?)
        })
        .await
    }

    /// Every complaint filed with this phone number or joined (附议) with it, newest first.
    pub async fn complaints_of(
        &self,
        phone: PhoneKey,
        now: DateTime<Utc>,
    ) -> Result<Vec<ComplaintSummary>, StoreError> {
        self.read(move |connection| {
            let sql = format!(
                "{} WHERE c.phone_key = ?1 OR c.id IN (SELECT complaint_id FROM complaint_joins WHERE phone_key = ?1)
                 ORDER BY c.filed_at DESC LIMIT ?2",
                ComplaintRow::SELECT
            );
            let mut statement = connection.prepare_cached(&sql)?;
            let rows = statement.query_map(params![phone, MY_COMPLAINTS_LIMIT], ComplaintRow::from_row)?;
            Ok(rows.map(|row| row.map(|row| row.summary(now))).collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }
}

fn new_session(
    connection: &Connection,
    phone: &PhoneNumber,
    key: &PhoneKey,
    sealed_phone: &[u8],
    now: DateTime<Utc>,
) -> Result<ResidentSession, StoreError> {
    let token = secrets::random_token();
    let expires_at = now + RESIDENT_SESSION_LENGTH;
    // The number is kept sealed beside its key so that texts can reach a neighbour who joins.
    connection.execute(
        "INSERT INTO sessions (token_hash, phone_key, phone_sealed, expires_at) VALUES (?1, ?2, ?3, ?4)",
        params![secrets::sha256(token.as_bytes()).as_slice(), key, sealed_phone, expires_at],
    )?;
    Ok(ResidentSession { token, expires_at, phone: phone.as_str().to_owned(), phone_masked: phone.masked() })
}
