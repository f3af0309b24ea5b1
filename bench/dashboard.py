"""Benchmark: dashboard page load times over real HTTP to a served app (uvicorn, SQLite).

    python bench/dashboard.py [--answers 1000000] [--skip-large]

Two databases: the demo-sized campaigns of tests/dashboard/seeding.py (seeded through the real
services), and a generated campaign of ``--answers`` answers with its previous campaign of the
same size (bench/report_speed.py's generator, stored by bench/storage_load.py's ``store``).
For each: the campaigns list and the campaign page, cold (first view: the report is built)
and warm (median of 5 views: the cached report), beside ``GET /healthz`` as the baseline of the
same run. Target: the campaign page under 2 s. Prints the load average.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.report_speed import bench_survey, generate
from bench.storage_load import store
from cli.hosting import AppServer
from storage.engine import create_engine, create_sessionmaker
from storage.migrate import upgrade_async
from survey.settings import Settings
from survey.vocabulary import ApiKeyRole
from tests.dashboard.dashing import make_key, sign_in
from tests.dashboard.seeding import CURRENT, seed_dashboard
from tests.support import free_port

TARGET_SECONDS = 2.0
WARM_VIEWS = 5


async def _timed(client: httpx.AsyncClient, path: str) -> float:
    start = time.perf_counter()
    response = await client.get(path)
    elapsed = time.perf_counter() - start
    assert response.status_code == 200, (path, response.status_code)
    return elapsed


async def measure(url: str, campaign: str, label: str) -> None:
    sessions = create_sessionmaker(create_engine(url))
    key = await make_key(sessions, ApiKeyRole.VIEWER, "bench")
    server = AppServer(Settings(database_url=url, port=free_port(), _env_file=None))  # type: ignore[call-arg]
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=600) as client:
            await sign_in(client, key.secret)
            base = statistics.median([await _timed(client, "/healthz") for _ in range(WARM_VIEWS)])
            page = f"/dashboard/campaigns/{campaign}"
            # The page first: its cold view builds the report (and the previous campaign's
            # figures inside it); the list then builds only the other campaign's report.
            rows = [
                ("campaign page, cold", await _timed(client, page)),
                ("campaigns list, cold", await _timed(client, "/dashboard")),
            ]
            rows.append(
                (
                    "campaigns list, warm",
                    statistics.median(
                        [await _timed(client, "/dashboard") for _ in range(WARM_VIEWS)]
                    ),
                )
            )
            rows.append(
                (
                    "campaign page, warm",
                    statistics.median([await _timed(client, page) for _ in range(WARM_VIEWS)]),
                )
            )
            rows.append(("campaign page, en", await _timed(client, page + "?lang=en")))
    finally:
        await server.stop()
    print(f"\n{label}")
    print(f"  GET /healthz (baseline)   {base * 1000:>9.1f} ms")
    for name, seconds in rows:
        print(f"  {name:<25} {seconds * 1000:>9.1f} ms   ({seconds / base:>7.0f}x baseline)")
    warm = rows[3][1]
    verdict = "under" if warm < TARGET_SECONDS else "OVER"
    print(f"  campaign page warm {warm:.2f} s: {verdict} the {TARGET_SECONDS:g} s target")


async def main(answers: int, skip_large: bool) -> None:
    print(f"load average at start: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as folder:
        demo = f"sqlite+aiosqlite:///{folder}/demo.db"
        await upgrade_async(demo)
        await seed_dashboard(create_sessionmaker(create_engine(demo)))
        await measure(demo, CURRENT, "demo-sized campaign (50 invited, 35 answered, ~600 answers)")
        if not skip_large:
            large = f"sqlite+aiosqlite:///{folder}/large.db"
            await upgrade_async(large)
            survey = bench_survey()
            t0 = time.perf_counter()
            sessions = create_sessionmaker(create_engine(large))
            for campaign, seed, shift in (("2025H2", 8, -0.1), ("2026H1", 7, 0.0)):
                frame, invitations = generate(
                    survey, answers, campaign=campaign, seed=seed, shift=shift
                )
                async with sessions() as session, session.begin():
                    await store(session, survey, frame, invitations, campaign)
            print(f"\nstored 2 x {answers:,} answers in {time.perf_counter() - t0:.0f} s")
            await measure(large, "2026H1", f"{answers:,}-answer campaign (previous one as large)")
    print(f"\nload average at end: {os.getloadavg()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--skip-large", action="store_true")
    args = parser.parse_args()
    asyncio.run(main(args.answers, args.skip_large))
