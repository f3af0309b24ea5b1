"""Answers and invitations of a campaign as pandas DataFrames, the input of scoring/."""

from __future__ import annotations

from typing import Any

import pandas as pd
from sqlalchemy import Select, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage import copy_frames
from storage.answer_reads import (
    PERSON,
    answer_filter,
    people_and_cells,
    raw_frame,
    respondent_columns,
)
from storage.models import Answer, Campaign, Customer, Invitation, Respondent, SurveyRow
from survey import columns

# Lists, as pandas and the tests compare them; the columns themselves are survey.columns'.
ANSWER_COLUMNS = list(columns.ANSWER_COLUMNS)
INVITATION_COLUMNS = list(columns.INVITATION_COLUMNS)
SCORED_KINDS = columns.SCORED_KINDS
__all__ = ["answer_filter"]  # also storage.frames', where the exports and tests take it


def answers_query(campaign_id: int) -> Select[Any]:
    """The answers of ``answers_frame`` as stored, oldest first (factor and item to come)."""
    return (
        select(
            *respondent_columns(),
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


async def answers_frame(session: AsyncSession, campaign_id: int) -> pd.DataFrame:
    """One row per answer with the columns of SPEC §7's export plus customer weight and class.

    The same frame as ``tidy_answers`` of ``answers_query``'s rows, read in less time: each
    respondent's ten columns are read once and repeated by pandas (``take``), and a question
    is split into factor and item once, so the database hands over 8 cells per answer, not 19.
    They are read as ``storage.answer_reads`` finds fastest on each database.
    """
    people, rows = await people_and_cells(session, campaign_id)
    at = pd.Index(people.pop(PERSON)).get_indexer(rows.pop(PERSON))
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
        async with copy_frames.Reads(connection) as reads:
            return (await reads.copied(invitations_query(campaign_id)))[INVITATION_COLUMNS]
    frame = await raw_frame(session, invitations_query(campaign_id))
    for column in ("started_at", "completed_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    return frame[INVITATION_COLUMNS]
