//! The text catalogue. Chinese first, English second. Every visible string comes from here; a
//! missing translation is a compile error because each language fills the whole struct.

use leptos::prelude::*;
use mashang_model::{
    ActorRole, ComplaintStatus, EventKind, Field, FieldError, FieldErrorCode, LocalizedText, ProblemCode, Rating,
    Satisfaction, Solved,
};

use crate::api::ApiError;
use mashang_model::EscalationState;
use mashang_model::escalation::{Card, ConsultationState, EscalationDetail, EscalationReason, Level};
use crate::complaint_list::ListFilter;
use mashang_model::lifecycle::{Action, Refusal};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Locale {
    ZhCn,
    En,
}

const STORAGE_KEY: &str = "mashang.locale";

impl Locale {
    pub fn tag(self) -> &'static str {
        match self {
            Self::ZhCn => "zh-CN",
            Self::En => "en",
        }
    }

    pub fn texts(self) -> &'static Texts {
        match self {
            Self::ZhCn => &ZH_CN,
            Self::En => &EN,
        }
    }

    pub fn other(self) -> Self {
        match self {
            Self::ZhCn => Self::En,
            Self::En => Self::ZhCn,
        }
    }

    pub fn pick(self, text: &LocalizedText) -> String {
        match self {
            Self::ZhCn => text.zh.clone(),
            Self::En => text.en.clone(),
        }
    }
}

/// The language chosen on this device, shared by every component.
#[derive(Clone, Copy)]
pub struct I18n {
    pub locale: RwSignal<Locale>,
}

impl I18n {
    /// Starts in the language saved on this device, else Chinese.
    pub fn provide() -> Self {
        let saved = crate::storage::get(STORAGE_KEY);
        let locale = if saved.as_deref() == Some("en") { Locale::En } else { Locale::ZhCn };
        let i18n = Self { locale: RwSignal::new(locale) };
        Effect::new(move |_| {
            let locale = i18n.locale.get();
            crate::storage::set(STORAGE_KEY, locale.tag());
            if let Some(root) = document().document_element() {
                let _ = root.set_attribute("lang", locale.tag());
            }
        });
        provide_context(i18n);
        i18n
    }

    /// The catalogue of the current language; reading it inside a closure makes the view follow
    /// a language switch.
    pub fn t(&self) -> &'static Texts {
        self.locale.get().texts()
    }
}

pub fn use_i18n() -> I18n {
    use_context::<I18n>().unwrap_or_else(|| I18n { locale: RwSignal::new(Locale::ZhCn) })
}

/// 2026年11月27日 08:30, or 27 Nov 2026, 08:30.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DateStyle {
    Chinese,
    English,
}

