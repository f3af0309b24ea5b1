"""Read queries for exports: a campaign's corrective-action tickets as one flat table, and the
streaming reads of the answers and tickets exports (``storage.snapshots``).

A streamed answers export reads each respondent's columns once (``answer_people``) and, per
answer, its question and kind plus the rest of the row already encoded by SQL
(``answer_cells_query``, ``storage.export_cells``); the XLSX exports read typed frames a chunk
at a time (``answer_frames``, ``ticket_frames``), converted exactly as the whole frames are.
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Collection, Sequence
from typing import Any, Final

import pandas as pd
from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.export_cells import (
    TextFormat,
    csv_code,
    csv_field,
    csv_number,
    flag,
    formatted,
    iso_utc,
    json_code,
    json_number,
    json_text,
    json_time,
)
from storage.frames import answer_filter, answers_query, tidy_answers
from storage.models import Answer, Campaign, Customer, Respondent, SurveyRow, Ticket
from storage.snapshots import CHUNK, Snapshot
from survey.columns import ANSWER_COLUMNS

TICKET_COLUMNS: Final = (
    "id", "campaign", "customer_id", "customer_name", "customer_class", "respondent_id",
    "role", "question", "score", "causes", "comment", "severity", "kind", "department",
    "owner", "status", "plan", "plan_due_at", "due_at", "created_at", "acknowledged_at",
    "closed_at", "callback_report",
)  # fmt: skip
_TIMES: Final = ("plan_due_at", "due_at", "created_at", "acknowledged_at", "closed_at")
#: An answers row: the respondent's columns (``answer_people``), the question's, the rest.
PERSON_COLUMNS: Final = ANSWER_COLUMNS[:10]
QUESTION_COLUMNS: Final = ANSWER_COLUMNS[10:14]
REST_COLUMNS: Final = ANSWER_COLUMNS[14:]
# Respondents looked up per statement: a bounded IN list on both databases.
PEOPLE_PER_QUERY: Final = 1000


def _tickets_query(campaign_id: int) -> Select[Any]:
    return (
        select(
            Ticket.id,
            Campaign.key.label("campaign"),
            Customer.external_id.label("customer_id"),
            Customer.name.label("customer_name"),
            Customer.customer_class,
            Respondent.external_id.label("respondent_id"),
            Respondent.role,
            Ticket.question,
            Ticket.score,
            Ticket.causes,
            Ticket.comment,
            Ticket.severity,
            Ticket.kind,
            Ticket.department,
            Ticket.owner,
            Ticket.status,
            Ticket.plan,
            Ticket.plan_due_at,
            Ticket.due_at,
            Ticket.created_at,
            Ticket.acknowledged_at,
            Ticket.closed_at,
            Ticket.callback_report,
        )
        .join(Campaign, Campaign.id == Ticket.campaign_id)
        .join(Customer, Customer.id == Ticket.customer_id)
        .join(Respondent, Respondent.id == Ticket.respondent_id)
        .where(Ticket.campaign_id == campaign_id)
        .order_by(Ticket.id)
    )


async def tickets_frame(session: AsyncSession, campaign_id: int) -> pd.DataFrame:
    """One row per ticket of the campaign, oldest first (columns ``TICKET_COLUMNS``).

    ``causes`` is the list of chosen attribute keys; times are aware UTC timestamps.
    """
    rows = await session.execute(_tickets_query(campaign_id))
    return _tidy_tickets([tuple(r) for r in rows.all()])


def _tidy_tickets(rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records([tuple(r) for r in rows], columns=list(TICKET_COLUMNS))
    # Read past the ORM (a snapshot's driver rows), the JSON list is still its text.
    frame["causes"] = [json.loads(c) if isinstance(c, str) else c for c in frame["causes"]]
    frame["score"] = frame["score"].astype("Int64")
    frame["severity"] = frame["severity"].astype(float)
    for column in _TIMES:
        frame[column] = pd.to_datetime(frame[column], utc=True, format="ISO8601")
    return frame


async def ticket_frames(snap: Snapshot, campaign_id: int) -> AsyncIterator[pd.DataFrame]:
    """The tickets frame of ``tickets_frame``, a chunk of rows at a time (at least one
    frame, empty for a campaign without tickets, so its columns are known)."""
    empty = True
    async for rows in snap.chunks(_tickets_query(campaign_id)):
        empty = False
        yield _tidy_tickets(rows)
    if empty:
        yield _tidy_tickets([])


async def ticket_count(snap: Snapshot, campaign_id: int) -> int:
    query = select(func.count()).select_from(Ticket).where(Ticket.campaign_id == campaign_id)
    return int((await snap.all(query))[0][0])


async def answer_frames(
    snap: Snapshot, campaign_id: int, chunk: int = CHUNK
) -> AsyncIterator[pd.DataFrame]:
    """``storage.frames.answers_frame``, ``chunk`` rows at a time (at least one frame)."""
    empty = True
    async for rows in snap.chunks(answers_query(campaign_id), chunk):
        empty = False
        yield _answers(rows)
    if empty:
        yield _answers([])


def _answers(rows: Sequence[Sequence[Any]]) -> pd.DataFrame:
    records = [tuple(r) for r in rows]  # PostgreSQL's records are no tuples
    return tidy_answers(pd.DataFrame.from_records(records, columns=list(ANSWER_COLUMNS)))


async def answer_count(snap: Snapshot, campaign_id: int) -> int:
    query = select(func.count()).select_from(Answer).where(*answer_filter(campaign_id))
    return int((await snap.all(query))[0][0])


def answer_cells_query(campaign_id: int, fmt: TextFormat) -> Select[Any]:
    """Per answer of the export: the respondent's id, the question, the kind, and the rest of
    the row (``REST_COLUMNS``) as encoded text, ending the row's JSON object for JSON."""
    if fmt is TextFormat.CSV:
        template = ",".join(["%s"] * len(REST_COLUMNS))
        cells = [
            csv_number(Answer.level),
            flag(Answer.na),
            csv_field(Answer.text),
            iso_utc(Answer.answered_at),  # NULL: an empty field, as a missing time is
            csv_code(Answer.channel),
        ]
    else:
        template = ", ".join(f'"{name}": %s' for name in REST_COLUMNS) + "}"
        cells = [
            json_number(Answer.level),
            flag(Answer.na),
            json_text(Answer.text),
            json_time(Answer.answered_at),
            json_code(Answer.channel),
        ]
    rest = formatted(template, cells)
    return (
        select(Answer.respondent_id, Answer.question, Answer.kind, rest)
        .where(*answer_filter(campaign_id))
        .order_by(Answer.id)
    )


