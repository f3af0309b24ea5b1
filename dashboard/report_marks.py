"""What a campaign's report is built from, cheaply read: its status and targets, its answers
(count, last id, last change, voided) and invitations by state, and the same of its previous
campaign; digested with the code that builds and draws reports, so a report kept by an
earlier release is built anew rather than shown (dashboard/report_cache.py)."""

from __future__ import annotations

import hashlib
import json
import platform
from functools import cache
from pathlib import Path
from typing import Any, Final

import pandas as pd
from sqlalchemy import case, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.campaigns import previous_campaign
from storage.models import Answer, Campaign, Invitation

# The packages whose code decides what a report and its charts are.
BUILDERS: Final = ("scoring", "campaigns", "dashboard", "survey")


async def _answers_mark(session: AsyncSession, campaign_id: int) -> tuple[Any, ...]:
    row = (
        await session.execute(
            select(
                func.count(Answer.id),
                func.max(Answer.id),
                func.max(Answer.changed_at),
                func.sum(case((Answer.void, 1), else_=0)),
            ).where(Answer.campaign_id == campaign_id)
        )
    ).one()
    return tuple(str(value) for value in row)


async def _invitations_mark(session: AsyncSession, campaign_id: int) -> tuple[Any, ...]:
    rows = await session.execute(
        select(Invitation.state, func.count(), func.max(Invitation.completed_at))
        .where(Invitation.campaign_id == campaign_id)
        .group_by(Invitation.state)
        .order_by(Invitation.state)
    )
    return tuple((str(state), count, str(last)) for state, count, last in rows.all())


async def fingerprint(session: AsyncSession, campaign: Campaign) -> tuple[Any, ...]:
    """What the campaign's report depends on, cheaply read."""
    before = await previous_campaign(session, campaign)
    previous: tuple[Any, ...] = ()
    if before is not None:
        previous = (
            before.id,
            await _answers_mark(session, before.id),
            await _invitations_mark(session, before.id),
        )
    return (
        campaign.status,
        json.dumps(campaign.targets, sort_keys=True, default=str),
        campaign.survey_id,
        await _answers_mark(session, campaign.id),
        await _invitations_mark(session, campaign.id),
        previous,
    )


@cache
def code_digest() -> str:
    """A digest of the builders' source, pandas' version and Python's."""
    root = Path(__file__).resolve().parent.parent
    digest = hashlib.sha256(f"{pd.__version__} {platform.python_version()}".encode())
    for package in BUILDERS:
        for path in sorted((root / package).rglob("*.py")):
            digest.update(path.relative_to(root).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


async def campaign_mark(session: AsyncSession, campaign: Campaign) -> str:
    """The campaign's ``fingerprint`` with the code's digest, in 64 hex digits."""
    data = await fingerprint(session, campaign)
    return hashlib.sha256(f"{code_digest()} {data!r}".encode()).hexdigest()
