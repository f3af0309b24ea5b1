"""Fixtures of the dashboard's tests: an API key of each role, an httpx client of the app (the
``app`` fixture of tests/conftest.py: the real app on a real socket), and the app under a known
``secret_key`` for the tests that forge or age a cookie; ``site``: the app over two campaigns
seeded once per module."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cli.hosting import AppServer
from simulator import BotApiSimulator
from storage.engine import create_engine, create_sessionmaker
from storage.migrate import upgrade_async
from survey.settings import Settings
from survey.vocabulary import ApiKeyRole
from tests.dashboard.dashing import SECRET, Key, make_key
from tests.dashboard.seeding import Seeded, seed_dashboard
from tests.support import REPORT_WAIT, free_port, make_settings


@pytest.fixture
async def keys(sessions: async_sessionmaker[AsyncSession]) -> dict[ApiKeyRole, Key]:
    """A live key of each role: ``keys[ApiKeyRole.VIEWER].secret`` signs a viewer in."""
    return {role: await make_key(sessions, role) for role in ApiKeyRole}


@pytest.fixture
async def client(app: AppServer) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the served app, signed in as nobody (``dashing.sign_in`` signs it in)."""
    async with httpx.AsyncClient(base_url=app.url, timeout=60) as http:
        yield http


@pytest.fixture
async def keyed_client(db_url: str, sim: BotApiSimulator) -> AsyncIterator[httpx.AsyncClient]:
    """A client of the app served with ``secret_key = dashing.SECRET``."""
    settings = make_settings(db_url, sim).model_copy(update={"secret_key": SecretStr(SECRET)})
    server = AppServer(settings)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            yield http
    finally:
        await server.stop()


@dataclass(frozen=True, slots=True)
class Site:
    """The app served over a database seeded once per module (``seeding.seed_dashboard``):
    for the tests that read the seeded campaigns and do not need an empty database."""

    url: str
    sessions: async_sessionmaker[AsyncSession]
    keys: dict[ApiKeyRole, Key]
    seeded: Seeded


@pytest.fixture(scope="module")
async def site(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[Site]:
    url = f"sqlite+aiosqlite:///{tmp_path_factory.mktemp('dashboard') / 'csat.db'}"
    await upgrade_async(url)
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    seeded = await seed_dashboard(sessions)
    keys = {role: await make_key(sessions, role) for role in ApiKeyRole}
    # These tests read the figures right after changing the data: each view waits for its
    # build, as with ``make_settings``.
    settings = Settings(
        database_url=url,
        port=free_port(),
        dashboard_report_wait=REPORT_WAIT,
        _env_file=None,  # type: ignore[call-arg]
    )
    server = AppServer(settings)
    await server.start()
    try:
        yield Site(server.url, sessions, keys, seeded)
    finally:
        await server.stop()
        await engine.dispose()


@pytest.fixture
async def site_client(site: Site) -> AsyncIterator[httpx.AsyncClient]:
    """A client of ``site``, signed in as nobody."""
    async with httpx.AsyncClient(base_url=site.url, timeout=60) as http:
        yield http
