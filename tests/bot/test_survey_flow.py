"""The respondent's conversation end to end: PTB over HTTP to the simulator, webhook into the
app on a real socket, state in the real database (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from cli.hosting import AppServer
from simulator import BotApiSimulator, SimUser
from storage.models import Answer, Invitation
from survey.loader import load_template
from tests.support import labels, message, seed_campaign

pytestmark = pytest.mark.both_backends

ECSS = load_template("ecss-5")
QUESTIONS = ECSS.questions()


async def open_survey(sim: BotApiSimulator, user: SimUser, token: str) -> None:
    await user.send_text(f"/start {token}")
    assert "Begin" in labels(user.last_message)
    await user.press("Begin")


async def answer_all(user: SimUser, level: str = "4") -> None:
    for _ in QUESTIONS:
        await user.press(level)


async def test_happy_path_to_thank_you(app: AppServer, sim: BotApiSimulator, sessions) -> None:
    tokens = await seed_campaign(sessions)
    alice = sim.user(1001, first_name="Alice", language_code="en")
    await alice.send_text(f"/start {tokens['r1']}")
    assert "Hello Alice" in alice.last_text
    assert f"{len(QUESTIONS)} questions" in alice.last_text
    await alice.press("Begin")
    first = alice.last_message
    assert first.text.startswith(f"1/{len(QUESTIONS)}")
    shown = labels(first)
    assert shown[:5] == [
        "5 · Extremely satisfied",
        "4 · Satisfied",
        "3 · Neutral",
        "2 · Dissatisfied",
        "1 · Extremely dissatisfied",
    ]
    assert "Unable to comment" in shown and "◀ Back" in shown
    await alice.press("5")
    answered = message(alice, first.message_id)
    assert answered.message_id == first.message_id
    assert answered.buttons == [] and "✓ 5 · Extremely satisfied" in answered.text
    assert alice.last_text.startswith(f"2/{len(QUESTIONS)}")
    for _ in QUESTIONS[1:]:
        await alice.press("4")
    assert "recommend" in alice.last_text
    await alice.press("9")
    assert "comment" in alice.last_text.lower()
    await alice.send_text("Great service overall.")
    assert alice.last_text.startswith("Your answers:")
    await alice.press("Submit")
    assert "Thank you" in alice.last_text
    async with sessions() as session:
        invitation = await session.scalar(
            select(Invitation).where(Invitation.token == tokens["r1"])
        )
        answers = list(
            await session.scalars(select(Answer).where(Answer.invitation_id == invitation.id))
        )
    assert invitation.state == "completed" and invitation.completed_at is not None
    likert = {a.question: a.level for a in answers if a.kind == "likert"}
    assert likert[QUESTIONS[0].key] == 5 and len(likert) == len(QUESTIONS)
    assert {a.kind: (a.level, a.text) for a in answers if a.kind in ("nps", "comment")} == {
        "nps": (9, None),
        "comment": (None, "Great service overall."),
    }


async def test_typed_digit_and_unable_to_comment(
    app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    tokens = await seed_campaign(sessions)
    alice = sim.user(1001, first_name="Alice", language_code="en")
    await open_survey(sim, alice, tokens["r1"])
    prompt = alice.last_message
    await alice.send_text(" 3 ")
    assert message(alice, prompt.message_id).buttons == []  # typing closed the keyboard
    assert alice.last_text.startswith("2/")
    await alice.press("Unable to comment")
    assert alice.last_text.startswith("3/")
    async with sessions() as session:
        rows = list(await session.scalars(select(Answer).order_by(Answer.id)))
    assert [(a.question, a.level, a.na) for a in rows] == [
        (QUESTIONS[0].key, 3, False),
        (QUESTIONS[1].key, None, True),
    ]
