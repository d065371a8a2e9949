//! A year of finished complaints behind the demo stories, so that the scorecards have something
//! to say: each company handles its complaints after its own habits, some well, some badly, and
//! a newcomer has too few for a grade. Every complaint goes through the lifecycle like a real
//! one (`apply_action`, with the escalation rules catching up before each step), so the cards
//! and repeats the scorecards count are the ones the rules gave. Deterministic: a fixed seed.

use crate::store::db::Connection;
use chrono::{DateTime, Duration, Utc};
use mashang_model::lifecycle::{Action, Party};
use mashang_model::{ActorRole, PhoneNumber, Rating, Satisfaction, Solved, ValidComplaint};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use rusqlite::params;

use super::super::complaints::{
    ActionInput, Actor, ComplaintRow, FilingOutcome, Policies, apply_action, insert_complaint,
};
use super::super::personal::PersonalData;
use super::super::{StoreError, escalations};
use crate::secrets;

/// How a company tends to handle a complaint: the chance it signs on time, resolves on time,
/// leaves the resident satisfied, and has the complaint reopened; and complaints a month.
struct Habits {
    company: &'static str,
    signs_on_time: f64,
    resolves_on_time: f64,
    satisfies: f64,
    reopened: f64,
    per_month: u32,
}

const HABITS: &[Habits] = &[
    Habits {
        company: "蜀锦物业服务有限公司",
        signs_on_time: 0.97,
        resolves_on_time: 0.93,
        satisfies: 0.93,
        reopened: 0.04,
        per_month: 14,
    },
    Habits {
        company: "芙蓉里物业管理有限公司",
        signs_on_time: 0.9,
        resolves_on_time: 0.85,
        satisfies: 0.86,
        reopened: 0.08,
        per_month: 12,
    },
    Habits {
        company: "天府安居物业管理有限公司",
        signs_on_time: 0.82,
        resolves_on_time: 0.72,
        satisfies: 0.76,
        reopened: 0.12,
        per_month: 15,
    },
    Habits {
        company: "金沙和家物业服务有限公司",
        signs_on_time: 0.7,
        resolves_on_time: 0.58,
        satisfies: 0.62,
        reopened: 0.2,
        per_month: 17,
    },
    Habits {
        company: "锦官城物业服务有限公司",
        signs_on_time: 0.55,
        resolves_on_time: 0.42,
        satisfies: 0.45,
        reopened: 0.3,
        per_month: 20,
    },
    Habits {
        company: "蓉新物业服务有限公司",
        signs_on_time: 0.9,
        resolves_on_time: 0.9,
        satisfies: 0.9,
        reopened: 0.0,
        per_month: 1,
    },
];

/// (category, places, what residents write): problems that come back month after month.
const PATTERNS: &[(&str, &[&str], &str)] = &[
    ("电梯故障", &["1栋电梯", "3栋电梯", "6栋电梯"], "电梯又停了，按了半天没反应，请尽快安排维修。"),
    ("公共设施损坏", &["中心花园", "东门岗亭", "儿童游乐区"], "公共设施损坏很久了，存在安全隐患，希望尽快修复。"),
    ("垃圾清运", &["北门垃圾站", "2栋旁垃圾站", "地下车库入口"], "垃圾没有及时清运，气味很大，夏天还招蚊虫。"),
    ("楼道卫生", &["2栋1单元", "4栋2单元", "5栋3单元"], "楼道很久没有打扫，堆满了杂物和广告纸。"),
    ("绿化养护", &["南区绿化带", "中心花园", "西侧草坪"], "绿化带杂草丛生，树枝挡住了路灯和窗户。"),
    ("门禁安保", &["北门", "东门", "地下车库"], "门禁坏了，外来人员随意进出，晚上不安全。"),
    ("停车管理", &["地下车库A区", "地面停车场", "消防通道旁"], "车位被长期占用，物业巡查不管。"),
    ("物业收费", &["物业服务中心", "", ""], "收费明细没有公示，多收了公摊电费。"),
    ("服务态度", &["物业服务中心", "", ""], "报修电话经常没人接，前台工作人员态度冷淡。"),
];

