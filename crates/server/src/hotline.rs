//! The 12345 hotline exchange: the file formats of its tickets, and why a row is refused.
//!
//! A hotline ticket comes as one JSON object per line (JSON Lines) or as a CSV row under a header,
//! with the same seven fields:
//!
//! | field | meaning |
//! |---|---|
//! | `ticket_id` | the hotline's ticket number: importing it again changes nothing |
//! | `received_at` | when the hotline took the call, RFC 3339 (`2026-11-28T09:12:00+08:00`) |
//! | `caller_phone` | the caller's mobile number: the resident finds the complaint under it |
//! | `community` | the community's name, or `区名 小区名` where two districts share a name |
//! | `category` | our category's name (`电梯故障`), or `大类/小类` |
//! | `content` | what the caller said: the complaint's description |
//! | `hotline_status` | the hotline's own status, kept and shown as it is |
//!
//! Storing the rows is the store's (`Store::import_hotline`); here is only what can be said of
//! a row without the database.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// The columns of the CSV form, in the order a header must name them (any order is accepted).
pub const FIELDS: [&str; 7] =
    ["ticket_id", "received_at", "caller_phone", "community", "category", "content", "hotline_status"];

/// The longest ticket number or hotline status kept.
const SHORT_FIELD_MAX_CHARS: usize = 64;

/// One ticket as the file gives it: every field is text, checked later.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HotlineTicket {
    #[serde(default)]
    pub ticket_id: String,
    #[serde(default)]
    pub received_at: String,
    #[serde(default)]
    pub caller_phone: String,
    #[serde(default)]
    pub community: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub content: String,
    #[serde(default)]
    pub hotline_status: String,
}

/// Why a row was not imported. The names are the report's, stable for the hotline's engineers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// Not a JSON object of the fields above, or a CSV row with the wrong number of columns.
    Malformed,
    /// Bytes that are not UTF-8 on the row's line.
    BadEncoding,
    MissingTicketId,
    /// The same ticket number earlier in the same file.
    DuplicateInFile,
    BadTime,
    /// A call received in the future.
    FutureTime,
    BadPhone,
    UnknownCommunity,
    /// The name is shared by communities of several districts: write `区名 小区名`.
    AmbiguousCommunity,
    UnknownCategory,
    /// The name is that of a group or of several categories: write `大类/小类`.
    AmbiguousCategory,
    /// Empty, or shorter or longer than a complaint may be.
    BadContent,
    MissingStatus,
}

impl Refusal {
    /// The reason in a sentence, for the operator reading the report.
    pub fn explanation(self) -> &'static str {
        match self {
            Self::Malformed => "行格式不对（不是七个字段的 JSON 对象，或 CSV 列数不对）",
            Self::BadEncoding => "这一行不是 UTF-8 编码",
            Self::MissingTicketId => "缺少工单号",
            Self::DuplicateInFile => "同一文件中工单号重复",
            Self::BadTime => "受理时间不是 RFC 3339 格式",
            Self::FutureTime => "受理时间在将来",
            Self::BadPhone => "来电号码不是有效的手机号",
            Self::UnknownCommunity => "找不到这个小区",
            Self::AmbiguousCommunity => "多个区有同名小区，请写成“区名 小区名”",
            Self::UnknownCategory => "找不到这个问题类别",
            Self::AmbiguousCategory => "类别名称不唯一或不是具体类别，请写成“大类/小类”",
            Self::BadContent => "诉求内容为空、过短或过长",
            Self::MissingStatus => "缺少热线状态",
        }
    }
}

/// A row of the file: its line number (1-based, the header counted) and its ticket, or why it
/// could not even be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Row {
    pub line: usize,
    pub ticket: Result<HotlineTicket, Refusal>,
}

/// The file's rows: JSON Lines, or CSV when `csv` is set. Blank lines are skipped. A line that
/// is not UTF-8 refuses its row alone (a file saved in GBK by one desk should not stop the rest).
pub fn parse(bytes: &[u8], csv: bool) -> Vec<Row> {
    let broken: std::collections::HashSet<usize> = bytes
        .split(|byte| *byte == b'\n')
        .enumerate()
        .filter(|(_, line)| std::str::from_utf8(line).is_err())
        .map(|(index, _)| index + 1)
        .collect();
    let text = String::from_utf8_lossy(bytes);
    let mut rows = if csv { parse_csv(&text) } else { parse_json_lines(&text) };
    for row in &mut rows {
        if broken.contains(&row.line) {
            row.ticket = Err(Refusal::BadEncoding);
        }
    }
    rows
}

fn parse_json_lines(text: &str) -> Vec<Row> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    text.lines()
        .enumerate()
        .filter(|(_, line)| !line.trim().is_empty())
        .map(|(index, line)| Row {
            line: index + 1,
            ticket: serde_json::from_str::<HotlineTicket>(line).map_err(|_| Refusal::Malformed),
        })
        .collect()
}

