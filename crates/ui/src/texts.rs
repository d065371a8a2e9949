//! The words both apps share: statuses, events, who acted, escalation sentences, field errors and
//! what to say when a request fails. Chinese first; each language fills the whole struct, so a
//! missing translation is a compile error. Each app's own catalogue derefs to this one.

use mashang_model::escalation::{Card, ConsultationState, EscalationDetail, EscalationReason, Level};
use mashang_model::lifecycle::Refusal;
use mashang_model::{
    ActorRole, ComplaintStatus, EscalationState, EventKind, Field, FieldError, FieldErrorCode, ProblemCode, Rating,
    Satisfaction, Solved,
};

use crate::http::ApiError;

/// 2026年11月27日 08:30, or 27 Nov 2026, 08:30.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    Chinese,
    English,
}

pub struct CommonTexts {
    pub required: &'static str,
    pub optional: &'static str,
    pub loading: &'static str,
    pub retry: &'static str,
    pub error_summary_title: &'static str,
    pub overdue: &'static str,
    /// Time left before a due time: `{d}` days, `{h}` hours, `{m}` minutes.
    pub left_days: &'static str,
    pub left_hours: &'static str,
    pub left_minutes: &'static str,
    pub timeline_title: &'static str,
    pub close: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub stages_label: &'static str,
    /// The first stage's name in the stepper, where five names share a phone's width.
    pub stage_submitted: &'static str,
    pub send: &'static str,
    pub sending: &'static str,
    pub cancel: &'static str,
    pub refusal_not_permitted: &'static str,
    pub refusal_wrong_stage: &'static str,
    pub refusal_window_closed: &'static str,
    pub refusal_not_overdue: &'static str,
    pub refusal_too_soon: &'static str,
    pub error_network: &'static str,
    pub error_busy: &'static str,
    pub error_storage: &'static str,
    pub error_too_large: &'static str,
    pub error_fix_fields: &'static str,
    pub error_generic: &'static str,
    pub error_load_failed: &'static str,
    pub error_request_id: &'static str,
    pub field_community: &'static str,
    pub field_category: &'static str,
    pub field_description: &'static str,
    pub field_phone: &'static str,
    pub field_tracking_number: &'static str,
    pub field_location: &'static str,
    pub field_name: &'static str,
    pub field_consent: &'static str,
    pub field_note: &'static str,
    pub field_rating: &'static str,
    pub field_transfer_to: &'static str,
    pub field_photos: &'static str,
    pub field_other: &'static str,
    pub err_required_choice: &'static str,
    pub err_required_text: &'static str,
    pub err_too_short: &'static str,
    pub err_too_long: &'static str,
    pub err_invalid_phone: &'static str,
    pub err_invalid_tracking_number: &'static str,
    pub err_unknown_community: &'static str,
    pub err_unknown_category: &'static str,
    pub err_category_not_specific: &'static str,
    pub err_consent_required: &'static str,
    pub err_too_many: &'static str,
    pub err_unknown_photo: &'static str,
    pub err_empty_file: &'static str,
    pub err_unsupported_type: &'static str,
    pub err_too_many_pixels: &'static str,
    pub err_undecodable: &'static str,
    pub photo_alt: &'static str,
    pub photo_viewer: &'static str,
    pub err_unknown: &'static str,
    pub status_submitted: &'static str,
    pub status_accepted: &'static str,
    pub status_in_progress: &'static str,
    pub status_needs_info: &'static str,
    pub status_resolved: &'static str,
    pub status_rated: &'static str,
    pub status_closed: &'static str,
    pub status_withdrawn: &'static str,
    pub event_filed: &'static str,
    pub event_accepted: &'static str,
    pub event_progress_note: &'static str,
    pub event_info_requested: &'static str,
    pub event_info_supplied: &'static str,
    pub event_transferred: &'static str,
    pub event_urged: &'static str,
    pub event_resolved: &'static str,
    pub event_rated: &'static str,
    pub event_reopened: &'static str,
    pub event_withdrawn: &'static str,
    pub event_closed: &'static str,
    pub event_other: &'static str,
    pub event_due_soon: &'static str,
    pub event_supervised: &'static str,
    pub event_red_card: &'static str,
    pub event_escalated: &'static str,
    pub event_consultation_scheduled: &'static str,
    pub event_consultation_held: &'static str,
    pub event_joined: &'static str,
    pub event_from_hotline: &'static str,
    /// Escalation, in the timeline and the progress view's banner. `{date}`, `{unit}`, `{units}`
    /// and `{n}` are filled in.
    pub esc_due_soon: &'static str,
    pub esc_sign_overdue: &'static str,
    pub esc_yellow: &'static str,
    pub esc_red: &'static str,
    pub esc_group: &'static str,
    pub esc_repeat: &'static str,
    pub esc_dissatisfied: &'static str,
    pub esc_by_hand: &'static str,
    pub esc_sign_by: &'static str,
    pub esc_resolve_by: &'static str,
    pub esc_led_by: &'static str,
    pub esc_meeting: &'static str,
    pub esc_meeting_units: &'static str,
    pub banner_red: &'static str,
    pub banner_yellow: &'static str,
    pub banner_level: &'static str,
    pub banner_meeting: &'static str,
    pub banner_meeting_held: &'static str,
    pub banner_due_soon: &'static str,
    pub level_street_office: &'static str,
    pub level_district_bureau: &'static str,
    pub solved_yes: &'static str,
    pub solved_partly: &'static str,
    pub solved_no: &'static str,
    pub satisfied: &'static str,
    pub basically_satisfied: &'static str,
    pub dissatisfied: &'static str,
    pub actor_resident: &'static str,
    pub actor_property_company: &'static str,
    pub actor_community_office: &'static str,
    pub actor_housing_bureau: &'static str,
    pub actor_system: &'static str,
    /// How a date and time is written.
    pub date_style: DateStyle,
    pub photos_label: &'static str,
    pub photos_hint: &'static str,
    pub add_photos: &'static str,
    pub photo_preparing: &'static str,
    pub photo_uploading: &'static str,
    pub photo_done: &'static str,
    pub remove_photo: &'static str,
    pub none_given: &'static str,
    pub photos_busy: &'static str,
    pub switch_language: &'static str,
    pub switch_language_label: &'static str,
    pub sign_in: &'static str,
    pub sign_out: &'static str,
}

