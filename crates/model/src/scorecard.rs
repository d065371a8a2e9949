//! Public scorecards (揭丑亮短): how each property company and community handles complaints.
//!
//! The server counts; the rates, the composite score and the grade are computed here, once, so
//! the page, the API and any city's back end state the same method.

use chrono::{DateTime, Datelike, NaiveDate, TimeZone, Utc};
use serde::{Deserialize, Serialize};

use crate::time::china_standard_time;

/// A month (`2026-11`) or a quarter (`2026Q4`), in China's calendar. On the wire, that text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub enum Period {
    Month { year: i32, month: u32 },
    Quarter { year: i32, quarter: u32 },
}

impl Period {
    /// Accepts `2026-11` and `2026Q4` (also `2026-q4`); refuses anything else, `2026Q9` included.
    pub fn parse(input: &str) -> Option<Self> {
        let input = input.trim();
        let (year, rest) = input.split_at_checked(4)?;
        let year: i32 = year.parse().ok().filter(|y| (2000..=2100).contains(y))?;
        let rest = rest.strip_prefix('-').unwrap_or(rest);
        if let Some(quarter) = rest.strip_prefix(['Q', 'q']) {
            if quarter.len() != 1 {
                return None;
            }
            let quarter: u32 = quarter.parse().ok().filter(|q| (1..=4).contains(q))?;
            return Some(Self::Quarter { year, quarter });
        }
        if rest.len() != 2 || !rest.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        let month: u32 = rest.parse().ok().filter(|m| (1..=12).contains(m))?;
        Some(Self::Month { year, month })
    }

    /// The quarter that `instant` falls in, in China.
    pub fn quarter_of(instant: DateTime<Utc>) -> Self {
        let date = crate::time::china_date(instant);
        Self::Quarter { year: date.year(), quarter: (date.month() - 1) / 3 + 1 }
    }

    pub fn month_of(instant: DateTime<Utc>) -> Self {
        let date = crate::time::china_date(instant);
        Self::Month { year: date.year(), month: date.month() }
    }

    fn first_day(self) -> NaiveDate {
        let (year, month) = match self {
            Self::Month { year, month } => (year, month),
            Self::Quarter { year, quarter } => (year, (quarter - 1) * 3 + 1),
        };
        NaiveDate::from_ymd_opt(year, month, 1).unwrap_or_default()
    }

    /// The first moment of the period, China time.
    pub fn start(self) -> DateTime<Utc> {
        china_midnight(self.first_day())
    }

    /// The first moment after the period.
    pub fn end(self) -> DateTime<Utc> {
        self.next().start()
    }

    pub fn next(self) -> Self {
        match self {
            Self::Month { year, month: 12 } => Self::Month { year: year + 1, month: 1 },
            Self::Month { year, month } => Self::Month { year, month: month + 1 },
            Self::Quarter { year, quarter: 4 } => Self::Quarter { year: year + 1, quarter: 1 },
            Self::Quarter { year, quarter } => Self::Quarter { year, quarter: quarter + 1 },
        }
    }

    pub fn previous(self) -> Self {
        match self {
            Self::Month { year, month: 1 } => Self::Month { year: year - 1, month: 12 },
            Self::Month { year, month } => Self::Month { year, month: month - 1 },
            Self::Quarter { year, quarter: 1 } => Self::Quarter { year: year - 1, quarter: 4 },
            Self::Quarter { year, quarter } => Self::Quarter { year, quarter: quarter - 1 },
        }
    }

    /// This period and the three before it, oldest first: the trend.
    pub fn trend(self) -> [Self; 4] {
        let third = self.previous();
        let second = third.previous();
        [second.previous(), second, third, self]
    }
}

fn china_midnight(date: NaiveDate) -> DateTime<Utc> {
    china_standard_time()
        .from_local_datetime(&date.and_hms_opt(0, 0, 0).unwrap_or_default())
        .single()
        .map(|t| t.to_utc())
        .unwrap_or_default()
}

impl std::fmt::Display for Period {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Month { year, month } => write!(f, "{year}-{month:02}"),
            Self::Quarter { year, quarter } => write!(f, "{year}Q{quarter}"),
        }
    }
}

