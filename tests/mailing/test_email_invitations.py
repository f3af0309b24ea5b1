"""E-mail invitations and reminders through a real SMTP server (aiosmtpd on 127.0.0.1): the web
link goes to respondents without a chat, reminders follow SPEC §5 under a controlled clock
(3 working days, then weekly, at most max_reminders, never at night), stop once the survey is
done, and a refused or unreachable server is recorded where the account owner sees it."""

from __future__ import annotations

import asyncio
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import httpx
import pytest
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cli.hosting import AppServer
from mailing.sender import MailSender
from mailing.smtp import SmtpConfig
from simulator import BotApiSimulator
from storage import outbox
from storage.apikeys import create_api_key
from storage.campaigns import campaign_by_key, web_link
from storage.chasing import chase_list
from storage.models import OutboundMessage, Respondent
from storage.reminders import InvitationBatch, ReminderPolicy, send_invitations
from storage.types import utcnow
from survey.loader import load_template
from survey.settings import Settings
from survey.vocabulary import InvitationState, OutboxKind, OutboxState
from tests.cli.test_invite_command import zone_at
from tests.mailing.conftest import PUBLIC_URL, REFUSAL, SmtpServer, body_of, mail_settings
from tests.storage.test_reminders import invitation_of
from tests.support import free_port, invoke_csat, make_settings, respond, seed_campaign

SHANGHAI = ZoneInfo("Asia/Shanghai")
THURSDAY = datetime(2026, 3, 5, 10, 0, tzinfo=SHANGHAI)
THIRD_WORKING_DAY = datetime(2026, 3, 10, 10, 0, tzinfo=SHANGHAI)  # Fri, Mon, Tue
ALICE, DAN = "alice@example.com", "dan@example.com"
MAIL_SETTINGS = ("public_url", "smtp_host", "smtp_port", "smtp_from", "smtp_starttls")
ALL_FIVES: dict[str, int | None] = {q.key: 5 for q in load_template("ecss-5").questions()}


async def give_addresses(
    sessions: async_sessionmaker[AsyncSession], addresses: dict[str, str], tz: str | None = None
) -> None:
    async with sessions() as session, session.begin():
        for external_id, address in addresses.items():
            await session.execute(
                update(Respondent)
                .where(Respondent.external_id == external_id)
                .values(email=address, timezone=tz)
            )


async def invite_all(
    sessions: async_sessionmaker[AsyncSession], settings: Settings, now: datetime
) -> InvitationBatch:
    async with sessions() as session, session.begin():
        campaign = await campaign_by_key(session, "2026-Q4")
        assert campaign is not None
        policy = ReminderPolicy.from_settings(settings)
        return await send_invitations(session, campaign, now=now, policy=policy)


def sender_for(sessions: async_sessionmaker[AsyncSession], settings: Settings) -> MailSender:
    config = SmtpConfig.from_settings(settings)
    assert config is not None
    return MailSender(sessions, settings, config)


async def mail_rows(sessions: async_sessionmaker[AsyncSession]) -> list[OutboundMessage]:
    async with sessions() as session:
        rows = await session.scalars(
            select(OutboundMessage)
            .where(
                OutboundMessage.kind.in_([OutboxKind.EMAIL_INVITATION, OutboxKind.EMAIL_REMINDER])
            )
            .order_by(OutboundMessage.id)
        )
        return list(rows)


async def chases(sessions: async_sessionmaker[AsyncSession], settings: Settings, now: datetime):
    async with sessions() as session:
        campaign = await campaign_by_key(session, "2026-Q4")
        assert campaign is not None
        policy = ReminderPolicy.from_settings(settings)
        return {
            c.respondent_external_id: c
            for c in await chase_list(session, campaign.id, now=now, policy=policy)
        }


