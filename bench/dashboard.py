"""Benchmark: dashboard page load times over real HTTP to a served app (uvicorn, SQLite).

    python bench/dashboard.py [--answers 1000000] [--skip-large] [--demo-database URL]
        [--large-database PATH]

Two databases: the demo campaign (a copy of ``--demo-database``, a database ``csat demo
--database URL`` kept; without it, the demo-sized campaigns of tests/dashboard/seeding.py,
seeded through the real services), and a generated campaign of ``--answers`` answers with its
previous campaign of the same size (bench/report_speed.py's generator, stored by
bench/storage_load.py's ``store``, with invitations sent, account owners and a ticket for every
1-2 answer added by bench/dashboard_data.py). For each: the campaigns list, the campaign page,
the ticket board (all tickets, and one campaign's overdue ones), the ticket page with the
longest history, the funnel page with the chase list (as a viewer, and as staff, who also see
the links), and the drill-downs (the 1-2 answers of the factor with the most, and the customer
with the most respondents), cold (first view after the server starts; the campaign page
builds its report) and warm (median of 5 views), beside ``GET /healthz`` as the baseline of
the same run. Target: every page under 2 s. Prints the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import shutil
import statistics
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import httpx
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.dashboard_data import add_dashboard_data
from bench.report_speed import bench_survey, generate
from bench.storage_load import store
from cli.hosting import AppServer
from storage.engine import create_engine, create_sessionmaker
from storage.migrate import upgrade_async
from storage.surveys import get_survey
from survey.settings import Settings
from survey.vocabulary import ApiKeyRole
from tests.dashboard.dashing import make_key, sign_in
from tests.dashboard.seeding import seed_dashboard
from tests.support import free_port

TARGET_SECONDS = 2.0
BENCH_SECRET = "bench-dashboard-secret"
WARM_VIEWS = 5
SQLITE_PREFIX = "sqlite+aiosqlite:///"


@dataclass(frozen=True)
class Targets:
    """What the pages are timed on: a campaign, its ticket with the longest history, its
    factor with the most 1-2 answers, its customer with the most respondents."""

    campaign: str
    ticket: int
    factor: str
    customer: str


async def _scalar(session: AsyncSession, sql: str, **params: object) -> object:
    value = await session.scalar(text(sql), params)
    assert value is not None, sql
    return value


async def find_targets(sessions: async_sessionmaker[AsyncSession], campaign: str) -> Targets:
    async with sessions() as session:
        campaign_id, survey_id = (
            await session.execute(
                text("SELECT id, survey_id FROM campaigns WHERE key = :key"), {"key": campaign}
            )
        ).one()
        ticket = await _scalar(
            session,
            """SELECT t.id FROM tickets t JOIN ticket_events e ON e.ticket_id = t.id
            WHERE t.campaign_id = :c GROUP BY t.id ORDER BY count(*) DESC, t.id LIMIT 1""",
            c=campaign_id,
        )
        lows = await session.execute(
            text(
                """SELECT question, count(*) FROM answers WHERE campaign_id = :c
                AND kind = 'likert' AND level <= 2 GROUP BY question"""
            ),
            {"c": campaign_id},
        )
        survey = await get_survey(session, survey_id)
        by_factor: dict[str, int] = {}
        for question, count in lows.tuples():
            found = survey.question(question)
            if found is not None and found.factor:
                by_factor[found.factor] = by_factor.get(found.factor, 0) + int(count)
        customer = await _scalar(
            session,
            """SELECT c.external_id FROM customers c JOIN respondents r ON r.customer_id = c.id
            JOIN invitations i ON i.respondent_id = r.id WHERE i.campaign_id = :c
            GROUP BY c.id ORDER BY count(*) DESC, c.id LIMIT 1""",
            c=campaign_id,
        )
    factor = max(sorted(by_factor), key=lambda key: by_factor[key])
    return Targets(campaign, int(str(ticket)), factor, str(customer))


def pages(targets: Targets) -> list[tuple[str, str, bool]]:
    """(name, path, as staff) of every page timed, in the order of their cold views: the
    campaign page first, whose cold view builds the report (and the previous campaign's
    figures inside it); the list then builds only the other campaign's report."""
    campaign = f"/dashboard/campaigns/{quote(targets.campaign, safe='')}"
    key = quote(targets.campaign, safe="")
    return [
        ("campaign page", campaign, False),
        ("campaigns list", "/dashboard", False),
        ("ticket board (all)", "/dashboard/tickets", False),
        (
            "ticket board (campaign, overdue)",
            f"/dashboard/tickets?campaign={key}&overdue=true",
            False,
        ),
        ("ticket page", f"/dashboard/tickets/{targets.ticket}", False),
        ("funnel + chase list (viewer)", f"{campaign}/funnel", False),
        ("funnel + chase list (staff)", f"{campaign}/funnel", True),
        (f"drill-down: 1-2 answers of {targets.factor}", f"{campaign}/low/{targets.factor}", False),
        ("drill-down: one customer", f"{campaign}/customers/{quote(targets.customer)}", False),
    ]


