//! What the staff workbench and the server agree on: the queue (its filters, its order, its
//! counts), revealed contact details, the audit log, reply templates, and CSV for Excel.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::escalation::{Card, Level};
use crate::{ComplaintStatus, ComplaintSummary};

/// How many rows one page of the queue holds at most.
pub const MAX_QUEUE_PAGE: u32 = 500;
/// The page size when the request names none: enough for a shift, light enough for a phone.
pub const DEFAULT_QUEUE_PAGE: u32 = 50;

/// `GET /staff/queue`: which of the unit's open complaints to list.
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    /// Only complaints at this status.
    #[serde(default)]
    pub stage: Option<ComplaintStatus>,
    #[serde(default)]
    pub category_id: Option<i64>,
    #[serde(default)]
    pub community_id: Option<i64>,
    /// Only those raised, carded or in a 会商.
    #[serde(default)]
    pub escalated: bool,
    /// Only those past a deadline.
    #[serde(default)]
    pub overdue: bool,
    /// A tracking number, or its start, as people type it.
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub offset: u32,
    #[serde(default)]
    pub limit: Option<u32>,
}

impl QueueQuery {
    pub fn page_size(&self) -> u32 {
        self.limit.unwrap_or(DEFAULT_QUEUE_PAGE).clamp(1, MAX_QUEUE_PAGE)
    }
}

/// One row of the queue.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueItem {
    pub complaint: ComplaintSummary,
    /// The resident did something (filed, supplied, urged, a neighbour joined) that nobody of
    /// this unit has opened since.
    pub unread: bool,
    pub joins: u32,
}

impl QueueItem {
    pub fn overdue(&self) -> bool {
        let c = &self.complaint;
        (c.sign_deadline.pending && c.sign_deadline.overdue)
            || (c.resolve_deadline.pending && c.resolve_deadline.overdue)
    }

    /// Raised a level or carded: a supervisor is watching.
    pub fn escalated(&self) -> bool {
        self.complaint.level != Level::PropertyCompany || self.complaint.card != Card::None
    }

    /// The next time this complaint must move by: signing while unsigned, else resolving.
    pub fn next_due(&self) -> DateTime<Utc> {
        let c = &self.complaint;
        if c.sign_deadline.pending { c.sign_deadline.due_at } else { c.resolve_deadline.due_at }
    }

    fn urgency(&self) -> (bool, bool, DateTime<Utc>) {
        // `false` sorts first: overdue, then escalated, then the soonest due.
        (!self.overdue(), !self.escalated(), self.next_due())
    }

    pub fn matches(&self, query: &QueueQuery) -> bool {
        let number = query.number.as_deref().map(crate::tracking::typed_digits).filter(|n| !n.is_empty());
        query.stage.is_none_or(|stage| stage == self.complaint.status)
            && (!query.escalated || self.escalated())
            && (!query.overdue || self.overdue())
            && number.is_none_or(|n| self.complaint.tracking_number.as_str().starts_with(&n))
    }
}

/// The most urgent first: overdue, then escalated, then the soonest due; ties by tracking number
/// so that the order is stable between refreshes.
pub fn by_urgency(a: &QueueItem, b: &QueueItem) -> std::cmp::Ordering {
    a.urgency()
        .cmp(&b.urgency())
        .then_with(|| a.complaint.tracking_number.as_str().cmp(b.complaint.tracking_number.as_str()))
}

pub fn sort_by_urgency(items: &mut [QueueItem]) {
    items.sort_by(by_urgency);
}

/// How many of the unit's open complaints sit at one status.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct StageCount {
    pub status: ComplaintStatus,
    pub count: u32,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Queue {
    /// One page of the matching complaints, most urgent first.
    pub items: Vec<QueueItem>,
    /// How many match the filters, over all pages.
    pub total: u32,
    /// Every open complaint of the unit by status, whatever the filters.
    pub stages: Vec<StageCount>,
    pub overdue: u32,
    pub escalated: u32,
    pub unread: u32,
}