const MONTHS_OF_HISTORY: i64 = 12;

pub(super) fn generate(
    connection: &Connection,
    now: DateTime<Utc>,
    policies: &Policies,
    personal: &PersonalData,
) -> Result<(), StoreError> {
    let mut rng = StdRng::seed_from_u64(20_261_201);
    let categories: Vec<(i64, &str)> = PATTERNS
        .iter()
        .map(|(name, _, _)| {
            connection
                .query_row("SELECT id FROM categories WHERE name_zh = ?1 AND parent_id IS NOT NULL", [name], |row| {
                    row.get(0)
                })
                .map(|id| (id, *name))
        })
        .collect::<Result<_, _>>()?;
    for habits in HABITS {
        let communities: Vec<i64> = connection
            .prepare(
                "SELECT m.id FROM communities m JOIN property_companies p ON p.id = m.property_company_id
                 WHERE p.name = ?1 ORDER BY m.id",
            )?
            .query_map([habits.company], |row| row.get(0))?
            .collect::<Result<_, _>>()?;
        if communities.is_empty() {
            continue;
        }
        // Complaints filed up to three weeks ago, so that each story has had time to end.
        let total = habits.per_month * u32::try_from(MONTHS_OF_HISTORY).unwrap_or(12);
        let mut filings: Vec<DateTime<Utc>> = (0..total)
            .map(|_| {
                now - Duration::days(21) - Duration::minutes(rng.random_range(0..MONTHS_OF_HISTORY * 30 * 24 * 60))
            })
            .collect();
        filings.sort();
        for filed_at in filings {
            let community = communities[rng.random_range(0..communities.len())];
            let pattern = rng.random_range(0..PATTERNS.len());
            let (_, places, description) = PATTERNS[pattern];
            let story = Story {
                community,
                category: categories[pattern].0,
                location: places[rng.random_range(0..places.len())],
                description,
                filed_at,
            };
            tell(connection, &story, habits, &mut rng, now, policies, personal)?;
        }
    }
    Ok(())
}

struct Story {
    community: i64,
    category: i64,
    location: &'static str,
    description: &'static str,
    filed_at: DateTime<Utc>,
}

fn random_phone(rng: &mut StdRng) -> Result<PhoneNumber, StoreError> {
    let number = format!("15{:09}", rng.random_range(0..1_000_000_000u32));
    PhoneNumber::parse(&number).map_err(|_| StoreError::Database(format!("bad generated phone {number}")))
}

