"""The PostgreSQL pool's check of a connection at checkout (storage/engine.py): one round trip
outside any transaction, none for a connection just made, and connections cut by the server
(a restart, a fail-over) replaced before a transaction meets them."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from sqlalchemy import event, text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import PING, create_engine
from tests.conftest import PG_ADMIN_URL

pytestmark = pytest.mark.postgresql_only


async def _backend_pids(engine: AsyncEngine, at_once: int) -> set[int]:
    """The server pids of ``at_once`` connections checked out together (the pool keeps them)."""

    async def one() -> int:
        async with engine.begin() as connection:
            pid = await connection.scalar(text("SELECT pg_backend_pid()"))
            await asyncio.sleep(0.05)  # hold it, so that the others take connections of their own
            return int(pid)

    return set(await asyncio.gather(*(one() for _ in range(at_once))))


async def _terminate(pids: set[int]) -> None:
    admin = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with admin.connect() as connection:
            for pid in pids:
                await connection.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
    finally:
        await admin.dispose()


async def test_connections_cut_by_the_server_are_replaced_at_checkout(db_url: str) -> None:
    engine = create_engine(db_url)
    try:
        before = await _backend_pids(engine, 3)
        assert len(before) == 3
        await _terminate(before)
        after = await _backend_pids(engine, 3)  # no error: each cut one was dropped
        assert len(after) == 3 and not after & before
    finally:
        await engine.dispose()


async def test_the_check_is_one_statement_and_none_for_a_new_connection(db_url: str) -> None:
    engine = create_engine(db_url)
    sent: list[str] = []
    made: list[object] = []

    def _logged(record: Any) -> None:
        sent.append(record.query)

    async def _logging(connection: Any) -> None:
        connection.add_query_logger(_logged)

    @event.listens_for(engine.sync_engine, "connect")
    def _log_queries(dbapi_connection: Any, record: Any) -> None:
        made.append(record)
        dbapi_connection.run_async(_logging)

    try:
        async with engine.begin() as connection:  # a new connection: not checked
            await connection.execute(text("SELECT 1"))
        first, sent[:] = list(sent), []
        async with engine.begin() as connection:  # the same one again: checked first
            await connection.execute(text("SELECT 2"))
    finally:
        await engine.dispose()
    # asyncpg logs the statements sent as text (not the prepared SELECTs)
    assert first == ["BEGIN;", "COMMIT;"]
    assert sent == [PING, "BEGIN;", "COMMIT;"]
    assert len(made) == 1  # the check passed: the connection was kept, not made anew
