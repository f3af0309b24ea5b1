"""Bodies of the questionnaire routes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel

from admin.pagination import Paginated
from storage.models import SurveyRow
from storage.surveys import to_survey


class SurveyPublic(BaseModel):
    """A stored questionnaire version, summarised."""

    id: int
    key: str
    version: int
    title: dict[str, str]
    languages: list[str]
    factors: int
    questions: int
    loaded_at: datetime

    @classmethod
    def of(cls, row: SurveyRow) -> SurveyPublic:
        survey = to_survey(row)
        return cls(
            id=row.id,
            key=row.key,
            version=row.version,
            title=dict(survey.title),
            languages=list(survey.languages),
            factors=len(survey.factors),
            questions=len(survey.questions()),
            loaded_at=row.loaded_at,
        )


class SurveyLoaded(SurveyPublic):
    """The answer to a load: ``created`` is false when this version was loaded already."""

    created: bool


class SurveyDetail(SurveyPublic):
    """One version with its whole definition, as ``POST /surveys`` reads it back."""

    definition: dict[str, Any]

    @classmethod
    def of(cls, row: SurveyRow) -> SurveyDetail:
        return cls(**SurveyPublic.of(row).model_dump(), definition=row.definition)


class SurveysPublic(Paginated[SurveyPublic]):
    """A page of questionnaire versions, by key then version."""
