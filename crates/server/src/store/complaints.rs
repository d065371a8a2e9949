//! Filing, viewing and acting on complaints.

use crate::store::db::{self, Connection, OptionalExtension, Row};
use chrono::{DateTime, Utc};
use mashang_model::deadline::{Deadline, DeadlineRule, Weekdays, due_at};
use mashang_model::escalation::{
    Card, ConsultationState, EscalatingBody, EscalationDetail, EscalationFacts, EscalationPolicy, EscalationReason,
    Level, raised,
};
use mashang_model::lifecycle::{self, Action, ComplaintFacts, Party, Policy, Refusal};
use mashang_model::text::mask_name;
use mashang_model::time::china_date;
use mashang_model::{
    ActorRole, ComplaintStatus, ComplaintSummary, ComplaintView, EscalationState, EventKind, Field, FieldError,
    FieldErrorCode, FiledComplaint, HandlerRole, LocalizedText, PhoneNumber, ProblemKind, Rating, RepeatLink,
    Satisfaction, TimelineEvent, TrackingNumber, ValidComplaint, mask_phone,
};
use rusqlite::params;

use super::personal::{PersonalData, PhoneKey, Sealed};
use super::time::{optional_time_at, time_at};
pub use super::viewer::Viewer;
use super::viewer::{HOUSING_BUREAU, HeldBy};
use super::{IDEMPOTENCY_KEY_LIFETIME, Store, StoreError, enum_name, parse_enum};
use super::{escalations, photos, texts};
use crate::secrets;

/// Tracking numbers are random; on the rare clash with an existing one a new one is drawn.
const TRACKING_NUMBER_ATTEMPTS: usize = 8;

/// A complaint ready to be stored, with the time it counts as filed and its idempotency key.
pub struct NewFiling {
    pub complaint: ValidComplaint,
    pub filed_at: DateTime<Utc>,
    pub idempotency_key: String,
    /// A hash of the normalized request, to tell a replay from a different filing under the same key.
    pub request_hash: [u8; 32],
}

pub enum FilingOutcome {
    Filed(FiledComplaint),
    /// The same filing arrived again with the same key: the first answer, again.
    Replayed(FiledComplaint),
    /// The key was used before for a different filing.
    KeyReused,
    /// The community or category does not exist, or the category is not specific enough.
    Rejected(Vec<FieldError>),
}

pub enum ActionOutcome {
    Done(Box<ComplaintView>),
    Refused(Refusal),
    /// A referenced photo does not exist.
    Invalid(Vec<FieldError>),
    NotFound,
}

/// Why an action was not applied.
pub enum ActionProblem {
    Refused(Refusal),
    Invalid(Vec<FieldError>),
}

impl ActionOutcome {
    pub(crate) fn from_applied(
        applied: Result<(), ActionProblem>,
        view: impl FnOnce() -> Result<ComplaintView, StoreError>,
    ) -> Result<Self, StoreError> {
        Ok(match applied {
            Ok(()) => Self::Done(Box::new(view()?)),
            Err(ActionProblem::Refused(refusal)) => Self::Refused(refusal),
            Err(ActionProblem::Invalid(errors)) => Self::Invalid(errors),
        })
    }
}

/// A resident's or a unit's action, checked for form, ready to be applied.
pub struct ActionInput {
    pub action: Action,
    pub note: Option<String>,
    pub rating: Option<Rating>,
    pub transfer_to: Option<HandlerRole>,
    pub photo_ids: Vec<String>,
    /// 督办: the new deadline; 会商: the meeting's time.
    pub due_at: Option<DateTime<Utc>>,
    /// 会商: the units called.
    pub units: Vec<String>,
}

impl ActionInput {
    /// An action with nothing but its name.
    pub fn plain(action: Action) -> Self {
        Self {
            action,
            note: None,
            rating: None,
            transfer_to: None,
            photo_ids: Vec::new(),
            due_at: None,
            units: Vec::new(),
        }
    }
}

/// The time rules of the lifecycle and of escalation, as a deployment configured them.
#[derive(Debug, Clone, Copy, Default)]
pub struct Policies {
    pub lifecycle: Policy,
    pub escalation: EscalationPolicy,
}

impl Store {
    pub async fn file_complaint(&self, filing: NewFiling) -> Result<FilingOutcome, StoreError> {
        let (policies, personal) = (self.policies, self.personal.clone());
        self.write(move |connection| file_idempotently(connection, &filing, &policies, &personal)).await
    }

    /// The complaint with this number, only if `phone` is the number it was filed with. A wrong
    /// pair and an unknown number give the same `None`, by the same single query.
    pub async fn lookup_complaint(
        &self,
        number: TrackingNumber,
        phone: PhoneNumber,
        now: DateTime<Utc>,
    ) -> Result<Option<ComplaintView>, StoreError> {
        let (policies, personal) = (self.policies, self.personal.clone());
        self.read(move |connection| {
            let id = connection
                .prepare_cached("SELECT id FROM complaints WHERE tracking_number = ?1 AND phone_key = ?2")?
                .query_row(params![number.as_str(), personal.phone_key(&phone)], |row| row.get(0))
                .optional()?;
            id.map(|id| load_view(connection, id, &Viewer::Resident, now, &policies, &personal)).transpose()
        })
        .await
    }

    /// The complaint this access token opens, if it is the one with this number.
    pub async fn complaint_for_token(
        &self,
        number: TrackingNumber,
        token: String,
        now: DateTime<Utc>,
    ) -> Result<Option<ComplaintView>, StoreError> {
        let (policies, personal) = (self.policies, self.personal.clone());
        self.read(move |connection| {
            complaint_id_for_token(connection, &number, &token, now)?
                .map(|(id, viewer)| load_view(connection, id, &viewer, now, &policies, &personal))
                .transpose()
        })
        .await
    }

    /// Summaries of the complaints whose access tokens (or resident session) match; the others
    /// are left out, as a lookup miss would be.
    pub async fn summaries_for_tokens(
        &self,
        held: Vec<(TrackingNumber, String)>,
        now: DateTime<Utc>,
    ) -> Result<Vec<ComplaintSummary>, StoreError> {
        self.read(move |connection| {
            let mut summaries = Vec::with_capacity(held.len());
            for (number, token) in &held {
                if let Some((id, _)) = complaint_id_for_token(connection, number, token, now)? {
                    summaries.push(ComplaintRow::load(connection, id)?.summary(now));
                }
            }
            Ok(summaries)
        })
        .await
    }

    pub async fn resident_action(
        &self,
        number: TrackingNumber,
        token: String,
        input: ActionInput,
        now: DateTime<Utc>,
    ) -> Result<ActionOutcome, StoreError> {
        let (policies, personal) = (self.policies, self.personal.clone());
        self.write(move |connection| {
            let Some((id, viewer)) = complaint_id_for_token(connection, &number, &token, now)? else {
                return Ok(ActionOutcome::NotFound);
            };
            let party = if matches!(viewer, Viewer::Neighbour(_)) { Party::Neighbour } else { Party::Resident };
            let actor = Actor { party, role: ActorRole::Resident, unit: None };
            let applied = apply_action(connection, id, &actor, &input, now, &policies)?;
            ActionOutcome::from_applied(applied, || load_view(connection, id, &viewer, now, &policies, &personal))
        })
        .await
    }
}

