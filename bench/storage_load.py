"""Put a generated campaign into a real database and time loading it back for scoring."""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.engine import create_engine, create_sessionmaker
from storage.frames import answers_frame, invitations_frame
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


async def load_seconds(
    url: str, survey: Survey, campaigns: list[tuple[str, pd.DataFrame, pd.DataFrame]]
) -> tuple[float, float]:
    """(seconds to store, seconds to load every campaign's answers and invitations back)."""
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
    await engine.dispose()
    return t1 - t0, t2 - t1