fn parse_csv(text: &str) -> Vec<Row> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut records = csv_records(text).into_iter();
    let Some((_, header)) = records.next() else { return Vec::new() };
    let columns: Vec<Option<usize>> =
        header.iter().map(|name| FIELDS.iter().position(|field| field.eq_ignore_ascii_case(name.trim()))).collect();
    let header_complete = FIELDS.iter().enumerate().all(|(field, _)| columns.contains(&Some(field)));
    records
        .filter(|(_, record)| !(record.len() == 1 && record[0].trim().is_empty()))
        .map(|(line, record)| {
            if !header_complete || record.len() != columns.len() {
                return Row { line, ticket: Err(Refusal::Malformed) };
            }
            let mut fields: [String; 7] = Default::default();
            for (value, column) in record.into_iter().zip(&columns) {
                if let Some(field) = column {
                    fields[*field] = value;
                }
            }
            let [ticket_id, received_at, caller_phone, community, category, content, hotline_status] = fields;
            Row {
                line,
                ticket: Ok(HotlineTicket {
                    ticket_id,
                    received_at,
                    caller_phone,
                    community,
                    category,
                    content,
                    hotline_status,
                }),
            }
        })
        .collect()
}

/// RFC 4180 records with the line each starts on: fields in double quotes may hold commas,
/// line breaks and doubled quotes. A quote left open runs to the end of the text, which makes
/// that last record malformed rather than swallowing the error.
fn csv_records(text: &str) -> Vec<(usize, Vec<String>)> {
    let mut records = Vec::new();
    let (mut record, mut field) = (Vec::new(), String::new());
    let (mut line, mut start_line) = (1, 1);
    let (mut quoted, mut after_quote) = (false, false);
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => {
                    quoted = false;
                    after_quote = true;
                }
                '\n' => {
                    line += 1;
                    field.push('\n');
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() && !after_quote => quoted = true,
            ',' => {
                record.push(std::mem::take(&mut field));
                after_quote = false;
            }
            '\r' if chars.peek() == Some(&'\n') => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                records.push((start_line, std::mem::take(&mut record)));
                after_quote = false;
                line += 1;
                start_line = line;
            }
            _ => field.push(c),
        }
    }
    if quoted {
        // An unclosed quote: one field too many makes the record malformed.
        record.push(std::mem::take(&mut field));
        record.push(String::new());
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push((start_line, record));
    }
    records
}

/// What of a ticket can be checked without the database: its number, time, phone and status.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckedTicket {
    pub ticket_id: String,
    pub received_at: DateTime<Utc>,
    pub phone: mashang_model::PhoneNumber,
    pub community: String,
    pub category: String,
    pub content: String,
    pub hotline_status: String,
}