@pytest.mark.both_backends
async def test_invited_and_reminded_by_e_mail_on_the_schedule_until_done(
    db_url: str, sessions, smtp: SmtpServer
) -> None:
    tokens = await seed_campaign(sessions)
    await give_addresses(sessions, {"r1": ALICE, "r4": DAN})  # r1 reads English, r4 has no language
    settings = mail_settings(db_url, smtp.port)
    assert ReminderPolicy.from_settings(settings).by_email

    batch = await invite_all(sessions, settings, THURSDAY)
    assert batch.by_email == 2 and batch.queued == 0
    assert sorted(h.respondent_external_id for h in batch.handoff) == ["r2", "r3"]  # no address
    sender = sender_for(sessions, settings)
    assert (await sender.run_once(THURSDAY)).sent == 2

    (invited,) = smtp.mailbox.to(ALICE)
    link = web_link(PUBLIC_URL, tokens["r1"])
    assert (
        invited["Subject"].startswith("You are invited: “")
        and invited["From"] == "survey@example.com"
    )
    text, html = body_of(invited, "plain"), body_of(invited, "html")
    assert "Hello Alice!" in text and link in text
    assert f'href="{link}"' in html and 'lang="en"' in html
    assert "<img" not in html and "url(" not in html  # nothing fetched from outside
    (dan_invited,) = smtp.mailbox.to(DAN)
    assert dan_invited["Subject"].startswith("诚邀您参加「")  # zh-CN when no language is known
    assert web_link(PUBLIC_URL, tokens["r4"]) in body_of(dan_invited, "plain")
    assert "开始填写" in body_of(dan_invited, "html")

    assert (await sender.run_once(THIRD_WORKING_DAY - timedelta(hours=1))).sent == 0
    first = await sender.run_once(THIRD_WORKING_DAY)
    assert (first.reminders_queued, first.sent) == (2, 2)
    assert smtp.mailbox.to(ALICE)[-1]["Subject"].startswith("A friendly reminder")
    assert (await invitation_of(sessions, "r1")).reminder_count == 1

    await respond(sessions, tokens["r1"], ALL_FIVES, now=THIRD_WORKING_DAY + timedelta(days=1))
    for week in (1, 2, 3):
        await sender.run_once(THIRD_WORKING_DAY + timedelta(days=7 * week))
    assert len(smtp.mailbox.to(ALICE)) == 2  # done: no more reminders
    assert len(smtp.mailbox.to(DAN)) == 1 + 3  # the invitation and max_reminders reminders
    assert (await invitation_of(sessions, "r4")).reminder_count == 3

    later = THIRD_WORKING_DAY + timedelta(days=30)
    listed = await chases(sessions, settings, later)
    assert {k: c.reason for k, c in listed.items()} == {
        "r2": "no_chat", "r3": "no_chat", "r4": "reminders_used",
    }  # fmt: skip


async def test_nothing_is_mailed_in_the_respondents_night(
    db_url: str, sessions, smtp: SmtpServer
) -> None:
    await seed_campaign(sessions)
    await give_addresses(sessions, {"r1": ALICE}, tz="Asia/Shanghai")
    settings = mail_settings(db_url, smtp.port)
    late = THURSDAY.replace(hour=23)
    assert (await invite_all(sessions, settings, late)).by_email == 1
    sender = sender_for(sessions, settings)
    assert (await sender.run_once(late)).sent == 0
    assert (await sender.run_once(late + timedelta(hours=8, minutes=59))).sent == 0  # 07:59
    assert (await sender.run_once(late + timedelta(hours=9))).sent == 1  # 08:00
    # Three working days after Thursday 23:00 is Tuesday 23:00: the reminder waits for Wednesday.
    tuesday_night = datetime(2026, 3, 10, 23, 30, tzinfo=SHANGHAI)
    assert (await sender.run_once(tuesday_night)).sent == 0
    assert (await sender.run_once(datetime(2026, 3, 11, 8, 0, tzinfo=SHANGHAI))).sent == 1
    assert [m["Subject"].split(":")[0] for m in smtp.mailbox.to(ALICE)] == [
        "You are invited", "A friendly reminder",
    ]  # fmt: skip


@pytest.mark.both_backends
async def test_a_refused_recipient_is_recorded_and_chased_by_the_account_owner(
    db_url: str, sessions, smtp: SmtpServer
) -> None:
    await seed_campaign(sessions)
    await give_addresses(sessions, {"r1": "bounce@example.com", "r4": DAN})
    smtp.mailbox.refused.add("bounce@example.com")
    settings = mail_settings(db_url, smtp.port)
    await invite_all(sessions, settings, THURSDAY)
    assert (await sender_for(sessions, settings).run_once(THURSDAY)).sent == 1  # DAN's
    refused, delivered = await mail_rows(sessions)
    assert refused.state == OutboxState.FAILED and "recipient refused: 550" in (refused.error or "")
    assert delivered.state == OutboxState.SENT and len(smtp.mailbox.to(DAN)) == 1
    invitation = await invitation_of(sessions, "r1")
    assert invitation.state == InvitationState.UNDELIVERED and invitation.next_reminder_at is None
    chase = (await chases(sessions, settings, THURSDAY))["r1"]
    assert chase.reason == "undelivered" and "mailbox unavailable" in (chase.detail or "")