pub struct Texts {
    pub app_name: &'static str,
    pub app_tagline: &'static str,
    pub switch_language: &'static str,
    pub switch_language_label: &'static str,
    pub back: &'static str,
    pub home_file: &'static str,
    pub home_file_hint: &'static str,
    pub home_track: &'static str,
    pub home_track_hint: &'static str,
    pub home_how_title: &'static str,
    pub home_how_steps: [&'static str; 3],
    pub hotline_note: &'static str,

    pub required: &'static str,
    pub optional: &'static str,
    pub loading: &'static str,
    pub retry: &'static str,
    pub go_home: &'static str,

    pub file_title: &'static str,
    pub file_intro: &'static str,
    pub community_label: &'static str,
    pub community_placeholder: &'static str,
    pub community_hint: &'static str,
    pub community_search: &'static str,
    pub category_label: &'static str,
    pub category_placeholder: &'static str,
    pub category_hint: &'static str,
    pub urgent_mark: &'static str,
    pub location_label: &'static str,
    pub location_hint: &'static str,
    pub shared_areas_label: &'static str,
    /// A community's shared areas, one tap each on the form.
    pub shared_areas: [&'static str; 7],
    pub name_label: &'static str,
    pub name_hint: &'static str,
    pub hide_identity_label: &'static str,
    pub hide_identity_hint: &'static str,
    pub consent_label: &'static str,
    pub consent_notice_title: &'static str,
    pub consent_notice: &'static str,
    pub description_label: &'static str,
    pub description_hint: &'static str,
    pub description_counter: &'static str,
    pub phone_label: &'static str,
    pub phone_hint: &'static str,
    pub submit: &'static str,
    pub submitting: &'static str,
    pub error_summary_title: &'static str,

    pub receipt_title: &'static str,
    pub receipt_number_label: &'static str,
    pub receipt_keep_number: &'static str,
    pub receipt_filed_at: &'static str,
    pub sign_due_by: &'static str,
    pub resolve_due_by: &'static str,
    pub receipt_next_title: &'static str,
    pub receipt_next_steps: [&'static str; 3],
    pub copy_number: &'static str,
    pub copied: &'static str,
    pub copy_failed: &'static str,
    pub track_this: &'static str,

    pub track_title: &'static str,
    pub track_intro: &'static str,
    pub tracking_number_label: &'static str,
    pub tracking_number_hint: &'static str,
    pub track_phone_hint: &'static str,
    pub track_submit: &'static str,
    pub track_searching: &'static str,
    pub not_found_complaint: &'static str,
    pub result_title: &'static str,
    pub result_status: &'static str,
    pub result_filed_at: &'static str,
    pub result_updated_at: &'static str,
    pub result_community: &'static str,
    pub result_category: &'static str,
    pub result_description: &'static str,
    pub result_phone: &'static str,
    pub result_name: &'static str,
    pub result_location: &'static str,
    pub result_handling_unit: &'static str,
    pub result_sign_deadline: &'static str,
    pub result_resolve_deadline: &'static str,
    pub overdue: &'static str,
    /// Time left before a due time: `{d}` days, `{h}` hours, `{m}` minutes.
    pub left_days: &'static str,
    pub left_hours: &'static str,
    pub left_minutes: &'static str,
    pub timeline_title: &'static str,

    pub close: &'static str,
    pub review_title: &'static str,
    pub review_intro: &'static str,
    pub confirm_submit: &'static str,
    pub edit_again: &'static str,
    pub yes: &'static str,
    pub no: &'static str,
    pub none_given: &'static str,
    pub photo_count: &'static str,
    pub offline_banner: &'static str,
    pub photos_label: &'static str,
    pub photos_hint: &'static str,
    pub add_photos: &'static str,
    pub photo_preparing: &'static str,
    pub photo_uploading: &'static str,
    pub photo_done: &'static str,
    pub remove_photo: &'static str,
    pub photos_busy: &'static str,
    pub elder_mode: &'static str,
    pub elder_mode_hint: &'static str,
    pub draft_note: &'static str,
    pub pending_notice: &'static str,
    pub home_resume: &'static str,
    pub home_resume_hint: &'static str,
    pub home_resume_pending: &'static str,
    pub home_delivered: &'static str,
    pub home_common_title: &'static str,
    pub home_common: [(&'static str, &'static str); 8],
    pub detail_title: &'static str,
    pub no_token: &'static str,
    pub go_track: &'static str,
    pub stages_label: &'static str,
    /// The first stage's name in the stepper, where five names share a phone's width.
    pub stage_submitted: &'static str,
    pub withdrawn_notice: &'static str,
    pub actions_title: &'static str,
    pub action_supplement: &'static str,
    pub action_urge: &'static str,
    pub action_withdraw: &'static str,
    pub action_rate: &'static str,
    pub action_reopen: &'static str,
    pub supplement_hint: &'static str,
    pub urge_hint: &'static str,
    pub withdraw_confirm: &'static str,
    pub reopen_hint: &'static str,
    pub rate_solved_label: &'static str,
    pub rate_satisfaction_label: &'static str,
    pub comment_label: &'static str,
    pub send: &'static str,
    pub sending: &'static str,
    pub confirm_withdraw: &'static str,
    pub cancel: &'static str,
    pub action_done: &'static str,
    pub refusal_not_permitted: &'static str,
    pub refusal_wrong_stage: &'static str,
    pub refusal_window_closed: &'static str,
    pub refusal_not_overdue: &'static str,
    pub refusal_too_soon: &'static str,
    pub signin_title: &'static str,
    pub signin_hint: &'static str,
    pub send_code: &'static str,
    pub code_label: &'static str,
    pub code_hint: &'static str,
    pub sign_in: &'static str,
    pub code_sent: &'static str,
    pub code_rejected: &'static str,
    pub signed_in_as: &'static str,
    pub sign_out: &'static str,
    pub mine_title: &'static str,
    pub mine_hint: &'static str,
    pub mine_empty: &'static str,
    pub mine_filter: &'static str,
    pub filter_all: &'static str,
    pub filter_open: &'static str,
    pub filter_finished: &'static str,
    pub mine_none_in_filter: &'static str,
    pub new_update: &'static str,
    /// On the 我的投诉 tile: `{n}` complaints have moved since last looked at.
    pub home_mine_updates: &'static str,
    pub mine_incomplete: &'static str,
    pub home_mine: &'static str,
    pub home_mine_hint: &'static str,
    pub page_not_found_title: &'static str,
    pub page_not_found_body: &'static str,

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
    pub joins_count: &'static str,

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
}

pub static ZH_CN: Texts = Texts {
    app_name: "马上办",
    app_tagline: "小区和物业的烦心事，在这里反映，随时看进度。",
    switch_language: "English",
    switch_language_label: "Switch to English",
    back: "返回",
    home_file: "我要投诉",
    home_file_hint: "漏水、电梯、噪音、垃圾……一分钟提交",
    home_track: "查询进度",
    home_track_hint: "凭受理编号和手机号查看办理进度",
    home_how_title: "怎么办理",
    home_how_steps: [
        "提交后马上得到受理编号，请记下来。",
        "物业公司或社区签收、处理，每一步都会记录。",
        "随时凭编号和手机号查询办理进度和结果。",
    ],
    hotline_note: "紧急危险情况请直接拨打 110、119 或 12345。",

    required: "（必填）",
    optional: "（选填）",
    loading: "正在加载…",
    retry: "重试",
    go_home: "返回首页",

    file_title: "我要投诉",
    file_intro: "请说清楚在哪个小区、遇到什么问题。带“（必填）”的都要填写。",
    community_label: "所在小区",
    community_placeholder: "请选择小区",
    community_hint: "括号里是负责这个小区的物业公司。",
    community_search: "输入小区名、街道或区搜索",
    category_label: "问题类型",
    category_placeholder: "请选择问题类型",
    category_hint: "拿不准就选最接近的一项，标“紧急”的会优先处理。",
    urgent_mark: "（紧急）",
    location_label: "具体位置",
    location_hint: "楼栋、单元、房号，或小区里的公共区域，例如 3栋2单元1201、东门停车场。",
    shared_areas_label: "公共区域，点一下就填上：",
    shared_areas: ["小区大门", "停车场", "电梯", "楼道", "绿化带", "垃圾站", "健身区"],
    name_label: "称呼",
    name_hint: "例如 张女士。只有负责办理的单位能看到全名。",
    hide_identity_label: "对物业公司保密",
    hide_identity_hint: "勾选后物业公司看不到您的称呼和电话，社区和主管部门仍能联系您。",
    consent_label: "我已阅读并同意个人信息告知",
    consent_notice_title: "个人信息告知",
    consent_notice: "您的手机号和自愿填写的称呼，只用于办理和答复这条投诉，以及让您查询进度。负责办理的单位能看到完整信息，其他人只能看到打码后的号码。投诉办结后，记录按政务档案规定保存。",
    description_label: "问题描述",
    description_hint: "发生了什么、在哪栋哪单元、持续多久了。",
    description_counter: "已写 {count} 字，最多 {max} 字",
    phone_label: "手机号",
    phone_hint: "用于查询进度和工作人员联系您，对外只显示前三后四位。",
    submit: "提交投诉",
    submitting: "正在提交…",
    error_summary_title: "还有几处需要修改：",

    receipt_title: "提交成功",
    receipt_number_label: "受理编号",
    receipt_keep_number: "请记下或截图保存这个编号，查询进度时要用。",
    receipt_filed_at: "提交时间：",
    sign_due_by: "最迟 {time} 前签收",
    resolve_due_by: "最迟 {time} 前办结",
    receipt_next_title: "接下来",
    receipt_next_steps: [
        "负责的物业公司或社区会签收您的投诉。",
        "处理的每一步都会记在办理进度里。",
        "您可以随时凭受理编号和手机号查询。",
    ],
    copy_number: "复制编号",
    copied: "已复制受理编号",
    copy_failed: "无法自动复制，请长按编号手动复制。",
    track_this: "查看办理进度",

    track_title: "查询进度",
    track_intro: "输入受理编号和提交时填写的手机号。",
    tracking_number_label: "受理编号",
    tracking_number_hint: "14位数字，在提交成功页面上。",
    track_phone_hint: "提交投诉时填写的手机号。",
    track_submit: "查询",
    track_searching: "正在查询…",
    not_found_complaint: "没有找到这条投诉。请核对受理编号和手机号是否与提交时一致。",
    result_title: "办理情况",
    result_status: "当前状态",
    result_filed_at: "提交时间",
    result_updated_at: "最近更新",
    result_community: "小区",
    result_category: "问题类型",
    result_description: "问题描述",
    result_phone: "联系电话",
    result_name: "称呼",
    result_location: "位置",
    result_handling_unit: "负责单位",
    result_sign_deadline: "签收时限",
    result_resolve_deadline: "办结时限",
    overdue: "已超时",
    left_days: "还剩 {d} 天 {h} 小时",
    left_hours: "还剩 {h} 小时 {m} 分",
    left_minutes: "还剩 {m} 分钟",
    timeline_title: "办理进度",

    close: "关闭",
    review_title: "请确认投诉内容",
    review_intro: "确认无误就提交；需要改的话，点“返回修改”。",
    confirm_submit: "确认提交",
    edit_again: "返回修改",
    yes: "是",
    no: "否",
    none_given: "未填写",
    photo_count: "{n} 张",
    offline_banner: "网络断开了。填写的内容不会丢，网络恢复后会自动提交。",
    photos_label: "照片",
    photos_hint: "最多9张，可以拍照或从相册选，会自动压缩。",
    add_photos: "拍照或选择照片",
    photo_preparing: "正在处理…",
    photo_uploading: "正在上传…",
    photo_done: "已上传",
    remove_photo: "删除这张照片",
    photos_busy: "照片还在上传，请稍等片刻再提交。",
    elder_mode: "长辈模式",
    elder_mode_hint: "字更大、按钮更大",
    draft_note: "填写的内容会自动保存在这台设备上，关掉页面也不会丢。",
    pending_notice: "未提交，正在重试。网络恢复后会自动提交，不会重复提交。",
    home_resume: "继续填写",
    home_resume_hint: "您有一份没写完的投诉",
    home_resume_pending: "您的投诉还没提交成功，正在重试",
    home_delivered: "您的投诉已提交，受理编号 {number}",
    home_common_title: "常见问题",
    home_common: [
        ("漏水渗水", "漏水渗水"),
        ("电梯故障", "电梯故障"),
        ("噪音扰民", "噪音扰民"),
        ("垃圾清运", "垃圾清运"),
        ("停车管理", "停车管理"),
        ("绿化养护", "绿化养护"),
        ("门禁安保", "门禁安保"),
        ("物业收费", "物业收费"),
    ],
    detail_title: "办理进度",
    no_token: "这台设备上没有这条投诉的查看凭证。请用受理编号和提交时的手机号查询。",
    go_track: "去查询",
    stages_label: "办理阶段",
    stage_submitted: "已提交",
    withdrawn_notice: "这条投诉已撤回，不再办理。",
    actions_title: "您可以",
    action_supplement: "补充材料",
    action_urge: "催办",
    action_withdraw: "撤回投诉",
    action_rate: "评价办理结果",
    action_reopen: "没解决，重新办理",
    supplement_hint: "补充新的情况或说明，负责单位会看到。",
    urge_hint: "已经超过办理时限，可以催一催，每天一次。",
    withdraw_confirm: "确定撤回这条投诉吗？撤回后不再办理。",
    reopen_hint: "请说明哪里还没有解决。",
    rate_solved_label: "问题解决了吗？",
    rate_satisfaction_label: "您对办理满意吗？",
    comment_label: "想说的话",
    send: "提交",
    sending: "正在提交…",
    confirm_withdraw: "确定撤回",
    cancel: "取消",
    action_done: "已提交，办理进度已更新。",
    refusal_not_permitted: "您不能进行这个操作。",
    refusal_wrong_stage: "现在不能进行这个操作，办理状态可能刚刚变化，请看最新进度。",
    refusal_window_closed: "已超过可以重新办理的时间（办结后15天内）。如仍有问题，请重新投诉或拨打12345。",
    refusal_not_overdue: "还没到办理时限，暂时不能催办。",
    refusal_too_soon: "今天已经催办过了，请明天再试。",
    signin_title: "在其他地方提交的投诉",
    signin_hint: "用手机号和短信验证码登录，就能看到用这个手机号提交的全部投诉，包括打12345或在别的手机上提交的。",
    send_code: "获取验证码",
    code_label: "验证码",
    code_hint: "短信里的6位数字，10分钟内有效。",
    sign_in: "登录",
    code_sent: "验证码已发送，请查看短信。",
    code_rejected: "验证码不对或已过期，请重新获取。",
    signed_in_as: "已用 {phone} 登录",
    sign_out: "退出登录",
    mine_title: "我的投诉",
    mine_hint: "在这台设备上提交的投诉，以及登录后用您的手机号提交的投诉。",
    mine_empty: "这台设备上还没有提交过投诉。",
    mine_filter: "显示",
    filter_all: "全部",
    filter_open: "办理中",
    filter_finished: "已结束",
    mine_none_in_filter: "这一类里没有投诉。",
    new_update: "有新进展",
    home_mine_updates: "{n} 件有新进展",
    mine_incomplete: "有的投诉暂时加载不了，请检查网络后重试。",
    home_mine: "我的投诉",
    home_mine_hint: "查看在这台设备上提交的投诉",
    page_not_found_title: "页面不存在",
    page_not_found_body: "您要找的页面不存在，可能是链接有误。",

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
    joins_count: "{n} 户邻居已附议",

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
};

pub static EN: Texts = Texts {
    app_name: "Mashang",
    app_tagline: "Report problems with your community or property management, and follow them to the end.",
    switch_language: "中文",
    switch_language_label: "切换到中文",
    back: "Back",
    home_file: "Report a problem",
    home_file_hint: "Leaks, lifts, noise, rubbish… done in a minute",
    home_track: "Track progress",
    home_track_hint: "See where your complaint stands with its number and your phone",
    home_how_title: "How it works",
    home_how_steps: [
        "You get a tracking number at once: keep it.",
        "The property company or community office takes it on; every step is recorded.",
        "Check progress and the result any time with the number and your phone.",
    ],
    hotline_note: "In an emergency call 110, 119 or 12345 directly.",

    required: " (required)",
    optional: " (optional)",
    loading: "Loading…",
    retry: "Try again",
    go_home: "Back to home",

    file_title: "Report a problem",
    file_intro: "Tell us which community and what is wrong. Fields marked “(required)” must be filled in.",
    community_label: "Community",
    community_placeholder: "Choose your community",
    community_hint: "The property company responsible is shown in brackets.",
    community_search: "Search by community, street or district",
    category_label: "Type of problem",
    category_placeholder: "Choose the type of problem",
    category_hint: "If unsure, pick the closest one; those marked urgent are handled first.",
    urgent_mark: " (urgent)",
    location_label: "Where exactly",
    location_hint: "Building, unit and flat, or a shared area, such as Building 3 Unit 2 Flat 1201 or the east car park.",
    shared_areas_label: "Shared areas, one tap fills it in:",
    shared_areas: ["Main gate", "Car park", "Lift", "Stairwell", "Green area", "Refuse point", "Fitness area"],
    name_label: "Your name",
    name_hint: "Such as Ms Zhang. Only the unit handling the complaint sees it in full.",
    hide_identity_label: "Keep my identity from the property company",
    hide_identity_hint: "The property company will see neither your name nor your number; the community office and the bureau still can.",
    consent_label: "I have read and agree to the personal information notice",
    consent_notice_title: "Personal information notice",
    consent_notice: "Your mobile number, and the name you choose to give, are used only to handle and answer this complaint and to let you track it. The unit handling it sees them in full; everyone else sees the number masked. After the complaint is closed, the record is kept under the rules for government archives.",
    description_label: "What is the problem?",
    description_hint: "What happened, which building and unit, and for how long.",
    description_counter: "{count} of at most {max} characters",
    phone_label: "Mobile number",
    phone_hint: "To look up progress and so staff can call you. Others only see the first three and last four digits.",
    submit: "Submit",
    submitting: "Submitting…",
    error_summary_title: "A few things need correcting:",

    receipt_title: "Complaint submitted",
    receipt_number_label: "Tracking number",
    receipt_keep_number: "Write this number down or take a screenshot: you need it to track progress.",
    receipt_filed_at: "Submitted: ",
    sign_due_by: "To be accepted by {time}",
    resolve_due_by: "To be resolved by {time}",
    receipt_next_title: "What happens next",
    receipt_next_steps: [
        "The responsible property company or community office takes on your complaint.",
        "Every step of the handling is recorded in its progress.",
        "Check progress any time with the tracking number and your phone number.",
    ],
    copy_number: "Copy number",
    copied: "Tracking number copied",
    copy_failed: "Could not copy automatically: press and hold the number to copy it.",
    track_this: "See progress",

    track_title: "Track progress",
    track_intro: "Enter the tracking number and the mobile number you gave when filing.",
    tracking_number_label: "Tracking number",
    tracking_number_hint: "14 digits, shown when you submitted.",
    track_phone_hint: "The mobile number you gave when filing.",
    track_submit: "Look up",
    track_searching: "Looking up…",
    not_found_complaint: "No complaint was found. Check that the tracking number and mobile number are the ones you used when filing.",
    result_title: "Your complaint",
    result_status: "Status",
    result_filed_at: "Submitted",
    result_updated_at: "Last update",
    result_community: "Community",
    result_category: "Type",
    result_description: "Description",
    result_phone: "Contact number",
    result_name: "Name",
    result_location: "Where",
    result_handling_unit: "Handled by",
    result_sign_deadline: "Accept by",
    result_resolve_deadline: "Resolve by",
    overdue: "Overdue",
    left_days: "{d} d {h} h left",
    left_hours: "{h} h {m} min left",
    left_minutes: "{m} min left",
    timeline_title: "Progress",

    close: "Close",
    review_title: "Check your complaint",
    review_intro: "If all is right, send it; to change something, go back.",
    confirm_submit: "Send",
    edit_again: "Go back and change",
    yes: "Yes",
    no: "No",
    none_given: "Not given",
    photo_count: "{n}",
    offline_banner: "You are offline. Nothing you typed is lost; it will be sent when the network is back.",
    photos_label: "Photos",
    photos_hint: "Up to 9; take them or choose from your album. They are made smaller automatically.",
    add_photos: "Take or choose photos",
    photo_preparing: "Preparing…",
    photo_uploading: "Uploading…",
    photo_done: "Uploaded",
    remove_photo: "Remove this photo",
    photos_busy: "Photos are still uploading; please wait a moment before sending.",
    elder_mode: "Easy reading",
    elder_mode_hint: "Larger text and buttons",
    draft_note: "What you type is saved on this device as you go; closing the page loses nothing.",
    pending_notice: "Not sent yet, retrying. It will be sent once the network is back, and only once.",
    home_resume: "Continue",
    home_resume_hint: "You have a complaint you have not finished",
    home_resume_pending: "Your complaint has not been sent yet; retrying",
    home_delivered: "Your complaint was sent. Tracking number {number}",
    home_common_title: "Common problems",
    home_common: [
        ("漏水渗水", "Leaks"),
        ("电梯故障", "Lifts"),
        ("噪音扰民", "Noise"),
        ("垃圾清运", "Rubbish"),
        ("停车管理", "Parking"),
        ("绿化养护", "Greenery"),
        ("门禁安保", "Security"),
        ("物业收费", "Fees"),
    ],
    detail_title: "Progress",
    no_token: "This device has no pass for this complaint. Look it up with its tracking number and the mobile number you gave.",
    go_track: "Look it up",
    stages_label: "Stages",
    stage_submitted: "Filed",
    withdrawn_notice: "This complaint was withdrawn and will not be handled.",
    actions_title: "What you can do",
    action_supplement: "Add information",
    action_urge: "Send a reminder",
    action_withdraw: "Withdraw the complaint",
    action_rate: "Rate the result",
    action_reopen: "Not solved: reopen",
    supplement_hint: "Add new details or an explanation; the unit handling it will see them.",
    urge_hint: "The deadline has passed, so you may send a reminder, once a day.",
    withdraw_confirm: "Withdraw this complaint? It will no longer be handled.",
    reopen_hint: "Say what is still not solved.",
    rate_solved_label: "Was the problem solved?",
    rate_satisfaction_label: "Are you satisfied with how it was handled?",
    comment_label: "Comments",
    send: "Send",
    sending: "Sending…",
    confirm_withdraw: "Withdraw",
    cancel: "Cancel",
    action_done: "Sent; the progress is updated.",
    refusal_not_permitted: "You cannot do this.",
    refusal_wrong_stage: "This is not possible now; the complaint may just have moved on. See the latest progress.",
    refusal_window_closed: "It is too late to reopen (within 15 days of the resolution). File a new complaint or call 12345.",
    refusal_not_overdue: "The deadline has not passed yet, so a reminder cannot be sent.",
    refusal_too_soon: "A reminder was sent today already; try again tomorrow.",
    signin_title: "Complaints filed elsewhere",
    signin_hint: "Sign in with your mobile number and a text-message code to see every complaint filed with that number, including those made by phone or on another device.",
    send_code: "Send me a code",
    code_label: "Code",
    code_hint: "The 6 digits in the text message; valid for 10 minutes.",
    sign_in: "Sign in",
    code_sent: "A code is on its way by text message.",
    code_rejected: "That code is wrong or has expired; ask for a new one.",
    signed_in_as: "Signed in as {phone}",
    sign_out: "Sign out",
    mine_title: "My complaints",
    mine_hint: "Complaints filed on this device and, once you sign in, all those filed with your number.",
    mine_empty: "No complaint has been filed on this device yet.",
    mine_filter: "Show",
    filter_all: "All",
    filter_open: "Being handled",
    filter_finished: "Finished",
    mine_none_in_filter: "No complaint here.",
    new_update: "New update",
    home_mine_updates: "{n} with new updates",
    mine_incomplete: "Some complaints could not be loaded. Check your network and try again.",
    home_mine: "My complaints",
    home_mine_hint: "Complaints filed on this device",
    page_not_found_title: "Page not found",
    page_not_found_body: "The page you are looking for does not exist; the link may be wrong.",

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
    joins_count: "{n} neighbouring households joined",

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
};

impl Texts {
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

    /// A stage's name in the stepper: the status, but short enough for a fifth of a phone.
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
            EventKind::Other => self.event_other,
        }
    }

    /// Who leads a complaint raised a level.
    pub fn level(&self, level: Level) -> &'static str {
        match level {
            Level::PropertyCompany | Level::StreetOffice => self.level_street_office,
            Level::DistrictBureau => self.level_district_bureau,
        }
    }