/// The complaint with this number if `token` opens it, and as whom: its own access token or the
/// session of a resident signed in with the phone it was filed with (the filer), or the session
/// of a neighbour who joined it.
pub(crate) fn complaint_id_for_token(
    connection: &Connection,
    number: &TrackingNumber,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<(i64, Viewer)>, StoreError> {
    let hash = secrets::sha256(token.as_bytes());
    let found: Option<(i64, bool, Option<PhoneKey>)> = connection
        .prepare_cached(
            "WITH session AS (SELECT s.phone_key FROM sessions s WHERE s.token_hash = ?1 AND s.expires_at > ?3)
             SELECT c.id,
                    EXISTS (SELECT 1 FROM complaint_access a WHERE a.complaint_id = c.id AND a.token_hash = ?1)
                        OR c.phone_key = (SELECT phone_key FROM session),
                    (SELECT phone_key FROM session)
             FROM complaints c
             WHERE c.tracking_number = ?2
               AND (EXISTS (SELECT 1 FROM complaint_access a WHERE a.complaint_id = c.id AND a.token_hash = ?1)
                    OR c.phone_key = (SELECT phone_key FROM session)
                    OR EXISTS (SELECT 1 FROM complaint_joins j
                               WHERE j.complaint_id = c.id AND j.phone_key = (SELECT phone_key FROM session)))",
        )?
        .query_row(params![hash.as_slice(), number.as_str(), now], |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?)))
        .optional()?;
    Ok(found.and_then(|(id, filer, session_phone)| match (filer, session_phone) {
        (true, _) => Some((id, Viewer::Resident)),
        (false, Some(phone)) => Some((id, Viewer::Neighbour(phone))),
        // Not the filer and no session: the query only finds a joiner through a session.
        (false, None) => None,
    }))
}

fn file_idempotently(
    connection: &Connection,
    filing: &NewFiling,
    policies: &Policies,
    personal: &PersonalData,
) -> Result<FilingOutcome, StoreError> {
    let key_hash = secrets::sha256(format!("idempotency:{}", filing.idempotency_key).as_bytes());
    // A key older than the lifetime is forgotten even before housekeeping removes it.
    let remembered_since = filing.filed_at - IDEMPOTENCY_KEY_LIFETIME;
    if let Some(earlier) = earlier_filing(connection, &key_hash, filing, remembered_since)? {
        return Ok(earlier);
    }
    // Two filings with one key may both get this far when they run at once (on PostgreSQL
    // without the write lock, or a back end that writes in parallel): the key's primary key
    // decides which one counts. The loser waits for the winner's commit, finds its key taken,
    // undoes its own complaint and answers with the winner's receipt.
    connection.execute_batch("SAVEPOINT filing")?;
    let outcome =
        insert_complaint(connection, &filing.complaint, filing.filed_at, &filing.idempotency_key, policies, personal)?;
    if let FilingOutcome::Filed(receipt) = &outcome {
        let id: i64 = connection.query_row(
            "SELECT id FROM complaints WHERE tracking_number = ?1",
            [receipt.tracking_number.as_str()],
            |row| row.get(0),
        )?;
        // A forgotten key's row is taken over; a remembered one's is left alone.
        let claimed = connection.execute(
            "INSERT INTO idempotency_keys (key_hash, request_hash, complaint_id, created_at)
             VALUES (?1, ?2, ?3, ?4)
             ON CONFLICT (key_hash) DO UPDATE SET request_hash = excluded.request_hash,
                 complaint_id = excluded.complaint_id, created_at = excluded.created_at
             WHERE idempotency_keys.created_at < ?5",
            params![key_hash.as_slice(), filing.request_hash.as_slice(), id, filing.filed_at, remembered_since],
        )?;
        if claimed == 0 {
            connection.execute_batch("ROLLBACK TO filing; RELEASE filing")?;
            return earlier_filing(connection, &key_hash, filing, remembered_since)?
                .ok_or_else(|| StoreError::Database("a claimed idempotency key has no filing".into()));
        }
    }
    connection.execute_batch("RELEASE filing")?;
    Ok(outcome)
}

/// What an earlier filing with this key, still remembered, makes of this one: its receipt again,
/// or "key reused" when it was a different filing.
fn earlier_filing(
    connection: &Connection,
    key_hash: &[u8; 32],
    filing: &NewFiling,
    remembered_since: DateTime<Utc>,
) -> Result<Option<FilingOutcome>, StoreError> {
    let seen: Option<(Vec<u8>, i64)> = connection
        .prepare_cached(
            "SELECT request_hash, complaint_id FROM idempotency_keys WHERE key_hash = ?1 AND created_at >= ?2",
        )?
        .query_row(params![key_hash.as_slice(), remembered_since], |row| Ok((row.get(0)?, row.get(1)?)))
        .optional()?;
    Ok(match seen {
        None => None,
        Some((request_hash, _)) if request_hash != filing.request_hash => Some(FilingOutcome::KeyReused),
        Some((_, complaint_id)) => {
            Some(FilingOutcome::Replayed(receipt(connection, complaint_id, &filing.idempotency_key)?))
        }
    })
}

/// The receipt as it was first given, rebuilt from the stored complaint and the presented key.
fn receipt(connection: &Connection, complaint_id: i64, idempotency_key: &str) -> Result<FiledComplaint, StoreError> {
    let (number, filed_at, sign_due_at, resolve_due_at, salt): (String, _, _, _, Vec<u8>) = connection.query_row(
        "SELECT c.tracking_number, c.filed_at, c.sign_due_at, c.resolve_due_at, a.token_salt
         FROM complaints c JOIN complaint_access a ON a.complaint_id = c.id WHERE c.id = ?1",
        [complaint_id],
        |row| Ok((row.get(0)?, row.get(1)?, row.get(2)?, row.get(3)?, row.get(4)?)),
    )?;
    Ok(FiledComplaint {
        tracking_number: TrackingNumber::parse(&number)
            .ok_or_else(|| StoreError::Database("bad stored number".into()))?,
        status: ComplaintStatus::Submitted,
        filed_at,
        sign_due_at,
        resolve_due_at,
        access_token: secrets::access_token(&salt, idempotency_key),
    })
}

/// Deadline rules and kind of a specific category; `None` if it does not exist, and the flag is
/// true when it is a group rather than a specific problem.
struct CategoryRules {
    kind: ProblemKind,
    sign: DeadlineRule,
    resolve: DeadlineRule,
    has_children: bool,
}