async def test_an_unreachable_server_is_retried_then_given_up_visibly(
    db_url: str, sessions
) -> None:
    await seed_campaign(sessions)
    await give_addresses(sessions, {"r1": ALICE})
    settings = mail_settings(db_url, free_port())  # nothing listens there
    await invite_all(sessions, settings, THURSDAY)
    sender = sender_for(sessions, settings)
    assert (await sender.run_once(THURSDAY)).sent == 0
    (row,) = await mail_rows(sessions)
    assert row.state == OutboxState.PENDING and (row.error or "").startswith("e-mail: ")
    assert row.not_before > THURSDAY  # backed off, not lost
    moment = THURSDAY
    for _ in range(outbox.MAX_ATTEMPTS):
        moment += timedelta(minutes=11)  # past the longest backoff
        await sender.run_once(moment)
    (row,) = await mail_rows(sessions)
    assert row.state == OutboxState.FAILED
    assert (row.error or "").startswith(f"gave up after {outbox.MAX_ATTEMPTS} attempts: e-mail: ")
    assert (await invitation_of(sessions, "r1")).state == InvitationState.UNDELIVERED
    assert (await chases(sessions, settings, moment))["r1"].reason == "undelivered"


async def test_csat_serve_sends_the_e_mail_an_invite_queues(
    db_url: str, sessions, smtp: SmtpServer
) -> None:
    """The sender runs in the app's process (no Telegram bot here) and the invite wakes it."""
    tokens = await seed_campaign(sessions)
    await give_addresses(sessions, {"r1": ALICE}, tz=zone_at(12, utcnow()))
    port = free_port()
    settings = mail_settings(db_url, smtp.port, port=port, scheduler_interval=30.0)
    async with sessions() as session, session.begin():
        _, key = await create_api_key(session, name="manager", role="admin")
    server = AppServer(settings)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url) as client:
            sent = await client.post(
                "/campaigns/2026-Q4/invite", headers={"Authorization": f"Bearer {key}"}
            )
        assert sent.status_code == 200, sent.text
        assert sent.json()["by_email"] == 1
        for _ in range(200):  # woken by the invite: well before the 30 s interval
            if smtp.mailbox.to(ALICE):
                break
            await asyncio.sleep(0.05)
        (mail,) = smtp.mailbox.to(ALICE)
        assert web_link(PUBLIC_URL, tokens["r1"]) in body_of(mail, "plain")
    finally:
        await server.stop()


async def test_the_command_line_counts_e_mails_and_names_a_mail_refusal(
    db_url: str, sessions, smtp: SmtpServer
) -> None:
    tokens = await seed_campaign(sessions)
    await give_addresses(
        sessions, {"r1": "bounce@example.com", "r4": DAN}, tz=zone_at(12, utcnow())
    )
    smtp.mailbox.refused.add("bounce@example.com")
    env = {
        "CSAT_BOT_USERNAME": "csat_test_bot",
        "CSAT_PUBLIC_URL": PUBLIC_URL,
        "CSAT_SMTP_HOST": "127.0.0.1",
        "CSAT_SMTP_PORT": str(smtp.port),
        "CSAT_SMTP_STARTTLS": "false",
    }
    invited = await invoke_csat(db_url, "campaign", "invite", "2026-Q4", **env)
    assert invited.exit_code == 0, invited.output
    summary = " ".join(invited.output.split())
    assert "2 links for account owners, 2 by e-mail (chat messages and e-mails are sent" in summary
    await sender_for(sessions, mail_settings(db_url, smtp.port)).run_once(utcnow())
    assert len(smtp.mailbox.to(DAN)) == 1
    chase = await invoke_csat(db_url, "campaign", "chase", "2026-Q4", **env)
    assert chase.exit_code == 0, chase.output
    rows = {
        line.split("\t")[0]: line.split("\t") for line in chase.output.splitlines() if "\t" in line
    }
    assert sorted(rows) == ["r1", "r2", "r3"]  # r4 is reminded by e-mail: not chased by hand
    assert rows["r1"][3] == (
        "the mail server refused the invitation (e-mail recipient refused: " + REFUSAL + ")"
    )
    assert rows["r1"][-1] == web_link(PUBLIC_URL, tokens["r1"])


@pytest.mark.both_backends
async def test_two_senders_at_once_send_each_e_mail_once(
    db_url: str, sessions, smtp: SmtpServer
) -> None:
    """Two processes' senders on one database: the outbox lease gives each e-mail to one."""
    await seed_campaign(sessions)
    addresses = {r: f"{r}@example.com" for r in ("r1", "r2", "r3", "r4")}
    await give_addresses(sessions, addresses)
    settings = mail_settings(db_url, smtp.port)
    await invite_all(sessions, settings, THURSDAY)
    first, second = sender_for(sessions, settings), sender_for(sessions, settings)
    passes = await asyncio.gather(first.run_once(THURSDAY), second.run_once(THURSDAY))
    assert sum(p.sent for p in passes) == 4
    assert sorted(m["To"] for m in smtp.mailbox.messages) == sorted(addresses.values())


