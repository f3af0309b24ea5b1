"""Simulated respondents for ``csat demo``: they read the bot's messages and tap its buttons
like a person would, with moods that make the campaign's figures vary."""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from simulator import Delivery, SimMessage, SimUser
from survey import actions as act
from survey import events as ev
from survey.errors import InvalidAnswer
from survey.flow import COMMENT_CURSOR, NPS_CURSOR

Redeliver = Callable[[int], Awaitable[Delivery]]  # BotApiSimulator.redeliver
# Pauses before each redelivery of an update the webhook refused: about a minute in all.
REDELIVERY_PAUSES = (0.5, 1.0, 2.0, 4.0, 8.0, 15.0, 30.0)
REPLY_TIMEOUT = 30.0  # seconds a simulated person waits for the bot's next question
MAX_STEPS = 200

COMMENTS = [
    "Keep up the good work.",
    "Delivery times could be more predictable.",
    "请加快报价速度。",
    "The new account manager is very helpful.",
    "价格偏高，希望有更多优惠。",
]
WHAT_HAPPENED = [
    "The shipment arrived a week late without notice.",
    "样品多次返工，影响了我们的项目进度。",
    "Nobody answered our emails for days.",
    "The price rose twice this year.",
]


@dataclass(frozen=True)
class Persona:
    """How one simulated respondent answers."""

    mood: float  # the level they lean towards, 1–5
    na_rate: float
    stop_after: int | None  # answer this many questions, then leave (a partial response)
    language: str
    talkative: bool


def make_persona(rng: random.Random, customer_mood: float) -> Persona:
    """A respondent of a customer whose overall mood is ``customer_mood``."""
    outcome = rng.random()
    stop = rng.randint(2, 8) if 0.86 <= outcome < 0.94 else None
    return Persona(
        mood=min(5.0, max(1.0, rng.gauss(customer_mood, 0.4))),
        na_rate=0.05,
        stop_after=stop,
        language=rng.choice(["en", "zh-CN"]),
        talkative=rng.random() < 0.5,
    )


def _buttons(
    message: SimMessage | None, kind: type[act.Action], origin: str | None = None
) -> list[tuple[str, str]]:
    """Buttons of the message whose callback_data decodes to a ``kind`` (of the step
    ``origin``, for a Skip): what a button does, as the bot's own codec reads it."""
    if message is None:
        return []
    found = []
    for row in message.buttons:
        for text, data in row:
            action = _decoded(data)
            if isinstance(action, kind) and origin in (None, getattr(action, "origin", None)):
                found.append((text, data or ""))
    return found


def _decoded(data: str | None) -> act.Action | None:
    try:
        return act.decode(data)
    except InvalidAnswer:
        return None


async def _taken(delivery: Delivery, redeliver: Redeliver) -> bool:
    """Deliver the update again, as Telegram does, until the webhook takes it (2xx): a 503
    means the bot could not store it now (bot/failures.py). False if it never does."""
    for pause in (0.0, *REDELIVERY_PAUSES):
        if pause:
            await asyncio.sleep(pause)
            delivery = await redeliver(delivery.update_id)
        if delivery.status_code is not None and 200 <= delivery.status_code < 300:
            return True
    return False


def _newest_keyboard(user: SimUser) -> SimMessage | None:
    """The bot's newest message with buttons to press (not only links)."""
    for message in reversed(user.messages):
        if any(data is not None for row in message.buttons for _, data in row):
            return message
    return None


async def _prompt(
    user: SimUser, *, unlike: SimMessage | None = None, timeout: float = REPLY_TIMEOUT
) -> SimMessage | None:
    """The bot's newest message with buttons (a notice such as "not saved yet, trying again"
    can come after it), waited for up to ``timeout`` seconds; with ``unlike``, one that is
    not that message as it was (a slow reply comes later). None if none comes."""
    deadline = time.monotonic() + timeout
    while True:
        message = _newest_keyboard(user)
        if message is not None and message != unlike:
            return message
        if time.monotonic() > deadline:
            return None
        await asyncio.sleep(0.1)