    /// The banner over the progress view: the escalation in force, if any, most serious first.
    pub fn escalation_banner(&self, state: &EscalationState, resolve_due: chrono::DateTime<chrono::Utc>) -> Option<String> {
        let date = |at| crate::format::datetime(self, at);
        Some(match (state.consultation, state.card, state.level) {
            (ConsultationState::Scheduled { meeting_at }, _, _) => self.banner_meeting.replace("{date}", &date(meeting_at)),
            (ConsultationState::Held { .. }, _, _) => self.banner_meeting_held.to_owned(),
            (_, Card::Red, _) => self.banner_red.replace("{date}", &date(resolve_due)),
            (_, _, Level::DistrictBureau) => self.banner_level.replace("{unit}", self.level(Level::DistrictBureau)),
            (_, Card::Yellow, _) => self.banner_yellow.to_owned(),
            _ if state.due_soon => self.banner_due_soon.to_owned(),
            _ => return None,
        })
    }

    /// The resident's sentence for an escalation: why, and what it changed.
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
        if let Some(due) = detail.resolve_due_at.filter(|_| !due_soon && detail.card.is_none()) {
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

    /// The button that offers a resident action.
    pub fn action(&self, action: Action) -> &'static str {
        match action {
            Action::Supplement => self.action_supplement,
            Action::Urge => self.action_urge,
            Action::Withdraw => self.action_withdraw,
            Action::Rate => self.action_rate,
            Action::Reopen => self.action_reopen,
            // Not offered to residents; named only for completeness.
            _ => self.event_other,
        }
    }

    pub fn solved(&self, solved: Solved) -> &'static str {
        match solved {
            Solved::Yes => self.solved_yes,
            Solved::Partly => self.solved_partly,
            Solved::No => self.solved_no,
        }
    }

    pub fn list_filter(&self, filter: ListFilter) -> &'static str {
        match filter {
            ListFilter::All => self.filter_all,
            ListFilter::Open => self.filter_open,
            ListFilter::Finished => self.filter_finished,
        }
    }

    pub fn satisfaction(&self, satisfaction: Satisfaction) -> &'static str {
        match satisfaction {
            Satisfaction::Satisfied => self.satisfied,
            Satisfaction::BasicallySatisfied => self.basically_satisfied,
            Satisfaction::Dissatisfied => self.dissatisfied,
        }
    }

    /// 已解决 · 满意
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

    /// The sentence shown next to a field, naming the field so it also reads well in the summary.
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

    /// What to tell the resident when a request failed, and what to do next.
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