fn category_rules(connection: &Connection, category_id: i64) -> db::Result<Option<CategoryRules>> {
    connection
        .prepare_cached(
            "SELECT c.kind, c.sign_unit, c.sign_amount, c.resolve_unit, c.resolve_amount,
                    EXISTS (SELECT 1 FROM categories child WHERE child.parent_id = c.id)
             FROM categories c WHERE c.id = ?1",
        )?
        .query_row([category_id], |row| {
            let kind: String = row.get(0)?;
            Ok(CategoryRules {
                kind: if kind == "property" { ProblemKind::Property } else { ProblemKind::NonProperty },
                sign: deadline_rule(&row.get::<_, String>(1)?, row.get(2)?),
                resolve: deadline_rule(&row.get::<_, String>(3)?, row.get(4)?),
                has_children: row.get(5)?,
            })
        })
        .optional()
}

pub(crate) fn deadline_rule(unit: &str, amount: u32) -> DeadlineRule {
    if unit == "hours" { DeadlineRule::Hours(amount) } else { DeadlineRule::WorkingDays(amount) }
}

pub(crate) fn insert_complaint(
    connection: &Connection,
    complaint: &ValidComplaint,
    filed_at: DateTime<Utc>,
    idempotency_key: &str,
    policies: &Policies,
    personal: &PersonalData,
) -> Result<FilingOutcome, StoreError> {
    let (outcome, id) = insert_complaint_alone(connection, complaint, filed_at, idempotency_key, policies, personal)?;
    if let Some(id) = id {
        recount_group(connection, id, filed_at, policies)?;
    }
    Ok(outcome)
}

/// [`insert_complaint`] without recounting the households of its group: for an import, which
/// recounts each group once after its rows rather than once per row. Gives the new row's id.
pub(crate) fn insert_complaint_alone(
    connection: &Connection,
    complaint: &ValidComplaint,
    filed_at: DateTime<Utc>,
    idempotency_key: &str,
    policies: &Policies,
    personal: &PersonalData,
) -> Result<(FilingOutcome, Option<i64>), StoreError> {
    let mut errors = Vec::new();
    let community_exists =
        connection.prepare_cached("SELECT 1 FROM communities WHERE id = ?1")?.exists([complaint.community_id])?;
    if !community_exists {
        errors.push(FieldError::new(Field::CommunityId, FieldErrorCode::UnknownCommunity));
    }
    let rules = category_rules(connection, complaint.category_id)?;
    match &rules {
        None => errors.push(FieldError::new(Field::CategoryId, FieldErrorCode::UnknownCategory)),
        Some(rules) if rules.has_children => {
            errors.push(FieldError::new(Field::CategoryId, FieldErrorCode::CategoryNotSpecific))
        }
        Some(_) => {}
    }
    if !photos::all_exist(connection, &complaint.photo_ids)? {
        errors.push(FieldError::new(Field::Photos, FieldErrorCode::UnknownPhoto));
    }
    let Some(rules) = rules.filter(|_| errors.is_empty()) else {
        return Ok((FilingOutcome::Rejected(errors), None));
    };
    // Property problems go to the property company; the rest to the community/street office.
    let handler = match rules.kind {
        ProblemKind::Property => HandlerRole::PropertyCompany,
        ProblemKind::NonProperty => HandlerRole::CommunityOffice,
    };
    let sign_due_at = due_at(filed_at, rules.sign, &Weekdays);
    let resolve_due_at = due_at(filed_at, rules.resolve, &Weekdays);
    let status = ComplaintStatus::Submitted;
    let date = china_date(filed_at);
    let repeated = earlier_complaint_repeated(connection, complaint, filed_at, &policies.escalation)?;
    for _ in 0..TRACKING_NUMBER_ATTEMPTS {
        let number = TrackingNumber::new(date, rand::random());
        let inserted: Option<i64> = connection
            .query_row(
                "INSERT INTO complaints (tracking_number, community_id, category_id, location, description,
                 contact_name_sealed, phone_key, phone_sealed, hide_identity_from_property, status, handler_role,
                 filed_at, updated_at, consented_at, sign_due_at, resolve_due_at, level, sign_started_at,
                 resolve_started_at, first_sign_due_at, first_resolve_due_at, visible_to_neighbours, repeat_of,
                 repeat_position, texts)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?18, ?8, ?9, ?10, ?11, ?11, ?11, ?12, ?13, ?14, ?11, ?11, ?12, ?13,
                 ?15, ?16, ?17, ?19)
             ON CONFLICT (tracking_number) DO NOTHING
             RETURNING id",
                params![
                    number.as_str(),
                    complaint.community_id,
                    complaint.category_id,
                    complaint.location,
                    complaint.description,
                    (!complaint.name.is_empty()).then(|| personal.seal(Sealed::Name, &complaint.name)),
                    personal.phone_key(&complaint.phone),
                    complaint.hide_identity_from_property,
                    status.as_str(),
                    enum_name(&handler),
                    filed_at,
                    sign_due_at,
                    resolve_due_at,
                    Level::of_handler(handler).as_str(),
                    complaint.visible_to_neighbours,
                    repeated.map(|(id, _)| id),
                    repeated.map_or(1, |(_, position)| position + 1),
                    personal.seal(Sealed::Phone, complaint.phone.as_str()),
                    complaint.texts,
                ],
                |row| row.get(0),
            )
            .optional()?;
        if let Some(id) = inserted {
            let salt = secrets::random_salt();
            let access_token = secrets::access_token(&salt, idempotency_key);
            connection.execute(
                "INSERT INTO complaint_access (complaint_id, token_salt, token_hash) VALUES (?1, ?2, ?3)",
                params![id, salt.as_slice(), secrets::sha256(access_token.as_bytes()).as_slice()],
            )?;
            append_event(
                connection,
                id,
                &TimelineEvent {
                    photos: complaint.photo_ids.clone(),
                    ..TimelineEvent::new(filed_at, EventKind::Filed, ActorRole::Resident)
                },
            )?;
            escalations::run_rules(connection, id, filed_at, &policies.escalation)?;
            let filed =
                FiledComplaint { tracking_number: number, status, filed_at, sign_due_at, resolve_due_at, access_token };
            return Ok((FilingOutcome::Filed(filed), Some(id)));
        }
    }
    Err(StoreError::Database("no free tracking number after several attempts".into()))
}

/// The latest earlier complaint about the same problem in the same place (community, category
/// and location) resolved within the repeat window, with its place in its chain of repeats.
fn earlier_complaint_repeated(
    connection: &Connection,
    complaint: &ValidComplaint,
    filed_at: DateTime<Utc>,
    policy: &EscalationPolicy,
) -> db::Result<Option<(i64, u32)>> {
    if complaint.location.is_empty() {
        return Ok(None);
    }
    connection
        .prepare_cached(
            "SELECT id, repeat_position FROM complaints
             WHERE community_id = ?1 AND category_id = ?2 AND location = ?3
               AND first_resolved_at IS NOT NULL AND COALESCE(resolved_at, first_resolved_at) >= ?4
               AND status IN ('resolved', 'rated', 'closed')
             ORDER BY filed_at DESC LIMIT 1",
        )?
        .query_row(
            params![complaint.community_id, complaint.category_id, complaint.location, filed_at - policy.repeat_window],
            |row| Ok((row.get(0)?, row.get(1)?)),
        )
        .optional()
}

