"""Put a generated campaign into a real database and time loading it back for scoring."""

from __future__ import annotations

import sqlite3
import time
from dataclasses import dataclass
from typing import Any

import asyncpg  # type: ignore[import-untyped]
import numpy as np
import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from storage.engine import create_engine, create_sessionmaker
from storage.frames import answers_frame, answers_query, invitations_frame, invitations_query
from storage.migrate import upgrade_async
from storage.models import Answer, Campaign, Customer, Invitation, Respondent
from storage.surveys import save_survey
from storage.types import utcnow
from survey.schema import Survey

CHUNK = 50_000


async def _bulk(session: AsyncSession, table: Any, rows: list[dict[str, Any]]) -> None:
    for start in range(0, len(rows), CHUNK):
        await session.execute(insert(table), rows[start : start + CHUNK])


def _records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    return frame.astype(object).where(frame.notna(), None).to_dict("records")  # type: ignore[no-any-return]


async def store(
    session: AsyncSession,
    survey: Survey,
    answers: pd.DataFrame,
    invitations: pd.DataFrame,
    campaign_key: str,
) -> int:
    """Insert one campaign's people, invitations and answers; returns the campaign id."""
    survey_row, _ = await save_survey(session, survey)
    customers = answers.drop_duplicates("customer_id")
    known = set(await session.scalars(select(Customer.external_id)))
    new_customers = customers[~customers["customer_id"].isin(known)]
    await _bulk(
        session,
        Customer.__table__,
        _records(
            pd.DataFrame(
                {
                    "external_id": new_customers["customer_id"],
                    "name": new_customers["customer_name"],
                    "customer_class": new_customers["customer_class"],
                    "weight": new_customers["customer_weight"],
                    "business_unit": new_customers["business_unit"],
                }
            )
        ),
    )
    customer_ids = dict((await session.execute(select(Customer.external_id, Customer.id))).all())
    people = invitations.merge(
        answers.drop_duplicates("respondent_id")[["respondent_id", "role"]],
        on="respondent_id",
        how="left",
    )
    await _bulk(
        session,
        Respondent.__table__,
        _records(
            pd.DataFrame(
                {
                    "external_id": people["respondent_id"],
                    "customer_id": people["customer_id"].map(customer_ids),
                    "role": people["role"].fillna("user"),
                    "language": "en",
                }
            )
        ),
    )
    respondent_ids = dict(
        (await session.execute(select(Respondent.external_id, Respondent.id))).all()
    )
    campaign = Campaign(
        key=campaign_key,
        survey_id=survey_row.id,
        status="closed",
        opens_at=answers["answered_at"].min().to_pydatetime(),
        targets={},
    )
    session.add(campaign)
    await session.flush()
    await _bulk(
        session,
        Invitation.__table__,
        _records(
            pd.DataFrame(
                {
                    "campaign_id": campaign.id,
                    "respondent_id": people["respondent_id"].map(respondent_ids),
                    "token": [f"{campaign_key}-{n}" for n in range(len(people))],
                    "state": people["state"],
                    "started_at": people["started_at"],
                    "completed_at": people["completed_at"],
                    "created_at": utcnow(),
                    "reminder_count": 0,
                    "callback_check": False,
                }
            )
        ),
    )
    await _bulk(
        session,
        Answer.__table__,
        _records(
            pd.DataFrame(
                {
                    "campaign_id": campaign.id,
                    "respondent_id": answers["respondent_id"].map(respondent_ids),
                    "question": answers["question"],
                    "kind": answers["kind"],
                    "level": answers["level"],
                    "na": answers["na"],
                    "causes": [[]] * len(answers),
                    "channel": "telegram",
                    "answered_at": answers["answered_at"],
                }
            )
        ),
    )
    return campaign.id


@dataclass(frozen=True)
class LoadTimes:
    """Seconds to store the campaigns, to load their frames back (``answers_frame`` and
    ``invitations_frame``), and the floor: the same queries' rows read raw through the
    driver (sqlite3's ``fetchall``, asyncpg's ``fetch``), no frame made."""

    store: float
    load: float
    raw_read: float


async def load_seconds(
    url: str, survey: Survey, campaigns: list[tuple[str, pd.DataFrame, pd.DataFrame]]
) -> LoadTimes:
    """Store the campaigns in the database at ``url``, then time reading them back."""
    await upgrade_async(url)
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    t0 = time.perf_counter()
    ids = []
    for key, answers, invitations in campaigns:
        async with sessions() as session, session.begin():
            ids.append(await store(session, survey, answers, invitations, key))
    t1 = time.perf_counter()
    async with sessions() as session:
        for campaign_id in ids:
            frame = await answers_frame(session, campaign_id)
            await invitations_frame(session, campaign_id)
            assert len(frame) > 0 and np.isfinite(len(frame))
    t2 = time.perf_counter()
    raw = await raw_read_seconds(engine, ids)
    await engine.dispose()
    return LoadTimes(t1 - t0, t2 - t1, raw)


def _floor_sqls(engine: AsyncEngine, campaign_ids: list[int]) -> list[str]:
    """Every campaign's answers and invitations queries as SQL text, values inlined."""
    statements = [q(i) for i in campaign_ids for q in (answers_query, invitations_query)]
    return [
        str(s.compile(dialect=engine.dialect, compile_kwargs={"literal_binds": True}))
        for s in statements
    ]


def _asyncpg_url(engine: AsyncEngine) -> str:
    return engine.url.set(drivername="postgresql").render_as_string(hide_password=False)


async def raw_read_seconds(engine: AsyncEngine, campaign_ids: list[int]) -> float:
    """Seconds to fetch the rows of every campaign's answers and invitations queries through
    the driver on its own: the floor of loading them."""
    sqls = _floor_sqls(engine, campaign_ids)
    url = engine.url
    if url.get_backend_name() == "sqlite":
        connection = sqlite3.connect(str(url.database))
        try:
            start = time.perf_counter()
            for sql in sqls:
                connection.execute(sql).fetchall()
            return time.perf_counter() - start
        finally:
            connection.close()
    connection = await asyncpg.connect(_asyncpg_url(engine))
    try:
        start = time.perf_counter()
        for sql in sqls:
            await connection.fetch(sql)
        return time.perf_counter() - start
    finally:
        await connection.close()


async def raw_copy_seconds(engine: AsyncEngine, campaign_ids: list[int]) -> float:
    """Seconds for PostgreSQL to write the same queries' rows as CSV (``COPY (query) TO
    STDOUT``), received and dropped by asyncpg: the other floor the issue names."""
    sqls = _floor_sqls(engine, campaign_ids)
    connection = await asyncpg.connect(_asyncpg_url(engine))

    async def drop(chunk: bytes) -> None:
        del chunk

    try:
        start = time.perf_counter()
        for sql in sqls:
            await connection.copy_from_query(sql, output=drop, format="csv")
        return time.perf_counter() - start
    finally:
        await connection.close()
