"""How fast ``csat`` starts (issue 12 part 6): each command line 5 times, median and fastest.

    .venv/bin/python bench/startup.py [--runs 5] [--no-bytecode]

Measured: ``import typer`` (the floor a Typer CLI cannot go under), ``csat --help``, ``import
cli.main``, and importing python-telegram-bot, FastAPI and SQLAlchemy together (what ``csat
serve`` needs before it serves): wall-clock time and the child's CPU time (user + system),
which a busy machine inflates less than the wall clock. The machine's load average comes
first and last; the last lines are the target's ratio, ``csat --help`` over ``import typer``
(the issue asks for at most 3), by wall clock and by CPU.

The children get a bytecode cache of their own (a temporary ``PYTHONPYCACHEPREFIX``, filled
by a first unmeasured run), as an installed package has its ``.pyc`` files; an environment
with ``PYTHONDONTWRITEBYTECODE=1`` would otherwise compile every module on every start.
``--no-bytecode`` measures that case instead.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

PYTHON = sys.executable
CSAT = str(Path(sys.executable).with_name("csat"))
ROOT = Path(__file__).resolve().parent.parent
TYPER, HELP = "python -c 'import typer'", "csat --help"
CASES = {
    TYPER: [PYTHON, "-c", "import typer"],
    HELP: [CSAT, "--help"],
    "python -c 'import cli.main'": [PYTHON, "-c", "import cli.main"],
    "python -c 'import telegram.ext, fastapi, sqlalchemy.ext.asyncio'": [
        PYTHON,
        "-c",
        "import telegram.ext, fastapi, sqlalchemy.ext.asyncio",
    ],
}
TARGET = 3.0


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float


def children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(command: list[str], env: dict[str, str]) -> Run:
    """Wall-clock and CPU seconds of one run of ``command`` (its output discarded)."""
    cpu = children_cpu()
    started = time.perf_counter()
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, cwd=ROOT, env=env)
    return Run(time.perf_counter() - started, children_cpu() - cpu)


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) + f" on {os.cpu_count()} cores"


def measure(runs: int, env: dict[str, str]) -> dict[str, tuple[float, float]]:
    """Per case: the median wall-clock and the median CPU seconds."""
    medians: dict[str, tuple[float, float]] = {}
    for name, command in CASES.items():
        timed(command, env)  # a first run warms the file cache and the bytecode
        times = [timed(command, env) for _ in range(runs)]
        wall = statistics.median(t.wall for t in times)
        cpu = statistics.median(t.cpu for t in times)
        medians[name] = (wall, cpu)
        fastest = min(t.wall for t in times)
        print(
            f"{name:66} median {wall:.3f} s  min {fastest:.3f} s  cpu {cpu:.3f} s  ({runs} runs)",
            flush=True,
        )
    return medians


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("runs_positional", nargs="?", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument(
        "--no-bytecode", action="store_true", help="compile every module on every start"
    )
    args = parser.parse_args(argv)
    runs = args.runs_positional or args.runs
    print(f"load average: {load()}")
    with tempfile.TemporaryDirectory(prefix="csat-pycache-") as cache:
        env = dict(os.environ)
        if args.no_bytecode:
            env["PYTHONDONTWRITEBYTECODE"] = "1"
            print("no bytecode cache: every module compiled on every start")
        else:
            env.pop("PYTHONDONTWRITEBYTECODE", None)
            env["PYTHONPYCACHEPREFIX"] = cache
        medians = measure(runs, env)
    print(f"load average: {load()} (after)")
    (help_wall, help_cpu), (typer_wall, typer_cpu) = medians[HELP], medians[TYPER]
    for what, ratio in (("wall clock", help_wall / typer_wall), ("cpu", help_cpu / typer_cpu)):
        verdict = "met" if ratio <= TARGET else "missed"
        print(
            f"csat --help / import typer ({what}): {ratio:.2f}x (median over median; "
            f"target <= {TARGET:g}: {verdict})"
        )


if __name__ == "__main__":
    main()