impl Queue {
    /// Filters, counts, orders and pages `all`, the unit's open complaints.
    pub fn build(mut all: Vec<QueueItem>, query: &QueueQuery) -> Self {
        let mut stages: Vec<StageCount> = Vec::new();
        for item in &all {
            match stages.iter_mut().find(|s| s.status == item.complaint.status) {
                Some(stage) => stage.count += 1,
                None => stages.push(StageCount { status: item.complaint.status, count: 1 }),
            }
        }
        stages.sort_by_key(|s| s.status as u8);
        let count = |test: fn(&QueueItem) -> bool| all.iter().filter(|i| test(i)).count() as u32;
        let (overdue, escalated, unread) =
            (count(QueueItem::overdue), count(QueueItem::escalated), count(|i| i.unread));
        all.retain(|item| item.matches(query));
        // A unit holds thousands and a page is a hundred: the urgency keys are ordered, not the
        // rows, which are a few hundred bytes each. Tracking numbers are unique, so the order is
        // total and the same as `sort_by_urgency`'s.
        let mut order: Vec<_> = all.iter().enumerate().map(|(index, item)| (item.urgency(), index)).collect();
        order.sort_unstable_by(|(a, i), (b, j)| {
            a.cmp(b).then_with(|| {
                all[*i].complaint.tracking_number.as_str().cmp(all[*j].complaint.tracking_number.as_str())
            })
        });
        let total = all.len() as u32;
        let mut rows: Vec<Option<QueueItem>> = all.into_iter().map(Some).collect();
        let items = order
            .into_iter()
            .skip(query.offset as usize)
            .take(query.page_size() as usize)
            .filter_map(|(_, index)| rows[index].take())
            .collect();
        Self { items, total, stages, overdue, escalated, unread }
    }
}

/// `POST /staff/complaints/{number}/contact`: the filer's details, for the handling unit only,
/// each reveal written to the audit log.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RevealedContact {
    pub phone: String,
    pub name: Option<String>,
}

/// What an audit entry records.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuditKind {
    SignedIn,
    SignedOut,
    /// The filer's phone and name were shown.
    RevealedContact,
    /// A lifecycle action (签收, 办结, 督办…); `detail` names it.
    Action,
    /// A filtered list was downloaded.
    Exported,
    TemplateChanged,
}

/// One line of the audit log. The account's name and organization are copied in, so the entry
/// still says who it was after the account is gone.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub at: DateTime<Utc>,
    pub username: String,
    pub display_name: String,
    pub organization: String,
    pub kind: AuditKind,
    pub tracking_number: Option<String>,
    pub detail: String,
}

/// `GET /staff/audit`: filters for the bureau.
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    #[serde(default)]
    pub username: Option<String>,
    #[serde(default)]
    pub number: Option<String>,
    #[serde(default)]
    pub kind: Option<AuditKind>,
    /// Entries older than this id (the next page).
    #[serde(default)]
    pub before: Option<i64>,
}

/// A unit's reply for a category, offered when resolving.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReplyTemplate {
    pub category_id: i64,
    pub text: String,
}

/// Who is signed in at the workbench, with the token its state-changing requests must echo in
/// `X-CSRF-Token`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffMe {
    pub role: crate::StaffRole,
    pub display_name: String,
    pub organization: String,
    pub csrf_token: String,
    #[serde(deserialize_with = "crate::time::rfc3339")]
    pub expires_at: DateTime<Utc>,
}

/// Header that carries the CSRF token of a cookie session.
pub const CSRF_HEADER: &str = "x-csrf-token";

/// One CSV field as Excel reads it safely: quoted when needed, and a leading `=`, `+`, `-`, `@`,
/// tab or carriage return defused with an apostrophe so the cell is text, never a formula.
pub fn csv_field(value: &str) -> String {
    let defused = match value.chars().next() {
        Some('=' | '+' | '-' | '@' | '\t' | '\r') => format!("'{value}"),
        _ => value.to_owned(),
    };
    if defused.contains([',', '"', '\n', '\r']) { format!("\"{}\"", defused.replace('"', "\"\"")) } else { defused }
}

/// A CSV document for Excel: UTF-8 with a byte-order mark (or Excel reads Chinese as mojibake),
/// CRLF line ends.
pub fn csv_document(header: &[&str], rows: &[Vec<String>]) -> String {
    let mut out = String::from("\u{feff}");
    let line = |cells: Vec<String>| cells.join(",") + "\r\n";
    out.push_str(&line(header.iter().map(|h| csv_field(h)).collect()));
    for row in rows {
        out.push_str(&line(row.iter().map(|c| csv_field(c)).collect()));
    }
    out
}

