//! The 12345 hotline exchange: tickets imported as complaints (once per ticket number), and our
//! complaints' steps exported since a cursor, so the hotline's 分类研判 sees everything.

use crate::store::db::{self, Connection};
use chrono::{DateTime, Utc};
use mashang_model::text::mask_name;
use mashang_model::{ActorRole, EventKind, NewComplaint, TimelineEvent, mask_phone, validate_new_complaint};
use rusqlite::params;
use serde::Serialize;
use unicode_normalization::UnicodeNormalization;

use super::complaints::{FilingOutcome, Policies, append_event, insert_complaint_alone, recount_group};
use super::personal::{PersonalData, Sealed};
use super::{Store, StoreError};
use crate::hotline::{self, Refusal, Row};

/// The longest page of an export.
pub const EXPORT_PAGE_MAX: usize = 1000;

/// What became of every row of a file.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ImportReport {
    /// Rows that are now complaints.
    pub imported: usize,
    /// Rows whose ticket was imported before: nothing changed.
    pub already_imported: usize,
    pub refused: Vec<RefusedRow>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RefusedRow {
    /// The row's line in the file, the header counted.
    pub line: usize,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ticket_id: Option<String>,
    pub reason: Refusal,
    /// The reason in a sentence.
    pub explanation: &'static str,
}

impl RefusedRow {
    fn new(line: usize, ticket_id: Option<String>, reason: Refusal) -> Self {
        Self { line, ticket_id, reason, explanation: reason.explanation() }
    }
}

enum RowOutcome {
    /// Stored as this complaint, of this (community, category) group.
    Imported {
        complaint_id: i64,
        group: (i64, i64),
    },
    AlreadyImported,
    Refused(Refusal),
}

/// One line of an export: a step of one complaint, with what the hotline needs to file it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ExportedEvent {
    /// Pass the last line's cursor as `since` to get what follows.
    pub cursor: i64,
    pub tracking_number: String,
    /// The hotline's ticket, for a complaint that came from the hotline.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hotline_ticket_id: Option<String>,
    pub community: String,
    pub district: String,
    pub category: String,
    /// The complaint's stage now (the step's own stage is in `kind`).
    pub status: String,
    pub filed_at: DateTime<Utc>,
    /// Masked (`138****8000`, `张*`) unless the export is the hotline operator's.
    pub phone: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The description, on the `filed` step only.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub description: Option<String>,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub actor: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unit: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A page of an export and where the next one starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ExportPage {
    pub events: Vec<ExportedEvent>,
    /// The cursor to ask with next: the last event's, or `since` when there was none.
    pub next_cursor: i64,
}

impl Store {
    /// Imports a hotline file's rows (see [`crate::hotline`]). A ticket number is imported once:
    /// run the same file twice and the second run imports nothing. Each row is stored whole or
    /// not at all; the report says which rows were refused and why.
    pub async fn import_hotline(&self, rows: Vec<Row>, now: DateTime<Utc>) -> Result<ImportReport, StoreError> {
        let mut report = ImportReport::default();
        let mut seen = std::collections::HashSet::new();
        let mut checked = Vec::new();
        for row in rows {
            let outcome = row.ticket.and_then(|ticket| hotline::check(&ticket, now));
            match outcome {
                Err(reason) => report.refused.push(RefusedRow::new(row.line, None, reason)),
                Ok(ticket) if !seen.insert(ticket.ticket_id.clone()) => {
                    report.refused.push(RefusedRow::new(row.line, Some(ticket.ticket_id), Refusal::DuplicateInFile))
                }
                Ok(ticket) => checked.push((row.line, ticket)),
            }
        }
        let (policies, personal) = (self.policies, self.personal.clone());
        // A slice at a time, so that a long file never holds the writer from a resident's filing.
        let slices = self
            .write_in_slices(checked, move |connection, slice| {
                // A complaint of each group the slice added to, to recount the group's households
                // once (a thousand calls about one outage are one group).
                let mut groups = std::collections::HashMap::new();
                let outcomes = slice
                    .map(|(line, ticket)| {
                        let outcome = import_row(connection, &ticket, now, &policies, &personal)?;
                        if let RowOutcome::Imported { complaint_id, group } = outcome {
                            groups.insert(group, complaint_id);
                        }
                        Ok((line, ticket.ticket_id, outcome))
                    })
                    .collect::<Result<Vec<_>, StoreError>>()?;
                for complaint_id in groups.into_values() {
                    recount_group(connection, complaint_id, now, &policies)?;
                }
                Ok(outcomes)
            })
            .await?;
        for (line, ticket_id, outcome) in slices.into_iter().flatten() {
            match outcome {
                RowOutcome::Imported { .. } => report.imported += 1,
                RowOutcome::AlreadyImported => report.already_imported += 1,
                RowOutcome::Refused(reason) => report.refused.push(RefusedRow::new(line, Some(ticket_id), reason)),
            }
        }
        report.refused.sort_by_key(|row| row.line);
        Ok(report)
    }

