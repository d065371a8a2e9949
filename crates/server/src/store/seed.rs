//! Believable demo data for a first start: Chengdu districts and communities, each with its
//! property company, the category tree, and complaints at several stages with their timelines.
//! Names of communities and companies are invented.

use chrono::{DateTime, Duration, Utc};
use mashang_model::{ActorRole, EventKind, PhoneNumber, TimelineEvent, ValidComplaint};
use rusqlite::{Connection, params};

use super::complaints::{FilingOutcome, NewFiling, append_event, insert_complaint};
use super::{Store, StoreError};

/// (district, street office, community, property company)
const COMMUNITIES: &[(&str, &str, &str, &str)] = &[
    ("锦江区", "东湖街道", "望江锦苑", "蜀锦物业服务有限公司"),
    ("锦江区", "春熙路街道", "红星花园", "天府安居物业管理有限公司"),
    ("锦江区", "三圣街道", "锦华苑", "蜀锦物业服务有限公司"),
    ("青羊区", "草市街街道", "青华小区", "金沙和家物业服务有限公司"),
    ("青羊区", "府南街道", "浣花溪畔", "芙蓉里物业管理有限公司"),
    ("金牛区", "营门口街道", "金府花园", "金沙和家物业服务有限公司"),
    ("金牛区", "抚琴街道", "抚琴西苑", "天府安居物业管理有限公司"),
    ("武侯区", "玉林街道", "玉林北苑", "芙蓉里物业管理有限公司"),
    ("武侯区", "簇桥街道", "锦城枫林", "锦官城物业服务有限公司"),
    ("武侯区", "红牌楼街道", "佳灵苑", "蜀锦物业服务有限公司"),
    ("成华区", "猛追湾街道", "望平滨河苑", "锦官城物业服务有限公司"),
    ("成华区", "建设路街道", "建设里小区", "天府安居物业管理有限公司"),
    ("高新区", "肖家河街道", "肖家河南苑", "芙蓉里物业管理有限公司"),
    ("高新区", "桂溪街道", "天府翠庭", "锦官城物业服务有限公司"),
    ("高新区", "芳草街街道", "芳草园", "金沙和家物业服务有限公司"),
    ("双流区", "东升街道", "棠湖春晓", "蜀锦物业服务有限公司"),
];

/// (Chinese, English, kind, [(Chinese, English, urgent)])
type CategoryGroup = (&'static str, &'static str, &'static str, &'static [(&'static str, &'static str, bool)]);
const CATEGORIES: &[CategoryGroup] = &[
    (
        "房屋与设施",
        "Building and facilities",
        "property",
        &[
            ("漏水渗水", "Water leak or seepage", true),
            ("电梯故障", "Lift out of order", false),
            ("电梯困人", "People trapped in a lift", true),
            ("停水停电", "Water or power outage", true),
            ("公共设施损坏", "Damaged shared facilities", false),
        ],
    ),
    (
        "环境卫生",
        "Cleanliness and greenery",
        "property",
        &[
            ("垃圾清运", "Rubbish collection", false),
            ("楼道卫生", "Stairwell cleaning", false),
            ("绿化养护", "Greenery upkeep", false),
        ],
    ),
    (
        "秩序与安全",
        "Order and safety",
        "property",
        &[
            ("门禁安保", "Gates and security", false),
            ("停车管理", "Parking", false),
            ("消防通道堵塞", "Blocked fire lane", true),
        ],
    ),
    (
        "物业管理服务",
        "Property management",
        "property",
        &[
            ("物业收费", "Property fees", false),
            ("服务态度", "Staff conduct", false),
            ("维修资金使用", "Use of the maintenance fund", false),
        ],
    ),
    (
        "邻里与社区",
        "Neighbours and community",
        "non_property",
        &[
            ("噪音扰民", "Noise", false),
            ("违章搭建", "Unauthorised building work", false),
            ("饲养宠物", "Pets", false),
            ("群租房", "Overcrowded rentals", false),
        ],
    ),
    (
        "市政公共服务",
        "City services",
        "non_property",
        &[
            ("供水供气", "Water and gas supply", false),
            ("路灯照明", "Street lighting", false),
            ("道路破损", "Damaged roads", false),
        ],
    ),
];

/// One demo complaint: where, what, who, how long ago, and the steps taken since.
struct DemoComplaint {
    community: &'static str,
    category: &'static str,
    description: &'static str,
    phone: &'static str,
    days_ago: i64,
    steps: &'static [(i64, EventKind, ActorRole, &'static str)],
    status: &'static str,
}

/// The phone number the demo complaints were filed with, printed at start so that a newcomer can
/// try the lookup.
pub const DEMO_PHONE: &str = "13800138000";

