"""The server loads the working calendar's public holidays while it starts, in a thread: the
``holidays`` library imports every country's module on first use (a second or more on this
machine), which the first ticket board or deadline would otherwise wait for on the event loop.
Run in a fresh interpreter, since a test process may have loaded them already."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = """
import asyncio, sys, time
from cli.hosting import AppServer
from storage.migrate import upgrade_async
from survey.settings import Settings
from tests.support import free_port

async def main() -> None:
    await upgrade_async(sys.argv[1])
    before = "holidays.countries" in sys.modules
    server = AppServer(Settings(database_url=sys.argv[1], port=free_port(), _env_file=None))
    await server.start()
    deadline = time.monotonic() + 20
    while "holidays.countries" not in sys.modules and time.monotonic() < deadline:
        await asyncio.sleep(0.05)  # the event loop keeps serving while the thread loads
    print(before, "holidays.countries" in sys.modules)
    await server.stop()

asyncio.run(main())
"""


@pytest.mark.long_running(10)
def test_the_server_loads_the_holidays_as_it_starts(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/csat.db"
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, url],
        cwd=ROOT, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["False", "True"], done.stdout + done.stderr
