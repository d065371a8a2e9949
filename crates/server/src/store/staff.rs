//! Staff accounts, their sessions, their work lists and their actions.

use chrono::{DateTime, Duration, Utc};
use mashang_model::lifecycle::Party;
use mashang_model::{ActorRole, ComplaintSummary, HandlerRole, StaffRole, StaffSession, TrackingNumber};
use rusqlite::{Connection, OptionalExtension, params};

use super::complaints::{ActionInput, ActionOutcome, Actor, ComplaintRow, Viewer, apply_action, load_view, party_of};
use super::{Store, StoreError, enum_name, parse_enum};
use crate::secrets;

/// A working day's shift; staff sign in again after it.
const SESSION_LENGTH: Duration = Duration::hours(12);
/// Work lists are capped; a unit with more open complaints pages through them (later).
const WORK_LIST_LIMIT: i64 = 200;

/// The city's housing bureau: it supervises every complaint.
pub const HOUSING_BUREAU: &str = "成都市住房和城乡建设局";

/// A signed-in member of staff and the organization they act for.
#[derive(Debug, Clone)]
pub struct StaffMember {
    pub id: i64,
    pub role: StaffRole,
    pub display_name: String,
    pub property_company_id: Option<i64>,
    pub street: Option<String>,
    pub organization: String,
}

impl StaffMember {
    /// Which party this person is for a complaint: its handling unit only if their organization
    /// holds it now; `None` when they may not see it.
    pub(crate) fn party_for(&self, row: &ComplaintRow) -> Option<Party> {
        match self.role {
            StaffRole::HousingBureau => Some(Party::Supervisor),
            StaffRole::PropertyCompany
                if row.handler_role == HandlerRole::PropertyCompany
                    && self.property_company_id == Some(row.property_company_id) =>
            {
                Some(Party::HandlingUnit)
            }
            StaffRole::CommunityOffice
                if row.handler_role == HandlerRole::CommunityOffice && self.street.as_deref() == Some(&row.street) =>
            {
                Some(Party::HandlingUnit)
            }
            _ => None,
        }
    }

    fn actor_role(&self) -> ActorRole {
        match self.role {
            StaffRole::PropertyCompany => ActorRole::PropertyCompany,
            StaffRole::CommunityOffice => ActorRole::CommunityOffice,
            StaffRole::HousingBureau => ActorRole::HousingBureau,
        }
    }
}

/// A new staff account, for seeding and administration.
pub struct NewStaff<'a> {
    pub username: &'a str,
    pub password_hash: &'a str,
    pub role: StaffRole,
    pub display_name: &'a str,
    pub property_company_id: Option<i64>,
    pub street: Option<&'a str>,
}

pub(crate) fn insert_staff(connection: &Connection, staff: &NewStaff<'_>) -> rusqlite::Result<()> {
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

const STAFF_SELECT: &str = "SELECT s.id, s.role, s.display_name, s.property_company_id, s.street, p.name
     FROM staff s LEFT JOIN property_companies p ON p.id = s.property_company_id";

fn staff_from_row(row: &rusqlite::Row<'_>) -> rusqlite::Result<StaffMember> {
    let role: String = row.get(1)?;
    let role = parse_enum(&role).unwrap_or(StaffRole::PropertyCompany);
    let street: Option<String> = row.get(4)?;
    let company: Option<String> = row.get(5)?;
    let organization = match role {
        StaffRole::PropertyCompany => company.unwrap_or_default(),
        StaffRole::CommunityOffice => format!("{}办事处", street.clone().unwrap_or_default()),
        StaffRole::HousingBureau => HOUSING_BUREAU.to_owned(),
    };
    Ok(StaffMember {
        id: row.get(0)?,
        role,
        display_name: row.get(2)?,
        property_company_id: row.get(3)?,
        street,
        organization,
    })
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

    pub async fn create_staff_session(&self, staff_id: i64, now: DateTime<Utc>) -> Result<StaffSession, StoreError> {
        self.write(move |connection| {
            let token = secrets::random_token();
            let expires_at = now + SESSION_LENGTH;
            connection.execute(
                "INSERT INTO sessions (token_hash, staff_id, expires_at) VALUES (?1, ?2, ?3)",
                params![secrets::sha256(token.as_bytes()).as_slice(), staff_id, expires_at],
            )?;
            connection.execute("DELETE FROM sessions WHERE expires_at < ?1", [now])?;
            let staff = connection
                .prepare_cached(&format!("{STAFF_SELECT} WHERE s.id = ?1"))?
                .query_row([staff_id], staff_from_row)?;
            Ok(StaffSession {
                token,
                expires_at,
                role: staff.role,
                display_name: staff.display_name,
                organization: staff.organization,
            })
        })
        .await
    }

    pub async fn staff_for_session(
        &self,
        token: String,
        now: DateTime<Utc>,
    ) -> Result<Option<StaffMember>, StoreError> {
        self.read(move |connection| {
            let sql = format!(
                "{STAFF_SELECT} JOIN sessions x ON x.staff_id = s.id WHERE x.token_hash = ?1 AND x.expires_at > ?2"
            );
            Ok(connection
                .prepare_cached(&sql)?
                .query_row(params![secrets::sha256(token.as_bytes()).as_slice(), now], staff_from_row)
                .optional()?)
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

    pub async fn staff_complaint(
        &self,
        staff: StaffMember,
        number: TrackingNumber,
        now: DateTime<Utc>,
    ) -> Result<Option<mashang_model::ComplaintView>, StoreError> {
        let policies = self.policies;
        self.read(move |connection| {
            let Some(id) = visible_complaint(connection, &staff, &number)? else { return Ok(None) };
            Ok(Some(load_view(connection, id, &Viewer::Staff(staff), now, &policies)?))
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
        let policies = self.policies;
        self.write(move |connection| {
            let Some(id) = visible_complaint(connection, &staff, &number)? else {
                return Ok(ActionOutcome::NotFound);
            };
            let row = ComplaintRow::load(connection, id)?;
            let party = staff.party_for(&row).unwrap_or(Party::Supervisor);
            let actor = Actor { party, role: staff.actor_role(), unit: Some(staff.organization.clone()) };
            let applied = apply_action(connection, id, &actor, &input, now, &policies)?;
            ActionOutcome::from_applied(applied, || load_view(connection, id, &Viewer::Staff(staff), now, &policies))
        })
        .await
    }
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