impl TryFrom<String> for Period {
    type Error = &'static str;
    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value).ok_or("a month such as 2026-11 or a quarter such as 2026Q4")
    }
}

impl From<Period> for String {
    fn from(value: Period) -> Self {
        value.to_string()
    }
}

/// What the server counts over the complaints (物业类) filed in a period.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ScoreCounts {
    /// Complaints filed, less those withdrawn.
    pub complaints: u32,
    /// Of those, the ones whose first signing is settled (signed, or its deadline passed)…
    pub sign_settled: u32,
    /// …and signed within it.
    pub signed_on_time: u32,
    /// Resolved at least once…
    pub resolved: u32,
    /// …without being reopened.
    pub resolved_without_reopen: u32,
    /// Whose first resolution is settled (resolved, or its deadline passed)…
    pub resolve_settled: u32,
    /// …and resolved within it.
    pub resolved_on_time: u32,
    /// Rated by the resident…
    pub rated: u32,
    /// …满意 or 基本满意.
    pub satisfied: u32,
    /// Linked as a repeat of an earlier complaint.
    pub repeats: u32,
    pub yellow_cards: u32,
    pub red_cards: u32,
    /// Still open and escalated (a card, or handled above the company).
    pub open_escalations: u32,
    /// Households in the communities counted.
    pub households: u32,
    /// The median time from filing to signing, in minutes.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub median_sign_minutes: Option<u32>,
}

/// Below this many rated complaints, no satisfaction rate and no grade: 样本不足.
pub const MIN_RATED_FOR_A_GRADE: u32 = 10;

/// The weights of the composite score, in points out of 100; stated on the page.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weights {
    pub satisfaction: u32,
    pub on_time_resolution: u32,
    pub on_time_signing: u32,
    pub repeats: u32,
    pub volume: u32,
}

pub const WEIGHTS: Weights =
    Weights { satisfaction: 40, on_time_resolution: 30, on_time_signing: 10, repeats: 10, volume: 10 };

/// Complaints per 10,000 households at or below which the volume part earns full marks, and at
/// or above which it earns none (linear between).
pub const VOLUME_FULL_MARKS_AT: f64 = 10.0;
pub const VOLUME_NO_MARKS_AT: f64 = 100.0;

crate::names::named_enum! {
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
    pub enum Grade {
        A = "A",
        B = "B",
        C = "C",
        D = "D",
    }
}

impl Grade {
    /// A ≥ 85, B 75–85, C 60–75, D < 60; `score` in tenths of a point.
    pub fn of(score: u32) -> Self {
        match score {
            s if s >= 850 => Self::A,
            s if s >= 750 => Self::B,
            s if s >= 600 => Self::C,
            _ => Self::D,
        }
    }
}

/// Rates in per mille (‰: 853 is 85.3 %), so that they travel and print as whole numbers and the
/// app carries no floating-point parsing or formatting; `None` where there is nothing to divide
/// by (or, for satisfaction, too few ratings).
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rates {
    /// 响应率: signed on time.
    pub response: Option<u32>,
    /// 解决率: resolved without a reopen.
    pub resolution: Option<u32>,
    /// 满意率: 满意 + 基本满意 over rated.
    pub satisfaction: Option<u32>,
    /// 按时办结率
    pub on_time_resolution: Option<u32>,
    /// 重复投诉率
    pub repeat: Option<u32>,
    /// Complaints per 10,000 households, in tenths (347 is 34.7).
    pub per_10k_households: Option<u32>,
}

/// `part / whole` in per mille, rounded half up.
fn ratio(part: u32, whole: u32) -> Option<u32> {
    (whole > 0).then(|| {
        let (part, whole) = (u64::from(part.min(whole)), u64::from(whole));
        u32::try_from((part * 1000 + whole / 2) / whole).unwrap_or(1000)
    })
}