/// Counts the households behind a problem — distinct phones that filed or joined complaints of
/// the same community and category within the group window — onto every open complaint of the
/// group, and runs the rules on each, so that the fifth household raises all of them.
pub(crate) fn recount_group(
    connection: &Connection,
    complaint_id: i64,
    now: DateTime<Utc>,
    policies: &Policies,
) -> Result<(), StoreError> {
    let since = now - policies.escalation.group_window;
    let (community_id, category_id): (i64, i64) = connection.query_row(
        "SELECT community_id, category_id FROM complaints WHERE id = ?1",
        [complaint_id],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let households: u32 = connection.prepare_cached(
        "WITH problem AS (SELECT id, phone_key FROM complaints
                          WHERE community_id = ?1 AND category_id = ?2 AND filed_at >= ?3 AND status <> 'withdrawn')
         SELECT COUNT(*) FROM (SELECT phone_key FROM problem
                               UNION SELECT j.phone_key FROM complaint_joins j JOIN problem ON problem.id = j.complaint_id) AS households",
    )?
    .query_row(params![community_id, category_id, since], |row| row.get(0))?;
    let open: Vec<i64> = connection
        .prepare_cached(
            "SELECT id FROM complaints
             WHERE community_id = ?1 AND category_id = ?2 AND filed_at >= ?3
               AND status IN ('submitted', 'accepted', 'in_progress', 'needs_info') AND households < ?4",
        )?
        .query_map(params![community_id, category_id, since, households], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    for id in open {
        connection.execute("UPDATE complaints SET households = ?1 WHERE id = ?2", params![households, id])?;
        escalations::run_rules(connection, id, now, &policies.escalation)?;
    }
    Ok(())
}

/// Appends an event with its photos.
pub(crate) fn append_event(connection: &Connection, complaint_id: i64, event: &TimelineEvent) -> db::Result<()> {
    let event_id: i64 = connection
        .prepare_cached(
            "INSERT INTO complaint_events (complaint_id, at, kind, actor, unit, note, rating_solved, rating_satisfaction,
                 detail)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)
             RETURNING id",
        )?
        .query_row(params![
            complaint_id,
            event.at,
            enum_name(&event.kind),
            enum_name(&event.actor),
            event.unit,
            event.note,
            event.rating.map(|r| enum_name(&r.solved)),
            event.rating.map(|r| enum_name(&r.satisfaction)),
            event.escalation.as_ref().and_then(|detail| serde_json::to_string(detail).ok()),
        ], |row| row.get(0))?;
    photos::attach(connection, event_id, &event.photos)?;
    texts::enqueue(connection, complaint_id, event_id, event.kind, event.at)
}

/// Who takes an action, as the timeline records it.
pub(crate) struct Actor {
    pub party: Party,
    pub role: ActorRole,
    pub unit: Option<String>,
}

/// Checks an action against the lifecycle and, if allowed, applies it with its side effects and
/// its timeline entry, then runs the escalation rules on what changed. When it is refused or
/// invalid, nothing changes.
pub(crate) fn apply_action(
    connection: &Connection,
    complaint_id: i64,
    actor: &Actor,
    input: &ActionInput,
    now: DateTime<Utc>,
    policies: &Policies,
) -> Result<Result<(), ActionProblem>, StoreError> {
    let row = ComplaintRow::load(connection, complaint_id)?;
    let next = match lifecycle::check(input.action, actor.party, &row.facts(), now, &policies.lifecycle) {
        Ok(next) => next,
        Err(refusal) => {
            tracing::warn!(
                tracking_number = %row.tracking_number, action = ?input.action, party = ?actor.party, ?refusal,
                "action refused"
            );
            return Ok(Err(ActionProblem::Refused(refusal)));
        }
    };
    if !photos::all_exist(connection, &input.photo_ids)? {
        return Ok(Err(ActionProblem::Invalid(vec![FieldError::new(Field::Photos, FieldErrorCode::UnknownPhoto)])));
    }
    if input.due_at.is_some_and(|due| due <= now) {
        return Ok(Err(ActionProblem::Invalid(vec![FieldError::new(Field::DueAt, FieldErrorCode::NotInFuture)])));
    }
    let facts = row.escalation_facts();
    // A supervisor's 督办, 提级 and 会商 are escalations too: they leave the same kind of entry.
    let escalated = match input.action {
        Action::Supervise => {
            let due = input.due_at.unwrap_or(now).max(now);
            let after = if row.status == ComplaintStatus::Submitted {
                EscalationFacts { sign_started_at: now, sign_due_at: due, ..facts }
            } else {
                EscalationFacts { resolve_started_at: now, resolve_due_at: due, ..facts }
            };
            let detail = EscalationDetail {
                sign_due_at: (after.sign_due_at != facts.sign_due_at).then_some(after.sign_due_at),
                resolve_due_at: (after.resolve_due_at != facts.resolve_due_at).then_some(after.resolve_due_at),
                ..hand_detail(actor)
            };
            Some((after, detail))
        }
        Action::Escalate => facts.level.up().map(|level| {
            let after = raised(&facts, level, now, &Weekdays);
            let detail = EscalationDetail {
                level: Some(level),
                sign_due_at: (after.sign_due_at != facts.sign_due_at).then_some(after.sign_due_at),
                resolve_due_at: Some(after.resolve_due_at),
                ..hand_detail(actor)
            };
            (after, detail)
        }),
        Action::ScheduleConsultation => {
            let meeting_at = input.due_at.unwrap_or(now);
            let after = EscalationFacts { consultation: ConsultationState::Scheduled { meeting_at }, ..facts };
            let units = if input.units.is_empty() { row.meeting_units() } else { input.units.clone() };
            Some((after, EscalationDetail { meeting_at: Some(meeting_at), units, ..hand_detail(actor) }))
        }
        Action::RecordConsultation => match facts.consultation {
            ConsultationState::Scheduled { meeting_at } => {
                let after = EscalationFacts { consultation: ConsultationState::Held { meeting_at }, ..facts };
                Some((after, EscalationDetail { meeting_at: Some(meeting_at), ..hand_detail(actor) }))
            }
            _ => None,
        },
        _ => None,
    };
    match input.action {
        Action::Accept => {
            connection.execute(
                "UPDATE complaints SET accepted_at = ?1, first_accepted_at = COALESCE(first_accepted_at, ?1)
                 WHERE id = ?2",
                params![now, complaint_id],
            )?;
        }
        Action::Resolve => {
            connection.execute(
                "UPDATE complaints SET resolved_at = ?1, first_resolved_at = COALESCE(first_resolved_at, ?1)
                 WHERE id = ?2",
                params![now, complaint_id],
            )?;
        }
        Action::Rate => {
            let satisfaction = input.rating.map(|rating| rating.satisfaction);
            connection.execute(
                "UPDATE complaints SET satisfaction = ?1, dissatisfied_ratings = dissatisfied_ratings + ?2 WHERE id = ?3",
                params![
                    satisfaction.map(|s| enum_name(&s)),
                    satisfaction == Some(Satisfaction::Dissatisfied),
                    complaint_id
                ],
            )?;
        }
        Action::Reopen => {
            // A new round of handling gets a new resolution deadline.
            let resolve_due_at = due_at(now, row.resolve_rule, &Weekdays);
            connection.execute(
                "UPDATE complaints SET resolved_at = NULL, resolve_due_at = ?1, resolve_started_at = ?2,
                     reopen_count = reopen_count + 1
                 WHERE id = ?3",
                params![resolve_due_at, now, complaint_id],
            )?;
        }
        Action::Transfer => {
            // The new unit must sign for it, within a fresh signing deadline.
            let handler = input.transfer_to.unwrap_or(row.handler_role);
            let sign_due_at = due_at(now, row.sign_rule, &Weekdays);
            let level = row.level.max(Level::of_handler(handler));
            connection.execute(
                "UPDATE complaints SET handler_role = ?1, accepted_at = NULL, sign_due_at = ?2, sign_started_at = ?3,
                     level = ?4
                 WHERE id = ?5",
                params![enum_name(&handler), sign_due_at, now, level.as_str(), complaint_id],
            )?;
        }
        Action::Urge => {
            connection.execute("UPDATE complaints SET last_urged_at = ?1 WHERE id = ?2", params![now, complaint_id])?;
        }
        _ => {}
    }
    connection.execute(
        "UPDATE complaints SET status = ?1, updated_at = ?2 WHERE id = ?3",
        params![next.as_str(), now, complaint_id],
    )?;
    match escalated {
        Some((after, detail)) => {
            escalations::store_facts(connection, complaint_id, &facts, &after, now)?;
            let kind = input.action.event_kind();
            escalations::append_escalation_event(connection, &row, kind, detail, input.note.clone(), now)?;
        }
        None => append_event(
            connection,
            complaint_id,
            &TimelineEvent {
                unit: actor.unit.clone(),
                note: input.note.clone(),
                rating: input.rating,
                photos: input.photo_ids.clone(),
                ..TimelineEvent::new(now, input.action.event_kind(), actor.role)
            },
        )?,
    }
    escalations::run_rules(connection, complaint_id, now, &policies.escalation)?;
    Ok(Ok(()))
}