async def answer_survey(
    user: SimUser, token: str, persona: Persona, rng: random.Random, redeliver: Redeliver
) -> str:
    """Open the deep link and answer until submitted or the persona leaves; returns the outcome
    ("completed", "partial", or "stuck" when the bot never answered as expected)."""

    async def taken(action: Awaitable[Delivery]) -> bool:
        return await _taken(await action, redeliver)

    if not await taken(user.send_text(f"/start {token}")):
        return "stuck"
    answered = 0
    for _ in range(MAX_STEPS):  # a survey never needs this many taps; guards against a loop
        message = await _prompt(user)
        action: Awaitable[Delivery]
        if choice := _buttons(message, ev.ChooseLanguage):
            wanted = "中文" if persona.language == "zh-CN" else "English"
            action = user.press(next((t for t, _ in choice if t == wanted), choice[0][0]))
        elif back := _buttons(message, ev.Begin):
            action = user.press(back[0][0])
        elif levels := _buttons(message, ev.AnswerLevel):
            if persona.stop_after is not None and answered >= persona.stop_after:
                return "partial"
            action = user.press(_pick_level(levels, persona, rng))
            answered += 1
        elif causes := _buttons(message, ev.ToggleCause):
            for index in choose_causes(len(causes), rng):
                if not await taken(user.press(causes[index][0])):
                    return "stuck"
            done = _buttons(await _prompt(user), ev.CausesDone)
            if not done:
                return "stuck"
            action = user.press(done[0][0])
        elif _buttons(message, ev.GiveNps):
            nps = choose_nps(persona, rng)
            skip_nps = _buttons(message, ev.Skip, NPS_CURSOR)[0][0]
            action = user.press(str(nps) if nps is not None else skip_nps)
        elif skip_comment := _buttons(message, ev.Skip, COMMENT_CURSOR):
            if (comment := choose_comment(persona, rng)) is not None:
                action = user.send_text(comment)
            else:
                action = user.press(skip_comment[0][0])
        elif skip := _buttons(message, ev.Skip):  # what happened, after a 1–2
            if (story := choose_what_happened(persona, rng)) is not None:
                action = user.send_text(story)
            else:
                action = user.press(skip[0][0])
        elif submit := _buttons(message, ev.Submit):
            return "completed" if await taken(user.press(submit[0][0])) else "stuck"
        elif message is not None and await _prompt(user, unlike=message) is not None:
            continue  # nothing to press here, but the bot has said something since
        else:
            return "stuck"
        if not await taken(action):
            return "stuck"
    return "stuck"


def _pick_level(levels: list[tuple[str, str]], persona: Persona, rng: random.Random) -> str:
    level = choose_level(persona, rng)
    suffix = ":n" if level is None else f":{level}"
    return next(text for text, data in levels if data.endswith(suffix))


# What a persona answers, drawn the same way whichever channel asks (chat or web form).


def choose_level(persona: Persona, rng: random.Random) -> int | None:
    """A level 1–5, or None for "unable to judge"."""
    if rng.random() < persona.na_rate:
        return None
    return round(min(5, max(1, rng.gauss(persona.mood, 0.8))))


def choose_causes(count: int, rng: random.Random) -> list[int]:
    """One or two of the ``count`` causes offered after a 1–2, by index."""
    return rng.sample(range(count), k=min(count, rng.randint(1, 2)))


def choose_nps(persona: Persona, rng: random.Random) -> int | None:
    """A 0–10 recommendation score, or None to skip it."""
    nps = round(min(10, max(0, (persona.mood - 1) * 2.5 + rng.gauss(0, 1.2))))
    return nps if rng.random() > 0.1 else None


def choose_comment(persona: Persona, rng: random.Random) -> str | None:
    """The closing comment, or None to skip it."""
    return rng.choice(COMMENTS) if persona.talkative else None


def choose_what_happened(persona: Persona, rng: random.Random) -> str | None:
    """What happened, after a 1–2, or None to skip it."""
    return rng.choice(WHAT_HAPPENED) if persona.talkative else None
