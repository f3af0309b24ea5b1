"""Back, change-an-answer from the summary, pause and resume, language switch."""

from __future__ import annotations

from sqlalchemy import select

from cli.hosting import AppServer
from simulator import BotApiSimulator
from storage.models import Answer, AnswerChange
from survey.loader import load_template
from tests.support import begin, labels, seed_campaign

QUESTIONS = load_template("ecss-5").questions()


async def test_back_reasks_the_previous_question_and_keeps_history(
    app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    tokens = await seed_campaign(sessions)
    alice = await begin(sim, tokens["r1"])
    await alice.press("◀ Back")
    assert "This is the first question." in alice.callback_answers
    await alice.press("5")
    await alice.press("4")
    assert alice.last_text.startswith("3/")
    await alice.press("◀ Back")
    assert alice.last_text.startswith("2/")
    await alice.press("3")
    assert alice.last_text.startswith("3/")  # on to the first unanswered question again
    async with sessions() as session:
        second = await session.scalar(select(Answer).where(Answer.question == QUESTIONS[1].key))
        changes = list(await session.scalars(select(AnswerChange)))
    assert second.level == 3 and second.changed_at is not None
    assert [(c.answer_id, c.old_level) for c in changes] == [(second.id, 4)]


async def test_change_an_answer_from_the_summary(
    app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    tokens = await seed_campaign(sessions)
    alice = await begin(sim, tokens["r1"])
    for _ in QUESTIONS:
        await alice.press("4")
    await alice.press("Skip")  # NPS
    await alice.press("Skip")  # comment
    assert alice.last_text.startswith("Your answers:")
    await alice.press("Change an answer")
    assert alice.last_text == "Which answer would you like to change?"
    assert len(labels(alice.last_message)) == len(QUESTIONS) + 2  # and NPS and the comment
    await alice.press("3.")
    assert alice.last_text.startswith(f"3/{len(QUESTIONS)}")
    await alice.press("2")  # a change down to 2 asks for the follow-up too
    await alice.press("Done")
    await alice.press("Skip")
    summary = alice.last_text
    assert summary.startswith("Your answers:") and "2 · " in summary
    await alice.press("Submit")
    assert "Thank you" in alice.last_text
    async with sessions() as session:
        third = await session.scalar(select(Answer).where(Answer.question == QUESTIONS[2].key))
    assert third.level == 2


async def test_pause_and_resume_with_any_message(
    app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    tokens = await seed_campaign(sessions)
    alice = await begin(sim, tokens["r1"])
    await alice.press("5")
    await alice.send_text("/cancel")
    assert "Paused" in alice.last_text
    await alice.send_text("hello again")
    assert alice.last_text.startswith("2/")
    await alice.send_text("/start")
    assert alice.last_text.startswith("2/")


async def test_language_is_asked_when_unknown_and_switchable(
    app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    tokens = await seed_campaign(sessions)
    dan = sim.user(1004, first_name="Dan", language_code="en")
    await dan.send_text(f"/start {tokens['r4']}")  # r4 has no language on file
    assert labels(dan.last_message) == ["中文", "English"]
    await dan.press("中文")
    assert "Dan您好" in dan.last_text
    await dan.press("开始")
    assert "非常满意" in " ".join(labels(dan.last_message))
    await dan.send_text("/language")
    await dan.press("English")
    assert dan.last_text.startswith("1/") and "Extremely satisfied" in " ".join(
        labels(dan.last_message)
    )
    await dan.send_text("/help")
    assert "/feedback" in dan.messages[-2].text and dan.last_text.startswith("1/")
