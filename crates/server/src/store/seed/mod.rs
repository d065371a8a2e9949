//! Believable demo data for a first start: Chengdu districts and communities, each with its
//! property company, the category tree with its deadlines, staff accounts for every role, and
//! complaints at every stage. The complaints are moved through their stages by the same
//! `apply_action` as the API, so demo data always obeys the lifecycle. Names of communities,
//! companies and people are invented.

use crate::store::db::Connection;
use chrono::{DateTime, Duration, Utc};
use mashang_model::lifecycle::{Action, Party};
use mashang_model::{ActorRole, HandlerRole, PhoneNumber, Rating, Satisfaction, Solved, StaffRole, ValidComplaint};
use rusqlite::params;

use super::complaints::{ActionInput, Actor, ComplaintRow, FilingOutcome, Policies, apply_action, insert_complaint};
use super::escalations;
use super::joins::{JoinOutcome, join};
use super::personal::PersonalData;
use super::staff::{NewStaff, insert_staff};
use super::{Store, StoreError};
use crate::secrets;

mod history;

/// (district, street office, community, property company, households)
const COMMUNITIES: &[(&str, &str, &str, &str, u32)] = &[
    ("锦江区", "东湖街道", "望江锦苑", "蜀锦物业服务有限公司", 1860),
    ("锦江区", "春熙路街道", "红星花园", "天府安居物业管理有限公司", 920),
    ("锦江区", "三圣街道", "锦华苑", "蜀锦物业服务有限公司", 2400),
    ("青羊区", "草市街街道", "青华小区", "金沙和家物业服务有限公司", 640),
    ("青羊区", "府南街道", "浣花溪畔", "芙蓉里物业管理有限公司", 1320),
    ("金牛区", "营门口街道", "金府花园", "金沙和家物业服务有限公司", 2100),
    ("金牛区", "抚琴街道", "抚琴西苑", "天府安居物业管理有限公司", 1150),
    ("武侯区", "玉林街道", "玉林北苑", "芙蓉里物业管理有限公司", 980),
    ("武侯区", "簇桥街道", "锦城枫林", "锦官城物业服务有限公司", 3100),
    ("武侯区", "红牌楼街道", "佳灵苑", "蜀锦物业服务有限公司", 1480),
    ("成华区", "猛追湾街道", "望平滨河苑", "锦官城物业服务有限公司", 2650),
    ("成华区", "建设路街道", "建设里小区", "天府安居物业管理有限公司", 760),
    ("高新区", "肖家河街道", "肖家河南苑", "芙蓉里物业管理有限公司", 1700),
    ("高新区", "桂溪街道", "天府翠庭", "锦官城物业服务有限公司", 2280),
    ("高新区", "芳草街街道", "芳草园", "金沙和家物业服务有限公司", 1540),
    ("双流区", "东升街道", "棠湖春晓", "蜀锦物业服务有限公司", 2900),
    // A company new to the city: too few rated complaints yet for a grade (样本不足).
    ("双流区", "西航港街道", "空港花园", "蓉新物业服务有限公司", 600),
];

/// (Chinese, English, kind, [(Chinese, English, urgent)]). Urgent problems must be signed for
/// within 2 hours and resolved within 24; the others within 1 working day and 7 days.
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

/// (username, display name, role, property company or street office)
const STAFF: &[(&str, &str, StaffRole, &str)] = &[
    ("wy-shujin", "李经理", StaffRole::PropertyCompany, "蜀锦物业服务有限公司"),
    ("wy-tianfu", "王主管", StaffRole::PropertyCompany, "天府安居物业管理有限公司"),
    ("wy-jinsha", "赵主管", StaffRole::PropertyCompany, "金沙和家物业服务有限公司"),
    ("wy-furongli", "陈经理", StaffRole::PropertyCompany, "芙蓉里物业管理有限公司"),
    ("wy-jinguancheng", "刘经理", StaffRole::PropertyCompany, "锦官城物业服务有限公司"),
    ("jd-jianshelu", "周网格员", StaffRole::CommunityOffice, "建设路街道"),
    ("jd-guixi", "吴网格员", StaffRole::CommunityOffice, "桂溪街道"),
    ("zjj-supervisor", "住建局督办专员", StaffRole::HousingBureau, ""),
];

