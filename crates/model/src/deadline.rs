//! Deadline arithmetic: when a complaint must be signed for and resolved.
//!
//! Urgent problems count clock hours (a flooded flat does not wait for Monday). Others count
//! working days in China Standard Time: Monday to Friday by default, with a seam
//! ([`WorkCalendar`]) for the State Council's yearly holiday calendar and its make-up working days
//! (调休).

use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveTime, TimeZone, Utc, Weekday};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

use crate::time::{china_standard_time, in_china};

/// How long a unit has for one step.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DeadlineRule {
    /// Clock hours, nights and weekends included.
    Hours(u32),
    /// Working days, at the same time of day.
    WorkingDays(u32),
    /// Hours that fall on working days: a supervisor's "4 working hours" given on Friday at
    /// 22:00 runs out on Monday at 02:00, not on Saturday.
    WorkingHours(u32),
}

/// Which days count as working days.
pub trait WorkCalendar {
    fn is_working_day(&self, date: NaiveDate) -> bool;
}

/// Monday to Friday, every week.
#[derive(Debug, Clone, Copy, Default)]
pub struct Weekdays;

impl WorkCalendar for Weekdays {
    fn is_working_day(&self, date: NaiveDate) -> bool {
        !matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
    }
}

/// Weekdays, less public holidays, plus the weekend days declared working days.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HolidayCalendar {
    pub holidays: BTreeSet<NaiveDate>,
    pub make_up_working_days: BTreeSet<NaiveDate>,
}

impl WorkCalendar for HolidayCalendar {
    fn is_working_day(&self, date: NaiveDate) -> bool {
        if self.make_up_working_days.contains(&date) {
            return true;
        }
        Weekdays.is_working_day(date) && !self.holidays.contains(&date)
    }
}

/// No calendar has runs of non-working days anywhere near this long; the bound only guarantees
/// that a misconfigured calendar cannot loop forever.
const MAX_DAYS_SEARCHED: u32 = 3660;

/// When a step started at `start` under `rule` is due.
///
/// For working days: a start on a working day is due at the same time of day `n` working days
/// later (Friday 15:00 plus one is Monday 15:00); a start on a non-working day counts from the
/// beginning of the next working day (Saturday plus one is Tuesday 00:00).
pub fn due_at(start: DateTime<Utc>, rule: DeadlineRule, calendar: &impl WorkCalendar) -> DateTime<Utc> {
    match rule {
        DeadlineRule::Hours(hours) => start + Duration::hours(i64::from(hours)),
        DeadlineRule::WorkingDays(days) => {
            let local = in_china(start);
            let (mut date, time) = if calendar.is_working_day(local.date_naive()) {
                (local.date_naive(), local.time())
            } else {
                (next_working_day(local.date_naive(), calendar), NaiveTime::MIN)
            };
            for _ in 0..days {
                date = next_working_day(date, calendar);
            }
            china_time(date, time).unwrap_or(start)
        }
        DeadlineRule::WorkingHours(hours) => {
            let mut left = Duration::hours(i64::from(hours));
            let local = in_china(start);
            let (mut date, mut cursor) = if calendar.is_working_day(local.date_naive()) {
                (local.date_naive(), start)
            } else {
                let date = next_working_day(local.date_naive(), calendar);
                (date, china_time(date, NaiveTime::MIN).unwrap_or(start))
            };
            for _ in 0..MAX_DAYS_SEARCHED {
                let midnight = china_time(date.succ_opt().unwrap_or(date), NaiveTime::MIN).unwrap_or(cursor);
                let today = midnight - cursor;
                if left <= today {
                    return cursor + left;
                }
                left -= today;
                date = next_working_day(date, calendar);
                cursor = china_time(date, NaiveTime::MIN).unwrap_or(midnight);
            }
            cursor
        }
    }
}

/// The first moment of the next working day after `instant`'s date, in China: when a rule that
/// waits for "the next working day" fires.
pub fn start_of_next_working_day(instant: DateTime<Utc>, calendar: &impl WorkCalendar) -> DateTime<Utc> {
    let date = next_working_day(in_china(instant).date_naive(), calendar);
    china_time(date, NaiveTime::MIN).unwrap_or(instant)
}

fn china_time(date: NaiveDate, time: NaiveTime) -> Option<DateTime<Utc>> {
    china_standard_time().from_local_datetime(&date.and_time(time)).single().map(|t| t.to_utc())
}

