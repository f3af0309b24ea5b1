"""Invitation and reminder messages: wording per language, the deep-link button, and skipping
what is no longer wanted; end to end through the outbox dispatcher, PTB and the simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot

from bot.dispatch import Dispatcher
from bot.invitations import RENDERERS
from bot.outgoing import Outgoing, Skip
from cli.hosting import AppServer
from simulator import BotApiSimulator
from storage.apikeys import create_api_key
from storage.campaigns import campaign_by_key
from storage.chasing import chase_list
from storage.engine import transaction
from storage.models import Campaign, Customer, Invitation, OutboundMessage, Respondent
from storage.reminders import ReminderPolicy, plan_reminders, send_invitations
from storage.types import utcnow
from survey.calendar import WorkingCalendar
from survey.loader import load_template
from survey.settings import Settings
from tests.support import make_settings, seed_campaign

POLICY = ReminderPolicy(WorkingCalendar("CN", "Asia/Shanghai"))


def last_noon() -> datetime:
    """The latest 12:00 UTC before now: daytime for these tests' respondents (time zone UTC),
    so what is queued then is due at once, whatever the hour the suite runs at."""
    noon = utcnow().replace(hour=12, minute=0, second=0, microsecond=0)
    return noon if noon <= utcnow() else noon - timedelta(days=1)


SETTINGS = Settings(bot_username="csat_test_bot", _env_file=None)  # type: ignore[call-arg]
CHATS = {"r1": 1001, "r2": 1002, "r3": 1003, "r4": 1004}


async def queue_all(sessions: async_sessionmaker[AsyncSession], now: datetime) -> None:
    """All respondents reachable in chat; invitations sent at ``now``, reminders a week on."""
    async with sessions() as session, session.begin():
        for external_id, chat_id in CHATS.items():
            await session.execute(
                update(Respondent)
                .where(Respondent.external_id == external_id)
                .values(telegram_user_id=chat_id, timezone="UTC")
            )
        campaign = await campaign_by_key(session, "2026-Q4")
        assert campaign is not None
        await send_invitations(session, campaign, now=now, policy=POLICY)
    async with sessions() as session, session.begin():
        await plan_reminders(session, now=now + timedelta(days=7), policy=POLICY)


async def render(
    sessions: async_sessionmaker[AsyncSession],
    kind: str,
    external_id: str,
    settings: Settings = SETTINGS,
) -> Outgoing:
    async with sessions() as session:
        row = await session.scalar(
            select(OutboundMessage)
            .join(Invitation, Invitation.id == OutboundMessage.invitation_id)
            .join(Respondent, Respondent.id == Invitation.respondent_id)
            .where(OutboundMessage.kind == kind, Respondent.external_id == external_id)
        )
        assert row is not None
        return await RENDERERS[kind](session, row, settings)


async def set_state(
    sessions: async_sessionmaker[AsyncSession], external_id: str, state: str
) -> None:
    async with sessions() as session, session.begin():
        respondent_id = (
            select(Respondent.id).where(Respondent.external_id == external_id).scalar_subquery()
        )
        await session.execute(
            update(Invitation).where(Invitation.respondent_id == respondent_id).values(state=state)
        )


def url_buttons(outgoing: Outgoing) -> list[tuple[str, str | None, str | None]]:
    assert outgoing.reply_markup is not None
    return [
        (button.text, button.url, button.callback_data)
        for row in outgoing.reply_markup.inline_keyboard
        for button in row
    ]


async def test_invitation_in_the_respondents_language_with_a_link_button(sessions) -> None:
    tokens = await seed_campaign(sessions)
    await queue_all(sessions, last_noon())
    alice = await render(sessions, "invitation", "r1")
    assert alice.chat_id == 1001
    assert alice.text.startswith("Hello Alice! We would like to invite you to “External Customer")
    assert "(2026-Q4)" in alice.text and "16 questions" in alice.text
    link = f"https://t.me/csat_test_bot?start={tokens['r1']}"
    assert url_buttons(alice) == [("Take the survey", link, None)]
    wang = await render(sessions, "invitation", "r3")
    assert wang.text.startswith("王芳您好！诚邀您参加「外部客户满意度调查（ECSS）」（2026-Q4）")
    assert url_buttons(wang)[0][:2] == (
        "开始填写",
        f"https://t.me/csat_test_bot?start={tokens['r3']}",
    )
    # No language on record: the company's language, zh-CN.
    dan = await render(sessions, "invitation", "r4")
    assert dan.text.startswith("Dan您好！") and url_buttons(dan)[0][0] == "开始填写"


async def test_without_a_bot_username_there_is_no_button(sessions) -> None:
    await seed_campaign(sessions)
    await queue_all(sessions, last_noon())
    settings = Settings(_env_file=None)  # type: ignore[call-arg]
    outgoing = await render(sessions, "invitation", "r1", settings)
    assert outgoing.reply_markup is None and "2026-Q4" in outgoing.text


async def test_reminder_wording_for_not_started_and_started(sessions) -> None:
    await seed_campaign(sessions)
    await queue_all(sessions, last_noon() - timedelta(days=8))
    bob = await render(sessions, "reminder", "r2")
    assert bob.text.startswith("Hello Bob! A friendly reminder: “External Customer")
    assert url_buttons(bob)[0][0] == "Take the survey"
    await set_state(sessions, "r1", "started")
    alice = await render(sessions, "reminder", "r1")
    assert "continue where you left off" in alice.text and "/start" in alice.text
    assert url_buttons(alice)[0][0] == "Continue the survey"
    await set_state(sessions, "r3", "started")
    wang = await render(sessions, "reminder", "r3")
    assert "从上次停下的地方继续" in wang.text and url_buttons(wang)[0][0] == "继续填写"
    # An invitation queued for someone who has opened the survey meanwhile is not sent.
    with pytest.raises(Skip):
        await render(sessions, "invitation", "r1")


@pytest.mark.parametrize("state", ["completed", "expired", "declined"])
async def test_an_answered_or_dead_invitation_is_not_chased(sessions, state: str) -> None:
    await seed_campaign(sessions)
    await queue_all(sessions, last_noon() - timedelta(days=8))
    await set_state(sessions, "r1", state)
    for kind in ("invitation", "reminder"):
        with pytest.raises(Skip):
            await render(sessions, kind, "r1")
    assert (await render(sessions, "reminder", "r2")).chat_id == 1002


async def test_closed_campaign_expired_invitation_and_erased_respondent_are_skipped(
    sessions,
) -> None:
    await seed_campaign(sessions)
    await queue_all(sessions, last_noon() - timedelta(days=8))
    past = datetime(2020, 1, 1, tzinfo=UTC)
    async with sessions() as session, session.begin():
        alice_id = select(Respondent.id).where(Respondent.external_id == "r1").scalar_subquery()
        await session.execute(
            update(Invitation).where(Invitation.respondent_id == alice_id).values(expires_at=past)
        )
        await session.execute(
            update(Respondent)
            .where(Respondent.external_id == "r2")
            .values(forgotten_at=past, telegram_user_id=None)
        )
    for external_id in ("r1", "r2"):
        with pytest.raises(Skip):
            await render(sessions, "reminder", external_id)
    assert (await render(sessions, "reminder", "r3")).chat_id == 1003
    async with sessions() as session, session.begin():
        await session.execute(update(Campaign).values(status="closed"))
    with pytest.raises(Skip):
        await render(sessions, "reminder", "r3")


# Far enough in the future that a scheduler running on the real clock finds none of it due.
E2E_THURSDAY = datetime(2029, 3, 1, 10, tzinfo=ZoneInfo("Asia/Shanghai"))
E2E_TUESDAY = datetime(2029, 3, 6, 10, tzinfo=ZoneInfo("Asia/Shanghai"))  # 3rd working day


async def plan_at(sessions: async_sessionmaker[AsyncSession], now: datetime) -> int:
    async with sessions() as session, session.begin():
        return await plan_reminders(session, now=now, policy=POLICY)


async def test_invitation_and_reminder_arrive_in_chat_and_stop_after_completion(
    app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    earlier = await seed_campaign(sessions, key="2026-Q2")
    alice = sim.user(1001, first_name="Alice", language_code="en")
    await alice.send_text(f"/start {earlier['r1']}")  # she took part before: her id is known
    tokens = await seed_campaign(sessions, key="2026-Q4")
    async with sessions() as session, session.begin():
        campaign = await campaign_by_key(session, "2026-Q4")
        assert campaign is not None
        batch = await send_invitations(session, campaign, now=E2E_THURSDAY, policy=POLICY)
    assert batch.queued == 1
    assert sorted(h.respondent_external_id for h in batch.handoff) == ["r2", "r3", "r4"]

    settings = app.settings
    async with Bot(settings.token or "", base_url=f"{settings.telegram_api_url}/bot") as bot:
        dispatcher = Dispatcher(bot, sessions, settings, RENDERERS, worker="test-worker")
        assert await dispatcher.dispatch(E2E_THURSDAY) == 1
        invitation = alice.last_message
        assert invitation is not None and invitation.text is not None
        assert invitation.text.startswith("Hello Alice! We would like to invite you")
        assert "(2026-Q4)" in invitation.text
        link = f"https://t.me/{settings.bot_username}?start={tokens['r1']}"
        assert invitation.buttons == [[("Take the survey", None)]]  # a URL button, no callback
        assert invitation.raw["reply_markup"]["inline_keyboard"][0][0]["url"] == link
        assert await dispatcher.dispatch(E2E_THURSDAY) == 0  # sent once

        assert await plan_at(sessions, E2E_TUESDAY - timedelta(minutes=1)) == 0
        assert await plan_at(sessions, E2E_TUESDAY) == 1
        assert await dispatcher.dispatch(E2E_TUESDAY) == 1
        assert alice.last_text is not None
        assert alice.last_text.startswith("Hello Alice! A friendly reminder: “External Customer")

        # She follows the link (Telegram turns it into /start <token>) and starts answering.
        await alice.send_text(f"/start {link.rsplit('=', 1)[1]}")
        await alice.press("Begin")
        questions = load_template("ecss-5").questions()
        for _ in questions[:3]:
            await alice.press("4")
        # The weekly reminder falls due while she is half-way: it is queued...
        assert await plan_at(sessions, E2E_TUESDAY + timedelta(days=7)) == 1
        for _ in questions[3:]:
            await alice.press("4")
        await alice.press("9")
        await alice.press("Skip")
        await alice.press("Submit")
        assert alice.last_text is not None and "Thank you" in alice.last_text
        seen = len(alice.messages)
        # ...but she has submitted by the time it would go out: it is dropped, not sent.
        assert await dispatcher.dispatch(E2E_TUESDAY + timedelta(days=7)) == 0
        assert await plan_at(sessions, E2E_TUESDAY + timedelta(days=14)) == 0
        assert await dispatcher.dispatch(E2E_TUESDAY + timedelta(days=14)) == 0
    assert len(alice.messages) == seen
    async with sessions() as session:
        reminders = list(
            await session.scalars(
                select(OutboundMessage)
                .where(OutboundMessage.kind == "reminder")
                .order_by(OutboundMessage.id)
            )
        )
    assert [(m.state, (m.error or "")[:8]) for m in reminders] == [
        ("sent", ""),
        ("failed", "skipped:"),
    ]


@pytest.fixture
async def quiet_app(db_url: str, sim: BotApiSimulator) -> AsyncIterator[AppServer]:
    """The app without a scheduler (``scheduler=False``, as a process beside the sender): the
    test's own dispatcher is the only one to send what the test queues. A scheduler ticking
    only at its start was not enough: on a loaded machine that first tick came after the test
    had queued the invitations, and sent them before the test's dispatcher could."""
    settings = make_settings(db_url, sim).model_copy(update={"scheduler": False})
    server = AppServer(settings)
    await server.start()
    await server.register_webhook()
    yield server
    await server.stop()