/// What a supervisor's own escalation says about who made it.
fn hand_detail(actor: &Actor) -> EscalationDetail {
    let by = if actor.role == ActorRole::CommunityOffice {
        EscalatingBody::StreetOffice
    } else {
        EscalatingBody::HousingBureau
    };
    EscalationDetail::new(EscalationReason::Supervisor, by)
}

/// Resolved complaints whose reopening window has passed (`?1`: the window's start).
const SETTLED: &str = "status IN ('resolved', 'rated') AND resolved_at < ?1";

/// The complaints [`close_settled`] would close now.
pub(crate) fn settled(
    connection: &Connection,
    now: DateTime<Utc>,
    policies: &Policies,
) -> Result<Vec<i64>, StoreError> {
    Ok(connection
        .prepare_cached(&format!("SELECT id FROM complaints WHERE {SETTLED}"))?
        .query_map([now - policies.lifecycle.reopen_window], |row| row.get(0))?
        .collect::<Result<_, _>>()?)
}

/// Closes a settled complaint as the system, through the lifecycle like any other action; answers
/// 0 when it is no longer settled (reopened since it was listed, say).
pub(crate) fn close_settled(
    connection: &Connection,
    id: i64,
    now: DateTime<Utc>,
    policies: &Policies,
) -> Result<usize, StoreError> {
    let still_settled = connection
        .prepare_cached(&format!("SELECT 1 FROM complaints WHERE id = ?2 AND {SETTLED}"))?
        .exists(params![now - policies.lifecycle.reopen_window, id])?;
    if !still_settled {
        return Ok(0);
    }
    let system = Actor { party: Party::System, role: ActorRole::System, unit: None };
    Ok(usize::from(apply_action(connection, id, &system, &ActionInput::plain(Action::Close), now, policies)?.is_ok()))
}

/// The columns a view and the lifecycle need, from one query.
pub(crate) struct ComplaintRow {
    pub tracking_number: TrackingNumber,
    status: ComplaintStatus,
    filed_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    pub community: String,
    pub street: String,
    pub property_company: String,
    pub property_company_id: i64,
    category: LocalizedText,
    location: String,
    description: String,
    /// The name and number as given, sealed: opened only to mask them for a view or to reveal
    /// them to the handling unit.
    contact_name_sealed: Option<Vec<u8>>,
    phone_sealed: Vec<u8>,
    phone_key: PhoneKey,
    pub hide_identity_from_property: bool,
    pub handler_role: HandlerRole,
    sign_due_at: DateTime<Utc>,
    resolve_due_at: DateTime<Utc>,
    accepted_at: Option<DateTime<Utc>>,
    resolved_at: Option<DateTime<Utc>>,
    last_urged_at: Option<DateTime<Utc>>,
    sign_rule: DeadlineRule,
    resolve_rule: DeadlineRule,
    pub district: String,
    pub level: Level,
    card: Card,
    card_since: Option<DateTime<Utc>>,
    sign_supervised_until: Option<DateTime<Utc>>,
    /// Imported from a 12345 hotline ticket.
    from_hotline: bool,
    sign_started_at: DateTime<Utc>,
    resolve_started_at: DateTime<Utc>,
    warned_sign_due_at: Option<DateTime<Utc>>,
    warned_resolve_due_at: Option<DateTime<Utc>>,
    households: u32,
    group_escalated: bool,
    pub repeat_position: u32,
    repeat_escalated: bool,
    dissatisfied_ratings: u32,
    consultation: ConsultationState,
    pub visible_to_neighbours: bool,
    pub joins: u32,
    pub id: i64,
}

impl ComplaintRow {
    pub(crate) const SELECT: &'static str =
        "SELECT c.tracking_number, c.status, c.filed_at, c.updated_at, m.name, m.street, p.name, p.id,
                k.name_zh, k.name_en, c.location, c.description, c.contact_name_sealed, c.phone_sealed,
                c.hide_identity_from_property, c.handler_role, c.sign_due_at, c.resolve_due_at, c.accepted_at,
                c.resolved_at, c.last_urged_at, k.sign_unit, k.sign_amount, k.resolve_unit, k.resolve_amount,
                d.name, c.level, c.card, c.card_since, c.sign_started_at, c.resolve_started_at,
                c.warned_sign_due_at, c.warned_resolve_due_at, c.households, c.group_escalated, c.repeat_position,
                c.repeat_escalated, c.dissatisfied_ratings, c.consultation, c.meeting_at, c.visible_to_neighbours,
                c.joins, c.id, c.phone_key, c.sign_supervised_until,
                EXISTS (SELECT 1 FROM hotline_tickets h WHERE h.complaint_id = c.id)
         FROM complaints c
         JOIN communities m ON m.id = c.community_id
         JOIN districts d ON d.id = m.district_id
         JOIN property_companies p ON p.id = m.property_company_id
         JOIN categories k ON k.id = c.category_id";

