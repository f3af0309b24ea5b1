"""Which database failures are "not now" (retry the update) and which are "never" (a bug or bad
data): real errors raised by real SQLite and PostgreSQL databases."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from storage.engine import create_engine, is_transient


async def _error_of(engine: AsyncEngine, *statements: str) -> BaseException:
    try:
        async with engine.begin() as connection:
            for statement in statements:
                await connection.execute(text(statement))
    except Exception as exc:
        return exc
    finally:
        await engine.dispose()
    raise AssertionError(f"{statements!r} did not fail")


async def test_writing_to_a_read_only_sqlite_file_is_transient(tmp_path: Path) -> None:
    path = tmp_path / "ro.db"
    writable = create_engine(f"sqlite+aiosqlite:///{path}")
    async with writable.begin() as connection:
        await connection.execute(text("CREATE TABLE t (x INTEGER)"))
    await writable.dispose()
    read_only = create_engine(f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true")
    assert is_transient(await _error_of(read_only, "INSERT INTO t VALUES (1)"))


async def test_a_missing_table_is_not_transient(db_url: str) -> None:
    assert not is_transient(await _error_of(create_engine(db_url), "SELECT * FROM no_such_table"))


@pytest.mark.postgresql_only
async def test_a_too_long_value_is_not_transient_but_a_read_only_transaction_is(
    db_url: str,
) -> None:
    too_long = "INSERT INTO api_keys (name, role, prefix, key_hash, created_at) VALUES "
    too_long += f"('{'x' * 81}', 'admin', 'p', 'h', now())"
    assert not is_transient(await _error_of(create_engine(db_url), too_long))
    read_only = ("SET TRANSACTION READ ONLY", "DELETE FROM api_keys")
    assert is_transient(await _error_of(create_engine(db_url), *read_only))


async def test_a_refused_connection_is_transient() -> None:
    unreachable = create_engine("postgresql+asyncpg://nobody@127.0.0.1:1/none")
    assert is_transient(await _error_of(unreachable, "SELECT 1"))
