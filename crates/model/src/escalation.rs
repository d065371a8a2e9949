//! Escalation: what makes a complaint move when the unit holding it does not.
//!
//! Chengdu's rules push four kinds of complaint upwards — overdue (超时未办结), many households
//! (群体投诉), the same problem again (反复投诉) and unsatisfied (处理结果不满意) — through
//! supervision (督办, with yellow and red cards: 挂牌督办), handling one level up (提级办理) and a
//! joint meeting of departments (部门会商). Each rule here is a pure function of a complaint's
//! facts and the time: the server only schedules the rules and stores what they decide.
//!
//! Running the rules twice never escalates twice, because every escalation changes the very facts
//! that made it fire (a later deadline, a higher card or level, a flag). Cards and levels only go
//! up and deadlines only move later, so a clock that steps backwards undoes nothing.

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::ComplaintStatus;
use crate::EventKind;
use crate::HandlerRole;
use crate::deadline::{DeadlineRule, WorkCalendar, due_at, start_of_next_working_day};

crate::names::named_enum! {
    /// Who leads the handling of a complaint: the level it is handled at.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Level {
        /// 物业服务企业
        #[default]
        PropertyCompany = "property_company",
        /// 街道（社区）办事处
        StreetOffice = "street_office",
        /// 区住房和城乡建设局
        DistrictBureau = "district_bureau",
    }
}

impl Level {
    /// Where a complaint starts: with the unit it was sent to.
    pub fn of_handler(handler: HandlerRole) -> Self {
        match handler {
            HandlerRole::PropertyCompany => Self::PropertyCompany,
            HandlerRole::CommunityOffice => Self::StreetOffice,
        }
    }

    /// One level up, if there is one.
    pub fn up(self) -> Option<Self> {
        match self {
            Self::PropertyCompany => Some(Self::StreetOffice),
            Self::StreetOffice => Some(Self::DistrictBureau),
            Self::DistrictBureau => None,
        }
    }
}

crate::names::named_enum! {
    /// The supervision card a complaint carries (黄牌, 红牌). Cards only go up.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum Card {
        #[default]
        None = "none",
        Yellow = "yellow",
        Red = "red",
    }
}

crate::names::named_enum! {
    /// Why a complaint was escalated.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum EscalationReason {
        /// 即将超时: most of the time allowed for signing has gone.
        SignDueSoon = "sign_due_soon",
        /// 即将超时: most of the time allowed for resolving has gone.
        ResolveDueSoon = "resolve_due_soon",
        /// Nobody signed for it in time.
        SignOverdue = "sign_overdue",
        /// Not resolved in time.
        ResolveOverdue = "resolve_overdue",
        /// 群体投诉: many households, one problem.
        GroupComplaint = "group_complaint",
        /// 反复投诉: the same problem, again and again.
        RepeatComplaint = "repeat_complaint",
        /// 不满意 twice.
        Dissatisfied = "dissatisfied",
        /// A supervisor's decision.
        Supervisor = "supervisor",
        /// A reason added by a newer server.
        Other = "other",
    }
    else Other
}

crate::names::named_enum! {
    /// The body that escalated a complaint.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum EscalatingBody {
        /// The system itself (warnings).
        System = "system",
        StreetOffice = "street_office",
        HousingBureau = "housing_bureau",
        DistrictBureau = "district_bureau",
    }
}

/// What an escalation changed, as its timeline entry carries it. The app writes the resident's
/// sentence from these facts in the resident's language.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EscalationDetail {
    pub reason: EscalationReason,
    pub by: EscalatingBody,
    /// The card given, if one was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub card: Option<Card>,
    /// The level the complaint is handled at after this step, if it changed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<Level>,
    /// New deadlines set by this step.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "crate::time::rfc3339_option")]
    pub sign_due_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "crate::time::rfc3339_option")]
    pub resolve_due_at: Option<DateTime<Utc>>,
    /// For a 会商: when it meets, and which units sit at the table.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[serde(deserialize_with = "crate::time::rfc3339_option")]
    pub meeting_at: Option<DateTime<Utc>>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub units: Vec<String>,
}

impl EscalationDetail {
    /// An escalation that changed nothing yet: add what it changes with struct update syntax.
    pub fn new(reason: EscalationReason, by: EscalatingBody) -> Self {
        Self {
            reason,
            by,
            card: None,
            level: None,
            sign_due_at: None,
            resolve_due_at: None,
            meeting_at: None,
            units: Vec::new(),
        }
    }
}