    pub(crate) fn load(connection: &Connection, id: i64) -> Result<Self, StoreError> {
        let sql = format!("{} WHERE c.id = ?1", Self::SELECT);
        Ok(connection.prepare_cached(&sql)?.query_row([id], Self::from_row)?)
    }

    pub(crate) fn from_row(row: &Row<'_>) -> db::Result<Self> {
        let number: String = row.get(0)?;
        let filed_at = time_at(row, 2)?;
        let status: String = row.get(1)?;
        let handler: String = row.get(15)?;
        Ok(Self {
            tracking_number: TrackingNumber::parse(&number)
                .unwrap_or_else(|| TrackingNumber::new(Default::default(), 0)),
            status: ComplaintStatus::from_str_opt(&status).unwrap_or(ComplaintStatus::Submitted),
            filed_at,
            updated_at: time_at(row, 3)?,
            community: row.get(4)?,
            street: row.get(5)?,
            property_company: row.get(6)?,
            property_company_id: row.get(7)?,
            category: LocalizedText { zh: row.get(8)?, en: row.get(9)? },
            location: row.get(10)?,
            description: row.get(11)?,
            contact_name_sealed: row.get(12)?,
            phone_sealed: row.get::<_, Option<Vec<u8>>>(13)?.unwrap_or_default(),
            hide_identity_from_property: row.get(14)?,
            handler_role: parse_enum(&handler).unwrap_or(HandlerRole::PropertyCompany),
            sign_due_at: time_at(row, 16)?,
            resolve_due_at: time_at(row, 17)?,
            accepted_at: optional_time_at(row, 18)?,
            resolved_at: optional_time_at(row, 19)?,
            last_urged_at: optional_time_at(row, 20)?,
            sign_rule: deadline_rule(&row.get::<_, String>(21)?, row.get(22)?),
            resolve_rule: deadline_rule(&row.get::<_, String>(23)?, row.get(24)?),
            district: row.get(25)?,
            level: Level::from_str_opt(&row.get::<_, String>(26)?).unwrap_or_default(),
            card: Card::from_str_opt(&row.get::<_, String>(27)?).unwrap_or_default(),
            card_since: optional_time_at(row, 28)?,
            sign_started_at: optional_time_at(row, 29)?.unwrap_or(filed_at),
            resolve_started_at: optional_time_at(row, 30)?.unwrap_or(filed_at),
            warned_sign_due_at: optional_time_at(row, 31)?,
            warned_resolve_due_at: optional_time_at(row, 32)?,
            households: row.get(33)?,
            group_escalated: row.get(34)?,
            repeat_position: row.get(35)?,
            repeat_escalated: row.get(36)?,
            dissatisfied_ratings: row.get(37)?,
            consultation: match (row.get::<_, String>(38)?.as_str(), optional_time_at(row, 39)?) {
                ("scheduled", Some(meeting_at)) => ConsultationState::Scheduled { meeting_at },
                ("held", Some(meeting_at)) => ConsultationState::Held { meeting_at },
                _ => ConsultationState::None,
            },
            visible_to_neighbours: row.get(40)?,
            joins: row.get(41)?,
            id: row.get(42)?,
            phone_key: row.get(43)?,
            sign_supervised_until: optional_time_at(row, 44)?,
            from_hotline: row.get(45)?,
        })
    }

    /// What the escalation rules need.
    pub(crate) fn escalation_facts(&self) -> EscalationFacts {
        EscalationFacts {
            status: self.status,
            handler: self.handler_role,
            level: self.level,
            card: self.card,
            card_since: self.card_since,
            sign_supervised_until: self.sign_supervised_until,
            sign_started_at: self.sign_started_at,
            sign_due_at: self.sign_due_at,
            resolve_started_at: self.resolve_started_at,
            resolve_due_at: self.resolve_due_at,
            sign_rule: self.sign_rule,
            resolve_rule: self.resolve_rule,
            warned_sign_due_at: self.warned_sign_due_at,
            warned_resolve_due_at: self.warned_resolve_due_at,
            households: self.households,
            group_escalated: self.group_escalated,
            repeat_position: self.repeat_position,
            repeat_escalated: self.repeat_escalated,
            dissatisfied_ratings: self.dissatisfied_ratings,
            consultation: self.consultation,
        }
    }

    pub(crate) fn phone_key(&self) -> &PhoneKey {
        &self.phone_key
    }

    /// The number and name (if one was given) as the resident gave them.
    pub(crate) fn contact(&self, personal: &PersonalData) -> Result<(String, Option<String>), StoreError> {
        let phone = personal.open(Sealed::Phone, &self.phone_sealed)?;
        let name = self.contact_name_sealed.as_deref().map(|sealed| personal.open(Sealed::Name, sealed)).transpose()?;
        Ok((phone, name.filter(|name| !name.is_empty())))
    }

    pub(crate) fn facts(&self) -> ComplaintFacts {
        ComplaintFacts {
            status: self.status,
            resolved_at: self.resolved_at,
            last_urged_at: self.last_urged_at,
            sign_due_at: self.sign_due_at,
            resolve_due_at: self.resolve_due_at,
            at_top_level: self.level.up().is_none(),
            consultation: self.consultation,
        }
    }

    /// The name of the body that escalated, as the timeline shows it.
    pub(crate) fn body_name(&self, body: EscalatingBody) -> Option<String> {
        match body {
            EscalatingBody::System => None,
            EscalatingBody::StreetOffice => Some(format!("{}办事处", self.street)),
            EscalatingBody::HousingBureau => Some(HOUSING_BUREAU.to_owned()),
            EscalatingBody::DistrictBureau => Some(format!("{}住房和城乡建设局", self.district)),
        }
    }

    /// The units called to a 会商 when the supervisor names none: the company, the street office
    /// and the bureau.
    pub(crate) fn meeting_units(&self) -> Vec<String> {
        vec![self.property_company.clone(), format!("{}办事处", self.street), HOUSING_BUREAU.to_owned()]
    }

    /// The name of the unit holding the complaint now.
    pub(crate) fn handling_unit(&self) -> String {
        match self.handler_role {
            HandlerRole::PropertyCompany => self.property_company.clone(),
            HandlerRole::CommunityOffice => format!("{}办事处", self.street),
        }
    }

    /// A withdrawn or closed complaint waits for nobody.
    pub(crate) fn sign_deadline(&self, now: DateTime<Utc>) -> Deadline {
        Deadline::at(self.sign_due_at, self.accepted_at, self.status.stops_clocks(), now)
    }

