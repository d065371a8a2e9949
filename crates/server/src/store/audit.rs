//! The audit log: every staff action and every reveal of personal data, append-only (triggers
//! refuse updates and deletes), readable by the bureau.

use crate::store::db::{self, Connection};
use chrono::{DateTime, Utc};
use mashang_model::staff::{AuditEntry, AuditKind, AuditQuery};
use rusqlite::params;

use super::viewer::StaffMember;
use super::{Store, StoreError, enum_name, parse_enum};

/// How many entries one page of the log holds.
const PAGE: i64 = 100;

/// An entry to write: who (copied from the account), when, what.
pub struct AuditRecord {
    pub at: DateTime<Utc>,
    pub username: String,
    pub display_name: String,
    pub organization: String,
    pub kind: AuditKind,
    pub tracking_number: Option<String>,
    pub detail: String,
}

impl AuditRecord {
    pub fn new(staff: &StaffMember, at: DateTime<Utc>, kind: AuditKind) -> Self {
        Self {
            at,
            username: staff.username.clone(),
            display_name: staff.display_name.clone(),
            organization: staff.organization.clone(),
            kind,
            tracking_number: None,
            detail: String::new(),
        }
    }
}

/// Written inside the same transaction as what it records, so neither exists without the other.
pub(crate) fn append(connection: &Connection, record: &AuditRecord) -> db::Result<()> {
    connection
        .prepare_cached(
            "INSERT INTO audit_log (at, username, display_name, organization, kind, tracking_number, detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
        )?
        .execute(params![
            record.at,
            record.username,
            record.display_name,
            record.organization,
            enum_name(&record.kind),
            record.tracking_number,
            record.detail
        ])?;
    Ok(())
}

impl Store {
    pub async fn append_audit(&self, record: AuditRecord) -> Result<(), StoreError> {
        self.write(move |connection| Ok(append(connection, &record)?)).await
    }

    /// The newest entries first, filtered; a page at a time (`before` an id).
    pub async fn audit_log(&self, query: AuditQuery) -> Result<Vec<AuditEntry>, StoreError> {
        self.read(move |connection| {
            let mut statement = connection.prepare_cached(
                "SELECT id, at, username, display_name, organization, kind, tracking_number, detail FROM audit_log
                 WHERE (CAST(?1 AS TEXT) IS NULL OR username = ?1) AND (CAST(?2 AS TEXT) IS NULL OR tracking_number = ?2)
                   AND (CAST(?3 AS TEXT) IS NULL OR kind = ?3) AND (CAST(?4 AS BIGINT) IS NULL OR id < ?4)
                 ORDER BY id DESC LIMIT ?5",
            )?;
            let kind = query.kind.map(|kind| enum_name(&kind));
            let username = query.username.filter(|u| !u.trim().is_empty());
            let number = query.number.as_deref().map(mashang_model::tracking::typed_digits).filter(|n| !n.is_empty());
            let rows = statement.query_map(params![username, number, kind, query.before, PAGE], |row| {
                let kind: String = row.get(5)?;
                Ok(AuditEntry {
                    id: row.get(0)?,
                    at: row.get(1)?,
                    username: row.get(2)?,
                    display_name: row.get(3)?,
                    organization: row.get(4)?,
                    kind: parse_enum(&kind).unwrap_or(AuditKind::Action),
                    tracking_number: row.get(6)?,
                    detail: row.get(7)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }
}
