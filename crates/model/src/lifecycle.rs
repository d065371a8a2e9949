//! The complaint lifecycle: which actions are legal in which stage, and who may take them.
//!
//! [`TRANSITIONS`] is the single source of truth. The server refuses anything it does not allow;
//! the app asks [`available_actions`] which buttons to show. Rules that depend on time (the
//! reopening window, when a reminder may be sent) are checked here too, from [`ComplaintFacts`].

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::ComplaintStatus::{self, *};
use crate::EventKind;
use crate::escalation::ConsultationState;

crate::names::named_enum! {
    /// Something a person, or the system, does to a complaint.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Action {
        /// 签收: the handling unit takes the complaint on.
        Accept = "accept",
        /// 处理进展: the unit reports what it has done so far.
        AddProgress = "add_progress",
        /// 要求补充: the unit needs more from the resident.
        RequestInfo = "request_info",
        /// 补充材料: the resident adds text or photos.
        Supplement = "supplement",
        /// 转办: the complaint goes to another unit, which must sign for it again.
        Transfer = "transfer",
        /// 办结: the unit replies with its result.
        Resolve = "resolve",
        /// 催办: the resident chases an overdue complaint.
        Urge = "urge",
        /// 撤回: the resident takes the complaint back before anyone has signed for it.
        Withdraw = "withdraw",
        /// 评价: the resident rates a resolution.
        Rate = "rate",
        /// 重新办理: the resident (or a supervisor) says it is not solved.
        Reopen = "reopen",
        /// 关闭: handling is over for good.
        Close = "close",
        /// 督办: a supervisor demands the work be done by a deadline.
        Supervise = "supervise",
        /// 提级办理: the complaint is handled one level up.
        Escalate = "escalate",
        /// 部门会商: a supervisor calls the departments to a joint meeting…
        ScheduleConsultation = "schedule_consultation",
        /// …and records what it decided.
        RecordConsultation = "record_consultation",
    }
}

impl Action {
    /// The timeline entry an action leaves.
    pub fn event_kind(self) -> EventKind {
        match self {
            Self::Accept => EventKind::Accepted,
            Self::AddProgress => EventKind::ProgressNote,
            Self::RequestInfo => EventKind::InfoRequested,
            Self::Supplement => EventKind::InfoSupplied,
            Self::Transfer => EventKind::Transferred,
            Self::Resolve => EventKind::Resolved,
            Self::Urge => EventKind::Urged,
            Self::Withdraw => EventKind::Withdrawn,
            Self::Rate => EventKind::Rated,
            Self::Reopen => EventKind::Reopened,
            Self::Close => EventKind::Closed,
            Self::Supervise => EventKind::Supervised,
            Self::Escalate => EventKind::Escalated,
            Self::ScheduleConsultation => EventKind::ConsultationScheduled,
            Self::RecordConsultation => EventKind::ConsultationHeld,
        }
    }

    /// Whether the action must carry a written note (a reply, a reason, an explanation).
    pub fn needs_note(self) -> bool {
        matches!(
            self,
            Self::AddProgress
                | Self::RequestInfo
                | Self::Transfer
                | Self::Resolve
                | Self::Reopen
                | Self::Supervise
                | Self::Escalate
                | Self::RecordConsultation
        )
    }
}

/// Who acts, relative to the complaint. The server decides which party a signed-in person is:
/// staff of the unit currently holding the complaint are its handling unit, the housing bureau
/// supervises, and the resident is whoever holds the complaint's access token or filed it. A
/// neighbour who joined (附议) follows the complaint and may chase it, but it is not theirs to
/// withdraw or rate.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Party {
    Resident,
    Neighbour,
    HandlingUnit,
    Supervisor,
    System,
}

/// Where a legal action leads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    To(ComplaintStatus),
    Unchanged,
    /// Back to work if the unit was waiting for the resident, otherwise unchanged.
    ResumeIfWaiting,
}

#[derive(Debug, Clone, Copy)]
pub struct Transition {
    pub action: Action,
    pub from: &'static [ComplaintStatus],
    pub to: Target,
    pub parties: &'static [Party],
}