/// Where the joint meeting (部门会商) of a complaint stands.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum ConsultationState {
    #[default]
    None,
    Scheduled {
        meeting_at: DateTime<Utc>,
    },
    Held {
        meeting_at: DateTime<Utc>,
    },
}

/// `ConsultationState` as written: `{"state": "scheduled", "meeting_at": "…"}`. Read through this
/// plain struct because serde's derived reading of an internally tagged enum buffers the object
/// first, with machinery that costs the phone's download kilobytes for this one type.
#[derive(Deserialize)]
struct ConsultationStateFields<'a> {
    #[serde(borrow)]
    state: std::borrow::Cow<'a, str>,
    #[serde(default, deserialize_with = "crate::time::rfc3339_option")]
    meeting_at: Option<DateTime<Utc>>,
}

impl<'de> Deserialize<'de> for ConsultationState {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let fields = ConsultationStateFields::deserialize(deserializer)?;
        let meeting_at = || fields.meeting_at.ok_or_else(|| serde::de::Error::missing_field("meeting_at"));
        match &*fields.state {
            "none" => Ok(Self::None),
            "scheduled" => Ok(Self::Scheduled { meeting_at: meeting_at()? }),
            "held" => Ok(Self::Held { meeting_at: meeting_at()? }),
            other => Err(serde::de::Error::unknown_variant(other, &["none", "scheduled", "held"])),
        }
    }
}

/// Every threshold and duration of the rules, tunable by a city.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EscalationPolicy {
    /// 预警 when this share (percent) of the time allowed has gone.
    pub warn_at_percent: u32,
    /// The new signing deadline a street office gives when nobody signed in time.
    pub supervised_sign_within: DeadlineRule,
    /// From the yellow card to the red card, if still open.
    pub red_card_after: DeadlineRule,
    /// From the red card to 提级办理 at the district, if still open.
    pub district_after_red: DeadlineRule,
    /// Households (distinct phones, counting 附议) that make a group complaint.
    pub group_households: u32,
    /// How far apart the complaints of one group may be filed.
    pub group_window: Duration,
    /// A complaint about the same problem within this time of an earlier one's resolution is a
    /// repeat.
    pub repeat_window: Duration,
    /// The position in a chain of repeats (3: the third complaint) that is handled one level up.
    pub repeat_escalates_at: u32,
    /// The number of 不满意 ratings on one complaint that calls a 部门会商.
    pub consultation_after_dissatisfied: u32,
    /// How soon the 会商 meets.
    pub consultation_within: DeadlineRule,
}

impl Default for EscalationPolicy {
    fn default() -> Self {
        Self {
            warn_at_percent: 70,
            supervised_sign_within: DeadlineRule::WorkingHours(4),
            red_card_after: DeadlineRule::WorkingDays(5),
            district_after_red: DeadlineRule::WorkingDays(5),
            group_households: 5,
            group_window: Duration::days(7),
            repeat_window: Duration::days(30),
            repeat_escalates_at: 3,
            consultation_after_dissatisfied: 2,
            consultation_within: DeadlineRule::WorkingDays(3),
        }
    }
}

/// What the rules need to know about one complaint.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct EscalationFacts {
    pub status: ComplaintStatus,
    pub handler: HandlerRole,
    pub level: Level,
    pub card: Card,
    /// When the current card took effect.
    pub card_since: Option<DateTime<Utc>>,
    /// When the current signing period began (filing, transfer, supervision).
    pub sign_started_at: DateTime<Utc>,
    pub sign_due_at: DateTime<Utc>,
    /// When the current resolving period began (filing, reopening, 提级).
    pub resolve_started_at: DateTime<Utc>,
    pub resolve_due_at: DateTime<Utc>,
    /// The category's own deadlines, for fresh deadlines after 提级.
    pub sign_rule: DeadlineRule,
    pub resolve_rule: DeadlineRule,
    /// The signing deadline a street office set after the unit's own passed (督办). The unit's
    /// deadline stays as it was: missed, and the resident may still chase it (催办).
    pub sign_supervised_until: Option<DateTime<Utc>>,
    /// The due times a warning was already given for.
    pub warned_sign_due_at: Option<DateTime<Utc>>,
    pub warned_resolve_due_at: Option<DateTime<Utc>>,
    /// Distinct households (phones) behind this problem: filers of the same community and
    /// category within the window, and neighbours who joined.
    pub households: u32,
    pub group_escalated: bool,
    /// 1 for a first complaint, 2 for its first repeat, and so on.
    pub repeat_position: u32,
    pub repeat_escalated: bool,
    pub dissatisfied_ratings: u32,
    pub consultation: ConsultationState,
}