/// The phone number most demo complaints were filed with, printed at start so that a newcomer
/// can try the lookup.
pub const DEMO_PHONE: &str = "13800138000";

/// Who takes a demo step.
#[derive(Clone, Copy)]
enum By {
    Resident,
    Unit,
    System,
}

/// One step of a demo complaint: hours after filing, who, what, the note.
type Step = (i64, By, Action, &'static str);

struct DemoComplaint {
    community: &'static str,
    category: &'static str,
    location: &'static str,
    description: &'static str,
    name: &'static str,
    phone: &'static str,
    hours_ago: i64,
    steps: &'static [Step],
    /// Whether neighbours may see and join it.
    shared: bool,
    /// Phones of neighbours who joined it (附议), an hour apart from the filing on.
    joiners: &'static [&'static str],
    /// Whether the resident's ratings are 不满意.
    dissatisfied: bool,
}

/// The defaults of a demo complaint, spelled out once.
const PLAIN: DemoComplaint = DemoComplaint {
    community: "",
    category: "",
    location: "",
    description: "",
    name: "",
    phone: DEMO_PHONE,
    hours_ago: 0,
    steps: &[],
    shared: false,
    joiners: &[],
    dissatisfied: false,
};

const SATISFIED: Rating = Rating { solved: Solved::Yes, satisfaction: Satisfaction::Satisfied };
const DISSATISFIED: Rating = Rating { solved: Solved::No, satisfaction: Satisfaction::Dissatisfied };

