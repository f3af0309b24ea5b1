"""``csat demo``: a whole campaign offline, run the way a quality manager runs one.

The Bot API simulator stands in for Telegram; the real app (admin API, bot, scheduler) serves on
a local port. The manager plans, invites, closes and exports over the admin API; simulated
respondents answer in chat; staff take the alerts in their department groups; reminders go out
on the 3rd working day (the scheduler's clock is moved forward for that); then the report.
"""

from __future__ import annotations

import asyncio
import random
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlparse
from zoneinfo import ZoneInfo

import httpx
import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot

from bot.scheduler import Scheduler
from cli.common import console, database_errors
from cli.demo_seed import Population, daytime_zone, seed_population, zone_label
from cli.demo_staff import StaffDesk, submit_plans
from cli.hosting import AppServer
from cli.personas import Persona, answer_survey, make_persona
from cli.reporting import print_campaign_report
from simulator import BotApiSimulator, Limits, SimChat, SimUser
from storage.engine import create_engine, create_sessionmaker, transaction
from storage.migrate import upgrade_async
from storage.outbox import pending_count
from storage.types import utcnow
from survey.loader import load_template
from survey.settings import Settings

CAMPAIGN = "demo"
WEBHOOK_SECRET = "demo-secret"
CONCURRENT_RESPONDENTS = 8
FALLBACK_STAFF_CHAT = -100_900
INVITATIONS_TIMEOUT = 300.0  # seconds the respondents wait for their chat invitations
# Simulated people tap instantly; Telegram's overall 30 msg/s and group limits stay enforced.
DEMO_LIMITS = Limits(chat_burst=10_000)
# The seeds' sampling rules (SPEC §6): a third of key accounts, 30 % of main customers at
# random, 60 % of each business unit's revenue with two customers per product line.
RULES = {
    "key_account_share": 0.34,
    "random_share": 0.3,
    "revenue_coverage": 0.6,
    "min_per_product_line": 2,
    "include_complainers": True,
    "callback_share": 0.1,
}


def demo(
    respondents: int = typer.Option(60, min=50, help="How many respondents the customers have"),
    survey: str = typer.Option("ecss-5", help="Questionnaire template"),
    seed: int = typer.Option(2026, help="Random seed of the sample and the simulated answers"),
    database: str | None = typer.Option(
        None, help="Database URL (default: a temporary SQLite file, removed at the end)"
    ),
    out: Path = typer.Option(Path("reports"), help="Where the report and the exports go"),
) -> None:
    """Run a campaign of simulated respondents through the simulator and the real bot."""
    if database is not None:
        asyncio.run(_demo(respondents, survey, seed, database, out))
        return
    # Removed however the demo ends: finished, failed, or interrupted with Ctrl-C.
    with tempfile.TemporaryDirectory(prefix="csat-demo-") as folder:
        path = Path(folder) / "demo.db"
        console.print(f"database: {path} (temporary, removed at the end)", highlight=False)
        asyncio.run(_demo(respondents, survey, seed, f"sqlite+aiosqlite:///{path}", out))


@dataclass(frozen=True)
class Draws:
    """A random generator per stage, so that how fast the bot and the staff happen to be (how
    many tickets are acknowledged when plans are filed) cannot shift later draws."""

    answers: random.Random
    plans: random.Random
    returns: random.Random

    @classmethod
    def of(cls, rng: random.Random) -> Draws:
        return cls(*(random.Random(rng.random()) for _ in range(3)))


async def _demo(count: int, template: str, seed: int, url: str, out: Path) -> None:
    started = time.perf_counter()
    rng = random.Random(seed)
    draws = Draws.of(rng)
    departments = sorted({f.department for f in load_template(template).factors if f.department})
    with database_errors(url, connecting=True):
        await upgrade_async(url)
    engine = create_engine(url)
    try:
        sessions = create_sessionmaker(engine)
        async with BotApiSimulator(limits=DEMO_LIMITS) as sim:
            groups = {d: sim.group(-100_100 - n, f"{d} staff") for n, d in enumerate(departments)}
            settings = _settings(url, sim, {d: g.id for d, g in groups.items()})
            zone = daytime_zone(utcnow(), settings.night_start, settings.night_end)
            population = await seed_population(sessions, template, count, rng, timezone=zone)
            there = utcnow().astimezone(ZoneInfo(zone))
            console.print(
                f"respondents live in {zone_label(zone)} ({there:%H:%M} there now): daytime, "
                "so nothing waits for their morning"
            )
            for external_id, chat_id in population.chat_ids.items():
                await sim.user(chat_id, first_name=external_id).send_text("/help")  # known
            server = AppServer(settings)
            await server.start()
            try:
                await server.register_webhook()
                headers = {"Authorization": f"Bearer {population.admin_key}"}
                async with httpx.AsyncClient(
                    base_url=server.url, headers=headers, timeout=60
                ) as api:
                    await _run_campaign(
                        api, sim, sessions, settings, population, groups, draws, out
                    )
            finally:
                await server.stop()
        await print_campaign_report(sessions, CAMPAIGN, out)
    finally:
        await engine.dispose()
    console.print(f"demo finished in {time.perf_counter() - started:.0f} s", style="dim")


