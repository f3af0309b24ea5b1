"""Benchmark (issue 12 part 4): a 1,000,000-answer campaign's exports through a real ``csat
serve``, against the database's own CSV dump of the same query.

    .venv/bin/python bench/exports.py [--answers 1000000] [--backend sqlite|postgresql]
        [--formats csv,json,xlsx] [--database URL]

Per export format: total time, time to the first byte, bytes, and the serving process's
memory growth (its peak VmRSS from /proc during the download, less its VmRSS just before;
a fresh ``csat serve`` per format, so one download's leftovers do not hide the next one's).
The floor is ``sqlite3 -csv`` of the answers export's query on SQLite, ``psql``'s
``COPY (query) TO STDOUT`` on PostgreSQL, each timed in the same run; the ratio to it is
printed beside CSV and JSON. The machine's load average is printed before and after.

``--database URL`` reuses a database that already holds the generated campaign (``2026H1``)
and skips generating it (about a minute per million answers); without it the campaign goes
into a temporary SQLite file or a scratch PostgreSQL database, removed afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import http.client
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

# Run as a script from the repository root: make the project's packages importable.
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from sqlalchemy import select  # noqa: E402
from sqlalchemy.engine import make_url  # noqa: E402

from bench.report_speed import bench_survey, generate  # noqa: E402
from bench.storage_load import store  # noqa: E402
from storage.apikeys import create_api_key  # noqa: E402
from storage.engine import create_engine, create_sessionmaker  # noqa: E402
from storage.frames import answers_query  # noqa: E402
from storage.migrate import upgrade_async  # noqa: E402
from storage.models import Campaign  # noqa: E402

CAMPAIGN = "2026H1"
CSAT = str(Path(sys.executable).with_name("csat"))
READ = 1 << 20
RSS_EVERY = 0.02  # seconds between two looks at the server's memory


@dataclass
class Figures:
    """One download (or the floor's dump)."""

    what: str
    seconds: float
    first_byte: float | None
    size: int
    growth_mb: float | None


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


def rss_mb(pid: int) -> float:
    try:
        status = Path(f"/proc/{pid}/status").read_text()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0  # it has ended
    for line in status.splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@contextlib.contextmanager
def peak_rss(pid: int) -> Iterator[list[float]]:
    """[peak VmRSS in MB] of ``pid`` while the block runs, looked at every RSS_EVERY s."""
    peak = [rss_mb(pid)]
    done = threading.Event()

    def watch() -> None:
        while not done.wait(RSS_EVERY):
            peak[0] = max(peak[0], rss_mb(pid))

    thread = threading.Thread(target=watch, daemon=True)
    thread.start()
    try:
        yield peak
    finally:
        done.set()
        thread.join()
        peak[0] = max(peak[0], rss_mb(pid))


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextlib.contextmanager
def serving(url: str) -> Iterator[tuple[int, int]]:
    """A ``csat serve`` (admin API only: no bot token) on ``url``; yields (pid, port)."""
    port = free_port()
    env = os.environ | {"CSAT_DATABASE_URL": url, "CSAT_TELEGRAM_TOKEN": ""}
    server = subprocess.Popen(
        [CSAT, "serve", "--host", "127.0.0.1", "--port", str(port)],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
                connection.request("GET", "/healthz")
                if connection.getresponse().status == 200:
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("csat serve did not start") from None
                time.sleep(0.2)
        time.sleep(1)  # let start-up settle before its memory is the baseline
        yield server.pid, port
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def download(pid: int, port: int, path: str, key: str) -> Figures:
    before = rss_mb(pid)
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    with peak_rss(pid) as peak:
        start = time.perf_counter()
        connection.request("GET", path, headers={"Authorization": f"Bearer {key}"})
        response = connection.getresponse()
        if response.status != 200:
            raise RuntimeError(f"{path}: {response.status} {response.read()[:200]!r}")
        first, size = None, 0
        while chunk := response.read1(READ):
            first = first if first is not None else time.perf_counter() - start
            size += len(chunk)
        seconds = time.perf_counter() - start
    return Figures(path.rsplit("/", 1)[-1], seconds, first, size, peak[0] - before)


def floor_sql(url: str, campaign_id: int) -> str:
    """The answers export's query as the database's own client runs it."""
    engine = create_engine(url)
    sql = str(
        answers_query(campaign_id).compile(
            dialect=engine.sync_engine.dialect, compile_kwargs={"literal_binds": True}
        )
    )
    return sql.replace("\n", " ")


def floor(url: str, campaign_id: int) -> Figures:
    """``sqlite3 -csv`` (SQLite) or ``psql -c 'COPY (...) TO STDOUT'`` (PostgreSQL) of the
    answers query, to /dev/null but counted; its own peak RSS is its growth."""
    sql = floor_sql(url, campaign_id)
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        command, name = ["sqlite3", "-csv", str(parsed.database), sql], "sqlite3 -csv"
    else:
        plain = parsed.set(drivername="postgresql").render_as_string(hide_password=False)
        copy = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv, HEADER)"
        command, name = ["psql", "-X", "-q", plain, "-c", copy], "psql COPY"
    if shutil.which(command[0]) is None:
        raise RuntimeError(f"{command[0]} is not installed: it is the floor")
    start = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.PIPE)
    assert child.stdout is not None
    first, size = None, 0
    # Its VmRSS as it runs (rusage's peak would count the pages it was forked with).
    with peak_rss(child.pid) as peak:
        while chunk := child.stdout.read1(READ):
            first = first if first is not None else time.perf_counter() - start
            size += len(chunk)
        peak_mb = peak[0]
    seconds = time.perf_counter() - start
    if child.wait() != 0:
        raise RuntimeError(f"{name} failed")
    return Figures(name, seconds, first, size, peak_mb)


