"""``csat campaign invite`` says where each invitation went (chat now, chat in the respondent's
morning, a link for the account owner); ``csat campaign chase`` lists the ones Telegram refused."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot

from bot.dispatch import Dispatcher
from bot.invitations import RENDERERS
from simulator import BotApiSimulator
from storage.models import Respondent
from storage.types import utcnow
from survey.calendar import next_morning
from tests.cli.test_commands import csat
from tests.support import make_settings, seed_campaign


def zone_at(local_hour: int, now: datetime) -> str:
    """A fixed-offset time zone in which it is ``local_hour`` o'clock at ``now``."""
    offset = (local_hour - now.hour) % 24
    offset = offset - 24 if offset > 14 else offset
    return f"Etc/GMT{-offset:+d}" if offset else "UTC"  # Etc/GMT-5 is UTC+5


async def reach(
    sessions: async_sessionmaker[AsyncSession], people: dict[str, tuple[int, str]]
) -> None:
    """Give respondents a Telegram id and a time zone."""
    async with sessions() as session, session.begin():
        for external_id, (chat_id, zone) in people.items():
            await session.execute(
                update(Respondent)
                .where(Respondent.external_id == external_id)
                .values(telegram_user_id=chat_id, timezone=zone)
            )


async def test_invite_says_what_went_to_chat_what_waits_for_the_morning_and_the_links(
    db_url: str, sessions
) -> None:
    await seed_campaign(sessions)
    now = utcnow()
    night = zone_at(2, now)
    await reach(sessions, {"r1": (1001, zone_at(12, now)), "r2": (1002, night)})
    code, out = await csat(db_url, "campaign", "invite", "2026-Q4")
    assert code == 0, out
    morning = next_morning(now, night, 8).astimezone(ZoneInfo("Asia/Shanghai"))
    until = morning.strftime("%Y-%m-%d %H:%M")
    summary = " ".join(out.split())  # rich may wrap the line
    assert (
        "invitations: 1 to chat now, 1 held for the respondent's morning "
        f"(until {until} Asia/Shanghai), 2 links for account owners" in summary
    ), out
    assert "chat messages are sent by `csat serve`" in summary
    assert len(re.findall(r"^r\d\thttps://t\.me/csat_test_bot\?start=", out, re.M)) == 4
    code, again = await csat(db_url, "campaign", "invite", "2026-Q4")
    again = " ".join(again.split())
    assert code == 0 and "0 to chat now, 0 held for the respondent's morning, 0 links" in again


async def test_chase_lists_the_invitations_telegram_refused(
    db_url: str, sessions, sim: BotApiSimulator
) -> None:
    tokens = await seed_campaign(sessions)
    bob = sim.user(1002, first_name="Bob")
    await bob.send_text("/start")  # no bot serves these updates: he only opens the chat
    await bob.block_bot()
    day = zone_at(12, utcnow())
    await reach(sessions, {"r1": (1001, day), "r2": (1002, day)})  # r1: no such chat
    code, out = await csat(db_url, "campaign", "invite", "2026-Q4")
    assert code == 0, out
    settings = make_settings(db_url, sim)
    async with Bot(sim.token, base_url=sim.base_url) as bot:
        dispatcher = Dispatcher(bot, sessions, settings, RENDERERS, worker="t")
        assert await dispatcher.dispatch(utcnow()) == 0
    code, chase = await csat(db_url, "campaign", "chase", "2026-Q4")
    assert code == 0, chase
    rows = re.findall(r"^(r\d)\t[^\t]+\tCustomer C\d\t([^\t]+)\t[^\t]+\t(\S+)$", chase, re.M)
    link = "https://t.me/csat_test_bot?start="
    assert rows == [
        ("r1", "Telegram refused the invitation (refused: Chat not found)", link + tokens["r1"]),
        (
            "r2",
            "Telegram refused the invitation (blocked: Forbidden: bot was blocked by the user)",
            link + tokens["r2"],
        ),
        ("r3", "never opened the bot", link + tokens["r3"]),
        ("r4", "never opened the bot", link + tokens["r4"]),
    ]
    assert "4 to chase, 0 due" in chase
