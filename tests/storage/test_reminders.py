"""Invitations and reminders under a controlled clock: working days, nights, cap, two schedulers."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.campaigns import campaign_by_key, invite
from storage.engine import create_engine, create_sessionmaker
from storage.models import Campaign, Customer, Invitation, OutboundMessage, Respondent
from storage.reminders import InvitationBatch, ReminderPolicy, plan_reminders, send_invitations
from survey.calendar import WorkingCalendar
from survey.errors import CampaignClosed
from survey.settings import Settings
from tests.support import seed_campaign

SHANGHAI = ZoneInfo("Asia/Shanghai")
BERLIN = ZoneInfo("Europe/Berlin")
POLICY = ReminderPolicy(WorkingCalendar("CN", "Asia/Shanghai"))
THURSDAY = datetime(2026, 3, 5, 10, 0, tzinfo=SHANGHAI)
THIRD_WORKING_DAY = datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)  # Fri, Mon, Tue


async def reachable(
    sessions: async_sessionmaker[AsyncSession],
    external_id: str,
    chat_id: int,
    tz: str | None = None,
) -> None:
    """The respondent has talked to the bot before (and maybe lives in another time zone)."""
    async with sessions() as session, session.begin():
        await session.execute(
            update(Respondent)
            .where(Respondent.external_id == external_id)
            .values(telegram_user_id=chat_id, timezone=tz)
        )


async def send(
    sessions: async_sessionmaker[AsyncSession],
    now: datetime,
    respondent_ids: list[int] | None = None,
) -> InvitationBatch:
    async with sessions() as session, session.begin():
        campaign = await campaign_by_key(session, "2026-Q4")
        assert campaign is not None
        return await send_invitations(
            session, campaign, now=now, policy=POLICY, respondent_ids=respondent_ids
        )


async def plan(
    sessions: async_sessionmaker[AsyncSession],
    now: datetime,
    policy: ReminderPolicy = POLICY,
    limit: int = 500,
) -> int:
    async with sessions() as session, session.begin():
        return await plan_reminders(session, now=now, policy=policy, limit=limit)


async def invitation_of(sessions: async_sessionmaker[AsyncSession], external_id: str) -> Invitation:
    async with sessions() as session:
        invitation = await session.scalar(
            select(Invitation)
            .join(Respondent, Respondent.id == Invitation.respondent_id)
            .where(Respondent.external_id == external_id)
        )
    assert invitation is not None
    return invitation


async def set_invitation(
    sessions: async_sessionmaker[AsyncSession], external_id: str, **values: object
) -> None:
    """Change a respondent's invitation directly (an answer, an expiry) for the test at hand."""
    invitation = await invitation_of(sessions, external_id)
    async with sessions() as session, session.begin():
        await session.execute(
            update(Invitation).where(Invitation.id == invitation.id).values(**values)
        )


async def outbox(sessions: async_sessionmaker[AsyncSession], kind: str) -> list[OutboundMessage]:
    async with sessions() as session:
        rows = await session.scalars(
            select(OutboundMessage).where(OutboundMessage.kind == kind).order_by(OutboundMessage.id)
        )
        return list(rows)


def test_policy_follows_the_settings() -> None:
    settings = Settings(
        first_reminder_working_days=2,
        reminder_interval_days=5,
        max_reminders=1,
        night_start=22,
        night_end=7,
        timezone="Europe/Berlin",
        holidays="DE",
        _env_file=None,  # type: ignore[call-arg]
    )
    policy = ReminderPolicy.from_settings(settings)
    assert policy.calendar == WorkingCalendar("DE", "Europe/Berlin")
    assert (policy.first_working_days, policy.interval_days, policy.max_reminders) == (2, 5, 1)
    assert (policy.night_start, policy.night_end, policy.default_timezone) == (
        22,
        7,
        "Europe/Berlin",
    )