@contextlib.asynccontextmanager
async def database(backend: str, given: str | None) -> AsyncIterator[str]:
    if given is not None:
        yield given
        return
    if backend == "sqlite":
        with tempfile.TemporaryDirectory(prefix="csat-bench-") as folder:
            yield f"sqlite+aiosqlite:///{folder}/exports.db"
        return
    from tests.databases import scratch_postgres

    async with scratch_postgres("csat_bench_exports") as url:
        yield url


async def prepare(url: str, n_answers: int) -> tuple[int, str]:
    """The campaign's id (generated and stored unless there) and a new viewer API key."""
    await upgrade_async(url)
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    try:
        async with sessions() as session:
            campaign_id = await session.scalar(select(Campaign.id).where(Campaign.key == CAMPAIGN))
        if campaign_id is None:
            survey = bench_survey()
            start = time.perf_counter()
            answers, invitations = generate(survey, n_answers, campaign=CAMPAIGN, seed=7)
            async with sessions() as session, session.begin():
                campaign_id = await store(session, survey, answers, invitations, CAMPAIGN)
            print(f"stored {len(answers):,} answers in {time.perf_counter() - start:.1f} s")
        async with sessions() as session, session.begin():
            _, key = await create_api_key(session, name="bench", role="viewer")
        return campaign_id, key
    finally:
        await engine.dispose()


def show(figures: Figures, base: Figures | None) -> str:
    first = "-" if figures.first_byte is None else f"{figures.first_byte:.2f} s"
    growth = "-" if figures.growth_mb is None else f"{figures.growth_mb:+.0f} MB"
    ratio = f"  {figures.seconds / base.seconds:.2f}x the floor" if base else ""
    return (
        f"{figures.what:<22}{figures.seconds:>8.2f} s  first byte {first:>7}  "
        f"{figures.size / 1e6:>8.1f} MB  memory {growth:>8}{ratio}"
    )


async def run(args: argparse.Namespace) -> None:
    print(load())
    async with database(args.backend, args.database) as url:
        campaign_id, key = await prepare(url, args.answers)
        backend = make_url(url).get_backend_name()
        print(f"{backend}: campaign {CAMPAIGN} (id {campaign_id})")
        base = floor(url, campaign_id)
        print(show(base, None) + "  (its own peak RSS)")
        for fmt in args.formats.split(","):
            with serving(url) as (pid, port):
                path = f"/campaigns/{CAMPAIGN}/exports/answers.{fmt}"
                figures = await asyncio.to_thread(download, pid, port, path, key)
            print(show(figures, base if fmt != "xlsx" else None), flush=True)
        again = floor(url, campaign_id)
        print(show(again, None) + "  (the floor again, after)")
    print(load())


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--backend", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--formats", default="csv,json,xlsx")
    parser.add_argument("--database", help="a database URL already holding the campaign")
    asyncio.run(run(parser.parse_args(argv)))


if __name__ == "__main__":
    main()
