//! The server's idea of "now". Deadlines, overdue flags, the once-a-day reminder and the
//! reopening window all depend on it; in development (`--dev-time-travel`) it can be moved
//! forward so that a test can reach "overdue" without waiting days.

use chrono::{DateTime, Duration, Utc};
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, Ordering};

#[derive(Clone)]
pub struct Clock {
    /// Seconds added to the system time; present only when time travel is allowed.
    offset: Option<Arc<AtomicI64>>,
}

impl Clock {
    /// The system clock, which nothing can move.
    pub fn system() -> Self {
        Self { offset: None }
    }

    /// A clock that [`Clock::advance`] can move forward.
    pub fn travelling() -> Self {
        Self { offset: Some(Arc::new(AtomicI64::new(0))) }
    }

    pub fn can_travel(&self) -> bool {
        self.offset.is_some()
    }

    pub fn now(&self) -> DateTime<Utc> {
        let offset = self.offset.as_ref().map_or(0, |offset| offset.load(Ordering::Relaxed));
        Utc::now() + Duration::seconds(offset)
    }

    /// Moves the clock forward (never back: time going backwards would break the append-only
    /// timeline's order). Returns the new "now", or `None` for the system clock.
    pub fn advance(&self, by: Duration) -> Option<DateTime<Utc>> {
        let offset = self.offset.as_ref()?;
        offset.fetch_add(by.num_seconds().max(0), Ordering::Relaxed);
        Some(self.now())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_system_clock_cannot_be_moved_and_a_travelling_one_only_forward() {
        let system = Clock::system();
        assert!(system.advance(Duration::days(3)).is_none());
        assert!((system.now() - Utc::now()).num_seconds().abs() <= 1);

        let travelling = Clock::travelling();
        let moved = travelling.advance(Duration::days(3)).unwrap();
        assert!((moved - Utc::now() - Duration::days(3)).num_seconds().abs() <= 1);
        travelling.advance(Duration::days(-10));
        assert!(travelling.now() - Utc::now() >= Duration::days(3) - Duration::seconds(1));
    }
}
