"""Answers and invitations of a campaign as pandas DataFrames, the input of scoring/."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from sqlalchemy import ColumnElement, Connection, Select, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

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
    """One row per answer with the columns of SPEC §7's export plus customer weight and class."""
    return tidy_answers(await _raw_frame(session, answers_query(campaign_id)))


def tidy_answers(frame: pd.DataFrame) -> pd.DataFrame:
    """Raw answer rows typed as scoring/ takes them: factor and item split off the question."""
    likert = frame["kind"].isin(columns.FACTOR_KINDS)
    parts = frame["question"].astype(str).str.split(".", n=1, expand=True)
    none = pd.Series(None, index=frame.index, dtype=object)
    # An empty campaign splits into no columns at all.
    frame["factor"] = (parts[0] if parts.shape[1] > 0 else none).where(likert)
    frame["item"] = (parts[1] if parts.shape[1] > 1 else none).where(likert)
    frame["level"] = frame["level"].astype("Int64")
    frame["na"] = frame["na"].astype(bool)
    frame["customer_weight"] = frame["customer_weight"].astype(float)
    frame["answered_at"] = pd.to_datetime(frame["answered_at"], utc=True, format="ISO8601")
    return frame[ANSWER_COLUMNS]


async def invitations_frame(session: AsyncSession, campaign_id: int) -> pd.DataFrame:
    """One row per invitation: who was invited, and whether they started and completed."""
    statement = (
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
    frame = await _raw_frame(session, statement)
    for column in ("started_at", "completed_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    return frame[INVITATION_COLUMNS]
