//! What Open311 GeoReport v2 shows of complaints: the public facts of each (its service, place,
//! stage, unit and times), never a name, a phone number, a room or a photo. A description is
//! shown only where its filer let neighbours see the complaint.

use crate::store::db::{Connection, params_from_iter};
use chrono::{DateTime, Utc};
use mashang_model::ComplaintStatus;
use mashang_model::escalation::{Card, Level};
use rusqlite::ToSql;
use serde::Serialize;

use super::{Store, StoreError};

/// The most requests one answer lists (GeoReport's default cap).
pub const OPEN311_MAX_REQUESTS: usize = 1000;
/// Without dates, requests filed in this many days are listed (GeoReport's default).
pub const OPEN311_DEFAULT_DAYS: i64 = 90;

/// A search of `requests.json`; every filter is optional.
#[derive(Debug, Default, Clone)]
pub struct RequestSearch {
    pub numbers: Vec<String>,
    pub categories: Vec<i64>,
    pub since: Option<DateTime<Utc>>,
    pub until: Option<DateTime<Utc>>,
    /// Only open (`Some(true)`) or only closed (`Some(false)`) ones.
    pub open: Option<bool>,
}

/// One complaint as Open311 shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PublicRequest {
    pub tracking_number: String,
    pub status: ComplaintStatus,
    pub category_id: i64,
    pub category: String,
    pub description: Option<String>,
    pub agency: String,
    pub community: String,
    pub street: String,
    pub district: String,
    pub filed_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub resolve_due_at: DateTime<Utc>,
    pub level: Level,
    pub card: Card,
}

/// One step of one complaint, for FixMyStreet's `servicerequestupdates`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicUpdate {
    pub id: i64,
    pub tracking_number: String,
    pub at: DateTime<Utc>,
    pub kind: String,
    pub actor: String,
    pub unit: Option<String>,
}

impl Store {
    /// Every community as `(id, "区名 小区名")`, for the community attribute's values.
    pub async fn community_choices(&self) -> Result<Vec<(i64, String)>, StoreError> {
        self.read(|connection| {
            let mut statement = connection.prepare_cached(
                "SELECT c.id, d.name || ' ' || c.name FROM communities c JOIN districts d ON d.id = c.district_id
                 ORDER BY d.id, c.name",
            )?;
            let rows = statement.query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }

    /// Complaints matching `search`, newest first, at most [`OPEN311_MAX_REQUESTS`].
    pub async fn public_requests(&self, search: RequestSearch) -> Result<Vec<PublicRequest>, StoreError> {
        self.read(move |connection| public_requests(connection, &search)).await
    }

    /// Every step taken between `since` and `until`, oldest first, at most
    /// [`OPEN311_MAX_REQUESTS`].
    pub async fn public_updates(
        &self,
        since: DateTime<Utc>,
        until: DateTime<Utc>,
    ) -> Result<Vec<PublicUpdate>, StoreError> {
        self.read(move |connection| {
            let mut statement = connection.prepare_cached(
                "SELECT e.id, c.tracking_number, e.at, e.kind, e.actor, e.unit
                 FROM complaint_events e JOIN complaints c ON c.id = e.complaint_id
                 WHERE e.at >= ?1 AND e.at <= ?2
                 ORDER BY e.at, e.id
                 LIMIT ?3",
            )?;
            let rows = statement.query_map(rusqlite::params![since, until, OPEN311_MAX_REQUESTS as i64], |row| {
                Ok(PublicUpdate {
                    id: row.get(0)?,
                    tracking_number: row.get(1)?,
                    at: row.get(2)?,
                    kind: row.get(3)?,
                    actor: row.get(4)?,
                    unit: row.get(5)?,
                })
            })?;
            Ok(rows.collect::<Result<Vec<_>, _>>()?)
        })
        .await
    }
}

fn public_requests(connection: &Connection, search: &RequestSearch) -> Result<Vec<PublicRequest>, StoreError> {
    let mut conditions = Vec::new();
    let mut values: Vec<Box<dyn ToSql>> = Vec::new();
    let mut any_of = |column: &str, items: Vec<Box<dyn ToSql>>, values: &mut Vec<Box<dyn ToSql>>| {
        conditions.push(format!("{column} IN ({})", vec!["?"; items.len()].join(", ")));
        values.extend(items);
    };
    if !search.numbers.is_empty() {
        let numbers = search.numbers.iter().map(|number| Box::new(number.clone()) as Box<dyn ToSql>).collect();
        any_of("c.tracking_number", numbers, &mut values);
    }
    if !search.categories.is_empty() {
        let categories = search.categories.iter().map(|id| Box::new(*id) as Box<dyn ToSql>).collect();
        any_of("c.category_id", categories, &mut values);
    }
    if let Some(open) = search.open {
        let statuses = [
            ComplaintStatus::Submitted,
            ComplaintStatus::Accepted,
            ComplaintStatus::InProgress,
            ComplaintStatus::NeedsInfo,
            ComplaintStatus::Resolved,
            ComplaintStatus::Rated,
            ComplaintStatus::Closed,
            ComplaintStatus::Withdrawn,
        ];
        let chosen = statuses
            .iter()
            .filter(|status| status.is_open() == open)
            .map(|status| Box::new(status.as_str()) as Box<dyn ToSql>)
            .collect();
        any_of("c.status", chosen, &mut values);
    }
    // Bound as times, so they compare in the stored form.
    for (bound, operator) in [(search.since, ">="), (search.until, "<=")] {
        if let Some(bound) = bound {
            conditions.push(format!("c.filed_at {operator} ?"));
            values.push(Box::new(bound));
        }
    }
    let filter = if conditions.is_empty() { String::new() } else { format!("WHERE {}", conditions.join(" AND ")) };
    let sql = format!(
        "SELECT c.tracking_number, c.status, c.category_id, k.name_zh, c.description, c.visible_to_neighbours,
                c.handler_role, p.name, m.street, m.name, d.name, c.filed_at, c.updated_at, c.resolve_due_at,
                c.level, c.card
         FROM complaints c
         JOIN communities m ON m.id = c.community_id
         JOIN districts d ON d.id = m.district_id
         JOIN property_companies p ON p.id = m.property_company_id
         JOIN categories k ON k.id = c.category_id
         {filter}
         ORDER BY c.filed_at DESC, c.id DESC
         LIMIT {OPEN311_MAX_REQUESTS}"
    );
    let mut statement = connection.prepare_cached(&sql)?;
    let rows = statement.query_map(params_from_iter(values.iter().map(AsRef::as_ref)), |row| {
        let status: String = row.get(1)?;
        let shared: bool = row.get(5)?;
        let handler: String = row.get(6)?;
        let street: String = row.get(8)?;
        Ok(PublicRequest {
            tracking_number: row.get(0)?,
            status: ComplaintStatus::from_str_opt(&status).unwrap_or(ComplaintStatus::Submitted),
            category_id: row.get(2)?,
            category: row.get(3)?,
            description: if shared { Some(row.get(4)?) } else { None },
            agency: if handler == "community_office" { format!("{street}办事处") } else { row.get(7)? },
            street,
            community: row.get(9)?,
            district: row.get(10)?,
            filed_at: row.get(11)?,
            updated_at: row.get(12)?,
            resolve_due_at: row.get(13)?,
            level: Level::from_str_opt(&row.get::<_, String>(14)?).unwrap_or_default(),
            card: Card::from_str_opt(&row.get::<_, String>(15)?).unwrap_or_default(),
        })
    })?;
    Ok(rows.collect::<Result<Vec<_>, _>>()?)
}