impl ScoreCounts {
    pub fn rates(&self) -> Rates {
        Rates {
            response: ratio(self.signed_on_time, self.sign_settled),
            resolution: ratio(self.resolved_without_reopen, self.resolved),
            satisfaction: (self.rated >= MIN_RATED_FOR_A_GRADE).then(|| ratio(self.satisfied, self.rated)).flatten(),
            on_time_resolution: ratio(self.resolved_on_time, self.resolve_settled),
            repeat: ratio(self.repeats, self.complaints),
            per_10k_households: (self.households > 0).then(|| {
                let (complaints, households) = (u64::from(self.complaints), u64::from(self.households));
                u32::try_from((complaints * 100_000 + households / 2) / households).unwrap_or(u32::MAX)
            }),
        }
    }

    /// The composite score in tenths of a point out of 100 (834 is 83.4), or `None` when the
    /// sample is too small (样本不足) or there were no complaints at all (listed, not ranked).
    pub fn score(&self) -> Option<u32> {
        let per_mille = |rate: Option<u32>, absent: u32| f64::from(rate.unwrap_or(absent)) / 1000.0;
        let rates = self.rates();
        let satisfaction = per_mille(Some(rates.satisfaction?), 0);
        // A step that could not yet be late counts as on time.
        let on_time_resolution = per_mille(rates.on_time_resolution, 1000);
        let on_time_signing = per_mille(rates.response, 1000);
        let repeats = 1.0 - per_mille(rates.repeat, 0);
        let volume = rates.per_10k_households.map_or(1.0, |tenths| {
            let v = f64::from(tenths) / 10.0;
            ((VOLUME_NO_MARKS_AT - v) / (VOLUME_NO_MARKS_AT - VOLUME_FULL_MARKS_AT)).clamp(0.0, 1.0)
        });
        let w = WEIGHTS;
        let score = satisfaction * f64::from(w.satisfaction)
            + on_time_resolution * f64::from(w.on_time_resolution)
            + on_time_signing * f64::from(w.on_time_signing)
            + repeats * f64::from(w.repeats)
            + volume * f64::from(w.volume);
        // Between 0 and 1000 by construction.
        Some((score * 10.0).round().clamp(0.0, 1000.0) as u32)
    }

    pub fn grade(&self) -> Option<Grade> {
        self.score().map(Grade::of)
    }
}

crate::names::named_enum! {
    /// Whose scorecard.
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ScoreSubject {
        PropertyCompany = "property_company",
        Community = "community",
    }
}

/// One period of one company's or community's record.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeriodScore {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026Q4"))]
    pub period: Period,
    pub counts: ScoreCounts,
    pub rates: Rates,
    /// In tenths of a point out of 100.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub score: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grade: Option<Grade>,
}

impl PeriodScore {
    pub fn new(period: Period, counts: ScoreCounts) -> Self {
        Self { period, counts, rates: counts.rates(), score: counts.score(), grade: counts.grade() }
    }

    /// 样本不足: some complaints, but too few ratings for a grade.
    pub fn sample_too_small(&self) -> bool {
        self.counts.rated < MIN_RATED_FOR_A_GRADE
    }
}

/// `GET /scorecards/{subject}/{id}`: the period asked for and the trend of four periods.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Scorecard {
    pub subject: ScoreSubject,
    pub id: i64,
    pub name: String,
    /// For a community: its company; for a company: the communities it manages.
    pub context: Vec<String>,
    pub current: PeriodScore,
    /// Oldest first, ending with `current`.
    pub trend: Vec<PeriodScore>,
    pub weights: Weights,
}

/// One row of a ranking.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RankedCompany {
    pub id: i64,
    pub name: String,
    pub score: PeriodScore,
}

/// `GET /scorecards`: companies of a district (or the city) for a period. Ranked companies are
/// best first; 红榜 and 黑榜 are the first and last five of them.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Ranking {
    #[cfg_attr(feature = "openapi", schema(value_type = String, example = "2026Q4"))]
    pub period: Period,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub district: Option<String>,
    pub ranked: Vec<RankedCompany>,
    /// Some complaints, too few ratings: 样本不足.
    pub unranked: Vec<RankedCompany>,
    /// No complaints at all in the period: listed, not ranked.
    pub without_complaints: Vec<RankedCompany>,
    pub weights: Weights,
}

