"""The workbook's words: what a grade, an answer or ticket kind, a ticket status, a channel, a
role or a language is called in the workbook's language (zh-CN by default, or en).

Only the full workbook (a document for people) shows words; the CSV, JSON and single-table
XLSX exports keep the stored codes, which are what an import or a script reads. The Chinese
status words are the ones staff see on their ticket buttons in the bot.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Final

from scoring import GRADES
from survey.errors import UnknownExport
from survey.records import ROLES
from survey.texts import LANGUAGE_NAMES
from survey.vocabulary import AnswerKind, Channel, TicketKind, TicketStatus

LANGUAGES: Final = ("zh-CN", "en")
DEFAULT_LANGUAGE: Final = "zh-CN"

Words = Mapping[str, Mapping[str, str]]  # code → language → word

GRADE_WORDS: Final[Words] = dict(
    zip(
        GRADES,
        (
            {"zh-CN": "很满意", "en": "very satisfied"},
            {"zh-CN": "比较满意", "en": "fairly satisfied"},
            {"zh-CN": "一般满意", "en": "generally satisfied"},
            {"zh-CN": "不满意", "en": "dissatisfied"},
        ),
        strict=True,
    )
)
ANSWER_KIND_WORDS: Final[Words] = {
    AnswerKind.LIKERT: {"zh-CN": "评分", "en": "rating"},
    AnswerKind.FOLLOW_UP: {"zh-CN": "低分原因", "en": "follow-up"},
    AnswerKind.COMMENT: {"zh-CN": "意见", "en": "comment"},
    AnswerKind.NPS: {"zh-CN": "推荐意愿", "en": "NPS"},
    AnswerKind.FEEDBACK: {"zh-CN": "日常反馈", "en": "feedback"},
}
TICKET_KIND_WORDS: Final[Words] = {
    TicketKind.OPINION_TICKET: {"zh-CN": "客户意见处理单", "en": "opinion ticket"},
    TicketKind.INTERNAL_MEMO: {"zh-CN": "内部联络单", "en": "internal memo"},
}
STATUS_WORDS: Final[Words] = {
    TicketStatus.OPEN: {"zh-CN": "待处理", "en": "open"},
    TicketStatus.ACKNOWLEDGED: {"zh-CN": "已认领", "en": "acknowledged"},
    TicketStatus.PLAN_SUBMITTED: {"zh-CN": "已提交计划", "en": "plan submitted"},
    TicketStatus.IN_PROGRESS: {"zh-CN": "整改中", "en": "in progress"},
    TicketStatus.VERIFYING: {"zh-CN": "验证中", "en": "verifying"},
    TicketStatus.CLOSED: {"zh-CN": "已关闭", "en": "closed"},
    TicketStatus.ESCALATED: {"zh-CN": "已升级（投诉处理）", "en": "escalated"},
}
CHANNEL_WORDS: Final[Words] = {
    Channel.TELEGRAM: {"zh-CN": "Telegram", "en": "Telegram"},
    Channel.WEB: {"zh-CN": "网页", "en": "web"},
    Channel.PHONE: {"zh-CN": "电话", "en": "phone"},
    Channel.VISIT: {"zh-CN": "拜访", "en": "visit"},
    Channel.PAPER: {"zh-CN": "纸质问卷", "en": "paper"},
    Channel.IMPORT: {"zh-CN": "导入", "en": "import"},
}
ROLE_WORDS: Final[Words] = dict(
    zip(
        ROLES,
        (
            {"zh-CN": "总经理", "en": "general manager"},
            {"zh-CN": "产品经理", "en": "product manager"},
            {"zh-CN": "质量", "en": "quality"},
            {"zh-CN": "采购", "en": "purchasing"},
            {"zh-CN": "市场", "en": "marketing"},
            {"zh-CN": "使用者", "en": "user"},
        ),
        strict=True,
    )
)
LANGUAGE_WORDS: Final[Words] = {code: {"zh-CN": n, "en": n} for code, n in LANGUAGE_NAMES.items()}
ANSWER_WORDS: Final[Words] = {
    "yes": {"zh-CN": "是", "en": "yes"},
    "no": {"zh-CN": "否", "en": "no"},
    "unknown": {"zh-CN": "未知", "en": "unknown"},
}

#: The exported columns that hold a code, and the words for it.
COLUMN_WORDS: Final[Mapping[str, Words]] = {
    "grade": GRADE_WORDS,
    "kind": {**ANSWER_KIND_WORDS, **TICKET_KIND_WORDS},  # answers' kinds, tickets' kinds
    "status": STATUS_WORDS,
    "channel": CHANNEL_WORDS,
    "role": ROLE_WORDS,
    "language": LANGUAGE_WORDS,
}


def check_language(lang: str) -> str:
    """``lang`` when the workbook can be written in it; else a clear refusal."""
    if lang not in LANGUAGES:
        raise UnknownExport(f"no workbook language {lang!r}; use one of {', '.join(LANGUAGES)}")
    return lang


def word(words: Words, code: object, lang: str) -> object:
    """The word for ``code`` in ``lang``; a code without a word (a custom role) stays as it is."""
    if not isinstance(code, str) or code not in words:
        return code
    return words[code][lang]


def yes_no(value: bool | None, lang: str) -> str:
    """A yes/no fact of the summary as a word; None is "unknown"."""
    key = "unknown" if value is None else ("yes" if value else "no")
    return ANSWER_WORDS[key][lang]
