"""Alert digests (issue 12 part 3): a burst of alerts for one staff chat, more than its
per-minute limit lets through, goes out as one message with a Take button per ticket; each
ticket records the digest as its alert, and the Take flow works from its buttons."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram.ext import ExtBot

from bot.alerts import MAX_BUTTONS, MAX_MESSAGE, digests
from bot.dispatch import Dispatcher, default_renderers
from bot.outgoing import Outgoing
from bot.rate_limits import SlidingWindowRateLimiter
from cli.hosting import AppServer
from simulator import BotApiSimulator
from storage.models import OutboundMessage, Ticket
from storage.tickets import ticket_history
from storage.types import utcnow
from survey.vocabulary import OutboxState
from tests.support import make_settings, open_test_ticket, seed_campaign

STAFF_CHAT = -1003333
DUE = datetime(2026, 1, 1, tzinfo=UTC)  # every alert due, whatever the clocks say
BURST = 8


@pytest.fixture
async def idle_app(db_url: str, sim: BotApiSimulator) -> AsyncIterator[AppServer]:
    """The app taking staff presses, without a scheduler: the test sends the outbox."""
    changes = {"staff_chat_id": STAFF_CHAT, "staff_language": "en", "scheduler": False}
    server = AppServer(make_settings(db_url, sim).model_copy(update=changes))
    await server.start()
    await server.register_webhook()
    yield server
    await server.stop()


async def burst(sessions: async_sessionmaker[AsyncSession], count: int) -> list[int]:
    """``count`` low scores at once, their alerts due now; the ticket ids."""
    tokens = list((await seed_campaign(sessions)).values())
    questions = ("QU.product", "TS.needs", "QU.rohs")
    ids = [
        await open_test_ticket(
            sessions, tokens[n % len(tokens)], question=questions[n // len(tokens)], department=None
        )
        for n in range(count)
    ]
    async with sessions() as session, session.begin():
        await session.execute(update(OutboundMessage).values(not_before=DUE))
    return ids


async def dispatch(
    app: AppServer, sim: BotApiSimulator, sessions: async_sessionmaker[AsyncSession], room: int
) -> int:
    """Send the outbox through our limiter with a group limit of ``room`` a minute."""
    limiter = SlidingWindowRateLimiter(group_limit=room)
    async with ExtBot(sim.token, base_url=sim.base_url, rate_limiter=limiter) as bot:
        dispatcher = Dispatcher(bot, sessions, app.settings, default_renderers(), worker="t")
        return await dispatcher.dispatch(utcnow())


async def test_a_burst_beyond_the_groups_room_goes_as_one_digest_with_take_buttons(
    idle_app: AppServer, sim: BotApiSimulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    staff = sim.group(STAFF_CHAT, "Staff")
    ids = await burst(sessions, BURST)
    assert await dispatch(idle_app, sim, sessions, room=5) == BURST
    [digest] = staff.messages  # one message instead of 8 (only 5 would fit in the minute)
    lines = (digest.text or "").splitlines()
    assert lines[0] == f"🔴 {BURST} alerts at once (press a button to take a ticket)"
    assert [line.split(" ")[0] for line in lines[1:]] == [f"#{i}" for i in ids]
    assert all(" · severity " in line and "Customer" in line for line in lines[1:])
    buttons = [b["text"] for row in digest.raw["reply_markup"]["inline_keyboard"] for b in row]
    assert buttons == [f"Take #{i}" for i in ids]
    async with sessions() as session:
        tickets = list(await session.scalars(select(Ticket).order_by(Ticket.id)))
        rows = list(await session.scalars(select(OutboundMessage)))
        history = [e.action for e in await ticket_history(session, ids[3])]
    assert {(t.alert_chat_id, t.alert_message_id) for t in tickets} == {
        (STAFF_CHAT, digest.message_id)
    }
    assert all(t.alerted_at is not None and t.plan_due_at is not None for t in tickets)
    assert {r.state for r in rows} == {OutboxState.SENT} and len(rows) == BURST
    assert "alerted" in history

    wang = sim.user(3001, "Lei", "Wang", username="wanglei")
    await wang.press(f"Take #{ids[3]}", chat=staff, message_id=digest.message_id)
    assert wang.callback_answers == [f"Ticket #{ids[3]} is yours."]
    card = staff.last_text or ""  # the taken ticket's card, the digest left as it was
    assert card.startswith(f"🔴 Low score · ticket #{ids[3]}")
    assert "👤 Owner: Lei Wang (@wanglei) · Status: acknowledged" in card
    assert not staff.message(digest.message_id).edited
    li = sim.user(3002, "Li")
    await li.press(f"Take #{ids[3]}", chat=staff, message_id=digest.message_id)
    await li.press(f"Take #{ids[5]}", chat=staff, message_id=digest.message_id)
    assert li.callback_answers == [
        "Already taken by Lei Wang (@wanglei).",
        f"Ticket #{ids[5]} is yours.",
    ]
    async with sessions() as session:
        owners = {t.id: t.owner for t in await session.scalars(select(Ticket))}
    assert (owners[ids[3]], owners[ids[5]], owners[ids[0]]) == ("Lei Wang (@wanglei)", "Li", None)


async def test_alerts_the_group_has_room_for_go_one_by_one(
    idle_app: AppServer, sim: BotApiSimulator, sessions: async_sessionmaker[AsyncSession]
) -> None:
    staff = sim.group(STAFF_CHAT, "Staff")
    ids = await burst(sessions, 3)
    assert await dispatch(idle_app, sim, sessions, room=20) == 3
    assert [(m.text or "").splitlines()[0] for m in staff.messages] == [
        f"🔴 Low score · ticket #{i}" for i in ids
    ]


def test_digests_keep_telegrams_limits() -> None:
    long_line = "x" * 150
    alerts = [Outgoing(-1, f"card {n}", None, n, f"#{n} {long_line}") for n in range(1, 251)]
    made = digests(alerts, "en")
    carried = [a.ticket_id for chunk, _ in made for a in chunk]
    assert carried == list(range(1, 251))  # every alert, once, in order
    for chunk, digest in made:
        assert len(digest.text) <= MAX_MESSAGE
        assert digest.reply_markup is not None
        count = sum(len(row) for row in digest.reply_markup.inline_keyboard)
        assert count == len(chunk) <= MAX_BUTTONS
    short = digests([Outgoing(-1, "c", None, n, f"#{n}") for n in range(150)], "en")
    assert [len(chunk) for chunk, _ in short] == [100, 50]  # 100 buttons a message at most
