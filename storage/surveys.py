"""Questionnaires in the database: the definition as loaded plus its factor/item rows."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AttributeRow, FactorRow, ItemRow, SurveyRow
from storage.storable import MAX_INTEGER, column_length, unstorable
from survey.errors import SurveyDefinitionError
from survey.loader import parse_survey, survey_to_dict
from survey.schema import Attribute, Survey


async def save_survey(session: AsyncSession, survey: Survey) -> tuple[SurveyRow, bool]:
    """Store a survey version; loading the same version again is a no-op. Returns (row, created)."""
    _refuse_unstorable(survey)
    existing = await session.scalar(
        select(SurveyRow).where(SurveyRow.key == survey.key, SurveyRow.version == survey.version)
    )
    definition = survey_to_dict(survey)
    if existing is not None:
        if existing.definition != definition:
            raise SurveyDefinitionError(
                survey.key,
                "version",
                f"version {survey.version} is already loaded with other content; raise the version",
            )
        return existing, False
    row = SurveyRow(key=survey.key, version=survey.version, definition=definition)
    for f_pos, factor in enumerate(survey.factors):
        factor_row = FactorRow(
            key=factor.key,
            position=f_pos,
            text=dict(factor.text),
            weight=factor.weight,
            department=factor.department,
            attributes=_attributes(factor.attributes),
        )
        for i_pos, item in enumerate(factor.items):
            item_row = ItemRow(
                key=item.key, position=i_pos, text=dict(item.text), weight=item.weight
            )
            item_row.attributes = _attributes(item.attributes)
            factor_row.items.append(item_row)
        row.factors.append(factor_row)
    session.add(row)
    await session.flush()
    return row, True


def _refuse_unstorable(survey: Survey) -> None:
    """A survey the tables cannot hold (NUL, ``inf``, an over-long department, a version
    beyond Integer) is a broken definition, refused before any row is written."""
    found = unstorable(survey.model_dump())
    if found is None and survey.version > MAX_INTEGER:
        found = ("version", f"must be at most {MAX_INTEGER}")
    longest = column_length(FactorRow.department)
    for index, factor in enumerate(survey.factors):
        if found is None and len(factor.department or "") > longest:
            found = (f"factors[{index}].department", f"must be at most {longest} characters")
    if found is not None:
        raise SurveyDefinitionError(survey.key, *found)


def _attributes(attributes: tuple[Attribute, ...]) -> list[AttributeRow]:
    return [
        AttributeRow(key=a.key, position=pos, text=dict(a.text)) for pos, a in enumerate(attributes)
    ]


def to_survey(row: SurveyRow) -> Survey:
    """The domain survey of a stored row."""
    return parse_survey(row.definition, f"survey {row.key} v{row.version}")


async def get_survey(session: AsyncSession, survey_id: int) -> Survey:
    """The survey with this id (raises if missing)."""
    row = await session.get(SurveyRow, survey_id)
    if row is None:
        raise LookupError(f"no survey {survey_id}")
    return to_survey(row)


async def latest_survey_row(session: AsyncSession, key: str) -> SurveyRow | None:
    """The newest loaded version of the survey ``key``."""
    row: SurveyRow | None = await session.scalar(
        select(SurveyRow).where(SurveyRow.key == key).order_by(SurveyRow.version.desc()).limit(1)
    )
    return row