pub static ZH_CN: CommonTexts = CommonTexts {
    required: "（必填）",
    optional: "（选填）",
    loading: "正在加载…",
    retry: "重试",
    error_summary_title: "还有几处需要修改：",
    overdue: "已超时",
    left_days: "还剩 {d} 天 {h} 小时",
    left_hours: "还剩 {h} 小时 {m} 分",
    left_minutes: "还剩 {m} 分钟",
    timeline_title: "办理进度",
    close: "关闭",
    yes: "是",
    no: "否",
    stages_label: "办理阶段",
    stage_submitted: "已提交",
    send: "提交",
    sending: "正在提交…",
    cancel: "取消",
    refusal_not_permitted: "您不能进行这个操作。",
    refusal_wrong_stage: "现在不能进行这个操作，办理状态可能刚刚变化，请看最新进度。",
    refusal_window_closed: "已超过可以重新办理的时间（办结后15天内）。如仍有问题，请重新投诉或拨打12345。",
    refusal_not_overdue: "还没到办理时限，暂时不能催办。",
    refusal_too_soon: "今天已经催办过了，请明天再试。",
    error_network: "网络连接不上，请检查网络后重试。您填写的内容还在。",
    error_busy: "系统正忙，请稍等几秒再试。",
    error_storage: "系统暂时无法保存，请稍后再试。",
    error_too_large: "内容太长，请删减一些后再试。",
    error_fix_fields: "有几处需要修改，请看下面的提示。",
    error_generic: "出了点问题，请稍后重试。",
    error_load_failed: "加载失败。请检查网络后重试。",
    error_request_id: "如需帮助，请提供编号：",
    field_community: "所在小区",
    field_category: "问题类型",
    field_description: "问题描述",
    field_phone: "手机号",
    field_tracking_number: "受理编号",
    field_location: "具体位置",
    field_name: "称呼",
    field_consent: "个人信息告知",
    field_note: "说明",
    field_rating: "评价",
    field_transfer_to: "转办单位",
    field_photos: "照片",
    field_other: "内容",
    err_required_choice: "请选择{field}。",
    err_required_text: "请填写{field}。",
    err_too_short: "{field}至少写 {limit} 个字。",
    err_too_long: "{field}最多 {limit} 个字，请删减一些。",
    err_invalid_phone: "请填写11位手机号，例如 13800138000。",
    err_invalid_tracking_number: "受理编号是14位数字，请核对后重新输入。",
    err_unknown_community: "找不到这个小区，请重新选择。",
    err_unknown_category: "找不到这个问题类型，请重新选择。",
    err_category_not_specific: "请选择具体的问题类型。",
    err_consent_required: "请阅读个人信息告知，并勾选同意。",
    err_too_many: "{field}最多 {limit} 张。",
    err_unknown_photo: "有照片没有上传成功，请删除后重新添加。",
    err_empty_file: "这个文件是空的，请重新选择照片。",
    err_unsupported_type: "只能上传照片（JPG、PNG 或 WebP）。",
    err_too_many_pixels: "照片太大（超过 {limit} 百万像素），请换一张。",
    err_undecodable: "这张照片打不开，请换一张。",
    photo_alt: "照片 {n}",
    photo_viewer: "照片",
    err_unknown: "{field}填写有误，请检查。",
    status_submitted: "已提交",
    status_accepted: "已签收",
    status_in_progress: "处理中",
    status_needs_info: "待补充",
    status_resolved: "已办结",
    status_rated: "已评价",
    status_closed: "已关闭",
    status_withdrawn: "已撤回",
    event_filed: "提交投诉",
    event_accepted: "签收",
    event_progress_note: "处理进展",
    event_info_requested: "请您补充材料",
    event_info_supplied: "补充材料",
    event_transferred: "转办",
    event_urged: "催办",
    event_resolved: "办结答复",
    event_rated: "评价",
    event_reopened: "重新办理",
    event_withdrawn: "撤回",
    event_closed: "关闭",
    event_other: "办理记录",
    event_due_soon: "即将超时",
    event_supervised: "督办",
    event_red_card: "挂牌督办",
    event_escalated: "提级办理",
    event_consultation_scheduled: "部门会商",
    event_consultation_held: "会商结果",
    event_joined: "邻居附议",
    event_from_hotline: "来自12345热线",
    esc_due_soon: "办理时限即将到期，已提醒办理单位。",
    esc_sign_overdue: "办理单位超时未签收，已督办。",
    esc_yellow: "超过办结时限，黄牌督办。",
    esc_red: "超时仍未办结，红牌挂牌督办，在物业服务评价中公开。",
    esc_group: "多户居民反映同一问题，提级办理。",
    esc_repeat: "同一问题反复投诉，提级办理。",
    esc_dissatisfied: "两次评价不满意，召开部门会商。",
    esc_by_hand: "督办单位要求加快办理。",
    esc_sign_by: "要求 {date} 前签收。",
    esc_resolve_by: "要求 {date} 前办结。",
    esc_led_by: "现由{unit}牵头办理。",
    esc_meeting: "会商时间：{date}。",
    esc_meeting_units: "参加单位：{units}。",
    banner_red: "已挂牌督办：住建局要求 {date} 前办结",
    banner_yellow: "已督办：要求尽快办结",
    banner_level: "已提级办理：现由{unit}牵头",
    banner_meeting: "已安排部门会商：{date}",
    banner_meeting_held: "部门会商已召开，结果见办理进度",
    banner_due_soon: "即将超时：已提醒办理单位",
    level_street_office: "街道办事处",
    level_district_bureau: "区住房和城乡建设局",
    solved_yes: "已解决",
    solved_partly: "部分解决",
    solved_no: "未解决",
    satisfied: "满意",
    basically_satisfied: "基本满意",
    dissatisfied: "不满意",
    actor_resident: "居民",
    actor_property_company: "物业公司",
    actor_community_office: "社区/街道",
    actor_housing_bureau: "住建部门",
    actor_system: "系统",
    date_style: DateStyle::Chinese,
    photos_label: "照片",
    photos_hint: "最多9张，可以拍照或从相册选，会自动压缩。",
    add_photos: "拍照或选择照片",
    photo_preparing: "正在处理…",
    photo_uploading: "正在上传…",
    photo_done: "已上传",
    remove_photo: "删除这张照片",
    none_given: "未填写",
    photos_busy: "照片还在上传，请稍等片刻再提交。",
    switch_language: "English",
    switch_language_label: "Switch to English",
    sign_in: "登录",
    sign_out: "退出登录",
};

