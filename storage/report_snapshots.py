"""Each campaign's last built report, kept in the database (``ReportSnapshot``): read by the
dashboard when its memory has none, replaced whenever a newer build is stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ReportSnapshot


async def stored_fingerprint(session: AsyncSession, campaign_id: int) -> str | None:
    """The fingerprint of the campaign's kept snapshot, without reading its payload."""
    fingerprint: str | None = await session.scalar(
        select(ReportSnapshot.fingerprint).where(ReportSnapshot.campaign_id == campaign_id)
    )
    return fingerprint


async def stored_snapshot(session: AsyncSession, campaign_id: int) -> ReportSnapshot | None:
    return await session.get(ReportSnapshot, campaign_id)


async def store_snapshot(
    session: AsyncSession, campaign_id: int, fingerprint: str, built_at: datetime, payload: bytes
) -> None:
    """Keep this build as the campaign's snapshot, replacing the one before (of two processes
    storing at once the last wins: both built from committed data)."""
    dialect = session.bind.dialect.name if session.bind is not None else "sqlite"
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    values = {"fingerprint": fingerprint, "built_at": built_at, "payload": payload}
    statement = insert(ReportSnapshot).values(campaign_id=campaign_id, **values)
    await session.execute(
        statement.on_conflict_do_update(index_elements=["campaign_id"], set_=values)
    )