async def test_sent_on_thursday_reminded_on_the_third_working_day(sessions) -> None:
    await seed_campaign(sessions)
    await reachable(sessions, "r1", 1001)
    batch = await send(sessions, THURSDAY)
    assert batch.queued == 1
    invitation = await invitation_of(sessions, "r1")
    assert invitation.state == "sent" and invitation.sent_at == THURSDAY
    assert invitation.next_reminder_at == THIRD_WORKING_DAY
    [message] = await outbox(sessions, "invitation")
    assert (message.dedupe_key, message.chat_id) == (f"invitation:{invitation.id}", 1001)
    assert message.invitation_id == invitation.id and message.not_before == THURSDAY

    for before in (
        datetime(2026, 3, 6, 18, 0, tzinfo=SHANGHAI),  # Friday: 1 working day
        datetime(2026, 3, 8, 12, 0, tzinfo=SHANGHAI),  # Sunday: still 1
        datetime(2026, 3, 9, 12, 0, tzinfo=SHANGHAI),  # Monday: 2
        THIRD_WORKING_DAY - timedelta(minutes=1),
    ):
        assert await plan(sessions, before) == 0
    assert await outbox(sessions, "reminder") == []

    assert await plan(sessions, THIRD_WORKING_DAY) == 1
    [reminder] = await outbox(sessions, "reminder")
    assert (reminder.dedupe_key, reminder.chat_id) == (f"reminder:{invitation.id}:1", 1001)
    invitation = await invitation_of(sessions, "r1")
    assert invitation.reminder_count == 1 and invitation.last_reminded_at == THIRD_WORKING_DAY
    assert invitation.next_reminder_at == THIRD_WORKING_DAY + timedelta(days=7)
    assert await plan(sessions, THIRD_WORKING_DAY + timedelta(hours=1)) == 0


@pytest.mark.parametrize(
    ("sent", "due"),
    [
        # Thursday before the Mid-Autumn Festival (Fri 25 Sep) and a weekend: Mon, Tue, Wed.
        (datetime(2026, 9, 24, 10, tzinfo=SHANGHAI), datetime(2026, 9, 30, 10, tzinfo=SHANGHAI)),
        # Across National Day (1–7 Oct): Wed 30 Sep, Thu 8 Oct, Fri 9 Oct.
        (datetime(2026, 9, 29, 10, tzinfo=SHANGHAI), datetime(2026, 10, 9, 10, tzinfo=SHANGHAI)),
        # Sent on a holiday: 8, 9 and Saturday 10 Oct (a make-up working day) must pass in full.
        (datetime(2026, 10, 3, 10, tzinfo=SHANGHAI), datetime(2026, 10, 12, 0, tzinfo=SHANGHAI)),
    ],
)
async def test_public_holidays_do_not_count(sessions, sent: datetime, due: datetime) -> None:
    await seed_campaign(sessions)
    await reachable(sessions, "r1", 1001)
    await send(sessions, sent)
    # A due moment at midnight falls in the night: it moves to 08:00 the same morning.
    morning = due if due.hour >= 8 else due.replace(hour=8)
    assert (await invitation_of(sessions, "r1")).next_reminder_at == morning
    assert await plan(sessions, morning - timedelta(minutes=1)) == 0
    assert await plan(sessions, morning) == 1


async def test_never_in_the_respondents_night(sessions) -> None:
    await seed_campaign(sessions)
    await reachable(sessions, "r1", 1001, tz="Europe/Berlin")  # UTC+1 in March
    await reachable(sessions, "r2", 1002)
    await send(sessions, THURSDAY)  # 10:00 in Shanghai is 03:00 in Berlin
    by_chat = {m.chat_id: m for m in await outbox(sessions, "invitation")}
    assert by_chat[1002].not_before == THURSDAY
    assert by_chat[1001].not_before == datetime(2026, 3, 5, 8, tzinfo=BERLIN)
    # Tuesday 10:00 Shanghai is 03:00 Berlin: Alice's reminder waits for her morning.
    alice = await invitation_of(sessions, "r1")
    assert alice.next_reminder_at == datetime(2026, 3, 10, 8, tzinfo=BERLIN)
    assert await plan(sessions, THIRD_WORKING_DAY) == 1  # Bob only
    assert await plan(sessions, datetime(2026, 3, 10, 7, 59, tzinfo=BERLIN)) == 0
    assert await plan(sessions, datetime(2026, 3, 10, 8, tzinfo=BERLIN)) == 1
    assert {m.chat_id for m in await outbox(sessions, "reminder")} == {1001, 1002}


