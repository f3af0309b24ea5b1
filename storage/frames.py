"""Answers and invitations of a campaign as pandas DataFrames, the input of scoring/."""

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
    literal,
    select,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from storage import copy_frames
from storage.models import Answer, Campaign, Customer, Invitation, Respondent, SurveyRow
from survey import columns

# Lists, as pandas and the tests compare them; the columns themselves are survey.columns'.
ANSWER_COLUMNS = list(columns.ANSWER_COLUMNS)
INVITATION_COLUMNS = list(columns.INVITATION_COLUMNS)
SCORED_KINDS = columns.SCORED_KINDS


def answer_filter(campaign_id: int) -> list[ColumnElement[bool]]:
    """Which answers a campaign's figures and exports are made of."""
    return [
        Answer.campaign_id == campaign_id,
        Answer.kind.in_(SCORED_KINDS),
        Answer.void.is_(False),
    ]


def answers_query(campaign_id: int) -> Select[Any]:
    """The answers of ``answers_frame`` as stored, oldest first (factor and item to come)."""
    return (
        select(
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
            Answer.question,
            literal(None).label("factor"),
            literal(None).label("item"),
            Answer.kind,
            Answer.level,
            Answer.na,
            Answer.text,
            Answer.answered_at,
            Answer.channel,
        )
        .select_from(Answer)
        .join(Campaign, Campaign.id == Answer.campaign_id)
        .join(SurveyRow, SurveyRow.id == Campaign.survey_id)
        .join(Respondent, Respondent.id == Answer.respondent_id)
        .join(Customer, Customer.id == Respondent.customer_id)
        .where(*answer_filter(campaign_id))
        .order_by(Answer.id)
    )


async def _raw_frame(session: AsyncSession, statement: Select[Any]) -> pd.DataFrame:
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


async def answers_frame(session: AsyncSession, campaign_id: int) -> pd.DataFrame:
    """One row per answer with the columns of SPEC §7's export plus customer weight and class.

    The same frame as ``tidy_answers`` of ``answers_query``'s rows, read in less time: each
    respondent's ten columns are read once and repeated by pandas (``take``), and a question
    is split into factor and item once, so the database hands over 8 cells per answer, not 19.
    The answers are read first, unsorted, then the people they name, by id. PostgreSQL hands
    the cells over through COPY (``storage.copy_frames``), in one snapshot.
    """
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        people, rows = await _copied_people_and_cells(connection, campaign_id)
    else:
        rows = _in_id_order(await _raw_frame(session, _unsorted_cells(campaign_id)))
        people = await _raw_frame(session, _people_in_json(campaign_id, _persons(rows)))
    at = pd.Index(people.pop(_PERSON)).get_indexer(rows.pop(_PERSON))
    frame = pd.DataFrame({name: people[name].take(at).reset_index(drop=True) for name in people})
    for name in rows:
        frame[name] = rows[name]
    questions, uniques = pd.factorize(frame["question"])
    split = _factor_and_item(pd.Series(uniques, dtype=frame["question"].dtype))
    # The kind is tested once per distinct kind, not per answer (a handful of values).
    kinds, kind_values = pd.factorize(frame["kind"])
    per_kind = pd.Index(kind_values).isin(list(columns.FACTOR_KINDS))
    likert = per_kind[kinds] & (kinds >= 0)  # a missing kind (code -1) is not a factor's
    for name in ("factor", "item"):
        frame[name] = split[name].take(questions).reset_index(drop=True).where(likert)
    return _typed(frame)[ANSWER_COLUMNS]


_PERSON = "person"  # the respondent's database id, which joins the two reads


def _people(campaign: int | BindParameter[int]) -> Select[Any]:
    """The answers' respondent columns (campaign to language), of the people a caller names."""
    return (
        select(
            Respondent.id.label(_PERSON),
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
        )
        .select_from(Respondent)
        .join(Customer, Customer.id == Respondent.customer_id)
        .join(Campaign, Campaign.id == campaign)
        .join(SurveyRow, SurveyRow.id == Campaign.survey_id)
    )


def _answer_cells(campaign_id: int) -> Select[Any]:
    """Each answer's own columns, oldest first."""
    return (
        select(
            Answer.respondent_id.label(_PERSON),
            Answer.question,
            Answer.kind,
            Answer.level,
            Answer.na,
            Answer.text,
            Answer.answered_at,
            Answer.channel,
        )
        .where(*answer_filter(campaign_id))
        .order_by(Answer.id)
    )


