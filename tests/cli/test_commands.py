"""The ``csat`` command against a real database."""

from __future__ import annotations

import asyncio
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli.main import app
from storage.models import Customer, Invitation, Respondent, SurveyRow

runner = CliRunner()


async def csat(db_url: str, *args: str) -> tuple[int, str]:
    """Run ``csat ARGS`` in a thread (its commands start their own event loop)."""
    env = {"CSAT_DATABASE_URL": db_url, "CSAT_BOT_USERNAME": "csat_test_bot"}
    result = await asyncio.to_thread(runner.invoke, app, list(args), env=env)
    return result.exit_code, result.output


async def count(sessions, model) -> int:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)))


async def test_a_campaign_from_the_command_line(db_url: str, sessions, tmp_path: Path) -> None:
    code, out = await csat(db_url, "survey", "load", "weighted-4")
    assert code == 0 and "weighted-4 v1 loaded" in out
    code, out = await csat(db_url, "survey", "load", "weighted-4")
    assert code == 0 and "already loaded" in out
    customers = tmp_path / "customers.csv"
    customers.write_text("external_id,name,customer_class\nC1,Acme,KA\nC2,,B\nC3,Gamma,C\n")
    code, out = await csat(db_url, "import", "customers", str(customers))
    assert code == 2 and "2 created, 0 updated, 0 unchanged, 1 rejected" in out
    assert "line 3: name" in out
    code, out = await csat(db_url, "import", "customers", str(customers))
    assert "0 created, 0 updated, 2 unchanged" in out  # idempotent on external id
    respondents = tmp_path / "respondents.csv"
    respondents.write_text(
        "external_id,customer_id,name,role,language\n"
        "R1,C1,Li,quality,zh-CN\nR2,C9,Tom,user,en\nR3,C3,Ann,user,en\n"
    )
    code, out = await csat(db_url, "import", "respondents", str(respondents))
    assert code == 2 and "line 3: customer_id: unknown customer 'C9'" in out
    code, out = await csat(
        db_url,
        "campaign",
        "create",
        "2026-Q4",
        "--survey",
        "weighted-4",
        "--period",
        "quarterly",
        "--closes",
        "2026-12-31",
    )
    assert code == 0, out
    code, out = await csat(db_url, "campaign", "invite", "2026-Q4")
    assert code == 0, out
    links = re.findall(
        r"^(R\d)\s+https://t\.me/csat_test_bot\?start=([A-Za-z0-9_-]{64})$", out, re.MULTILINE
    )
    assert [r for r, _ in links] == ["R1", "R3"]
    code, again = await csat(db_url, "campaign", "invite", "2026-Q4")
    assert again.split("\n")[:2] == out.split("\n")[:2]  # inviting twice hands out the same links
    assert (
        await count(sessions, Customer),
        await count(sessions, Respondent),
        await count(sessions, Invitation),
        await count(sessions, SurveyRow),
    ) == (2, 2, 2, 1)


@pytest.mark.parametrize(
    "args",
    [
        ["campaign", "create", "X", "--survey", "nope"],
        ["campaign", "invite", "nope"],
        ["survey", "load", "no-such-template"],
    ],
)
async def test_errors_are_one_line_without_a_traceback(db_url: str, args: list[str]) -> None:
    code, out = await csat(db_url, *args)
    assert code == 1 and out.startswith("error:") and "Traceback" not in out


async def test_broken_survey_file_names_file_and_field(db_url: str, tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text(
        "key: broken\ntitle: {en: B}\nlanguages: [en]\ndefault_language: en\n"
        "factors:\n  - key: QU\n    text: {en: Quality}\n    weight: -2\n"
    )
    code, out = await csat(db_url, "survey", "load", str(broken))
    assert code == 1
    assert str(broken) in out.replace("\n", "") and "factors[0].weight" in out
