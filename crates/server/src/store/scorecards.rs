//! Counting for the public scorecards. Only counts leave this module: no name, phone, photo or
//! tracking number. The rates, score and grade come from `mashang_model::scorecard`.
//!
//! Property complaints (物业类) count, filed within the period and not withdrawn: what the
//! company is answerable for.

use crate::store::db::{Connection, OptionalExtension};
use chrono::{DateTime, Utc};
use mashang_model::scorecard::{
    Period, PeriodScore, RankedCompany, Ranking, ScoreCounts, ScoreSubject, Scorecard, WEIGHTS,
};
use rusqlite::params;

use super::{Store, StoreError};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ScorecardError {
    UnknownSubject,
}

/// The counts, one query; `scope` is a condition on `m` (the community) with `?4` its value.
/// `CROSS JOIN` keeps SQLite starting from the few communities in scope and reading their
/// complaints of the period through `complaints_by_community`, rather than every complaint of
/// the period through the filing-time index.
const COUNTS: &str = "
    SELECT COUNT(*),
           COALESCE(SUM(c.first_accepted_at IS NOT NULL OR c.first_sign_due_at < ?3), 0),
           COALESCE(SUM(c.first_accepted_at IS NOT NULL AND c.first_accepted_at <= c.first_sign_due_at), 0),
           COALESCE(SUM(c.first_resolved_at IS NOT NULL), 0),
           COALESCE(SUM(c.first_resolved_at IS NOT NULL AND c.reopen_count = 0), 0),
           COALESCE(SUM(c.first_resolved_at IS NOT NULL OR c.first_resolve_due_at < ?3), 0),
           COALESCE(SUM(c.first_resolved_at IS NOT NULL AND c.first_resolved_at <= c.first_resolve_due_at), 0),
           COALESCE(SUM(c.satisfaction IS NOT NULL), 0),
           COALESCE(SUM(c.satisfaction IN ('satisfied', 'basically_satisfied')), 0),
           COALESCE(SUM(c.repeat_of IS NOT NULL), 0),
           COALESCE(SUM(c.yellow_carded), 0),
           COALESCE(SUM(c.red_carded), 0),
           COALESCE(SUM(c.status IN ('submitted', 'accepted', 'in_progress', 'needs_info')
                        AND (c.card <> 'none' OR c.level <> 'property_company')), 0)
    FROM communities m
    CROSS JOIN complaints c ON c.community_id = m.id AND c.filed_at >= ?1 AND c.filed_at < ?2
    JOIN categories k ON k.id = c.category_id
    WHERE k.kind = 'property' AND c.status <> 'withdrawn' AND ";

const SIGN_TIMES: &str = "
    SELECT c.filed_at, c.first_accepted_at
    FROM communities m
    CROSS JOIN complaints c ON c.community_id = m.id AND c.filed_at >= ?1 AND c.filed_at < ?2
    JOIN categories k ON k.id = c.category_id
    WHERE k.kind = 'property' AND c.status <> 'withdrawn' AND c.first_accepted_at IS NOT NULL AND ";

/// Which communities a scorecard covers.
#[derive(Clone, Copy)]
enum Scope<'a> {
    Company(i64),
    Community(i64),
    CompanyInDistrict(i64, &'a str),
}

impl Scope<'_> {
    fn condition(self) -> &'static str {
        match self {
            Self::Company(_) => "m.property_company_id = ?4",
            Self::Community(_) => "m.id = ?4",
            Self::CompanyInDistrict(..) => {
                "m.property_company_id = ?4 AND m.district_id = (SELECT id FROM districts WHERE name = ?5)"
            }
        }
    }

    fn id(self) -> i64 {
        match self {
            Self::Company(id) | Self::Community(id) | Self::CompanyInDistrict(id, _) => id,
        }
    }

    fn district(self) -> Option<String> {
        match self {
            Self::CompanyInDistrict(_, district) => Some(district.to_owned()),
            _ => None,
        }
    }
}

fn counts(
    connection: &Connection,
    scope: Scope<'_>,
    period: Period,
    now: DateTime<Utc>,
) -> Result<ScoreCounts, StoreError> {
    let (start, end) = (period.start(), period.end());
    let (id, district) = (scope.id(), scope.district().unwrap_or_default());
    let sql = format!("{COUNTS}{} AND ?5 = ?5", scope.condition());
    let mut counts = connection.prepare_cached(&sql)?.query_row(params![start, end, now, id, district], |row| {
        Ok(ScoreCounts {
            complaints: row.get(0)?,
            sign_settled: row.get(1)?,
            signed_on_time: row.get(2)?,
            resolved: row.get(3)?,
            resolved_without_reopen: row.get(4)?,
            resolve_settled: row.get(5)?,
            resolved_on_time: row.get(6)?,
            rated: row.get(7)?,
            satisfied: row.get(8)?,
            repeats: row.get(9)?,
            yellow_cards: row.get(10)?,
            red_cards: row.get(11)?,
            open_escalations: row.get(12)?,
            households: 0,
            median_sign_minutes: None,
        })
    })?;
    // Every statement binds the same five parameters; `?5 = ?5` keeps the count at five where
    // the scope has no district.
    let sql =
        format!("SELECT COALESCE(SUM(m.households), 0) FROM communities m WHERE {} AND ?5 = ?5", scope.condition());
    counts.households =
        connection.prepare_cached(&sql)?.query_row(params![start, end, now, id, district], |row| row.get(0))?;
    let sql = format!("{SIGN_TIMES}{} AND ?5 = ?5", scope.condition());
    let mut minutes: Vec<i64> = connection
        .prepare_cached(&sql)?
        .query_map(params![start, end, now, id, district], |row| {
            let filed: DateTime<Utc> = row.get(0)?;
            let accepted: DateTime<Utc> = row.get(1)?;
            Ok((accepted - filed).num_minutes().max(0))
        })?
        .collect::<Result<_, _>>()?;
    counts.median_sign_minutes = median(&mut minutes).and_then(|m| u32::try_from(m).ok());
    Ok(counts)
}