const DEMO_COMPLAINTS: &[DemoComplaint] = &[
    DemoComplaint {
        community: "望江锦苑",
        category: "漏水渗水",
        location: "3栋2单元11楼走廊",
        description: "3栋2单元楼顶漏水，下雨天11楼走廊天花板一直滴水，墙皮已经发霉脱落，老人走路容易滑倒。",
        name: "张女士",
        phone: DEMO_PHONE,
        hours_ago: 5,
        steps: &[],
        ..PLAIN
    },
    DemoComplaint {
        community: "玉林北苑",
        category: "电梯故障",
        location: "5栋",
        description: "5栋电梯这周坏了三次，每次停在半层，家里有老人上下楼很困难，希望彻底检修。",
        name: "",
        phone: DEMO_PHONE,
        hours_ago: 4 * 24,
        steps: &[(1, By::Unit, Action::Accept, "已签收，今天安排维保单位上门检查。")],
        ..PLAIN
    },
    DemoComplaint {
        community: "金府花园",
        category: "垃圾清运",
        location: "东门垃圾站",
        description: "小区东门垃圾站连续三天没有清运，气味很大，还招苍蝇。",
        name: "刘先生",
        phone: "13912345678",
        hours_ago: 9 * 24,
        steps: &[
            (1, By::Unit, Action::Accept, ""),
            (26, By::Unit, Action::AddProgress, "已联系环卫公司，调整为每日上午、傍晚各清运一次。"),
        ],
        ..PLAIN
    },
    DemoComplaint {
        community: "红星花园",
        category: "停车管理",
        location: "地下车库B区",
        description: "地下车库B区长期有车辆占用消防通道和别人的车位，物业一直不管。",
        name: "",
        phone: DEMO_PHONE,
        hours_ago: 3 * 24,
        steps: &[
            (2, By::Unit, Action::Accept, ""),
            (20, By::Unit, Action::RequestInfo, "请补充被占用车位的编号，方便的话附上现场照片，我们好联系车主。"),
        ],
        ..PLAIN
    },
    DemoComplaint {
        community: "建设里小区",
        category: "噪音扰民",
        location: "2栋楼下商铺",
        description: "楼下商铺晚上十一点以后还在装修施工，电钻声很大，影响休息。",
        name: "",
        phone: DEMO_PHONE,
        hours_ago: 6 * 24,
        steps: &[
            (3, By::Unit, Action::Accept, "已签收，转社区网格员核实。"),
            (48, By::Unit, Action::AddProgress, "网格员夜间现场核实，已要求商户22点后停止施工。"),
            (96, By::Unit, Action::Resolve, "商户已签署承诺书，连续三晚回访无夜间施工。如再发生请随时反映。"),
        ],
        ..PLAIN
    },
    DemoComplaint {
        community: "肖家河南苑",
        category: "绿化养护",
        location: "中心花园",
        description: "中心花园的树枝长到了3楼窗户边，挡光还招虫，希望修剪一下。",
        name: "",
        phone: "13700001111",
        // Resolved a week ago: still inside the reopening window, so it stays 已评价.
        hours_ago: 10 * 24,
        steps: &[
            (5, By::Unit, Action::Accept, ""),
            (72, By::Unit, Action::Resolve, "已安排园林工人修剪靠近住户窗户的枝条，并做了病虫害防治。"),
            (100, By::Resident, Action::Rate, "修剪得很及时，谢谢。"),
        ],
        ..PLAIN
    },
    DemoComplaint {
        community: "抚琴西苑",
        category: "门禁安保",
        location: "北门",
        description: "北门门禁坏了半个月，外来人员随便进出，晚上不安全。",
        name: "",
        phone: DEMO_PHONE,
        hours_ago: 40 * 24,
        steps: &[
            (2, By::Unit, Action::Accept, ""),
            (30, By::Unit, Action::Resolve, "已更换北门门禁主板，并加派夜间巡逻。"),
            (60, By::Resident, Action::Rate, ""),
            (18 * 24, By::System, Action::Close, ""),
        ],
        ..PLAIN
    },
    DemoComplaint {
        community: "青华小区",
        category: "楼道卫生",
        location: "1栋3单元",
        description: "1栋3单元楼道里堆了很多杂物和纸箱，很久没人打扫。",
        name: "",
        phone: DEMO_PHONE,
        hours_ago: 2 * 24,
        steps: &[(3, By::Resident, Action::Withdraw, "邻居已经自己清理干净了，撤回投诉。")],
        ..PLAIN
    },
    DemoComplaint {
        community: "芳草园",
        dissatisfied: true,
        category: "物业收费",
        location: "",
        description: "物业费今年上涨了，但是一直没有公示收费明细和上涨依据。",
        name: "",
        phone: DEMO_PHONE,
        hours_ago: 12 * 24,
        steps: &[
            (4, By::Unit, Action::Accept, ""),
            (50, By::Unit, Action::Resolve, "收费标准符合合同约定，已在物业服务中心张贴。"),
            (70, By::Resident, Action::Rate, ""),
            (72, By::Resident, Action::Reopen, "只贴在服务中心，业主群和公告栏都没有，明细也没有列出上涨依据。"),
            (96, By::Unit, Action::AddProgress, "已在各栋公告栏张贴收费明细，正在整理上涨依据，三天内公示。"),
        ],
        ..PLAIN
    },
    DemoComplaint {
        community: "天府翠庭",
        category: "公共设施损坏",
        location: "小区南侧人行道",
        description: "小区南侧人行道的路灯坏了好几盏，晚上很黑。",
        name: "",
        phone: DEMO_PHONE,
        hours_ago: 5 * 24,
        steps: &[
            (6, By::Unit, Action::Transfer, "该处路灯属市政设施，不在物业管理范围内，转街道办理。"),
            (30, By::Unit, Action::Accept, "桂溪街道已签收，已报市政路灯所维修。"),
        ],
        ..PLAIN
    },
    // 挂牌督办: due ten days ago and still not resolved; a yellow card, then a red one.
    DemoComplaint {
        community: "锦城枫林",
        category: "电梯故障",
        location: "8栋电梯",
        description: "8栋两部电梯停了一部快三周，剩下一部经常满员，维修一直说在等配件，没有任何进展。",
        hours_ago: 17 * 24,
        steps: &[(3, By::Unit, Action::Accept, "已签收，联系电梯维保公司订购主板。")],
        shared: true,
        ..PLAIN
    },
    // 群体投诉: four households file, one more joins, and it is handled one level up.
    DemoComplaint {
        community: "望平滨河苑",
        category: "停水停电",
        location: "小区二期",
        description: "二期这周已经第三次停水，每次停半天以上，没有提前通知，家里老人小孩很不方便。",
        hours_ago: 30,
        shared: true,
        joiners: &["13600002222"],
        ..PLAIN
    },
    DemoComplaint {
        community: "望平滨河苑",
        category: "停水停电",
        location: "二期3栋",
        description: "3栋又停水了，物业电话打不通，问了邻居都不知道什么时候来水。",
        phone: "13500003333",
        hours_ago: 28,
        shared: true,
        ..PLAIN
    },
    DemoComplaint {
        community: "望平滨河苑",
        category: "停水停电",
        location: "二期5栋",
        description: "停水没有通知，二次供水泵房是不是坏了？请尽快修好。",
        phone: "13700004444",
        hours_ago: 26,
        ..PLAIN
    },
    DemoComplaint {
        community: "望平滨河苑",
        category: "停水停电",
        location: "二期7栋",
        description: "7栋高层一直水压不够，今天干脆停水了。",
        phone: "13900005555",
        hours_ago: 20,
        ..PLAIN
    },
    // 反复投诉: the same bins at the same place, resolved three weeks ago, complained about again.
    DemoComplaint {
        community: "锦华苑",
        category: "垃圾清运",
        location: "3栋旁垃圾站",
        description: "3栋旁边垃圾站满了好几天没人清，臭味飘到楼上。",
        phone: "13600006666",
        hours_ago: 26 * 24,
        steps: &[
            (2, By::Unit, Action::Accept, ""),
            (30, By::Unit, Action::Resolve, "已清运，并增加每日清运频次。"),
            (60, By::Resident, Action::Rate, ""),
        ],
        ..PLAIN
    },
    DemoComplaint {
        community: "锦华苑",
        category: "垃圾清运",
        location: "3栋旁垃圾站",
        description: "3栋旁垃圾站又堆满了，上个月说增加清运频次，才过了两周又恢复原样。",
        hours_ago: 2 * 24,
        steps: &[(4, By::Unit, Action::Accept, "")],
        shared: true,
        ..PLAIN
    },
    // 部门会商: 不满意 twice on the same complaint.
    DemoComplaint {
        community: "佳灵苑",
        category: "维修资金使用",
        location: "",
        description: "小区外墙维修动用维修资金，业主大会没有表决，费用明细也不公开。",
        hours_ago: 20 * 24,
        steps: &[
            (3, By::Unit, Action::Accept, ""),
            (48, By::Unit, Action::Resolve, "维修资金使用符合规定，已报街道备案。"),
            (60, By::Resident, Action::Rate, "没有回答业主大会表决的问题。"),
            (62, By::Resident, Action::Reopen, "请出示业主大会表决记录和费用明细。"),
            (9 * 24, By::Unit, Action::Resolve, "已在公告栏公示费用明细。"),
            (10 * 24, By::Resident, Action::Rate, "表决记录仍然没有公开。"),
        ],
        dissatisfied: true,
        ..PLAIN
    },
];