/// How many companies 红榜 and 黑榜 name each, at most. With fewer than twice as many ranked,
/// the ranked are split in two halves (the better half on 红榜), so nobody stands on both.
pub const HONOUR_ROLL_SIZE: usize = 5;

impl Ranking {
    /// Sorts companies into ranked (best first), 样本不足, and without complaints.
    pub fn build(period: Period, district: Option<String>, companies: Vec<RankedCompany>) -> Self {
        let (mut ranked, rest): (Vec<_>, Vec<_>) = companies.into_iter().partition(|c| c.score.score.is_some());
        let (without_complaints, unranked) = rest.into_iter().partition(|c| c.score.counts.complaints == 0);
        ranked.sort_by(|a, b| b.score.score.cmp(&a.score.score).then(a.name.cmp(&b.name)));
        Self { period, district, ranked, unranked, without_complaints, weights: WEIGHTS }
    }

    /// 红榜: the best five (or the better half).
    pub fn best(&self) -> &[RankedCompany] {
        &self.ranked[..self.ranked.len().div_ceil(2).min(HONOUR_ROLL_SIZE)]
    }

    /// 黑榜: the worst five (or the worse half), worst first, never a company on 红榜.
    pub fn worst(&self) -> Vec<&RankedCompany> {
        let best = self.best().len();
        self.ranked[best..].iter().rev().take(HONOUR_ROLL_SIZE).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn periods_parse_and_print_both_ways() {
        assert_eq!(Period::parse("2026Q4"), Some(Period::Quarter { year: 2026, quarter: 4 }));
        assert_eq!(Period::parse("2026-q1"), Some(Period::Quarter { year: 2026, quarter: 1 }));
        assert_eq!(Period::parse("2026-11"), Some(Period::Month { year: 2026, month: 11 }));
        for bad in ["2026Q9", "2026Q0", "2026Q", "2026-13", "2026-1", "26Q4", "", "2026Q4x", "２０２６Q4", "2026-00"]
        {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
        assert_eq!(Period::Quarter { year: 2026, quarter: 4 }.to_string(), "2026Q4");
        assert_eq!(Period::Month { year: 2026, month: 3 }.to_string(), "2026-03");
    }

    #[test]
    fn periods_begin_at_midnight_in_china_and_chain() {
        let q4 = Period::Quarter { year: 2026, quarter: 4 };
        assert_eq!(q4.start().to_rfc3339(), "2026-09-30T16:00:00+00:00");
        assert_eq!(q4.end(), Period::Quarter { year: 2027, quarter: 1 }.start());
        assert_eq!(
            q4.trend(),
            [
                Period::Quarter { year: 2026, quarter: 1 },
                Period::Quarter { year: 2026, quarter: 2 },
                Period::Quarter { year: 2026, quarter: 3 },
                q4
            ]
        );
        assert_eq!(Period::Month { year: 2026, month: 1 }.previous(), Period::Month { year: 2025, month: 12 });
        assert_eq!(Period::quarter_of(q4.start()), q4);
        assert_eq!(Period::quarter_of(q4.start() - chrono::Duration::seconds(1)), q4.previous());
    }

    fn counts(rated: u32, satisfied: u32) -> ScoreCounts {
        ScoreCounts {
            complaints: 40,
            sign_settled: 40,
            signed_on_time: 36,
            resolved: 30,
            resolved_without_reopen: 27,
            resolve_settled: 32,
            resolved_on_time: 24,
            rated,
            satisfied,
            repeats: 4,
            households: 20_000,
            ..ScoreCounts::default()
        }
    }

    #[test]
    fn the_three_rates_and_the_composite_follow_the_stated_method() {
        let record = counts(20, 17);
        let rates = record.rates();
        assert_eq!(rates.response, Some(900));
        assert_eq!(rates.resolution, Some(900));
        assert_eq!(rates.satisfaction, Some(850));
        assert_eq!(rates.on_time_resolution, Some(750));
        assert_eq!(rates.repeat, Some(100));
        assert_eq!(rates.per_10k_households, Some(200));
        // 0.85×40 + 0.75×30 + 0.9×10 + 0.9×10 + (80/90)×10 = 34 + 22.5 + 9 + 9 + 8.888… = 83.4
        assert_eq!(record.score(), Some(834));
        assert_eq!(record.grade(), Some(Grade::B));
    }

    #[test]
    fn fewer_than_ten_ratings_is_too_small_a_sample() {
        let record = counts(9, 9);
        assert_eq!(record.rates().satisfaction, None);
        assert_eq!(record.score(), None);
        assert!(PeriodScore::new(Period::Quarter { year: 2026, quarter: 4 }, record).sample_too_small());
        assert_eq!(counts(10, 10).grade(), Some(Grade::A));
    }

    #[test]
    fn grades_have_their_stated_bounds() {
        assert_eq!(Grade::of(850), Grade::A);
        assert_eq!(Grade::of(849), Grade::B);
        assert_eq!(Grade::of(750), Grade::B);
        assert_eq!(Grade::of(749), Grade::C);
        assert_eq!(Grade::of(600), Grade::C);
        assert_eq!(Grade::of(599), Grade::D);
    }

    #[test]
    fn rankings_separate_the_unrankable_and_name_best_and_worst_without_overlap() {
        let period = Period::Quarter { year: 2026, quarter: 4 };
        let company = |id: i64, rated: u32, satisfied: u32, complaints: u32| RankedCompany {
            id,
            name: format!("company {id}"),
            score: PeriodScore::new(period, ScoreCounts { complaints, ..counts(rated, satisfied) }),
        };
        let mut companies: Vec<_> = (1..=7).map(|id| company(id, 10, id as u32, 40)).collect();
        companies.push(company(8, 3, 3, 40));
        companies.push(company(9, 0, 0, 0));
        let ranking = Ranking::build(period, None, companies);
        assert_eq!(ranking.ranked.iter().map(|c| c.id).collect::<Vec<_>>(), [7, 6, 5, 4, 3, 2, 1]);
        assert_eq!(ranking.unranked.iter().map(|c| c.id).collect::<Vec<_>>(), [8]);
        assert_eq!(ranking.without_complaints.iter().map(|c| c.id).collect::<Vec<_>>(), [9]);
        assert_eq!(ranking.best().iter().map(|c| c.id).collect::<Vec<_>>(), [7, 6, 5, 4]);
        assert_eq!(ranking.worst().iter().map(|c| c.id).collect::<Vec<_>>(), [1, 2, 3]);
        let many: Vec<_> = (1..=14).map(|id| company(id, 10, (id as u32).min(10), 40)).collect();
        let ranking = Ranking::build(period, None, many);
        assert_eq!(ranking.best().len(), 5);
        assert_eq!(ranking.worst().len(), 5);
    }

    proptest! {
        #[test]
        fn scores_stay_between_0_and_100_and_rates_between_0_and_1(
            complaints in 0u32..500, settled in 0u32..500, on_time in 0u32..500, rated in 0u32..500,
            satisfied in 0u32..500, repeats in 0u32..500, households in 0u32..100_000
        ) {
            let record = ScoreCounts {
                complaints, sign_settled: settled, signed_on_time: on_time, resolved: settled,
                resolved_without_reopen: on_time, resolve_settled: settled, resolved_on_time: on_time,
                rated, satisfied, repeats, households, ..ScoreCounts::default()
            };
            let rates = record.rates();
            for rate in [rates.response, rates.resolution, rates.satisfaction, rates.on_time_resolution, rates.repeat].into_iter().flatten() {
                prop_assert!(rate <= 1000);
            }
            if let Some(score) = record.score() {
                prop_assert!(score <= 1000);
                prop_assert!(rated >= MIN_RATED_FOR_A_GRADE);
            }
        }

        #[test]
        fn period_text_round_trips(year in 2000i32..2100, month in 1u32..=12, quarter in 1u32..=4) {
            for period in [Period::Month { year, month }, Period::Quarter { year, quarter }] {
                prop_assert_eq!(Period::parse(&period.to_string()), Some(period));
                prop_assert!(period.start() < period.end());
            }
        }
    }
}
