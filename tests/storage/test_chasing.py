"""The chase list: who the account owners must chase by hand, and from when."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.chasing import Chase, chase_list
from storage.models import Customer, Respondent
from tests.storage.test_reminders import (
    POLICY,
    THIRD_WORKING_DAY,
    THURSDAY,
    invitation_of,
    plan,
    reachable,
    send,
    set_invitation,
)
from tests.support import seed_campaign


async def chases(
    sessions: async_sessionmaker[AsyncSession], now: datetime, owner: str | None = None
) -> list[Chase]:
    async with sessions() as session:
        invitation = await invitation_of(sessions, "r1")
        return await chase_list(
            session, invitation.campaign_id, now=now, policy=POLICY, owner=owner
        )


async def owners(sessions: async_sessionmaker[AsyncSession]) -> None:
    """C1 (r1, r2) belongs to Wang Lei, C2 (r3) to Liu Fang; nobody owns C3 (r4)."""
    async with sessions() as session, session.begin():
        for customer, owner in (("C1", "Wang Lei"), ("C2", "Liu Fang")):
            await session.execute(
                update(Customer).where(Customer.external_id == customer).values(account_owner=owner)
            )


def rows(listed: list[Chase]) -> list[tuple[str | None, str, str, int, bool]]:
    return [
        (c.account_owner, c.respondent_external_id, c.reason, c.working_days_waiting, c.due)
        for c in listed
    ]


async def test_unreachable_respondents_by_owner_due_after_three_working_days(sessions) -> None:
    await seed_campaign(sessions)
    await owners(sessions)
    await reachable(sessions, "r1", 1001)  # the bot writes to r1 itself
    await send(sessions, THURSDAY)
    assert rows(await chases(sessions, THURSDAY + timedelta(hours=1))) == [
        ("Liu Fang", "r3", "no_chat", 0, False),
        ("Wang Lei", "r2", "no_chat", 0, False),
        (None, "r4", "no_chat", 0, False),
    ]
    monday = datetime(2026, 3, 9, 12, 0, tzinfo=THURSDAY.tzinfo)  # Fri + Mon: 2 working days
    assert {c.working_days_waiting for c in await chases(sessions, monday)} == {2}
    due = await chases(sessions, THIRD_WORKING_DAY)
    assert [(c.working_days_waiting, c.due) for c in due] == [(3, True)] * 3
    assert due[1].token == (await invitation_of(sessions, "r2")).token
    assert [c.respondent_external_id for c in await chases(sessions, monday, "Wang Lei")] == ["r2"]


async def test_the_bots_own_respondents_join_once_their_reminders_are_used(sessions) -> None:
    await seed_campaign(sessions)
    await reachable(sessions, "r1", 1001)
    await send(sessions, THURSDAY)
    reminded = THIRD_WORKING_DAY
    for week in range(POLICY.max_reminders):
        assert "r1" not in {c.respondent_external_id for c in await chases(sessions, reminded)}
        assert await plan(sessions, reminded) == 1
        reminded += timedelta(days=7) if week < POLICY.max_reminders - 1 else timedelta(hours=1)
    [r1] = [c for c in await chases(sessions, reminded) if c.respondent_external_id == "r1"]
    assert (r1.reason, r1.due, r1.state) == ("reminders_used", True, "sent")


async def test_answered_unsent_expired_and_forgotten_invitations_are_not_chased(sessions) -> None:
    await seed_campaign(sessions)
    await send(sessions, THURSDAY, respondent_ids=[
        (await invitation_of(sessions, r)).respondent_id for r in ("r1", "r2", "r3")
    ])  # fmt: skip
    await set_invitation(sessions, "r1", state="completed")
    await set_invitation(sessions, "r2", expires_at=THURSDAY)
    async with sessions() as session, session.begin():
        await session.execute(
            update(Respondent)
            .where(Respondent.external_id == "r3")
            .values(forgotten_at=THURSDAY, name=None)
        )
    assert await chases(sessions, THIRD_WORKING_DAY) == []
    assert (await invitation_of(sessions, "r4")).state == "created"  # never sent: not listed
