//! Filing, viewing and acting on complaints.

use chrono::{DateTime, Utc};
use mashang_model::deadline::{Deadline, DeadlineRule, Weekdays, due_at};
use mashang_model::lifecycle::{self, Action, ComplaintFacts, Party, Policy, Refusal};
use mashang_model::text::mask_name;
use mashang_model::time::china_date;
use mashang_model::{
    ActorRole, ComplaintStatus, ComplaintSummary, ComplaintView, EventKind, Field, FieldError, FieldErrorCode,
    FiledComplaint, HandlerRole, LocalizedText, PhoneNumber, ProblemKind, Rating, TimelineEvent, TrackingNumber,
    ValidComplaint, mask_phone,
};
use rusqlite::{Connection, OptionalExtension, Row, params};

use super::photos;
use super::staff::StaffMember;
use super::{IDEMPOTENCY_KEY_LIFETIME, Store, StoreError, enum_name, parse_enum};
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

/// Who is looking at a complaint, which decides what is masked and which actions are offered.
#[derive(Debug, Clone)]
pub enum Viewer {
    Resident,
    Staff(StaffMember),
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
}

impl Store {
    pub async fn file_complaint(&self, filing: NewFiling) -> Result<FilingOutcome, StoreError> {
        self.write(move |connection| file_idempotently(connection, &filing)).await
    }

