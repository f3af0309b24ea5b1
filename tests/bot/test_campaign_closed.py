"""Closed means closed (issue 9 point 3): after ``csat campaign close`` a respondent in the middle
of the survey is told politely that it has closed and nothing more is stored or opened; every
ticket of the campaign has a kind after the 20/80 split."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.texts import t
from cli.hosting import AppServer
from simulator import BotApiSimulator
from storage.models import Answer, ChatSession, Ticket
from tests.support import begin, invoke_csat, seed_campaign

CLOSED = t("campaign_closed", "en")


async def _counts(sessions) -> tuple[int, int]:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        answers = await session.scalar(select(func.count()).select_from(Answer))
        tickets = await session.scalar(select(func.count()).select_from(Ticket))
    return int(answers or 0), int(tickets or 0)


async def test_after_close_a_respondent_mid_survey_is_told_and_nothing_is_stored(
    app: AppServer, sim: BotApiSimulator, sessions, db_url: str
) -> None:
    tokens = await seed_campaign(sessions)
    alice = await begin(sim, tokens["r1"], 1001, "Alice")
    await alice.press("5")
    question = alice.last_message
    assert question is not None and question.buttons
    closed = await invoke_csat(db_url, "campaign", "close", "2026-Q4")
    assert closed.exit_code == 0, closed.output
    before = await _counts(sessions)

    await alice.press("1", message_id=question.message_id)  # a 1 would open a ticket
    assert alice.last_text == CLOSED
    assert alice.chat.message(question.message_id).buttons == []  # no live keyboard left
    await alice.send_text("2")
    await alice.send_text("/start")
    assert await _counts(sessions) == before == (1, 0)
    async with sessions() as session:
        chat = await session.get(ChatSession, 1001)
    assert chat is not None and chat.invitation_id is None

    await alice.send_text("/feedback")  # spontaneous feedback still works
    await alice.send_text("Please call me about the next order.")
    assert await _counts(sessions) == (2, 0)


async def test_a_typed_answer_after_close_is_refused_too(
    app: AppServer, sim: BotApiSimulator, sessions, db_url: str
) -> None:
    tokens = await seed_campaign(sessions)
    bob = await begin(sim, tokens["r2"], 1002, "Bob")
    assert (await invoke_csat(db_url, "campaign", "close", "2026-Q4")).exit_code == 0
    await bob.send_text("1")
    assert bob.last_text == CLOSED and await _counts(sessions) == (0, 0)


async def test_every_ticket_has_a_kind_after_the_split(
    app: AppServer, sim: BotApiSimulator, sessions, db_url: str
) -> None:
    tokens = await seed_campaign(sessions)
    bob = await begin(sim, tokens["r2"], 1002, "Bob")
    await bob.press("1")
    await bob.press("Done")
    await bob.press("Skip")
    await bob.press("◀ Back")
    await bob.press("4")  # the ticket is withdrawn: the split does not rank it
    await bob.press("2")
    await bob.press("Done")
    await bob.press("Skip")
    assert (await invoke_csat(db_url, "campaign", "close", "2026-Q4")).exit_code == 0
    async with sessions() as session:
        kinds = dict((await session.execute(select(Ticket.status, Ticket.kind))).all())
    assert kinds == {"closed": "internal_memo", "open": "opinion_ticket"}