fn median(values: &mut [i64]) -> Option<i64> {
    if values.is_empty() {
        return None;
    }
    values.sort_unstable();
    let middle = values.len() / 2;
    Some(if values.len().is_multiple_of(2) { (values[middle - 1] + values[middle]) / 2 } else { values[middle] })
}

fn scorecard(
    connection: &Connection,
    subject: ScoreSubject,
    scope: Scope<'_>,
    period: Period,
    now: DateTime<Utc>,
) -> Result<Option<Scorecard>, StoreError> {
    let (name, context): (String, Vec<String>) = match subject {
        ScoreSubject::PropertyCompany => {
            let Some(name) = connection
                .prepare_cached("SELECT name FROM property_companies WHERE id = ?1")?
                .query_row([scope.id()], |row| row.get(0))
                .optional()?
            else {
                return Ok(None);
            };
            let communities = connection
                .prepare_cached("SELECT name FROM communities WHERE property_company_id = ?1 ORDER BY name")?
                .query_map([scope.id()], |row| row.get(0))?
                .collect::<Result<_, _>>()?;
            (name, communities)
        }
        ScoreSubject::Community => {
            let Some((name, company)) = connection
                .prepare_cached(
                    "SELECT m.name, p.name FROM communities m JOIN property_companies p ON p.id = m.property_company_id
                     WHERE m.id = ?1",
                )?
                .query_row([scope.id()], |row| Ok((row.get(0)?, row.get(1)?)))
                .optional()?
            else {
                return Ok(None);
            };
            (name, vec![company])
        }
    };
    let trend = period
        .trend()
        .into_iter()
        .map(|period| Ok(PeriodScore::new(period, counts(connection, scope, period, now)?)))
        .collect::<Result<Vec<_>, StoreError>>()?;
    let current = trend.last().cloned().unwrap_or_else(|| PeriodScore::new(period, ScoreCounts::default()));
    Ok(Some(Scorecard { subject, id: scope.id(), name, context, current, trend, weights: WEIGHTS }))
}

impl Store {
    /// A company's or a community's scorecard; `None` if there is no such one.
    pub async fn scorecard(
        &self,
        subject: ScoreSubject,
        id: i64,
        period: Period,
        now: DateTime<Utc>,
    ) -> Result<Option<Scorecard>, StoreError> {
        let scope = match subject {
            ScoreSubject::PropertyCompany => Scope::Company(id),
            ScoreSubject::Community => Scope::Community(id),
        };
        self.read(move |connection| scorecard(connection, subject, scope, period, now)).await
    }

    /// Every company (of a district, or the city) ranked for a period.
    pub async fn ranking(
        &self,
        period: Period,
        district: Option<String>,
        now: DateTime<Utc>,
    ) -> Result<Result<Ranking, ScorecardError>, StoreError> {
        self.read(move |connection| {
            if let Some(district) = &district {
                let known = connection.prepare_cached("SELECT 1 FROM districts WHERE name = ?1")?.exists([district])?;
                if !known {
                    return Ok(Err(ScorecardError::UnknownSubject));
                }
            }
            let companies: Vec<(i64, String)> = connection
                .prepare_cached(
                    "SELECT p.id, p.name FROM property_companies p
                     WHERE CAST(?1 AS TEXT) IS NULL OR EXISTS (SELECT 1 FROM communities m JOIN districts d ON d.id = m.district_id
                                                 WHERE m.property_company_id = p.id AND d.name = ?1)
                     ORDER BY p.name",
                )?
                .query_map([&district], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<Result<_, _>>()?;
            let mut rows = Vec::with_capacity(companies.len());
            for (id, name) in companies {
                let scope = match &district {
                    Some(district) => Scope::CompanyInDistrict(id, district),
                    None => Scope::Company(id),
                };
                rows.push(RankedCompany {
                    id,
                    name,
                    score: PeriodScore::new(period, counts(connection, scope, period, now)?),
                });
            }
            Ok(Ok(Ranking::build(period, district, rows)))
        })
        .await
    }
}
