//! Staff accounts, their sessions, their queues and boards, and their actions.

use crate::store::db::{self, Connection, OptionalExtension};
use chrono::{DateTime, Duration, Utc};
use mashang_model::deadline::Deadline;
use mashang_model::escalation::{Card, Level};
use mashang_model::lifecycle::Party;
use mashang_model::staff::{AuditKind, BoardRow, Queue, QueueItem, QueueQuery, ReplyTemplate, RevealedContact};
use mashang_model::{ComplaintStatus, ComplaintSummary, LocalizedText, StaffRole, TrackingNumber};
use rusqlite::params;

use super::audit::{self, AuditRecord};
use super::complaints::{ActionInput, ActionOutcome, Actor, ComplaintRow, apply_action, load_view, party_of};
use super::time::{optional_time_at, time_at};
use super::viewer::Viewer;
pub use super::viewer::{HOUSING_BUREAU, StaffMember};
use super::{Store, StoreError, enum_name, parse_enum};
use crate::secrets;

/// A working day's shift; staff sign in again after it, however busy they were.
const SESSION_LENGTH: Duration = Duration::hours(STAFF_SESSION_SECONDS / 3600);
/// The session cookie's lifetime; the server ends idle sessions sooner.
pub const STAFF_SESSION_SECONDS: i64 = 12 * 3600;
/// The old work list is capped; the queue pages instead.
const WORK_LIST_LIMIT: i64 = 200;
/// An idle session's expiry is pushed forward at most this often, so reading the queue every few
/// seconds does not write to the database every few seconds.
const TOUCH_EVERY: Duration = Duration::minutes(1);

/// A new staff account, for seeding and administration.
pub struct NewStaff<'a> {
    pub username: &'a str,
    pub password_hash: &'a str,
    pub role: StaffRole,
    pub display_name: &'a str,
    pub property_company_id: Option<i64>,
    pub street: Option<&'a str>,
}

pub(crate) fn insert_staff(connection: &Connection, staff: &NewStaff<'_>) -> db::Result<()> {
    connection.execute(
        "INSERT INTO staff (username, password_hash, role, display_name, property_company_id, street)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            staff.username,
            staff.password_hash,
            enum_name(&staff.role),
            staff.display_name,
            staff.property_company_id,
            staff.street
        ],
    )?;
    Ok(())
}

const STAFF_SELECT: &str = "SELECT s.id, s.role, s.display_name, s.property_company_id, s.street, p.name, s.username
     FROM staff s LEFT JOIN property_companies p ON p.id = s.property_company_id";

/// A member of staff from [`STAFF_SELECT`]'s columns, starting at column `at`.
fn staff_from_row(row: &db::Row<'_>, at: usize) -> db::Result<StaffMember> {
    let role: String = row.get(at + 1)?;
    let role = parse_enum(&role).unwrap_or(StaffRole::PropertyCompany);
    let street: Option<String> = row.get(at + 4)?;
    let company: Option<String> = row.get(at + 5)?;
    let organization = match role {
        StaffRole::PropertyCompany => company.unwrap_or_default(),
        StaffRole::CommunityOffice => format!("{}办事处", street.clone().unwrap_or_default()),
        StaffRole::HousingBureau => HOUSING_BUREAU.to_owned(),
    };
    Ok(StaffMember {
        id: row.get(at)?,
        username: row.get(at + 6)?,
        role,
        display_name: row.get(at + 2)?,
        property_company_id: row.get(at + 3)?,
        street,
        organization,
    })
}

/// A session as it is created: the secrets go to the client once and are kept only as hashes.
pub struct NewSession {
    pub token: String,
    pub csrf_token: String,
    pub expires_at: DateTime<Utc>,
    pub staff: StaffMember,
}

/// A signed-in session found by its token.
pub struct ActiveSession {
    pub staff: StaffMember,
    /// `None` for sessions opened before the workbench, which only bearer clients hold.
    pub csrf_token: Option<String>,
    pub expires_at: DateTime<Utc>,
}

/// Which complaints a list covers: those the unit holds, or also those it supervises.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Scope {
    Held,
    Supervised,
}

