"""A 1–2 opens the follow-up (causes, then what happened) and a corrective-action ticket."""

from __future__ import annotations

from sqlalchemy import select

from cli.hosting import AppServer
from simulator import BotApiSimulator
from storage.models import Answer, Ticket, TicketEvent
from survey.loader import load_template
from survey.vocabulary import FollowUpStage
from tests.support import begin, labels, seed_campaign

QUESTIONS = load_template("ecss-5").questions()


async def test_low_score_asks_causes_and_text_and_opens_ticket(
    app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    tokens = await seed_campaign(sessions)
    alice = await begin(sim, tokens["r1"], 1001, "Alice")
    await alice.press("2")
    question = QUESTIONS[0]
    causes = alice.last_message
    assert "What were the main causes" in causes.text
    first, second = (pick(a.text["en"]) for a in question.attributes[:2])
    await alice.press(f"☐ {first}")
    await alice.press(f"☐ {second}")
    await alice.press(f"☑ {first}")  # untick again
    assert alice.last_message.message_id == causes.message_id  # ticks edit in place
    assert f"☑ {second}" in labels(alice.last_message)
    await alice.press("Done")
    assert "what happened" in alice.last_text
    await alice.send_text("The delivery came two weeks late.")
    assert alice.last_text.startswith("2/")

    async with sessions() as session:
        follow_up = await session.scalar(select(Answer).where(Answer.kind == "followup"))
        ticket = await session.scalar(select(Ticket))
        events = list(await session.scalars(select(TicketEvent).order_by(TicketEvent.id)))
    assert follow_up.question == question.key and follow_up.follow_up_stage == FollowUpStage.DONE
    assert follow_up.causes == [question.attributes[1].key]
    assert follow_up.text == "The delivery came two weeks late."
    assert ticket.question == question.key and ticket.score == 2 and ticket.status == "open"
    assert ticket.severity == 2.0  # (3 − 2) × KA weight 2
    assert ticket.causes == [question.attributes[1].key]
    assert ticket.comment == "The delivery came two weeks late."
    assert ticket.department == load_template("ecss-5").factor(question.factor).department
    assert [e.action for e in events] == ["opened", "follow_up"]


async def test_skipping_the_text_and_raising_the_score_withdraws_the_ticket(
    app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    tokens = await seed_campaign(sessions)
    bob = await begin(sim, tokens["r2"], 1002, "Bob")
    await bob.press("1")
    await bob.press("Done")  # no cause chosen
    await bob.press("Skip")
    assert bob.last_text.startswith("2/")
    await bob.press("◀ Back")  # back to question 1
    assert bob.last_text.startswith("1/")
    await bob.press("4")
    assert bob.last_text.startswith("2/")  # no follow-up for a 4
    async with sessions() as session:
        ticket = await session.scalar(select(Ticket))
        likert = await session.scalar(select(Answer).where(Answer.kind == "likert"))
        follow_up = await session.scalar(select(Answer).where(Answer.kind == "followup"))
    assert likert.level == 4
    assert ticket.status == "closed" and ticket.score == 1
    assert follow_up.void and follow_up.follow_up_stage is None


def pick(text: str) -> str:
    return text
