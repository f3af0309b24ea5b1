"""A fast start (issue 12 part 6): importing the ``csat`` command loads no pandas, SciPy,
matplotlib or python-telegram-bot (each command imports what it uses), and the options
written out to keep it so stay those of the code they stand for. Speed itself is measured by
bench/startup.py, not asserted here."""

from __future__ import annotations

import ast
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import typer
from typer.testing import CliRunner

from cli.exporting import DEFAULT_LANGUAGE

HEAVY = ("pandas", "scipy", "matplotlib", "telegram")
CSAT = Path(sys.executable).with_name("csat")


def _loaded_by(statement: str) -> list[str]:
    script = (
        f"{statement}; import sys; "
        f"print(sorted(m for m in sys.modules if m.split('.')[0] in {set(HEAVY)!r}))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    return list(ast.literal_eval(done.stdout))


def test_importing_the_cli_loads_no_heavy_library() -> None:
    assert _loaded_by("import cli.main") == []


def test_the_heavy_libraries_are_what_the_check_would_see() -> None:
    # The check above can fail: the command that makes a report does load them.
    assert {"pandas", "matplotlib"} <= {m.split(".")[0] for m in _loaded_by("import scoring")}


def test_csat_help_lists_the_commands() -> None:
    done = subprocess.run(
        [str(CSAT), "--help"], capture_output=True, text=True, timeout=60, env={"COLUMNS": "120"}
    )
    assert done.returncode == 0, done.stderr
    for command in ("demo", "serve", "simulator", "report", "export", "campaign", "db"):
        assert f" {command} " in done.stdout, done.stdout


def _help(command: Callable[..., None]) -> str:
    """The --help of ``command`` as a Typer app of its own."""
    one = typer.Typer()
    one.command()(command)
    return CliRunner().invoke(one, ["--help"], terminal_width=100).output


def test_the_lazy_demo_command_has_the_options_of_cli_demo() -> None:
    from cli.demo import demo
    from cli.main import demo as lazy_demo

    assert "--respondents" in _help(demo)
    assert _help(lazy_demo) == _help(demo)


def test_the_export_default_language_is_the_exports_own() -> None:
    from campaigns.exports import DEFAULT_LANGUAGE as EXPORTS_DEFAULT

    assert DEFAULT_LANGUAGE == EXPORTS_DEFAULT


# Typer's Rich help imports these for every --help (and they were most of its time).
RICH_HELP = ("rich.markdown", "markdown_it", "pygments", "typer.rich_utils")


def test_csat_help_loads_no_rich_help_machinery() -> None:
    script = (
        "import sys\n"
        "sys.argv = ['csat', '--help']\n"
        "from cli.main import app\n"
        "try:\n    app()\nexcept SystemExit:\n    pass\n"
        f"print(sorted(m for m in sys.modules if m.startswith({RICH_HELP!r})), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert "Usage: csat [OPTIONS] COMMAND" in done.stdout
    assert ast.literal_eval(done.stderr.strip().splitlines()[-1]) == []
