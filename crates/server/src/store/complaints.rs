//! Filing and looking up complaints.

use chrono::{DateTime, Utc};
use mashang_model::time::china_date;
use mashang_model::{
    ActorRole, ComplaintStatus, ComplaintView, EventKind, Field, FieldError, FieldErrorCode, FiledComplaint,
    LocalizedText, PhoneNumber, TimelineEvent, TrackingNumber, ValidComplaint,
};
use rusqlite::{Connection, OptionalExtension, params};

use super::{Store, StoreError};

/// Tracking numbers are random; on the rare clash with an existing one a new one is drawn.
const TRACKING_NUMBER_ATTEMPTS: usize = 8;

/// A complaint ready to be stored, with the time it counts as filed.
pub struct NewFiling {
    pub complaint: ValidComplaint,
    pub filed_at: DateTime<Utc>,
}

pub enum FilingOutcome {
    Filed(FiledComplaint),
    /// The community or category does not exist, or the category is not specific enough.
    Rejected(Vec<FieldError>),
}

impl Store {
    pub async fn file_complaint(&self, filing: NewFiling) -> Result<FilingOutcome, StoreError> {
        self.write(move |connection| insert_complaint(connection, &filing)).await
    }

    /// The complaint with this number, only if `phone` is the number it was filed with. A wrong
    /// pair and an unknown number give the same `None`, by the same single query.
    pub async fn lookup_complaint(
        &self,
        number: TrackingNumber,
        phone: PhoneNumber,
    ) -> Result<Option<ComplaintView>, StoreError> {
        self.read(move |connection| Ok(complaint_view(connection, &number, Some(&phone))?)).await
    }
}

pub(crate) fn insert_complaint(connection: &Connection, filing: &NewFiling) -> Result<FilingOutcome, StoreError> {
    let complaint = &filing.complaint;
    let errors = reference_errors(connection, complaint)?;
    if !errors.is_empty() {
        return Ok(FilingOutcome::Rejected(errors));
    }
    let status = ComplaintStatus::Submitted;
    let date = china_date(filing.filed_at);
    for _ in 0..TRACKING_NUMBER_ATTEMPTS {
        let number = TrackingNumber::new(date, rand::random());
        let inserted = connection.execute(
            "INSERT INTO complaints (tracking_number, community_id, category_id, description, phone, status, filed_at, updated_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?7)
             ON CONFLICT (tracking_number) DO NOTHING",
            params![
                number.as_str(),
                complaint.community_id,
                complaint.category_id,
                complaint.description,
                complaint.phone.as_str(),
                status.as_str(),
                filing.filed_at,
            ],
        )?;
        if inserted == 1 {
            let id = connection.last_insert_rowid();
            append_event(
                connection,
                id,
                &TimelineEvent {
                    at: filing.filed_at,
                    kind: EventKind::Filed,
                    actor: ActorRole::Resident,
                    unit: None,
                    note: None,
                },
            )?;
            return Ok(FilingOutcome::Filed(FiledComplaint {
                tracking_number: number,
                status,
                filed_at: filing.filed_at,
            }));
        }
    }
    Err(StoreError::Database("no free tracking number after several attempts".into()))
}

fn reference_errors(connection: &Connection, complaint: &ValidComplaint) -> rusqlite::Result<Vec<FieldError>> {
    let mut errors = Vec::new();
    let community_exists =
        connection.prepare_cached("SELECT 1 FROM communities WHERE id = ?1")?.exists([complaint.community_id])?;
    if !community_exists {
        errors.push(FieldError::new(Field::CommunityId, FieldErrorCode::UnknownCommunity));
    }
    let has_children: Option<bool> = connection
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM categories child WHERE child.parent_id = c.id) FROM categories c WHERE c.id = ?1")?
        .query_row([complaint.category_id], |row| row.get(0))
        .optional()?;
    match has_children {
        None => errors.push(FieldError::new(Field::CategoryId, FieldErrorCode::UnknownCategory)),
        Some(true) => errors.push(FieldError::new(Field::CategoryId, FieldErrorCode::CategoryNotSpecific)),
        Some(false) => {}
    }
    Ok(errors)
}

pub(crate) fn append_event(connection: &Connection, complaint_id: i64, event: &TimelineEvent) -> rusqlite::Result<()> {
    connection
        .prepare_cached(
            "INSERT INTO complaint_events (complaint_id, at, kind, actor, unit, note) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        )?
        .execute(params![
            complaint_id,
            event.at,
            enum_name(&event.kind),
            enum_name(&event.actor),
            event.unit,
            event.note,
        ])?;
    Ok(())
}

/// Loads a complaint as the resident sees it; with `phone`, only if it matches.
fn complaint_view(
    connection: &Connection,
    number: &TrackingNumber,
    phone: Option<&PhoneNumber>,
) -> rusqlite::Result<Option<ComplaintView>> {
    let row = connection
        .prepare_cached(
            "SELECT c.id, c.status, c.filed_at, c.updated_at, m.name, p.name, k.name_zh, k.name_en, c.description, c.phone
             FROM complaints c
             JOIN communities m ON m.id = c.community_id
             JOIN property_companies p ON p.id = m.property_company_id
             JOIN categories k ON k.id = c.category_id
             WHERE c.tracking_number = ?1 AND (?2 IS NULL OR c.phone = ?2)",
        )?
        .query_row(params![number.as_str(), phone.map(PhoneNumber::as_str)], |row| {
            let status: String = row.get(1)?;
            let stored_phone: String = row.get(9)?;
            Ok((row.get::<_, i64>(0)?, ComplaintView {
                tracking_number: number.clone(),
                status: ComplaintStatus::from_str_opt(&status).unwrap_or(ComplaintStatus::Submitted),
                filed_at: row.get(2)?,
                updated_at: row.get(3)?,
                community: row.get(4)?,
                property_company: row.get(5)?,
                category: LocalizedText { zh: row.get(6)?, en: row.get(7)? },
                description: row.get(8)?,
                phone_masked: mashang_model::mask_phone(&stored_phone),
                timeline: Vec::new(),
            }))
        })
        .optional()?;
    let Some((id, mut view)) = row else { return Ok(None) };
    let mut events = connection.prepare_cached(
        "SELECT at, kind, actor, unit, note FROM complaint_events WHERE complaint_id = ?1 ORDER BY at, id",
    )?;
    view.timeline = events
        .query_map([id], |row| {
            let kind: String = row.get(1)?;
            let actor: String = row.get(2)?;
            Ok(TimelineEvent {
                at: row.get(0)?,
                kind: parse_enum(&kind).unwrap_or(EventKind::Other),
                actor: parse_enum(&actor).unwrap_or(ActorRole::System),
                unit: row.get(3)?,
                note: row.get(4)?,
            })
        })?
        .collect::<Result<_, _>>()?;
    Ok(Some(view))
}

/// The stored name of a unit-variant enum is its JSON name, so storage and API never drift.
fn enum_name<T: serde::Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(serde_json::Value::String(name)) => name,
        _ => String::new(),
    }
}

fn parse_enum<T: serde::de::DeserializeOwned>(name: &str) -> Option<T> {
    serde_json::from_value(serde_json::Value::String(name.to_owned())).ok()
}
