"""A failed update is never acknowledged and lost (issue 8 point 2): with the database read-only
mid-survey (a PostgreSQL fail-over), the webhook answers 503 and nobody is told the answer is
safe; once the database is back, Telegram's redelivery (or, polling, our own retry) stores the
answer exactly once."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import make_url

from bot.texts import t
from cli.hosting import AppServer
from simulator import BotApiSimulator
from storage.engine import create_engine
from storage.models import Answer, ProcessedUpdate
from tests.conftest import PG_ADMIN_URL
from tests.support import begin, begin_polled, polling_settings, seed_campaign, shows

# Fail-over is a PostgreSQL matter: SQLite has no standby to be read-only.
pytestmark = pytest.mark.postgresql_only
NOT_SAVED = t("error_retrying", "en")


async def read_only(db_url: str, on: bool) -> None:
    """Make the database refuse writes (as a standby does), or accept them again; the open
    connections are cut, as a fail-over cuts them."""
    name = make_url(db_url).database
    setting = (
        "SET default_transaction_read_only = on" if on else "RESET default_transaction_read_only"
    )
    engine = create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    try:
        async with engine.connect() as connection:
            await connection.execute(text(f'ALTER DATABASE "{name}" {setting}'))
            await connection.execute(
                text(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                    "WHERE datname = :name AND pid <> pg_backend_pid()"
                ),
                {"name": name},
            )
    finally:
        await engine.dispose()


async def _levels(sessions) -> list[int | None]:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return list(await session.scalars(select(Answer.level).order_by(Answer.id)))


async def test_webhook_answers_503_while_read_only_and_the_redelivery_stores_once(
    app: AppServer, sim: BotApiSimulator, sessions, db_url: str
) -> None:
    tokens = await seed_campaign(sessions)
    alice = await begin(sim, tokens["r1"], 1001, "Alice")
    await alice.press("5")
    await read_only(db_url, True)
    try:
        failed = await alice.press("4")
        assert failed.status_code == 503
        assert [u["update_id"] for u in sim.pending_updates] == [failed.update_id]
        assert alice.last_text == NOT_SAVED
        assert "safe" not in (alice.last_text or "")
        again = await sim.redeliver(failed.update_id)  # Telegram retries; still read-only
        assert again.status_code == 503
        assert [m.text for m in alice.messages].count(NOT_SAVED) == 1  # told once
    finally:
        await read_only(db_url, False)
    delivered = await sim.redeliver_pending()
    assert [d.status_code for d in delivered] == [200] and sim.pending_updates == []
    assert (alice.last_text or "").startswith("3/")
    assert await _levels(sessions) == [5, 4]
    assert (await sim.redeliver(failed.update_id)).status_code == 200  # a late duplicate
    assert await _levels(sessions) == [5, 4]
    async with sessions() as session:
        assert await session.get(ProcessedUpdate, failed.update_id) is not None


async def test_polling_keeps_the_update_and_retries_it_until_the_database_is_back(
    db_url: str, sim: BotApiSimulator, sessions
) -> None:
    tokens = await seed_campaign(sessions)
    polling = AppServer(polling_settings(db_url, sim))
    await polling.start()
    try:
        alice = await begin_polled(sim, tokens["r1"])
        await read_only(db_url, True)
        try:
            await alice.press("4")
            await sim.wait_for(lambda: shows(alice, NOT_SAVED), what="the not-saved notice")
            assert await _levels(sessions) == []
        finally:
            await read_only(db_url, False)
        await sim.wait_for(lambda: shows(alice, "2/"), timeout=20.0, what="the retried answer")
    finally:
        await polling.stop()
    assert await _levels(sessions) == [4]
    assert [m.text for m in alice.messages].count(NOT_SAVED) == 1