const OPEN: &[ComplaintStatus] = &[Submitted, Accepted, InProgress, NeedsInfo];
const WORKING: &[ComplaintStatus] = &[Accepted, InProgress];
/// Not yet over: open, or resolved and waiting for the resident's verdict.
const NOT_OVER: &[ComplaintStatus] = &[Submitted, Accepted, InProgress, NeedsInfo, Resolved, Rated];

/// Every legal move. Anything not listed here is refused.
pub const TRANSITIONS: &[Transition] = &[
    Transition {
        action: Action::Accept,
        from: &[Submitted],
        to: Target::To(Accepted),
        parties: &[Party::HandlingUnit],
    },
    Transition {
        action: Action::AddProgress,
        from: WORKING,
        to: Target::To(InProgress),
        parties: &[Party::HandlingUnit],
    },
    Transition {
        action: Action::RequestInfo,
        from: WORKING,
        to: Target::To(NeedsInfo),
        parties: &[Party::HandlingUnit],
    },
    Transition { action: Action::Supplement, from: OPEN, to: Target::ResumeIfWaiting, parties: &[Party::Resident] },
    Transition {
        action: Action::Transfer,
        from: &[Submitted, Accepted, InProgress],
        to: Target::To(Submitted),
        parties: &[Party::HandlingUnit, Party::Supervisor],
    },
    Transition { action: Action::Resolve, from: WORKING, to: Target::To(Resolved), parties: &[Party::HandlingUnit] },
    Transition {
        action: Action::Urge,
        from: OPEN,
        to: Target::Unchanged,
        parties: &[Party::Resident, Party::Neighbour],
    },
    Transition { action: Action::Withdraw, from: &[Submitted], to: Target::To(Withdrawn), parties: &[Party::Resident] },
    Transition { action: Action::Rate, from: &[Resolved], to: Target::To(Rated), parties: &[Party::Resident] },
    Transition {
        action: Action::Reopen,
        from: &[Resolved, Rated],
        to: Target::To(InProgress),
        parties: &[Party::Resident, Party::Supervisor],
    },
    Transition {
        action: Action::Close,
        from: &[Resolved, Rated],
        to: Target::To(Closed),
        parties: &[Party::System, Party::Supervisor],
    },
    // The escalation rules take these as the system; supervisors by hand. None of them moves the
    // stage: they change who leads, the deadlines and the card (see `escalation`).
    Transition {
        action: Action::Supervise,
        from: OPEN,
        to: Target::Unchanged,
        parties: &[Party::Supervisor, Party::System],
    },
    Transition {
        action: Action::Escalate,
        from: OPEN,
        to: Target::Unchanged,
        parties: &[Party::Supervisor, Party::System],
    },
    Transition {
        action: Action::ScheduleConsultation,
        from: NOT_OVER,
        to: Target::Unchanged,
        parties: &[Party::Supervisor, Party::System],
    },
    Transition {
        action: Action::RecordConsultation,
        from: NOT_OVER,
        to: Target::Unchanged,
        parties: &[Party::Supervisor],
    },
];

/// Time rules that a city may tune.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Policy {
    /// How long after a resolution the resident may still reopen it.
    pub reopen_window: Duration,
    /// The least time between two reminders from the resident.
    pub urge_interval: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Self { reopen_window: Duration::days(15), urge_interval: Duration::days(1) }
    }
}

/// What the rules need to know about one complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ComplaintFacts {
    pub status: ComplaintStatus,
    /// When the current resolution was given, if the complaint is resolved.
    pub resolved_at: Option<DateTime<Utc>>,
    pub last_urged_at: Option<DateTime<Utc>>,
    pub sign_due_at: DateTime<Utc>,
    pub resolve_due_at: DateTime<Utc>,
    /// Whether the complaint is at the top of the ladder already (no 提级 left).
    pub at_top_level: bool,
    /// Where its joint meeting stands.
    pub consultation: ConsultationState,
}

crate::names::named_enum! {
    /// Why an action was refused.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Refusal {
        /// This party may never take this action (a resident resolving, say).
        NotPermitted = "not_permitted",
        /// Not in the complaint's current stage (rating before resolution, rating twice…).
        WrongStage = "wrong_stage",
        /// The reopening window after the resolution has passed.
        WindowClosed = "window_closed",
        /// A reminder is only for overdue complaints.
        NotOverdue = "not_overdue",
        /// A reminder was already sent within the interval.
        TooSoon = "too_soon",
    }
}