/// Checks what can be checked alone; the first problem found is the reason given.
pub fn check(ticket: &HotlineTicket, now: DateTime<Utc>) -> Result<CheckedTicket, Refusal> {
    let ticket_id = ticket.ticket_id.trim();
    if ticket_id.is_empty() || ticket_id.chars().count() > SHORT_FIELD_MAX_CHARS {
        return Err(Refusal::MissingTicketId);
    }
    let received_at =
        DateTime::parse_from_rfc3339(ticket.received_at.trim()).map_err(|_| Refusal::BadTime)?.with_timezone(&Utc);
    // A few minutes of clock difference between the hotline's machines and ours is not an error.
    if received_at > now + chrono::Duration::minutes(5) {
        return Err(Refusal::FutureTime);
    }
    let phone = mashang_model::PhoneNumber::parse(&ticket.caller_phone).map_err(|_| Refusal::BadPhone)?;
    let hotline_status = ticket.hotline_status.trim();
    if hotline_status.is_empty() || hotline_status.chars().count() > SHORT_FIELD_MAX_CHARS {
        return Err(Refusal::MissingStatus);
    }
    Ok(CheckedTicket {
        ticket_id: ticket_id.to_owned(),
        received_at,
        phone,
        community: ticket.community.trim().to_owned(),
        category: ticket.category.trim().to_owned(),
        content: ticket.content.clone(),
        hotline_status: hotline_status.to_owned(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn now() -> DateTime<Utc> {
        "2026-12-01T08:00:00Z".parse().unwrap()
    }

    fn ticket() -> HotlineTicket {
        HotlineTicket {
            ticket_id: "SC-20261128-0001".into(),
            received_at: "2026-11-28T09:12:00+08:00".into(),
            caller_phone: "13800138000".into(),
            community: "望江苑".into(),
            category: "电梯故障".into(),
            content: "三号楼电梯停了两天，老人上下楼很困难。".into(),
            hotline_status: "已派单".into(),
        }
    }

    #[test]
    fn json_lines_give_one_row_per_line_with_its_number() {
        let line = serde_json::to_string(&ticket()).unwrap();
        let rows = parse(format!("{line}\n\n{{\"ticket_id\": 3}}\nnot json\n{line}").as_bytes(), false);
        let lines: Vec<usize> = rows.iter().map(|row| row.line).collect();
        assert_eq!(lines, [1, 3, 4, 5]);
        assert_eq!(rows[0].ticket, Ok(ticket()));
        assert_eq!(rows[1].ticket, Err(Refusal::Malformed));
        assert_eq!(rows[2].ticket, Err(Refusal::Malformed));
    }

    #[test]
    fn an_unknown_field_is_malformed_rather_than_ignored() {
        let rows = parse(r#"{"ticket_id":"1","caller_name":"张三"}"#.as_bytes(), false);
        assert_eq!(rows[0].ticket, Err(Refusal::Malformed));
    }

    #[test]
    fn csv_takes_quoted_commas_quotes_and_line_breaks_in_any_column_order() {
        let text = "\u{feff}content,ticket_id,received_at,caller_phone,community,category,hotline_status\r\n\
                    \"电梯停了，\"\"很急\"\"\n请快修\",SC-1,2026-11-28T09:12:00+08:00,13800138000,望江苑,电梯故障,已派单\r\n\
                    ,,,\n\
                    plain,SC-2,2026-11-28T09:12:00+08:00,13800138000,望江苑,电梯故障,已派单\n";
        let rows = parse(text.as_bytes(), true);
        assert_eq!(rows.len(), 3);
        let first = rows[0].ticket.clone().unwrap();
        assert_eq!((rows[0].line, first.ticket_id.as_str()), (2, "SC-1"));
        assert_eq!(first.content, "电梯停了，\"很急\"\n请快修");
        assert_eq!((rows[1].line, rows[1].ticket.clone()), (4, Err(Refusal::Malformed)));
        assert_eq!(rows[2].line, 5);
        assert_eq!(rows[2].ticket.clone().unwrap().ticket_id, "SC-2");
    }

    #[test]
    fn csv_without_a_complete_header_refuses_every_row() {
        let rows = parse("ticket_id,content\nSC-1,电梯停了很久很久\n".as_bytes(), true);
        assert_eq!(rows[0].ticket, Err(Refusal::Malformed));
    }

    #[test]
    fn an_unclosed_quote_makes_the_last_row_malformed() {
        let header = FIELDS.join(",");
        let rows = parse(format!("{header}\nSC-1,\"2026-11-28T09:12:00+08:00,1,2,3,4,5\n").as_bytes(), true);
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].ticket, Err(Refusal::Malformed));
    }

    #[test]
    fn a_line_that_is_not_utf8_refuses_its_row_alone() {
        let line = serde_json::to_string(&ticket()).unwrap();
        // "电梯" in GBK, as a desk's spreadsheet might save it.
        let mut bytes = format!("{line}\n").into_bytes();
        bytes.extend_from_slice(b"{\"ticket_id\":\"SC-2\",\"content\":\"\xb5\xe7\xcc\xdd\"}\n");
        bytes.extend_from_slice(line.as_bytes());
        let rows = parse(&bytes, false);
        let outcomes: Vec<_> = rows.iter().map(|row| (row.line, row.ticket.clone().err())).collect();
        assert_eq!(outcomes, [(1, None), (2, Some(Refusal::BadEncoding)), (3, None)]);
        let csv = [FIELDS.join(",").as_bytes(), b"\nSC-1,\xb5\xe7,x,x,x,x,x\n"].concat();
        assert_eq!(parse(&csv, true)[0].ticket, Err(Refusal::BadEncoding));
    }

    #[test]
    fn check_gives_the_first_problem() {
        assert!(check(&ticket(), now()).is_ok());
        let with = |change: fn(&mut HotlineTicket)| {
            let mut ticket = ticket();
            change(&mut ticket);
            check(&ticket, now()).err()
        };
        assert_eq!(with(|t| t.ticket_id = "  ".into()), Some(Refusal::MissingTicketId));
        assert_eq!(with(|t| t.received_at = "2026/11/28 09:12".into()), Some(Refusal::BadTime));
        assert_eq!(with(|t| t.received_at = "2026-12-02T09:12:00+08:00".into()), Some(Refusal::FutureTime));
        assert_eq!(with(|t| t.caller_phone = "12345".into()), Some(Refusal::BadPhone));
        assert_eq!(with(|t| t.hotline_status = String::new()), Some(Refusal::MissingStatus));
    }

    proptest! {
        /// Whatever the fields hold, a ticket written as a CSV row (quoted where needed) reads back
        /// as the same ticket.
        #[test]
        fn csv_rows_round_trip(fields in proptest::array::uniform7("[a-z0-9,\"\n 电梯停]{0,12}")) {
            let quote = |value: &str| format!("\"{}\"", value.replace('"', "\"\""));
            let row = fields.iter().map(|value| quote(value)).collect::<Vec<_>>().join(",");
            let rows = parse(format!("{}\n{row}\n", FIELDS.join(",")).as_bytes(), true);
            prop_assert_eq!(rows.len(), 1);
            let [ticket_id, received_at, caller_phone, community, category, content, hotline_status] = fields;
            prop_assert_eq!(rows[0].ticket.clone(), Ok(HotlineTicket {
                ticket_id, received_at, caller_phone, community, category, content, hotline_status,
            }));
        }
    }
}
