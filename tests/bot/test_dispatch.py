"""The outbox dispatcher and the scheduler against the Bot API simulator: routing, failures,
flood waits, dropped connections, two workers, pacing, overdue alerts with a controlled clock."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from telegram import Bot

from bot.alerts import render_alert, render_overdue
from bot.dispatch import Dispatcher, default_renderers
from bot.outgoing import Outgoing, Renderer, Skip
from bot.scheduler import Scheduler
from simulator import BotApiSimulator
from storage import outbox
from storage.models import OutboundMessage, Ticket
from storage.tickets import FOLLOW_UP_GRACE, get_ticket, ticket_history
from survey.settings import Settings
from tests.support import make_settings, open_test_ticket, seed_campaign, sessions_for

QUALITY_CHAT, STAFF_CHAT = -1001234, -1005678
NOW = datetime(2026, 11, 2, 2, 0, tzinfo=UTC)  # Monday 10:00 in Shanghai
DUE = NOW + FOLLOW_UP_GRACE  # when an abandoned follow-up's alert goes out anyway


async def render_note(session, row: OutboundMessage, settings: Settings) -> Outgoing:  # type: ignore[no-untyped-def]
    """A test kind: a plain message to the row's chat."""
    if row.chat_id is None:
        raise Skip("no chat")
    return Outgoing(row.chat_id, f"note {row.dedupe_key}")


RENDERERS: dict[str, Renderer] = {
    "alert": render_alert,
    "overdue": render_overdue,
    "note": render_note,
}


@pytest.fixture
async def bot(sim: BotApiSimulator) -> AsyncIterator[Bot]:
    async with Bot(sim.token, base_url=sim.base_url) as plain:  # no rate limiter: errors surface
        yield plain


def staff_settings(db_url: str, sim: BotApiSimulator, **changes: object) -> Settings:
    values: dict[str, object] = {
        "staff_chat_id": STAFF_CHAT,
        "department_chats": {"quality": QUALITY_CHAT},
        "staff_language": "en",
    }
    return make_settings(db_url, sim).model_copy(update=values | changes)


async def _rows(sessions) -> list[OutboundMessage]:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return list(await session.scalars(select(OutboundMessage).order_by(OutboundMessage.id)))


async def _notes(sessions, *chats: int) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as session, session.begin():
        for n, chat in enumerate(chats):
            await outbox.enqueue(
                session, kind="note", dedupe_key=f"note:{n}", chat_id=chat, not_before=NOW
            )


async def test_alerts_go_to_the_department_chat_else_the_staff_chat(
    sim: BotApiSimulator, bot: Bot, db_url: str, sessions
) -> None:
    quality, staff = sim.group(QUALITY_CHAT, "Quality"), sim.group(STAFF_CHAT, "Staff")
    tokens = await seed_campaign(sessions)
    qu = await open_test_ticket(sessions, tokens["r2"], question="QU.rohs", now=NOW)
    ts = await open_test_ticket(
        sessions, tokens["r3"], question="TS.needs", department="service", now=NOW
    )
    dispatcher = Dispatcher(bot, sessions, staff_settings(db_url, sim), RENDERERS, worker="w1")
    assert await dispatcher.dispatch(NOW) == 0  # held for the follow-up
    assert await dispatcher.dispatch(DUE) == 2
    (alert,) = quality.messages
    assert alert.text.splitlines() == [
        f"🔴 Low score · ticket #{qu}",
        "Customer: Customer C1 (KA)",
        "Respondent: Bob · purchasing",
        "Campaign: 2026-Q4",
        "Question: Quality (including RoHS) › How satisfied are you with our RoHS and "
        "environmental compliance?",
        "Score: 2 · Dissatisfied",
        "Severity: 2",
        "Plan due: 2026-11-04 10:03 (Asia/Shanghai)",  # 2 working days after it was sent
    ]
    assert [label for row in alert.buttons for label, _ in row] == ["Take it", "Open ticket"]
    (fallback,) = staff.messages
    assert fallback.text.startswith(f"🔴 Low score · ticket #{ts}")
    assert "Respondent: 王芳 · general manager" in fallback.text
    async with sessions() as session:
        ticket = await get_ticket(session, qu)
        history = [e.action for e in await ticket_history(session, qu)]
    assert (ticket.alert_chat_id, ticket.alert_message_id) == (QUALITY_CHAT, alert.message_id)
    assert ticket.alerted_at == DUE and ticket.plan_due_at == datetime(
        2026, 11, 4, 2, 3, tzinfo=UTC
    )
    assert history == ["opened", "alerted"]
    assert [r.state for r in await _rows(sessions)] == ["sent", "sent"]


