"""The web form's own phrases, in each language; the survey's texts are ``survey.texts``."""

from __future__ import annotations

from typing import Any

from survey.texts import SURVEY_TEXTS, text

WEB_TEXTS: dict[str, dict[str, str]] = {
    "page_title": {"zh-CN": "客户满意度调查", "en": "Customer satisfaction survey"},
    "language_switch": {"zh-CN": "语言", "en": "Language"},
    "progress": {"zh-CN": "第 {number} 题，共 {total} 题", "en": "Question {number} of {total}"},
    "current_answer": {"zh-CN": "（当前回答）", "en": "(your answer)"},
    "what_happened_web": {
        "zh-CN": "能简单说说发生了什么吗？可以跳过。",
        "en": "Could you tell us briefly what happened? You may skip this.",
    },
    "comment_web": {
        "zh-CN": "最后，您还有什么意见或建议吗？可以跳过。",
        "en": "Finally, any comment or suggestion for us? You may skip this.",
    },
    "send": {"zh-CN": "提交此项", "en": "Send"},
    "summary_web": {
        "zh-CN": "请检查您的回答。确认无误请点“提交”，或修改某个回答。",
        "en": "Please check your answers. Press Submit if all is right, or change an answer.",
    },
    "summary_title": {"zh-CN": "您的回答", "en": "Your answers"},
    "change_this": {"zh-CN": "修改", "en": "Change"},
    "change_named": {"zh-CN": "修改：{label}", "en": "Change: {label}"},
    "thanks_title": {"zh-CN": "谢谢！", "en": "Thank you!"},
    "completed_title": {"zh-CN": "已经提交", "en": "Already submitted"},
    "completed_web": {
        "zh-CN": "这份调查您已经提交过了，谢谢！您的回答已保存。",
        "en": "This survey was already submitted. Thank you! Your answers are saved.",
    },
    "not_found_title": {"zh-CN": "链接无效", "en": "Link not valid"},
    "expired_title": {"zh-CN": "邀请已过期", "en": "Invitation expired"},
    "expired_web": {
        "zh-CN": "抱歉，这个邀请已过期，无法再作答。如仍想反馈，请联系您的客户经理。",
        "en": "Sorry, this invitation has expired and takes no more answers. To give feedback "
        "anyway, please contact your account manager.",
    },
    "closed_title": {"zh-CN": "调查已结束", "en": "Survey closed"},
    "closed_web": {
        "zh-CN": "抱歉，本次调查已结束，不再接收回答。感谢您的关注！如仍想反馈，请联系您的客户经理。",
        "en": "Sorry, this survey has closed and takes no more answers. Thank you for your "
        "interest! To give feedback anyway, please contact your account manager.",
    },
    "too_many_title": {"zh-CN": "请稍候", "en": "Please wait"},
    "too_many": {
        "zh-CN": "短时间内收到的请求太多。请在 {seconds} 秒后重试，您已保存的回答不受影响。",
        "en": "We received too many requests in a short time. Please try again in {seconds} "
        "seconds; the answers you saved are safe.",
    },
    # Interviewer mode (web/interview.py)
    "sign_in_title": {"zh-CN": "访谈员登录", "en": "Interviewer sign-in"},
    "sign_in_intro": {
        "zh-CN": "代客户填写问卷（电话或拜访）前，请用职员或管理员的 API 密钥登录。",
        "en": "To fill in the questionnaire on a customer's behalf (by phone or on a visit), sign in with a staff or admin API key.",
    },
    "sign_in_key": {"zh-CN": "API 密钥", "en": "API key"},
    "sign_in_name": {
        "zh-CN": "您的姓名（记录在回答中）",
        "en": "Your name (recorded with the answers)",
    },
    "sign_in_channel": {"zh-CN": "访谈方式", "en": "Interview by"},
    "sign_in": {"zh-CN": "登录", "en": "Sign in"},
    "channel_phone": {"zh-CN": "电话", "en": "phone"},
    "channel_visit": {"zh-CN": "拜访", "en": "visit"},
    "key_refused": {
        "zh-CN": "这个密钥无效、已撤销或没有职员权限。请使用职员或管理员的 API 密钥。",
        "en": "That key is not valid, was revoked or is not a staff key. Please use a staff or admin API key.",
    },
    "sign_in_incomplete": {
        "zh-CN": "请填写您的姓名（最多 120 个字符）并选择访谈方式。",
        "en": "Please give your name (at most 120 characters) and choose how you interview.",
    },
    "interviewing": {
        "zh-CN": "访谈：{respondent} · {channel} · 记录人 {interviewer}",
        "en": "Interview with {respondent} by {channel}, recorded by {interviewer}",
    },
    "unavailable_title": {"zh-CN": "暂时无法保存", "en": "Not saved just now"},
    "unavailable_web": {
        "zh-CN": "抱歉，我们暂时无法处理，刚才的操作没有保存。请稍后重新打开链接再试。",
        "en": "Sorry, we cannot take answers just now and that was not saved. Please open the "
        "link again in a minute.",
    },
    "try_again": {"zh-CN": "重试", "en": "Try again"},
    "bad_form": {
        "zh-CN": "这个页面已过期或不完整，没有保存。请在下面重新作答。",
        "en": "That page had expired or was incomplete, so nothing was saved. Please answer "
        "again below.",
    },
    "bad_choice": {
        "zh-CN": "这个选项无效，没有保存。请从下面的选项中选择。",
        "en": "That choice is not valid, so nothing was saved. Please choose one of the options "
        "below.",
    },
    "stale_web": {
        "zh-CN": "那个问题已经不是当前问题（可能在另一个窗口已回答）。请回答下面的问题。",
        "en": "That was not the current question any more (perhaps answered in another window). "
        "Please answer the question below.",
    },
    "empty_text": {
        "zh-CN": "请写下您的回答，或点“跳过”。",
        "en": "Please write your answer, or press Skip.",
    },
    "text_too_long": {
        "zh-CN": "您的文字有 {length} 个字符，最多可以保存 {limit} 个。请缩短后再提交；下面保留了前 {limit} 个字符。",
        "en": "Your text has {length} characters; at most {limit} can be kept. Please shorten it "
        "and send it again; the first {limit} characters are kept below.",
    },
}


def w(key: str, language: str | None, **values: Any) -> str:
    """A web phrase, or else a survey text, in ``language`` (falling back to English)."""
    table = WEB_TEXTS if key in WEB_TEXTS else SURVEY_TEXTS
    return text(table, key, language, **values)
