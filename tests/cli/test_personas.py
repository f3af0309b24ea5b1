"""The demo's simulated people finish a survey when the webhook does not take an update at
first (the bot answers 503 while its database is locked; here nothing listens): they deliver
it again, as Telegram does, and wait for the bot's next question."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import select

from cli.hosting import AppServer
from cli.personas import Persona, answer_survey
from simulator import BotApiSimulator
from storage.models import Invitation
from tests.support import free_port, seed_campaign

STEADY = Persona(mood=4.0, na_rate=0.0, stop_after=None, language="en", talkative=False)


@pytest.mark.long_running(12)
async def test_a_refused_update_is_delivered_again(
    sessions, sim: BotApiSimulator, app: AppServer
) -> None:  # type: ignore[no-untyped-def]
    tokens = await seed_campaign(sessions)
    nowhere = f"http://127.0.0.1:{free_port()}/telegram/webhook"  # connection refused
    # Round robin: every update's first delivery goes nowhere, its redelivery to the app.
    sim.webhook_targets = [nowhere, app.webhook_url]
    user = sim.user(1001, first_name="Alice", language_code="en")
    outcome = await answer_survey(user, tokens["r1"], STEADY, random.Random(7), sim.redeliver)
    assert outcome == "completed"
    assert sim.pending_updates == []  # each update was taken in the end
    async with sessions() as session:
        states = set(await session.scalars(select(Invitation.state)))
    assert "completed" in states