pub static EN: CommonTexts = CommonTexts {
    required: " (required)",
    optional: " (optional)",
    loading: "Loading…",
    retry: "Try again",
    error_summary_title: "A few things need correcting:",
    overdue: "Overdue",
    left_days: "{d} d {h} h left",
    left_hours: "{h} h {m} min left",
    left_minutes: "{m} min left",
    timeline_title: "Progress",
    close: "Close",
    yes: "Yes",
    no: "No",
    stages_label: "Stages",
    stage_submitted: "Filed",
    send: "Send",
    sending: "Sending…",
    cancel: "Cancel",
    refusal_not_permitted: "You cannot do this.",
    refusal_wrong_stage: "This is not possible now; the complaint may just have moved on. See the latest progress.",
    refusal_window_closed: "It is too late to reopen (within 15 days of the resolution). File a new complaint or call 12345.",
    refusal_not_overdue: "The deadline has not passed yet, so a reminder cannot be sent.",
    refusal_too_soon: "A reminder was sent today already; try again tomorrow.",
    error_network: "No connection. Check your network and try again; what you typed is still here.",
    error_busy: "The service is busy. Wait a few seconds and try again.",
    error_storage: "The service cannot save right now. Please try again later.",
    error_too_large: "That is too long. Please shorten it and try again.",
    error_fix_fields: "A few things need correcting; see the notes below.",
    error_generic: "Something went wrong. Please try again later.",
    error_load_failed: "Could not load. Check your network and try again.",
    error_request_id: "If you need help, quote this reference:",
    field_community: "Community",
    field_category: "Type of problem",
    field_description: "Description",
    field_phone: "Mobile number",
    field_tracking_number: "Tracking number",
    field_location: "Where exactly",
    field_name: "Your name",
    field_consent: "Personal information notice",
    field_note: "Explanation",
    field_rating: "Rating",
    field_transfer_to: "Transfer to",
    field_photos: "Photos",
    field_other: "This field",
    err_required_choice: "{field}: please choose one.",
    err_required_text: "{field}: please fill this in.",
    err_too_short: "{field} needs at least {limit} characters.",
    err_too_long: "{field} can have at most {limit} characters; please shorten it.",
    err_invalid_phone: "Enter an 11-digit mainland mobile number, such as 13800138000.",
    err_invalid_tracking_number: "A tracking number has 14 digits; please check it.",
    err_unknown_community: "That community was not found; please choose again.",
    err_unknown_category: "That type of problem was not found; please choose again.",
    err_category_not_specific: "Choose a more specific type of problem.",
    err_consent_required: "Read the personal information notice and tick to agree.",
    err_too_many: "{field}: at most {limit}.",
    err_unknown_photo: "A photo did not upload; remove it and add it again.",
    err_empty_file: "That file is empty; choose the photo again.",
    err_unsupported_type: "Only photos can be added (JPG, PNG or WebP).",
    err_too_many_pixels: "That photo is too large (over {limit} megapixels); choose another.",
    err_undecodable: "That photo cannot be opened; choose another.",
    photo_alt: "Photo {n}",
    photo_viewer: "Photos",
    err_unknown: "{field} is not right; please check it.",
    status_submitted: "Submitted",
    status_accepted: "Accepted",
    status_in_progress: "In progress",
    status_needs_info: "Needs information",
    status_resolved: "Resolved",
    status_rated: "Rated",
    status_closed: "Closed",
    status_withdrawn: "Withdrawn",
    event_filed: "Complaint filed",
    event_accepted: "Accepted",
    event_progress_note: "Progress",
    event_info_requested: "More information requested",
    event_info_supplied: "Information added",
    event_transferred: "Transferred",
    event_urged: "Reminder sent",
    event_resolved: "Resolved with reply",
    event_rated: "Rated",
    event_reopened: "Reopened",
    event_withdrawn: "Withdrawn",
    event_closed: "Closed",
    event_other: "Update",
    event_due_soon: "Deadline near",
    event_supervised: "Supervised",
    event_red_card: "Red card",
    event_escalated: "Raised a level",
    event_consultation_scheduled: "Joint meeting called",
    event_consultation_held: "Joint meeting held",
    event_joined: "A neighbour joined",
    event_from_hotline: "Came in by the 12345 hotline",
    esc_due_soon: "The deadline is near; the unit has been reminded.",
    esc_sign_overdue: "The unit did not sign in time and is now supervised.",
    esc_yellow: "Not resolved in time: a yellow card.",
    esc_red: "Still not resolved: a red card, shown on the public scorecard.",
    esc_group: "Many households reported the same problem: it is handled one level up.",
    esc_repeat: "The same problem again and again: it is handled one level up.",
    esc_dissatisfied: "Rated unsatisfactory twice: the departments will meet about it.",
    esc_by_hand: "The supervisor asked for faster handling.",
    esc_sign_by: "To be signed for by {date}.",
    esc_resolve_by: "To be resolved by {date}.",
    esc_led_by: "Now led by the {unit}.",
    esc_meeting: "Meeting: {date}.",
    esc_meeting_units: "Attending: {units}.",
    banner_red: "Red card: the housing bureau wants it resolved by {date}",
    banner_yellow: "Supervised: to be resolved without delay",
    banner_level: "Raised a level: now led by the {unit}",
    banner_meeting: "Joint meeting called: {date}",
    banner_meeting_held: "The joint meeting was held; see its outcome below",
    banner_due_soon: "Deadline near: the unit has been reminded",
    level_street_office: "street office",
    level_district_bureau: "district housing bureau",
    solved_yes: "Solved",
    solved_partly: "Partly solved",
    solved_no: "Not solved",
    satisfied: "Satisfied",
    basically_satisfied: "Basically satisfied",
    dissatisfied: "Dissatisfied",
    actor_resident: "Resident",
    actor_property_company: "Property company",
    actor_community_office: "Community office",
    actor_housing_bureau: "Housing bureau",
    actor_system: "System",
    date_style: DateStyle::English,
    photos_label: "Photos",
    photos_hint: "Up to 9; take them or choose from your album. They are made smaller automatically.",
    add_photos: "Take or choose photos",
    photo_preparing: "Preparing…",
    photo_uploading: "Uploading…",
    photo_done: "Uploaded",
    remove_photo: "Remove this photo",
    none_given: "Not given",
    photos_busy: "Photos are still uploading; please wait a moment before sending.",
    switch_language: "中文",
    switch_language_label: "切换到中文",
    sign_in: "Sign in",
    sign_out: "Sign out",
};