impl EscalationFacts {
    fn stopped(&self) -> bool {
        matches!(self.status, ComplaintStatus::Withdrawn | ComplaintStatus::Closed)
    }

    /// Whether the step being waited for is close to its deadline (即将超时), for the banner.
    pub fn due_soon(&self, now: DateTime<Utc>, policy: &EscalationPolicy) -> bool {
        if !self.status.is_open() {
            return false;
        }
        let (start, due) = self.pending_period();
        now < due && now >= warning_time(start, due, policy)
    }

    /// The period of the step being waited for: signing while submitted, else resolving.
    fn pending_period(&self) -> (DateTime<Utc>, DateTime<Utc>) {
        if self.status == ComplaintStatus::Submitted {
            (self.sign_started_at, self.sign_due_at)
        } else {
            (self.resolve_started_at, self.resolve_due_at)
        }
    }
}

fn warning_time(start: DateTime<Utc>, due: DateTime<Utc>, policy: &EscalationPolicy) -> DateTime<Utc> {
    let allowed = (due - start).max(Duration::zero());
    start + allowed * i32::try_from(policy.warn_at_percent.min(100)).unwrap_or(100) / 100
}

/// One escalation the rules decided: its timeline entry and the facts it leaves behind.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Escalation {
    pub kind: EventKind,
    pub detail: EscalationDetail,
    pub after: EscalationFacts,
}

/// The first escalation due for `facts` at `now`, if any. Apply it (take `after`) and ask again
/// until nothing is due: [`escalate`] does exactly that.
pub fn next_escalation(
    facts: &EscalationFacts,
    now: DateTime<Utc>,
    policy: &EscalationPolicy,
    calendar: &impl WorkCalendar,
) -> Option<Escalation> {
    if facts.stopped() {
        return None;
    }
    let detail = EscalationDetail::new;
    let open = facts.status.is_open();
    let unsigned = facts.status == ComplaintStatus::Submitted;

    // 部门会商: a second 不满意 on the same complaint.
    if facts.dissatisfied_ratings >= policy.consultation_after_dissatisfied
        && facts.consultation == ConsultationState::None
    {
        let meeting_at = due_at(now, policy.consultation_within, calendar);
        let after = EscalationFacts { consultation: ConsultationState::Scheduled { meeting_at }, ..*facts };
        let detail = EscalationDetail {
            meeting_at: Some(meeting_at),
            ..detail(EscalationReason::Dissatisfied, EscalatingBody::HousingBureau)
        };
        return Some(Escalation { kind: EventKind::ConsultationScheduled, detail, after });
    }
    if !open {
        return None;
    }

    // 群体投诉 and 反复投诉: handled one level up, with fresh deadlines.
    let group = facts.households >= policy.group_households && !facts.group_escalated;
    let repeat = facts.repeat_position >= policy.repeat_escalates_at && !facts.repeat_escalated;
    if group || repeat {
        let reason = if group { EscalationReason::GroupComplaint } else { EscalationReason::RepeatComplaint };
        let mut after = EscalationFacts {
            group_escalated: facts.group_escalated || group,
            repeat_escalated: facts.repeat_escalated || repeat,
            ..*facts
        };
        let mut step = detail(reason, EscalatingBody::HousingBureau);
        if let Some(level) = facts.level.up() {
            after = raised(&after, level, now, calendar);
            step.level = Some(level);
            step.sign_due_at = (after.sign_due_at != facts.sign_due_at).then_some(after.sign_due_at);
            step.resolve_due_at = Some(after.resolve_due_at);
        }
        return Some(Escalation { kind: EventKind::Escalated, detail: step, after });
    }

    // Nobody signed in time: 催办 to the unit, copied to the street office, which supervises
    // with a new signing deadline.
    let supervised_until = facts.sign_supervised_until.map_or(facts.sign_due_at, |until| until.max(facts.sign_due_at));
    if unsigned && now > supervised_until {
        let sign_due_at = due_at(now, policy.supervised_sign_within, calendar).max(supervised_until);
        let after = EscalationFacts { sign_supervised_until: Some(sign_due_at), ..*facts };
        let step = EscalationDetail {
            sign_due_at: Some(sign_due_at),
            ..detail(EscalationReason::SignOverdue, EscalatingBody::StreetOffice)
        };
        return Some(Escalation { kind: EventKind::Supervised, detail: step, after });
    }

    // Not resolved in time: a yellow card the next working day, a red card (挂牌督办) five working
    // days later, the district five working days after that. Each card names the time by which
    // the work must be done before the next step up; the unit's own deadline stays missed.
    let yellow_at = start_of_next_working_day(facts.resolve_due_at, calendar);
    if facts.card == Card::None && now >= yellow_at {
        let after = EscalationFacts { card: Card::Yellow, card_since: Some(yellow_at), ..*facts };
        let step = EscalationDetail {
            card: Some(Card::Yellow),
            resolve_due_at: Some(due_at(yellow_at, policy.red_card_after, calendar)),
            ..detail(EscalationReason::ResolveOverdue, EscalatingBody::StreetOffice)
        };
        return Some(Escalation { kind: EventKind::Supervised, detail: step, after });
    }
    if let Some(since) = facts.card_since {
        let next_step_at = |rule| due_at(since, rule, calendar);
        if facts.card == Card::Yellow && now >= next_step_at(policy.red_card_after) {
            let red_at = next_step_at(policy.red_card_after);
            let after = EscalationFacts { card: Card::Red, card_since: Some(red_at), ..*facts };
            let step = EscalationDetail {
                card: Some(Card::Red),
                resolve_due_at: Some(due_at(red_at, policy.district_after_red, calendar)),
                ..detail(EscalationReason::ResolveOverdue, EscalatingBody::HousingBureau)
            };
            return Some(Escalation { kind: EventKind::Supervised, detail: step, after });
        }
        if facts.card == Card::Red
            && facts.level < Level::DistrictBureau
            && now >= next_step_at(policy.district_after_red)
        {
            let after = raised(facts, Level::DistrictBureau, now, calendar);
            let step = EscalationDetail {
                level: Some(Level::DistrictBureau),
                resolve_due_at: Some(after.resolve_due_at),
                ..detail(EscalationReason::ResolveOverdue, EscalatingBody::DistrictBureau)
            };
            return Some(Escalation { kind: EventKind::Escalated, detail: step, after });
        }
    }

    // 预警: most of the time allowed has gone.
    if unsigned
        && facts.warned_sign_due_at != Some(facts.sign_due_at)
        && now >= warning_time(facts.sign_started_at, facts.sign_due_at, policy)
        && now <= facts.sign_due_at
    {
        let after = EscalationFacts { warned_sign_due_at: Some(facts.sign_due_at), ..*facts };
        let step = EscalationDetail {
            sign_due_at: Some(facts.sign_due_at),
            ..detail(EscalationReason::SignDueSoon, EscalatingBody::System)
        };
        return Some(Escalation { kind: EventKind::DueSoon, detail: step, after });
    }
    if !unsigned
        && facts.warned_resolve_due_at != Some(facts.resolve_due_at)
        && now >= warning_time(facts.resolve_started_at, facts.resolve_due_at, policy)
        && now <= facts.resolve_due_at
    {
        let after = EscalationFacts { warned_resolve_due_at: Some(facts.resolve_due_at), ..*facts };
        let step = EscalationDetail {
            resolve_due_at: Some(facts.resolve_due_at),
            ..detail(EscalationReason::ResolveDueSoon, EscalatingBody::System)
        };
        return Some(Escalation { kind: EventKind::DueSoon, detail: step, after });
    }
    None
}

