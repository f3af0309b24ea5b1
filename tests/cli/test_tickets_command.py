"""``csat tickets list``: tickets with where their alert stands; ``--undelivered`` shows the ones
no staff chat received, with the reason."""

from __future__ import annotations

import re
from datetime import timedelta

from telegram import Bot

from bot.dispatch import Dispatcher, default_renderers
from simulator import BotApiSimulator
from storage.engine import transaction
from storage.tickets import update_ticket
from storage.types import utcnow
from tests.cli.test_commands import csat
from tests.support import make_settings, open_test_ticket, seed_campaign

SERVICE_CHAT, LOST_CHAT = -1003333, -1004040  # the simulator knows the first only


def lines(out: str) -> list[list[str]]:
    return [line.split("\t") for line in out.splitlines() if re.match(r"#\d+\t", line)]


async def test_tickets_list_shows_undelivered_alerts_with_the_reason(
    db_url: str, sessions, sim: BotApiSimulator
) -> None:
    sim.group(SERVICE_CHAT, "Service")
    tokens = await seed_campaign(sessions)
    quality = await open_test_ticket(sessions, tokens["r1"], department="quality")
    sales = await open_test_ticket(sessions, tokens["r2"], question="GI", department="sales")
    service = await open_test_ticket(
        sessions, tokens["r3"], question="TS.needs", department="service"
    )
    settings = make_settings(db_url, sim).model_copy(
        update={"department_chats": {"quality": LOST_CHAT, "service": SERVICE_CHAT}}
    )
    async with Bot(sim.token, base_url=sim.base_url) as bot:
        dispatcher = Dispatcher(bot, sessions, settings, default_renderers(), worker="t")
        assert await dispatcher.dispatch(utcnow() + timedelta(minutes=4)) == 1
    async with transaction(sessions) as session:
        await update_ticket(session, service, actor="test", status="acknowledged")

    code, out = await csat(db_url, "tickets", "list", "--undelivered")
    assert code == 0, out
    assert lines(out) == [
        [f"#{quality}", "open", "quality", "Customer C1", "2", "refused: Chat not found"],
        [
            f"#{sales}",
            "open",
            "sales",
            "Customer C1",
            "2",
            "waiting for a staff chat: none for department sales",
        ],
    ]
    assert "2 tickets whose alert no staff chat has received" in out

    code, out = await csat(db_url, "tickets", "list")
    assert code == 0, out
    assert [(row[0], row[1], row[-1]) for row in lines(out)] == [
        (f"#{quality}", "open", "refused: Chat not found"),
        (f"#{sales}", "open", "waiting for a staff chat: none for department sales"),
        (f"#{service}", "acknowledged", f"alert sent to chat {SERVICE_CHAT}"),
    ]
    assert "3 tickets" in out
    code, out = await csat(db_url, "tickets", "list", "--status", "acknowledged")
    assert code == 0 and [row[0] for row in lines(out)] == [f"#{service}"]
    code, out = await csat(db_url, "tickets", "list", "--status", "nonsense")
    assert code != 0 and "nonsense" in out and "Traceback" not in out
