//! Running the escalation rules of `mashang_model::escalation` and storing what they decide.
//!
//! The rules run after every event on a complaint and on a schedule. Each run re-reads the
//! complaint inside the write transaction, so two passes (or two server instances sharing the
//! database) see each other's work and never escalate twice.

use crate::store::db::Connection;
use chrono::{DateTime, Utc};
use mashang_model::deadline::Weekdays;
use mashang_model::escalation::{
    Card, ConsultationState, EscalatingBody, EscalationDetail, EscalationFacts, EscalationPolicy, escalate,
    next_check_at,
};
use mashang_model::{ActorRole, EventKind, TimelineEvent};
use rusqlite::params;

use super::complaints::{ComplaintRow, append_event};
use super::{Store, StoreError, enum_name};

/// Stored as the next check of an open complaint that nothing but an event can escalate (a red
/// card at the district, say): later than any real time, and sorting after every stored one.
fn never() -> DateTime<Utc> {
    DateTime::parse_from_rfc3339("9999-12-31T23:59:59Z").map(|t| t.to_utc()).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

impl Store {
    /// One scheduled pass: the open complaints whose next check has come (or was never worked
    /// out, after a migration or a bulk import). Returns how many escalations were made.
    pub async fn run_escalations(&self, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let policy = self.escalation;
        let due: Vec<i64> = self
            .read(move |connection| {
                Ok(connection
                    .prepare_cached(
                        "SELECT id FROM complaints
                         WHERE status IN ('submitted', 'accepted', 'in_progress', 'needs_info')
                           AND (next_check_at IS NULL OR next_check_at <= ?1)",
                    )?
                    .query_map([now], |row| row.get(0))?
                    .collect::<Result<_, _>>()?)
            })
            .await?;
        // In slices, so that a long catch-up never holds the writer from a resident's filing.
        let made = self
            .write_in_slices(due, move |connection, slice| {
                slice.try_fold(0, |made, id| Ok(made + run_rules(connection, id, now, &policy)?))
            })
            .await?;
        Ok(made.into_iter().sum())
    }
}

/// Applies every escalation due for one complaint now; returns how many.
pub(crate) fn run_rules(
    connection: &Connection,
    complaint_id: i64,
    now: DateTime<Utc>,
    policy: &EscalationPolicy,
) -> Result<usize, StoreError> {
    let row = ComplaintRow::load(connection, complaint_id)?;
    let steps = escalate(&row.escalation_facts(), now, policy, &Weekdays);
    let mut before = row.escalation_facts();
    let settled = steps.last().map_or(before, |step| step.after);
    let next = next_check_at(&settled, now, policy, &Weekdays).unwrap_or_else(never);
    connection.execute("UPDATE complaints SET next_check_at = ?1 WHERE id = ?2", params![next, complaint_id])?;
    for step in &steps {
        let mut detail = step.detail.clone();
        if step.kind == EventKind::ConsultationScheduled && detail.units.is_empty() {
            detail.units = row.meeting_units();
        }
        store_facts(connection, complaint_id, &before, &step.after, now)?;
        append_escalation_event(connection, &row, step.kind, detail, None, now)?;
        tracing::info!(
            tracking_number = %row.tracking_number, kind = ?step.kind, reason = ?step.detail.reason,
            "complaint escalated"
        );
        before = step.after;
    }
    Ok(steps.len())
}

/// Writes the columns the rules read: the facts after an escalation, by the rules or by hand.
pub(crate) fn store_facts(
    connection: &Connection,
    complaint_id: i64,
    before: &EscalationFacts,
    after: &EscalationFacts,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let (consultation, meeting_at) = match after.consultation {
        ConsultationState::None => ("none", None),
        ConsultationState::Scheduled { meeting_at } => ("scheduled", Some(meeting_at)),
        ConsultationState::Held { meeting_at } => ("held", Some(meeting_at)),
    };
    connection.execute(
        "UPDATE complaints SET handler_role = ?2, level = ?3, card = ?4, card_since = ?5, sign_started_at = ?6,
             sign_due_at = ?7, resolve_started_at = ?8, resolve_due_at = ?9, warned_sign_due_at = ?10,
             warned_resolve_due_at = ?11, group_escalated = ?12, repeat_escalated = ?13, consultation = ?14,
             meeting_at = ?15, yellow_carded = CASE WHEN ?16 <> 0 THEN 1 ELSE yellow_carded END,
             red_carded = CASE WHEN ?17 <> 0 THEN 1 ELSE red_carded END, updated_at = ?18,
             sign_supervised_until = ?19
         WHERE id = ?1",
        params![
            complaint_id,
            enum_name(&after.handler),
            after.level.as_str(),
            after.card.as_str(),
            after.card_since,
            after.sign_started_at,
            after.sign_due_at,
            after.resolve_started_at,
            after.resolve_due_at,
            after.warned_sign_due_at,
            after.warned_resolve_due_at,
            after.group_escalated,
            after.repeat_escalated,
            consultation,
            meeting_at,
            after.card >= Card::Yellow && before.card < Card::Yellow,
            after.card == Card::Red && before.card < Card::Red,
            now,
            after.sign_supervised_until,
        ],
    )?;
    Ok(())
}

/// The timeline entry of an escalation: by the body that escalated, with its facts.
pub(crate) fn append_escalation_event(
    connection: &Connection,
    row: &ComplaintRow,
    kind: EventKind,
    detail: EscalationDetail,
    note: Option<String>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    let actor = match detail.by {
        EscalatingBody::System => ActorRole::System,
        EscalatingBody::StreetOffice => ActorRole::CommunityOffice,
        EscalatingBody::HousingBureau | EscalatingBody::DistrictBureau => ActorRole::HousingBureau,
    };
    let event = TimelineEvent {
        unit: row.body_name(detail.by),
        note,
        escalation: Some(detail),
        ..TimelineEvent::new(now, kind, actor)
    };
    Ok(append_event(connection, row.id, &event)?)
}