/// The earliest moment after `now` at which a rule may fire for these facts by the clock alone,
/// if any: the scheduler need not look at the complaint before then. Call it on the facts that
/// [`escalate`] left at `now`. The rules that follow events (群体, 反复, 会商) run after those
/// events and never wait for the clock.
pub fn next_check_at(
    facts: &EscalationFacts,
    now: DateTime<Utc>,
    policy: &EscalationPolicy,
    calendar: &impl WorkCalendar,
) -> Option<DateTime<Utc>> {
    if !facts.status.is_open() {
        return None;
    }
    // "Overdue" is strictly after the due time.
    let just_after = |t: DateTime<Utc>| t + Duration::nanoseconds(1);
    let mut times = Vec::with_capacity(3);
    if facts.status == ComplaintStatus::Submitted {
        if facts.warned_sign_due_at != Some(facts.sign_due_at) {
            times.push(warning_time(facts.sign_started_at, facts.sign_due_at, policy));
        }
        let supervised_until =
            facts.sign_supervised_until.map_or(facts.sign_due_at, |until| until.max(facts.sign_due_at));
        times.push(just_after(supervised_until));
    } else if facts.warned_resolve_due_at != Some(facts.resolve_due_at) {
        times.push(warning_time(facts.resolve_started_at, facts.resolve_due_at, policy));
    }
    match (facts.card, facts.card_since) {
        (Card::None, _) => times.push(start_of_next_working_day(facts.resolve_due_at, calendar)),
        (Card::Yellow, Some(since)) => times.push(due_at(since, policy.red_card_after, calendar)),
        (Card::Red, Some(since)) if facts.level < Level::DistrictBureau => {
            times.push(due_at(since, policy.district_after_red, calendar));
        }
        _ => {}
    }
    times.into_iter().filter(|&t| t > now).min()
}

