"""Fixtures shared by the whole suite: a real database (SQLite file and PostgreSQL), the Bot
API simulator, and the app served over a real socket."""

from __future__ import annotations

import asyncio
import os
import secrets
from collections.abc import AsyncIterator, Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cli.hosting import AppServer
from simulator import BotApiSimulator, Limits
from storage.engine import create_engine, create_sessionmaker
from storage.migrate import upgrade
from storage.models import Base
from tests.support import make_settings

PG_ADMIN_URL = os.environ.get(
    "CSAT_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ["sqlite", "postgresql"]


def _in_thread(coro: Any) -> Any:
    """Run a coroutine to completion outside pytest's event loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _pg_admin(statement: str) -> None:
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@pytest.fixture(scope="session", params=BACKENDS)
def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated database of each backend, made once per test session."""
    if request.param == "sqlite":
        path: Path = tmp_path_factory.mktemp("db") / "csat.db"
        url = f"sqlite+aiosqlite:///{path}"
        upgrade(url)
        yield url
        return
    name = f"csat_test_{secrets.token_hex(4)}"
    _in_thread(_pg_admin(f'CREATE DATABASE "{name}"'))
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    upgrade(url)
    yield url
    _in_thread(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


@pytest.fixture
async def db_url(database_url: str) -> str:
    """The session database, emptied before the test."""
    engine = create_engine(database_url)
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                await connection.execute(text(f"DELETE FROM {table}"))
    await engine.dispose()
    return database_url


@pytest.fixture
async def sessions(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(db_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


# Simulated people tap instantly, far faster than anyone could; the per-chat 1 msg/s limit
# is exercised on its own in the simulator and sending tests.
FAST_TAPPING = Limits(chat_burst=10_000)


@pytest.fixture
async def sim() -> AsyncIterator[BotApiSimulator]:
    async with BotApiSimulator(limits=FAST_TAPPING) as simulator:
        yield simulator


@pytest.fixture
async def app(db_url: str, sim: BotApiSimulator) -> AsyncIterator[AppServer]:
    """The csat app (admin API + bot in webhook mode) on a real port, webhook registered."""
    server = AppServer(make_settings(db_url, sim))
    await server.start()
    await server.register_webhook()
    yield server
    await server.stop()
