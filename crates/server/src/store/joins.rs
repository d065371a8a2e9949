//! 附议: neighbours joining a complaint about a problem they share, and the similar complaints
//! offered to them while they file.

use crate::store::db::{Connection, OptionalExtension};
use chrono::{DateTime, Utc};
use mashang_model::{
    ActorRole, ComplaintStatus, ComplaintView, EventKind, LocalizedText, NeighbourComplaint, TimelineEvent,
    TrackingNumber,
};
use rusqlite::params;

use super::complaints::{ComplaintRow, Policies, Viewer, append_event, load_view, recount_group};
use super::personal::{PersonalData, PhoneKey};
use super::{Store, StoreError, escalations};

/// Suggestions are few: a phone screen shows three or four.
const SIMILAR_LIMIT: i64 = 5;

pub enum JoinOutcome {
    Joined(Box<ComplaintView>),
    /// No such complaint, or its filer did not let neighbours see it: the same answer.
    NotFound,
    AlreadyJoined,
    OwnComplaint,
    Finished,
}

impl Store {
    /// The open complaints of this community and category that neighbours may see, newest first.
    /// Nothing personal: no name, phone or photo.
    pub async fn similar_complaints(
        &self,
        community_id: i64,
        category_id: i64,
    ) -> Result<Vec<NeighbourComplaint>, StoreError> {
        self.read(move |connection| {
            let mut statement = connection.prepare_cached(
                "SELECT c.tracking_number, k.name_zh, k.name_en, c.location, c.description, c.status, c.filed_at,
                        c.joins
                 FROM complaints c JOIN categories k ON k.id = c.category_id
                 WHERE c.community_id = ?1 AND c.category_id = ?2 AND c.visible_to_neighbours = 1
                   AND c.status IN ('submitted', 'accepted', 'in_progress', 'needs_info')
                 ORDER BY c.filed_at DESC LIMIT ?3",
            )?;
            let rows = statement.query_map(params![community_id, category_id, SIMILAR_LIMIT], |row| {
                let number: String = row.get(0)?;
                let status: String = row.get(5)?;
                Ok((
                    number,
                    LocalizedText { zh: row.get(1)?, en: row.get(2)? },
                    row.get(3)?,
                    row.get(4)?,
                    status,
                    row.get(6)?,
                    row.get(7)?,
                ))
            })?;
            let mut similar = Vec::new();
            for row in rows {
                let (number, category, location, description, status, filed_at, joins) = row?;
                if let (Some(tracking_number), Some(status)) =
                    (TrackingNumber::parse(&number), ComplaintStatus::from_str_opt(&status))
                {
                    similar.push(NeighbourComplaint {
                        tracking_number,
                        category,
                        location,
                        description,
                        status,
                        filed_at,
                        joins,
                    });
                }
            }
            Ok(similar)
        })
        .await
    }

    /// Joins the resident signed in with this phone to a complaint: one household per phone.
    pub async fn join_complaint(
        &self,
        number: TrackingNumber,
        phone: PhoneKey,
        now: DateTime<Utc>,
    ) -> Result<JoinOutcome, StoreError> {
        let (policies, personal) = (self.policies, self.personal.clone());
        self.write(move |connection| join(connection, &number, &phone, now, &policies, &personal)).await
    }
}

pub(crate) fn join(
    connection: &Connection,
    number: &TrackingNumber,
    phone: &PhoneKey,
    now: DateTime<Utc>,
    policies: &Policies,
    personal: &PersonalData,
) -> Result<JoinOutcome, StoreError> {
    let id: Option<i64> = connection
        .prepare_cached("SELECT id FROM complaints WHERE tracking_number = ?1 AND visible_to_neighbours = 1")?
        .query_row([number.as_str()], |row| row.get(0))
        .optional()?;
    let Some(id) = id else { return Ok(JoinOutcome::NotFound) };
    let row = ComplaintRow::load(connection, id)?;
    if !row.facts().status.is_open() {
        return Ok(JoinOutcome::Finished);
    }
    if row.phone_key() == phone {
        return Ok(JoinOutcome::OwnComplaint);
    }
    let inserted = connection.execute(
        "INSERT INTO complaint_joins (complaint_id, phone_key, joined_at) VALUES (?1, ?2, ?3) ON CONFLICT DO NOTHING",
        params![id, phone, now],
    )?;
    if inserted == 0 {
        return Ok(JoinOutcome::AlreadyJoined);
    }
    connection.execute("UPDATE complaints SET joins = joins + 1, updated_at = ?1 WHERE id = ?2", params![now, id])?;
    // The timeline says a household joined, never who.
    append_event(connection, id, &TimelineEvent::new(now, EventKind::Joined, ActorRole::Resident))?;
    recount_group(connection, id, now, policies)?;
    escalations::run_rules(connection, id, now, &policies.escalation)?;
    Ok(JoinOutcome::Joined(Box::new(load_view(
        connection,
        id,
        &Viewer::Neighbour(phone.clone()),
        now,
        policies,
        personal,
    )?)))
}