/// Enough for every rule to fire once in a row, with room to spare; only a bug could need more.
const MOST_STEPS_AT_ONCE: usize = 16;

/// Every escalation due for `facts` at `now`, in order: after a server was down for days, a
/// long-overdue complaint gets its yellow card, red card and 提级 in one pass, each dated by the
/// rule rather than by the late pass.
pub fn escalate(
    facts: &EscalationFacts,
    now: DateTime<Utc>,
    policy: &EscalationPolicy,
    calendar: &impl WorkCalendar,
) -> Vec<Escalation> {
    let mut steps = Vec::new();
    let mut current = *facts;
    while steps.len() < MOST_STEPS_AT_ONCE {
        let Some(step) = next_escalation(&current, now, policy, calendar) else { break };
        current = step.after;
        steps.push(step);
    }
    steps
}

/// The facts after 提级办理 to `level`: the street office takes over from the property company
/// (and must sign if nobody has yet); the district leads the street office's work. The resolving
/// deadline starts afresh, and never moves earlier.
pub fn raised(
    facts: &EscalationFacts,
    level: Level,
    now: DateTime<Utc>,
    calendar: &impl WorkCalendar,
) -> EscalationFacts {
    let unsigned = facts.status == ComplaintStatus::Submitted;
    let (sign_started_at, sign_due_at) = if unsigned {
        (now, due_at(now, facts.sign_rule, calendar).max(facts.sign_due_at))
    } else {
        (facts.sign_started_at, facts.sign_due_at)
    };
    EscalationFacts {
        level: level.max(facts.level),
        handler: if level >= Level::StreetOffice { HandlerRole::CommunityOffice } else { facts.handler },
        sign_started_at,
        sign_due_at,
        resolve_started_at: now,
        resolve_due_at: due_at(now, facts.resolve_rule, calendar).max(facts.resolve_due_at),
        ..*facts
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_consultation_state_is_read_as_it_is_written() {
        let at = crate::time::parse_rfc3339("2026-12-03T06:30:00Z").unwrap_or_default();
        for state in [
            ConsultationState::None,
            ConsultationState::Scheduled { meeting_at: at },
            ConsultationState::Held { meeting_at: at },
        ] {
            let written = serde_json::to_string(&state).unwrap_or_default();
            assert_eq!(serde_json::from_str::<ConsultationState>(&written).ok(), Some(state), "{written}");
        }
        assert_eq!(
            serde_json::from_str::<ConsultationState>(r#"{"meeting_at":"2026-12-03T06:30:00Z","state":"held"}"#).ok(),
            Some(ConsultationState::Held { meeting_at: at })
        );
        for refused in
            [r#"{"state":"scheduled"}"#, r#"{"state":"postponed"}"#, r#"{"meeting_at":"2026-12-03T06:30:00Z"}"#]
        {
            assert!(serde_json::from_str::<ConsultationState>(refused).is_err(), "{refused}");
        }
    }
    use crate::ComplaintStatus::*;
    use crate::deadline::Weekdays;
    use crate::time::china_standard_time;
    use chrono::TimeZone;
    use proptest::prelude::*;

    /// A moment as China wall-clock time. 2026-11-23 is a Monday.
    fn cst(d: u32, h: u32, min: u32) -> DateTime<Utc> {
        china_standard_time().with_ymd_and_hms(2026, 11, d, h, min, 0).single().map(|t| t.to_utc()).unwrap_or_default()
    }

    fn cst_dec(d: u32, h: u32) -> DateTime<Utc> {
        china_standard_time().with_ymd_and_hms(2026, 12, d, h, 0, 0).single().map(|t| t.to_utc()).unwrap_or_default()
    }

    /// Filed Monday 23 November 09:00: sign by Tuesday 09:00, resolve by Monday 30th 09:00.
    fn filed() -> EscalationFacts {
        let at = cst(23, 9, 0);
        EscalationFacts {
            status: Submitted,
            handler: HandlerRole::PropertyCompany,
            level: Level::PropertyCompany,
            card: Card::None,
            card_since: None,
            sign_supervised_until: None,
            sign_started_at: at,
            sign_due_at: cst(24, 9, 0),
            resolve_started_at: at,
            resolve_due_at: cst(30, 9, 0),
            sign_rule: DeadlineRule::WorkingDays(1),
            resolve_rule: DeadlineRule::Hours(168),
            warned_sign_due_at: None,
            warned_resolve_due_at: None,
            households: 1,
            group_escalated: false,
            repeat_position: 1,
            repeat_escalated: false,
            dissatisfied_ratings: 0,
            consultation: ConsultationState::None,
        }
    }

    fn accepted() -> EscalationFacts {
        EscalationFacts { status: Accepted, warned_sign_due_at: Some(cst(24, 9, 0)), ..filed() }
    }

    fn next(facts: &EscalationFacts, now: DateTime<Utc>) -> Option<Escalation> {
        next_escalation(facts, now, &EscalationPolicy::default(), &Weekdays)
    }

    fn reasons(facts: &EscalationFacts, now: DateTime<Utc>) -> Vec<(EventKind, EscalationReason)> {
        escalate(facts, now, &EscalationPolicy::default(), &Weekdays)
            .into_iter()
            .map(|e| (e.kind, e.detail.reason))
            .collect()
    }

    #[test]
    fn a_warning_comes_at_seventy_percent_of_the_time_to_sign_and_only_once() {
        // 24 hours to sign: the warning is due at 09:00 + 16.8 h = 01:48 on Tuesday.
        assert_eq!(next(&filed(), cst(24, 1, 47)), None);
        let warning = next(&filed(), cst(24, 1, 48)).expect("a warning at 70%");
        assert_eq!((warning.kind, warning.detail.reason), (EventKind::DueSoon, EscalationReason::SignDueSoon));
        assert_eq!(next(&warning.after, cst(24, 2, 0)), None, "warned once per deadline");
        assert!(filed().due_soon(cst(24, 1, 48), &EscalationPolicy::default()));
        assert!(!filed().due_soon(cst(24, 1, 47), &EscalationPolicy::default()));
    }

    #[test]
    fn a_warning_comes_at_seventy_percent_of_the_time_to_resolve() {
        // 168 hours: 70% is 117.6 h after Monday 09:00, Saturday 06:36.
        assert_eq!(next(&accepted(), cst(28, 6, 35)), None);
        let warning = next(&accepted(), cst(28, 6, 36)).expect("a warning");
        assert_eq!(warning.detail.reason, EscalationReason::ResolveDueSoon);
        assert_eq!(warning.detail.resolve_due_at, Some(cst(30, 9, 0)));
    }

    #[test]
    fn a_missed_signing_deadline_is_supervised_by_the_street_office_with_four_working_hours() {
        let facts = EscalationFacts { warned_sign_due_at: Some(cst(24, 9, 0)), ..filed() };
        assert_eq!(next(&facts, cst(24, 9, 0)), None, "due at, not yet overdue");
        let step = next(&facts, cst(24, 9, 1)).expect("supervision");
        assert_eq!(step.kind, EventKind::Supervised);
        assert_eq!(step.detail.reason, EscalationReason::SignOverdue);
        assert_eq!(step.detail.by, EscalatingBody::StreetOffice);
        assert_eq!(step.detail.sign_due_at, Some(cst(24, 13, 1)));
        assert_eq!(step.after.sign_supervised_until, Some(cst(24, 13, 1)));
        assert_eq!(step.after.sign_due_at, facts.sign_due_at, "the unit's own deadline stays missed");
        assert_eq!(next(&step.after, cst(24, 9, 2)), None, "once");
        let again = next(&step.after, cst(24, 13, 2)).expect("missed again, supervised again");
        assert_eq!(again.after.sign_supervised_until, Some(cst(24, 17, 2)));
    }

    #[test]
    fn an_unresolved_complaint_gets_a_yellow_card_the_next_working_day_then_red_then_the_district() {
        let facts = EscalationFacts { warned_resolve_due_at: Some(cst(30, 9, 0)), ..accepted() };
        // Due Monday 30th 09:00; the yellow card comes on Tuesday 1 December at 00:00.
        assert_eq!(next(&facts, cst_dec(1, 0) - Duration::minutes(1)), None);
        let yellow = next(&facts, cst_dec(1, 0)).expect("yellow");
        assert_eq!((yellow.kind, yellow.detail.card), (EventKind::Supervised, Some(Card::Yellow)));
        assert_eq!(yellow.after.card, Card::Yellow);
        // Five working days later, Tuesday 8th 00:00: the red card, from the housing bureau.
        assert_eq!(next(&yellow.after, cst_dec(7, 23)), None);
        assert_eq!(yellow.detail.resolve_due_at, Some(cst_dec(8, 0)), "done by then, or the red card");
        let red = next(&yellow.after, cst_dec(8, 0)).expect("red");
        assert_eq!((red.detail.card, red.detail.by), (Some(Card::Red), EscalatingBody::HousingBureau));
        assert_eq!(red.detail.resolve_due_at, Some(cst_dec(15, 0)), "done by then, or the district");
        // Five more: Tuesday 15th, to the district.
        assert_eq!(next(&red.after, cst_dec(14, 23)), None);
        let district = next(&red.after, cst_dec(15, 0)).expect("district");
        assert_eq!(district.kind, EventKind::Escalated);
        assert_eq!(district.detail.level, Some(Level::DistrictBureau));
        assert_eq!(district.after.level, Level::DistrictBureau);
        assert!(district.after.resolve_due_at > facts.resolve_due_at);
        assert_eq!(next(&district.after, cst_dec(30, 0)), None, "the top of the ladder");
    }

    #[test]
    fn a_late_pass_catches_up_in_order_with_the_rules_dates() {
        let facts = EscalationFacts { warned_resolve_due_at: Some(cst(30, 9, 0)), ..accepted() };
        let steps = escalate(&facts, cst_dec(20, 0), &EscalationPolicy::default(), &Weekdays);
        let cards: Vec<_> = steps.iter().map(|s| (s.detail.card, s.detail.level)).collect();
        assert_eq!(cards, [(Some(Card::Yellow), None), (Some(Card::Red), None), (None, Some(Level::DistrictBureau))]);
        assert_eq!(steps[1].after.card_since, Some(cst_dec(8, 0)));
    }

    #[test]
    fn five_households_raise_a_complaint_one_level_with_fresh_deadlines() {
        let four = EscalationFacts { households: 4, ..accepted() };
        assert_eq!(next(&four, cst(24, 10, 0)), None);
        let five = EscalationFacts { households: 5, ..four };
        let step = next(&five, cst(24, 10, 0)).expect("group");
        assert_eq!((step.kind, step.detail.reason), (EventKind::Escalated, EscalationReason::GroupComplaint));
        assert_eq!(step.after.level, Level::StreetOffice);
        assert_eq!(step.after.handler, HandlerRole::CommunityOffice);
        assert_eq!(step.after.resolve_due_at, cst(24, 10, 0) + Duration::hours(168));
        assert_eq!(next(&EscalationFacts { households: 9, ..step.after }, cst(24, 11, 0)), None, "once");
        // A street office's complaint goes to the district.
        let street = EscalationFacts { handler: HandlerRole::CommunityOffice, level: Level::StreetOffice, ..five };
        assert_eq!(next(&street, cst(24, 10, 0)).and_then(|s| s.detail.level), Some(Level::DistrictBureau));
    }

    #[test]
    fn an_unsigned_group_complaint_gets_a_fresh_signing_deadline_for_its_new_holder() {
        let facts = EscalationFacts { households: 5, ..filed() };
        let step = next(&facts, cst(23, 12, 0)).expect("group");
        assert_eq!(step.after.sign_due_at, cst(24, 12, 0));
        assert_eq!(step.detail.sign_due_at, Some(cst(24, 12, 0)));
    }

    #[test]
    fn the_third_repeat_in_a_row_is_raised_and_the_second_is_not() {
        assert_eq!(next(&EscalationFacts { repeat_position: 2, ..accepted() }, cst(24, 10, 0)), None);
        let step = next(&EscalationFacts { repeat_position: 3, ..accepted() }, cst(24, 10, 0)).expect("repeat");
        assert_eq!(step.detail.reason, EscalationReason::RepeatComplaint);
        assert!(step.after.repeat_escalated);
    }

    #[test]
    fn a_second_dissatisfied_rating_calls_a_joint_meeting_once() {
        let rated = EscalationFacts { status: Rated, dissatisfied_ratings: 1, ..accepted() };
        assert_eq!(next(&rated, cst(25, 10, 0)), None, "the first leads to 重新办理 only");
        let twice = EscalationFacts { dissatisfied_ratings: 2, ..rated };
        let step = next(&twice, cst(25, 10, 0)).expect("会商");
        assert_eq!(step.kind, EventKind::ConsultationScheduled);
        assert_eq!(step.detail.meeting_at, Some(cst(30, 10, 0)));
        assert_eq!(step.after.consultation, ConsultationState::Scheduled { meeting_at: cst(30, 10, 0) });
        assert_eq!(next(&step.after, cst(25, 11, 0)), None);
    }

    #[test]
    fn nothing_happens_to_a_withdrawn_or_closed_complaint() {
        for status in [Withdrawn, Closed] {
            let facts =
                EscalationFacts { status, households: 9, repeat_position: 5, dissatisfied_ratings: 3, ..filed() };
            assert!(reasons(&facts, cst_dec(30, 0)).is_empty(), "{status:?}");
            assert!(!facts.due_soon(cst(24, 8, 0), &EscalationPolicy::default()));
        }
        // A resolved one waits for its rating: no overdue card while the resident decides.
        let resolved = EscalationFacts { status: Resolved, ..accepted() };
        assert!(reasons(&resolved, cst_dec(30, 0)).is_empty());
    }

    proptest! {
        /// Before the time `next_check_at` names, the clock alone escalates nothing: the
        /// scheduler may skip the complaint until then.
        #[test]
        fn nothing_is_due_before_the_next_check(
            status in any_status(),
            card in proptest::sample::select(vec![Card::None, Card::Yellow, Card::Red]),
            start in 0i64..20_000,
            waits in proptest::collection::vec(1i64..20_000, 1..8),
        ) {
            let policy = EscalationPolicy::default();
            let since = Some(cst(23, 9, 0));
            let mut facts = EscalationFacts { status, card, card_since: since, ..filed() };
            let mut now = cst(23, 9, 0) + Duration::minutes(start);
            for wait in waits {
                if let Some(last) = escalate(&facts, now, &policy, &Weekdays).last() {
                    facts = last.after;
                }
                let next = next_check_at(&facts, now, &policy, &Weekdays);
                let later = now + Duration::minutes(wait);
                if next.is_none_or(|next| later < next) {
                    prop_assert!(escalate(&facts, later, &policy, &Weekdays).is_empty(), "{facts:?} at {later} before {next:?}");
                }
                now = later;
            }
        }
    }

    #[test]
    fn the_next_check_is_the_nearest_rule_and_none_for_a_finished_complaint() {
        let policy = EscalationPolicy::default();
        // Filed Monday 09:00: the signing warning at 01:48 on Tuesday comes first.
        assert_eq!(next_check_at(&filed(), cst(23, 9, 0), &policy, &Weekdays), Some(cst(24, 1, 48)));
        let warned = EscalationFacts { warned_sign_due_at: Some(cst(24, 9, 0)), ..filed() };
        assert_eq!(
            next_check_at(&warned, cst(24, 2, 0), &policy, &Weekdays),
            Some(cst(24, 9, 0) + Duration::nanoseconds(1))
        );
        for status in [Resolved, Rated, Closed, Withdrawn] {
            assert_eq!(next_check_at(&EscalationFacts { status, ..filed() }, cst(23, 9, 0), &policy, &Weekdays), None);
        }
    }

    fn any_status() -> impl Strategy<Value = ComplaintStatus> {
        proptest::sample::select(ComplaintStatus::ALL.to_vec())
    }

    proptest! {
        /// Whatever the facts and however the clock moves (backwards too), the rules never
        /// escalate twice for the same facts, cards and levels only go up, deadlines only move
        /// later, and a terminal complaint is never touched.
        #[test]
        fn escalation_is_monotonic_and_idempotent(
            status in any_status(),
            households in 0u32..9,
            repeat_position in 1u32..5,
            dissatisfied in 0u32..4,
            moves in proptest::collection::vec(-3000i64..20_000, 1..12),
        ) {
            let policy = EscalationPolicy::default();
            let mut facts = EscalationFacts { status, households, repeat_position, dissatisfied_ratings: dissatisfied, ..filed() };
            let mut now = cst(23, 9, 0);
            for minutes in moves {
                now += Duration::minutes(minutes);
                let steps = escalate(&facts, now, &policy, &Weekdays);
                if matches!(facts.status, Withdrawn | Closed) {
                    prop_assert!(steps.is_empty());
                }
                for step in &steps {
                    prop_assert!(step.after.card >= facts.card);
                    prop_assert!(step.after.level >= facts.level);
                    prop_assert!(step.after.sign_due_at >= facts.sign_due_at);
                    prop_assert!(step.after.sign_supervised_until >= facts.sign_supervised_until);
                    prop_assert!(step.after.resolve_due_at >= facts.resolve_due_at);
                    prop_assert_eq!(step.after.status, facts.status);
                    facts = step.after;
                }
                prop_assert!(escalate(&facts, now, &policy, &Weekdays).is_empty(), "a second pass at the same time does nothing");
            }
        }
    }
}