impl CommonTexts {
    pub fn status(&self, status: ComplaintStatus) -> &'static str {
        match status {
            ComplaintStatus::Submitted => self.status_submitted,
            ComplaintStatus::Accepted => self.status_accepted,
            ComplaintStatus::InProgress => self.status_in_progress,
            ComplaintStatus::NeedsInfo => self.status_needs_info,
            ComplaintStatus::Resolved => self.status_resolved,
            ComplaintStatus::Rated => self.status_rated,
            ComplaintStatus::Closed => self.status_closed,
            ComplaintStatus::Withdrawn => self.status_withdrawn,
        }
    }

    pub fn stage(&self, status: ComplaintStatus) -> &'static str {
        match status {
            ComplaintStatus::Submitted => self.stage_submitted,
            other => self.status(other),
        }
    }

    pub fn event(&self, kind: EventKind) -> &'static str {
        match kind {
            EventKind::Filed => self.event_filed,
            EventKind::Accepted => self.event_accepted,
            EventKind::ProgressNote => self.event_progress_note,
            EventKind::InfoRequested => self.event_info_requested,
            EventKind::InfoSupplied => self.event_info_supplied,
            EventKind::Transferred => self.event_transferred,
            EventKind::Urged => self.event_urged,
            EventKind::Resolved => self.event_resolved,
            EventKind::Rated => self.event_rated,
            EventKind::Reopened => self.event_reopened,
            EventKind::Withdrawn => self.event_withdrawn,
            EventKind::Closed => self.event_closed,
            EventKind::DueSoon => self.event_due_soon,
            EventKind::Supervised => self.event_supervised,
            EventKind::Escalated => self.event_escalated,
            EventKind::ConsultationScheduled => self.event_consultation_scheduled,
            EventKind::ConsultationHeld => self.event_consultation_held,
            EventKind::Joined => self.event_joined,
            EventKind::FromHotline => self.event_from_hotline,
            EventKind::Other => self.event_other,
        }
    }

    pub fn level(&self, level: Level) -> &'static str {
        match level {
            Level::PropertyCompany | Level::StreetOffice => self.level_street_office,
            Level::DistrictBureau => self.level_district_bureau,
        }
    }

    pub fn escalation_banner(
        &self,
        state: &EscalationState,
        raised: bool,
        demanded: Option<chrono::DateTime<chrono::Utc>>,
    ) -> Option<String> {
        let date = |at| crate::format::datetime(self, at);
        Some(match (state.consultation, state.card, state.level) {
            (ConsultationState::Scheduled { meeting_at }, _, _) => {
                self.banner_meeting.replace("{date}", &date(meeting_at))
            }
            (ConsultationState::Held { .. }, _, _) => self.banner_meeting_held.to_owned(),
            (_, Card::Red, _) => match demanded {
                Some(due) => self.banner_red.replace("{date}", &date(due)),
                None => self.esc_red.to_owned(),
            },
            (_, _, level) if raised => self.banner_level.replace("{unit}", self.level(level)),
            (_, Card::Yellow, _) => self.banner_yellow.to_owned(),
            _ if state.due_soon => self.banner_due_soon.to_owned(),
            _ => return None,
        })
    }

    pub fn escalation(&self, detail: &EscalationDetail) -> String {
        let reason = match (detail.reason, detail.card) {
            (_, Some(Card::Red)) => self.esc_red,
            (_, Some(Card::Yellow)) => self.esc_yellow,
            (EscalationReason::SignDueSoon | EscalationReason::ResolveDueSoon, _) => self.esc_due_soon,
            (EscalationReason::SignOverdue, _) => self.esc_sign_overdue,
            (EscalationReason::GroupComplaint, _) => self.esc_group,
            (EscalationReason::RepeatComplaint, _) => self.esc_repeat,
            (EscalationReason::Dissatisfied, _) => self.esc_dissatisfied,
            (EscalationReason::ResolveOverdue | EscalationReason::Supervisor | EscalationReason::Other, _) => {
                self.esc_by_hand
            }
        };
        let mut sentence = reason.to_owned();
        let due_soon = matches!(detail.reason, EscalationReason::SignDueSoon | EscalationReason::ResolveDueSoon);
        if let Some(level) = detail.level {
            sentence.push_str(&self.esc_led_by.replace("{unit}", self.level(level)));
        }
        if let Some(due) = detail.sign_due_at.filter(|_| !due_soon) {
            sentence.push_str(&self.esc_sign_by.replace("{date}", &crate::format::datetime(self, due)));
        }
        if let Some(due) = detail.resolve_due_at.filter(|_| !due_soon) {
            sentence.push_str(&self.esc_resolve_by.replace("{date}", &crate::format::datetime(self, due)));
        }
        if let Some(meeting) = detail.meeting_at {
            sentence.push_str(&self.esc_meeting.replace("{date}", &crate::format::datetime(self, meeting)));
        }
        if !detail.units.is_empty() {
            sentence.push_str(&self.esc_meeting_units.replace("{units}", &detail.units.join("、")));
        }
        sentence
    }

    pub fn solved(&self, solved: Solved) -> &'static str {
        match solved {
            Solved::Yes => self.solved_yes,
            Solved::Partly => self.solved_partly,
            Solved::No => self.solved_no,
        }
    }

    pub fn satisfaction(&self, satisfaction: Satisfaction) -> &'static str {
        match satisfaction {
            Satisfaction::Satisfied => self.satisfied,
            Satisfaction::BasicallySatisfied => self.basically_satisfied,
            Satisfaction::Dissatisfied => self.dissatisfied,
        }
    }

    pub fn rating(&self, rating: &Rating) -> String {
        format!("{} · {}", self.solved(rating.solved), self.satisfaction(rating.satisfaction))
    }

    pub fn actor(&self, actor: ActorRole) -> &'static str {
        match actor {
            ActorRole::Resident => self.actor_resident,
            ActorRole::PropertyCompany => self.actor_property_company,
            ActorRole::CommunityOffice => self.actor_community_office,
            ActorRole::HousingBureau => self.actor_housing_bureau,
            ActorRole::System => self.actor_system,
        }
    }

    pub fn field(&self, field: Field) -> &'static str {
        match field {
            Field::CommunityId => self.field_community,
            Field::CategoryId => self.field_category,
            Field::Description => self.field_description,
            Field::Phone => self.field_phone,
            Field::TrackingNumber => self.field_tracking_number,
            Field::Location => self.field_location,
            Field::Name => self.field_name,
            Field::Consent => self.field_consent,
            Field::Note => self.field_note,
            Field::Rating => self.field_rating,
            Field::TransferTo => self.field_transfer_to,
            Field::Photos => self.field_photos,
            // Staff and scorecard fields: residents never type them.
            Field::Other | Field::DueAt | Field::Period => self.field_other,
        }
    }

    pub fn field_error(&self, error: &FieldError) -> String {
        let template = match error.code {
            FieldErrorCode::Required if matches!(error.field, Field::CommunityId | Field::CategoryId) => {
                self.err_required_choice
            }
            FieldErrorCode::Required => self.err_required_text,
            FieldErrorCode::TooShort => self.err_too_short,
            FieldErrorCode::TooLong => self.err_too_long,
            FieldErrorCode::InvalidPhone => self.err_invalid_phone,
            FieldErrorCode::InvalidTrackingNumber => self.err_invalid_tracking_number,
            FieldErrorCode::UnknownCommunity => self.err_unknown_community,
            FieldErrorCode::UnknownCategory => self.err_unknown_category,
            FieldErrorCode::CategoryNotSpecific => self.err_category_not_specific,
            FieldErrorCode::ConsentRequired => self.err_consent_required,
            FieldErrorCode::TooMany => self.err_too_many,
            FieldErrorCode::UnknownPhoto => self.err_unknown_photo,
            FieldErrorCode::Empty => self.err_empty_file,
            FieldErrorCode::UnsupportedType => self.err_unsupported_type,
            FieldErrorCode::TooManyPixels => self.err_too_many_pixels,
            FieldErrorCode::Undecodable => self.err_undecodable,
            FieldErrorCode::NotInFuture | FieldErrorCode::InvalidPeriod => self.err_unknown,
            FieldErrorCode::Unknown => self.err_unknown,
        };
        template
            .replace("{field}", self.field(error.field))
            .replace("{limit}", &error.limit.map(|l| l.to_string()).unwrap_or_default())
    }

    pub fn api_error(&self, error: &ApiError) -> String {
        let sentence = match error {
            ApiError::Network => self.error_network,
            ApiError::Problem(problem) if problem.code == ProblemCode::ActionRefused => match problem.reason {
                Some(Refusal::NotPermitted) => self.refusal_not_permitted,
                Some(Refusal::WindowClosed) => self.refusal_window_closed,
                Some(Refusal::NotOverdue) => self.refusal_not_overdue,
                Some(Refusal::TooSoon) => self.refusal_too_soon,
                Some(Refusal::WrongStage) | None => self.refusal_wrong_stage,
            },
            ApiError::Problem(problem) => match problem.code {
                ProblemCode::Busy | ProblemCode::RateLimited => self.error_busy,
                ProblemCode::StorageFull => self.error_storage,
                ProblemCode::PayloadTooLarge => self.error_too_large,
                ProblemCode::ValidationFailed => self.error_fix_fields,
                _ => self.error_generic,
            },
            ApiError::Unexpected(_) => self.error_generic,
        };
        match error.request_id() {
            Some(id) => format!("{sentence} {} {id}", self.error_request_id),
            None => sentence.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_errors_read_naturally_in_both_languages() {
        let error = FieldError::with_limit(Field::Description, FieldErrorCode::TooLong, 1000);
        assert_eq!(ZH_CN.field_error(&error), "问题描述最多 1000 个字，请删减一些。");
        assert_eq!(EN.field_error(&error), "Description can have at most 1000 characters; please shorten it.");
        let required = FieldError::new(Field::CommunityId, FieldErrorCode::Required);
        assert_eq!(ZH_CN.field_error(&required), "请选择所在小区。");
        assert_eq!(EN.field_error(&required), "Community: please choose one.");
    }
}