/// Files one complaint and takes it to its end the way the company's habits make likely.
fn tell(
    connection: &Connection,
    story: &Story,
    habits: &Habits,
    rng: &mut StdRng,
    now: DateTime<Utc>,
    policies: &Policies,
    personal: &PersonalData,
) -> Result<(), StoreError> {
    let complaint = ValidComplaint {
        photo_ids: Vec::new(),
        community_id: story.community,
        category_id: story.category,
        location: story.location.to_owned(),
        description: story.description.to_owned(),
        name: String::new(),
        phone: random_phone(rng)?,
        hide_identity_from_property: false,
        visible_to_neighbours: false,
        texts: false,
    };
    let FilingOutcome::Filed(filed) =
        insert_complaint(connection, &complaint, story.filed_at, &secrets::random_token(), policies, personal)?
    else {
        return Err(StoreError::Database("a generated complaint was rejected".into()));
    };
    let id: i64 = connection.query_row(
        "SELECT id FROM complaints WHERE tracking_number = ?1",
        params![filed.tracking_number.as_str()],
        |row| row.get(0),
    )?;
    let unit =
        Actor { party: Party::HandlingUnit, role: ActorRole::PropertyCompany, unit: Some(habits.company.to_owned()) };
    let resident = Actor { party: Party::Resident, role: ActorRole::Resident, unit: None };
    let hours = |rng: &mut StdRng, low: i64, high: i64| Duration::minutes(rng.random_range(low * 60..high * 60));

    let accepted_at = if rng.random_bool(habits.signs_on_time) {
        story.filed_at + hours(rng, 1, 20)
    } else {
        filed.sign_due_at + hours(rng, 1, 30)
    };
    step(connection, id, &unit, ActionInput::plain(Action::Accept), accepted_at, policies)?;
    let resolve_due = ComplaintRow::load(connection, id)?.resolve_deadline(accepted_at).due_at;
    let mut resolved_at = if rng.random_bool(habits.resolves_on_time) {
        accepted_at + hours(rng, 4, 100)
    } else {
        resolve_due + hours(rng, 12, 24 * 12)
    };
    resolve(connection, id, &unit, resolved_at, policies)?;
    let satisfied = rng.random_bool(habits.satisfies);
    if rng.random_bool(0.85) {
        let rated_at = resolved_at + hours(rng, 1, 48);
        rate(connection, id, &resident, satisfied, rng, rated_at, policies)?;
        if rng.random_bool(if satisfied { habits.reopened / 3.0 } else { habits.reopened * 3.0 }.min(1.0)) {
            let reopened_at = rated_at + hours(rng, 1, 24);
            let reopened = ActionInput {
                note: Some("问题没有解决，又出现了。".into()),
                ..ActionInput::plain(Action::Reopen)
            };
            step(connection, id, &resident, reopened, reopened_at, policies)?;
            let due = ComplaintRow::load(connection, id)?.resolve_deadline(reopened_at).due_at;
            resolved_at = if rng.random_bool(habits.resolves_on_time) {
                reopened_at + hours(rng, 24, 96)
            } else {
                due + hours(rng, 12, 72)
            };
            resolve(connection, id, &unit, resolved_at, policies)?;
            let (satisfied_now, rated_again_at) = (rng.random_bool(0.5), resolved_at + hours(rng, 2, 30));
            rate(connection, id, &resident, satisfied_now, rng, rated_again_at, policies)?;
        }
    }
    let closing = resolved_at + policies.lifecycle.reopen_window + Duration::hours(1);
    if closing < now {
        let system = Actor { party: Party::System, role: ActorRole::System, unit: None };
        step(connection, id, &system, ActionInput::plain(Action::Close), closing, policies)?;
    }
    Ok(())
}

fn resolve(
    connection: &Connection,
    id: i64,
    unit: &Actor,
    at: DateTime<Utc>,
    policies: &Policies,
) -> Result<(), StoreError> {
    let reply = ActionInput {
        note: Some("已处理完毕，感谢您的监督。".into()), ..ActionInput::plain(Action::Resolve)
    };
    step(connection, id, unit, reply, at, policies)
}

fn rate(
    connection: &Connection,
    id: i64,
    resident: &Actor,
    satisfied: bool,
    rng: &mut StdRng,
    at: DateTime<Utc>,
    policies: &Policies,
) -> Result<(), StoreError> {
    let satisfaction = match (satisfied, rng.random_bool(0.7)) {
        (true, true) => Satisfaction::Satisfied,
        (true, false) => Satisfaction::BasicallySatisfied,
        (false, _) => Satisfaction::Dissatisfied,
    };
    let solved = if satisfied { Solved::Yes } else { Solved::No };
    let input = ActionInput { rating: Some(Rating { solved, satisfaction }), ..ActionInput::plain(Action::Rate) };
    step(connection, id, resident, input, at, policies)
}

/// One step, after the rules have caught up to its time, as the scheduled pass would have. A step
/// the lifecycle refuses is skipped: the story simply ends a little differently.
fn step(
    connection: &Connection,
    id: i64,
    actor: &Actor,
    input: ActionInput,
    at: DateTime<Utc>,
    policies: &Policies,
) -> Result<(), StoreError> {
    escalations::run_rules(connection, id, at, &policies.escalation)?;
    let _ = apply_action(connection, id, actor, &input, at, policies)?;
    Ok(())
}
