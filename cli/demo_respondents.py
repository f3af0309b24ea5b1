"""The demo's respondents as a crowd: they wait for their chat invitations, open their links
and answer, in chat (``personas``) or, those without a chat, on the web form at the web link
their account owner handed them (``web_persona``); a week later some come back after a
reminder in chat."""

from __future__ import annotations

import asyncio
import ipaddress
import random
import time
from datetime import timedelta
from urllib.parse import parse_qs, urlparse

import httpx
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot

from bot.scheduler import Scheduler
from cli.common import console
from cli.demo_seed import FIRST_USER_ID, Population
from cli.personas import Persona, answer_survey, make_persona
from cli.web_persona import answer_on_web
from simulator import BotApiSimulator, SimUser
from storage.types import utcnow
from survey.settings import Settings

CONCURRENT_RESPONDENTS = 8  # in chat
CONCURRENT_BROWSERS = 4  # on the web form: answered at once, nothing to wait for
INVITATIONS_TIMEOUT = 300.0  # seconds the respondents wait for their chat invitations
IGNORE_SHARE = 0.06  # never open their link
RETURN_SHARE = 0.5  # reminded respondents who come back and finish
# Where the web respondents' phones are: the benchmarking range (RFC 2544), one each.
PHONES = ipaddress.IPv4Network("198.18.0.0/15")


def link_token(link: str) -> str:
    """The invitation token of a ``t.me/<bot>?start=<token>`` deep link."""
    return parse_qs(urlparse(link).query)["start"][0]


async def chat_invited(sim: BotApiSimulator, population: Population, queued: int) -> set[str]:
    """Wait for the scheduler to deliver the chat invitations; who got one. A loaded machine
    can take a while: the figures must not depend on how busy it was."""
    got: set[str] = set()
    deadline = time.monotonic() + INVITATIONS_TIMEOUT
    while len(got) < queued and time.monotonic() < deadline:
        got = {r for r, chat in population.chat_ids.items() if _invitation_link(sim.user(chat))}
        await asyncio.sleep(0.2)
    if len(got) < queued:
        console.print(
            f"[yellow]{queued - len(got)} chat invitations were not delivered after "
            f"{INVITATIONS_TIMEOUT:.0f} s[/yellow]"
        )
    return got


def phone_address(population: Population, respondent: str) -> str:
    """The address a web respondent's phone asks from (each their own: the app limits
    requests per address)."""
    return str(PHONES[population.user_ids[respondent] - FIRST_USER_ID])


def _invitation_link(user: SimUser) -> str | None:
    for message in reversed(user.messages):
        for row in message.raw.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                if "start=" in button.get("url", ""):
                    return str(button["url"])
    return None


def _person(
    sim: BotApiSimulator, population: Population, respondent: str, persona: Persona
) -> SimUser:
    return sim.user(
        population.user_ids[respondent],
        first_name=respondent,
        language_code="zh-hans" if persona.language == "zh-CN" else "en",
    )


async def answer_all(
    sim: BotApiSimulator,
    web: httpx.AsyncClient,
    population: Population,
    invited: set[str],
    links: dict[str, str],
    rng: random.Random,
) -> tuple[dict[str, str], dict[str, Persona]]:
    """Every invited respondent opens their link and answers like a person would: in chat
    from the chat invitation, or on the web form (``web``, the app's client) at the web link
    in ``links`` that their account owner handed them; some never open it, some leave
    half-way."""
    outcomes: dict[str, str] = {}
    personas: dict[str, Persona] = {}
    in_chat = asyncio.Semaphore(CONCURRENT_RESPONDENTS)
    on_web = asyncio.Semaphore(CONCURRENT_BROWSERS)
    columns = (TextColumn("answering"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("respondents", total=len(invited))

        async def one(respondent: str, own: random.Random) -> None:
            # Their own generator: how the concurrent conversations interleave changes nothing.
            persona = make_persona(own, population.moods[respondent])
            personas[respondent] = persona
            web_link = links.get(respondent)
            async with on_web if web_link else in_chat:
                if own.random() < IGNORE_SHARE:
                    outcomes[respondent] = "ignored"
                elif web_link:
                    address = phone_address(population, respondent)
                    outcomes[respondent] = await answer_on_web(web, web_link, persona, own, address)
                else:
                    user = _person(sim, population, respondent, persona)
                    token = link_token(_invitation_link(user) or "")
                    outcomes[respondent] = await answer_survey(
                        user, token, persona, own, sim.redeliver
                    )
            progress.advance(task)

        await asyncio.gather(*(one(r, random.Random(rng.random())) for r in sorted(invited)))
    return outcomes, personas


async def remind_and_return(
    sim: BotApiSimulator,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    population: Population,
    personas: dict[str, Persona],
    outcomes: dict[str, str],
    rng: random.Random,
) -> dict[str, int]:
    """A week later (the scheduler's clock moved on): unfinished respondents the bot can write
    to get a reminder; about half of them come back and finish."""
    week_later = utcnow() + timedelta(days=7)
    users = {r: _person(sim, population, r, p) for r, p in personas.items()}
    before = {r: _links(user) for r, user in users.items()}
    async with Bot(settings.token or "", base_url=f"{settings.telegram_api_url}/bot") as bot:
        scheduler = Scheduler(
            bot, sessions, settings, worker="demo-next-week", clock=lambda: week_later
        )
        result = await scheduler.tick()
    resumed = 0
    for respondent, outcome in sorted(outcomes.items()):
        own = random.Random(rng.random())
        if outcome == "completed" or respondent not in population.chat_ids:
            continue
        user = users[respondent]
        if _links(user) == before[respondent] or own.random() < RETURN_SHARE:
            continue
        persona = personas[respondent]
        patient = Persona(persona.mood, persona.na_rate, None, persona.language, persona.talkative)
        token = link_token(_invitation_link(user) or "")
        if await answer_survey(user, token, patient, own, sim.redeliver) == "completed":
            outcomes[respondent] = "completed after a reminder"
            resumed += 1
    return {"queued": result.reminders_queued, "overdue": result.overdue_queued, "resumed": resumed}


def _links(user: SimUser) -> int:
    """How many of the bot's messages carry the survey's deep link (invitation, reminders)."""
    return sum("start=" in str(m.raw.get("reply_markup", "")) for m in user.messages)