/// What the demo seeding created, for the start-up message.
#[derive(Debug, Clone, Default)]
pub struct DemoData {
    /// (tracking number, phone, stage) of each demo complaint.
    pub complaints: Vec<(String, String, String)>,
    /// (username, password, organization)
    pub staff: Vec<(String, String, String)>,
}

impl Store {
    /// Seeds the demo data once, into an empty database. `staff_password` gives every demo
    /// account the same password (for tests); otherwise each gets a random one, shown once.
    pub async fn seed_demo_if_empty(
        &self,
        now: DateTime<Utc>,
        staff_password: Option<String>,
    ) -> Result<DemoData, StoreError> {
        // Password hashing is slow on purpose: do it before taking the writer.
        let passwords: Vec<String> = STAFF
            .iter()
            .map(|_| staff_password.clone().unwrap_or_else(|| secrets::random_token()[..12].to_owned()))
            .collect();
        let hashes = tokio::task::spawn_blocking({
            let passwords = passwords.clone();
            move || -> Result<Vec<String>, String> {
                let mut hashes: Vec<(String, String)> = Vec::new();
                for password in passwords {
                    if !hashes.iter().any(|(p, _)| *p == password) {
                        hashes.push((password.clone(), secrets::hash_password(&password)?));
                    }
                }
                Ok(hashes.into_iter().map(|(_, hash)| hash).collect())
            }
        })
        .await
        .map_err(|e| StoreError::Database(e.to_string()))?
        .map_err(StoreError::Database)?;
        // The demo stories follow the default rules whatever a deployment configures, so that
        // seeding never fails on them (a reopening inside 15 days, say).
        let policies = Policies::default();
        // Another instance starting at the same moment may be seeding the shared database: wait
        // for it, then find the data there and seed nothing.
        let personal = self.personal.clone();
        self.write_patiently(move |connection| seed(connection, now, &passwords, &hashes, &policies, &personal)).await
    }
}

