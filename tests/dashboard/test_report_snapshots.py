"""Built reports are kept in the database (dashboard/report_cache.py, report_store.py): a
cache of another process, or after a restart, reads the snapshot instead of building; a
snapshot sealed under another secret, or altered, is built anew; a view waits ``wait``
seconds for a build, then shows the last report built, said to be older, over real HTTP."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.reports import load_campaign_report
from cli.hosting import AppServer
from dashboard.report_cache import ReportCache
from dashboard.report_store import ReportSeal
from storage.engine import create_engine, create_sessionmaker, transaction
from storage.migrate import upgrade_async
from storage.models import Campaign, Invitation, ReportSnapshot
from survey.settings import Settings
from survey.vocabulary import ApiKeyRole, InvitationState
from tests.dashboard.dashing import make_key, sign_in
from tests.dashboard.seeding import CURRENT, seed_dashboard
from tests.support import free_port, respond

SECRET = SecretStr("snapshot-test-secret")
LONG = 120.0  # seconds a cache waits for a build where the test needs the built report


@dataclass(frozen=True)
class Db:
    url: str
    sessions: async_sessionmaker[AsyncSession]


@pytest.fixture
async def db(tmp_path: Path) -> AsyncIterator[Db]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'csat.db'}"
    await upgrade_async(url)
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    await seed_dashboard(sessions)
    try:
        yield Db(url, sessions)
    finally:
        await engine.dispose()


async def _campaign(sessions: async_sessionmaker[AsyncSession]) -> Campaign:
    async with sessions() as session:
        campaign = await session.scalar(select(Campaign).where(Campaign.key == CURRENT))
    assert campaign is not None
    return campaign


async def _view(cache: ReportCache, db: Db, campaign: Campaign) -> tuple[bool, int] | None:
    """One view's report: whether fresh, and how many answers it counts; None while the
    first one is being prepared."""
    async with transaction(db.sessions) as session:
        built = await cache.report(session, db.sessions, campaign)
    return None if built is None else (built.fresh, built.report.summary.n_answers)


async def _answer_one_more(sessions: async_sessionmaker[AsyncSession], campaign: Campaign) -> None:
    async with sessions() as session:
        token = await session.scalar(
            select(Invitation.token).where(
                Invitation.campaign_id == campaign.id,
                Invitation.state != InvitationState.COMPLETED,
            )
        )
    assert token is not None
    await respond(sessions, token, {"GI": 1, "TS.needs": 1}, nps=0)


async def test_another_cache_reads_the_snapshot_with_its_charts(db: Db) -> None:
    campaign = await _campaign(db.sessions)
    first = ReportCache(ReportSeal(SECRET), wait=LONG)
    assert await _view(first, db, campaign) == (True, await _expected(db))
    async with transaction(db.sessions) as session:
        built = await first.report(session, db.sessions, campaign)
    assert built is not None
    drawn = first.derived(db.sessions, campaign.id, built.report, "chart", lambda: "<svg/>")
    await first.settled()
    assert (first.builds, first.restored, first.made, drawn) == (1, 0, 1, "<svg/>")

    # Another process (or this one restarted) with the same secret: nothing is built or drawn.
    second = ReportCache(ReportSeal(SECRET), wait=LONG)
    async with transaction(db.sessions) as session:
        again = await second.report(session, db.sessions, campaign)
    assert again is not None and again.fresh and again.built_at == built.built_at
    assert again.report.to_json() == built.report.to_json()
    assert second.derived(db.sessions, campaign.id, again.report, "chart", lambda: "new") == (
        "<svg/>"
    )
    assert (second.builds, second.restored, second.made) == (0, 1, 0)


async def _expected(db: Db) -> int:
    """The answers the report of ``GET /campaigns/{key}/report`` counts now."""
    async with db.sessions() as session:
        report = await load_campaign_report(session, CURRENT)
    return report.summary.n_answers


async def test_a_snapshot_sealed_elsewhere_or_altered_is_built_anew(db: Db) -> None:
    campaign = await _campaign(db.sessions)
    first = ReportCache(ReportSeal(SECRET), wait=LONG)
    await _view(first, db, campaign)
    await first.settled()
    other = ReportCache(ReportSeal(SecretStr("another deployment")), wait=LONG)
    await _view(other, db, campaign)
    await other.settled()
    assert (other.builds, other.restored) == (1, 0)

    # The snapshot is now sealed under "another deployment"; flip one byte of its body.
    async with transaction(db.sessions) as session:
        payload = await session.scalar(select(ReportSnapshot.payload))
        assert payload is not None
        altered = payload[:-1] + bytes([payload[-1] ^ 1])
        await session.execute(update(ReportSnapshot).values(payload=altered))
    third = ReportCache(ReportSeal(SecretStr("another deployment")), wait=LONG)
    await _view(third, db, campaign)
    await third.settled()
    assert (third.builds, third.restored) == (1, 0)
    assert ReportSeal(SECRET).open(altered) is None
    assert ReportSeal(SecretStr("another deployment")).open(altered) is None


async def test_a_view_waits_for_a_build_then_shows_the_older_report(db: Db) -> None:
    campaign = await _campaign(db.sessions)
    cache = ReportCache(ReportSeal(SECRET), wait=0)
    assert await _view(cache, db, campaign) is None  # never built: being prepared
    await cache.settled()
    viewed = await _view(cache, db, campaign)
    assert viewed is not None and viewed[0]
    before = viewed[1]
    await _answer_one_more(db.sessions, campaign)
    # Waits 0 s for the new build: the older report, said to be older.
    assert await _view(cache, db, campaign) == (False, before)
    await cache.settled()
    # The two 1s count now, as in the report of the admin API.
    assert await _view(cache, db, campaign) == (True, before + 2)
    assert before + 2 == await _expected(db)
    assert cache.builds == 2


async def test_the_campaign_page_says_its_figures_are_older(db: Db) -> None:
    """Over HTTP, with ``dashboard_report_wait`` 0: the page after a new answer shows the
    report before it with a notice; once the build is done the notice is gone."""
    campaign = await _campaign(db.sessions)
    viewer = await make_key(db.sessions, ApiKeyRole.VIEWER)
    settings = Settings(
        database_url=db.url,
        port=free_port(),
        secret_key=SECRET,
        dashboard_report_wait=0,
        _env_file=None,  # type: ignore[call-arg]
    )
    server = AppServer(settings)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            await sign_in(http, viewer.secret)
            page = f"/dashboard/campaigns/{CURRENT}"
            listed = await http.get("/dashboard", params={"lang": "en"})
            assert listed.text.count("Report being prepared…") == 2  # both campaigns
            preparing = await http.get(page, params={"lang": "en"})
            assert preparing.status_code == 200 and 'id="report-preparing"' in preparing.text
            assert '<meta http-equiv="refresh" content="3">' in preparing.text
            first = await _until_gone(http, page, "report-preparing")
            assert "Satisfaction rate" in first.text
            assert 'id="report-updating"' not in first.text
            await _answer_one_more(db.sessions, campaign)
            older = await http.get(page, params={"lang": "en"})
            assert older.status_code == 200
            assert 'id="report-updating"' in older.text
            assert "newer answers are being counted in" in older.text
            await _until_gone(http, page, "report-updating")
    finally:
        await server.stop()


async def _until_gone(http: httpx.AsyncClient, page: str, notice: str) -> httpx.Response:
    """The page once it no longer shows ``notice`` (the build goes on after a view)."""
    for _ in range(600):  # at most a minute
        shown = await http.get(page, params={"lang": "en"})
        assert shown.status_code == 200
        if f'id="{notice}"' not in shown.text:
            return shown
        await asyncio.sleep(0.1)
    raise AssertionError(f"{page} still says {notice} after a minute")