    /// The steps of every complaint after `since`, oldest first, at most `limit`. Cursors are
    /// the timeline's row ids: rows are only ever appended, by one writer, in id order, so a
    /// page never skips a step that a later page would show, however many filings arrive.
    pub async fn export_hotline(&self, since: i64, limit: usize, unmasked: bool) -> Result<ExportPage, StoreError> {
        let personal = self.personal.clone();
        let limit = limit.clamp(1, EXPORT_PAGE_MAX);
        self.read(move |connection| export_page(connection, since, limit, unmasked, &personal)).await
    }
}

fn import_row(
    connection: &Connection,
    ticket: &hotline::CheckedTicket,
    now: DateTime<Utc>,
    policies: &Policies,
    personal: &PersonalData,
) -> Result<RowOutcome, StoreError> {
    let known =
        connection.prepare_cached("SELECT 1 FROM hotline_tickets WHERE ticket_id = ?1")?.exists([&ticket.ticket_id])?;
    if known {
        return Ok(RowOutcome::AlreadyImported);
    }
    let community_id = match find_community(connection, &ticket.community)? {
        Ok(id) => id,
        Err(reason) => return Ok(RowOutcome::Refused(reason)),
    };
    let category_id = match find_category(connection, &ticket.category)? {
        Ok(id) => id,
        Err(reason) => return Ok(RowOutcome::Refused(reason)),
    };
    let filing = NewComplaint {
        community_id: Some(community_id),
        category_id: Some(category_id),
        // Characters are counted in composed form, as for a filing in the app.
        description: ticket.content.nfc().collect(),
        phone: ticket.phone.as_str().to_owned(),
        // The caller agreed to the hotline's handling of their call, but was never asked about
        // neighbours: a hotline complaint stays private to them.
        consent: true,
        visible_to_neighbours: Some(false),
        ..NewComplaint::default()
    };
    let Ok(complaint) = validate_new_complaint(&filing) else {
        return Ok(RowOutcome::Refused(Refusal::BadContent));
    };
    // One savepoint per row: a row that fails half-way leaves nothing behind.
    connection.execute_batch("SAVEPOINT hotline_row")?;
    let stored = store_ticket(connection, ticket, &complaint, now, policies, personal);
    match stored {
        Ok(outcome) => {
            connection.execute_batch("RELEASE hotline_row")?;
            Ok(outcome)
        }
        Err(error) => {
            connection.execute_batch("ROLLBACK TO hotline_row; RELEASE hotline_row")?;
            Err(error)
        }
    }
}

fn store_ticket(
    connection: &Connection,
    ticket: &hotline::CheckedTicket,
    complaint: &mashang_model::ValidComplaint,
    now: DateTime<Utc>,
    policies: &Policies,
    personal: &PersonalData,
) -> Result<RowOutcome, StoreError> {
    let key = format!("hotline:{}", ticket.ticket_id);
    let filed = insert_complaint_alone(connection, complaint, ticket.received_at, &key, policies, personal)?;
    let (FilingOutcome::Filed(_), Some(id)) = filed else {
        return Ok(RowOutcome::Refused(Refusal::BadContent));
    };
    connection.execute(
        "INSERT INTO hotline_tickets (ticket_id, complaint_id, hotline_status, imported_at) VALUES (?1, ?2, ?3, ?4)",
        params![ticket.ticket_id, id, ticket.hotline_status, now],
    )?;
    append_event(
        connection,
        id,
        &TimelineEvent {
            note: Some(format!("热线工单 {}（热线状态：{}）", ticket.ticket_id, ticket.hotline_status)),
            ..TimelineEvent::new(ticket.received_at, EventKind::FromHotline, ActorRole::System)
        },
    )?;
    Ok(RowOutcome::Imported { complaint_id: id, group: (complaint.community_id, complaint.category_id) })
}