    pub(crate) fn resolve_deadline(&self, now: DateTime<Utc>) -> Deadline {
        Deadline::at(self.resolve_due_at, self.resolved_at, self.status.stops_clocks(), now)
    }

    pub(crate) fn held_by(&self) -> HeldBy<'_> {
        HeldBy { handler_role: self.handler_role, property_company_id: self.property_company_id, street: &self.street }
    }

    pub(crate) fn summary(&self, now: DateTime<Utc>) -> ComplaintSummary {
        ComplaintSummary {
            tracking_number: self.tracking_number.clone(),
            status: self.status,
            community: self.community.clone(),
            category: self.category.clone(),
            filed_at: self.filed_at,
            updated_at: self.updated_at,
            sign_deadline: self.sign_deadline(now),
            resolve_deadline: self.resolve_deadline(now),
            level: self.level,
            card: self.card,
            from_hotline: self.from_hotline,
        }
    }
}

/// The party a viewer is for this complaint, or `None` if they may not see it at all.
pub(crate) fn party_of(viewer: &Viewer, row: &ComplaintRow) -> Option<Party> {
    viewer.party(&row.held_by())
}

pub(crate) fn load_view(
    connection: &Connection,
    id: i64,
    viewer: &Viewer,
    now: DateTime<Utc>,
    policies: &Policies,
    personal: &PersonalData,
) -> Result<ComplaintView, StoreError> {
    let row = ComplaintRow::load(connection, id)?;
    let neighbour = matches!(viewer, Viewer::Neighbour(_));
    let party = party_of(viewer, &row).unwrap_or(Party::Resident);
    // Nobody reads who filed a complaint in full here: the unit handling it asks for that
    // separately (`reveal_contact`), which is audited. The property company does not get even the
    // masked details when the resident asked for it (对物业公司保密).
    let identity_hidden = party == Party::HandlingUnit
        && row.hide_identity_from_property
        && row.handler_role == HandlerRole::PropertyCompany;
    let (phone, name) = match identity_hidden || neighbour {
        true => (String::new(), None),
        false => {
            let (phone, name) = row.contact(personal)?;
            (mask_phone(&phone), name.map(|name| mask_name(&name)))
        }
    };
    Ok(ComplaintView {
        tracking_number: row.tracking_number.clone(),
        status: row.status,
        filed_at: row.filed_at,
        updated_at: row.updated_at,
        community: row.community.clone(),
        property_company: row.property_company.clone(),
        category: row.category.clone(),
        location: row.location.clone(),
        description: row.description.clone(),
        phone,
        name,
        hide_identity_from_property: row.hide_identity_from_property,
        handling_unit: row.handling_unit(),
        handler_role: row.handler_role,
        sign_deadline: row.sign_deadline(now),
        resolve_deadline: row.resolve_deadline(now),
        available_actions: lifecycle::available_actions(party, &row.facts(), now, &policies.lifecycle),
        timeline: timeline(connection, id)?
            .into_iter()
            .map(|event| if neighbour { TimelineEvent { photos: Vec::new(), ..event } } else { event })
            .collect(),
        escalation: EscalationState {
            level: row.level,
            card: row.card,
            due_soon: row.escalation_facts().due_soon(now, &policies.escalation),
            consultation: row.consultation,
            visible_to_neighbours: row.visible_to_neighbours,
            joins: row.joins,
            viewer_joined: neighbour,
            repeats: repeats(connection, id)?,
        },
        texts: texts::viewer_texts(connection, id, viewer)?,
    })
}

/// The complaints this one repeats, and those that repeat it, oldest first.
/// A complaint's repeats: walk back along the chain, then the ones filed after it. Every view of a
/// complaint runs it, so it must read by index only (a test in `migrations.rs` checks the plan).
pub(crate) const REPEATS_SQL: &str = "WITH RECURSIVE chain (id) AS (
         SELECT repeat_of FROM complaints WHERE id = ?1
         UNION SELECT c.repeat_of FROM complaints c JOIN chain ON c.id = chain.id WHERE c.repeat_of IS NOT NULL)
     SELECT c.tracking_number, c.filed_at, c.status, CASE WHEN c.id < ?1 THEN 1 ELSE 0 END FROM complaints c JOIN chain ON chain.id = c.id
     UNION ALL
     SELECT tracking_number, filed_at, status, 0 FROM complaints WHERE repeat_of = ?1
     ORDER BY 2";

fn repeats(connection: &Connection, complaint_id: i64) -> db::Result<Vec<RepeatLink>> {
    let mut links = Vec::new();
    let mut earlier = connection.prepare_cached(REPEATS_SQL)?;
    let rows = earlier.query_map([complaint_id], |row| {
        let number: String = row.get(0)?;
        let status: String = row.get(2)?;
        Ok((number, row.get(1)?, status, row.get(3)?))
    })?;
    for row in rows {
        let (number, filed_at, status, earlier): (String, DateTime<Utc>, String, bool) = row?;
        if let (Some(tracking_number), Some(status)) =
            (TrackingNumber::parse(&number), ComplaintStatus::from_str_opt(&status))
        {
            links.push(RepeatLink { tracking_number, filed_at, status, earlier });
        }
    }
    Ok(links)
}