async def test_a_reminder_falling_due_at_night_moves_to_the_morning(sessions) -> None:
    await seed_campaign(sessions)
    await reachable(sessions, "r1", 1001)
    await send(sessions, THURSDAY)
    late = datetime(2026, 3, 10, 22, 30, tzinfo=SHANGHAI)
    async with sessions() as session, session.begin():
        await session.execute(update(Invitation).values(next_reminder_at=late))
    assert await plan(sessions, late) == 0
    morning = datetime(2026, 3, 11, 8, tzinfo=SHANGHAI)
    assert (await invitation_of(sessions, "r1")).next_reminder_at == morning
    assert await plan(sessions, morning - timedelta(seconds=1)) == 0
    assert await plan(sessions, morning) == 1
    assert (await invitation_of(sessions, "r1")).reminder_count == 1


async def test_never_after_completion(sessions) -> None:
    await seed_campaign(sessions)
    await reachable(sessions, "r1", 1001)
    await reachable(sessions, "r2", 1002)
    await send(sessions, THURSDAY)
    await set_invitation(
        sessions, "r1", state="completed", completed_at=THURSDAY + timedelta(days=1)
    )
    for week in range(5):
        await plan(sessions, THIRD_WORKING_DAY + timedelta(days=7 * week))
    assert {m.chat_id for m in await outbox(sessions, "reminder")} == {1002}
    assert (await invitation_of(sessions, "r1")).reminder_count == 0


async def test_weekly_after_the_first_and_at_most_max_reminders(sessions) -> None:
    await seed_campaign(sessions)
    await reachable(sessions, "r1", 1001)
    await send(sessions, THURSDAY)
    moments = [THIRD_WORKING_DAY + timedelta(days=d) for d in (0, 6, 7, 13, 14, 21, 28)]
    assert [await plan(sessions, m) for m in moments] == [1, 0, 1, 0, 1, 0, 0]
    invitation = await invitation_of(sessions, "r1")
    assert invitation.reminder_count == 3 and invitation.next_reminder_at is None
    assert [m.dedupe_key for m in await outbox(sessions, "reminder")] == [
        f"reminder:{invitation.id}:{n}" for n in (1, 2, 3)
    ]


async def test_a_started_respondent_is_still_chased_but_a_closed_campaign_is_not(sessions) -> None:
    await seed_campaign(sessions)
    await reachable(sessions, "r1", 1001)
    await reachable(sessions, "r2", 1002)
    await send(sessions, THURSDAY)
    await set_invitation(sessions, "r1", state="started", started_at=THURSDAY)
    assert await plan(sessions, THIRD_WORKING_DAY) == 2
    async with sessions() as session, session.begin():
        await session.execute(update(Campaign).values(status="closed"))
    assert await plan(sessions, THIRD_WORKING_DAY + timedelta(days=7)) == 0
    assert len(await outbox(sessions, "reminder")) == 2


async def test_send_invitations_is_idempotent_and_can_pick_respondents(sessions) -> None:
    await seed_campaign(sessions)
    await reachable(sessions, "r1", 1001)
    await reachable(sessions, "r2", 1002)
    alice = await invitation_of(sessions, "r1")
    first = await send(sessions, THURSDAY, respondent_ids=[alice.respondent_id])
    assert (first.queued, first.handoff) == (1, [])
    rest = await send(sessions, THURSDAY + timedelta(hours=1))
    assert rest.queued == 1 and len(rest.handoff) == 2
    again = await send(sessions, THURSDAY + timedelta(hours=2))
    assert (again.queued, again.handoff) == (0, [])
    assert sorted(m.chat_id or 0 for m in await outbox(sessions, "invitation")) == [1001, 1002]
    assert (await invitation_of(sessions, "r1")).sent_at == THURSDAY