async def test_no_staff_chat_keeps_the_row_pending_with_the_reason(
    sim: BotApiSimulator, bot: Bot, db_url: str, sessions
) -> None:
    tokens = await seed_campaign(sessions)
    ticket_id = await open_test_ticket(sessions, tokens["r2"], now=NOW)
    settings = staff_settings(db_url, sim, staff_chat_id=None, department_chats={})
    dispatcher = Dispatcher(bot, sessions, settings, RENDERERS, worker="w1")
    assert await dispatcher.dispatch(DUE) == 0
    (row,) = await _rows(sessions)
    assert (row.state, row.error, row.attempts, row.claimed_by) == (
        "pending",
        "waiting for a staff chat: none for department quality",
        0,  # waiting is no failed attempt: it never runs out of them
        None,
    )
    assert row.not_before == DUE + timedelta(minutes=1)
    assert sim.calls("sendMessage") == []
    async with sessions() as session:
        ticket = await get_ticket(session, ticket_id)
    assert ticket.alerted_at is None and ticket.plan_due_at is not None  # handed over in the API
    assert await dispatcher.dispatch(DUE + timedelta(seconds=59)) == 0  # not retried at once
    staff = sim.group(STAFF_CHAT, "Staff")
    routed = staff_settings(db_url, sim, department_chats={})
    configured = Dispatcher(bot, sessions, routed, RENDERERS, worker="w2")
    assert await configured.dispatch(DUE + timedelta(minutes=1)) == 1
    assert len(staff.messages) == 1


async def test_an_unknown_or_blocked_chat_fails_the_row(
    sim: BotApiSimulator, bot: Bot, db_url: str, sessions
) -> None:
    person = sim.user(4242, "Eve")
    await person.send_text("hi")  # she started the bot …
    await person.block_bot()  # … and blocked it
    await _notes(sessions, -100999, person.id)
    dispatcher = Dispatcher(bot, sessions, staff_settings(db_url, sim), RENDERERS, worker="w1")
    assert await dispatcher.dispatch(NOW) == 0
    first, second = await _rows(sessions)
    assert first.state == "failed" and "chat not found" in (first.error or "").lower()
    assert first.error.startswith("refused: ")
    assert second.state == "failed" and second.error.startswith("blocked: ")
    assert await dispatcher.dispatch(NOW + timedelta(hours=1)) == 0  # never tried again


async def test_a_flood_wait_sends_the_alert_once_after_the_wait(
    sim: BotApiSimulator, bot: Bot, db_url: str, sessions
) -> None:
    quality = sim.group(QUALITY_CHAT, "Quality")
    tokens = await seed_campaign(sessions)
    await open_test_ticket(sessions, tokens["r2"], now=NOW)
    sim.inject_error("sendMessage", status=429, retry_after=7, times=1)
    dispatcher = Dispatcher(bot, sessions, staff_settings(db_url, sim), RENDERERS, worker="w1")
    assert await dispatcher.dispatch(DUE) == 0
    (row,) = await _rows(sessions)
    assert row.state == "pending" and row.not_before == DUE + timedelta(seconds=7)
    assert "flood" in (row.error or "").lower()
    assert await dispatcher.dispatch(DUE + timedelta(seconds=6)) == 0  # not yet
    assert await dispatcher.dispatch(DUE + timedelta(seconds=7)) == 1
    assert len(quality.messages) == 1
    (row,) = await _rows(sessions)
    assert (
        row.state == "sent"
        and row.attempts == 2
        and row.message_id == quality.messages[0].message_id
    )


async def test_a_dropped_connection_is_retried_with_backoff(
    sim: BotApiSimulator, bot: Bot, db_url: str, sessions
) -> None:
    quality = sim.group(QUALITY_CHAT, "Quality")
    tokens = await seed_campaign(sessions)
    await open_test_ticket(sessions, tokens["r2"], now=NOW)
    sim.drop_connections("sendMessage", times=2)
    dispatcher = Dispatcher(bot, sessions, staff_settings(db_url, sim), RENDERERS, worker="w1")
    assert await dispatcher.dispatch(DUE) == 0
    (row,) = await _rows(sessions)
    assert row.state == "pending" and row.not_before == DUE + timedelta(seconds=2)
    assert (row.error or "").startswith("network: ")
    assert await dispatcher.dispatch(DUE + timedelta(seconds=2)) == 0  # dropped again
    (row,) = await _rows(sessions)
    assert row.not_before == DUE + timedelta(seconds=6)  # 2 s, then 4 s
    assert await dispatcher.dispatch(DUE + timedelta(seconds=6)) == 1
    assert len(quality.messages) == 1 and len(sim.calls("sendMessage")) == 3