def _settings(url: str, sim: BotApiSimulator, department_chats: dict[str, int]) -> Settings:
    port = _free_port()
    return Settings(
        database_url=url,
        telegram_token=sim.token,
        telegram_api_url=sim.api_root,
        bot_username="csat_demo_bot",
        webhook_url=f"http://127.0.0.1:{port}/telegram/webhook",
        webhook_secret=WEBHOOK_SECRET,
        port=port,
        staff_chat_id=FALLBACK_STAFF_CHAT,
        department_chats=department_chats,
        staff_language="en",
        scheduler_interval=0.5,
        _env_file=None,
    )


async def _run_campaign(
    api: httpx.AsyncClient,
    sim: BotApiSimulator,
    sessions: async_sessionmaker[AsyncSession],
    settings: Settings,
    population: Population,
    groups: dict[str, SimChat],
    draws: Draws,
    out: Path,
) -> None:
    created = await api.post(
        "/campaigns", json={"key": CAMPAIGN, "survey": population.survey_key, "period": "quarterly"}
    )
    created.raise_for_status()
    preview = await _call(api, "/campaigns/demo/plan", {"rules": RULES, "seed": 2026})
    _print_plan(preview)
    await _call(api, "/campaigns/demo/plan", {"rules": RULES, "seed": 2026, "apply": True})
    sent = await _call(api, "/campaigns/demo/invite", None)
    console.print(
        f"invitations: {sent['queued']} sent in chat, {len(sent['handoff'])} deep links handed "
        "to account owners"
    )
    links = {h["respondent_id"]: _token(h["deep_link"]) for h in sent["handoff"]}
    invited = set(links) | await _chat_invited(sim, population, sent["queued"])
    desk = StaffDesk(sim, groups)
    stop = asyncio.Event()
    watching = asyncio.create_task(desk.watch(stop))
    outcomes, personas = await _answer(sim, population, invited, links, draws.answers)
    await _drain(sessions)
    console.print(f"answers: {dict(Counter(outcomes.values()).most_common())}")
    staff_api = httpx.AsyncClient(
        base_url=str(api.base_url), headers={"Authorization": f"Bearer {population.staff_key}"}
    )
    async with staff_api:
        plans = await submit_plans(staff_api, draws.plans)
    taken_first = desk.taken
    console.print(
        f"staff: {desk.alerts_seen} alerts in {len(groups)} department groups, "
        f"{taken_first} tickets taken with one tap, {plans} plans submitted over the API"
    )
    reminded = await _remind(sim, sessions, settings, population, personas, outcomes, draws.returns)
    await _drain(sessions)  # alerts of the low scores the returning respondents gave
    stop.set()
    await watching
    console.print(
        f"a week later: {_count(reminded['queued'], 'reminder')} and "
        f"{_count(reminded['overdue'], 'overdue-ticket alert')} sent; "
        f"{_count(reminded['resumed'], 'respondent')} came back and finished; staff took "
        f"{desk.taken - taken_first} more tickets ({desk.taken} in all)"
    )
    # Before closing, the account owners see whom to chase by hand (the bot cannot write to
    # people who never opened their link). The admin key covers the staff role.
    chase = await api.get("/campaigns/demo/chase", params={"limit": 500})
    chase.raise_for_status()
    owners = Counter(c["account_owner"] for c in chase.json()["data"])
    console.print(
        f"to chase by hand: {_count(chase.json()['count'], 'respondent')} who never opened "
        f"their link, for {_count(len(owners), 'account owner')}"
    )
    closed = await _call(api, "/campaigns/demo/close", None)
    console.print(
        f"closed: {_count(closed['expired_invitations'], 'unfinished invitation')} expired; "
        f"tickets classified 20/80: {closed['opinion_tickets']} opinion tickets (客户意见处理单), "
        f"{closed['internal_memos']} internal memos (内部联络单)"
    )
    await _export(api, out)


async def _call(api: httpx.AsyncClient, path: str, body: object) -> dict[str, Any]:
    response = await api.post(path, json=body)
    if response.is_error:
        raise RuntimeError(f"POST {path}: {response.status_code} {response.text}")
    data: dict[str, Any] = response.json()
    return data


