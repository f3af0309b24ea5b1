"""Every text the bot shows, in each language (SPEC §3). Handlers never inline a string.

The survey's own texts (questions, levels, follow-up, summary) are ``survey.texts``, shared
with the web form; the chat's phrases, staff alerts and ticket words are here."""

from __future__ import annotations

from typing import Any

from survey.texts import (
    CLAUSE_MARKS,
    FALLBACK_LANGUAGE,
    LANGUAGE_NAMES,
    SCALES,
    SURVEY_TEXTS,
    level_label,
    pick,
    shorten,
    text,
)

__all__ = [
    "CLAUSE_MARKS",
    "FALLBACK_LANGUAGE",
    "LANGUAGE_NAMES",
    "SCALES",
    "TEXTS",
    "history_actor",
    "history_label",
    "level_label",
    "pick",
    "shorten",
    "t",
    "telegram_language",
]

TEXTS: dict[str, dict[str, str]] = {
    **SURVEY_TEXTS,
    "already_done": {
        "zh-CN": "您已完成本次调查，谢谢！如有其他意见，请发送 /feedback。",
        "en": "You have already completed this survey, thank you! For other feedback send /feedback.",
    },
    "no_survey": {
        "zh-CN": "您好！请通过收到的邀请链接打开调查。如需帮助请发送 /help。",
        "en": "Hello! Please open the survey through the invitation link you received. "
        "Send /help for help.",
    },
    "invitation_expired": {
        "zh-CN": "抱歉，这个邀请已过期。如仍想反馈，请发送 /feedback。",
        "en": "Sorry, this invitation has expired. To give feedback anyway, send /feedback.",
    },
    "campaign_closed": {
        "zh-CN": "抱歉，本次调查已结束。如仍想反馈，请发送 /feedback。",
        "en": "Sorry, this survey has closed. To give feedback anyway, send /feedback.",
    },
    "invitation_in_use": {
        "zh-CN": "这个邀请已在另一个 Telegram 账号上使用。",
        "en": "This invitation is already in use from another Telegram account.",
    },
    "help": {
        "zh-CN": "本机器人用于客户满意度调查。\n/start 继续调查\n/language 切换语言\n"
        "/cancel 暂停\n/feedback 随时提出意见\n/forget 删除我的个人资料\n/help 帮助",
        "en": "This bot runs our customer-satisfaction survey.\n/start continue the survey\n"
        "/language switch language\n/cancel pause\n/feedback send feedback any time\n"
        "/forget erase my personal data\n/help this help",
    },
    "paused": {
        "zh-CN": "已暂停，您的回答都已保存。发送 /start 或任意消息即可继续。",
        "en": "Paused. Your answers are saved; send /start or any message to continue.",
    },
    "use_buttons": {
        "zh-CN": "请点击下面的按钮作答（也可以直接输入 1–5）。",
        "en": "Please answer with the buttons below (or type a digit 1–5).",
    },
    "use_nps_buttons": {
        "zh-CN": "请点击按钮，或输入 0–10 的数字。",
        "en": "Please press a button or type a number from 0 to 10.",
    },
    "use_causes_buttons": {
        "zh-CN": "请选择原因后点“完成”。",
        "en": "Please pick the causes, then press Done.",
    },
    "text_only": {
        "zh-CN": "抱歉，这里只能接收文字和按钮。",
        "en": "Sorry, I can only read text and buttons here.",
    },
    "unknown_command": {
        "zh-CN": "抱歉，我不认识这个命令。发送 /help 查看可用命令。",
        "en": "Sorry, I don't know that command. Send /help to see what I understand.",
    },
    "stale_button": {
        "zh-CN": "这个按钮已过期，请回答当前问题。",
        "en": "That button is from an earlier message; please answer the current question.",
    },
    "bad_button": {"zh-CN": "这个按钮无效。", "en": "That button is not valid."},
    "feedback_prompt": {
        "zh-CN": "请写下您的意见或建议（发送 /cancel 取消）。",
        "en": "Please write your feedback (send /cancel to stop).",
    },
    "feedback_kind": {
        "zh-CN": "谢谢，已记录。这是投诉吗？",
        "en": "Thank you, it is recorded. Is this a complaint?",
    },
    "feedback_complaint": {"zh-CN": "是，这是投诉", "en": "Yes, a complaint"},
    "feedback_plain": {"zh-CN": "只是意见", "en": "Just feedback"},
    "feedback_thanks": {
        "zh-CN": "谢谢您的反馈！",
        "en": "Thank you for your feedback!",
    },
    "complaint_thanks": {
        "zh-CN": "我们已将您的投诉转给负责人员，会尽快与您联系。",
        "en": "Your complaint has been passed to our staff; they will contact you soon.",
    },
    # The complaint when no staff chat is configured for it: nobody has been told yet.
    "complaint_recorded": {
        "zh-CN": "我们已记录您的投诉，我们的团队会跟进处理。",
        "en": "We have recorded your complaint; our team will follow it up.",
    },
    "feedback_unknown": {
        "zh-CN": "谢谢，您的意见已记录。我们还不知道您来自哪家公司：方便的话，请再发送一次 "
        "/feedback，告诉我们您的公司和姓名。",
        "en": "Thank you, your feedback is recorded. We do not know yet which company you are "
        "from: if you can, send /feedback again with your company and name.",
    },
    "forget_confirm": {
        "zh-CN": "确定要删除您的个人资料吗？您的评分会匿名保留，无法撤销。",
        "en": "Erase your personal data? Your scores stay, anonymised. This cannot be undone.",
    },
    "forget_yes": {"zh-CN": "确定删除", "en": "Yes, erase"},
    "forget_no": {"zh-CN": "取消", "en": "Cancel"},
    "forgotten": {
        "zh-CN": "您的个人资料已删除。谢谢！",
        "en": "Your personal data has been erased. Thank you.",
    },
    "forget_cancelled": {
        "zh-CN": "已取消，什么也没有删除。",
        "en": "Cancelled; nothing was erased.",
    },
    # Invitations and reminders sent by the scheduler (SPEC §5).
    "invitation": {
        "zh-CN": "{name}您好！诚邀您参加「{title}」（{campaign}）。\n共 {count} 个问题，大约需要 "
        "{minutes} 分钟；每个回答都会立即保存。您的意见对我们非常重要！",
        "en": "Hello {name}! We would like to invite you to “{title}” ({campaign}).\n"
        "There are {count} questions; it takes about {minutes} min, and each answer is saved "
        "at once. Your opinion matters a great deal to us!",
    },
    "reminder": {
        "zh-CN": "{name}您好！温馨提醒：「{title}」（{campaign}）还在等待您的意见，"
        "大约只需 {minutes} 分钟。",
        "en": "Hello {name}! A friendly reminder: “{title}” ({campaign}) is still waiting for "
        "your opinion. It takes about {minutes} min.",
    },
    "reminder_continue": {
        "zh-CN": "{name}您好！您已开始填写「{title}」（{campaign}），但还没有提交。"
        "您的回答都已保存，发送 /start 即可从上次停下的地方继续。",
        "en": "Hello {name}! You started “{title}” ({campaign}) but have not submitted it yet. "
        "Your answers are saved: send /start to continue where you left off.",
    },
    "open_survey": {"zh-CN": "开始填写", "en": "Take the survey"},
    "continue_survey": {"zh-CN": "继续填写", "en": "Continue the survey"},
    # The invitation's web_app button: the same survey as a form inside Telegram (Mini App).
    "answer_in_form": {"zh-CN": "在表单中作答", "en": "Answer in a form"},
    "error": {
        "zh-CN": "抱歉，出了点问题，刚才的操作没有保存。请再试一次，或发送 /start。",
        "en": "Sorry, something went wrong and that was not saved. Please try again or send /start.",
    },
    "error_retrying": {
        "zh-CN": "抱歉，刚才的回答暂时无法保存，我们会自动重试。如果一分钟内没有出现下一题，请再回答一次。",
        "en": "Sorry, we could not save that just now; we are retrying. If the next question does not appear within a minute, please answer again.",
    },
    # Staff alerts and ticket buttons (SPEC §5), in settings.staff_language.
    "staff_alert": {"zh-CN": "🔴 低分预警 · 工单 #{id}", "en": "🔴 Low score · ticket #{id}"},
    "staff_overdue": {"zh-CN": "⏰ 工单逾期 · #{id}", "en": "⏰ Overdue · ticket #{id}"},
    "staff_ticket": {"zh-CN": "📋 工单 #{id}", "en": "📋 Ticket #{id}"},
    "staff_customer": {"zh-CN": "客户：{name}（{cls}）", "en": "Customer: {name} ({cls})"},
    "staff_respondent": {"zh-CN": "受访者：{name} · {role}", "en": "Respondent: {name} · {role}"},
    "staff_stranger": {
        "zh-CN": "发送者：尚未识别的 Telegram 用户（ID {id}），请核实其公司",
        "en": "From: a Telegram user the bot does not know yet (id {id}); please find out who",
    },
    "staff_stranger_feedback": {
        "zh-CN": "未知发送者的意见（/feedback）",
        "en": "Feedback sent with /feedback by someone not known yet",
    },
    "staff_anonymous": {"zh-CN": "（已匿名）", "en": "(anonymised)"},
    "staff_campaign": {"zh-CN": "调查：{campaign}", "en": "Campaign: {campaign}"},
    "staff_question": {"zh-CN": "问题：{question}", "en": "Question: {question}"},
    "staff_complaint": {"zh-CN": "客户投诉（/feedback）", "en": "Complaint sent with /feedback"},
    "staff_score": {"zh-CN": "评分：{score}", "en": "Score: {score}"},
    "staff_causes": {"zh-CN": "原因：{causes}", "en": "Causes: {causes}"},
    "staff_comment": {"zh-CN": "意见：{comment}", "en": "Comment: {comment}"},
    "staff_severity": {"zh-CN": "严重度：{severity}", "en": "Severity: {severity}"},
    "staff_plan_due": {"zh-CN": "整改计划期限：{due}", "en": "Plan due: {due}"},
    "staff_due": {"zh-CN": "计划完成日期：{due}", "en": "Completion due: {due}"},
    "staff_owner": {
        "zh-CN": "👤 负责人：{owner} · 状态：{status}",
        "en": "👤 Owner: {owner} · Status: {status}",
    },
    "staff_no_owner": {
        "zh-CN": "状态：{status}（待认领）",
        "en": "Status: {status} (nobody has it yet)",
    },
    "staff_plan": {"zh-CN": "整改计划：{plan}", "en": "Plan: {plan}"},
    "staff_callback": {"zh-CN": "回访报告：{report}", "en": "Call-back report: {report}"},
    "staff_history": {"zh-CN": "处理记录：", "en": "History:"},
    "staff_take": {"zh-CN": "我来处理", "en": "Take it"},
    "staff_open": {"zh-CN": "查看工单", "en": "Open ticket"},
    "staff_taken": {"zh-CN": "工单 #{id} 已由您负责。", "en": "Ticket #{id} is yours."},
    "staff_already_yours": {
        "zh-CN": "工单 #{id} 已经由您负责了。",
        "en": "Ticket #{id} is already yours.",
    },
    "staff_already_taken": {"zh-CN": "已由 {owner} 负责。", "en": "Already taken by {owner}."},
    "staff_not_active": {"zh-CN": "工单 #{id} 已关闭。", "en": "Ticket #{id} is closed."},
    "staff_not_found": {"zh-CN": "找不到这个工单。", "en": "This ticket no longer exists."},
    "staff_only": {
        "zh-CN": "抱歉，只有服务团队成员可以在工作群中处理工单。",
        "en": "Sorry, only the service team can act on tickets, in their staff chat.",
    },
    "status_open": {"zh-CN": "待处理", "en": "open"},
    "status_acknowledged": {"zh-CN": "已认领", "en": "acknowledged"},
    "status_plan_submitted": {"zh-CN": "已提交计划", "en": "plan submitted"},
    "status_in_progress": {"zh-CN": "整改中", "en": "in progress"},
    "status_verifying": {"zh-CN": "验证中", "en": "verifying"},
    "status_closed": {"zh-CN": "已关闭", "en": "closed"},
    "status_escalated": {"zh-CN": "已升级（投诉处理）", "en": "escalated"},
    # Ticket history actions (storage/tickets.py, ticket_lifecycle.py, ticket_alerts.py).
    "history_opened": {"zh-CN": "创建", "en": "opened"},
    "history_follow_up": {"zh-CN": "补充原因和说明", "en": "follow-up answered"},
    "history_alerted": {"zh-CN": "已发送预警", "en": "alert sent"},
    "history_taken": {"zh-CN": "认领", "en": "taken"},
    "history_score_changed": {"zh-CN": "评分变更", "en": "score changed"},
    "history_withdrawn": {"zh-CN": "撤销（评分已提高）", "en": "withdrawn (score raised)"},
    "history_plan": {"zh-CN": "填写整改计划", "en": "plan written"},
    "history_callback_report": {"zh-CN": "回访报告", "en": "call-back report"},
    "history_due_at": {"zh-CN": "设定完成期限", "en": "completion date set"},
    "history_owner": {"zh-CN": "指定负责人", "en": "owner set"},
    "history_note": {"zh-CN": "备注", "en": "note"},
    "history_classified": {"zh-CN": "分类", "en": "classified"},
    "history_reopened": {"zh-CN": "重新打开", "en": "reopened"},
    "history_acknowledged": {"zh-CN": "状态改为已认领", "en": "status: acknowledged"},
    "history_plan_submitted": {"zh-CN": "状态改为已提交计划", "en": "status: plan submitted"},
    "history_in_progress": {"zh-CN": "状态改为整改中", "en": "status: in progress"},
    "history_verifying": {"zh-CN": "状态改为验证中", "en": "status: verifying"},
    "history_closed": {"zh-CN": "关闭", "en": "closed"},
    "history_escalated": {"zh-CN": "升级（投诉处理）", "en": "escalated"},
    "actor_bot": {"zh-CN": "机器人", "en": "bot"},
    "actor_respondent": {"zh-CN": "受访者 #{id}", "en": "respondent #{id}"},
    "role_general_manager": {"zh-CN": "总经理", "en": "general manager"},
    "role_product_manager": {"zh-CN": "产品经理", "en": "product manager"},
    "role_quality": {"zh-CN": "质量", "en": "quality"},
    "role_purchasing": {"zh-CN": "采购", "en": "purchasing"},
    "role_marketing": {"zh-CN": "市场", "en": "marketing"},
    "role_user": {"zh-CN": "使用者", "en": "user"},
    # Alert digests: a burst of alerts for one staff chat as one message (bot/alerts.py).
    "staff_digest": {
        "zh-CN": "🔴 {count} 条预警（集中发送，点按钮认领）",
        "en": "🔴 {count} alerts at once (press a button to take a ticket)",
    },
    "staff_digest_line": {
        "zh-CN": "#{id} {customer} · {question} · {score} · 严重度 {severity}",
        "en": "#{id} {customer} · {question} · {score} · severity {severity}",
    },
    "staff_digest_overdue": {"zh-CN": "⏰ 逾期", "en": "⏰ overdue"},
    "staff_digest_take": {"zh-CN": "认领 #{id}", "en": "Take #{id}"},
}


def t(key: str, language: str | None, **values: Any) -> str:
    """The text ``key`` in ``language`` (falling back to English), filled with ``values``."""
    return text(TEXTS, key, language, **values)


def history_label(action: str, language: str | None) -> str:
    """A ticket history action (``taken``) in words of ``language``; unknown ones as stored."""
    key = f"history_{action}"
    return t(key, language) if key in TEXTS else action


def history_actor(actor: str, language: str | None) -> str:
    """Who acted on a ticket: ``bot`` and ``respondent:<id>`` in words; staff by name."""
    kind, _, ident = actor.partition(":")
    if actor == "bot":
        return t("actor_bot", language)
    if kind == "respondent" and ident.isdigit():
        return t("actor_respondent", language, id=ident)
    return actor


def telegram_language(code: str | None) -> str | None:
    """Map Telegram's ``language_code`` (``zh-hans``, ``en-US``) to ours."""
    if not code:
        return None
    code = code.lower()
    if code.startswith("zh"):
        return "zh-CN"
    if code.startswith("en"):
        return "en"
    return None