async def _timed(client: httpx.AsyncClient, path: str) -> float:
    start = time.perf_counter()
    response = await client.get(path)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (path, response.status_code)
    return elapsed


@dataclass(frozen=True)
class Timing:
    name: str
    cold: float
    warm: float


def bench_settings(url: str) -> Settings:
    # A secret, as a deployment has: the reports one server kept are read by the next.
    return Settings(
        database_url=url,
        port=free_port(),
        secret_key=SecretStr(BENCH_SECRET),
        _env_file=None,
    )


async def measure(url: str, campaign: str, label: str) -> list[Timing]:
    sessions = create_sessionmaker(create_engine(url))
    targets = await find_targets(sessions, campaign)
    viewer = await make_key(sessions, ApiKeyRole.VIEWER, "bench viewer")
    staff = await make_key(sessions, ApiKeyRole.STAFF, "bench staff")
    server = AppServer(bench_settings(url))
    await server.start()
    try:
        async with (
            httpx.AsyncClient(base_url=server.url, timeout=600) as as_viewer,
            httpx.AsyncClient(base_url=server.url, timeout=600) as as_staff,
        ):
            # Signed in to a page that reads no report (the sign-in's own default, the list,
            # would build every campaign's report before the first view timed).
            landing = f"/dashboard/tickets/{targets.ticket}"
            await sign_in(as_viewer, viewer.secret, next_path=landing)
            await sign_in(as_staff, staff.secret, next_path=landing)
            base = statistics.median(
                [await _timed(as_viewer, "/healthz") for _ in range(WARM_VIEWS)]
            )
            timed = pages(targets)
            started = time.perf_counter()
            first = await as_viewer.get(timed[0][1])
            preparing = 'id="report-preparing"' in first.text
            colds = [time.perf_counter() - started] + [
                await _timed(as_staff if by_staff else as_viewer, path)
                for _, path, by_staff in timed[1:]
            ]
            # A report never built shows "being prepared" until its build is done.
            await _until_shown(as_viewer, timed[0][1])
            prepared = time.perf_counter() - started
            # The first view in another language: its report's words are built then.
            english = await _timed(as_viewer, timed[0][1] + "?lang=en")
            timings = []
            for (name, path, by_staff), cold in zip(timed, colds, strict=True):
                client = as_staff if by_staff else as_viewer
                warm = statistics.median([await _timed(client, path) for _ in range(WARM_VIEWS)])
                timings.append(Timing(name, cold, warm))
            timings.append(Timing("campaign page, first view in en", english, english))
    finally:
        await server.stop()
    print(f"\n{label}: {targets}")
    print(f"  GET /healthz (baseline, median of {WARM_VIEWS}) {base * 1000:.1f} ms")
    if preparing:
        print(
            f"  campaign page: 'being prepared' at its first view, its report {prepared:.1f} s"
            " later (the other pages' cold views were timed meanwhile)"
        )
    else:
        print("  campaign page: its report at its first view")
    print(f"  {'page':<44} {'cold ms':>9} {'warm ms':>9} {'warm/base':>10}")
    for row in timings:
        print(
            f"  {row.name:<44} {row.cold * 1000:>9.1f} {row.warm * 1000:>9.1f}"
            f" {row.warm / base:>9.0f}x"
        )
    worst = max(timings, key=lambda row: max(row.cold, row.warm))
    slowest = max(worst.cold, worst.warm)
    verdict = "under" if slowest < TARGET_SECONDS else "OVER"
    print(f"  slowest: {worst.name} {slowest:.2f} s: {verdict} the {TARGET_SECONDS:g} s target")
    return timings


async def _until_shown(client: httpx.AsyncClient, path: str) -> None:
    """Once ``path`` shows its report rather than "being prepared"."""
    while 'id="report-preparing"' in (await client.get(path)).text:
        await asyncio.sleep(0.5)


async def forget_reports(url: str) -> None:
    """No report kept yet: the first server's cold views build every report."""
    async with create_sessionmaker(create_engine(url))() as session, session.begin():
        await session.execute(text("DELETE FROM report_snapshots"))


