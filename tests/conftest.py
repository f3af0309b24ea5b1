"""Fixtures shared by the whole suite: a real database (SQLite file and PostgreSQL), the Bot
API simulator, and the app served over a real socket."""

from __future__ import annotations

import asyncio
import os
from collections.abc import AsyncIterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from cli.hosting import AppServer
from simulator import BotApiSimulator, Limits
from storage.engine import create_engine, create_sessionmaker
from storage.migrate import upgrade_async
from storage.models import Base
from storage.rate_budget import rate_slots
from tests.chromium import CHROMIUM, LAUNCH_ARGS
from tests.databases import PG_ADMIN_URL as PG_ADMIN_URL  # imported from here by test modules
from tests.databases import pg_admin, scratch_postgres
from tests.support import STAFF_CHAT, make_settings

if TYPE_CHECKING:
    from playwright.async_api import Browser

SQLITE, POSTGRESQL = "sqlite", "postgresql"
BACKENDS = [SQLITE, POSTGRESQL]

# Which database a test gets (through ``database_url``, ``db_url`` or ``sessions``):
#
# - SQLite, unmarked: everything above the SQL — the bot end to end, the CLI, the demo, the admin
#   API's routes. Their behaviour is written once above storage/, so a second backend would
#   only run the same Python again; the SQLite file is also the faster one to empty per test.
# - ``@pytest.mark.both_backends``, and every test under tests/storage/ unless marked otherwise:
#   SQL whose meaning depends on the dialect — upserts (ON CONFLICT), JSON columns, the
#   migrations, the exports' and reports' queries, NUL characters, texts longer than their
#   column and integers beyond it (PostgreSQL refuses what SQLite keeps), which errors are
#   transient. When in doubt, a storage test runs on both; so does one survey end to end.
# - ``@pytest.mark.postgresql_only``: what needs a server database — row locks and
#   ``SKIP LOCKED`` with several sessions or processes at once, a database turned read-only
#   under a running app (a fail-over).
#
# The marker closest to the test wins (function over class over module); a test may still
# parametrize ``database_url`` itself with ``indirect=True``.
BACKENDS_OF_MARKER = {
    "both_backends": (SQLITE, POSTGRESQL),
    "postgresql_only": (POSTGRESQL,),
    "sqlite_only": (SQLITE,),
}
DEFAULT_BACKENDS = (SQLITE,)
BOTH_BACKENDS_UNDER = Path(__file__).parent / "storage"


# The tests mostly wait (HTTP round trips, the simulator, PostgreSQL, timers), so more pytest-xdist
# workers than the machine's 2 cores pay; each worker imports the app and collects on its own,
# which a run of a few modules would not win back.
WORKERS = int(os.environ.get("CSAT_TEST_WORKERS", "4"))
MODULES_WORTH_WORKERS = 40


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """What ``-n auto`` (pyproject's addopts) means here: WORKERS when the run selects more
    than MODULES_WORTH_WORKERS test modules, else none (the tests run in this process)."""
    modules = 0
    for arg in config.args:
        path = Path(arg.split("::")[0])
        modules += len(list(path.rglob("test_*.py"))) if path.is_dir() else 1
    return WORKERS if modules > MODULES_WORTH_WORKERS else 0


def pytest_configure(config: pytest.Config) -> None:
    for name, backends in BACKENDS_OF_MARKER.items():
        config.addinivalue_line("markers", f"{name}: the database tests run on {backends}")
    config.addinivalue_line(
        "markers",
        "long_running(seconds): a test that takes about this long (under a loaded run); "
        "under pytest-xdist each one starts first on a worker of its own",
    )


def _chunk_starts(count: int, workers: int) -> list[int]:
    """Where each worker's share begins when pytest-xdist's worksteal scheduler first splits
    ``count`` tests among ``workers`` idle ones (xdist/scheduler/worksteal.py: contiguous
    shares of ``remaining // workers_left``; a thief takes from the end of a share)."""
    starts, start = [], 0
    for done in range(workers):
        starts.append(start)
        start += (count - start) // (workers - done)
    return starts


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Under pytest-xdist, put each ``long_running`` test at the front of a worker's share,
    longest first onto the least loaded share: the run then ends when the longest test ends,
    not when a worker that met two of them late is through. Every worker collects and
    reorders alike, so their collections stay identical."""
    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "0"))
    if workers < 2 or len(items) < workers:
        return
    seconds = {id(item): _expected_seconds(item) for item in items}
    long = sorted((i for i in items if seconds[id(i)]), key=lambda i: -seconds[id(i)])
    rest = [item for item in items if not seconds[id(item)]]
    shares: list[list[pytest.Item]] = [[] for _ in range(workers)]
    for item in long:
        min(shares, key=lambda share: sum(seconds[id(i)] for i in share)).append(item)
    starts = _chunk_starts(len(items), workers)
    ordered: list[pytest.Item] = []
    for worker, share in enumerate(shares):
        end = starts[worker + 1] if worker + 1 < workers else len(items)
        ordered += share
        take = max(0, end - len(ordered))
        ordered += rest[:take]
        del rest[:take]
    items[:] = ordered + rest


def _expected_seconds(item: pytest.Item) -> float:
    mark = item.get_closest_marker("long_running")
    return float(mark.args[0]) if mark is not None and mark.args else 0.0


def _parametrizes_database_url(mark: pytest.Mark) -> bool:
    names = mark.args[0] if mark.args else mark.kwargs.get("argnames", "")
    if isinstance(names, str):
        names = [name.strip() for name in names.split(",")]
    return "database_url" in names


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Give each test that uses a database the backends its marker names (see above)."""
    if "database_url" not in metafunc.fixturenames:
        return
    if any(_parametrizes_database_url(m) for m in metafunc.definition.iter_markers("parametrize")):
        return
    backends = next(
        (
            BACKENDS_OF_MARKER[mark.name]
            for mark in metafunc.definition.iter_markers()
            if mark.name in BACKENDS_OF_MARKER
        ),
        BACKENDS_OF_MARKER["both_backends"]
        if metafunc.definition.path.is_relative_to(BOTH_BACKENDS_UNDER)
        else DEFAULT_BACKENDS,
    )
    metafunc.parametrize("database_url", backends, indirect=True, scope="session")