async def test_respondents_without_telegram_are_handed_to_the_account_owner(sessions) -> None:
    tokens = await seed_campaign(sessions)
    await reachable(sessions, "r1", 1001)
    async with sessions() as session, session.begin():
        await session.execute(
            update(Customer).where(Customer.external_id == "C2").values(account_owner="李经理")
        )
    batch = await send(sessions, THURSDAY)
    assert batch.queued == 1
    handoff = {h.respondent_external_id: h for h in batch.handoff}
    assert sorted(handoff) == ["r2", "r3", "r4"]
    wang = handoff["r3"]
    assert (wang.token, wang.respondent_name, wang.customer_name, wang.account_owner) == (
        tokens["r3"],
        "王芳",
        "Customer C2",
        "李经理",
    )
    assert wang.invitation_id == (await invitation_of(sessions, "r3")).id
    assert handoff["r2"].account_owner is None
    assert (await invitation_of(sessions, "r3")).state == "sent"


async def test_unreachable_respondents_are_looked_at_weekly_until_they_open_the_link(
    sessions,
) -> None:
    await seed_campaign(sessions)
    await send(sessions, THURSDAY)
    assert await plan(sessions, THIRD_WORKING_DAY) == 0
    wang = await invitation_of(sessions, "r3")
    assert wang.reminder_count == 0
    assert wang.next_reminder_at == THIRD_WORKING_DAY + timedelta(days=7)
    # 王芳 opens the link the account owner passed on, answers a little and stops.
    await reachable(sessions, "r3", 1003)
    async with sessions() as session, session.begin():
        await session.execute(
            update(Invitation).where(Invitation.id == wang.id).values(state="started")
        )
    assert await plan(sessions, THIRD_WORKING_DAY + timedelta(days=7)) == 1
    [reminder] = await outbox(sessions, "reminder")
    assert (reminder.chat_id, reminder.dedupe_key) == (1003, f"reminder:{wang.id}:1")


async def test_a_closed_campaign_sends_no_invitations(sessions) -> None:
    await seed_campaign(sessions)
    async with sessions() as session, session.begin():
        await session.execute(update(Campaign).values(status="closed"))
    with pytest.raises(CampaignClosed):
        await send(sessions, THURSDAY)
    assert await outbox(sessions, "invitation") == []


CROWD = 40


async def add_crowd(sessions: async_sessionmaker[AsyncSession]) -> None:
    """Forty more reachable respondents, invited to the campaign."""
    async with sessions() as session, session.begin():
        customer = await session.scalar(select(Customer).where(Customer.external_id == "C3"))
        campaign = await campaign_by_key(session, "2026-Q4")
        assert customer is not None and campaign is not None
        crowd = [
            Respondent(
                external_id=f"x{n}",
                customer_id=customer.id,
                name=f"X{n}",
                telegram_user_id=5000 + n,
            )
            for n in range(CROWD)
        ]
        session.add_all(crowd)
        await session.flush()
        await invite(session, campaign, crowd)


async def test_two_schedulers_queue_each_reminder_once(db_url: str, sessions) -> None:
    await seed_campaign(sessions)
    for n, external_id in enumerate(("r1", "r2", "r3", "r4"), start=1001):
        await reachable(sessions, external_id, n)
    await add_crowd(sessions)
    await send(sessions, THURSDAY)
    # Two processes: separate engines (connection pools) on the same database.
    engines = [create_engine(db_url), create_engine(db_url)]
    schedulers = [create_sessionmaker(engine) for engine in engines]

    async def scheduler(own: async_sessionmaker[AsyncSession], now: datetime) -> int:
        total = 0
        while queued := await plan(own, now, limit=3):  # small batches to interleave
            total += queued
        return total

    try:
        for week in range(4):
            now = THIRD_WORKING_DAY + timedelta(days=7 * week)
            counts = await asyncio.gather(*(scheduler(own, now) for own in schedulers))
            assert sum(counts) == (CROWD + 4 if week < 3 else 0), counts
    finally:
        for engine in engines:
            await engine.dispose()
    reminders = await outbox(sessions, "reminder")
    assert len(reminders) == (CROWD + 4) * 3
    assert len({m.dedupe_key for m in reminders}) == (CROWD + 4) * 3
    async with sessions() as session:
        counts = await session.scalars(
            select(Invitation.reminder_count)
            .join(Respondent, Respondent.id == Invitation.respondent_id)
            .where(Respondent.external_id.like("x%"))
        )
        assert list(counts) == [3] * CROWD
