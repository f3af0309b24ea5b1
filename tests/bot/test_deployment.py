"""Deployment properties: restarts lose nothing, duplicates count once, several instances share
one database, the webhook checks its secret, long polling works too."""

from __future__ import annotations

import httpx
import pytest
from sqlalchemy import func, select

from cli.hosting import AppServer
from simulator import BotApiSimulator
from storage.models import Answer, ProcessedUpdate
from survey.loader import load_template
from tests.support import (
    WEBHOOK_SECRET,
    begin,
    begin_polled,
    make_settings,
    polling_settings,
    seed_campaign,
    shows,
)

QUESTIONS = load_template("ecss-5").questions()


async def _count(sessions, model) -> int:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)))


async def test_restart_mid_survey_resumes_at_first_unanswered(
    app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    tokens = await seed_campaign(sessions)
    alice = await begin(sim, tokens["r1"], 1001, "Alice")
    await alice.press("5")
    await alice.press("4")
    await app.stop()
    down = await alice.send_text("hello?")  # Telegram keeps it while nobody answers
    assert down.status_code != 200 and len(sim.pending_updates) == 1
    restarted = AppServer(app.settings)
    await restarted.start()
    try:
        await sim.redeliver_pending()
        assert sim.pending_updates == []
        assert alice.last_text.startswith(f"3/{len(QUESTIONS)}")
        await alice.press("3")
        assert alice.last_text.startswith(f"4/{len(QUESTIONS)}")
    finally:
        await restarted.stop()
    async with sessions() as session:
        levels = list(await session.scalars(select(Answer.level).order_by(Answer.id)))
    assert levels == [5, 4, 3]


@pytest.mark.both_backends
async def test_the_same_update_twice_is_processed_once(
    app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    tokens = await seed_campaign(sessions)
    alice = await begin(sim, tokens["r1"], 1001, "Alice")
    delivery = await alice.press("2")
    sent_before = len(sim.calls(method="sendMessage"))
    again = await sim.redeliver(delivery.update_id)
    assert again.status_code == 200
    assert len(sim.calls(method="sendMessage")) == sent_before  # nothing said twice
    async with sessions() as session:
        answers = list(await session.scalars(select(Answer).order_by(Answer.id)))
    assert [(a.kind, a.level) for a in answers] == [("likert", 2), ("followup", None)]
    from storage.models import Ticket

    assert await _count(sessions, Ticket) == 1


@pytest.mark.both_backends
async def test_two_instances_serve_alternating_updates(
    db_url: str, sim: BotApiSimulator, sessions
) -> None:
    tokens = await seed_campaign(sessions)
    first, second = AppServer(make_settings(db_url, sim)), AppServer(make_settings(db_url, sim))
    await first.start()
    await second.start()
    try:
        await first.register_webhook()
        sim.webhook_targets = [first.webhook_url, second.webhook_url]  # a round-robin balancer
        alice = await begin(sim, tokens["r1"], 1001, "Alice")
        for level in ["5", "4", "3", "5", "4"]:
            await alice.press(level)
        assert alice.last_text.startswith(f"6/{len(QUESTIONS)}")
    finally:
        await first.stop()
        await second.stop()
    async with sessions() as session:
        levels = list(await session.scalars(select(Answer.level).order_by(Answer.id)))
    assert levels == [5, 4, 3, 5, 4]


async def test_webhook_with_a_wrong_secret_is_refused(
    app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    tokens = await seed_campaign(sessions)
    update = {
        "update_id": 99,
        "message": {
            "message_id": 1,
            "date": 1_700_000_000,
            "text": f"/start {tokens['r1']}",
            "chat": {"id": 1001, "type": "private", "first_name": "Alice"},
            "from": {"id": 1001, "is_bot": False, "first_name": "Alice"},
            "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        },
    }
    async with httpx.AsyncClient() as client:
        wrong = await client.post(
            app.webhook_url, json=update, headers={"X-Telegram-Bot-Api-Secret-Token": "wrong"}
        )
        missing = await client.post(app.webhook_url, json=update)
        garbage = await client.post(
            app.webhook_url,
            content=b"{not json",
            headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET},
        )
        right = await client.post(
            app.webhook_url,
            json=update,
            headers={"X-Telegram-Bot-Api-Secret-Token": WEBHOOK_SECRET},
        )
    assert (wrong.status_code, missing.status_code) == (403, 403)
    assert garbage.status_code == 400
    assert right.status_code == 200
    assert await _count(sessions, ProcessedUpdate) == 1  # only the right one got in
    assert sim.calls(method="sendMessage")[-1].params["chat_id"] in (1001, "1001")


async def test_long_polling_mode(db_url: str, sim: BotApiSimulator, sessions) -> None:
    tokens = await seed_campaign(sessions)
    polling = AppServer(polling_settings(db_url, sim))
    await polling.start()
    try:
        alice = await begin_polled(sim, tokens["r1"])
        await alice.press("5")
        await sim.wait_for(lambda: shows(alice, "2/"), what="the second question")
    finally:
        await polling.stop()
    assert sim.calls(method="getUpdates")
