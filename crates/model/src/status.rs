//! Where a complaint stands. The legal moves between these stages, and who may make them, come
//! with the lifecycle table; this is the vocabulary both sides share.

use serde::Serialize;

crate::names::named_enum! {
    #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
    #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
    #[serde(rename_all = "snake_case")]
    pub enum ComplaintStatus {
        /// 已提交: received, waiting for the responsible unit to sign for it.
        Submitted = "submitted",
        /// 已签收: the responsible unit has taken it on.
        Accepted = "accepted",
        /// 处理中
        InProgress = "in_progress",
        /// 待补充: the unit needs more information from the resident.
        NeedsInfo = "needs_info",
        /// 已办结: the unit has replied with its result.
        Resolved = "resolved",
        /// 已评价
        Rated = "rated",
        /// 已关闭
        Closed = "closed",
        /// 已撤回
        Withdrawn = "withdrawn",
    }
}

impl ComplaintStatus {
    /// Whether the complaint is waiting for the unit (or for the resident's supplement): not yet
    /// resolved, withdrawn or closed.
    pub fn is_open(self) -> bool {
        matches!(self, Self::Submitted | Self::Accepted | Self::InProgress | Self::NeedsInfo)
    }

    /// Whether the deadlines' clocks have stopped: withdrawn or closed, nothing is due any more.
    pub fn stops_clocks(self) -> bool {
        matches!(self, Self::Withdrawn | Self::Closed)
    }

    /// Whether the handling is over from the resident's point of view.
    pub fn is_finished(self) -> bool {
        matches!(self, Self::Rated | Self::Closed | Self::Withdrawn)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_through_storage_and_json() {
        for status in ComplaintStatus::ALL {
            assert_eq!(ComplaintStatus::from_str_opt(status.as_str()), Some(status));
            let json = serde_json::to_string(&status).unwrap_or_default();
            assert_eq!(json, format!("\"{}\"", status.as_str()));
        }
        assert_eq!(ComplaintStatus::from_str_opt("resolved_by_resident"), None);
    }
}
