"""The answers route shows the export's columns, in their order (survey.columns)."""

from __future__ import annotations

from admin.schemas.answers import AnswerPublic
from survey.columns import ANSWER_COLUMNS


def test_answer_public_has_the_answer_columns_in_order() -> None:
    assert tuple(AnswerPublic.model_fields) == ANSWER_COLUMNS