impl Store {
    /// The account's id and password hash, to check a sign-in.
    pub async fn staff_credentials(&self, username: String) -> Result<Option<(i64, String)>, StoreError> {
        self.read(move |connection| {
            Ok(connection
                .prepare_cached("SELECT id, password_hash FROM staff WHERE username = ?1")?
                .query_row([username], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()?)
        })
        .await
    }

    /// Opens a session that ends after `idle` without use, and after a working day in any case.
    pub async fn create_staff_session(
        &self,
        staff_id: i64,
        now: DateTime<Utc>,
        idle: Duration,
    ) -> Result<NewSession, StoreError> {
        self.write(move |connection| {
            let token = secrets::random_token();
            let csrf_token = secrets::random_token();
            let ends_at = now + SESSION_LENGTH;
            let expires_at = (now + idle).min(ends_at);
            connection.execute(
                "INSERT INTO sessions (token_hash, staff_id, expires_at, csrf_token, ends_at) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![
                    secrets::sha256(token.as_bytes()).as_slice(),
                    staff_id,
                    expires_at,
                    csrf_token,
                    ends_at
                ],
            )?;
            connection.execute("DELETE FROM sessions WHERE expires_at < ?1", [now])?;
            let staff = connection
                .prepare_cached(&format!("{STAFF_SELECT} WHERE s.id = ?1"))?
                .query_row([staff_id], |row| staff_from_row(row, 0))?;
            audit::append(connection, &AuditRecord::new(&staff, now, AuditKind::SignedIn))?;
            Ok(NewSession { token, csrf_token, expires_at, staff })
        })
        .await
    }

    pub async fn staff_for_session(
        &self,
        token: String,
        now: DateTime<Utc>,
    ) -> Result<Option<ActiveSession>, StoreError> {
        self.read(move |connection| {
            let sql = STAFF_SELECT.replacen("SELECT ", "SELECT x.csrf_token, x.expires_at, ", 1)
                + " JOIN sessions x ON x.staff_id = s.id WHERE x.token_hash = ?1 AND x.expires_at > ?2";
            Ok(connection
                .prepare_cached(&sql)?
                .query_row(params![secrets::sha256(token.as_bytes()).as_slice(), now], |row| {
                    Ok(ActiveSession {
                        staff: staff_from_row(row, 2)?,
                        csrf_token: row.get(0)?,
                        expires_at: row.get(1)?,
                    })
                })
                .optional()?)
        })
        .await
    }

    /// Pushes an idle session's expiry forward after use, never past the end of its working day.
    pub async fn touch_staff_session(
        &self,
        token: String,
        expires_at: DateTime<Utc>,
        now: DateTime<Utc>,
        idle: Duration,
    ) -> Result<(), StoreError> {
        if now + idle - expires_at < TOUCH_EVERY {
            return Ok(());
        }
        self.write(move |connection| {
            connection.execute(
                "UPDATE sessions SET expires_at = CASE WHEN ends_at < ?2 THEN ends_at ELSE ?2 END
                 WHERE token_hash = ?1 AND expires_at > ?3",
                params![secrets::sha256(token.as_bytes()).as_slice(), now + idle, now],
            )?;
            Ok(())
        })
        .await
    }

    pub async fn end_staff_session(
        &self,
        token: String,
        staff: StaffMember,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        self.write(move |connection| {
            connection.execute(
                "DELETE FROM sessions WHERE token_hash = ?1",
                [secrets::sha256(token.as_bytes()).as_slice()],
            )?;
            audit::append(connection, &AuditRecord::new(&staff, now, AuditKind::SignedOut))?;
            Ok(())
        })
        .await
    }

