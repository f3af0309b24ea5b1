"""``csat export`` writes the files the admin API serves."""

from __future__ import annotations

import asyncio
from pathlib import Path

import pytest
from typer.testing import CliRunner

from cli.main import app
from tests.admin.test_exports import export_client, seed_exports, url, xlsx_rows

runner = CliRunner()


async def csat_bytes(db_url: str, *args: str) -> tuple[int, bytes, str]:
    """Run ``csat ARGS``; returns the exit code, stdout's bytes and stderr's text."""
    env = {"CSAT_DATABASE_URL": db_url}
    result = await asyncio.to_thread(runner.invoke, app, list(args), env=env)
    return result.exit_code, result.stdout_bytes, result.stderr


@pytest.mark.parametrize(
    ("what", "path"),
    [("answers", "answers"), ("scores", "scores?by=customer"), ("tickets", "tickets")],
)
async def test_csv_on_stdout_is_the_api_file(db_url: str, sessions, what: str, path: str) -> None:
    await seed_exports(sessions)
    async with export_client(sessions) as client:
        served = (await client.get(url(path, "csv"))).content
    code, out, _ = await csat_bytes(db_url, "export", "2026-Q4", "--what", what, "--by", "customer")
    assert code == 0
    assert out == served and served.count(b"\r\n") > 2


async def test_json_and_xlsx_files_match_the_api(db_url: str, sessions, tmp_path: Path) -> None:
    await seed_exports(sessions)
    async with export_client(sessions) as client:
        served_json = (await client.get(url("tickets", "json"))).content
        served_xlsx = (await client.get(url("answers", "xlsx"))).content
        served_book = (await client.get("/campaigns/2026-Q4/exports/workbook.xlsx")).content
    out = tmp_path / "tickets.json"
    code, _, err = await csat_bytes(
        db_url, "export", "2026-Q4", "--what", "tickets", "--format", "json", "--out", str(out)
    )
    assert code == 0 and f"wrote {out}" in err.replace("\n", "")
    assert out.read_bytes() == served_json
    out = tmp_path / "answers.xlsx"
    code, _, _ = await csat_bytes(
        db_url, "export", "2026-Q4", "--format", "xlsx", "--out", str(out)
    )  # --what defaults to answers
    assert code == 0 and xlsx_rows(out.read_bytes()) == xlsx_rows(served_xlsx)
    out = tmp_path / "book.xlsx"
    code, _, _ = await csat_bytes(
        db_url, "export", "2026-Q4", "--what", "workbook", "--out", str(out)
    )
    assert code == 0
    for sheet in ("summary", "factors", "customers", "tickets", "answers"):
        assert xlsx_rows(out.read_bytes(), sheet) == xlsx_rows(served_book, sheet)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nope"], "no campaign 'nope'"),
        (["2026-Q4", "--format", "xlsx"], "give --out FILE"),
        (["2026-Q4", "--what", "workbook", "--format", "csv"], "xlsx file only"),
        (["2026-Q4", "--format", "pdf"], "use one of csv, xlsx, json"),
        (["2026-Q4", "--what", "scores", "--by", "planet"], "cannot export scores by 'planet'"),
    ],
)
async def test_refusals_are_one_line(db_url: str, sessions, args: list[str], message: str) -> None:
    await seed_exports(sessions)
    code, out, err = await csat_bytes(db_url, "export", *args)
    assert code == 1 and out == b""
    assert err.startswith("error:") and message in err.replace("\n", "")