fn seed(
    connection: &Connection,
    now: DateTime<Utc>,
    passwords: &[String],
    hashes: &[String],
    policies: &Policies,
    personal: &PersonalData,
) -> Result<DemoData, StoreError> {
    let populated: bool = connection.query_row("SELECT EXISTS (SELECT 1 FROM districts)", [], |row| row.get(0))?;
    if populated {
        return Ok(DemoData::default());
    }
    for (district, street, community, company, households) in COMMUNITIES {
        connection.execute("INSERT INTO districts (name) VALUES (?1) ON CONFLICT DO NOTHING", [district])?;
        connection.execute("INSERT INTO property_companies (name) VALUES (?1) ON CONFLICT DO NOTHING", [company])?;
        connection.execute(
            "INSERT INTO communities (district_id, street, name, property_company_id, households)
             VALUES ((SELECT id FROM districts WHERE name = ?1), ?2, ?3, (SELECT id FROM property_companies WHERE name = ?4),
                     ?5)",
            params![district, street, community, company, households],
        )?;
    }
    for (position, (zh, en, kind, children)) in CATEGORIES.iter().enumerate() {
        let parent: i64 = connection.query_row(
            "INSERT INTO categories (parent_id, name_zh, name_en, kind, urgent, position) VALUES (NULL, ?1, ?2, ?3, 0, ?4)
             RETURNING id",
            params![zh, en, kind, position as i64],
            |row| row.get(0),
        )?;
        for (child_position, (child_zh, child_en, urgent)) in children.iter().enumerate() {
            let (sign_unit, sign_amount, resolve_amount) =
                if *urgent { ("hours", 2, 24) } else { ("working_days", 1, 168) };
            connection.execute(
                "INSERT INTO categories (parent_id, name_zh, name_en, kind, urgent, position,
                     sign_unit, sign_amount, resolve_unit, resolve_amount)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, 'hours', ?9)",
                params![
                    parent,
                    child_zh,
                    child_en,
                    kind,
                    urgent,
                    child_position as i64,
                    sign_unit,
                    sign_amount,
                    resolve_amount
                ],
            )?;
        }
    }
    let mut demo = DemoData::default();
    for (index, (username, display_name, role, organization)) in STAFF.iter().enumerate() {
        let password = passwords.get(index).cloned().unwrap_or_default();
        let hash = hashes.get(index).or_else(|| hashes.first()).cloned().unwrap_or_default();
        let property_company_id: Option<i64> = match role {
            StaffRole::PropertyCompany => Some(connection.query_row(
                "SELECT id FROM property_companies WHERE name = ?1",
                [organization],
                |r| r.get(0),
            )?),
            _ => None,
        };
        insert_staff(
            connection,
            &NewStaff {
                username,
                password_hash: &hash,
                role: *role,
                display_name,
                property_company_id,
                street: (*role == StaffRole::CommunityOffice).then_some(*organization),
            },
        )?;
        let shown = if organization.is_empty() { super::staff::HOUSING_BUREAU } else { organization };
        demo.staff.push(((*username).to_owned(), password, shown.to_owned()));
    }
    history::generate(connection, now, policies, personal)?;
    for complaint in DEMO_COMPLAINTS {
        let number = seed_complaint(connection, complaint, now, policies, personal)?;
        let stage: String =
            connection
                .query_row("SELECT status FROM complaints WHERE tracking_number = ?1", [&number], |row| row.get(0))?;
        demo.complaints.push((number, complaint.phone.to_owned(), stage));
    }
    // Whatever the rules would have done by now (a red card for the long-overdue lift, say).
    let live: Vec<i64> = connection
        .prepare("SELECT id FROM complaints WHERE status NOT IN ('closed', 'withdrawn')")?
        .query_map([], |row| row.get(0))?
        .collect::<Result<_, _>>()?;
    for id in live {
        escalations::run_rules(connection, id, now, &policies.escalation)?;
    }
    Ok(demo)
}

