"""Invitation deep links: unknown, expired, completed, closed, someone else's."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from cli.hosting import AppServer
from simulator import BotApiSimulator
from storage.models import Campaign, Invitation, Respondent
from storage.types import utcnow
from tests.support import seed_campaign


async def test_unknown_token(app: AppServer, sim: BotApiSimulator, sessions) -> None:
    await seed_campaign(sessions)
    alice = sim.user(1001, first_name="Alice", language_code="en")
    await alice.send_text("/start " + "A" * 64)
    assert alice.last_text.startswith("Sorry, this invitation link is not valid")
    zhang = sim.user(1003, first_name="张", language_code="zh-hans")
    await zhang.send_text("/start nope")
    assert zhang.last_text.startswith("抱歉，这个邀请链接无效")


async def test_expired_and_closed(app: AppServer, sim: BotApiSimulator, sessions) -> None:
    tokens = await seed_campaign(sessions)
    async with sessions() as session, session.begin():
        await session.execute(
            update(Invitation)
            .where(Invitation.token == tokens["r1"])
            .values(expires_at=utcnow() - timedelta(days=1))
        )
    alice = sim.user(1001, first_name="Alice", language_code="en")
    await alice.send_text(f"/start {tokens['r1']}")
    assert alice.last_text.startswith("Sorry, this invitation has expired")
    async with sessions() as session, session.begin():
        await session.execute(update(Campaign).values(status="closed"))
    bob = sim.user(1002, first_name="Bob", language_code="en")
    await bob.send_text(f"/start {tokens['r2']}")
    assert bob.last_text.startswith("Sorry, this survey has closed")


async def test_completed_and_used_by_another_account(
    app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    tokens = await seed_campaign(sessions)
    alice = sim.user(1001, first_name="Alice", language_code="en")
    await alice.send_text(f"/start {tokens['r1']}")
    mallory = sim.user(1666, first_name="Mallory", language_code="en")
    await mallory.send_text(f"/start {tokens['r1']}")
    assert mallory.last_text == "This invitation is already in use from another Telegram account."
    async with sessions() as session, session.begin():
        await session.execute(
            update(Invitation)
            .where(Invitation.token == tokens["r1"])
            .values(state="completed", completed_at=utcnow())
        )
    await alice.send_text(f"/start {tokens['r1']}")
    assert alice.last_text == "This survey was already submitted. Thank you!"
    async with sessions() as session:
        respondent = await session.scalar(select(Respondent).where(Respondent.external_id == "r1"))
    assert respondent.telegram_user_id == 1001


async def test_starting_binds_the_telegram_user_and_marks_started(
    app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    tokens = await seed_campaign(sessions)
    alice = sim.user(1001, first_name="Alice", language_code="en")
    await alice.send_text(f"/start {tokens['r1']}")
    async with sessions() as session:
        invitation = await session.scalar(
            select(Invitation).where(Invitation.token == tokens["r1"])
        )
    assert invitation.state == "started" and invitation.started_at is not None