async def campaign_heading(snap: Snapshot, campaign_id: int) -> tuple[str, str]:
    """The campaign's key and its survey's key: the first two columns of every answer."""
    query = (
        select(Campaign.key, SurveyRow.key)
        .join(SurveyRow, SurveyRow.id == Campaign.survey_id)
        .where(Campaign.id == campaign_id)
    )
    key, survey = (await snap.all(query))[0]
    return str(key), str(survey)


def _people_query() -> Select[Any]:
    return select(
        Respondent.id,
        Customer.external_id,
        Customer.name,
        Customer.customer_class,
        Customer.weight,
        Customer.business_unit,
        Respondent.external_id,
        Respondent.role,
        Respondent.language,
    ).join(Customer, Customer.id == Respondent.customer_id)


async def answer_people(snap: Snapshot, ids: Collection[int]) -> list[Sequence[Any]]:
    """Per respondent id: the id and the answers' respondent columns from customer_id to
    language (``PERSON_COLUMNS`` after campaign and survey), as stored."""
    found: list[Sequence[Any]] = []
    wanted = sorted(ids)
    for start in range(0, len(wanted), PEOPLE_PER_QUERY):
        chunk = wanted[start : start + PEOPLE_PER_QUERY]
        found.extend(await snap.all(_people_query().where(Respondent.id.in_(chunk))))
    return found


async def campaign_people(snap: Snapshot, campaign_id: int, limit: int) -> list[Sequence[Any]]:
    """``answer_people`` of everyone who answered in the campaign, in one query; at most
    ``limit`` of them (more rows than asked for say there are more)."""
    answered = select(Answer.respondent_id).where(*answer_filter(campaign_id))
    return await snap.all(_people_query().where(Respondent.id.in_(answered)).limit(limit))