/// Checks `action` by `party` on a complaint at time `now`; returns the stage it leads to.
pub fn check(
    action: Action,
    party: Party,
    facts: &ComplaintFacts,
    now: DateTime<Utc>,
    policy: &Policy,
) -> Result<ComplaintStatus, Refusal> {
    let rules: Vec<&Transition> = TRANSITIONS.iter().filter(|t| t.action == action).collect();
    if !rules.iter().any(|t| t.parties.contains(&party)) {
        return Err(Refusal::NotPermitted);
    }
    let transition = rules
        .into_iter()
        .find(|t| t.parties.contains(&party) && t.from.contains(&facts.status))
        .ok_or(Refusal::WrongStage)?;
    match action {
        Action::Reopen if party == Party::Resident => {
            let resolved_at = facts.resolved_at.ok_or(Refusal::WrongStage)?;
            if now > resolved_at + policy.reopen_window {
                return Err(Refusal::WindowClosed);
            }
        }
        Action::Close if party == Party::System => {
            // The system closes only what can no longer be reopened.
            let resolved_at = facts.resolved_at.ok_or(Refusal::WrongStage)?;
            if now <= resolved_at + policy.reopen_window {
                return Err(Refusal::TooSoon);
            }
        }
        Action::Urge => {
            let due = if facts.status == Submitted { facts.sign_due_at } else { facts.resolve_due_at };
            if now <= due {
                return Err(Refusal::NotOverdue);
            }
            if facts.last_urged_at.is_some_and(|last| now < last + policy.urge_interval) {
                return Err(Refusal::TooSoon);
            }
        }
        Action::Escalate if facts.at_top_level => return Err(Refusal::WrongStage),
        Action::ScheduleConsultation if facts.consultation != ConsultationState::None => {
            return Err(Refusal::WrongStage);
        }
        Action::RecordConsultation if !matches!(facts.consultation, ConsultationState::Scheduled { .. }) => {
            return Err(Refusal::WrongStage);
        }
        _ => {}
    }
    Ok(match transition.to {
        Target::To(status) => status,
        Target::Unchanged => facts.status,
        Target::ResumeIfWaiting if facts.status == NeedsInfo => InProgress,
        Target::ResumeIfWaiting => facts.status,
    })
}