fn timeline(connection: &Connection, complaint_id: i64) -> db::Result<Vec<TimelineEvent>> {
    let mut attached: Vec<(i64, String)> = connection
        .prepare_cached(
            "SELECT p.event_id, p.photo_id FROM event_photos p JOIN complaint_events e ON e.id = p.event_id
             WHERE e.complaint_id = ?1 ORDER BY p.event_id, p.position",
        )?
        .query_map([complaint_id], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut events = connection.prepare_cached(
        "SELECT at, kind, actor, unit, note, rating_solved, rating_satisfaction, id, detail
         FROM complaint_events WHERE complaint_id = ?1 ORDER BY at, id",
    )?;
    events
        .query_map([complaint_id], |row| {
            let event_id: i64 = row.get(7)?;
            let photos = attached.extract_if(.., |(event, _)| *event == event_id).map(|(_, photo)| photo).collect();
            let kind: String = row.get(1)?;
            let actor: String = row.get(2)?;
            let solved: Option<String> = row.get(5)?;
            let satisfaction: Option<String> = row.get(6)?;
            let rating = match (solved.and_then(|s| parse_enum(&s)), satisfaction.and_then(|s| parse_enum(&s))) {
                (Some(solved), Some(satisfaction)) => Some(Rating { solved, satisfaction }),
                _ => None,
            };
            Ok(TimelineEvent {
                at: row.get(0)?,
                kind: parse_enum(&kind).unwrap_or(EventKind::Other),
                actor: parse_enum(&actor).unwrap_or(ActorRole::System),
                unit: row.get(3)?,
                note: row.get(4)?,
                rating,
                photos,
                escalation: row.get::<_, Option<String>>(8)?.and_then(|detail| serde_json::from_str(&detail).ok()),
            })
        })?
        .collect()
}

#[cfg(test)]
mod tests {
    //! Two filings with one key in write transactions that overlap. The store's write lock
    //! normally keeps them apart; these tests leave it out, so that the key's primary key alone
    //! must keep the promise. Only PostgreSQL lets two write transactions overlap: the tests run in
    //! `cargo xtask test`'s PostgreSQL pass (`MASHANG_TEST_POSTGRES`) and say they skip elsewhere.
    use super::*;
    use crate::store::StoreOptions;
    use std::time::{Duration, Instant};

    struct Overlap {
        runtime: tokio::runtime::Runtime,
        url: String,
        community_id: i64,
        category_id: i64,
        personal: PersonalData,
    }

    impl Overlap {
        /// A migrated schema of its own on the test server, with one community and category.
        fn start() -> Option<Self> {
            let Some(server) = std::env::var("MASHANG_TEST_POSTGRES").ok().filter(|url| !url.trim().is_empty()) else {
                eprintln!("skipped: overlapping write transactions need PostgreSQL (MASHANG_TEST_POSTGRES)");
                return None;
            };
            let runtime =
                tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().expect("a runtime");
            let schema = format!("t_{}", uuid::Uuid::new_v4().simple());
            let admin = runtime.block_on(Connection::open_postgres(&server)).expect("PostgreSQL");
            admin.execute_batch(&format!("CREATE SCHEMA {schema}")).expect("a schema");
            let separator = if server.contains('?') { '&' } else { '?' };
            let url = format!("{server}{separator}options=-csearch_path%3D{schema}");
            let personal = PersonalData::new([7; 32], [8; 32]);
            let options = StoreOptions {
                readers: 1,
                policies: Default::default(),
                busy_timeout: Duration::from_secs(5),
                max_size_bytes: None,
            };
            runtime.block_on(Store::open_postgres(&url, options, personal.clone())).expect("migrations");
            let setup = runtime.block_on(Connection::open_postgres(&url)).expect("connect");
            let id = |sql: &str| -> i64 { setup.query_row(sql, [], |row| row.get(0)).expect(sql) };
            let district = id("INSERT INTO districts (name) VALUES ('武侯区') RETURNING id");
            let company = id("INSERT INTO property_companies (name) VALUES ('锦绣物业') RETURNING id");
            let community_id = id(&format!(
                "INSERT INTO communities (district_id, street, name, property_company_id)
                 VALUES ({district}, '玉林街道', '芳草小区', {company}) RETURNING id"
            ));
            let category_id = id("INSERT INTO categories (name_zh, name_en, kind)
                 VALUES ('电梯故障', 'Lift out of order', 'property') RETURNING id");
            Some(Self { runtime, url, community_id, category_id, personal })
        }

        fn connect(&self) -> Connection {
            self.runtime.block_on(Connection::open_postgres(&self.url)).expect("connect")
        }

        fn filing(&self, key: &str, description: &str) -> NewFiling {
            NewFiling {
                complaint: ValidComplaint {
                    photo_ids: Vec::new(),
                    community_id: self.community_id,
                    category_id: self.category_id,
                    location: "3栋2单元".to_owned(),
                    description: description.to_owned(),
                    name: String::new(),
                    phone: PhoneNumber::parse("13912340987").expect("a phone number"),
                    hide_identity_from_property: false,
                    visible_to_neighbours: true,
                    texts: false,
                },
                filed_at: Utc::now(),
                idempotency_key: key.to_owned(),
                request_hash: secrets::sha256(description.as_bytes()),
            }
        }

        /// Files `first` and leaves it uncommitted, files `second` on another connection (which
        /// must then wait for the first's key), commits the first and gives both outcomes.
        fn overlapping(&self, first: NewFiling, second: NewFiling) -> (FilingOutcome, FilingOutcome) {
            let policies = Policies::default();
            let (earlier, later, watcher) = (self.connect(), self.connect(), self.connect());
            let later_process: i32 = later.query_row("SELECT pg_backend_pid()", [], |row| row.get(0)).expect("pid");
            // As the store's write transactions begin, without the lock they take.
            earlier.execute_batch("BEGIN").expect("begin");
            let first_outcome =
                file_idempotently(&earlier, &first, &policies, &self.personal).expect("the first filing");
            std::thread::scope(|scope| {
                let personal = &self.personal;
                let second_filing = scope.spawn(move || {
                    later.execute_batch("BEGIN").expect("begin");
                    let outcome = file_idempotently(&later, &second, &policies, personal).expect("the second filing");
                    later.execute_batch("COMMIT").expect("commit");
                    outcome
                });
                let waiting = Instant::now();
                loop {
                    let waits: Option<String> = watcher
                        .query_row(
                            &format!("SELECT wait_event_type FROM pg_stat_activity WHERE pid = {later_process}"),
                            [],
                            |row| row.get(0),
                        )
                        .expect("activity");
                    if waits.as_deref() == Some("Lock") {
                        break;
                    }
                    assert!(!second_filing.is_finished(), "the second filing did not wait for the first's key");
                    assert!(waiting.elapsed() < Duration::from_secs(30), "the second filing never waited");
                    std::thread::sleep(Duration::from_millis(20));
                }
                earlier.execute_batch("COMMIT").expect("commit");
                (first_outcome, second_filing.join().expect("the second filing"))
            })
        }

        fn complaints_describing(&self, description: &str) -> i64 {
            let connection = self.connect();
            connection
                .query_row("SELECT count(*) FROM complaints WHERE description = ?1", [description], |row| row.get(0))
                .expect("count")
        }
    }

    #[test]
    fn a_filing_that_overlaps_another_with_its_key_answers_with_the_others_receipt() {
        let Some(overlap) = Overlap::start() else { return };
        let key = uuid::Uuid::new_v4().to_string();
        let description = "电梯停在6楼两天了，老人上下楼很困难";
        let (first, second) = overlap.overlapping(overlap.filing(&key, description), overlap.filing(&key, description));
        let FilingOutcome::Filed(filed) = first else { panic!("the first filing was not filed") };
        let FilingOutcome::Replayed(replayed) = second else { panic!("the second filing was not a replay") };
        assert_eq!(replayed.tracking_number, filed.tracking_number);
        assert_eq!(replayed.access_token, filed.access_token);
        assert_eq!(overlap.complaints_describing(description), 1, "one complaint for one key");
    }

    #[test]
    fn a_different_filing_that_overlaps_another_with_its_key_is_refused() {
        let Some(overlap) = Overlap::start() else { return };
        let key = uuid::Uuid::new_v4().to_string();
        let (first, second) = overlap.overlapping(
            overlap.filing(&key, "楼道灯坏了一个星期，晚上看不见台阶"),
            overlap.filing(&key, "垃圾站三天没有清运，味道很大"),
        );
        assert!(matches!(first, FilingOutcome::Filed(_)));
        assert!(matches!(second, FilingOutcome::KeyReused), "a reused key must not file a second complaint");
        assert_eq!(overlap.complaints_describing("垃圾站三天没有清运，味道很大"), 0);
    }
}
