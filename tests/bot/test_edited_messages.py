"""Edited messages are not answers (issue 8 point 3): the bot asks Telegram only for the update
types it reads, in webhook and polling mode alike, and ignores an edit that arrives anyway."""

from __future__ import annotations

from sqlalchemy import func, select
from telegram import Bot

from bot.application import ALLOWED_UPDATES
from cli.hosting import AppServer
from simulator import BotApiSimulator, SimUser
from storage.models import Answer, Ticket
from tests.support import begin, polling_settings, seed_campaign


def _own_messages(user: SimUser) -> list[int]:
    return [m.message_id for m in user.chat.history if not m.from_bot]


async def _state(sessions) -> tuple[list[int | None], int]:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        levels = list(await session.scalars(select(Answer.level).order_by(Answer.id)))
        tickets = int(await session.scalar(select(func.count()).select_from(Ticket)) or 0)
    return levels, tickets


async def test_the_webhook_asks_only_for_messages_and_presses(
    app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    async with Bot(sim.token, base_url=sim.base_url) as bot:
        info = await bot.get_webhook_info()
    assert list(info.allowed_updates or ()) == ["message", "callback_query"] == ALLOWED_UPDATES
    tokens = await seed_campaign(sessions)
    alice = await begin(sim, tokens["r1"], 1001, "Alice")
    await alice.send_text("4")  # a typed answer to the first question
    assert (alice.last_text or "").startswith("2/")
    delivery = await alice.edit_text(_own_messages(alice)[-1], "1")
    assert delivery.status_code is None  # Telegram never sends it
    assert await _state(sessions) == ([4], 0)


async def test_an_edit_that_arrives_anyway_is_ignored(
    app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    async with Bot(sim.token, base_url=sim.base_url) as bot:  # someone set it by hand: all types
        await bot.set_webhook(app.webhook_url, secret_token=app.settings.secret, allowed_updates=[])
    tokens = await seed_campaign(sessions)
    alice = await begin(sim, tokens["r1"], 1001, "Alice")
    await alice.send_text("4")
    shown = alice.last_text
    sent_before = len(sim.calls(method="sendMessage"))
    delivery = await alice.edit_text(_own_messages(alice)[-1], "1")
    assert delivery.status_code == 200  # delivered, acknowledged...
    assert await _state(sessions) == ([4], 0)  # ...and not taken as an answer to question 2
    assert len(sim.calls(method="sendMessage")) == sent_before and alice.last_text == shown


async def test_polling_asks_only_for_messages_and_presses(
    db_url: str, sim: BotApiSimulator
) -> None:
    polling = AppServer(polling_settings(db_url, sim))
    await polling.start()
    try:
        alice = sim.user(1001, first_name="Alice", language_code="en")
        await alice.send_text("/help")  # ends the long poll waiting for it
        await sim.wait_for(lambda: alice.last_text is not None, what="the bot's answer")
    finally:
        await polling.stop()
    asked = [call.params.get("allowed_updates") for call in sim.calls(method="getUpdates")]
    assert asked and all(list(each or ()) == ALLOWED_UPDATES for each in asked)
