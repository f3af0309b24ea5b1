"""Migrations that move data keep every row's meaning, both ways, on both backends."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
from alembic import command
from sqlalchemy import text

from storage.engine import create_engine
from storage.migrate import alembic_config, upgrade
from tests.conftest import BACKENDS, PG_ADMIN_URL, _pg_admin


@pytest.fixture(params=BACKENDS)
async def empty_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A database of each backend without any schema yet."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'csat.db'}"
        return
    name = f"csat_mig_{secrets.token_hex(4)}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def migrate(url: str, revision: str) -> None:
    """Up or down to ``revision`` (Alembic runs its own event loop, so in a thread)."""
    await asyncio.to_thread(upgrade, url, revision)


async def downgrade(url: str, revision: str) -> None:
    await asyncio.to_thread(command.downgrade, alembic_config(url), revision)


async def run(url: str, sql: str, **params: Any) -> list[tuple[Any, ...]]:
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            result = await connection.execute(text(sql), params)
            return [tuple(row) for row in result] if result.returns_rows else []
    finally:
        await engine.dispose()


# (kind, stage before 0004) -> (follow_up_stage, feedback_kind, void) after it, and the stage
# a downgrade gives back.
STAGE_SPLIT = [
    ("likert", None, (None, None, False), None),
    ("followup", "causes", ("causes", None, False), "causes"),
    ("followup", "text", ("text", None, False), "text"),
    ("followup", "done", ("done", None, False), "done"),
    ("followup", "void", (None, None, True), "void"),
    ("followup", None, ("done", None, False), "done"),  # was read as done: now says so
    ("feedback", None, (None, None, False), None),  # not yet marked by the respondent
    ("feedback", "feedback", (None, "feedback", False), "feedback"),
    ("feedback", "complaint", (None, "complaint", False), "complaint"),
    ("comment", None, (None, None, False), None),
]


async def test_answer_stage_split_moves_every_row_and_back(empty_url: str) -> None:
    await migrate(empty_url, "0003")
    await run(
        empty_url,
        "INSERT INTO customers (id, external_id, name, customer_class, weight)"
        " VALUES (1, 'C1', 'Acme', 'KA', 1.0)",
    )
    await run(
        empty_url,
        "INSERT INTO respondents (id, external_id, customer_id, role) VALUES (1, 'R1', 1, 'user')",
    )
    for number, (kind, stage, _, _) in enumerate(STAGE_SPLIT, start=1):
        await run(
            empty_url,
            "INSERT INTO answers (id, respondent_id, question, kind, na, causes, stage, channel,"
            " answered_at) VALUES (:id, 1, :question, :kind, false, '[]', :stage, 'telegram',"
            " CURRENT_TIMESTAMP)",
            id=number,
            question=f"q{number}",
            kind=kind,
            stage=stage,
        )
    void = next(n for n, row in enumerate(STAGE_SPLIT, start=1) if row[1] == "void")
    # The audit trail of the void follow-up must survive: the answers table is altered in
    # place, never dropped and copied (which would cascade to answer_changes on SQLite).
    await run(
        empty_url,
        "INSERT INTO answer_changes (answer_id, old_na, old_text, changed_at)"
        " VALUES (:id, false, 'it was late', CURRENT_TIMESTAMP)",
        id=void,
    )

    await migrate(empty_url, "0004")
    rows = await run(
        empty_url, "SELECT follow_up_stage, feedback_kind, void FROM answers ORDER BY id"
    )
    assert [(stage, kind, bool(flag)) for stage, kind, flag in rows] == [
        after for _, _, after, _ in STAGE_SPLIT
    ]
    assert await run(empty_url, "SELECT answer_id, old_text FROM answer_changes") == [
        (void, "it was late")
    ]

    await downgrade(empty_url, "0003")
    rows = await run(empty_url, "SELECT stage FROM answers ORDER BY id")
    assert [stage for (stage,) in rows] == [back for _, _, _, back in STAGE_SPLIT]
    assert await run(empty_url, "SELECT answer_id, old_text FROM answer_changes") == [
        (void, "it was late")
    ]