/// A company whose on-time resolution rate for the quarter is below this (in per mille) is
/// flagged on the supervisor board for 约谈, a talk with the bureau.
pub const INTERVIEW_BELOW_ON_TIME: u32 = 800;

/// `GET /staff/board`: the supervisor's filters. The board lists open complaints that are
/// overdue, escalated or repeated; the flags narrow it to one of those.
#[cfg_attr(feature = "openapi", derive(utoipa::IntoParams, utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoardQuery {
    #[serde(default)]
    pub district: Option<String>,
    #[serde(default)]
    pub company_id: Option<i64>,
    #[serde(default)]
    pub community_id: Option<i64>,
    #[serde(default)]
    pub overdue: bool,
    #[serde(default)]
    pub escalated: bool,
    #[serde(default)]
    pub repeat: bool,
}

/// One complaint on the board, with where it is.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardRow {
    pub item: QueueItem,
    pub district: String,
    pub company_id: i64,
    pub company: String,
    pub community: String,
    pub repeat: bool,
}

impl BoardRow {
    /// Whether it belongs on the board at all, and passes the query's flags.
    pub fn matches(&self, query: &BoardQuery) -> bool {
        let (overdue, escalated) = (self.item.overdue(), self.item.escalated());
        let on_board = overdue || escalated || self.repeat;
        let flags = (!query.overdue || overdue) && (!query.escalated || escalated) && (!query.repeat || self.repeat);
        let district = query.district.as_deref().map(str::trim).filter(|d| !d.is_empty());
        on_board
            && flags
            && district.is_none_or(|d| d == self.district)
            && query.company_id.is_none_or(|id| id == self.company_id)
    }
}

/// Counts for one district, company or community.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct BoardGroup {
    pub name: String,
    /// The company's id, for a company's group.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub company_id: Option<i64>,
    pub overdue: u32,
    pub escalated: u32,
    pub repeat: u32,
    /// The quarter's on-time resolution rate, per mille, for a company with any resolved.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_time: Option<u32>,
    /// Below [`INTERVIEW_BELOW_ON_TIME`]: to be called in for 约谈.
    #[serde(default)]
    pub interview: bool,
}

#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Board {
    /// Most urgent first.
    pub rows: Vec<BoardRow>,
    pub by_district: Vec<BoardGroup>,
    /// Worst first; flagged companies are listed even with nothing open on the board.
    pub by_company: Vec<BoardGroup>,
    pub by_community: Vec<BoardGroup>,
}

impl Board {
    /// The board from the open complaints in the supervisor's scope and each company's on-time
    /// rate (`(id, name, per mille)`).
    pub fn build(all: Vec<BoardRow>, on_time: &[(i64, String, Option<u32>)], query: &BoardQuery) -> Self {
        let mut rows: Vec<BoardRow> = all.into_iter().filter(|row| row.matches(query)).collect();
        rows.sort_by(|a, b| by_urgency(&a.item, &b.item));
        let group = |key: fn(&BoardRow) -> &str| {
            let mut groups: Vec<BoardGroup> = Vec::new();
            for row in &rows {
                let index = match groups.iter().position(|g| g.name == key(row)) {
                    Some(index) => index,
                    None => {
                        groups.push(BoardGroup { name: key(row).to_owned(), ..BoardGroup::default() });
                        groups.len() - 1
                    }
                };
                let g = &mut groups[index];
                g.overdue += u32::from(row.item.overdue());
                g.escalated += u32::from(row.item.escalated());
                g.repeat += u32::from(row.repeat);
            }
            groups
        };
        let by_district = sorted(group(|r| &r.district));
        let by_community = sorted(group(|r| &r.community));
        let mut by_company = group(|r| &r.company);
        for group in &mut by_company {
            group.company_id = rows.iter().find(|r| r.company == group.name).map(|r| r.company_id);
        }
        for (id, name, rate) in on_time {
            if query.company_id.is_some_and(|wanted| wanted != *id) {
                continue;
            }
            let flagged = rate.is_some_and(|r| r < INTERVIEW_BELOW_ON_TIME);
            match by_company.iter_mut().find(|g| g.company_id == Some(*id)) {
                Some(group) => (group.on_time, group.interview) = (*rate, flagged),
                None if flagged => by_company.push(BoardGroup {
                    name: name.clone(),
                    company_id: Some(*id),
                    on_time: *rate,
                    interview: true,
                    ..BoardGroup::default()
                }),
                None => {}
            }
        }
        let by_company = {
            let mut groups = sorted(by_company);
            groups.sort_by_key(|g| !g.interview);
            groups
        };
        Self { rows, by_district, by_company, by_community }
    }
}

