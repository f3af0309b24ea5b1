"""Conversation polish (issue 9 #9–#11), in both languages: the summary lists and changes
every answer, the first question is shown once, apologies read naturally, and a re-asked
question leaves exactly one live keyboard in the chat."""

from __future__ import annotations

import re

import pytest

from cli.hosting import AppServer
from simulator import BotApiSimulator, SimUser
from survey.loader import load_template
from tests.support import labels, seed_campaign

QUESTIONS = load_template("ecss-5").questions()
WORDS = {
    "en": {"begin": "Begin", "skip": "Skip", "change": "Change an answer", "submit": "Submit"},
    "zh-CN": {"begin": "开始", "skip": "跳过", "change": "修改回答", "submit": "提交"},
}
# (respondent, Telegram user id) speaking each language
PEOPLE = {"en": ("r1", 1001), "zh-CN": ("r3", 1003)}
CLOSING_LABELS = {"en": ("Recommendation", "Comment"), "zh-CN": ("推荐意愿", "意见和建议")}
DOUBLED = re.compile(r"[?？。.!！][”」]?[。.,，]")


async def started(sim: BotApiSimulator, sessions, lang: str) -> SimUser:  # type: ignore[no-untyped-def]
    tokens = await seed_campaign(sessions)
    respondent, user_id = PEOPLE[lang]
    user = sim.user(user_id, first_name="X", language_code="en")
    await user.send_text(f"/start {tokens[respondent]}")
    await user.press(WORDS[lang]["begin"])
    return user


def live_keyboards(user: SimUser) -> list[int]:
    return [m.message_id for m in user.messages if m.buttons]


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
async def test_the_first_question_is_shown_once(
    app: AppServer, sim: BotApiSimulator, sessions, lang: str
) -> None:
    user = await started(sim, sessions, lang)
    text = QUESTIONS[0].text[lang]
    assert sum((m.text or "").count(text) for m in user.messages) == 1
    assert user.last_text == f"1/{len(QUESTIONS)}\n\n{text}"


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
async def test_the_summary_lists_every_answer_and_each_can_be_changed(
    app: AppServer, sim: BotApiSimulator, sessions, lang: str
) -> None:
    words = WORDS[lang]
    user = await started(sim, sessions, lang)
    for _ in QUESTIONS:
        await user.press("4")
    await user.press("9")
    await user.send_text("Good work, but invoices come late and nobody answers the phone.")
    lines = user.last_text.splitlines()
    nps, comment = len(QUESTIONS) + 1, len(QUESTIONS) + 2
    recommend, said = {"en": ("Recommendation", "Comment"), "zh-CN": ("推荐意愿", "意见和建议")}[
        lang
    ]
    assert f"1. {QUESTIONS[0].label[lang]} — 4 · " in lines[1]
    assert f"{nps}. {recommend} — 9" in lines
    assert f"{comment}. {said} — Good work, but invoices come late and nobody answers the…" in lines
    await user.press(words["change"])
    menu = labels(user.last_message)
    assert len(menu) == comment and len({m.split(". ", 1)[1] for m in menu}) == comment
    await user.press(f"{nps}. ")
    await user.press("6")
    assert f"{nps}. {recommend} — 6" in user.last_text.splitlines()
    await user.press(words["change"])
    await user.press(f"{comment}. ")
    await user.send_text("All fine now.")
    assert f"{comment}. {said} — All fine now." in user.last_text.splitlines()
    await user.press(words["submit"])


@pytest.mark.parametrize(
    ("lang", "index", "expected"),
    [
        ("en", 1, "We are sorry that you disagree that our team understands your company and "
         "your needs. What were the main causes?"),
        ("zh-CN", 1, "很抱歉您不同意「我司团队了解贵公司的业务和需求」。主要是哪些原因？"),
        ("en", 0, "We are sorry that you are not satisfied with “Overall performance”. What "),
        ("zh-CN", 0, "很抱歉您对「整体表现」不满意。主要是哪些原因？"),
    ],
)  # fmt: skip
async def test_the_follow_up_apology_reads_naturally(
    app: AppServer, sim: BotApiSimulator, sessions, lang: str, index: int, expected: str
) -> None:
    user = await started(sim, sessions, lang)
    for _ in range(index):
        await user.press("4")
    await user.press("2")
    assert user.last_text.startswith(expected)
    assert not DOUBLED.search(user.last_text), user.last_text


async def _sticker(user: SimUser, stale: int) -> None:
    await user.send_sticker()


async def _unknown_command(user: SimUser, stale: int) -> None:
    await user.send_text("/whatever")


async def _stale_press(user: SimUser, stale: int) -> None:
    await user.press_data("1:A:GI:5", message_id=stale)


async def _not_an_answer(user: SimUser, stale: int) -> None:
    await user.send_text("maybe later")


async def _help(user: SimUser, stale: int) -> None:
    await user.send_text("/help")


@pytest.mark.parametrize("lang", ["en", "zh-CN"])
@pytest.mark.parametrize(
    "reask",
    [_sticker, _unknown_command, _stale_press, _not_an_answer, _help],
    ids=lambda f: f.__name__,
)
async def test_a_reasked_question_leaves_one_live_keyboard(
    app: AppServer, sim: BotApiSimulator, sessions, lang: str, reask
) -> None:
    user = await started(sim, sessions, lang)
    first = user.last_message.message_id
    await user.press("4")
    before = user.last_message
    assert before.text.startswith("2/")
    await reask(user, first)
    await reask(user, first)
    assert user.last_text.startswith("2/") and user.last_message.message_id != before.message_id
    assert live_keyboards(user) == [user.last_message.message_id]
    await user.press("5")  # the live copy still answers
    assert user.last_text.startswith("3/") and len(live_keyboards(user)) == 1