fn next_working_day(after: NaiveDate, calendar: &impl WorkCalendar) -> NaiveDate {
    let mut date = after;
    for _ in 0..MAX_DAYS_SEARCHED {
        date = date.succ_opt().unwrap_or(date);
        if calendar.is_working_day(date) {
            return date;
        }
    }
    date
}

/// A due time as a complaint view carries it.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadline {
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub due_at: DateTime<Utc>,
    /// Whether the step was done late, or is still not done and the time has passed.
    pub overdue: bool,
    /// Whether the step is still waiting to be done: not done, and the complaint neither
    /// withdrawn nor closed.
    #[serde(default)]
    pub pending: bool,
}

impl Deadline {
    /// `done_at` is when the step was completed, if it was; `stopped` says the complaint was
    /// withdrawn or closed, which stops its clocks.
    pub fn at(due_at: DateTime<Utc>, done_at: Option<DateTime<Utc>>, stopped: bool, now: DateTime<Utc>) -> Self {
        match done_at {
            Some(done) => Self { due_at, overdue: done > due_at, pending: false },
            None if stopped => Self { due_at, overdue: false, pending: false },
            None => Self { due_at, overdue: now > due_at, pending: true },
        }
    }

    /// How long is left, while the step is waiting and its time has not yet passed.
    pub fn remaining(&self, now: DateTime<Utc>) -> Option<chrono::Duration> {
        (self.pending && now < self.due_at).then(|| self.due_at - now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A moment given as China wall-clock time.
    fn cst(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<Utc> {
        china_standard_time().with_ymd_and_hms(y, m, d, h, min, 0).single().map(|t| t.to_utc()).unwrap_or_default()
    }

    #[test]
    fn urgent_hours_run_through_nights_and_weekends() {
        assert_eq!(due_at(cst(2026, 11, 28, 22, 0), DeadlineRule::Hours(2), &Weekdays), cst(2026, 11, 29, 0, 0));
    }

    #[test]
    fn working_days_skip_the_weekend() {
        // 2026-11-27 is a Friday.
        assert_eq!(due_at(cst(2026, 11, 27, 15, 0), DeadlineRule::WorkingDays(1), &Weekdays), cst(2026, 11, 30, 15, 0));
        assert_eq!(due_at(cst(2026, 11, 25, 9, 30), DeadlineRule::WorkingDays(1), &Weekdays), cst(2026, 11, 26, 9, 30));
        assert_eq!(due_at(cst(2026, 11, 27, 15, 0), DeadlineRule::WorkingDays(5), &Weekdays), cst(2026, 12, 4, 15, 0));
    }

    #[test]
    fn working_hours_skip_non_working_days() {
        // Friday 22:00 plus 4 working hours: 2 on Friday, 2 on Monday.
        assert_eq!(due_at(cst(2026, 11, 27, 22, 0), DeadlineRule::WorkingHours(4), &Weekdays), cst(2026, 11, 30, 2, 0));
        assert_eq!(due_at(cst(2026, 11, 25, 9, 0), DeadlineRule::WorkingHours(4), &Weekdays), cst(2026, 11, 25, 13, 0));
        // Given on a Saturday, they start on Monday.
        assert_eq!(due_at(cst(2026, 11, 28, 15, 0), DeadlineRule::WorkingHours(4), &Weekdays), cst(2026, 11, 30, 4, 0));
        assert_eq!(due_at(cst(2026, 11, 27, 20, 0), DeadlineRule::WorkingHours(28), &Weekdays), cst(2026, 12, 1, 0, 0));
    }

    #[test]
    fn the_next_working_day_starts_at_midnight_in_china() {
        assert_eq!(start_of_next_working_day(cst(2026, 11, 27, 15, 0), &Weekdays), cst(2026, 11, 30, 0, 0));
        assert_eq!(start_of_next_working_day(cst(2026, 11, 25, 0, 0), &Weekdays), cst(2026, 11, 26, 0, 0));
    }

    #[test]
    fn a_weekend_filing_counts_from_monday_morning() {
        assert_eq!(due_at(cst(2026, 11, 28, 10, 0), DeadlineRule::WorkingDays(1), &Weekdays), cst(2026, 12, 1, 0, 0));
    }

    #[test]
    fn the_day_boundary_is_chinas_not_utcs() {
        // Friday 23:30 UTC is already Saturday 07:30 in Chengdu.
        let start = DateTime::parse_from_rfc3339("2026-11-27T23:30:00Z").map(|t| t.to_utc()).unwrap_or_default();
        assert_eq!(due_at(start, DeadlineRule::WorkingDays(1), &Weekdays), cst(2026, 12, 1, 0, 0));
    }

    #[test]
    fn holidays_and_make_up_days_are_honoured() {
        let day = |m, d| NaiveDate::from_ymd_opt(2026, m, d).unwrap_or_default();
        // National Day week: 1–7 October off, Saturday 10 October worked instead.
        let calendar = HolidayCalendar {
            holidays: (1..=7).map(|d| day(10, d)).collect(),
            make_up_working_days: [day(10, 10)].into(),
        };
        assert_eq!(due_at(cst(2026, 9, 30, 16, 0), DeadlineRule::WorkingDays(1), &calendar), cst(2026, 10, 8, 16, 0));
        assert_eq!(due_at(cst(2026, 10, 9, 16, 0), DeadlineRule::WorkingDays(1), &calendar), cst(2026, 10, 10, 16, 0));
    }

    #[test]
    fn overdue_compares_completion_or_now_with_the_due_time() {
        let due = cst(2026, 11, 27, 12, 0);
        assert!(!Deadline::at(due, None, false, cst(2026, 11, 27, 11, 0)).overdue);
        assert!(Deadline::at(due, None, false, cst(2026, 11, 27, 13, 0)).overdue);
        assert!(!Deadline::at(due, Some(cst(2026, 11, 27, 11, 0)), false, cst(2026, 12, 27, 0, 0)).overdue);
        assert!(Deadline::at(due, Some(cst(2026, 11, 27, 12, 1)), false, cst(2026, 11, 27, 12, 1)).overdue);
    }

    proptest! {
        #[test]
        fn due_times_are_later_lie_on_working_days_and_never_go_backwards(
            seconds in 1_700_000_000i64..1_900_000_000, later in 0i64..1_000_000, days in 0u32..30
        ) {
            let start = DateTime::<Utc>::from_timestamp(seconds, 0).unwrap_or_default();
            let due = due_at(start, DeadlineRule::WorkingDays(days), &Weekdays);
            prop_assert!(due >= start);
            if days > 0 {
                prop_assert!(Weekdays.is_working_day(in_china(due).date_naive()));
            }
            let later_due = due_at(start + Duration::seconds(later), DeadlineRule::WorkingDays(days), &Weekdays);
            prop_assert!(later_due >= due);
            let by_hours = due_at(start, DeadlineRule::WorkingHours(days), &Weekdays);
            prop_assert!(by_hours >= start + Duration::hours(i64::from(days)));
            prop_assert!(due_at(start + Duration::seconds(later), DeadlineRule::WorkingHours(days), &Weekdays) >= by_hours);
        }
    }

    #[test]
    fn a_waiting_step_has_time_left_until_it_is_overdue_and_a_finished_one_never() {
        let due = cst(2026, 11, 30, 15, 0);
        let before = cst(2026, 11, 30, 12, 30);
        let after = cst(2026, 11, 30, 16, 0);
        let waiting = Deadline::at(due, None, false, before);
        assert!(!waiting.overdue && waiting.pending);
        assert_eq!(waiting.remaining(before), Some(chrono::Duration::minutes(150)));
        let late = Deadline::at(due, None, false, after);
        assert!(late.overdue);
        assert_eq!(late.remaining(after), None);
        let done_in_time = Deadline::at(due, Some(before), false, after);
        assert!(!done_in_time.overdue && !done_in_time.pending);
        assert_eq!(done_in_time.remaining(before), None);
        assert!(Deadline::at(due, Some(after), false, after).overdue, "done late stays overdue");
        let withdrawn = Deadline::at(due, None, true, after);
        assert!(!withdrawn.overdue && withdrawn.remaining(before).is_none());
    }

    proptest! {
        #[test]
        fn time_left_is_never_negative_and_ends_where_overdue_begins(offset in -100_000i64..100_000) {
            let due = cst(2026, 11, 30, 15, 0);
            let now = due + chrono::Duration::minutes(offset);
            let deadline = Deadline::at(due, None, false, now);
            match deadline.remaining(now) {
                Some(left) => prop_assert!(left > chrono::Duration::zero() && !deadline.overdue),
                None => prop_assert!(deadline.overdue || now == due),
            }
        }
    }
}
