"""``csat`` refuses keys the admin API refuses, writes nothing outside ``--out``, and says in
one line, never a traceback, what is wrong with a database it cannot use."""

from __future__ import annotations

import asyncio
import os
import secrets
import subprocess
import sys
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli.main import app
from cli.reporting import file_in
from storage.campaigns import create_campaign
from storage.migrate import upgrade
from storage.models import Campaign
from storage.surveys import latest_survey_row
from tests.conftest import PG_ADMIN_URL, _in_thread, _pg_admin

runner = CliRunner()
UNREACHABLE = "postgresql+asyncpg://csat:s3cret@127.0.0.1:1/csat"  # nothing listens on port 1
SHOWN = "postgresql+asyncpg://csat:***@127.0.0.1:1/csat"
NO_SCHEMA = "has no schema: run csat db upgrade"


async def csat(db_url: str, *args: str) -> tuple[int, str]:
    """Run ``csat ARGS``; an exception escaping the command fails the test itself."""
    env = {"CSAT_DATABASE_URL": db_url, "CSAT_BOT_USERNAME": "csat_test_bot"}
    result = await asyncio.to_thread(
        runner.invoke, app, list(args), env=env, catch_exceptions=False
    )
    return result.exit_code, result.output


def one_error_line(out: str) -> str:
    lines = out.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("error: "), out
    return lines[0]


def commands(tmp_path: Path) -> list[list[str]]:
    """Every command that uses the database, with arguments it would otherwise accept."""
    customers = tmp_path / "customers.csv"
    customers.write_text("external_id,name,customer_class\nC1,Acme,KA\n")
    respondents = tmp_path / "respondents.csv"
    respondents.write_text("external_id,customer_id,name\nR1,C1,Li\n")
    return [
        ["db", "upgrade"],
        ["survey", "load", "weighted-4"],
        ["import", "customers", str(customers)],
        ["import", "respondents", str(respondents)],
        ["campaign", "create", "2026-Q4", "--survey", "weighted-4"],
        ["campaign", "plan", "2026-Q4"],
        ["campaign", "invite", "2026-Q4"],
        ["campaign", "chase", "2026-Q4"],
        ["campaign", "close", "2026-Q4"],
        ["report", "2026-Q4", "--out", str(tmp_path / "reports")],
        ["export", "2026-Q4"],
        ["apikey", "create", "--role", "admin"],
        ["apikey", "list"],
        ["apikey", "revoke", "1"],
    ]


async def test_every_command_names_an_unreachable_database(tmp_path: Path) -> None:
    for args in commands(tmp_path):
        code, out = await csat(UNREACHABLE, *args)
        line = one_error_line(out)
        assert code == 1, (args, out)
        assert line.startswith(f"error: the database at {SHOWN} is unreachable: "), args
        # the refusal as the event loop words it: uvloop (the CLI's) or asyncio's
        assert "[Errno 111]" in line and "s3cret" not in out
    assert not (tmp_path / "reports").exists()


