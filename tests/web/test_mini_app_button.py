"""The chat invitation and reminder offer "Answer in a form" as a web_app button beside the
deep link, with the web link as its URL, when the public URL is https; without a public URL,
or with an http one (which Telegram refuses for Mini Apps), only the deep link. Sent for real:
outbox, dispatcher, python-telegram-bot and the simulator."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot

from bot.dispatch import Dispatcher
from bot.invitations import RENDERERS
from simulator import BotApiSimulator
from simulator.client import SimMessage, SimUser
from storage.campaigns import campaign_by_key
from storage.models import Respondent
from storage.reminders import ReminderPolicy, plan_reminders, send_invitations
from storage.types import utcnow
from survey.calendar import WorkingCalendar
from survey.settings import Settings
from tests.support import make_settings, seed_campaign

POLICY = ReminderPolicy(WorkingCalendar("CN", "Asia/Shanghai"))
PUBLIC = "https://survey.example.com"


def noon_before_now() -> datetime:
    noon = utcnow().replace(hour=12, minute=0, second=0, microsecond=0)
    return noon if noon <= utcnow() else noon - timedelta(days=1)


async def invite_in_chat(
    sessions: async_sessionmaker[AsyncSession], sim: BotApiSimulator, settings: Settings
) -> tuple[dict[str, str], SimUser, SimUser]:
    """Alice (en) and 王芳 (zh-CN) have chats with the bot; their invitations go out."""
    tokens = await seed_campaign(sessions)
    alice = sim.user(1001, first_name="Alice", language_code="en")
    wang = sim.user(1003, first_name="芳", language_code="zh-hans")
    for user in (alice, wang):
        await user.send_text("/start")  # they have talked to the bot before
    async with sessions() as session, session.begin():
        for external_id, chat in (("r1", 1001), ("r3", 1003)):
            await session.execute(
                update(Respondent)
                .where(Respondent.external_id == external_id)
                .values(telegram_user_id=chat, timezone="UTC")
            )
        campaign = await campaign_by_key(session, "2026-Q4")
        assert campaign is not None
        await send_invitations(session, campaign, now=noon_before_now(), policy=POLICY)
    async with Bot(settings.token or "", base_url=f"{settings.telegram_api_url}/bot") as bot:
        dispatcher = Dispatcher(bot, sessions, settings, RENDERERS, worker="test")
        assert await dispatcher.dispatch(noon_before_now()) == 2
    return tokens, alice, wang


def keys(message: SimMessage | None) -> list[tuple[str, str | None, str | None]]:
    """(text, url, Mini App url) of each button of the message's one row."""
    assert message is not None
    (row,) = message.raw["reply_markup"]["inline_keyboard"]
    return [(b["text"], b.get("url"), b.get("web_app", {}).get("url")) for b in row]


async def test_the_invitation_offers_the_form_as_a_mini_app(sessions, db_url, sim) -> None:
    settings = make_settings(db_url, sim).model_copy(update={"public_url": PUBLIC})
    tokens, alice, wang = await invite_in_chat(sessions, sim, settings)
    chat_link = f"https://t.me/csat_test_bot?start={tokens['r1']}"
    assert keys(alice.last_message) == [
        ("Take the survey", chat_link, None),
        ("Answer in a form", None, f"{PUBLIC}/s/{tokens['r1']}"),
    ]
    assert alice.last_message is not None
    assert alice.last_message.web_app_url("Answer") == f"{PUBLIC}/s/{tokens['r1']}"
    assert [text for text, *_ in keys(wang.last_message)] == ["开始填写", "在表单中作答"]
    assert keys(wang.last_message)[1][2] == f"{PUBLIC}/s/{tokens['r3']}"

    # A week on, the reminder carries the same two ways in.
    async with sessions() as session, session.begin():
        due = noon_before_now() + timedelta(days=7)
        await plan_reminders(session, now=due, policy=POLICY)
    async with Bot(settings.token or "", base_url=f"{settings.telegram_api_url}/bot") as bot:
        dispatcher = Dispatcher(bot, sessions, settings, RENDERERS, worker="test")
        assert await dispatcher.dispatch(due) == 2
    assert alice.last_text is not None and "reminder" in alice.last_text
    assert keys(alice.last_message)[1] == ("Answer in a form", None, f"{PUBLIC}/s/{tokens['r1']}")


@pytest.mark.parametrize("public_url", [None, "http://192.168.1.20:8000"])
async def test_without_an_https_public_url_only_the_chat_is_offered(
    sessions, db_url, sim, public_url: str | None
) -> None:
    settings = make_settings(db_url, sim).model_copy(update={"public_url": public_url})
    tokens, alice, _ = await invite_in_chat(sessions, sim, settings)
    chat_link = f"https://t.me/csat_test_bot?start={tokens['r1']}"
    assert keys(alice.last_message) == [("Take the survey", chat_link, None)]
