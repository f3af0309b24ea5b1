"""/feedback from someone the bot does not know yet is kept and alerts staff (issue 9 #13)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from cli.hosting import AppServer
from simulator import BotApiSimulator
from storage.models import Answer, Campaign, Respondent, Ticket
from storage.planning import sampling_frames
from tests.support import make_settings, seed_campaign

STAFF_CHAT = -1003333
SOON = 8.0


@pytest.fixture(params=["en", "zh-CN"])
async def staffed(
    request: pytest.FixtureRequest, db_url: str, sim: BotApiSimulator
) -> AsyncIterator[tuple[AppServer, str]]:
    """The app with a default staff chat whose language is the parameter."""
    values = {"staff_chat_id": STAFF_CHAT, "staff_language": request.param}
    server = AppServer(
        make_settings(db_url, sim).model_copy(update=values | {"scheduler_interval": 1.0})
    )
    await server.start()
    await server.register_webhook()
    yield server, request.param
    await server.stop()


async def test_feedback_from_a_stranger_is_kept_and_staff_are_alerted(
    staffed: tuple[AppServer, str], sim: BotApiSimulator, sessions
) -> None:
    _, lang = staffed
    await seed_campaign(sessions)
    staff = sim.group(STAFF_CHAT, "Staff")
    stranger = sim.user(
        7777, first_name="Stranger", language_code="zh-hans" if lang == "zh-CN" else "en"
    )
    await stranger.send_text("/feedback")
    await stranger.send_text("Our order 4711 is two weeks late.")
    thanks = {"en": "Thank you, your feedback is recorded.", "zh-CN": "谢谢，您的意见已记录。"}
    assert stranger.last_text.startswith(thanks[lang])
    await sim.wait_for(lambda: staff.messages, timeout=SOON, what="the staff alert")
    (alert,) = staff.messages
    lines = alert.text.splitlines()
    who = {"en": "From: a Telegram user the bot does not know yet (id 7777)",
           "zh-CN": "发送者：尚未识别的 Telegram 用户（ID 7777）"}  # fmt: skip
    assert lines[1].startswith(who[lang])
    assert any(line.endswith("Our order 4711 is two weeks late.") for line in lines)
    async with sessions() as session:
        feedback = await session.scalar(select(Answer).where(Answer.kind == "feedback"))
        ticket = await session.scalar(select(Ticket))
        respondent = await session.get(Respondent, feedback.respondent_id)
        campaign = await session.scalar(select(Campaign))
        customers, respondents = await sampling_frames(session, campaign)
    assert feedback.text == "Our order 4711 is two weeks late." and feedback.invitation_id is None
    assert ticket.answer_id == feedback.id and ticket.campaign_id is None
    assert ticket.status == "open" and ticket.customer_id == respondent.customer_id
    # the placeholder holds no Telegram id (an import may give it to the real person) and no
    # campaign samples, invites or reminds it
    assert respondent.telegram_user_id is None and respondent.forgotten_at is not None
    assert respondent.id not in set(respondents["respondent_id"])
    assert respondent.customer_id not in set(customers["customer_id"])  # nor its placeholder


async def test_a_stranger_can_send_more_and_erase_it(
    app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    stranger = sim.user(7778, first_name="Stranger", language_code="en")
    for text in ("First note.", "Second note."):
        await stranger.send_text("/feedback")
        await stranger.send_text(text)
    async with sessions() as session:
        rows = list(await session.scalars(select(Answer).where(Answer.kind == "feedback")))
        tickets = list(await session.scalars(select(Ticket)))
    assert [a.text for a in rows] == ["First note.", "Second note."]
    assert len({a.respondent_id for a in rows}) == 1 and len(tickets) == 2
    await stranger.send_text("/forget")
    await stranger.press("Yes, erase")
    async with sessions() as session:
        texts = [a.text for a in await session.scalars(select(Answer))]
        comments = [t.comment for t in await session.scalars(select(Ticket))]
    assert texts == [None, None] and comments == [None, None]
