"""Bad input never breaks a conversation: polite word, current question again, nothing lost."""

from __future__ import annotations

from sqlalchemy import func, select

from cli.hosting import AppServer
from simulator import BotApiSimulator
from storage.models import Answer
from survey import actions as act
from survey import events as ev
from survey.loader import load_template
from tests.support import begin, labels, seed_campaign

QUESTIONS = load_template("ecss-5").questions()


async def _answers(sessions) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(Answer)))


async def test_stickers_photos_voice_and_files_get_a_polite_answer(
    app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    tokens = await seed_campaign(sessions)
    alice = await begin(sim, tokens["r1"])
    for send in (alice.send_sticker, alice.send_photo, alice.send_voice, alice.send_document):
        await send()
        texts = [m.text for m in alice.messages[-2:]]
        assert texts[0] == "Sorry, I can only read text and buttons here."
        assert texts[1].startswith("1/") and "5 · Extremely satisfied" in labels(alice.last_message)
    await alice.send_text("great")  # words where a level is wanted
    assert alice.messages[-2].text.startswith("Please answer with the buttons")
    await alice.send_text("/nonsense")
    assert alice.messages[-2].text.startswith("Sorry, I don't know that command")
    assert await _answers(sessions) == 0


async def test_over_long_text_is_cut_at_the_stated_limit(
    app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    tokens = await seed_campaign(sessions)
    alice = await begin(sim, tokens["r1"])
    await alice.press("1")
    await alice.press("Done")
    await alice.send_text("x" * 4000)
    assert any(
        m.text == "Your text was long; the first 1000 characters were kept." for m in alice.messages
    )
    assert alice.last_text.startswith("2/")
    async with sessions() as session:
        follow_up = await session.scalar(select(Answer).where(Answer.kind == "followup"))
    assert follow_up.text == "x" * 1000


async def test_forged_and_stale_button_presses(
    app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    tokens = await seed_campaign(sessions)
    alice = await begin(sim, tokens["r1"])
    first = alice.last_message
    await alice.press("5")
    # The old question's keyboard is gone; replay its button data as a forged press.
    await alice.press_data(
        act.encode(ev.AnswerLevel(QUESTIONS[0].key, 1)), message_id=first.message_id
    )
    assert (
        alice.callback_answers[-1]
        == "That button is from an earlier message; please answer the current question."
    )
    assert alice.last_text.startswith("2/")
    await alice.press_data("garbage:data", message_id=alice.last_message.message_id)
    assert alice.callback_answers[-1] == "That button is not valid."
    await alice.press_data(
        act.encode(ev.AnswerLevel("NOPE", 3)), message_id=alice.last_message.message_id
    )
    await alice.press_data(
        "1:A:" + QUESTIONS[1].key + ":9", message_id=alice.last_message.message_id
    )
    assert alice.callback_answers[-1] == "That button is not valid."
    assert alice.last_text.startswith("2/")
    async with sessions() as session:
        levels = list(await session.scalars(select(Answer.level)))
    assert levels == [5]


async def test_a_stranger_pressing_without_an_invitation(
    app: AppServer, sim: BotApiSimulator, sessions
) -> None:
    await seed_campaign(sessions)
    eve = sim.user(6666, first_name="Eve", language_code="en")
    await eve.send_text("hi")
    assert "invitation link" in eve.last_text
    await eve.send_text("/start")
    assert "invitation link" in eve.last_text
    await eve.press_data(act.encode(ev.AnswerLevel(QUESTIONS[0].key, 1)), message_id=1)
    assert await _answers(sessions) == 0
