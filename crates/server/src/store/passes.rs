//! Leases on the scheduled passes. Every instance schedules the escalation pass and the
//! housekeeping; with several instances on one PostgreSQL, only the one holding a pass's lease
//! runs it, so a pass is never run twice at once. (Each pass would be correct run twice — every
//! step re-reads inside its write — but the work would be doubled and the log would say so.)

use chrono::{DateTime, Utc};
use rusqlite::params;

use super::{Store, StoreError};

impl Store {
    /// Takes `pass`'s lease until `now + lease` if nobody holds it; false if another does.
    /// A holder that dies without giving the lease back keeps it only until it runs out.
    pub async fn claim_pass(
        &self,
        pass: &'static str,
        now: DateTime<Utc>,
        lease: chrono::Duration,
    ) -> Result<bool, StoreError> {
        self.write(move |connection| {
            let claimed = connection.execute(
                "INSERT INTO pass_leases (pass, until) VALUES (?1, ?2)
                 ON CONFLICT (pass) DO UPDATE SET until = excluded.until WHERE pass_leases.until <= ?3",
                params![pass, now + lease, now],
            )?;
            Ok(claimed == 1)
        })
        .await
    }

    /// Gives `pass`'s lease back, so the next tick of any instance may run it.
    pub async fn release_pass(&self, pass: &'static str, now: DateTime<Utc>) -> Result<(), StoreError> {
        self.write(move |connection| {
            connection.execute("UPDATE pass_leases SET until = ?2 WHERE pass = ?1", params![pass, now])?;
            Ok(())
        })
        .await
    }
}