/// The community a ticket names: `小区名`, or `区名 小区名` (also `区名·小区名`, `区名/小区名`).
fn find_community(connection: &Connection, text: &str) -> db::Result<Result<i64, Refusal>> {
    let (district, name) = match text.split_once([' ', '·', '/', '　']) {
        Some((district, name)) => (Some(district.trim()), name.trim()),
        None => (None, text.trim()),
    };
    let ids: Vec<i64> = connection
        .prepare_cached(
            "SELECT c.id FROM communities c JOIN districts d ON d.id = c.district_id
             WHERE c.name = ?1 AND (CAST(?2 AS TEXT) IS NULL OR d.name = ?2) LIMIT 2",
        )?
        .query_map(params![name, district], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    Ok(match ids[..] {
        [id] => Ok(id),
        [] => Err(Refusal::UnknownCommunity),
        _ => Err(Refusal::AmbiguousCommunity),
    })
}

/// The specific category a ticket names: `小类`, or `大类/小类` where the name alone is shared.
fn find_category(connection: &Connection, text: &str) -> db::Result<Result<i64, Refusal>> {
    let (group, name) = match text.split_once('/') {
        Some((group, name)) => (Some(group.trim()), name.trim()),
        None => (None, text.trim()),
    };
    let ids: Vec<(i64, bool)> = connection
        .prepare_cached(
            "SELECT k.id, EXISTS (SELECT 1 FROM categories child WHERE child.parent_id = k.id)
             FROM categories k LEFT JOIN categories parent ON parent.id = k.parent_id
             WHERE k.name_zh = ?1 AND (CAST(?2 AS TEXT) IS NULL OR parent.name_zh = ?2) LIMIT 2",
        )?
        .query_map(params![name, group], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(match ids[..] {
        [(id, false)] => Ok(id),
        [] => Err(Refusal::UnknownCategory),
        _ => Err(Refusal::AmbiguousCategory),
    })
}

fn export_page(
    connection: &Connection,
    since: i64,
    limit: usize,
    unmasked: bool,
    personal: &PersonalData,
) -> Result<ExportPage, StoreError> {
    let mut statement = connection.prepare_cached(
        "SELECT e.id, c.tracking_number, h.ticket_id, m.name, d.name, k.name_zh, c.status, c.filed_at,
                c.phone_sealed, c.contact_name_sealed, c.description, e.at, e.kind, e.actor, e.unit, e.note
         FROM complaint_events e
         JOIN complaints c ON c.id = e.complaint_id
         JOIN communities m ON m.id = c.community_id
         JOIN districts d ON d.id = m.district_id
         JOIN categories k ON k.id = c.category_id
         LEFT JOIN hotline_tickets h ON h.complaint_id = c.id
         WHERE e.id > ?1
         ORDER BY e.id
         LIMIT ?2",
    )?;
    let rows = statement
        .query_map(params![since, i64::try_from(limit).unwrap_or(i64::MAX)], |row| {
            Ok((
                row.get::<_, i64>(0)?,
                (row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?, row.get(5)?, row.get(6)?, row.get(7)?),
                (row.get::<_, Option<Vec<u8>>>(8)?, row.get::<_, Option<Vec<u8>>>(9)?, row.get::<_, String>(10)?),
                (row.get(11)?, row.get::<_, String>(12)?, row.get(13)?, row.get(14)?, row.get(15)?),
            ))
        })?
        .collect::<Result<Vec<_>, _>>()?;
    let mut events = Vec::with_capacity(rows.len());
    for (cursor, complaint, (phone_sealed, name_sealed, description), (at, kind, actor, unit, note)) in rows {
        let (tracking_number, hotline_ticket_id, community, district, category, status, filed_at) = complaint;
        let phone = phone_sealed.map(|sealed| personal.open(Sealed::Phone, &sealed)).transpose()?.unwrap_or_default();
        let name = name_sealed.map(|sealed| personal.open(Sealed::Name, &sealed)).transpose()?;
        events.push(ExportedEvent {
            cursor,
            tracking_number,
            hotline_ticket_id,
            community,
            district,
            category,
            status,
            filed_at,
            phone: if unmasked { phone } else { mask_phone(&phone) },
            name: name.filter(|name| !name.is_empty()).map(|name| if unmasked { name } else { mask_name(&name) }),
            description: (kind == "filed").then_some(description),
            at,
            kind,
            actor,
            unit,
            note,
        });
    }
    let next_cursor = events.last().map_or(since, |event| event.cursor);
    Ok(ExportPage { events, next_cursor })
}
