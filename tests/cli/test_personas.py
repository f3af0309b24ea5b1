"""The demo's simulated people finish a survey when the webhook does not take an update at
first (the bot answers 503 while its database is locked; here nothing listens): they deliver
it again, as Telegram does, and wait for the bot's next question. On the web form they answer
over HTTP with the same choices, posting each page's form."""

from __future__ import annotations

import random

import httpx
import pytest
from sqlalchemy import select

from cli.hosting import AppServer
from cli.personas import Persona, answer_survey
from cli.web_persona import answer_on_web
from simulator import BotApiSimulator
from storage.models import Answer, Invitation, Ticket
from survey.vocabulary import AnswerKind, Channel, InvitationState
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


UNHAPPY = Persona(mood=1.0, na_rate=0.0, stop_after=None, language="zh-CN", talkative=True)


async def test_a_web_respondent_answers_the_whole_form_with_the_personas_choices(
    sessions, app: AppServer
) -> None:  # type: ignore[no-untyped-def]
    tokens = await seed_campaign(sessions)
    async with httpx.AsyncClient(timeout=30) as http:
        link = f"{app.url}/s/{tokens['r1']}"
        outcome = await answer_on_web(http, link, UNHAPPY, random.Random(3), "198.18.0.1")
        leaving = Persona(4.0, 0.0, stop_after=2, language="en", talkative=False)
        left = await answer_on_web(
            http, f"{app.url}/s/{tokens['r2']}", leaving, random.Random(3), "198.18.0.2"
        )
    assert (outcome, left) == ("completed", "partial")
    async with sessions() as session:
        invitations = {i.token: i for i in await session.scalars(select(Invitation))}
        answers = list(await session.scalars(select(Answer)))
        tickets = list(await session.scalars(select(Ticket)))
    assert invitations[tokens["r1"]].state == InvitationState.COMPLETED
    assert invitations[tokens["r2"]].state == InvitationState.STARTED
    assert answers and {a.channel for a in answers} == {Channel.WEB}
    likert = [a for a in answers if a.kind == AnswerKind.LIKERT]
    mine = [a for a in likert if a.invitation_id == invitations[tokens["r1"]].id]
    # mood 1: every answer a 1 or a 2, each with its causes and what happened, and a ticket
    assert mine and all(a.level in (1, 2) for a in mine)
    follow_ups = {a.question: a for a in answers if a.kind == AnswerKind.FOLLOW_UP}
    assert set(follow_ups) == {a.question for a in mine}
    assert all(1 <= len(f.causes) <= 2 and f.text for f in follow_ups.values())  # talkative
    assert len(tickets) == len(mine)
    theirs = [a for a in likert if a.invitation_id == invitations[tokens["r2"]].id]
    assert len(theirs) == 2  # left after two questions