fn seed_complaint(
    connection: &Connection,
    demo: &DemoComplaint,
    now: DateTime<Utc>,
    policies: &Policies,
    personal: &PersonalData,
) -> Result<String, StoreError> {
    let lookup =
        |sql: &str, name: &str| -> Result<i64, StoreError> { Ok(connection.query_row(sql, [name], |row| row.get(0))?) };
    let phone =
        PhoneNumber::parse(demo.phone).map_err(|_| StoreError::Database(format!("bad demo phone {}", demo.phone)))?;
    let filed_at = now - Duration::hours(demo.hours_ago) - Duration::minutes(37);
    let complaint = ValidComplaint {
        photo_ids: Vec::new(),
        community_id: lookup("SELECT id FROM communities WHERE name = ?1", demo.community)?,
        category_id: lookup("SELECT id FROM categories WHERE name_zh = ?1 AND parent_id IS NOT NULL", demo.category)?,
        location: demo.location.to_owned(),
        description: demo.description.to_owned(),
        name: demo.name.to_owned(),
        phone,
        hide_identity_from_property: false,
        visible_to_neighbours: demo.shared,
        texts: false,
    };
    // Demo complaints need no access token anyone can use: the key is thrown away.
    let key = secrets::random_token();
    let FilingOutcome::Filed(filed) = insert_complaint(connection, &complaint, filed_at, &key, policies, personal)?
    else {
        return Err(StoreError::Database(format!("demo complaint in {} was rejected", demo.community)));
    };
    let id = lookup("SELECT id FROM complaints WHERE tracking_number = ?1", filed.tracking_number.as_str())?;
    for (hour, joiner) in (1..).zip(demo.joiners) {
        let phone = PhoneNumber::parse(joiner).map_err(|_| StoreError::Database(format!("bad demo phone {joiner}")))?;
        let at = filed_at + Duration::hours(hour);
        let joined = join(connection, &filed.tracking_number, &personal.phone_key(&phone), at, policies, personal)?;
        if !matches!(joined, JoinOutcome::Joined(_)) {
            return Err(StoreError::Database(format!("demo join in {} was refused", demo.community)));
        }
    }
    for &(hours_after, by, action, note) in demo.steps {
        let row = ComplaintRow::load(connection, id)?;
        let actor = match by {
            By::Resident => Actor { party: Party::Resident, role: ActorRole::Resident, unit: None },
            By::Unit => {
                let (role, unit) = match row.handler_role {
                    HandlerRole::PropertyCompany => (ActorRole::PropertyCompany, row.handling_unit()),
                    HandlerRole::CommunityOffice => (ActorRole::CommunityOffice, row.handling_unit()),
                };
                Actor { party: Party::HandlingUnit, role, unit: Some(unit) }
            }
            By::System => Actor { party: Party::System, role: ActorRole::System, unit: None },
        };
        let rating = match action {
            Action::Rate if demo.dissatisfied => Some(DISSATISFIED),
            Action::Rate => Some(SATISFIED),
            _ => None,
        };
        let input = ActionInput {
            note: (!note.is_empty()).then(|| note.to_owned()),
            rating,
            transfer_to: (action == Action::Transfer).then_some(HandlerRole::CommunityOffice),
            ..ActionInput::plain(action)
        };
        let at = filed_at + Duration::hours(hours_after);
        // The rules catch up first, as the scheduled pass would have.
        escalations::run_rules(connection, id, at, &policies.escalation)?;
        if apply_action(connection, id, &actor, &input, at, policies)?.is_err() {
            return Err(StoreError::Database(format!("demo step {action:?} in {} was not applied", demo.community)));
        }
    }
    Ok(filed.tracking_number.to_string())
}