async def _copied_people_and_cells(
    connection: AsyncConnection, campaign_id: int
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """PostgreSQL's answers (``_unsorted_cells``) through COPY and the people they name, in
    one snapshot."""
    driver = await copy_frames.driver_connection(connection)
    async with copy_frames.Reads(connection, driver) as reads:
        rows = _in_id_order(await reads.copied(_unsorted_cells(campaign_id)))
        ids = bindparam("ids", type_=ARRAY(Integer))
        named = _people(bindparam("campaign", type_=Integer)).where(Respondent.id == any_(ids))
        people = await reads.records(named, campaign=campaign_id, ids=_persons(rows))
    return people, rows


def _unsorted_cells(campaign_id: int) -> Select[Any]:
    """``_answer_cells`` with their ids, in no order: a database sorts a million rows on disk
    (PostgreSQL) or in a temporary B-tree (SQLite) slower than ``_in_id_order`` does."""
    return _answer_cells(campaign_id).order_by(None).add_columns(Answer.id.label(_ANSWER_ID))


def _in_id_order(rows: pd.DataFrame) -> pd.DataFrame:
    """``_unsorted_cells``' rows oldest first, their ids dropped."""
    ids = rows.pop(_ANSWER_ID)
    if ids.is_monotonic_increasing:
        return rows
    return rows.take(np.argsort(ids.to_numpy(), kind="stable")).reset_index(drop=True)


def _persons(rows: pd.DataFrame) -> list[int]:
    """The respondents the answers name, once each."""
    return [int(person) for person in pd.unique(rows[_PERSON])]


def _people_in_json(campaign_id: int, ids: list[int]) -> Select[Any]:
    """``_people`` of the respondents ``ids``, passed as one JSON array (SQLite limits a
    statement's parameters; finding who answered among a million rows costs more)."""
    listed = func.json_each(json.dumps(ids)).table_valued("value")
    return _people(campaign_id).where(Respondent.id.in_(select(listed.c.value)))


_ANSWER_ID = "answer_id"


def _factor_and_item(questions: pd.Series) -> pd.DataFrame:
    """A question's factor (before the first dot) and item (after it, if any)."""
    parts = questions.astype(str).str.split(".", n=1, expand=True)
    none = pd.Series(None, index=questions.index, dtype=object)
    # No question at all splits into no columns; no dotted one, into one.
    return pd.DataFrame(
        {
            "factor": parts[0] if parts.shape[1] > 0 else none,
            "item": parts[1] if parts.shape[1] > 1 else none,
        }
    )


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    frame["level"] = frame["level"].astype("Int64")
    frame["na"] = frame["na"].astype(bool)
    frame["customer_weight"] = frame["customer_weight"].astype(float)
    frame["answered_at"] = pd.to_datetime(frame["answered_at"], utc=True, format="ISO8601")
    return frame


def tidy_answers(frame: pd.DataFrame) -> pd.DataFrame:
    """Raw answer rows typed as scoring/ takes them: factor and item split off the question."""
    likert = frame["kind"].isin(columns.FACTOR_KINDS)
    split = _factor_and_item(frame["question"])
    frame["factor"] = split["factor"].where(likert)
    frame["item"] = split["item"].where(likert)
    return _typed(frame)[ANSWER_COLUMNS]


def invitations_query(campaign_id: int) -> Select[Any]:
    """The invitations of ``invitations_frame`` as stored, oldest first."""
    return (
        select(
            Campaign.key.label("campaign"),
            Respondent.external_id.label("respondent_id"),
            Customer.external_id.label("customer_id"),
            Invitation.state,
            Invitation.started_at,
            Invitation.completed_at,
        )
        .select_from(Invitation)
        .join(Campaign, Campaign.id == Invitation.campaign_id)
        .join(Respondent, Respondent.id == Invitation.respondent_id)
        .join(Customer, Customer.id == Respondent.customer_id)
        .where(Invitation.campaign_id == campaign_id)
        .order_by(Invitation.id)
    )


async def invitations_frame(session: AsyncSession, campaign_id: int) -> pd.DataFrame:
    """One row per invitation: who was invited, and whether they started and completed."""
    connection = await session.connection()
    if connection.dialect.name == "postgresql":
        driver = await copy_frames.driver_connection(connection)
        async with copy_frames.Reads(connection, driver) as reads:
            return (await reads.copied(invitations_query(campaign_id)))[INVITATION_COLUMNS]
    frame = await _raw_frame(session, invitations_query(campaign_id))
    for column in ("started_at", "completed_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    return frame[INVITATION_COLUMNS]
