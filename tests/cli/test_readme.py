"""Every command of the README's command-line walkthrough runs as written, in order, against
a scratch SQLite database (``csat serve``, which runs until Ctrl-C, is only asked for --help)."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app

ROOT = Path(__file__).parents[2]
SECTION = "## Running a campaign from the command line"


def walkthrough() -> list[str]:
    """The commands of the README's walkthrough block, continuation lines joined."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    block = re.search(r"```bash\n(.*?)```", text[text.index(SECTION) :], re.DOTALL)
    assert block is not None
    joined = block[1].replace("\\\n", " ")
    return [line for line in joined.splitlines() if line.strip()]


def words(line: str) -> list[str]:
    return shlex.split(line, comments=True)


def test_the_walkthrough_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    env: dict[str, str] = {}
    ran = []
    for line in walkthrough():
        argv = words(line)
        if argv[:1] == ["source"]:
            assert argv[1] == ".venv/bin/activate"
            continue
        if argv[:1] == ["export"]:
            name, value = argv[1].split("=", 1)
            env[name] = value
            continue
        assert argv[0] == "csat", line
        args, out = argv[1:], None
        if ">" in args:
            args, out = args[: args.index(">")], tmp_path / args[args.index(">") + 1]
        if args == ["serve"]:
            args = ["serve", "--help"]  # it would serve until Ctrl-C
        result = CliRunner().invoke(app, args, env=env, prog_name="csat")
        assert result.exit_code == 0, f"{line}\n{result.output}"
        if out is not None:
            out.write_text(result.stdout, encoding="utf-8")
        ran.append((args, result.stdout))
    outputs = {" ".join(args): output for args, output in ran}
    stored = outputs["campaign plan 2026-Q4"]
    assert "seed 1234 (stored" in stored and "key_account_share=0.34," in stored
    assert "https://t.me/my_csat_bot?start=" in outputs["campaign invite 2026-Q4"]
    assert (tmp_path / "answers.csv").read_text(encoding="utf-8-sig").startswith("campaign")
    assert (tmp_path / "2026-Q4.xlsx").exists() and (tmp_path / "reports/2026-Q4.json").exists()
