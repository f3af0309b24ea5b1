"""Questionnaires in the database: the definition as loaded plus its factor/item rows."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import AttributeRow, Campaign, FactorRow, ItemRow, SurveyRow
from storage.pages import page_of
from storage.storable import MAX_INTEGER, column_length, unstorable
from survey.errors import NotFound, Resource, SurveyDefinitionError
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
    """The survey with this id; ``NotFound`` if there is none."""
    row = await session.get(SurveyRow, survey_id)
    if row is None:
        raise NotFound(Resource.SURVEY, survey_id)
    return to_survey(row)


async def campaign_survey_row(session: AsyncSession, campaign: Campaign) -> SurveyRow:
    """The stored survey version a campaign asks."""
    row = await session.get(SurveyRow, campaign.survey_id)
    assert row is not None  # a foreign key guarantees it
    return row


async def find_survey_row(
    session: AsyncSession, key: str, version: int | None = None
) -> SurveyRow | None:
    """Version ``version`` of the survey ``key``, else its newest; None if not loaded."""
    query = select(SurveyRow).where(SurveyRow.key == key)
    if version is not None:
        query = query.where(SurveyRow.version == version)
    row: SurveyRow | None = await session.scalar(query.order_by(SurveyRow.version.desc()).limit(1))
    return row


async def get_survey_row(session: AsyncSession, key: str, version: int | None = None) -> SurveyRow:
    """``find_survey_row``, or ``NotFound`` saying which survey (version) is not loaded."""
    row = await find_survey_row(session, key, version)
    if row is None:
        which = f"survey {key!r}" + (f" version {version}" if version else "")
        raise NotFound(Resource.SURVEY, key, message=f"no {which} is loaded")
    return row


async def surveys_page(
    session: AsyncSession, *, key: str | None = None, limit: int, offset: int = 0
) -> tuple[list[SurveyRow], int]:
    """One page of the loaded survey versions (of ``key`` if given) by key then version, and
    the total count."""
    query = select(SurveyRow).order_by(SurveyRow.key, SurveyRow.version)
    if key is not None:
        query = query.where(SurveyRow.key == key)
    rows, count = await page_of(session, query, limit=limit, offset=offset)
    return [row for (row,) in rows], count


async def latest_survey_row(session: AsyncSession, key: str) -> SurveyRow | None:
    """The newest loaded version of the survey ``key``."""
    return await find_survey_row(session, key)
