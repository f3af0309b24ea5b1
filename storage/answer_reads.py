"""A campaign's answer cells and the people they name, read in the least time each database
allows (``storage.frames`` assembles them into the answers frame).

The answers come first, unsorted (a database sorts a million rows on disk, PostgreSQL, or in
a temporary B-tree, SQLite, slower than pandas does), then the people they name, by id
(cheaper than the database finding who answered among a million rows). PostgreSQL hands the
cells over through COPY (``storage.copy_frames``), both reads in one snapshot; SQLite through
the driver's own cursor, in the session's transaction.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import (
    BindParameter,
    ColumnElement,
    Connection,
    Integer,
    Select,
    any_,
    bindparam,
    func,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncSession

from storage import copy_frames
from storage.models import Answer, Campaign, Customer, Respondent, SurveyRow
from survey.columns import SCORED_KINDS

PERSON = "person"  # the respondent's database id, which joins the two reads
_ANSWER_ID = "answer_id"


def answer_filter(campaign_id: int) -> list[ColumnElement[bool]]:
    """Which answers a campaign's figures and exports are made of."""
    return [
        Answer.campaign_id == campaign_id,
        Answer.kind.in_(SCORED_KINDS),
        Answer.void.is_(False),
    ]


async def people_and_cells(
    session: AsyncSession, campaign_id: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the people, the answers' own cells oldest first), joined by their ``PERSON`` column."""
    connection = await session.connection()
    if connection.dialect.name != "postgresql":
        rows = _in_id_order(await raw_frame(session, _answer_cells(campaign_id)))
        return await raw_frame(session, _people_in_json(campaign_id, _persons(rows))), rows
    async with copy_frames.Reads(connection) as reads:
        rows = _in_id_order(await reads.copied(_answer_cells(campaign_id)))
        ids = bindparam("ids", type_=ARRAY(Integer))
        named = _people(bindparam("campaign", type_=Integer)).where(Respondent.id == any_(ids))
        return await reads.records(named, campaign=campaign_id, ids=_persons(rows)), rows


async def raw_frame(session: AsyncSession, statement: Select[Any]) -> pd.DataFrame:
    """Run a query on the driver's own cursor; columns are converted vectorised after.

    Building a SQLAlchemy Row and processing types row by row costs more than scoring itself
    on a million answers, so the SQL goes to the DBAPI cursor and pandas parses whole columns.
    """
    connection = await session.connection()
    sql = str(statement.compile(dialect=connection.dialect, compile_kwargs={"literal_binds": True}))

    def fetch(sync: Connection) -> tuple[list[str], Sequence[Any]]:
        cursor = sync.connection.dbapi_connection.cursor()  # type: ignore[union-attr]
        try:
            cursor.execute(sql)
            return [d[0] for d in cursor.description], cursor.fetchall()
        finally:
            cursor.close()

    names, rows = await connection.run_sync(fetch)
    return pd.DataFrame.from_records(rows, columns=names)


def respondent_columns() -> list[Any]:  # labelled columns and mapped attributes
    """An answer's columns of who gave it, campaign to language, as the answers frame has them."""
    return [
        Campaign.key.label("campaign"),
        SurveyRow.key.label("survey"),
        Customer.external_id.label("customer_id"),
        Customer.name.label("customer_name"),
        Customer.customer_class,
        Customer.weight.label("customer_weight"),
        Customer.business_unit,
        Respondent.external_id.label("respondent_id"),
        Respondent.role,
        Respondent.language,
    ]


def _people(campaign: int | BindParameter[int]) -> Select[Any]:
    """``respondent_columns`` of the people a caller names."""
    return (
        select(Respondent.id.label(PERSON), *respondent_columns())
        .select_from(Respondent)
        .join(Customer, Customer.id == Respondent.customer_id)
        .join(Campaign, Campaign.id == campaign)
        .join(SurveyRow, SurveyRow.id == Campaign.survey_id)
    )


def _answer_cells(campaign_id: int) -> Select[Any]:
    """Each answer's own columns and its id, in no order (``_in_id_order`` sorts them)."""
    return select(
        Answer.id.label(_ANSWER_ID),
        Answer.respondent_id.label(PERSON),
        Answer.question,
        Answer.kind,
        Answer.level,
        Answer.na,
        Answer.text,
        Answer.answered_at,
        Answer.channel,
    ).where(*answer_filter(campaign_id))


def _in_id_order(rows: pd.DataFrame) -> pd.DataFrame:
    """``_answer_cells``' rows oldest first, their ids dropped."""
    ids = rows.pop(_ANSWER_ID)
    if ids.is_monotonic_increasing:
        return rows
    return rows.take(np.argsort(ids.to_numpy(), kind="stable")).reset_index(drop=True)


def _persons(rows: pd.DataFrame) -> list[int]:
    """The respondents the answers name, once each."""
    return [int(person) for person in pd.unique(rows[PERSON])]


def _people_in_json(campaign_id: int, ids: list[int]) -> Select[Any]:
    """``_people`` of the respondents ``ids``, passed as one JSON array (SQLite limits a
    statement's parameters; finding who answered among a million rows costs more)."""
    listed = func.json_each(json.dumps(ids)).table_valued("value")
    return _people(campaign_id).where(Respondent.id.in_(select(listed.c.value)))