def _print_plan(preview: dict[str, Any]) -> None:
    f = preview["figures"]
    classes = ", ".join(
        f"{c['customer_class']} {c['selected']}/{c['customers']}" for c in f["by_class"]
    )
    coverage = ", ".join(f"{u['business_unit']} {u['coverage']:.0%}" for u in f["by_unit"])
    console.print(
        f"plan preview (seed {preview['seed']}): {f['customers']} of {f['population']} customers "
        f"({classes}), {f['respondents']} respondents, {f['callback_checks']} marked for a "
        f"call-back check; revenue covered: {coverage}; expecting {f['expected_respondents']} "
        f"answers, margin of error ±{f['margin_of_error']:.0%}"
    )


def _token(link: str) -> str:
    return parse_qs(urlparse(link).query)["start"][0]


async def _chat_invited(sim: BotApiSimulator, population: Population, queued: int) -> set[str]:
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


def _invitation_link(user: SimUser) -> str | None:
    for message in reversed(user.messages):
        for row in message.raw.get("reply_markup", {}).get("inline_keyboard", []):
            for button in row:
                if "start=" in button.get("url", ""):
                    return str(button["url"])
    return None


async def _answer(
    sim: BotApiSimulator,
    population: Population,
    invited: set[str],
    links: dict[str, str],
    rng: random.Random,
) -> tuple[dict[str, str], dict[str, Persona]]:
    """Every invited respondent opens their link (from the chat invitation or the account
    owner) and answers like a person would; some never open it, some leave half-way."""
    outcomes: dict[str, str] = {}
    personas: dict[str, Persona] = {}
    semaphore = asyncio.Semaphore(CONCURRENT_RESPONDENTS)
    columns = (TextColumn("answering"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("respondents", total=len(invited))

        async def one(respondent: str, own: random.Random) -> None:
            # Their own generator: how the concurrent conversations interleave changes nothing.
            persona = make_persona(own, population.moods[respondent])
            personas[respondent] = persona
            user = _person(sim, population, respondent, persona)
            token = links.get(respondent) or _token(_invitation_link(user) or "")
            async with semaphore:
                if own.random() < 0.06:  # never opens the link
                    outcomes[respondent] = "ignored"
                else:
                    outcomes[respondent] = await answer_survey(
                        user, token, persona, own, sim.redeliver
                    )
            progress.advance(task)

        await asyncio.gather(*(one(r, random.Random(rng.random())) for r in sorted(invited)))
    return outcomes, personas


def _person(
    sim: BotApiSimulator, population: Population, respondent: str, persona: Persona
) -> SimUser:
    return sim.user(
        population.user_ids[respondent],
        first_name=respondent,
        language_code="zh-hans" if persona.language == "zh-CN" else "en",
    )


async def _drain(sessions: async_sessionmaker[AsyncSession], timeout: float = 120) -> None:
    """Wait until the scheduler has sent every queued message (alerts to the staff groups)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        async with transaction(sessions) as session:
            if await pending_count(session) == 0:
                return
        await asyncio.sleep(0.3)
    console.print("[yellow]some messages were still queued after two minutes[/yellow]")


async def _remind(
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
        if _links(user) == before[respondent] or own.random() < 0.5:
            continue
        persona = personas[respondent]
        patient = Persona(persona.mood, persona.na_rate, None, persona.language, persona.talkative)
        token = _token(_invitation_link(user) or "")
        if await answer_survey(user, token, patient, own, sim.redeliver) == "completed":
            outcomes[respondent] = "completed after a reminder"
            resumed += 1
    return {"queued": result.reminders_queued, "overdue": result.overdue_queued, "resumed": resumed}


def _count(n: int, thing: str) -> str:
    """``1 reminder``, ``2 reminders``."""
    return f"{n} {thing}" if n == 1 else f"{n} {thing}s"


def _links(user: SimUser) -> int:
    """How many of the bot's messages carry the survey's deep link (invitation, reminders)."""
    return sum("start=" in str(m.raw.get("reply_markup", "")) for m in user.messages)


async def _export(api: httpx.AsyncClient, out: Path) -> None:
    """What the manager downloads: the workbook, the answers and the tickets."""
    out.mkdir(parents=True, exist_ok=True)
    written = []
    for name in ("workbook.xlsx", "answers.csv", "tickets.csv", "scores.csv"):
        response = await api.get(f"/campaigns/{CAMPAIGN}/exports/{name}")
        response.raise_for_status()
        path = out / f"{CAMPAIGN}-{name}"
        path.write_bytes(response.content)
        written.append(f"{path} ({len(response.content):,} bytes)")
    console.print("exports: " + ", ".join(written))


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
