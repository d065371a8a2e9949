//! Text messages (短信) that tell a resident their complaint moved while the app is closed: which
//! steps send one, and the words. A text says the stage and links to the progress view; it never
//! carries what the resident wrote or anyone's name, because a phone shows a text on its locked
//! screen to whoever holds it.

use crate::{EventKind, TrackingNumber};

/// Who a text goes to: the resident who filed, or a neighbour who joined (附议).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Recipient {
    Filer,
    Joiner,
}

impl Recipient {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Filer => "filer",
            Self::Joiner => "joiner",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        [Self::Filer, Self::Joiner].into_iter().find(|r| r.as_str() == text)
    }
}

/// A Chinese text of up to 70 characters goes as one message; longer ones are split into parts
/// of 67. Two parts is the most a text may take, with its link.
pub const MAX_TEXT_CHARS: usize = 134;

/// The steps a resident hears about by text: the unit signed for it, asks them something, says it
/// is solved, or someone above the unit took it up (督办, 提级, 会商).
pub fn is_texted(kind: EventKind) -> bool {
    stage(kind, Recipient::Filer).is_some()
}

fn stage(kind: EventKind, recipient: Recipient) -> Option<&'static str> {
    Some(match (kind, recipient) {
        (EventKind::Accepted, _) => "已被办理单位签收，正在处理",
        (EventKind::InfoRequested, Recipient::Filer) => "需要您补充信息，请打开链接补充",
        (EventKind::InfoRequested, Recipient::Joiner) => "办理单位正在向反映人了解情况",
        (EventKind::Resolved, Recipient::Filer) => "已办结，请查看结果并评价",
        (EventKind::Resolved, Recipient::Joiner) => "已办结，可查看办理结果",
        (EventKind::Supervised, _) => "已被上级督办，限期办理",
        (EventKind::Escalated, _) => "已提级办理",
        (EventKind::ConsultationScheduled, _) => "已安排部门会商",
        _ => return None,
    })
}

/// The text for a step, or `None` for a step that sends none. `link` opens the progress view.
pub fn text(kind: EventKind, recipient: Recipient, number: &TrackingNumber, link: &str) -> Option<String> {
    let stage = stage(kind, recipient)?;
    let whose = match recipient {
        Recipient::Filer => "您反映的问题",
        Recipient::Joiner => "您附议的问题",
    };
    Some(format!("【马上办】{whose}（编号 {}）{stage}。查看进度：{link}", number.grouped()))
}

/// The progress view's address under the app's public address (which ends in `/`).
pub fn progress_link(public_url: &str, number: &TrackingNumber) -> String {
    format!("{public_url}complaints/{}", number.as_str())
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    const ALL_KINDS: [EventKind; 20] = [
        EventKind::Filed,
        EventKind::Accepted,
        EventKind::ProgressNote,
        EventKind::InfoRequested,
        EventKind::InfoSupplied,
        EventKind::Transferred,
        EventKind::Urged,
        EventKind::Resolved,
        EventKind::Rated,
        EventKind::Reopened,
        EventKind::Withdrawn,
        EventKind::Closed,
        EventKind::DueSoon,
        EventKind::Supervised,
        EventKind::Escalated,
        EventKind::ConsultationScheduled,
        EventKind::ConsultationHeld,
        EventKind::Joined,
        EventKind::FromHotline,
        EventKind::Other,
    ];

    #[test]
    fn the_steps_a_resident_waits_for_send_a_text_and_their_own_steps_do_not() {
        let texted: Vec<EventKind> = ALL_KINDS.into_iter().filter(|k| is_texted(*k)).collect();
        assert_eq!(
            texted,
            [
                EventKind::Accepted,
                EventKind::InfoRequested,
                EventKind::Resolved,
                EventKind::Supervised,
                EventKind::Escalated,
                EventKind::ConsultationScheduled
            ]
        );
    }

    #[test]
    fn a_text_says_whose_problem_the_stage_and_the_link() {
        let number = TrackingNumber::new(chrono::NaiveDate::from_ymd_opt(2026, 12, 2).expect("a date"), 6_987_825);
        let digits = number.as_str();
        let link = progress_link("https://mashang.example.gov.cn/", &number);
        assert_eq!(link, format!("https://mashang.example.gov.cn/complaints/{digits}"));
        assert_eq!(
            text(EventKind::Resolved, Recipient::Filer, &number, &link),
            Some(format!(
                "【马上办】您反映的问题（编号 261202 6987 825{}）已办结，请查看结果并评价。查看进度：https://mashang.example.gov.cn/complaints/{digits}",
                &digits[13..]
            ))
        );
        let joiner = text(EventKind::InfoRequested, Recipient::Joiner, &number, &link).expect("a text");
        assert!(joiner.starts_with("【马上办】您附议的问题"), "{joiner}");
        assert!(!joiner.contains("请打开链接补充"), "a joiner is not asked to supply anything: {joiner}");
        assert_eq!(text(EventKind::Rated, Recipient::Filer, &number, &link), None);
    }

    #[test]
    fn recipients_round_trip_through_their_names() {
        for recipient in [Recipient::Filer, Recipient::Joiner] {
            assert_eq!(Recipient::parse(recipient.as_str()), Some(recipient));
        }
        assert_eq!(Recipient::parse("neighbour"), None);
    }

    proptest! {
        /// Every text fits in two parts with a link as long as a city's address is likely to be,
        /// and carries the number a resident can read out on the hotline.
        #[test]
        fn every_text_fits_two_parts_and_names_the_number(serial in 0_u32..100_000_000, host in "[a-z]{3,24}") {
            let number = TrackingNumber::new(chrono::NaiveDate::from_ymd_opt(2026, 12, 2).expect("a date"), serial);
            let link = progress_link(&format!("https://{host}.gov.cn/"), &number);
            for kind in ALL_KINDS {
                for recipient in [Recipient::Filer, Recipient::Joiner] {
                    let Some(text) = text(kind, recipient, &number, &link) else { continue };
                    prop_assert!(text.chars().count() <= MAX_TEXT_CHARS, "{} chars: {text}", text.chars().count());
                    prop_assert!(text.contains(&number.grouped()));
                    prop_assert!(text.ends_with(&link));
                }
            }
        }
    }
}
