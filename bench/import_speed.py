"""Import generated customers through the real admin API (uvicorn on a socket, a CSV body) into
a throw-away PostgreSQL database and a SQLite file, then import the same file again.

    .venv/bin/python bench/import_speed.py [--rows 200000] [--pg-url URL] [--sqlite-only]

Prints, per backend: seconds and rows/s of the first import (all created) and of the re-import
(all unchanged), next to the baseline measured in the same run: one executemany INSERT of the
same rows straight through SQLAlchemy into an empty table (the floor an import cannot beat),
with the ratio import / baseline, and the machine's load average before and after. Target
(issue 8 point 5): 200,000 customers in under 30 s on PostgreSQL.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import socket
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

# Run as a script from the repository root: make the project's packages importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from sqlalchemy import insert, text

from cli.hosting import AppServer
from storage.apikeys import create_api_key
from storage.engine import create_engine, create_sessionmaker, transaction
from storage.migrate import upgrade_async
from storage.models import Customer
from survey.settings import Settings
from tests.databases import PG_ADMIN_URL, scratch_postgres

HEADER = (
    "external_id,name,customer_class,weight,business_unit,product_line,annual_revenue,account_owner"
)
CLASSES = ("KA", "A", "B", "C")


def customers_csv(rows: int) -> str:
    """``rows`` customers across classes, business units, product lines and owners."""
    lines = [HEADER]
    for n in range(rows):
        weight = "" if n % 3 else f"{1 + n % 5 / 2:.1f}"
        lines.append(
            f"C{n:07d},Customer {n} Ltd.,{CLASSES[n % 4]},{weight},BU{n % 7},"
            f"P{n % 23},{(n * 7919) % 10_000_000}.5,Owner {n % 41}"
        )
    return "\n".join(lines) + "\n"


def baseline_rows(rows: int) -> list[dict[str, Any]]:
    return [
        {
            "external_id": f"C{n:07d}",
            "name": f"Customer {n} Ltd.",
            "customer_class": CLASSES[n % 4],
            "weight": 1.0,
            "business_unit": f"BU{n % 7}",
            "product_line": f"P{n % 23}",
            "annual_revenue": (n * 7919) % 10_000_000 + 0.5,
            "account_owner": f"Owner {n % 41}",
        }
        for n in range(rows)
    ]


def load_average() -> str:
    return " ".join(Path("/proc/loadavg").read_text().split()[:3])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


async def baseline_seconds(url: str, rows: list[dict[str, Any]]) -> float:
    """One executemany INSERT of ``rows`` into the emptied customers table."""
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    try:
        async with transaction(sessions) as session:
            await session.execute(text("DELETE FROM customers"))
        start = time.perf_counter()
        async with transaction(sessions) as session:
            await session.execute(insert(Customer), rows)
        return time.perf_counter() - start
    finally:
        await engine.dispose()


async def timed_import(client: httpx.AsyncClient, body: bytes) -> tuple[float, dict[str, Any]]:
    start = time.perf_counter()
    response = await client.post("/customers", content=body, headers={"Content-Type": "text/csv"})
    seconds = time.perf_counter() - start
    if response.status_code != 200:
        raise SystemExit(f"import answered {response.status_code}: {response.text[:500]}")
    return seconds, response.json()


async def bench(label: str, url: str, rows: int, body: bytes) -> None:
    settings = Settings(database_url=url, port=free_port(), _env_file=None)  # type: ignore[call-arg]
    engine = create_engine(url)
    async with transaction(create_sessionmaker(engine)) as session:
        _, key = await create_api_key(session, name="bench", role="admin")
    await engine.dispose()
    server = AppServer(settings)
    await server.start()
    try:
        headers = {"Authorization": f"Bearer {key}"}
        async with httpx.AsyncClient(base_url=server.url, headers=headers, timeout=600) as client:
            first, made = await timed_import(client, body)
            again, same = await timed_import(client, body)
    finally:
        await server.stop()
    base = await baseline_seconds(url, baseline_rows(rows))
    counts = ", ".join(f"{k} {v:,}" for k, v in made.items() if isinstance(v, int) and v)
    unchanged = ", ".join(f"{k} {v:,}" for k, v in same.items() if isinstance(v, int) and v)
    print(f"{label:<11} baseline INSERT {base:>7.2f} s  {rows / base:>9,.0f} rows/s")
    print(
        f"{'':<11} import          {first:>7.2f} s  {rows / first:>9,.0f} rows/s  "
        f"x{first / base:.1f} baseline  ({counts})"
    )
    print(
        f"{'':<11} re-import       {again:>7.2f} s  {rows / again:>9,.0f} rows/s  "
        f"x{again / base:.1f} baseline  ({unchanged})"
    )


async def main(rows: int, sqlite_only: bool, pg_url: str) -> None:
    body = customers_csv(rows).encode()
    print(f"{rows:,} customers, a {len(body) / 2**20:.1f} MiB CSV body, load {load_average()}")
    with tempfile.TemporaryDirectory(prefix="csat-bench-") as folder:
        url = f"sqlite+aiosqlite:///{folder}/bench.db"
        await upgrade_async(url)
        await bench("sqlite", url, rows, body)
    if not sqlite_only:
        async with scratch_postgres("csat_bench", pg_url) as url:
            await bench("postgresql", url, rows, body)
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--pg-url", default=PG_ADMIN_URL, help="an admin URL of the server")
    parser.add_argument("--sqlite-only", action="store_true")
    args = parser.parse_args()
    logging.getLogger("admin.app").setLevel(logging.ERROR)  # "the bot is off": expected here
    asyncio.run(main(args.rows, args.sqlite_only, args.pg_url))
