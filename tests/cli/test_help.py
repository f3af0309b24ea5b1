"""Every ``csat … --help``: every option explained, placeholders that read naturally, and
``csat simulator`` taking the options of ``python -m simulator``."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
import typer.main
from typer._click import Command
from typer.core import TyperGroup
from typer.testing import CliRunner

from cli.main import app
from simulator.__main__ import build_parser

runner = CliRunner()
# Typer's raw placeholders: {CAMPAIGN}, <bool>, <str>, <list[str]> after an option
PLACEHOLDER = re.compile(r"\{[A-Za-z_]+\}|<bool>|--[a-z-]+\s+<[a-z\[\]]+>")


def commands(
    command: Command, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], Command]]:
    """Every command and group under ``command``, with the words that invoke it."""
    yield path, command
    if isinstance(command, TyperGroup):
        for name, sub in sorted(command.commands.items()):
            yield from commands(sub, (*path, name))


ALL = list(commands(typer.main.get_command(app)))


def test_the_walk_finds_every_command() -> None:
    found = {" ".join(path) for path, _ in ALL}
    assert {"demo", "simulator", "report", "campaign plan", "campaign chase", "db upgrade"} <= found
    assert len(found) > 25


@pytest.mark.parametrize(("path", "command"), ALL, ids=[" ".join(p) or "csat" for p, _ in ALL])
def test_every_option_has_help(path: tuple[str, ...], command: Command) -> None:
    missing = [
        param.name
        for param in command.params
        if param.param_type_name == "option" and not getattr(param, "help", None)
    ]
    assert missing == [], f"csat {' '.join(path)}: options without help: {missing}"


@pytest.mark.parametrize(("path", "command"), ALL, ids=[" ".join(p) or "csat" for p, _ in ALL])
def test_help_has_no_raw_placeholders(path: tuple[str, ...], command: Command) -> None:
    result = runner.invoke(app, [*path, "--help"], prog_name="csat")
    assert result.exit_code == 0, result.output
    assert PLACEHOLDER.findall(result.output) == [], result.output


def test_a_flag_shows_no_value_and_an_argument_its_name() -> None:
    result = runner.invoke(app, ["campaign", "plan", "--help"], prog_name="csat")
    assert "Usage: csat campaign plan [OPTIONS] CAMPAIGN" in result.output
    assert re.search(r"--apply\s+Store the plan", result.output)
    assert re.search(r"--seed\s+INTEGER\s+Random seed", result.output)


def test_csat_simulator_has_the_options_of_python_m_bot_simulator() -> None:
    parser = build_parser()
    expected = {
        action.option_strings[-1]: action.help
        for action in parser._actions
        if action.option_strings and action.dest != "help"
    }
    (command,) = [c for p, c in ALL if p == ("simulator",)]
    options = {
        param.opts[0]: getattr(param, "help", None)
        for param in command.params
        if param.param_type_name == "option"
    }
    assert options == expected
    assert {"--host", "--port", "--token", "--bot-username", "--no-limits"} <= set(options)
    defaults = {a.option_strings[-1]: a.default for a in parser._actions if a.option_strings}
    assert {p.opts[0]: p.default for p in command.params} == {
        flag: defaults[flag] for flag in options
    }
