"""The dashboard's phrases, one table per language (zh-CN and en); a template says
``t("key")``. Helpers add their keys at the end of both tables (or keep a module of their own and
merge it into ``TEXTS`` at import)."""

from __future__ import annotations

from typing import Any, Final

FALLBACK: Final = "en"

ZH: dict[str, str] = {
    "brand": "客户满意度看板",
    "nav_campaigns": "调查活动",
    "nav_tickets": "工单",
    "language": "语言",
    "signed_in_as": "{name}（{role}）",
    "role_viewer": "查看",
    "role_staff": "员工",
    "role_admin": "管理员",
    "sign_out": "退出",
    "sign_in_title": "登录看板",
    "sign_in_intro": "请输入您的 API 密钥（由 csat apikey create 生成）。",
    "api_key": "API 密钥",
    "sign_in": "登录",
    "key_refused": "这个密钥无效或已被吊销。",
    "signed_out": "您已退出。",
    "session_ended": "请重新登录。",
    "forbidden_title": "无权访问",
    "forbidden_body": "这个页面需要{role}角色；您的密钥是{have}。",
    "bad_form_title": "表单已失效",
    "bad_form_body": "这个表单已过期或不是从本看板提交的。请返回，刷新页面后再试。",
    "not_found_title": "未找到",
    "not_found_campaign": "没有名为“{key}”的调查活动。",
    "not_found_body": "这个页面不存在。",
    "bad_request_title": "请求无效",
    "back_to_campaigns": "返回调查活动列表",
    "campaigns_title": "调查活动",
    "no_campaigns": "还没有调查活动。",
    "col_key": "活动",
    "col_survey": "问卷",
    "col_period": "周期",
    "col_status": "状态",
    "col_response_rate": "回复率",
    "col_satisfaction": "满意率",
    "col_n": "样本量",
    "status_open": "进行中",
    "status_closed": "已结束",
    "status_draft": "草稿",
    "period_monthly": "月度",
    "period_quarterly": "季度",
    "period_half_yearly": "半年",
    "period_yearly": "年度",
    "period_ad_hoc": "临时",
    "sign_out_by_button": "请用页面顶部的“退出”按钮退出。",
    "bad_request_body": "这个地址中的某个值无效。请返回重试。",
    "not_representative_short": "不具代表性",
}

EN: dict[str, str] = {
    "brand": "Satisfaction dashboard",
    "nav_campaigns": "Campaigns",
    "nav_tickets": "Tickets",
    "language": "Language",
    "signed_in_as": "{name} ({role})",
    "role_viewer": "viewer",
    "role_staff": "staff",
    "role_admin": "admin",
    "sign_out": "Sign out",
    "sign_in_title": "Sign in to the dashboard",
    "sign_in_intro": "Enter your API key (made by csat apikey create).",
    "api_key": "API key",
    "sign_in": "Sign in",
    "key_refused": "This key is unknown or revoked.",
    "signed_out": "You have signed out.",
    "session_ended": "Please sign in again.",
    "forbidden_title": "Not allowed",
    "forbidden_body": "This page needs the {role} role; your key has {have}.",
    "bad_form_title": "Form expired",
    "bad_form_body": "This form has expired or was not sent from this dashboard. Go back, "
    "reload the page and try again.",
    "not_found_title": "Not found",
    "not_found_campaign": "There is no campaign called “{key}”.",
    "not_found_body": "There is no such page.",
    "bad_request_title": "Not a valid request",
    "back_to_campaigns": "Back to the campaigns",
    "campaigns_title": "Campaigns",
    "no_campaigns": "No campaigns yet.",
    "col_key": "Campaign",
    "col_survey": "Survey",
    "col_period": "Period",
    "col_status": "Status",
    "col_response_rate": "Response rate",
    "col_satisfaction": "Satisfaction",
    "col_n": "n",
    "status_open": "open",
    "status_closed": "closed",
    "status_draft": "draft",
    "period_monthly": "monthly",
    "period_quarterly": "quarterly",
    "period_half_yearly": "half-yearly",
    "period_yearly": "yearly",
    "period_ad_hoc": "ad hoc",
    "sign_out_by_button": "Please sign out with the Sign out button at the top of the page.",
    "bad_request_body": "A value in this address is not valid. Please go back and try again.",
    "not_representative_short": "not representative",
}

TEXTS: dict[str, dict[str, str]] = {"zh-CN": ZH, "en": EN}


def t(key: str, lang: str | None, **values: Any) -> str:
    """The phrase ``key`` in ``lang`` (English when it has none), filled with ``values``."""
    table = TEXTS.get(lang or FALLBACK, EN)
    template = table.get(key) or EN.get(key) or key  # an unknown key shows itself, not a 500
    return template.format(**values) if values else template
