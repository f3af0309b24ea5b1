"""Throw-away PostgreSQL databases on the test server, for the suite (tests/conftest.py) and the
benchmarks (bench/): each made under a name of its own, migrated, dropped with its connections."""

from __future__ import annotations

import os
import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from sqlalchemy import text

from storage.engine import create_engine
from storage.migrate import upgrade_async

PG_ADMIN_URL = os.environ.get(
    "CSAT_TEST_PG_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/postgres"
)


async def pg_admin(statement: str, admin_url: str = PG_ADMIN_URL) -> None:
    """Run one statement (CREATE/ALTER/DROP DATABASE) on the server's admin database."""
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(statement))
    finally:
        await engine.dispose()


@asynccontextmanager
async def scratch_postgres(prefix: str, admin_url: str = PG_ADMIN_URL) -> AsyncIterator[str]:
    """The URL of a new, migrated database named ``prefix`` and random hex (unique to each test
    process and benchmark run), dropped afterwards."""
    name = f"{prefix}_{secrets.token_hex(4)}"
    await pg_admin(f'CREATE DATABASE "{name}"', admin_url)
    try:
        url = admin_url.rsplit("/", 1)[0] + f"/{name}"
        await upgrade_async(url)
        yield url
    finally:
        await pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', admin_url)