async def test_the_bot_and_the_mail_sender_share_one_process_and_one_outbox(
    db_url: str, sessions, sim: BotApiSimulator, smtp: SmtpServer
) -> None:
    """``csat serve`` with a bot and SMTP: each invitation goes out once, the chat one in chat
    and the e-mail one by e-mail, and the process stops cleanly."""
    await seed_campaign(sessions)
    daytime = zone_at(12, utcnow())
    await give_addresses(sessions, {"r1": ALICE}, tz=daytime)
    bob = sim.user(2002, first_name="Bob", language_code="en")
    async with sessions() as session, session.begin():
        await session.execute(
            update(Respondent)
            .where(Respondent.external_id == "r2")
            .values(telegram_user_id=bob.id, timezone=daytime)
        )
        _, key = await create_api_key(session, name="manager", role="admin")
    mail = mail_settings(db_url, smtp.port)
    settings = make_settings(db_url, sim).model_copy(
        update={
            name: getattr(mail, name)
            for name in ("public_url", "smtp_host", "smtp_port", "smtp_from", "smtp_starttls")
        }
    )
    server = AppServer(settings)
    await server.start()
    try:
        await server.register_webhook()
        await bob.send_text("/help")  # Bob has talked to the bot: it may write to him
        helped = len(bob.messages)
        async with httpx.AsyncClient(base_url=server.url) as client:
            sent = await client.post(
                "/campaigns/2026-Q4/invite", headers={"Authorization": f"Bearer {key}"}
            )
        assert sent.json()["by_email"] == 1 and sent.json()["in_chat_now"] == 1, sent.text
        await sim.wait_for(lambda: len(bob.messages) > helped, what="Bob's chat invitation")
        for _ in range(200):
            if smtp.mailbox.to(ALICE):
                break
            await asyncio.sleep(0.05)
    finally:
        await server.stop()
    assert len(smtp.mailbox.messages) == 1 and len(smtp.mailbox.to(ALICE)) == 1
    assert len(bob.messages) == helped + 1 and "2026-Q4" in (bob.last_text or "")
    async with sessions() as session:
        states = set(await session.scalars(select(OutboundMessage.state)))
    assert states == {OutboxState.SENT}  # neither sender took (and failed) the other's row


async def test_e_mails_a_lease_cannot_cover_go_back_to_the_queue(
    db_url: str, sessions, smtp: SmtpServer
) -> None:
    await seed_campaign(sessions)
    await give_addresses(sessions, {"r1": ALICE})
    settings = mail_settings(db_url, smtp.port)
    await invite_all(sessions, settings, THURSDAY)
    config = SmtpConfig.from_settings(settings)
    assert config is not None
    hurried = MailSender(sessions, settings, config, lease=timedelta(0))  # spent at once
    assert (await hurried.run_once(THURSDAY)).sent == 0 and not smtp.mailbox.messages
    (row,) = await mail_rows(sessions)
    assert (row.state, row.attempts, row.error) == (
        OutboxState.PENDING,
        0,
        "lease ran short; not sent",
    )
    assert (await sender_for(sessions, settings).run_once(THURSDAY)).sent == 1


async def test_stopping_during_a_slow_server_returns_fast_and_hands_the_rest_back(
    db_url: str, sessions, smtp: SmtpServer
) -> None:
    """``csat serve`` stops within seconds even while the SMTP server dawdles: the e-mail being
    handed over keeps its lease (the server may have taken it), the rest of the batch goes back
    to the queue at once with no attempt counted, and nothing is lost."""
    await seed_campaign(sessions)
    await give_addresses(sessions, {"r1": ALICE, "r2": "bob@example.com", "r4": DAN})
    settings = mail_settings(db_url, smtp.port)
    await invite_all(sessions, settings, THURSDAY)
    smtp.mailbox.stall.set()  # every DATA now waits until the test lets it go
    config = SmtpConfig.from_settings(settings)
    assert config is not None
    sender = MailSender(sessions, settings, config, clock=lambda: THURSDAY)
    sender.start()
    try:
        for _ in range(200):
            if smtp.mailbox.stalled:
                break
            await asyncio.sleep(0.05)
        assert smtp.mailbox.stalled, "the first e-mail never reached the server"
        started = time.monotonic()
        await sender.stop()
        stopped_in = time.monotonic() - started
    finally:
        smtp.mailbox.stall.clear()
    assert stopped_in < 3.0, stopped_in
    rows = await mail_rows(sessions)
    held = [row for row in rows if row.claimed_by == sender.worker]
    released = [row for row in rows if row.claimed_by is None]
    assert len(held) == 1 and held[0].attempts == 1  # in flight when the stop gave up on it
    assert len(released) == 2 and all(
        (r.state, r.attempts) == (OutboxState.PENDING, 0) for r in released
    )
    again = sender_for(sessions, settings)
    assert (await again.run_once(THURSDAY)).sent == 2  # the two handed back, at once
