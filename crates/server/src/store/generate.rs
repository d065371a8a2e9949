//! A large, believable database for benchmarks (`mashang-server generate`): open complaints
//! filed in the last ten days, and finished ones spread over a year with their first signing,
//! resolution and rating, across every community and specific problem of the catalogue.
//! Rows are written directly, in one transaction, so that 200,000 take seconds; each gets its
//! filing event. Not for a real city's database.

use crate::store::db::OptionalExtension;
use chrono::{DateTime, Duration, Utc};
use mashang_model::TrackingNumber;
use mashang_model::time::china_date;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::params;

use super::personal::Sealed;
use super::{Store, StoreError};

const OPEN_STAGES: [&str; 3] = ["submitted", "accepted", "in_progress"];
const SATISFACTION: [&str; 3] = ["satisfied", "basically_satisfied", "dissatisfied"];

impl Store {
    /// Adds `open` open and `finished` closed complaints; returns how many were written.
    pub async fn generate(&self, open: usize, finished: usize, now: DateTime<Utc>) -> Result<usize, StoreError> {
        let personal = self.personal.clone();
        self.write(move |connection| {
            let communities: Vec<i64> =
                connection.prepare("SELECT id FROM communities")?.query_map([], |row| row.get(0))?.collect::<Result<_, _>>()?;
            let categories: Vec<(i64, String)> = connection
                .prepare("SELECT id, kind FROM categories WHERE parent_id IS NOT NULL")?
                .query_map([], |row| Ok((row.get(0)?, row.get(1)?)))?
                .collect::<Result<_, _>>()?;
            if communities.is_empty() || categories.is_empty() {
                return Err(StoreError::Database("generate needs the catalogue: start once with demo data".into()));
            }
            let mut rng = StdRng::seed_from_u64(100_000);
            let mut insert = connection.prepare(
                "INSERT INTO complaints (tracking_number, community_id, category_id, location, description, phone_key, status,
                     handler_role, level, filed_at, updated_at, consented_at, sign_started_at, resolve_started_at,
                     sign_due_at, resolve_due_at, first_sign_due_at, first_resolve_due_at, accepted_at,
                     first_accepted_at, resolved_at, first_resolved_at, satisfaction, visible_to_neighbours,
                     phone_sealed)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?10, ?10, ?10, ?10, ?11, ?12, ?11, ?12, ?13, ?13, ?14,
                     ?14, ?15, ?16, ?17)
                 ON CONFLICT (tracking_number) DO NOTHING
                 RETURNING id",
            )?;
            let mut event = connection
                .prepare("INSERT INTO complaint_events (complaint_id, at, kind, actor) VALUES (?1, ?2, 'filed', 'resident')")?;
            let mut written = 0;
            while written < open + finished {
                let n = written;
                let is_open = n < open;
                let age = if is_open { Duration::minutes(rng.random_range(0..10 * 24 * 60)) } else {
                    Duration::minutes(rng.random_range(20 * 24 * 60..365 * 24 * 60))
                };
                let filed_at = now - age;
                let (category, kind) = &categories[rng.random_range(0..categories.len())];
                let handler = if kind == "property" { "property_company" } else { "community_office" };
                let level = if kind == "property" { "property_company" } else { "street_office" };
                let sign_due = filed_at + Duration::days(1);
                let resolve_due = filed_at + Duration::days(7);
                let stage = if is_open { OPEN_STAGES[rng.random_range(0..OPEN_STAGES.len())] } else { "closed" };
                let accepted = (stage != "submitted").then(|| filed_at + Duration::minutes(rng.random_range(30..36 * 60)));
                let resolved = (!is_open).then(|| filed_at + Duration::hours(rng.random_range(6..12 * 24)));
                let satisfaction = (!is_open && rng.random_bool(0.8)).then(|| SATISFACTION[rng.random_range(0..3)]);
                let phone = format!("15{:09}", rng.random_range(0..1_000_000_000u32));
                let inserted: Option<i64> = insert.query_row(params![
                    TrackingNumber::new(china_date(filed_at), rng.random()).as_str(),
                    communities[rng.random_range(0..communities.len())],
                    category,
                    format!("{}栋", rng.random_range(1..30)),
                    "压测数据：楼道灯坏了，晚上看不清楼梯。",
                    personal.stored_phone_key(&phone),
                    stage,
                    handler,
                    level,
                    filed_at,
                    sign_due,
                    resolve_due,
                    accepted,
                    resolved,
                    satisfaction,
                    rng.random_bool(0.3),
                    personal.seal(Sealed::Phone, &phone),
                ], |row| row.get(0)).optional()?;
                // A clash of random tracking numbers: draw again.
                if let Some(id) = inserted {
                    event.execute(params![id, filed_at])?;
                    written += 1;
                }
            }
            Ok(written)
        })
        .await
    }
}
