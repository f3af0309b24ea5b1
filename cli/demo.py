"""``csat demo``: a whole campaign offline — simulator, real bot stack, simulated respondents."""

from __future__ import annotations

import asyncio
import random
import tempfile
from pathlib import Path

import typer
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.simulator import BotApiSimulator, Limits
from cli.common import console
from cli.hosting import AppServer
from cli.personas import answer_survey, make_persona
from cli.reporting import print_campaign_report
from storage.campaigns import create_campaign, invite
from storage.engine import create_engine, create_sessionmaker
from storage.migrate import upgrade_async
from storage.models import Respondent
from storage.people import upsert_customers, upsert_respondents
from storage.surveys import save_survey
from survey.loader import load_template
from survey.records import ROLES, CustomerRecord, RespondentRecord
from survey.settings import Settings

CLASSES = ["KA", "KA", "A", "A", "B", "B", "B", "C"]
UNITS = ["Consumer", "Industrial", "Automotive"]
WEBHOOK_SECRET = "demo-secret"
CONCURRENT_RESPONDENTS = 8
# Simulated people tap instantly; Telegram's overall 30 msg/s stays enforced.
DEMO_LIMITS = Limits(chat_burst=10_000)


def demo(
    respondents: int = typer.Option(60, min=50, help="How many respondents to invite"),
    survey: str = typer.Option("ecss-5", help="Questionnaire template"),
    seed: int = typer.Option(2026, help="Random seed of the simulated answers"),
    database: str | None = typer.Option(None, help="Database URL (default: a new SQLite file)"),
    out: Path = typer.Option(Path("reports"), help="Where the report JSON and chart go"),
) -> None:
    """Run a campaign of simulated respondents through the simulator and the real bot."""
    asyncio.run(_demo(respondents, survey, seed, database, out))


async def _demo(count: int, template: str, seed: int, database: str | None, out: Path) -> None:
    rng = random.Random(seed)
    url = (
        database or f"sqlite+aiosqlite:///{Path(tempfile.mkdtemp(prefix='csat-demo-')) / 'csat.db'}"
    )
    await upgrade_async(url)
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    campaign_key, tokens, moods = await _seed(sessions, template, count, rng)
    console.print(
        f"database: {url}\ncampaign [bold]{campaign_key}[/bold]: "
        f"{len(tokens)} respondents invited to {template}"
    )
    async with BotApiSimulator(limits=DEMO_LIMITS) as sim:
        settings = Settings(
            database_url=url,
            telegram_token=sim.token,
            telegram_api_url=sim.api_root,
            bot_username="csat_demo_bot",
            webhook_secret=WEBHOOK_SECRET,
            port=_free_port(),
            _env_file=None,
        )
        settings.webhook_url = f"http://127.0.0.1:{settings.port}/telegram/webhook"
        server = AppServer(settings)
        await server.start()
        try:
            await server.register_webhook()
            outcomes = await _run_respondents(sim, tokens, moods, rng)
        finally:
            await server.stop()
    console.print(
        f"simulated outcomes: {dict(sorted(outcomes.items()))}; Bot API calls: {len(sim.calls())}"
    )
    await print_campaign_report(sessions, campaign_key, out)
    await engine.dispose()


async def _seed(
    sessions: async_sessionmaker[AsyncSession], template: str, count: int, rng: random.Random
) -> tuple[str, list[tuple[str, str]], dict[str, float]]:
    customers = [
        CustomerRecord(
            external_id=f"C{n:03d}",
            name=f"Customer {n:03d}",
            customer_class=CLASSES[n % len(CLASSES)],
            business_unit=UNITS[n % 3],
            annual_revenue=round(rng.lognormvariate(13, 1)),
        )
        for n in range(1, count // 3 + 1)
    ]
    moods = {c.external_id: rng.choice([2.4, 3.4, 3.9, 4.2, 4.6]) for c in customers}
    people = [
        RespondentRecord(
            external_id=f"R{n:03d}",
            customer_id=customers[n % len(customers)].external_id,
            name=rng.choice(["Li Wei", "Zhang Min", "Anna", "Tom", "王芳", "陈杰"]),
            role=ROLES[n % len(ROLES)],
            language=rng.choice(["en", "zh-CN", None]),
        )
        for n in range(1, count + 1)
    ]
    async with sessions() as session, session.begin():
        row, _ = await save_survey(session, load_template(template))
        await upsert_customers(session, list(enumerate(customers, start=2)))
        await upsert_respondents(session, list(enumerate(people, start=2)))
        campaign = await create_campaign(session, key="demo", survey_row=row, period="quarterly")
        rows = list(await session.scalars(select(Respondent).order_by(Respondent.id)))
        invitations = await invite(session, campaign, rows)
        mood_of = {r.external_id: moods[p.customer_id] for r, p in zip(rows, people, strict=True)}
        return (
            "demo",
            [(r.external_id, i.token) for r, i in zip(rows, invitations, strict=True)],
            mood_of,
        )


async def _run_respondents(
    sim: BotApiSimulator, tokens: list[tuple[str, str]], moods: dict[str, float], rng: random.Random
) -> dict[str, int]:
    outcomes: dict[str, int] = {}
    semaphore = asyncio.Semaphore(CONCURRENT_RESPONDENTS)
    columns = (TextColumn("answering"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn())
    with Progress(*columns, console=console) as progress:
        task = progress.add_task("respondents", total=len(tokens))

        async def one(index: int, respondent: str, token: str) -> None:
            persona = make_persona(random.Random(rng.random()), moods[respondent])
            async with semaphore:
                if rng.random() < 0.06:  # never opens the link
                    outcome = "ignored"
                else:
                    user = sim.user(
                        500_000 + index,
                        first_name=respondent,
                        language_code="zh-hans" if persona.language == "zh-CN" else "en",
                    )
                    outcome = await answer_survey(user, token, persona, random.Random(index))
            outcomes[outcome] = outcomes.get(outcome, 0) + 1
            progress.advance(task)

        await asyncio.gather(*(one(n, r, t) for n, (r, t) in enumerate(tokens)))
    return outcomes


def _free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])
