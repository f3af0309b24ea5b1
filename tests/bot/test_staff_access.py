"""Only staff act on tickets (SPEC §5, issue 8 point 1): a stranger replaying every staff
button, in their own chat or in a group, learns nothing and changes nothing; the members of the
ticket's staff group and registered staff in their private chat may act."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select
from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup

from bot.texts import t
from cli.hosting import AppServer
from simulator import BotApiSimulator, SimChat, SimUser
from storage.models import Ticket
from storage.tickets import ticket_history
from survey import actions as act
from tests.support import begin, invoke_csat, make_settings, seed_campaign

QUALITY_CHAT, STAFF_CHAT, OTHER_GROUP = -1001111, -1002222, -1009999
SOON = 8.0
REFUSED_EN = t("staff_only", "en")


@pytest.fixture
async def staff_app(db_url: str, sim: BotApiSimulator) -> AsyncIterator[AppServer]:
    values = {
        "staff_chat_id": STAFF_CHAT,
        "department_chats": {"quality": QUALITY_CHAT},
        "staff_language": "en",
        "scheduler_interval": 1.0,
    }
    server = AppServer(make_settings(db_url, sim).model_copy(update=values))
    await server.start()
    await server.register_webhook()
    yield server
    await server.stop()


def alerts(chat: SimChat) -> list[str]:
    return [m.text or "" for m in chat.messages if (m.text or "").startswith("🔴")]


async def _alerted_ticket(sim: BotApiSimulator, sessions, token: str) -> Ticket:  # type: ignore[no-untyped-def]
    """Bob gives general impression a 2 with a comment; its alert reaches the staff chat."""
    staff = sim.group(STAFF_CHAT, "Staff")
    bob = await begin(sim, token, 1002, "Bob")
    await bob.press("2")
    await bob.press("Done")
    await bob.send_text("Secret complaint about the late order.")
    await sim.wait_for(lambda: alerts(staff), timeout=SOON, what="the staff alert")
    for _ in range(400):  # the dispatcher records the alert (history "alerted") just after
        async with sessions() as session:
            ticket = await session.scalar(select(Ticket))
        if ticket is not None and ticket.alert_message_id is not None:
            return ticket
        await asyncio.sleep(0.02)
    raise AssertionError("the alert was never recorded on its ticket")


async def _keyboard_in(sim: BotApiSimulator, chat_id: int) -> None:
    """Any bot message with a button in that chat, for a forged press to hang on."""
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("Menu", callback_data="x")]])
    async with Bot(sim.token, base_url=sim.base_url) as bot:
        await bot.send_message(chat_id, "Hello", reply_markup=markup)


def _staff_buttons(ticket_ids: list[int]) -> list[str]:
    return [
        act.encode(action(ticket_id))
        for ticket_id in ticket_ids
        for action in (act.TakeTicket, act.OpenTicket)
    ]


async def _snapshot(sessions, ticket_id: int) -> tuple[object, ...]:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        ticket = await session.get(Ticket, ticket_id)
        assert ticket is not None
        events = [e.action for e in await ticket_history(session, ticket_id)]
        return ticket.status, ticket.owner, ticket.owner_telegram_id, tuple(events)


def _leaks(chat_texts: list[str]) -> list[str]:
    return [text for text in chat_texts if "Secret complaint" in text or "Customer C1" in text]


async def test_a_stranger_replaying_every_staff_button_learns_and_changes_nothing(
    staff_app: AppServer, sim: BotApiSimulator, sessions, caplog: pytest.LogCaptureFixture
) -> None:
    tokens = await seed_campaign(sessions)
    ticket = await _alerted_ticket(sim, sessions, tokens["r2"])
    before = await _snapshot(sessions, ticket.id)
    # A respondent in their own private chat, on the survey's own messages.
    eve = await begin(sim, tokens["r1"], 1001, "Eve")
    # A stranger who added the bot to a group of their own.
    other = sim.group(OTHER_GROUP, "Not staff")
    await _keyboard_in(sim, OTHER_GROUP)
    mallory = sim.user(6666, "Mallory")
    buttons = _staff_buttons([ticket.id, ticket.id + 1, 0, 2**31 - 1])
    eve_seen, other_seen = len(eve.messages), len(other.messages)

    with caplog.at_level(logging.WARNING, logger="bot.staff"):
        for data in buttons:
            await eve.press_data(data)
            await mallory.press_data(data, chat=other)

    assert eve.callback_answers[-len(buttons) :] == [REFUSED_EN] * len(buttons)
    assert mallory.callback_answers == [REFUSED_EN] * len(buttons)
    assert len(eve.messages) == eve_seen and len(other.messages) == other_seen
    assert _leaks([m.text or "" for m in [*eve.messages, *other.messages]]) == []
    assert await _snapshot(sessions, ticket.id) == before
    refusals = [r for r in caplog.records if "refused staff action" in r.getMessage()]
    assert len(refusals) == 2 * len(buttons)
    assert f"user 6666 (Mallory) in chat {OTHER_GROUP}" in refusals[1].getMessage()


async def test_another_departments_staff_group_cannot_act_on_the_ticket(
    staff_app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    tokens = await seed_campaign(sessions)
    ticket = await _alerted_ticket(sim, sessions, tokens["r2"])  # a sales ticket: STAFF_CHAT
    quality = sim.group(QUALITY_CHAT, "Quality")
    await _keyboard_in(sim, QUALITY_CHAT)
    zhou = sim.user(4001, "Zhou")
    before = await _snapshot(sessions, ticket.id)
    for data in _staff_buttons([ticket.id]):
        await zhou.press_data(data, chat=quality)
    assert zhou.callback_answers == [REFUSED_EN, REFUSED_EN]
    assert _leaks([m.text or "" for m in quality.messages]) == []
    assert await _snapshot(sessions, ticket.id) == before


async def _csat(db_url: str, *args: str) -> str:
    result = await invoke_csat(db_url, *args)
    assert result.exit_code == 0, result.output
    return result.output


async def _private_keyboard(sim: BotApiSimulator, user: SimUser) -> None:
    await user.send_text("/start")  # a bot cannot write to someone first
    await _keyboard_in(sim, user.id)


async def test_registered_staff_act_in_their_private_chat_for_their_department(
    staff_app: AppServer, sim: BotApiSimulator, sessions, db_url: str
) -> None:
    tokens = await seed_campaign(sessions)
    ticket = await _alerted_ticket(sim, sessions, tokens["r2"])
    assert ticket.department == "sales"
    out = await _csat(
        db_url,
        "staff",
        "add",
        "--telegram-id",
        "5001",
        "--name",
        "Wang Lei",
        "--department",
        "sales",
    )
    assert "Wang Lei (5001) added" in out
    await _csat(
        db_url, "staff", "add", "--telegram-id", "5002", "--name", "Qi", "--department", "quality"
    )
    assert (await _csat(db_url, "staff", "list")).splitlines() == [
        "5002\tQi\tquality",
        "5001\tWang Lei\tsales",
    ]

    qi = sim.user(5002, "Qi")
    await _private_keyboard(sim, qi)
    for data in _staff_buttons([ticket.id]):
        await qi.press_data(data)
    assert qi.callback_answers == [REFUSED_EN, REFUSED_EN]  # not her department

    wang = sim.user(5001, "Lei", "Wang")
    await _private_keyboard(sim, wang)
    take, open_ = _staff_buttons([ticket.id])
    await wang.press_data(take)
    assert wang.callback_answers == [f"Ticket #{ticket.id} is yours."]
    assert (await _snapshot(sessions, ticket.id))[:3] == ("acknowledged", "Lei Wang", 5001)
    await wang.press_data(open_)
    assert (wang.last_text or "").startswith(f"📋 Ticket #{ticket.id}")
    assert "Secret complaint" in (wang.last_text or "")

    # Registered or not, a group that is no staff chat never gets a ticket's details.
    other = sim.group(OTHER_GROUP, "Not staff")
    await _keyboard_in(sim, OTHER_GROUP)
    await wang.press_data(open_, chat=other)
    assert (
        wang.callback_answers[-1] == REFUSED_EN
        and _leaks([m.text or "" for m in other.messages]) == []
    )

    await _csat(db_url, "staff", "remove", "--telegram-id", "5001")
    await wang.press_data(open_)
    assert wang.callback_answers[-1] == REFUSED_EN


async def test_staff_add_refuses_impossible_ids_and_names(db_url: str) -> None:
    for bad in ("0", "-5", str(2**63)):
        result = await invoke_csat(db_url, "staff", "add", "--telegram-id", bad, "--name", "X")
        assert result.exit_code == 2 and "positive 64-bit integer" in result.output
    result = await invoke_csat(db_url, "staff", "add", "--telegram-id", "7", "--name", "x" * 121)
    assert result.exit_code == 2 and "1–120 characters" in result.output
    assert (await invoke_csat(db_url, "staff", "remove", "--telegram-id", "7")).exit_code == 1
