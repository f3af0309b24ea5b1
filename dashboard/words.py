"""What a stored code is called on the dashboard's pages: a respondent's role (the workbook's
words, ``campaigns.exports.labels.ROLE_WORDS``, which the bot's role texts match) and a
ticket's department. A code without a word (a custom role or department) shows as stored."""

from __future__ import annotations

from typing import Final

from campaigns.exports.labels import ROLE_WORDS, Words, word
from survey.schema import SUPPORTED_LANGUAGES

# The departments the shipped questionnaires (survey/templates) route their factors to; a
# deployment's own departments have no word anywhere, so they show as configured.
DEPARTMENT_WORDS: Final[Words] = {
    "sales": {"zh-CN": "销售部", "en": "sales"},
    "service": {"zh-CN": "服务部", "en": "service"},
    "quality": {"zh-CN": "质量部", "en": "quality"},
    "logistics": {"zh-CN": "物流部", "en": "logistics"},
}


def _word(words: Words, code: str | None, lang: str) -> str:
    if code is None:
        return ""
    known = lang if lang in SUPPORTED_LANGUAGES else "en"
    return str(word(words, code, known))


def role_word(code: str | None, lang: str) -> str:
    """A respondent's role in ``lang`` (``quality`` → 质量)."""
    return _word(ROLE_WORDS, code, lang)


def department_word(code: str | None, lang: str) -> str:
    """A ticket's department in ``lang`` (``logistics`` → 物流部)."""
    return _word(DEPARTMENT_WORDS, code, lang)