    /// The complaint with this number, only if `phone` is the number it was filed with. A wrong
    /// pair and an unknown number give the same `None`, by the same single query.
    pub async fn lookup_complaint(
        &self,
        number: TrackingNumber,
        phone: PhoneNumber,
        now: DateTime<Utc>,
    ) -> Result<Option<ComplaintView>, StoreError> {
        let policy = self.policy;
        self.read(move |connection| {
            let id = connection
                .prepare_cached("SELECT id FROM complaints WHERE tracking_number = ?1 AND phone = ?2")?
                .query_row(params![number.as_str(), phone.as_str()], |row| row.get(0))
                .optional()?;
            id.map(|id| load_view(connection, id, &Viewer::Resident, now, &policy)).transpose()
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
        let policy = self.policy;
        self.read(move |connection| {
            complaint_id_for_token(connection, &number, &token, now)?
                .map(|id| load_view(connection, id, &Viewer::Resident, now, &policy))
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
                if let Some(id) = complaint_id_for_token(connection, number, token, now)? {
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
        let policy = self.policy;
        self.write(move |connection| {
            let Some(id) = complaint_id_for_token(connection, &number, &token, now)? else {
                return Ok(ActionOutcome::NotFound);
            };
            let actor = Actor { party: Party::Resident, role: ActorRole::Resident, unit: None };
            let applied = apply_action(connection, id, &actor, &input, now, &policy)?;
            ActionOutcome::from_applied(applied, || load_view(connection, id, &Viewer::Resident, now, &policy))
        })
        .await
    }
}

/// The complaint with this number if `token` opens it: its own access token, or the session of
/// a resident signed in with the phone number it was filed with.
fn complaint_id_for_token(
    connection: &Connection,
    number: &TrackingNumber,
    token: &str,
    now: DateTime<Utc>,
) -> Result<Option<i64>, StoreError> {
    let hash = secrets::sha256(token.as_bytes());
    Ok(connection
        .prepare_cached(
            "SELECT c.id FROM complaints c
             WHERE c.tracking_number = ?2
               AND (EXISTS (SELECT 1 FROM complaint_access a WHERE a.complaint_id = c.id AND a.token_hash = ?1)
                    OR c.phone = (SELECT s.phone FROM sessions s WHERE s.token_hash = ?1 AND s.expires_at > ?3))",
        )?
        .query_row(params![hash.as_slice(), number.as_str(), now], |row| row.get(0))
        .optional()?)
}

fn file_idempotently(connection: &Connection, filing: &NewFiling) -> Result<FilingOutcome, StoreError> {
    let key_hash = secrets::sha256(format!("idempotency:{}", filing.idempotency_key).as_bytes());
    // A key older than the lifetime is forgotten even before housekeeping removes it.
    let seen: Option<(Vec<u8>, i64)> = connection
        .prepare_cached(
            "SELECT request_hash, complaint_id FROM idempotency_keys WHERE key_hash = ?1 AND created_at >= ?2",
        )?
        .query_row(params![key_hash.as_slice(), filing.filed_at - IDEMPOTENCY_KEY_LIFETIME], |row| {
            Ok((row.get(0)?, row.get(1)?))
        })
        .optional()?;
    if let Some((request_hash, complaint_id)) = seen {
        if request_hash != filing.request_hash {
            return Ok(FilingOutcome::KeyReused);
        }
        return Ok(FilingOutcome::Replayed(receipt(connection, complaint_id, &filing.idempotency_key)?));
    }
    let outcome = insert_complaint(connection, &filing.complaint, filing.filed_at, &filing.idempotency_key)?;
    if let FilingOutcome::Filed(receipt) = &outcome {
        let id: i64 = connection.query_row(
            "SELECT id FROM complaints WHERE tracking_number = ?1",
            [receipt.tracking_number.as_str()],
            |row| row.get(0),
        )?;
        connection.execute(
            "INSERT OR REPLACE INTO idempotency_keys (key_hash, request_hash, complaint_id, created_at)
             VALUES (?1, ?2, ?3, ?4)",
            params![key_hash.as_slice(), filing.request_hash.as_slice(), id, filing.filed_at],
        )?;
    }
    Ok(outcome)
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

fn category_rules(connection: &Connection, category_id: i64) -> rusqlite::Result<Option<CategoryRules>> {
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
) -> Result<FilingOutcome, StoreError> {
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
        return Ok(FilingOutcome::Rejected(errors));
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
    for _ in 0..TRACKING_NUMBER_ATTEMPTS {
        let number = TrackingNumber::new(date, rand::random());
        let inserted = connection.execute(
            "INSERT INTO complaints (tracking_number, community_id, category_id, location, description, contact_name,
                 phone, hide_identity_from_property, status, handler_role, filed_at, updated_at, consented_at,
                 sign_due_at, resolve_due_at)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11, ?11, ?12, ?13)
             ON CONFLICT (tracking_number) DO NOTHING",
            params![
                number.as_str(),
                complaint.community_id,
                complaint.category_id,
                complaint.location,
                complaint.description,
                complaint.name,
                complaint.phone.as_str(),
                complaint.hide_identity_from_property,
                status.as_str(),
                enum_name(&handler),
                filed_at,
                sign_due_at,
                resolve_due_at,
            ],
        )?;
        if inserted == 1 {
            let id = connection.last_insert_rowid();
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
                    at: filed_at,
                    kind: EventKind::Filed,
                    actor: ActorRole::Resident,
                    unit: None,
                    note: None,
                    rating: None,
                    photos: complaint.photo_ids.clone(),
                },
            )?;
            return Ok(FilingOutcome::Filed(FiledComplaint {
                tracking_number: number,
                status,
                filed_at,
                sign_due_at,
                resolve_due_at,
                access_token,
            }));
        }
    }
    Err(StoreError::Database("no free tracking number after several attempts".into()))
}

/// Appends an event with its photos.
pub(crate) fn append_event(connection: &Connection, complaint_id: i64, event: &TimelineEvent) -> rusqlite::Result<()> {
    connection
        .prepare_cached(
            "INSERT INTO complaint_events (complaint_id, at, kind, actor, unit, note, rating_solved, rating_satisfaction)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
        )?
        .execute(params![
            complaint_id,
            event.at,
            enum_name(&event.kind),
            enum_name(&event.actor),
            event.unit,
            event.note,
            event.rating.map(|r| enum_name(&r.solved)),
            event.rating.map(|r| enum_name(&r.satisfaction)),
        ])?;
    photos::attach(connection, connection.last_insert_rowid(), &event.photos)
}

/// Who takes an action, as the timeline records it.
pub(crate) struct Actor {
    pub party: Party,
    pub role: ActorRole,
    pub unit: Option<String>,
}

/// Checks an action against the lifecycle and, if allowed, applies it with its side effects and
/// its timeline entry. When it is refused or invalid, nothing changes.
pub(crate) fn apply_action(
    connection: &Connection,
    complaint_id: i64,
    actor: &Actor,
    input: &ActionInput,
    now: DateTime<Utc>,
    policy: &Policy,
) -> Result<Result<(), ActionProblem>, StoreError> {
    let row = ComplaintRow::load(connection, complaint_id)?;
    let next = match lifecycle::check(input.action, actor.party, &row.facts(), now, policy) {
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
    match input.action {
        Action::Accept => {
            connection.execute("UPDATE complaints SET accepted_at = ?1 WHERE id = ?2", params![now, complaint_id])?;
        }
        Action::Resolve => {
            connection.execute("UPDATE complaints SET resolved_at = ?1 WHERE id = ?2", params![now, complaint_id])?;
        }
        Action::Reopen => {
            // A new round of handling gets a new resolution deadline.
            let resolve_due_at = due_at(now, row.resolve_rule, &Weekdays);
            connection.execute(
                "UPDATE complaints SET resolved_at = NULL, resolve_due_at = ?1 WHERE id = ?2",
                params![resolve_due_at, complaint_id],
            )?;
        }
        Action::Transfer => {
            // The new unit must sign for it, within a fresh signing deadline.
            let handler = input.transfer_to.unwrap_or(row.handler_role);
            let sign_due_at = due_at(now, row.sign_rule, &Weekdays);
            connection.execute(
                "UPDATE complaints SET handler_role = ?1, accepted_at = NULL, sign_due_at = ?2 WHERE id = ?3",
                params![enum_name(&handler), sign_due_at, complaint_id],
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
    append_event(
        connection,
        complaint_id,
        &TimelineEvent {
            at: now,
            kind: input.action.event_kind(),
            actor: actor.role,
            unit: actor.unit.clone(),
            note: input.note.clone(),
            rating: input.rating,
            photos: input.photo_ids.clone(),
        },
    )?;
    Ok(Ok(()))
}

pub(crate) fn close_settled(connection: &Connection, now: DateTime<Utc>, policy: &Policy) -> Result<usize, StoreError> {
    let settled: Vec<i64> = connection
        .prepare_cached("SELECT id FROM complaints WHERE status IN ('resolved', 'rated') AND resolved_at < ?1")?
        .query_map([now - policy.reopen_window], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    let system = Actor { party: Party::System, role: ActorRole::System, unit: None };
    let close =
        ActionInput { action: Action::Close, note: None, rating: None, transfer_to: None, photo_ids: Vec::new() };
    let mut closed = 0;
    for id in settled {
        if apply_action(connection, id, &system, &close, now, policy)?.is_ok() {
            closed += 1;
        }
    }
    Ok(closed)
}

/// The columns a view and the lifecycle need, from one query.
pub(crate) struct ComplaintRow {
    pub tracking_number: TrackingNumber,
    status: ComplaintStatus,
    filed_at: DateTime<Utc>,
    updated_at: DateTime<Utc>,
    community: String,
    pub street: String,
    property_company: String,
    pub property_company_id: i64,
    category: LocalizedText,
    location: String,
    description: String,
    contact_name: String,
    phone: String,
    hide_identity_from_property: bool,
    pub handler_role: HandlerRole,
    sign_due_at: DateTime<Utc>,
    resolve_due_at: DateTime<Utc>,
    accepted_at: Option<DateTime<Utc>>,
    resolved_at: Option<DateTime<Utc>>,
    last_urged_at: Option<DateTime<Utc>>,
    sign_rule: DeadlineRule,
    resolve_rule: DeadlineRule,
}

impl ComplaintRow {
    pub(crate) const SELECT: &'static str =
        "SELECT c.tracking_number, c.status, c.filed_at, c.updated_at, m.name, m.street, p.name, p.id,
                k.name_zh, k.name_en, c.location, c.description, c.contact_name, c.phone,
                c.hide_identity_from_property, c.handler_role, c.sign_due_at, c.resolve_due_at, c.accepted_at,
                c.resolved_at, c.last_urged_at, k.sign_unit, k.sign_amount, k.resolve_unit, k.resolve_amount
         FROM complaints c
         JOIN communities m ON m.id = c.community_id
         JOIN property_companies p ON p.id = m.property_company_id
         JOIN categories k ON k.id = c.category_id";

    pub(crate) fn load(connection: &Connection, id: i64) -> Result<Self, StoreError> {
        let sql = format!("{} WHERE c.id = ?1", Self::SELECT);
        Ok(connection.prepare_cached(&sql)?.query_row([id], Self::from_row)?)
    }

    pub(crate) fn from_row(row: &Row<'_>) -> rusqlite::Result<Self> {
        let number: String = row.get(0)?;
        let status: String = row.get(1)?;
        let handler: String = row.get(15)?;
        Ok(Self {
            tracking_number: TrackingNumber::parse(&number)
                .unwrap_or_else(|| TrackingNumber::new(Default::default(), 0)),
            status: ComplaintStatus::from_str_opt(&status).unwrap_or(ComplaintStatus::Submitted),
            filed_at: row.get(2)?,
            updated_at: row.get(3)?,
            community: row.get(4)?,
            street: row.get(5)?,
            property_company: row.get(6)?,
            property_company_id: row.get(7)?,
            category: LocalizedText { zh: row.get(8)?, en: row.get(9)? },
            location: row.get(10)?,
            description: row.get(11)?,
            contact_name: row.get(12)?,
            phone: row.get(13)?,
            hide_identity_from_property: row.get(14)?,
            handler_role: parse_enum(&handler).unwrap_or(HandlerRole::PropertyCompany),
            sign_due_at: row.get(16)?,
            resolve_due_at: row.get(17)?,
            accepted_at: row.get(18)?,
            resolved_at: row.get(19)?,
            last_urged_at: row.get(20)?,
            sign_rule: deadline_rule(&row.get::<_, String>(21)?, row.get(22)?),
            resolve_rule: deadline_rule(&row.get::<_, String>(23)?, row.get(24)?),
        })
    }

    pub(crate) fn facts(&self) -> ComplaintFacts {
        ComplaintFacts {
            status: self.status,
            resolved_at: self.resolved_at,
            last_urged_at: self.last_urged_at,
            sign_due_at: self.sign_due_at,
            resolve_due_at: self.resolve_due_at,
        }
    }

    /// The name of the unit holding the complaint now.
    pub(crate) fn handling_unit(&self) -> String {
        match self.handler_role {
            HandlerRole::PropertyCompany => self.property_company.clone(),
            HandlerRole::CommunityOffice => format!("{}办事处", self.street),
        }
    }

    /// A withdrawn or closed complaint waits for nobody.
    fn clocks_stopped(&self) -> bool {
        matches!(self.status, ComplaintStatus::Withdrawn | ComplaintStatus::Closed)
    }

    pub(crate) fn sign_deadline(&self, now: DateTime<Utc>) -> Deadline {
        Deadline::at(self.sign_due_at, self.accepted_at, self.clocks_stopped(), now)
    }

    pub(crate) fn resolve_deadline(&self, now: DateTime<Utc>) -> Deadline {
        Deadline::at(self.resolve_due_at, self.resolved_at, self.clocks_stopped(), now)
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
        }
    }
}

/// The party a viewer is for this complaint, or `None` if they may not see it at all.
pub(crate) fn party_of(viewer: &Viewer, row: &ComplaintRow) -> Option<Party> {
    match viewer {
        Viewer::Resident => Some(Party::Resident),
        Viewer::Staff(staff) => staff.party_for(row),
    }
}

pub(crate) fn load_view(
    connection: &Connection,
    id: i64,
    viewer: &Viewer,
    now: DateTime<Utc>,
    policy: &Policy,
) -> Result<ComplaintView, StoreError> {
    let row = ComplaintRow::load(connection, id)?;
    let party = party_of(viewer, &row).unwrap_or(Party::Resident);
    // Only the unit handling the complaint sees who filed it, and the property company not even
    // that when the resident asked for it (对物业公司保密).
    let identity_shown = party == Party::HandlingUnit
        && !(row.hide_identity_from_property && row.handler_role == HandlerRole::PropertyCompany);
    let identity_hidden = party == Party::HandlingUnit && !identity_shown;
    let phone = if identity_shown {
        row.phone.clone()
    } else if identity_hidden {
        String::new()
    } else {
        mask_phone(&row.phone)
    };
    let name = match (row.contact_name.is_empty(), identity_shown, identity_hidden) {
        (true, _, _) | (false, _, true) => None,
        (false, true, _) => Some(row.contact_name.clone()),
        (false, false, false) => Some(mask_name(&row.contact_name)),
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
        available_actions: lifecycle::available_actions(party, &row.facts(), now, policy),
        timeline: timeline(connection, id)?,
    })
}

fn timeline(connection: &Connection, complaint_id: i64) -> rusqlite::Result<Vec<TimelineEvent>> {
    let mut attached: Vec<(i64, String)> = connection
        .prepare_cached(
            "SELECT p.event_id, p.photo_id FROM event_photos p JOIN complaint_events e ON e.id = p.event_id
             WHERE e.complaint_id = ?1 ORDER BY p.event_id, p.position",
        )?
        .query_map([complaint_id], |row| Ok((row.get(0)?, row.get(1)?)))?
        .collect::<Result<_, _>>()?;
    let mut events = connection.prepare_cached(
        "SELECT at, kind, actor, unit, note, rating_solved, rating_satisfaction, id
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
            })
        })?
        .collect()
}