/// The actions `party` may take right now, in the order of [`Action::ALL`].
pub fn available_actions(party: Party, facts: &ComplaintFacts, now: DateTime<Utc>, policy: &Policy) -> Vec<Action> {
    Action::ALL.into_iter().filter(|&action| check(action, party, facts, now, policy).is_ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn at(hours: i64) -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_790_000_000, 0).unwrap_or_default() + Duration::hours(hours)
    }

    fn facts(status: ComplaintStatus) -> ComplaintFacts {
        ComplaintFacts {
            status,
            resolved_at: None,
            last_urged_at: None,
            sign_due_at: at(24),
            resolve_due_at: at(24 * 7),
            at_top_level: false,
            consultation: ConsultationState::None,
        }
    }

    #[test]
    fn the_happy_path_reaches_closed() {
        let policy = Policy::default();
        let mut complaint = facts(Submitted);
        for (action, party, expected) in [
            (Action::Accept, Party::HandlingUnit, Accepted),
            (Action::AddProgress, Party::HandlingUnit, InProgress),
            (Action::Resolve, Party::HandlingUnit, Resolved),
            (Action::Rate, Party::Resident, Rated),
        ] {
            complaint.status =
                check(action, party, &complaint, at(1), &policy).unwrap_or_else(|e| panic!("{action:?}: {e:?}"));
            assert_eq!(complaint.status, expected);
            if expected == Resolved {
                complaint.resolved_at = Some(at(1));
            }
        }
        assert_eq!(check(Action::Close, Party::System, &complaint, at(2), &policy), Err(Refusal::TooSoon));
        assert_eq!(check(Action::Close, Party::System, &complaint, at(1) + Duration::days(16), &policy), Ok(Closed));
    }

    #[test]
    fn residents_cannot_do_the_units_work() {
        let policy = Policy::default();
        for action in
            [Action::Accept, Action::AddProgress, Action::RequestInfo, Action::Resolve, Action::Transfer, Action::Close]
        {
            for status in ComplaintStatus::ALL {
                assert_eq!(check(action, Party::Resident, &facts(status), at(1), &policy), Err(Refusal::NotPermitted));
            }
        }
    }

    #[test]
    fn rating_needs_a_resolution_and_happens_once() {
        let policy = Policy::default();
        assert_eq!(check(Action::Rate, Party::Resident, &facts(InProgress), at(1), &policy), Err(Refusal::WrongStage));
        assert_eq!(check(Action::Rate, Party::Resident, &facts(Rated), at(1), &policy), Err(Refusal::WrongStage));
    }

    #[test]
    fn withdrawal_only_before_acceptance() {
        let policy = Policy::default();
        assert_eq!(check(Action::Withdraw, Party::Resident, &facts(Submitted), at(1), &policy), Ok(Withdrawn));
        assert_eq!(
            check(Action::Withdraw, Party::Resident, &facts(Accepted), at(1), &policy),
            Err(Refusal::WrongStage)
        );
    }

    #[test]
    fn reopening_is_possible_only_inside_the_window() {
        let policy = Policy::default();
        let resolved = ComplaintFacts { resolved_at: Some(at(0)), ..facts(Resolved) };
        assert_eq!(check(Action::Reopen, Party::Resident, &resolved, at(24 * 15), &policy), Ok(InProgress));
        assert_eq!(
            check(Action::Reopen, Party::Resident, &resolved, at(24 * 15 + 1), &policy),
            Err(Refusal::WindowClosed)
        );
        // A supervisor may still escalate it (提级办理).
        assert_eq!(check(Action::Reopen, Party::Supervisor, &resolved, at(24 * 30), &policy), Ok(InProgress));
    }

    #[test]
    fn reminders_only_when_overdue_and_once_a_day() {
        let policy = Policy::default();
        let submitted = facts(Submitted);
        assert_eq!(check(Action::Urge, Party::Resident, &submitted, at(23), &policy), Err(Refusal::NotOverdue));
        assert_eq!(check(Action::Urge, Party::Resident, &submitted, at(25), &policy), Ok(Submitted));
        let urged = ComplaintFacts { last_urged_at: Some(at(25)), ..submitted };
        assert_eq!(check(Action::Urge, Party::Resident, &urged, at(30), &policy), Err(Refusal::TooSoon));
        assert_eq!(check(Action::Urge, Party::Resident, &urged, at(49), &policy), Ok(Submitted));
        // Once accepted, the resolution deadline is the one that counts.
        assert_eq!(check(Action::Urge, Party::Resident, &facts(Accepted), at(25), &policy), Err(Refusal::NotOverdue));
    }

    #[test]
    fn supplementing_resumes_work_only_when_the_unit_was_waiting() {
        let policy = Policy::default();
        assert_eq!(check(Action::Supplement, Party::Resident, &facts(NeedsInfo), at(1), &policy), Ok(InProgress));
        assert_eq!(check(Action::Supplement, Party::Resident, &facts(Accepted), at(1), &policy), Ok(Accepted));
        assert_eq!(
            check(Action::Supplement, Party::Resident, &facts(Resolved), at(1), &policy),
            Err(Refusal::WrongStage)
        );
    }

    #[test]
    fn the_app_offers_exactly_what_is_allowed() {
        let policy = Policy::default();
        assert_eq!(
            available_actions(Party::Resident, &facts(Submitted), at(1), &policy),
            [Action::Supplement, Action::Withdraw]
        );
        let resolved = ComplaintFacts { resolved_at: Some(at(0)), ..facts(Resolved) };
        assert_eq!(available_actions(Party::Resident, &resolved, at(1), &policy), [Action::Rate, Action::Reopen]);
        assert!(available_actions(Party::Resident, &facts(Withdrawn), at(1), &policy).is_empty());
        assert!(available_actions(Party::HandlingUnit, &facts(Closed), at(1), &policy).is_empty());
    }

    fn any_action() -> impl Strategy<Value = Action> {
        proptest::sample::select(Action::ALL.to_vec())
    }

    fn any_party() -> impl Strategy<Value = Party> {
        proptest::sample::select(vec![
            Party::Resident,
            Party::Neighbour,
            Party::HandlingUnit,
            Party::Supervisor,
            Party::System,
        ])
    }

    #[test]
    fn a_neighbour_who_joined_may_chase_but_not_withdraw_or_rate() {
        let policy = Policy::default();
        assert_eq!(available_actions(Party::Neighbour, &facts(Submitted), at(25), &policy), [Action::Urge]);
        let resolved = ComplaintFacts { resolved_at: Some(at(0)), ..facts(Resolved) };
        assert!(available_actions(Party::Neighbour, &resolved, at(1), &policy).is_empty());
        for action in [Action::Withdraw, Action::Rate, Action::Reopen, Action::Supplement] {
            assert_eq!(check(action, Party::Neighbour, &resolved, at(1), &policy), Err(Refusal::NotPermitted));
        }
    }

    #[test]
    fn supervisors_escalate_and_hold_meetings_but_residents_and_units_do_not() {
        let policy = Policy::default();
        for action in [Action::Supervise, Action::Escalate, Action::ScheduleConsultation, Action::RecordConsultation] {
            for party in [Party::Resident, Party::Neighbour, Party::HandlingUnit] {
                assert_eq!(check(action, party, &facts(InProgress), at(1), &policy), Err(Refusal::NotPermitted));
            }
        }
        assert_eq!(check(Action::Supervise, Party::Supervisor, &facts(InProgress), at(1), &policy), Ok(InProgress));
        let top = ComplaintFacts { at_top_level: true, ..facts(InProgress) };
        assert_eq!(check(Action::Escalate, Party::Supervisor, &top, at(1), &policy), Err(Refusal::WrongStage));
        assert_eq!(
            check(Action::RecordConsultation, Party::Supervisor, &facts(Rated), at(1), &policy),
            Err(Refusal::WrongStage),
            "nothing to record before a meeting is called"
        );
        let scheduled =
            ComplaintFacts { consultation: ConsultationState::Scheduled { meeting_at: at(30) }, ..facts(Rated) };
        assert_eq!(
            check(Action::ScheduleConsultation, Party::Supervisor, &scheduled, at(1), &policy),
            Err(Refusal::WrongStage)
        );
        assert_eq!(check(Action::RecordConsultation, Party::Supervisor, &scheduled, at(1), &policy), Ok(Rated));
        assert_eq!(
            check(Action::Supervise, Party::Supervisor, &facts(Closed), at(1), &policy),
            Err(Refusal::WrongStage)
        );
    }

    proptest! {
        /// Whatever anyone tries, in any order and at any time, the complaint only ever moves
        /// along the table, each resolution is rated at most once, terminal stages stay terminal,
        /// and a resident reopens only inside the window.
        #[test]
        fn no_sequence_of_attempts_breaks_the_rules(
            attempts in proptest::collection::vec((any_action(), any_party(), 0i64..24 * 40), 1..60)
        ) {
            let policy = Policy::default();
            let mut complaint = facts(Submitted);
            let mut now = at(0);
            let mut ratings_since_resolution = 0;
            for (action, party, advance_hours) in attempts {
                now += Duration::hours(advance_hours % 48);
                let before = complaint.status;
                match check(action, party, &complaint, now, &policy) {
                    Ok(after) => {
                        let legal = TRANSITIONS.iter().any(|t| t.action == action && t.parties.contains(&party) && t.from.contains(&before));
                        prop_assert!(legal, "{action:?} by {party:?} from {before:?}");
                        prop_assert!(!matches!(before, Closed | Withdrawn), "left a terminal stage with {action:?}");
                        if action == Action::Reopen && party == Party::Resident {
                            let resolved_at = complaint.resolved_at.unwrap_or(now);
                            prop_assert!(now <= resolved_at + policy.reopen_window);
                        }
                        match action {
                            Action::Resolve => { complaint.resolved_at = Some(now); ratings_since_resolution = 0; }
                            Action::Rate => { ratings_since_resolution += 1; prop_assert!(ratings_since_resolution <= 1); }
                            Action::Reopen => complaint.resolved_at = None,
                            Action::Urge => complaint.last_urged_at = Some(now),
                            _ => {}
                        }
                        complaint.status = after;
                    }
                    Err(_) => prop_assert_eq!(complaint.status, before),
                }
                prop_assert!(ComplaintStatus::ALL.contains(&complaint.status));
            }
        }
    }
}
