"""``csat demo``: a whole campaign offline, run the way a quality manager runs one.

The Bot API simulator stands in for Telegram; the real app (admin API, bot, scheduler) serves on
a local port. The manager plans, invites, closes and exports over the admin API; simulated
respondents answer in chat, or on the web form over HTTP (those without a chat, at the web
link their account owner handed out); staff take the alerts in their department groups;
reminders go out on the 3rd working day (the scheduler's clock is moved forward for that); then
the report, the management review (HTML and PDF) and where the dashboard was.
"""

from __future__ import annotations

import asyncio
import random
import socket
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo

import httpx
import typer
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cli.common import console, database_errors, run_coroutine
from cli.demo_manager import CAMPAIGN, Manager
from cli.demo_respondents import answer_all, chat_invited, remind_and_return
from cli.demo_seed import Population, daytime_zone, seed_population, zone_label
from cli.demo_staff import StaffDesk, submit_plans
from cli.hosting import AppServer
from cli.reporting import print_campaign_report
from scoring.wording import counted
from simulator import BotApiSimulator, Limits, SimChat
from storage.apikeys import create_api_key
from storage.engine import create_engine, create_sessionmaker, transaction
from storage.migrate import upgrade_async
from storage.models import Answer
from storage.outbox import pending_count
from storage.types import utcnow
from survey.loader import load_template
from survey.settings import Settings
from survey.vocabulary import Channel

WEBHOOK_SECRET = "demo-secret"
FALLBACK_STAFF_CHAT = -100_900
# Simulated people tap instantly; Telegram's overall 30 msg/s and group limits stay enforced.
DEMO_LIMITS = Limits(chat_burst=10_000)
CHANNEL_NAMES = {Channel.TELEGRAM: "chat", Channel.WEB: "web"}  # as the answers line says


def _dashboard_lines(url: str, kept: bool, port: int, viewer_key: str | None) -> list[str]:
    """Where to read the campaign on the dashboard once the demo is over, said as it is: the
    demo's own app has stopped, and a temporary database is gone with it."""
    lines = [f"dashboard: the demo's app served it at http://127.0.0.1:{port}/dashboard while "
             "the demo ran; it has stopped now."]  # fmt: skip
    if not kept:
        lines.append(
            "  The demo's database was temporary and is removed: run the demo with --database "
            "URL to keep it and read this campaign on the dashboard afterwards."
        )
        return lines
    lines.append(
        f"  To read this campaign there: CSAT_DATABASE_URL={url} csat serve, then open "
        "http://127.0.0.1:8000/dashboard and sign in with an API key"
        + (f" (this demo's viewer key: {viewer_key})" if viewer_key else "")
        + " — or make one with `csat apikey create --role viewer`."
    )
    return lines


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
        run_coroutine(_demo(respondents, survey, seed, database, out, kept=True))
        return
    # Removed however the demo ends: finished, failed, or interrupted with Ctrl-C.
    with tempfile.TemporaryDirectory(prefix="csat-demo-") as folder:
        path = Path(folder) / "demo.db"
        console.print(f"database: {path} (temporary, removed at the end)", highlight=False)
        url = f"sqlite+aiosqlite:///{path}"
        run_coroutine(_demo(respondents, survey, seed, url, out, kept=False))


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


async def _demo(count: int, template: str, seed: int, url: str, out: Path, *, kept: bool) -> None:
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
        viewer_key = await _viewer_key(sessions) if kept else None
        for line in _dashboard_lines(url, kept, settings.port, viewer_key):
            console.print(line, highlight=False, markup=False)
    finally:
        await engine.dispose()
    console.print(f"demo finished in {time.perf_counter() - started:.0f} s", style="dim")


async def _viewer_key(sessions: async_sessionmaker[AsyncSession]) -> str:
    """A viewer's API key for the kept database: what a reader of the dashboard signs in with."""
    async with transaction(sessions) as session:
        _, key = await create_api_key(session, name="demo dashboard viewer", role="viewer")
    return key


def _settings(url: str, sim: BotApiSimulator, department_chats: dict[str, int]) -> Settings:
    port = _free_port()
    return Settings(
        database_url=url,
        # The web links handed out point at the demo's own app (plain http: no Mini App button).
        public_url=f"http://127.0.0.1:{port}",
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
    manager = Manager(api)
    await manager.open_and_plan(population.survey_key)
    queued, links = await manager.invite()
    invited = set(links) | await chat_invited(sim, population, queued)
    desk = StaffDesk(sim, groups)
    stop = asyncio.Event()
    watching = asyncio.create_task(desk.watch(stop))
    async with httpx.AsyncClient(timeout=60) as browser:  # the respondents' phones
        outcomes, personas = await answer_all(
            sim, browser, population, invited, links, draws.answers
        )
    await _drain(sessions)
    split = ", ".join(f"{name} {n}" for name, n in (await _answered_in(sessions)).items())
    console.print(f"answers: {dict(Counter(outcomes.values()).most_common())} ({split})")
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
    reminded = await remind_and_return(
        sim, sessions, settings, population, personas, outcomes, draws.returns
    )
    await _drain(sessions)  # alerts of the low scores the returning respondents gave
    stop.set()
    await watching
    console.print(
        f"a week later: {counted(reminded['queued'], 'reminder')} and "
        f"{counted(reminded['overdue'], 'overdue-ticket alert')} sent; "
        f"{counted(reminded['resumed'], 'respondent')} came back and finished; staff took "
        f"{desk.taken - taken_first} more tickets ({desk.taken} in all)"
    )
    await manager.chase()  # before closing: whom the account owners chase by hand
    await manager.close()
    await manager.export(out)
    await manager.review(out)


async def _answered_in(sessions: async_sessionmaker[AsyncSession]) -> dict[str, int]:
    """How many respondents have given answers in each channel (``answers.channel``)."""
    query = select(Answer.channel, func.count(Answer.respondent_id.distinct())).group_by(
        Answer.channel
    )
    async with transaction(sessions) as session:
        counts = dict((await session.execute(query)).tuples().all())
    return {name: counts.get(channel, 0) for channel, name in CHANNEL_NAMES.items()}


async def _drain(sessions: async_sessionmaker[AsyncSession], timeout: float = 120) -> None:
    """Wait until the scheduler has sent every queued message (alerts to the staff groups)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        async with transaction(sessions) as session:
            if await pending_count(session) == 0:
                return
        await asyncio.sleep(0.3)
    console.print("[yellow]some messages were still queued after two minutes[/yellow]")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