async def one_more_answer(url: str, campaign: str) -> None:
    """A respondent's answer changes (a new level, as the bot stores a change): the report's
    fingerprint changes, so the next view's build cannot be the kept one."""
    async with create_sessionmaker(create_engine(url))() as session, session.begin():
        await session.execute(
            text(
                """UPDATE answers SET level = CASE WHEN level = 5 THEN 4 ELSE 5 END,
                changed_at = :now WHERE id = (SELECT max(a.id) FROM answers a JOIN campaigns c
                ON c.id = a.campaign_id WHERE c.key = :key AND a.kind = 'likert')"""
            ),
            {"now": datetime.now(UTC).replace(tzinfo=None).isoformat(sep=" "), "key": campaign},
        )


async def measure_changed(url: str, campaign: str) -> None:
    """The campaign page right after an answer changed: it waits for the build until
    ``dashboard_report_wait`` seconds after the view began, then shows the report built
    before (said so); the view after the build is fresh again."""
    sessions = create_sessionmaker(create_engine(url))
    viewer = await make_key(sessions, ApiKeyRole.VIEWER, "bench viewer")
    settings = bench_settings(url)
    server = AppServer(settings)
    await server.start()
    page = f"/dashboard/campaigns/{quote(campaign, safe='')}"
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=600) as client:
            await sign_in(client, viewer.secret, next_path=page)
            await one_more_answer(url, campaign)
            start = time.perf_counter()
            older = await client.get(page)
            changed = time.perf_counter() - start
            said = 'id="report-updating"' in older.text
            start = time.perf_counter()
            while 'id="report-updating"' in (await client.get(page)).text:
                await asyncio.sleep(0.5)
            rebuilt = time.perf_counter() - start
    finally:
        await server.stop()
    print(
        f"  campaign page right after an answer changed: {changed * 1000:.1f} ms"
        f" (waits for the build until {settings.dashboard_report_wait:g} s into the view; showed"
        " the older report"
        f" with its notice: {said}); fresh again {rebuilt:.1f} s later"
    )


async def demo_campaign(url: str) -> str:
    """The demo database's campaign with the most answers."""
    async with create_sessionmaker(create_engine(url))() as session:
        key = await _scalar(
            session,
            """SELECT c.key FROM campaigns c JOIN answers a ON a.campaign_id = c.id
            GROUP BY c.id ORDER BY count(*) DESC LIMIT 1""",
        )
    return str(key)


async def build_large(url: str, answers: int) -> None:
    """Two generated campaigns of ``answers`` answers each, with what the pages read."""
    await upgrade_async(url)
    survey = bench_survey()
    t0 = time.perf_counter()
    sessions = create_sessionmaker(create_engine(url))
    for campaign, seed, shift in (("2025H2", 8, -0.1), ("2026H1", 7, 0.0)):
        frame, invitations = generate(survey, answers, campaign=campaign, seed=seed, shift=shift)
        async with sessions() as session, session.begin():
            await store(session, survey, frame, invitations, campaign)
    async with sessions() as session, session.begin():
        counts = await add_dashboard_data(session)
    print(f"\nstored 2 x {answers:,} answers in {time.perf_counter() - t0:.0f} s: {counts}")


async def main(
    answers: int, skip_large: bool, demo_database: str | None, large_database: str | None
) -> None:
    print(f"load average at start: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as folder:
        demo = f"{SQLITE_PREFIX}{folder}/demo.db"
        if demo_database is not None:
            # A copy: the bench's API keys stay out of the kept demo database.
            shutil.copyfile(demo_database.removeprefix(SQLITE_PREFIX), f"{folder}/demo.db")
            await upgrade_async(demo)
            label = f"csat demo campaign ({demo_database})"
        else:
            await upgrade_async(demo)
            await seed_dashboard(create_sessionmaker(create_engine(demo)))
            label = "demo-sized campaign (tests/dashboard/seeding.py)"
        key = await demo_campaign(demo)
        await forget_reports(demo)
        await measure(demo, key, f"{label}: first server, no report kept")
        await measure(demo, key, f"{label}: restarted, the reports kept by the first")
        if not skip_large:
            path = large_database or f"{folder}/large.db"
            large = f"{SQLITE_PREFIX}{path}"
            if not Path(path).exists():
                await build_large(large, answers)
            else:
                await upgrade_async(large)
            what = f"{answers:,}-answer campaign (previous one as large)"
            await forget_reports(large)
            await measure(large, "2026H1", f"{what}: first server, no report kept")
            await measure(large, "2026H1", f"{what}: restarted, the reports kept by the first")
            await measure_changed(large, "2026H1")
    print(f"\nload average at end: {os.getloadavg()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--skip-large", action="store_true")
    parser.add_argument(
        "--demo-database", help="a SQLite database `csat demo --database URL` kept (its URL)"
    )
    parser.add_argument(
        "--large-database",
        help="a SQLite file for the generated campaigns: built there when missing, else reused"
        " (pass the same --answers)",
    )
    args = parser.parse_args()
    asyncio.run(main(args.answers, args.skip_large, args.demo_database, args.large_database))
