"""/forget erases personal data but keeps scores; /feedback stores daily feedback."""

from __future__ import annotations

from sqlalchemy import select

from cli.hosting import AppServer
from simulator import BotApiSimulator
from storage.models import Answer, ChatSession, Respondent, Ticket
from survey import actions as act
from survey.vocabulary import FeedbackKind
from tests.support import begin, seed_campaign


async def test_forget_erases_personal_data_and_keeps_scores(
    app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    tokens = await seed_campaign(sessions)
    alice = await begin(sim, tokens["r1"], 1001, "Alice")
    await alice.press("1")
    await alice.press("Done")
    await alice.send_text("My name is Alice Smith and the engineer was rude.")
    await alice.send_text("/forget")
    await alice.press("Cancel")
    assert alice.last_text == "Cancelled; nothing was erased."
    await alice.send_text("/forget")
    assert "Erase your personal data?" in alice.last_text
    await alice.press("Yes, erase")
    assert alice.last_text == "Your personal data has been erased. Thank you."
    async with sessions() as session:
        respondent = await session.scalar(select(Respondent).where(Respondent.name.is_(None)))
        answers = list(await session.scalars(select(Answer)))
        ticket = await session.scalar(select(Ticket))
        chat = await session.get(ChatSession, 1001)
    assert respondent is not None and respondent.external_id.startswith("forgotten-")
    assert respondent.telegram_user_id is None and respondent.forgotten_at is not None
    assert {a.kind: a.level for a in answers} == {"likert": 1, "followup": None}
    assert all(a.text is None for a in answers)
    assert ticket.score == 1 and ticket.comment is None
    assert chat.invitation_id is None
    await alice.send_text("hello?")
    assert "invitation link" in alice.last_text


async def test_feedback_and_complaint(app: AppServer, sim: BotApiSimulator, sessions) -> None:
    tokens = await seed_campaign(sessions)
    bob = sim.user(1002, first_name="Bob", language_code="en")
    await bob.send_text(f"/start {tokens['r2']}")
    await bob.send_text("/feedback")
    assert bob.last_text.startswith("Please write your feedback")
    await bob.send_text("The last shipment arrived damaged.")
    assert bob.last_text == "Thank you, it is recorded. Is this a complaint?"
    await bob.press("Yes, a complaint")
    assert "our team will follow it up" in bob.last_text  # no staff chat is configured
    async with sessions() as session:
        feedback = await session.scalar(select(Answer).where(Answer.kind == "feedback"))
    # Pressing the complaint button again (a replayed press) opens no second ticket.
    await bob.press_data(
        act.encode(act.MarkFeedback(feedback.id, True)), message_id=bob.messages[-2].message_id
    )
    async with sessions() as session:
        tickets = list(await session.scalars(select(Ticket)))
    assert feedback.invitation_id is None and feedback.feedback_kind == FeedbackKind.COMPLAINT
    assert feedback.text == "The last shipment arrived damaged."
    assert len(tickets) == 1 and tickets[0].question == "feedback"
    assert tickets[0].severity == 4.0  # complaint from a KA (weight 2) ranks like a score of 1