/// Most on the board first, then by name.
fn sorted(mut groups: Vec<BoardGroup>) -> Vec<BoardGroup> {
    groups.sort_by(|a, b| {
        (b.overdue + b.escalated + b.repeat).cmp(&(a.overdue + a.escalated + a.repeat)).then(a.name.cmp(&b.name))
    });
    groups
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::deadline::Deadline;
    use crate::{LocalizedText, TrackingNumber};
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 2, 0, 0).single().unwrap_or_default()
    }

    fn item(number: u32, status: ComplaintStatus, sign_in_hours: i64, resolve_in_hours: i64, card: Card) -> QueueItem {
        let signed = status != ComplaintStatus::Submitted;
        let deadline = |hours: i64, pending: bool| Deadline {
            due_at: now() + Duration::hours(hours),
            overdue: hours < 0,
            pending,
        };
        QueueItem {
            complaint: ComplaintSummary {
                tracking_number: TrackingNumber::new(now().date_naive(), number),
                status,
                community: "锦江花园".into(),
                category: LocalizedText { zh: "漏水".into(), en: "Leak".into() },
                filed_at: now(),
                updated_at: now(),
                sign_deadline: deadline(sign_in_hours, !signed),
                resolve_deadline: deadline(resolve_in_hours, true),
                level: Level::PropertyCompany,
                card,
                from_hotline: false,
            },
            unread: false,
            joins: 0,
        }
    }

    #[test]
    fn overdue_then_escalated_then_soonest_due() {
        use ComplaintStatus::*;
        let mut items = vec![
            item(1, Accepted, 0, 48, Card::None),
            item(2, Submitted, 2, 72, Card::None),
            item(3, Accepted, 0, 100, Card::Yellow),
            item(4, Submitted, -1, 72, Card::None),
        ];
        sort_by_urgency(&mut items);
        let order: Vec<String> = items.iter().map(|i| i.complaint.tracking_number.as_str()[6..13].to_owned()).collect();
        assert_eq!(order, ["0000004", "0000003", "0000002", "0000001"]);
    }

    #[test]
    fn counts_cover_every_open_complaint_whatever_the_filter() {
        use ComplaintStatus::*;
        let all = vec![
            item(1, Accepted, 0, 48, Card::None),
            item(2, Submitted, 2, 72, Card::None),
            item(3, Submitted, -3, 72, Card::Red),
        ];
        let query = QueueQuery { stage: Some(Accepted), ..QueueQuery::default() };
        let queue = Queue::build(all, &query);
        assert_eq!(queue.total, 1);
        assert_eq!(
            queue.stages,
            [StageCount { status: Submitted, count: 2 }, StageCount { status: Accepted, count: 1 }]
        );
        assert_eq!((queue.overdue, queue.escalated), (1, 1));
    }

    #[test]
    fn number_search_takes_a_prefix_as_people_type_it() {
        let one = item(123, ComplaintStatus::Accepted, 0, 48, Card::None);
        let number = one.complaint.tracking_number.as_str().to_owned();
        let search = |n: &str| one.matches(&QueueQuery { number: Some(n.into()), ..QueueQuery::default() });
        assert!(search(&number[..8]));
        assert!(search(&one.complaint.tracking_number.grouped()));
        assert!(search("２６１２０１"));
        assert!(!search("261202"));
    }

    #[test]
    fn csv_neutralises_formulas_and_quotes() {
        assert_eq!(csv_field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_field("+86 138"), "'+86 138");
        assert_eq!(csv_field("-1"), "'-1");
        assert_eq!(csv_field("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(csv_field("漏水, 三楼"), "\"漏水, 三楼\"");
        assert_eq!(csv_field("普通"), "普通");
        let document = csv_document(&["编号"], &[vec!["a\nb".into()]]);
        assert!(document.starts_with('\u{feff}'));
        assert_eq!(document, "\u{feff}编号\r\n\"a\nb\"\r\n");
    }

    proptest! {
        /// Whatever the text, a cell never starts a formula and round-trips through a CSV reader.
        #[test]
        fn no_cell_is_a_formula(text in "\\PC{0,20}") {
            let cell = csv_field(&text);
            let unquoted = cell.strip_prefix('"').unwrap_or(&cell);
            prop_assert!(!unquoted.starts_with(['=', '+', '-', '@', '\t', '\r']));
            if cell.starts_with('"') {
                let inner = &cell[1..cell.len() - 1];
                prop_assert!(!inner.replace("\"\"", "").contains('"'));
            }
        }

        /// The page is the slice of the matching rows in `sort_by_urgency`'s order, whatever the
        /// mix of deadlines, cards and stages.
        #[test]
        fn a_page_is_the_urgency_order_sliced(
            rows in proptest::collection::vec((0u32..3, -5i64..5, -5i64..5, 0u8..3), 0..40),
            offset in 0u32..30,
            limit in 1u32..20,
        ) {
            use ComplaintStatus::*;
            let all: Vec<QueueItem> = rows
                .iter()
                .enumerate()
                .map(|(i, &(stage, sign, resolve, card))| {
                    let status = [Submitted, Accepted, InProgress][stage as usize];
                    let card = [Card::None, Card::Yellow, Card::Red][card as usize];
                    item(i as u32 + 1, status, sign, resolve, card)
                })
                .collect();
            let query = QueueQuery { offset, limit: Some(limit), ..QueueQuery::default() };
            let mut expected = all.clone();
            sort_by_urgency(&mut expected);
            let expected: Vec<QueueItem> = expected.into_iter().skip(offset as usize).take(limit as usize).collect();
            prop_assert_eq!(Queue::build(all, &query).items, expected);
        }

        /// Paging never loses or repeats a row.
        #[test]
        fn pages_cover_every_match_once(count in 0usize..60, page in 1u32..25) {
            let all: Vec<QueueItem> = (0..count)
                .map(|i| item(i as u32 + 1, ComplaintStatus::Accepted, 0, (i as i64 % 7) - 3, Card::None))
                .collect();
            let mut seen = Vec::new();
            let mut offset = 0;
            loop {
                let query = QueueQuery { offset, limit: Some(page), ..QueueQuery::default() };
                let queue = Queue::build(all.clone(), &query);
                prop_assert_eq!(queue.total as usize, count);
                if queue.items.is_empty() { break; }
                seen.extend(queue.items.into_iter().map(|i| i.complaint.tracking_number));
                offset += page;
            }
            seen.sort_by(|a, b| a.as_str().cmp(b.as_str()));
            seen.dedup();
            prop_assert_eq!(seen.len(), count);
        }
    }

    fn board_row(number: u32, company: (i64, &str), overdue: bool, repeat: bool) -> BoardRow {
        let hours = if overdue { -2 } else { 20 };
        BoardRow {
            item: item(number, ComplaintStatus::Submitted, hours, 72, Card::None),
            district: "锦江区".into(),
            company_id: company.0,
            company: company.1.into(),
            community: "锦江花园".into(),
            repeat,
        }
    }

    #[test]
    fn the_board_holds_overdue_escalated_and_repeated_complaints_only() {
        let rows = vec![
            board_row(1, (1, "安居物业"), true, false),
            board_row(2, (1, "安居物业"), false, false),
            board_row(3, (2, "蓉城物业"), false, true),
        ];
        let on_time = [
            (1, "安居物业".to_owned(), Some(900)),
            (2, "蓉城物业".to_owned(), Some(650)),
            (3, "锦华物业".to_owned(), Some(700)),
        ];
        let board = Board::build(rows, &on_time, &BoardQuery::default());
        assert_eq!(board.rows.len(), 2);
        let flagged: Vec<&str> = board.by_company.iter().filter(|g| g.interview).map(|g| g.name.as_str()).collect();
        assert_eq!(flagged, ["蓉城物业", "锦华物业"]);
        assert!(!board.by_company.iter().any(|g| g.name == "安居物业" && g.interview));
        let only_overdue = Board::build(
            vec![board_row(1, (1, "安居物业"), true, false), board_row(3, (2, "蓉城物业"), false, true)],
            &on_time,
            &BoardQuery { overdue: true, ..BoardQuery::default() },
        );
        assert_eq!(only_overdue.rows.len(), 1);
        assert_eq!(only_overdue.by_district[0].overdue, 1);
    }
}
