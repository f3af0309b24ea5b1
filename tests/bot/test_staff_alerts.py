"""Staff alerts end to end: a respondent's 2 in the simulator → the alert in the staff group →
"Take it" → the ticket is acknowledged with its history; routing, faults and no staff chat."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import timedelta

import httpx
import pytest
from sqlalchemy import select
from telegram.ext import AIORateLimiter, ExtBot

from bot.dispatch import Dispatcher, default_renderers
from cli.hosting import AppServer
from simulator import BotApiSimulator, SimChat
from storage.models import OutboundMessage, Ticket
from storage.tickets import ticket_history
from storage.types import utcnow
from survey.loader import load_template
from tests.support import begin, labels, make_settings, seed_campaign

SURVEY = load_template("ecss-5")
QUALITY_CHAT, STAFF_CHAT = -1001111, -1002222
SOON = 8.0  # seconds: "within seconds" with a 1 s scheduler interval and some slack


async def _serve(db_url: str, sim: BotApiSimulator, **changes: object) -> AppServer:
    values: dict[str, object] = {
        "staff_chat_id": STAFF_CHAT,
        "department_chats": {"quality": QUALITY_CHAT},
        "staff_language": "en",
        "scheduler_interval": 1.0,
    }
    server = AppServer(make_settings(db_url, sim).model_copy(update=values | changes))
    await server.start()
    await server.register_webhook()
    return server


@pytest.fixture
async def staff_app(db_url: str, sim: BotApiSimulator) -> AsyncIterator[AppServer]:
    """The app with a quality department chat and a default staff chat, scheduler running."""
    server = await _serve(db_url, sim)
    yield server
    await server.stop()


@pytest.fixture
async def idle_app(db_url: str, sim: BotApiSimulator) -> AsyncIterator[AppServer]:
    """The same app without a scheduler: the test sends the outbox itself (a woken scheduler
    could otherwise send or lease the alert first)."""
    server = await _serve(db_url, sim, scheduler=False)
    yield server
    await server.stop()


def alerts(chat: SimChat) -> list[str]:
    return [m.text or "" for m in chat.messages if (m.text or "").startswith("🔴")]


async def _ticket(sessions) -> Ticket:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        ticket = await session.scalar(select(Ticket))
    assert ticket is not None
    return ticket


async def _recorded_alert(sessions) -> Ticket:  # type: ignore[no-untyped-def]
    """The ticket once the dispatcher has recorded where its alert went (just after sending)."""
    for _ in range(200):
        ticket = await _ticket(sessions)
        if ticket.alert_message_id is not None:
            return ticket
        await asyncio.sleep(0.025)
    raise AssertionError("the alert was never recorded on its ticket")


async def _history(sessions, ticket_id: int) -> list[str]:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return [e.action for e in await ticket_history(session, ticket_id)]


async def test_low_score_alerts_staff_who_take_and_open_the_ticket(
    staff_app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    staff, quality = sim.group(STAFF_CHAT, "Staff"), sim.group(QUALITY_CHAT, "Quality")
    tokens = await seed_campaign(sessions)
    bob = await begin(sim, tokens["r2"], 1002, "Bob")
    gi = SURVEY.questions()[0]  # general impression: sales, which has no chat of its own
    await bob.press("2")
    await bob.press(f"☐ {gi.attributes[1].text['en']}")
    await bob.press("Done")
    await bob.send_text("Nobody called back about the late order.")
    await sim.wait_for(lambda: alerts(staff), timeout=SOON, what="the staff alert")
    (alert,) = staff.messages
    ticket = await _recorded_alert(sessions)
    assert alert.text.splitlines()[:9] == [
        f"🔴 Low score · ticket #{ticket.id}",
        "Customer: Customer C1 (KA)",
        "Respondent: Bob · purchasing",
        "Campaign: 2026-Q4",
        f"Question: {gi.text['en']}",
        "Score: 2 · Dissatisfied",
        f"Causes: {gi.attributes[1].text['en']}",
        "Comment: Nobody called back about the late order.",
        "Severity: 2",
    ]
    assert alert.text.splitlines()[9].startswith("Plan due: ")
    assert labels(alert) == ["Take it", "Open ticket"]
    assert quality.messages == []  # routed by the factor's department

    wang = sim.user(3001, "Lei", "Wang", username="wanglei")
    await wang.press("Take it", chat=staff)
    assert wang.callback_answers == [f"Ticket #{ticket.id} is yours."]
    edited = staff.message(alert.message_id)
    assert edited.edited and "👤 Owner: Lei Wang (@wanglei) · Status: acknowledged" in edited.text
    assert labels(edited) == ["Take it", "Open ticket"]
    ticket = await _ticket(sessions)
    assert (ticket.status, ticket.owner, ticket.owner_telegram_id) == (
        "acknowledged",
        "Lei Wang (@wanglei)",
        3001,
    )
    assert ticket.acknowledged_at is not None and ticket.alert_message_id == alert.message_id
    assert await _history(sessions, ticket.id) == ["opened", "follow_up", "alerted", "taken"]

    li = sim.user(3002, "Li")
    await li.press("Take it", chat=staff, message_id=alert.message_id)
    await wang.press("Take it", chat=staff, message_id=alert.message_id)
    assert li.callback_answers == ["Already taken by Lei Wang (@wanglei)."]
    assert wang.callback_answers[-1] == f"Ticket #{ticket.id} is already yours."
    assert (await _ticket(sessions)).owner == "Lei Wang (@wanglei)"

    await li.press("Open ticket", chat=staff, message_id=alert.message_id)
    details = staff.last_text or ""
    assert details.startswith(f"📋 Ticket #{ticket.id}")
    assert "👤 Owner: Lei Wang (@wanglei) · Status: acknowledged" in details
    history = details.split("History:\n")[1].splitlines()
    assert [line.split(" · ")[2].split(" — ")[0] for line in history] == [
        "opened",
        "follow-up answered",
        "alert sent",
        "taken",
    ]
    assert all(line.split(" · ")[0].endswith(" (Asia/Shanghai)") for line in history)
    assert len(alerts(staff)) == 1  # one alert, however often the buttons were pressed


async def test_a_department_chat_gets_its_factors_alerts(
    staff_app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    staff, quality = sim.group(STAFF_CHAT, "Staff"), sim.group(QUALITY_CHAT, "Quality")
    tokens = await seed_campaign(sessions)
    alice = await begin(sim, tokens["r1"], 1001, "Alice")
    for _ in range(5):  # general impression and the four team questions
        await alice.press("5")
    await alice.press("1")  # quality of the products
    await alice.press("Done")
    await alice.press("Skip")
    await sim.wait_for(lambda: alerts(quality), timeout=SOON, what="the quality alert")
    (text,) = alerts(quality)
    assert "Respondent: Alice · quality" in text and "Score: 1 · Extremely dissatisfied" in text
    assert "Severity: 4" in text and "Comment:" not in text and "Causes:" not in text
    assert staff.messages == []


async def test_a_complaint_sent_with_feedback_alerts_staff(
    staff_app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    staff = sim.group(STAFF_CHAT, "Staff")
    tokens = await seed_campaign(sessions)
    bob = sim.user(1002, "Bob")
    await bob.send_text(f"/start {tokens['r2']}")
    await bob.send_text("/feedback")
    await bob.send_text("The last shipment arrived damaged.")
    await bob.press("Yes, a complaint")
    await sim.wait_for(lambda: alerts(staff), timeout=SOON, what="the complaint alert")
    (text,) = alerts(staff)
    assert "Question: Complaint sent with /feedback" in text
    assert "Comment: The last shipment arrived damaged." in text and "Score: —" in text
    assert (
        bob.last_text == "Your complaint has been passed to our staff; they will contact you soon."
    )


async def test_without_a_staff_chat_the_alert_waits_until_one_is_configured(
    app: AppServer, sim: BotApiSimulator, db_url: str, sessions, caplog: pytest.LogCaptureFixture
) -> None:
    tokens = await seed_campaign(sessions)
    bob = await begin(sim, tokens["r2"], 1002, "Bob")
    await bob.press("2")
    await bob.press("Done")
    await bob.press("Skip")

    row = await _eventually_held(sessions)  # the default interval is 5 s
    assert row.state == "pending" and row.sent_at is None
    assert row.error == "waiting for a staff chat: none for department sales"
    assert row.not_before > utcnow() + timedelta(seconds=30)  # held, not retried at once
    await bob.press("4")  # the conversation goes on
    assert bob.last_text.startswith("3/")
    async with httpx.AsyncClient(base_url=app.url) as client:
        health = (await client.get("/healthz")).json()
    assert health["status"] == "ok" and health["undelivered_alerts"] == 1
    (warning,) = health["warnings"]
    assert warning.startswith("no staff chat for logistics, quality, sales, service, (no dep")
    await app.stop()

    # Restarted with a chat for the other departments only: a warning names the rest.
    caplog.set_level(logging.WARNING, logger="admin.app")
    partial = await _serve(db_url, sim, staff_chat_id=None, department_chats={"quality": 1})
    await partial.stop()
    (logged,) = [r.getMessage() for r in caplog.records if r.name == "admin.app"]
    assert logged.startswith("no staff chat for logistics, sales, service, (no department):")
    # Restarted with a staff chat: the waiting alert goes out at once, and only once.
    staff = sim.group(STAFF_CHAT, "Staff")
    served = await _serve(db_url, sim)
    try:
        await sim.wait_for(lambda: alerts(staff), timeout=SOON, what="the held alert")
        await _recorded_alert(sessions)  # marked sent just after Telegram took it
        async with httpx.AsyncClient(base_url=served.url) as client:
            health = (await client.get("/healthz")).json()
    finally:
        await served.stop()
    ((text,),) = [alerts(staff)]
    assert "Respondent: Bob · purchasing" in text and "Score: 2 · Dissatisfied" in text
    assert health == {"status": "ok", "warnings": [], "undelivered_alerts": 0}
    async with sessions() as session:
        sent = await session.get(OutboundMessage, row.id)
    assert sent is not None and (sent.state, sent.error) == ("sent", None)


async def test_without_a_staff_chat_a_complaint_is_not_said_to_be_passed_on(
    app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    tokens = await seed_campaign(sessions)
    bob = sim.user(1002, "Bob", language_code="en")
    await bob.send_text(f"/start {tokens['r2']}")
    await bob.send_text("/feedback")
    await bob.send_text("The last shipment arrived damaged.")
    await bob.press("Yes, a complaint")
    assert bob.last_text == "We have recorded your complaint; our team will follow it up."
    assert all("passed to our staff" not in (m.text or "") for m in bob.messages)


async def _eventually_held(sessions, timeout: float = 10.0) -> OutboundMessage:  # type: ignore[no-untyped-def]
    """The first alert row held for want of a chat, polling until one shows up."""
    for _ in range(int(timeout / 0.1)):
        async with sessions() as session:
            row = await session.scalar(
                select(OutboundMessage).where(
                    OutboundMessage.kind == "alert", OutboundMessage.error.is_not(None)
                )
            )
        if row is not None:
            return row
        await asyncio.sleep(0.1)
    raise AssertionError("the alert was never held")


async def _finish_follow_up(sim: BotApiSimulator, token: str) -> None:
    bob = await begin(sim, token, 1002, "Bob")
    await bob.press("2")
    await bob.press("Done")
    await bob.press("Skip")


@pytest.mark.parametrize("times", [2, 7])  # PTB retries 5 times itself; beyond that, we do
async def test_an_injected_flood_wait_still_delivers_the_alert_once(
    idle_app: AppServer, sim: BotApiSimulator, db_url: str, sessions, times: int
) -> None:
    staff = sim.group(STAFF_CHAT, "Staff")
    tokens = await seed_campaign(sessions)
    await _finish_follow_up(sim, tokens["r2"])
    sim.inject_error("sendMessage", status=429, retry_after=1, times=times)
    limiter = AIORateLimiter(max_retries=5)
    async with ExtBot(sim.token, base_url=sim.base_url, rate_limiter=limiter) as bot:
        dispatcher = Dispatcher(bot, sessions, idle_app.settings, default_renderers(), worker="t")
        sent = await dispatcher.dispatch(utcnow())
        if times > 5:
            assert sent == 0
            sent = await dispatcher.dispatch(utcnow() + timedelta(seconds=2))
    assert sent == 1 and len(alerts(staff)) == 1
    refused = [c for c in sim.calls("sendMessage", chat_id=STAFF_CHAT) if c.error_code == 429]
    assert len(refused) == times


async def test_a_dropped_connection_still_delivers_the_alert_once(
    idle_app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    staff = sim.group(STAFF_CHAT, "Staff")
    tokens = await seed_campaign(sessions)
    await _finish_follow_up(sim, tokens["r2"])
    sim.drop_connections("sendMessage", times=1)
    async with ExtBot(sim.token, base_url=sim.base_url, rate_limiter=AIORateLimiter()) as bot:
        dispatcher = Dispatcher(bot, sessions, idle_app.settings, default_renderers(), worker="t")
        assert await dispatcher.dispatch(utcnow()) == 0
        assert await dispatcher.dispatch(utcnow() + timedelta(seconds=3)) == 1
    assert len(alerts(staff)) == 1 and len(sim.calls("sendMessage", chat_id=STAFF_CHAT)) == 2