async def test_invitations_telegram_refuses_are_chased_by_the_account_owner(
    quiet_app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    app = quiet_app
    tokens = await seed_campaign(sessions)
    alice = sim.user(1001, first_name="Alice", language_code="en")
    await alice.send_text("/start")  # she opened the bot once, then blocked it
    await alice.block_bot()
    wang = sim.user(1003, first_name="Fang", language_code="zh-CN")
    await wang.send_text("/start")
    async with sessions() as session, session.begin():
        # Bob's id came from a spreadsheet: Telegram knows no chat with it.
        for external_id, chat_id in (("r1", 1001), ("r2", 1002), ("r3", 1003)):
            await session.execute(
                update(Respondent)
                .where(Respondent.external_id == external_id)
                .values(telegram_user_id=chat_id, timezone="UTC")
            )
        await session.execute(update(Customer).values(account_owner="Wang"))
        campaign = await campaign_by_key(session, "2026-Q4")
        assert campaign is not None
        batch = await send_invitations(session, campaign, now=last_noon(), policy=POLICY)
    assert (batch.queued, [h.respondent_external_id for h in batch.handoff]) == (3, ["r4"])
    settings = app.settings
    async with Bot(settings.token or "", base_url=f"{settings.telegram_api_url}/bot") as bot:
        dispatcher = Dispatcher(bot, sessions, settings, RENDERERS, worker="test-worker")
        assert await dispatcher.dispatch(last_noon()) == 1
    assert (wang.last_text or "").startswith("王芳您好！诚邀您参加")
    async with sessions() as session:
        states = dict(
            (
                await session.execute(
                    select(Respondent.external_id, Invitation.state).join(
                        Invitation, Invitation.respondent_id == Respondent.id
                    )
                )
            ).all()
        )
        invitation = await session.scalar(
            select(Invitation).where(Invitation.token == tokens["r1"])
        )
    assert states == {"r1": "undelivered", "r2": "undelivered", "r3": "sent", "r4": "sent"}
    assert invitation is not None and invitation.next_reminder_at is None  # no chat to remind in

    link = f"https://t.me/{settings.bot_username}?start="
    expected = [
        ("r1", "undelivered", "blocked: Forbidden: bot was blocked by the user", tokens["r1"]),
        ("r2", "undelivered", "refused: Chat not found", tokens["r2"]),
        ("r4", "no_chat", None, tokens["r4"]),
    ]
    async with sessions() as session:
        listed = await chase_list(session, invitation.campaign_id, now=utcnow(), policy=POLICY)
    assert [(c.respondent_external_id, c.reason, c.detail, c.token) for c in listed] == expected
    async with transaction(sessions) as session:
        _, key = await create_api_key(session, name="chaser", role="staff")
    async with httpx.AsyncClient(base_url=app.url) as client:
        response = await client.get(
            "/campaigns/2026-Q4/chase", headers={"Authorization": f"Bearer {key}"}
        )
    assert response.status_code == 200, response.text
    assert [
        (c["respondent_id"], c["reason"], c["detail"], c["deep_link"])
        for c in response.json()["data"]
    ] == [(r, reason, detail, link + token) for r, reason, detail, token in expected]
    assert response.json()["data"][0]["state"] == "undelivered"

    # The account owner passes the link on; Alice unblocks the bot and opens it.
    await alice.unblock_bot()
    await alice.send_text(f"/start {tokens['r1']}")
    assert (alice.last_text or "").startswith("Hello Alice!")
    async with sessions() as session:
        opened = await session.scalar(select(Invitation).where(Invitation.token == tokens["r1"]))
    assert opened is not None and opened.state == "started"