async def test_a_sqlite_file_in_a_missing_directory(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'nowhere' / 'csat.db'}"
    for args in (["db", "upgrade"], ["apikey", "list"], ["campaign", "close", "2026-Q4"]):
        code, out = await csat(url, *args)
        assert code == 1
        assert one_error_line(out) == (
            f"error: the database at {url} is unreachable: "
            f"the directory {tmp_path / 'nowhere'} does not exist"
        )
    assert not (tmp_path / "nowhere").exists()


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database of each backend without any table."""
    if request.param == "sqlite":
        yield f"sqlite+aiosqlite:///{tmp_path / 'empty.db'}"
        return
    name = f"csat_empty_{secrets.token_hex(4)}"
    _in_thread(_pg_admin(f'CREATE DATABASE "{name}"'))
    yield PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    _in_thread(_pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def test_a_database_without_the_schema(empty_database: str, tmp_path: Path) -> None:
    for args in commands(tmp_path)[1:]:  # all but `db upgrade`, which is the remedy
        code, out = await csat(empty_database, *args)
        assert code == 1, (args, out)
        assert one_error_line(out) == f"error: the database at {empty_database} {NO_SCHEMA}"
    code, out = await csat(empty_database, "db", "upgrade")
    assert code == 0 and "is at revision head" in out
    code, out = await csat(empty_database, "apikey", "list")
    assert code == 0 and "no API keys yet" in out


@pytest.fixture(params=["sqlite", "postgresql"])
async def read_only_database(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """A migrated database of each backend that refuses writes (a standby in a fail-over)."""
    if request.param == "sqlite":
        path = tmp_path / "csat.db"
        await asyncio.to_thread(upgrade, f"sqlite+aiosqlite:///{path}")
        yield f"sqlite+aiosqlite:///file:{path}?mode=ro&uri=true"
        return
    name = f"csat_ro_{secrets.token_hex(4)}"
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + f"/{name}"
    await _pg_admin(f'CREATE DATABASE "{name}"')
    try:
        await asyncio.to_thread(upgrade, url)
        await _pg_admin(f'ALTER DATABASE "{name}" SET default_transaction_read_only = on')
        yield url
    finally:
        await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_a_read_only_database(read_only_database: str) -> None:
    code, out = await csat(read_only_database, "apikey", "list")
    assert code == 0  # reading works
    for args in (["survey", "load", "weighted-4"], ["apikey", "create", "--role", "admin"]):
        code, out = await csat(read_only_database, *args)
        assert code == 1
        line = one_error_line(out)
        assert line.startswith(f"error: the database at {read_only_database} is read-only: ")
        assert "read-only transaction" in line or "readonly database" in line


@pytest.mark.parametrize(
    ("url", "problem"),
    [
        (UNREACHABLE, f"the database at {SHOWN} is unreachable: "),
        ("not a url", "the database URL cannot be used: "),
    ],
)
@pytest.mark.long_running(15)
def test_the_installed_csat_command_prints_no_traceback(url: str, problem: str) -> None:
    csat_script = Path(sys.executable).with_name("csat")
    for args in (["db", "upgrade"], ["apikey", "list"]):
        env = {**os.environ, "CSAT_DATABASE_URL": url}
        done = subprocess.run(
            [str(csat_script), *args], env=env, capture_output=True, text=True, timeout=120
        )
        assert done.returncode == 1 and "Traceback" not in done.stderr + done.stdout
        assert one_error_line(done.stderr).startswith(f"error: {problem}")


ESCAPING = "../escaped"


async def test_a_key_that_could_escape_is_refused(db_url: str, sessions, tmp_path: Path) -> None:
    code, _ = await csat(db_url, "survey", "load", "weighted-4")
    assert code == 0
    async with sessions() as session, session.begin():  # as if stored before keys were checked
        survey_row = await latest_survey_row(session, "weighted-4")
        assert survey_row is not None
        await create_campaign(session, key=ESCAPING, survey_row=survey_row)
    out = tmp_path / "out"
    refused = [
        ["campaign", "create", "../other", "--survey", "weighted-4"],
        ["campaign", "invite", ESCAPING],
        ["campaign", "plan", ESCAPING, "--apply"],
        ["campaign", "close", ESCAPING],
        ["report", ESCAPING, "--out", str(out)],
        ["export", ESCAPING, "--out", str(out / "answers.csv")],
    ]
    for args in refused:
        code, output = await csat(db_url, *args)
        assert code == 2, (args, output)
        key = args[2] if args[0] == "campaign" else args[1]
        assert one_error_line(output) == (
            f"error: campaign key {key!r} is not valid: "
            "1–80 letters, digits, '_', '.' or '-', starting with a letter or digit"
        )
    code, output = await csat(db_url, "campaign", "create", "2026-Q4", "--survey", "../weighted")
    assert code == 2 and one_error_line(output).startswith("error: survey key '../weighted'")
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written anywhere
    async with sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Campaign)) == 1


def test_a_report_file_stays_in_its_folder(tmp_path: Path) -> None:
    out = tmp_path / "reports"
    out.mkdir()
    assert file_in(out, "2026-Q4.json") == out / "2026-Q4.json"
    with pytest.raises(ValueError, match="outside"):
        file_in(out, "../2026-Q4.json")
    (out / "planted.json").symlink_to(tmp_path / "elsewhere.json")
    with pytest.raises(ValueError, match="outside"):
        file_in(out, "planted.json")


async def test_an_unreachable_bot_api_is_one_line() -> None:
    env = {
        "CSAT_TELEGRAM_TOKEN": "123456:TEST-token",
        "CSAT_TELEGRAM_API_URL": "http://127.0.0.1:1",
    }
    result = await asyncio.to_thread(
        runner.invoke, app, ["webhook", "info"], env=env, catch_exceptions=False
    )
    assert result.exit_code == 1
    assert one_error_line(result.output).startswith("error: the Bot API failed: ")
