"""How fast ``csat`` starts (issue 12 part 6): each command line 5 times, median and fastest.

    .venv/bin/python bench/startup.py [runs]

Measured: ``import typer`` (the floor a Typer CLI cannot go under), ``csat --help``, ``import
cli.main``, and importing python-telegram-bot, FastAPI and SQLAlchemy together (what ``csat
serve`` needs before it serves). The machine's load average comes first, since the other
figures depend on it; the last line is the target's ratio, ``csat --help`` over ``import
typer`` (the issue asks for at most 3).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

PYTHON = sys.executable
CSAT = str(Path(sys.executable).with_name("csat"))
ROOT = Path(__file__).resolve().parent.parent
CASES = {
    "python -c 'import typer'": [PYTHON, "-c", "import typer"],
    "csat --help": [CSAT, "--help"],
    "python -c 'import cli.main'": [PYTHON, "-c", "import cli.main"],
    "python -c 'import telegram.ext, fastapi, sqlalchemy.ext.asyncio'": [
        PYTHON,
        "-c",
        "import telegram.ext, fastapi, sqlalchemy.ext.asyncio",
    ],
}


def timed(command: list[str]) -> float:
    """Wall-clock seconds of one run of ``command`` (its output discarded)."""
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT)
    return time.perf_counter() - started


def main(runs: int) -> None:
    one, five, fifteen = os.getloadavg()
    print(f"load average: {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores")
    medians: dict[str, float] = {}
    for name, command in CASES.items():
        timed(command)  # a first run warms the file cache and the bytecode
        times = [timed(command) for _ in range(runs)]
        medians[name] = statistics.median(times)
        print(f"{name:66} median {medians[name]:.3f} s  min {min(times):.3f} s  ({runs} runs)")
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())} (after)")
    ratio = medians["csat --help"] / medians["python -c 'import typer'"]
    print(f"csat --help / import typer: {ratio:.2f}x (median over median; target <= 3)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
