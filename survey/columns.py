"""The long-format tables every layer exchanges (SPEC §7): storage builds them, scoring reads
them, the admin API and the exports show them. Their columns are written here only."""

from __future__ import annotations

from typing import Final

from survey.vocabulary import AnswerKind

ANSWER_COLUMNS: Final[tuple[str, ...]] = (
    "campaign", "survey", "customer_id", "customer_name", "customer_class", "customer_weight",
    "business_unit", "respondent_id", "role", "language", "question", "factor", "item", "kind",
    "level", "na", "text", "answered_at", "channel",
)  # fmt: skip
INVITATION_COLUMNS: Final[tuple[str, ...]] = (
    "campaign", "respondent_id", "customer_id", "state", "started_at", "completed_at",
)  # fmt: skip
# The answers a campaign's figures are made of (daily feedback belongs to no campaign).
SCORED_KINDS: Final[tuple[AnswerKind, ...]] = (
    AnswerKind.LIKERT, AnswerKind.FOLLOW_UP, AnswerKind.COMMENT, AnswerKind.NPS,
)  # fmt: skip
# The answers whose question is a factor or one of its items ("FACTOR" or "FACTOR.item"); the
# NPS and the comment belong to no factor.
FACTOR_KINDS: Final[tuple[AnswerKind, ...]] = (AnswerKind.LIKERT, AnswerKind.FOLLOW_UP)
