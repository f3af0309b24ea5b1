"""Alerts nobody received are not silent: ``GET /tickets?undelivered=true`` lists them with the
reason, and ``/healthz`` counts them and names the departments without a staff chat."""

from __future__ import annotations

from datetime import timedelta

from telegram import Bot

from bot.dispatch import Dispatcher, default_renderers
from simulator import BotApiSimulator
from storage.types import utcnow
from tests.admin.conftest import Api
from tests.support import open_test_ticket, seed_campaign

SERVICE_CHAT, LOST_CHAT = -1003333, -1004040  # the simulator knows the first only
NO_CHAT_WARNING = (
    "no staff chat for logistics, quality, sales, service, (no department): their alerts wait "
    "(pending) until CSAT_DEPARTMENT_CHATS or CSAT_STAFF_CHAT_ID names one"
)


async def three_alerts(api: Api, sim: BotApiSimulator) -> dict[str, int]:
    """Tickets of quality (its chat unknown to Telegram), sales (no chat) and service (a
    working chat), their alerts sent once; returns the ticket ids by department."""
    sim.group(SERVICE_CHAT, "Service")
    tokens = await seed_campaign(api.sessions)
    tickets = {
        "quality": await open_test_ticket(api.sessions, tokens["r1"], department="quality"),
        "sales": await open_test_ticket(
            api.sessions, tokens["r2"], question="GI", department="sales"
        ),
        "service": await open_test_ticket(
            api.sessions, tokens["r3"], question="TS.needs", department="service"
        ),
    }
    settings = api.app.state.settings.model_copy(
        update={"department_chats": {"quality": LOST_CHAT, "service": SERVICE_CHAT}}
    )
    async with Bot(sim.token, base_url=sim.base_url) as bot:
        dispatcher = Dispatcher(bot, api.sessions, settings, default_renderers(), worker="t")
        assert await dispatcher.dispatch(utcnow() + timedelta(minutes=4)) == 1  # after the grace
    return tickets


async def test_undelivered_alerts_are_listed_with_their_reason(
    api: Api, sim: BotApiSimulator
) -> None:
    tickets = await three_alerts(api, sim)
    undelivered = await api.get("/tickets", params={"undelivered": "true"}, role="viewer")
    assert undelivered.status_code == 200, undelivered.text
    body = undelivered.json()
    assert body["count"] == 2
    assert [(t["id"], t["alert_error"]) for t in body["data"]] == [
        (tickets["quality"], "refused: Chat not found"),
        (tickets["sales"], "waiting for a staff chat: none for department sales"),
    ]
    everything = (await api.get("/tickets", role="viewer")).json()
    assert {t["id"]: t["alert_error"] for t in everything["data"]} == {
        tickets["quality"]: "refused: Chat not found",
        tickets["sales"]: "waiting for a staff chat: none for department sales",
        tickets["service"]: None,
    }
    sales = await api.get("/tickets", params={"undelivered": "true", "department": "sales"})
    assert [t["id"] for t in sales.json()["data"]] == [tickets["sales"]]
    one = (await api.get(f"/tickets/{tickets['sales']}")).json()
    assert one["alert_error"] == "waiting for a staff chat: none for department sales"


async def test_health_counts_undelivered_alerts_and_names_unrouted_departments(
    api: Api, sim: BotApiSimulator
) -> None:
    assert (await api.get("/healthz", role=None)).json() == {
        "status": "ok",
        "warnings": [],
        "undelivered_alerts": 0,
    }  # nothing loaded yet: nothing to route
    await three_alerts(api, sim)
    health = await api.get("/healthz", role=None)
    assert health.status_code == 200
    assert health.json() == {
        "status": "ok",
        "warnings": [NO_CHAT_WARNING],  # this app's own settings name no chat at all
        "undelivered_alerts": 2,
    }
