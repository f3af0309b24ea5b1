"""Bodies of the answers route: one row per answer in SPEC §7's export columns."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from admin.pagination import Paginated
from survey.vocabulary import AnswerKind, Channel


class AnswerPublic(BaseModel):
    """An answer with who gave it (columns and order of storage.frames.ANSWER_COLUMNS)."""

    campaign: str
    survey: str
    customer_id: str
    customer_name: str
    customer_class: str
    customer_weight: float
    business_unit: str | None
    respondent_id: str
    role: str
    language: str | None
    question: str
    factor: str | None
    item: str | None
    kind: AnswerKind
    level: int | None
    na: bool
    text: str | None
    answered_at: datetime
    channel: Channel


class AnswersPublic(Paginated[AnswerPublic]):
    """A page of a campaign's answers, in the order they were given."""