# _in_thread, _pg_admin and PG_ADMIN_URL are imported from here by test modules that make
# databases of their own (tests/cli/test_cli_errors.py, tests/storage/test_migrations.py, …).
def _in_thread(coro: Any) -> Any:
    """Run a coroutine to completion outside pytest's event loop."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coro).result()


async def _pg_admin(statement: str) -> None:
    await pg_admin(statement)


@pytest.fixture(scope="session")
async def database_url(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    """A migrated database of the backend ``request.param``, made once per test session (per
    pytest-xdist worker: its temporary directory and the PostgreSQL name are its own)."""
    if request.param == SQLITE:
        path: Path = tmp_path_factory.mktemp("db") / "csat.db"
        url = f"sqlite+aiosqlite:///{path}"
        await upgrade_async(url)
        yield url
        return
    async with scratch_postgres("csat_test") as url:
        yield url


@pytest.fixture
async def db_url(database_url: str) -> str:
    """The session database, emptied before the test."""
    engine = create_engine(database_url)
    # rate_slots is on its own metadata (storage.rate_budget), not the ORM's.
    tables = [t.name for t in reversed(Base.metadata.sorted_tables)] + [rate_slots.name]
    async with engine.begin() as connection:
        if engine.dialect.name == "postgresql":
            await connection.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        else:
            for table in tables:
                await connection.execute(text(f"DELETE FROM {table}"))
    await engine.dispose()
    return database_url


@pytest.fixture
async def sessions(db_url: str) -> AsyncIterator[async_sessionmaker[AsyncSession]]:
    engine = create_engine(db_url)
    yield create_sessionmaker(engine)
    await engine.dispose()


# Simulated people tap instantly, far faster than anyone could; the per-chat 1 msg/s limit
# is exercised on its own in the simulator and sending tests.
FAST_TAPPING = Limits(chat_burst=10_000)


@pytest.fixture
async def sim() -> AsyncIterator[BotApiSimulator]:
    async with BotApiSimulator(limits=FAST_TAPPING) as simulator:
        yield simulator


@pytest.fixture
async def staff_app(db_url: str, sim: BotApiSimulator) -> AsyncIterator[AppServer]:
    """The app with a staff chat for alerts (``tests.support.STAFF_CHAT``, English) and a
    quick scheduler."""
    changes = {"staff_chat_id": STAFF_CHAT, "staff_language": "en", "scheduler_interval": 1.0}
    server = AppServer(make_settings(db_url, sim).model_copy(update=changes))
    await server.start()
    await server.register_webhook()
    yield server
    await server.stop()


@pytest.fixture(scope="module")
async def browser() -> AsyncIterator[Browser]:
    """Debian's Chromium, headless, driven by Playwright, shared by a module's tests (the
    browser tests: tests/browsing.py has what they share besides)."""
    from playwright.async_api import async_playwright  # only the browser tests pay for it

    if not CHROMIUM.exists():
        pytest.fail(
            f"Chromium is missing ({CHROMIUM}): run scripts/test.sh, which installs Debian's "
            "chromium package, or `apt-get install -y chromium`",
            pytrace=False,
        )
    async with async_playwright() as playwright:
        chromium = await playwright.chromium.launch(executable_path=str(CHROMIUM), args=LAUNCH_ARGS)
        yield chromium
        await chromium.close()


@pytest.fixture
async def app(db_url: str, sim: BotApiSimulator) -> AsyncIterator[AppServer]:
    """The csat app (admin API + bot in webhook mode) on a real port, webhook registered."""
    server = AppServer(make_settings(db_url, sim))
    await server.start()
    await server.register_webhook()
    yield server
    await server.stop()