@pytest.mark.both_backends
async def test_two_workers_send_each_message_once(
    sim: BotApiSimulator, bot: Bot, db_url: str
) -> None:
    chats = [sim.group(-1000 - n, f"G{n}").id for n in range(12)]
    first_sessions, second_sessions = await sessions_for(db_url), await sessions_for(db_url)
    await _notes(first_sessions, *chats)
    settings = staff_settings(db_url, sim)
    one = Dispatcher(bot, first_sessions, settings, RENDERERS, worker="one", batch=8)
    two = Dispatcher(bot, second_sessions, settings, RENDERERS, worker="two", batch=8)
    rounds = [await asyncio.gather(one.dispatch(NOW), two.dispatch(NOW)) for _ in range(3)]
    assert sum(map(sum, rounds)) == 12
    sent = sim.calls("sendMessage")
    assert sorted(call.params["chat_id"] for call in sent) == sorted(chats)
    rows = await _rows(first_sessions)
    assert {r.state for r in rows} == {"sent"} and {r.claimed_by for r in rows} <= {"one", "two"}
    for sessions in (first_sessions, second_sessions):
        await sessions.kw["bind"].dispose()


async def test_one_chat_gets_at_most_one_message_a_second(
    sim: BotApiSimulator, bot: Bot, db_url: str, sessions
) -> None:
    busy, other = sim.group(-1001, "Busy"), sim.group(-1002, "Other")
    await _notes(sessions, busy.id, busy.id, other.id, busy.id)
    dispatcher = Dispatcher(bot, sessions, staff_settings(db_url, sim), RENDERERS, worker="w1")
    assert await dispatcher.dispatch(NOW) == 4
    times = [call.at for call in sim.calls("sendMessage", chat_id=busy.id)]
    assert len(times) == 3 and all(b - a >= 0.9 for a, b in itertools.pairwise(times))
    (other_at,) = [call.at for call in sim.calls("sendMessage", chat_id=other.id)]
    assert other_at - times[0] < 0.5  # another chat is not held up
    assert [m.text for m in busy.messages] == ["note note:0", "note note:1", "note note:3"]


async def test_overdue_tickets_are_alerted_once_a_day(
    sim: BotApiSimulator, bot: Bot, db_url: str, sessions
) -> None:
    quality = sim.group(QUALITY_CHAT, "Quality")
    tokens = await seed_campaign(sessions)
    ticket_id = await open_test_ticket(sessions, tokens["r2"], now=NOW)
    clock = [DUE]
    scheduler = Scheduler(
        bot, sessions, staff_settings(db_url, sim), worker="s1", clock=lambda: clock[0]
    )
    first = await scheduler.tick()
    assert first.sent == 1 and first.overdue_queued == 0
    for moment, expected in [
        (NOW + timedelta(days=3), 1),  # plan was due Wednesday; it is Thursday
        (NOW + timedelta(days=3, hours=5), 0),  # the same day
        (NOW + timedelta(days=4), 1),  # the next day
    ]:
        clock[0] = moment
        result = await scheduler.tick()
        assert (result.overdue_queued, result.sent) == (expected, expected)
    texts = [m.text for m in quality.messages]
    assert len(texts) == 3 and texts[0].startswith("🔴")
    assert all(t.startswith(f"⏰ Overdue · ticket #{ticket_id}") for t in texts[1:])
    assert "Status: open (nobody has it yet)" in texts[1]
    async with sessions() as session:
        ticket = await session.get(Ticket, ticket_id)
    assert ticket is not None and ticket.overdue_alerted_at == NOW + timedelta(days=4)


async def test_the_scheduler_loop_survives_a_failing_tick(
    sim: BotApiSimulator, bot: Bot, db_url: str, sessions
) -> None:
    staff = sim.group(STAFF_CHAT, "Staff")
    await _notes(sessions, staff.id)
    calls = []

    def clock() -> datetime:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the clock broke once")
        return NOW

    settings = staff_settings(db_url, sim, scheduler_interval=0.05)
    scheduler = Scheduler(bot, sessions, settings, worker="s1", clock=clock, renderers=RENDERERS)
    scheduler.start()
    try:
        await sim.wait_for(lambda: staff.messages, timeout=5, what="the note")
    finally:
        await scheduler.stop()
    assert not scheduler.running and len(calls) >= 2
    assert [m.text for m in staff.messages] == ["note note:0"]


def test_the_default_registry_covers_every_kind() -> None:
    assert sorted(default_renderers()) == ["alert", "invitation", "overdue", "reminder"]
