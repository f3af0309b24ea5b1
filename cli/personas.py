"""Simulated respondents for ``csat demo``: they read the bot's messages and tap its buttons
like a person would, with moods that make the campaign's figures vary."""

from __future__ import annotations

import random
from dataclasses import dataclass

from bot.simulator import SimMessage, SimUser

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


def _buttons(message: SimMessage | None, code: str) -> list[tuple[str, str]]:
    """Buttons of the message whose callback_data has action ``code`` (what a button does)."""
    if message is None:
        return []
    return [
        (text, data)
        for row in message.buttons
        for text, data in row
        if data is not None and data.split(":")[1] == code
    ]


async def answer_survey(user: SimUser, token: str, persona: Persona, rng: random.Random) -> str:
    """Open the deep link and answer until submitted or the persona leaves; returns the outcome."""
    await user.send_text(f"/start {token}")
    answered = 0
    for _ in range(200):  # a survey never needs this many taps; guards against a loop
        message = user.last_message
        if choice := _buttons(message, "L"):
            wanted = "中文" if persona.language == "zh-CN" else "English"
            await user.press(next((t for t, _ in choice if t == wanted), choice[0][0]))
        elif _buttons(message, "B"):
            await user.press(_buttons(message, "B")[0][0])
        elif levels := _buttons(message, "A"):
            if persona.stop_after is not None and answered >= persona.stop_after:
                return "partial"
            await user.press(_pick_level(levels, persona, rng))
            answered += 1
        elif causes := _buttons(message, "C"):
            for text, _ in rng.sample(causes, k=min(len(causes), rng.randint(1, 2))):
                await user.press(text)
            await user.press(_buttons(user.last_message, "D")[0][0])
        elif skip := _buttons(message, "S"):
            if persona.talkative:
                await user.send_text(rng.choice(WHAT_HAPPENED))
            else:
                await user.press(skip[0][0])
        elif scores := _buttons(message, "N"):
            nps = round(min(10, max(0, (persona.mood - 1) * 2.5 + rng.gauss(0, 1.2))))
            await user.press(str(nps) if rng.random() > 0.1 else scores[-1][0])
        elif skip_comment := _buttons(message, "M"):
            if persona.talkative:
                await user.send_text(rng.choice(COMMENTS))
            else:
                await user.press(skip_comment[0][0])
        elif submit := _buttons(message, "X"):
            await user.press(submit[0][0])
            return "completed"
        else:
            return "stuck"
    return "stuck"


def _pick_level(levels: list[tuple[str, str]], persona: Persona, rng: random.Random) -> str:
    if rng.random() < persona.na_rate:
        return next(text for text, data in levels if data.endswith(":n"))
    level = round(min(5, max(1, rng.gauss(persona.mood, 0.8))))
    return next(text for text, data in levels if data.endswith(f":{level}"))