    /// The open complaints this member of staff handles (all, for a supervisor), oldest first.
    pub async fn staff_work_list(
        &self,
        staff: StaffMember,
        now: DateTime<Utc>,
    ) -> Result<Vec<ComplaintSummary>, StoreError> {
        self.read(move |connection| {
            let sql = format!(
                "{} WHERE c.status NOT IN ('rated', 'closed', 'withdrawn')
                   AND (?1 = 'housing_bureau'
                        OR (?1 = 'property_company' AND c.handler_role = 'property_company' AND p.id = ?2)
                        OR (?1 = 'community_office' AND c.handler_role = 'community_office' AND m.street = ?3))
                 ORDER BY c.filed_at LIMIT ?4",
                ComplaintRow::SELECT
            );
            let mut statement = connection.prepare_cached(&sql)?;
            let rows = statement.query_map(
                params![enum_name(&staff.role), staff.property_company_id, staff.street, WORK_LIST_LIMIT],
                ComplaintRow::from_row,
            )?;
            Ok(rows.map(|row| row.map(|row| row.summary(now))).collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    /// The queue: the unit's open complaints in scope, filtered, counted, ordered and paged by the
    /// contract's rules ([`Queue::build`]). Thousands of rows are ordered to return a page of a
    /// hundred, so the rows are read without their community's and category's names (no copies,
    /// no joins), and only the page's names are read afterwards.
    pub async fn staff_queue(
        &self,
        staff: StaffMember,
        scope: Scope,
        query: QueueQuery,
        now: DateTime<Utc>,
    ) -> Result<Queue, StoreError> {
        self.read(move |connection| {
            let sql = format!("SELECT {QUEUE_COLUMNS} {}", open_in_scope(&staff, scope, false));
            let mut statement = connection.prepare_cached(&sql)?;
            let rows = statement.query_map(&scope_params(&staff, &query)[..], |row| unnamed_queue_item(row, now))?;
            let mut queue = Queue::build(rows.collect::<Result<Vec<_>, _>>()?, &query);
            let mut names = connection.prepare_cached(
                "SELECT m.name, k.name_zh, k.name_en FROM complaints c
                 JOIN communities m ON m.id = c.community_id JOIN categories k ON k.id = c.category_id
                 WHERE c.tracking_number = ?1",
            )?;
            for item in &mut queue.items {
                let complaint = &mut item.complaint;
                (complaint.community, complaint.category) = names
                    .query_row([complaint.tracking_number.as_str()], |row| {
                        Ok((row.get(0)?, LocalizedText { zh: row.get(1)?, en: row.get(2)? }))
                    })?;
            }
            Ok(queue)
        })
        .await
    }

    /// Every open complaint in scope that passes the query's category and community filters
    /// (a category matches its subcategories too), with where it is and whether the resident did
    /// something this person has not opened since. The queue's order, its other filters, counts
    /// and pages are the contract's ([`mashang_model::staff::Queue`]).
    pub async fn staff_open_complaints(
        &self,
        staff: StaffMember,
        scope: Scope,
        query: QueueQuery,
        now: DateTime<Utc>,
    ) -> Result<Vec<BoardRow>, StoreError> {
        self.read(move |connection| {
            let sql = format!("SELECT {QUEUE_COLUMNS}, {PLACE_COLUMNS} {}", open_in_scope(&staff, scope, true));
            let mut statement = connection.prepare_cached(&sql)?;
            let rows = statement.query_map(&scope_params(&staff, &query)[..], |row| open_complaint(row, now))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    /// A complaint as this member of staff sees it, marked read for them.
    pub async fn staff_complaint(
        &self,
        staff: StaffMember,
        number: TrackingNumber,
        now: DateTime<Utc>,
    ) -> Result<Option<mashang_model::ComplaintView>, StoreError> {
        let (policies, personal) = (self.policies, self.personal.clone());
        self.write(move |connection| {
            let Some(id) = visible_complaint(connection, &staff, &number)? else { return Ok(None) };
            connection.execute(
                "INSERT INTO staff_reads (staff_id, complaint_id, read_at) VALUES (?1, ?2, ?3)
                 ON CONFLICT (staff_id, complaint_id) DO UPDATE SET read_at = excluded.read_at",
                params![staff.id, id, now],
            )?;
            Ok(Some(load_view(connection, id, &Viewer::Staff(staff), now, &policies, &personal)?))
        })
        .await
    }

    /// The filer's phone and name, for the unit handling the complaint only (and not for the
    /// property company when the resident asked so); each reveal is written to the audit log.
    pub async fn reveal_contact(
        &self,
        staff: StaffMember,
        number: TrackingNumber,
        now: DateTime<Utc>,
    ) -> Result<Reveal, StoreError> {
        let personal = self.personal.clone();
        self.write(move |connection| {
            let Some(id) = visible_complaint(connection, &staff, &number)? else { return Ok(Reveal::NotFound) };
            let row = ComplaintRow::load(connection, id)?;
            let hidden =
                row.hide_identity_from_property && row.handler_role == mashang_model::HandlerRole::PropertyCompany;
            if staff.party_for(&row.held_by()) != Some(Party::HandlingUnit) || hidden {
                return Ok(Reveal::Forbidden);
            }
            let record = AuditRecord {
                tracking_number: Some(number.as_str().to_owned()),
                ..AuditRecord::new(&staff, now, AuditKind::RevealedContact)
            };
            audit::append(connection, &record)?;
            let (phone, name) = row.contact(&personal)?;
            Ok(Reveal::Shown(RevealedContact { phone, name }))
        })
        .await
    }

    /// The unit's reply templates, one per category at most.
    pub async fn reply_templates(&self, staff: StaffMember) -> Result<Vec<ReplyTemplate>, StoreError> {
        self.read(move |connection| {
            let mut statement = connection.prepare_cached(
                "SELECT category_id, text FROM reply_templates WHERE organization = ?1 ORDER BY category_id",
            )?;
            let rows = statement.query_map([&staff.organization], |row| {
                Ok(ReplyTemplate { category_id: row.get(0)?, text: row.get(1)? })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    /// Sets (or, with empty text, removes) the unit's reply for a category; `false` when the
    /// category does not exist.
    pub async fn save_reply_template(
        &self,
        staff: StaffMember,
        template: ReplyTemplate,
        now: DateTime<Utc>,
    ) -> Result<bool, StoreError> {
        self.write(move |connection| {
            let exists: bool = connection
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM categories WHERE id = ?1)")?
                .query_row([template.category_id], |row| row.get(0))?;
            if !exists {
                return Ok(false);
            }
            if template.text.is_empty() {
                connection.execute(
                    "DELETE FROM reply_templates WHERE organization = ?1 AND category_id = ?2",
                    params![staff.organization, template.category_id],
                )?;
            } else {
                connection.execute(
                    "INSERT INTO reply_templates (organization, category_id, text) VALUES (?1, ?2, ?3)
                     ON CONFLICT (organization, category_id) DO UPDATE SET text = excluded.text",
                    params![staff.organization, template.category_id, template.text],
                )?;
            }
            let detail = format!("category {}", template.category_id);
            audit::append(
                connection,
                &AuditRecord { detail, ..AuditRecord::new(&staff, now, AuditKind::TemplateChanged) },
            )?;
            Ok(true)
        })
        .await
    }

    pub async fn staff_action(
        &self,
        staff: StaffMember,
        number: TrackingNumber,
        input: ActionInput,
        now: DateTime<Utc>,
    ) -> Result<ActionOutcome, StoreError> {
        let (policies, personal) = (self.policies, self.personal.clone());
        self.write(move |connection| {
            let Some(id) = visible_complaint(connection, &staff, &number)? else {
                return Ok(ActionOutcome::NotFound);
            };
            let row = ComplaintRow::load(connection, id)?;
            let party = staff.party_for(&row.held_by()).unwrap_or(Party::Supervisor);
            let actor = Actor { party, role: staff.actor_role(), unit: Some(staff.organization.clone()) };
            let applied = apply_action(connection, id, &actor, &input, now, &policies)?;
            if applied.is_ok() {
                let record = AuditRecord {
                    tracking_number: Some(number.as_str().to_owned()),
                    detail: enum_name(&input.action),
                    ..AuditRecord::new(&staff, now, AuditKind::Action)
                };
                audit::append(connection, &record)?;
            }
            ActionOutcome::from_applied(applied, || {
                load_view(connection, id, &Viewer::Staff(staff), now, &policies, &personal)
            })
        })
        .await
    }
}

pub enum Reveal {
    Shown(RevealedContact),
    /// They may see the complaint but not who filed it.
    Forbidden,
    NotFound,
}

/// What a queue row shows, read by [`open_complaint`].
/// What ordering, filtering and counting the queue needs, all in the `complaints_queue` index.
const QUEUE_COLUMNS: &str = "c.tracking_number, c.status, c.filed_at, c.updated_at, c.sign_due_at, c.accepted_at,
    c.resolve_due_at, c.resolved_at, c.level, c.card, c.joins, c.resident_acted_at > COALESCE(r.read_at, '')";

/// What a board row adds to the queue's columns: where the complaint is and whether it repeats
/// another.
const PLACE_COLUMNS: &str = "m.name, k.name_zh, k.name_en, c.repeat_position, d.name, p.id, p.name";

/// The unit's open complaints, reached through its communities so that no one else's are read;
/// with `places`, also the category, district and company of each. Fixed fragments only: nothing a request
/// sends becomes SQL.
fn open_in_scope(staff: &StaffMember, scope: Scope, places: bool) -> String {
    let unit = match (staff.role, scope) {
        (StaffRole::HousingBureau, _) => "1 = 1",
        (StaffRole::PropertyCompany, _) => "m.property_company_id = ?2 AND c.handler_role = 'property_company'",
        (StaffRole::CommunityOffice, Scope::Held) => "m.street = ?3 AND c.handler_role = 'community_office'",
        (StaffRole::CommunityOffice, Scope::Supervised) => "m.street = ?3",
    };
    format!(
        "FROM communities m
         CROSS JOIN complaints c INDEXED BY complaints_queue ON c.community_id = m.id
         LEFT JOIN staff_reads r ON r.staff_id = ?1 AND r.complaint_id = c.id
         {places}
         WHERE {unit} AND c.status IN ('submitted', 'accepted', 'in_progress', 'needs_info')
           AND (CAST(?4 AS BIGINT) IS NULL OR c.category_id IN (SELECT id FROM categories WHERE id = ?4 OR parent_id = ?4))
           AND (CAST(?5 AS BIGINT) IS NULL OR m.id = ?5)",
        places = if places {
            "JOIN categories k ON k.id = c.category_id
             JOIN districts d ON d.id = m.district_id
             JOIN property_companies p ON p.id = m.property_company_id"
        } else {
            ""
        }
    )
}

fn scope_params<'a>(staff: &'a StaffMember, query: &'a QueueQuery) -> [&'a dyn rusqlite::ToSql; 5] {
    [&staff.id, &staff.property_company_id, &staff.street, &query.category_id, &query.community_id]
}

/// A queue row from [`QUEUE_COLUMNS`], its community and category still unnamed. A unit's queue
/// reads a few thousand of these per request, so short texts are read in place rather than
/// copied, and times through the store's own reader.
fn unnamed_queue_item(row: &db::Row<'_>, now: DateTime<Utc>) -> db::Result<QueueItem> {
    let text = |index: usize| -> db::Result<&str> { Ok(row.get_ref(index)?.as_str()?) };
    let status = ComplaintStatus::from_str_opt(text(1)?).unwrap_or(ComplaintStatus::Submitted);
    let deadline = |due: usize, done: usize| -> db::Result<Deadline> {
        Ok(Deadline::at(time_at(row, due)?, optional_time_at(row, done)?, status.stops_clocks(), now))
    };
    let complaint = ComplaintSummary {
        tracking_number: TrackingNumber::parse(text(0)?).unwrap_or_else(|| TrackingNumber::new(Default::default(), 0)),
        status,
        filed_at: time_at(row, 2)?,
        updated_at: time_at(row, 3)?,
        community: String::new(),
        category: LocalizedText { zh: String::new(), en: String::new() },
        sign_deadline: deadline(4, 5)?,
        resolve_deadline: deadline(6, 7)?,
        level: Level::from_str_opt(text(8)?).unwrap_or_default(),
        card: Card::from_str_opt(text(9)?).unwrap_or_default(),
        // The queue does not say where a complaint came from; its view does.
        from_hotline: false,
    };
    Ok(QueueItem { complaint, unread: row.get::<_, Option<bool>>(11)?.unwrap_or(false), joins: row.get(10)? })
}

/// A board row from [`QUEUE_COLUMNS`] and [`PLACE_COLUMNS`].
fn open_complaint(row: &db::Row<'_>, now: DateTime<Utc>) -> db::Result<BoardRow> {
    let mut item = unnamed_queue_item(row, now)?;
    let community: String = row.get(12)?;
    item.complaint.community = community.clone();
    item.complaint.category = LocalizedText { zh: row.get(13)?, en: row.get(14)? };
    Ok(BoardRow {
        item,
        repeat: row.get::<_, u32>(15)? > 1,
        district: row.get(16)?,
        company_id: row.get(17)?,
        company: row.get(18)?,
        community,
    })
}

/// The complaint's id if this member of staff may see it.
fn visible_complaint(
    connection: &Connection,
    staff: &StaffMember,
    number: &TrackingNumber,
) -> Result<Option<i64>, StoreError> {
    let id: Option<i64> = connection
        .prepare_cached("SELECT id FROM complaints WHERE tracking_number = ?1")?
        .query_row([number.as_str()], |row| row.get(0))
        .optional()?;
    let Some(id) = id else { return Ok(None) };
    let row = ComplaintRow::load(connection, id)?;
    Ok(party_of(&Viewer::Staff(staff.clone()), &row).map(|_| id))
}
