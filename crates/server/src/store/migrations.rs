//! Numbered SQL migrations, applied in order at start. The applied number is kept in SQLite's
//! `user_version`, so no extra table is needed. A migration that needs the data key (to seal what
//! was stored in clear) has a step in Rust, run in the same transaction as its SQL.

use rusqlite::{Connection, Transaction, params};

use super::StoreError;
use super::personal::{PersonalData, Sealed};

type Step = fn(&Transaction<'_>, &PersonalData) -> Result<(), StoreError>;

const MIGRATIONS: &[(i64, &str, Option<Step>)] = &[
    (1, include_str!("../../migrations/0001_init.sql"), None),
    (2, include_str!("../../migrations/0002_lifecycle_identity.sql"), None),
    (3, include_str!("../../migrations/0003_resident_sign_in.sql"), None),
    (4, include_str!("../../migrations/0004_photos.sql"), None),
    (5, include_str!("../../migrations/0005_escalation.sql"), None),
    (6, include_str!("../../migrations/0006_workbench.sql"), None),
    (7, include_str!("../../migrations/0007_personal_data.sql"), Some(seal_personal_data)),
    (8, include_str!("../../migrations/0008_exchange.sql"), None),
    (9, include_str!("../../migrations/0009_texts.sql"), None),
    (10, include_str!("../../migrations/0010_repeat_index.sql"), None),
    (11, include_str!("../../migrations/0011_pass_leases.sql"), None),
    (12, include_str!("../../migrations/0012_rate_tokens.sql"), None),
];

/// Applies what is pending, then makes sure the database was sealed with these keys.
pub fn apply(connection: &mut Connection, personal: &PersonalData) -> Result<(), StoreError> {
    apply_up_to(connection, personal, i64::MAX)
}

pub(super) fn apply_up_to(connection: &mut Connection, personal: &PersonalData, last: i64) -> Result<(), StoreError> {
    let current: i64 = connection.pragma_query_value(None, "user_version", |row| row.get(0))?;
    for &(number, sql, step) in MIGRATIONS.iter().filter(|(number, ..)| *number > current && *number <= last) {
        let transaction = connection.transaction()?;
        transaction.execute_batch(sql)?;
        if let Some(step) = step {
            step(&transaction, personal)?;
        }
        transaction.pragma_update(None, "user_version", number)?;
        transaction.commit()?;
        tracing::info!("applied migration {number:04}");
    }
    Ok(())
}

/// Makes sure the database was sealed with these keys (on either back end).
pub(super) fn check_data_key(connection: &super::db::Connection, personal: &PersonalData) -> Result<(), StoreError> {
    use super::db::OptionalExtension;
    let fingerprint = personal.fingerprint();
    let stored: Option<Vec<u8>> =
        connection.query_row("SELECT fingerprint FROM data_key WHERE id = 1", [], |row| row.get(0)).optional()?;
    match stored {
        Some(stored) if stored == fingerprint => Ok(()),
        Some(_) => Err(StoreError::Database(
            "this database was sealed with another data key: restore its key file or set MASHANG_DATA_KEY to the \
             key it was created with"
                .into(),
        )),
        None => {
            connection.execute("INSERT INTO data_key (id, fingerprint) VALUES (1, ?1)", [fingerprint])?;
            Ok(())
        }
    }
}

/// Migration 7: numbers become keyed hashes, numbers and names are sealed. Old values are
/// overwritten in place, and `secure_delete` (set on the write connection) zeroes what SQLite
/// frees, so the clear text does not linger in free pages of the file.
fn seal_personal_data(transaction: &Transaction<'_>, personal: &PersonalData) -> Result<(), StoreError> {
    let complaints: Vec<(i64, String, String)> = transaction
        .prepare("SELECT id, phone_key, contact_name FROM complaints")?
        .query_map([], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))?
        .collect::<Result<_, _>>()?;
    let mut update = transaction
        .prepare("UPDATE complaints SET phone_key = ?2, phone_sealed = ?3, contact_name_sealed = ?4 WHERE id = ?1")?;
    for (id, phone, name) in complaints {
        let name = (!name.is_empty()).then(|| personal.seal(Sealed::Name, &name));
        update.execute(params![id, personal.stored_phone_key(&phone), personal.seal(Sealed::Phone, &phone), name])?;
    }
    transaction.execute_batch("ALTER TABLE complaints DROP COLUMN contact_name")?;
    for table in ["complaint_joins", "sessions"] {
        let numbers: Vec<String> = transaction
            .prepare(&format!("SELECT DISTINCT phone_key FROM {table} WHERE phone_key IS NOT NULL"))?
            .query_map([], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        let mut update = transaction.prepare(&format!("UPDATE {table} SET phone_key = ?2 WHERE phone_key = ?1"))?;
        for number in numbers {
            update.execute(params![number, personal.stored_phone_key(&number)])?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::store::{Store, StoreOptions};
    use chrono::{Duration, Utc};
    use mashang_model::time::china_date;
    use mashang_model::{PhoneNumber, TrackingNumber};

    const FILER: &str = "13912340987";
    const JOINER: &str = "13912340988";
    const NAME: &str = "司马相如";

    fn keys(byte: u8) -> PersonalData {
        PersonalData::new([byte; 32], [byte ^ 0x5a; 32])
    }

    fn options() -> StoreOptions {
        StoreOptions {
            readers: 1,
            policies: Default::default(),
            busy_timeout: std::time::Duration::from_secs(5),
            max_size_bytes: None,
        }
    }

    /// Everything on disk for this database: the file and its write-ahead log.
    fn bytes_on_disk(path: &std::path::Path) -> Vec<u8> {
        let mut bytes = std::fs::read(path).expect("database file");
        let mut wal = path.as_os_str().to_owned();
        wal.push("-wal");
        bytes.extend(std::fs::read(wal).unwrap_or_default());
        bytes
    }

    fn shows(bytes: &[u8], text: &str) -> bool {
        bytes.windows(text.len()).any(|window| window == text.as_bytes())
    }

    /// Every view of a complaint lists its repeats: that must not read the whole table.
    #[test]
    fn a_complaints_repeats_are_found_by_index() {
        let mut connection = Connection::open_in_memory().expect("a database");
        apply(&mut connection, &keys(3)).expect("migrations");
        let plan: Vec<String> = connection
            .prepare(&format!("EXPLAIN QUERY PLAN {}", crate::store::complaints::REPEATS_SQL))
            .expect("a plan")
            .query_map([1_i64], |row| row.get::<_, String>(3))
            .expect("plan rows")
            .collect::<Result<_, _>>()
            .expect("plan");
        assert!(
            plan.iter().all(|step| !step.starts_with("SCAN complaints") && !step.starts_with("SCAN c ")),
            "{plan:#?}"
        );
        assert!(plan.iter().any(|step| step.contains("complaints_by_repeat_of")), "{plan:#?}");
    }

    #[tokio::test]
    async fn a_database_kept_in_clear_is_sealed_at_start_and_still_finds_its_residents() {
        let folder = tempfile::tempdir().expect("temporary folder");
        let path = folder.path().join("old.db");
        let personal = keys(3);
        let now = Utc::now();
        let number = TrackingNumber::new(china_date(now), 42);
        let session_token = "a-resident-session-token";
        {
            // A database as the server before sealing left it, with a filer, a neighbour who
            // joined and is signed in, and a code on its way.
            let mut old = Connection::open(&path).expect("open");
            apply_up_to(&mut old, &personal, 6).expect("migrations 1 to 6");
            old.execute_batch(
                "INSERT INTO districts (id, name) VALUES (1, '武侯区');
                 INSERT INTO property_companies (id, name) VALUES (1, '蜀锦物业');
                 INSERT INTO communities (id, district_id, street, name, property_company_id)
                     VALUES (1, 1, '玉林街道', '玉林小区', 1);
                 INSERT INTO categories (id, parent_id, name_zh, name_en, kind)
                     VALUES (1, NULL, '物业服务', 'Property services', 'property'),
                            (2, 1, '电梯故障', 'Lift out of order', 'property');",
            )
            .expect("a catalogue");
            old.execute(
                "INSERT INTO complaints (id, tracking_number, community_id, category_id, description, phone, contact_name,
                     status, filed_at, updated_at, sign_due_at, resolve_due_at, visible_to_neighbours, joins)
                 VALUES (1, ?1, 1, 2, '电梯停在半层', ?2, ?3, 'submitted', ?4, ?4, ?5, ?5, 1, 1)",
                params![number.as_str(), FILER, NAME, now, now + Duration::days(1)],
            )
            .expect("a complaint");
            old.execute(
                "INSERT INTO complaint_joins (complaint_id, phone, joined_at) VALUES (1, ?1, ?2)",
                params![JOINER, now],
            )
            .expect("a join");
            old.execute(
                "INSERT INTO sessions (token_hash, phone, expires_at) VALUES (?1, ?2, ?3)",
                params![crate::secrets::sha256(session_token.as_bytes()).as_slice(), JOINER, now + Duration::days(1)],
            )
            .expect("a session");
            old.execute(
                "INSERT INTO sign_in_codes (phone, code_hash, expires_at, attempts_left) VALUES (?1, x'00', ?2, 5)",
                params![FILER, now + Duration::minutes(5)],
            )
            .expect("a code");
            let before = bytes_on_disk(&path);
            assert!(shows(&before, FILER) && shows(&before, NAME), "the test starts from clear text");
        }

        let store = Store::open(&path, options(), personal.clone()).expect("opens and seals");
        let found = store
            .lookup_complaint(number.clone(), PhoneNumber::parse(FILER).expect("phone"), now)
            .await
            .expect("lookup")
            .expect("found by number and phone");
        assert_eq!((found.phone.as_str(), found.name.as_deref()), ("139****0987", Some("司*")));
        let joiner = store.resident_for_session(session_token.to_owned(), now).await.expect("session");
        assert_eq!(joiner, Some(personal.phone_key(&PhoneNumber::parse(JOINER).expect("phone"))));
        let theirs = store.complaints_of(joiner.expect("signed in"), now).await.expect("their complaints");
        assert_eq!(theirs.len(), 1, "the neighbour still follows what they joined");
        drop(store);

        let after = bytes_on_disk(&path);
        for secret in [FILER, JOINER, NAME, "1391234"] {
            assert!(!shows(&after, secret), "{secret} is still readable in the file");
        }
        let check = Connection::open(&path).expect("open");
        let codes: i64 = check.query_row("SELECT count(*) FROM sign_in_codes", [], |row| row.get(0)).expect("codes");
        assert_eq!(codes, 0, "codes in flight are dropped, not converted");
        assert!(check.prepare("SELECT contact_name FROM complaints").is_err(), "the clear column is gone");

        let refused = Store::open(&path, options(), keys(4)).err().expect("another key is refused");
        assert!(refused.to_string().contains("another data key"), "{refused}");
    }
}