const DEMO_COMPLAINTS: &[DemoComplaint] = &[
    DemoComplaint {
        community: "望江锦苑",
        category: "漏水渗水",
        description: "3栋2单元楼顶漏水，下雨天11楼走廊天花板一直滴水，墙皮已经发霉脱落，老人走路容易滑倒。",
        phone: DEMO_PHONE,
        days_ago: 1,
        steps: &[],
        status: "submitted",
    },
    DemoComplaint {
        community: "玉林北苑",
        category: "电梯故障",
        description: "5栋电梯这周坏了三次，每次停在半层，家里有老人上下楼很困难，希望彻底检修。",
        phone: DEMO_PHONE,
        days_ago: 4,
        steps: &[(60, EventKind::Accepted, ActorRole::PropertyCompany, "已签收，今天安排维保单位上门检查。")],
        status: "accepted",
    },
    DemoComplaint {
        community: "金府花园",
        category: "垃圾清运",
        description: "小区东门垃圾站连续三天没有清运，气味很大，夏天还招苍蝇。",
        phone: "13912345678",
        days_ago: 9,
        steps: &[
            (45, EventKind::Accepted, ActorRole::PropertyCompany, "已签收。"),
            (
                26 * 60,
                EventKind::ProgressNote,
                ActorRole::PropertyCompany,
                "已联系环卫公司，调整为每日上午、傍晚各清运一次。",
            ),
        ],
        status: "in_progress",
    },
    DemoComplaint {
        community: "建设里小区",
        category: "噪音扰民",
        description: "楼下商铺晚上十一点以后还在装修施工，电钻声很大，影响休息。",
        phone: DEMO_PHONE,
        days_ago: 18,
        steps: &[
            (3 * 60, EventKind::Accepted, ActorRole::CommunityOffice, "建设路街道已签收，转社区网格员核实。"),
            (
                2 * 24 * 60,
                EventKind::ProgressNote,
                ActorRole::CommunityOffice,
                "网格员夜间现场核实，已要求商户22点后停止施工。",
            ),
            (
                4 * 24 * 60,
                EventKind::Resolved,
                ActorRole::CommunityOffice,
                "商户已签署承诺书，连续三晚回访无夜间施工。如再发生请随时反映。",
            ),
        ],
        status: "resolved",
    },
];

impl Store {
    /// Seeds the demo data once, into an empty database. Returns the tracking numbers of the demo
    /// complaints it filed (none when the database already had data).
    pub async fn seed_demo_if_empty(&self, now: DateTime<Utc>) -> Result<Vec<String>, StoreError> {
        self.write(move |connection| seed(connection, now)).await
    }
}

fn seed(connection: &Connection, now: DateTime<Utc>) -> Result<Vec<String>, StoreError> {
    let populated: bool = connection.query_row("SELECT EXISTS (SELECT 1 FROM districts)", [], |row| row.get(0))?;
    if populated {
        return Ok(Vec::new());
    }
    for (district, street, community, company) in COMMUNITIES {
        connection.execute("INSERT OR IGNORE INTO districts (name) VALUES (?1)", [district])?;
        connection.execute("INSERT OR IGNORE INTO property_companies (name) VALUES (?1)", [company])?;
        connection.execute(
            "INSERT INTO communities (district_id, street, name, property_company_id)
             VALUES ((SELECT id FROM districts WHERE name = ?1), ?2, ?3, (SELECT id FROM property_companies WHERE name = ?4))",
            params![district, street, community, company],
        )?;
    }
    for (position, (zh, en, kind, children)) in CATEGORIES.iter().enumerate() {
        connection.execute(
            "INSERT INTO categories (parent_id, name_zh, name_en, kind, urgent, position) VALUES (NULL, ?1, ?2, ?3, 0, ?4)",
            params![zh, en, kind, position as i64],
        )?;
        let parent = connection.last_insert_rowid();
        for (child_position, (child_zh, child_en, urgent)) in children.iter().enumerate() {
            connection.execute(
                "INSERT INTO categories (parent_id, name_zh, name_en, kind, urgent, position) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
                params![parent, child_zh, child_en, kind, urgent, child_position as i64],
            )?;
        }
    }
    let mut numbers = Vec::new();
    for demo in DEMO_COMPLAINTS {
        numbers.push(seed_complaint(connection, demo, now)?);
    }
    Ok(numbers)
}

fn seed_complaint(connection: &Connection, demo: &DemoComplaint, now: DateTime<Utc>) -> Result<String, StoreError> {
    let lookup =
        |sql: &str, name: &str| -> Result<i64, StoreError> { Ok(connection.query_row(sql, [name], |row| row.get(0))?) };
    let phone =
        PhoneNumber::parse(demo.phone).map_err(|_| StoreError::Database(format!("bad demo phone {}", demo.phone)))?;
    let filed_at = now - Duration::days(demo.days_ago) - Duration::minutes(37);
    let filing = NewFiling {
        complaint: ValidComplaint {
            community_id: lookup("SELECT id FROM communities WHERE name = ?1", demo.community)?,
            category_id: lookup(
                "SELECT id FROM categories WHERE name_zh = ?1 AND parent_id IS NOT NULL",
                demo.category,
            )?,
            description: demo.description.to_owned(),
            phone,
        },
        filed_at,
    };
    let FilingOutcome::Filed(filed) = insert_complaint(connection, &filing)? else {
        return Err(StoreError::Database(format!("demo complaint in {} was rejected", demo.community)));
    };
    let id: i64 = lookup("SELECT id FROM complaints WHERE tracking_number = ?1", filed.tracking_number.as_str())?;
    let (company, street): (String, String) = connection.query_row(
        "SELECT p.name, c.street FROM communities c JOIN property_companies p ON p.id = c.property_company_id WHERE c.name = ?1",
        [demo.community],
        |row| Ok((row.get(0)?, row.get(1)?)),
    )?;
    let mut updated_at = filed_at;
    for &(minutes_after, kind, actor, note) in demo.steps {
        updated_at = filed_at + Duration::minutes(minutes_after);
        let unit = match actor {
            ActorRole::PropertyCompany => company.clone(),
            _ => format!("{street}办事处"),
        };
        append_event(
            connection,
            id,
            &TimelineEvent { at: updated_at, kind, actor, unit: Some(unit), note: Some(note.to_owned()) },
        )?;
    }
    connection.execute(
        "UPDATE complaints SET status = ?1, updated_at = ?2 WHERE id = ?3",
        params![demo.status, updated_at, id],
    )?;
    Ok(filed.tracking_number.to_string())
}
