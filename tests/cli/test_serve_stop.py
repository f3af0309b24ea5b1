"""``csat serve`` stops soon after SIGTERM: the message being sent is recorded, the rest of
its outbox batch goes back to the queue (no row stays leased to the stopped process) and it
exits 0 (issue 12 part 6)."""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from simulator import BotApiSimulator
from storage.models import OutboundMessage
from survey.vocabulary import OutboxState
from tests.support import WEBHOOK_SECRET, free_port, open_test_ticket, seed_campaign

STAFF_CHAT = -1009
ALERTS = 8  # paced one a second to one chat: the batch takes ~8 s unless the stop cuts it short
STOP_BOUND = 10.0  # seconds; generous for a loaded machine (bench figures measure the real time)
START_TIMEOUT = 90.0  # csat serve's start-up and first pass: over 30 s at a load average of 11
DUE = datetime(2026, 1, 1, tzinfo=UTC)
CSAT = Path(sys.executable).with_name("csat")


async def _alerts(sessions, tokens: dict[str, str]) -> None:  # type: ignore[no-untyped-def]
    questions = ("QU.product", "TS.needs")
    for n in range(ALERTS):
        token = list(tokens.values())[n % len(tokens)]
        await open_test_ticket(
            sessions, token, question=questions[n // len(tokens)], department=None
        )
    async with sessions() as session, session.begin():  # due whatever the two clocks say
        await session.execute(update(OutboundMessage).values(not_before=DUE))


async def _rows(sessions) -> list[OutboundMessage]:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return list(await session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


@pytest.mark.both_backends
async def test_serve_stops_within_seconds_of_sigterm_releasing_its_leases(
    sim: BotApiSimulator, db_url: str, sessions: async_sessionmaker[AsyncSession]
) -> None:
    tokens = await seed_campaign(sessions)
    await _alerts(sessions, tokens)
    assert len(await _rows(sessions)) == ALERTS
    sim.group(STAFF_CHAT, "Staff")
    port = free_port()
    env = {
        **os.environ,
        "CSAT_DATABASE_URL": db_url,
        "CSAT_TELEGRAM_TOKEN": sim.token,
        "CSAT_TELEGRAM_API_URL": sim.api_root,
        "CSAT_BOT_USERNAME": "csat_test_bot",
        "CSAT_WEBHOOK_URL": f"http://127.0.0.1:{port}/telegram/webhook",
        "CSAT_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "CSAT_STAFF_CHAT_ID": str(STAFF_CHAT),
        "CSAT_STAFF_LANGUAGE": "en",
    }
    serve = await asyncio.create_subprocess_exec(
        str(CSAT), "serve", "--host", "127.0.0.1", "--port", str(port), env=env,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.STDOUT,
    )  # fmt: skip
    try:
        # Stop it in the middle of its batch: an alert sent, the others still leased to it.
        await sim.wait_for(
            lambda: sim.calls("sendMessage", STAFF_CHAT), START_TIMEOUT, what="an alert"
        )
        leased = [r for r in await _rows(sessions) if r.claimed_until is not None]
        assert leased, "the batch should still be leased when SIGTERM comes"
        asked = time.monotonic()
        serve.send_signal(signal.SIGTERM)
        output, _ = await asyncio.wait_for(serve.communicate(), STOP_BOUND)
        took = time.monotonic() - asked
        print(f"stopped {took:.2f} s after SIGTERM")
    finally:
        if serve.returncode is None:
            serve.kill()
            await serve.wait()
    assert serve.returncode == 0, output.decode()
    assert took < STOP_BOUND
    rows = await _rows(sessions)
    pending = [r for r in rows if r.state == OutboxState.PENDING]
    # A lease is a claimant and an expiry on a pending row: none is left to the stopped process.
    assert [(r.id, r.claimed_by) for r in pending if r.claimed_until or r.claimed_by] == []
    sent = [r for r in rows if r.state == OutboxState.SENT]
    # Every alert the Bot API got is recorded sent; none was cut off half-way or lost.
    assert len(sent) == len(sim.calls("sendMessage", STAFF_CHAT))
    assert len(sent) + len(pending) == ALERTS
    assert pending, "the stop should have come before the batch was through"
    # Given back, not counted as a failed attempt: the next process sends them as usual.
    assert {r.attempts for r in pending} == {0}
