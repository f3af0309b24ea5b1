"""``csat campaign plan KEY`` after ``--apply`` shows the stored plan, and ``csat campaign
chase`` without the bot's username says how to get links instead of bare tokens."""

from __future__ import annotations

import asyncio
from pathlib import Path

from typer.testing import CliRunner

from cli.campaigns import NO_USERNAME_FOR_LINKS
from cli.main import app

EXAMPLES = Path(__file__).parents[2] / "examples"
RULES = ["--key-accounts", "0.5", "--random-share", "0.2", "--min-per-line", "1"]


async def csat(db_url: str, *args: str, username: str | None = "csat_test_bot") -> str:
    env = {"CSAT_DATABASE_URL": db_url, "CSAT_BOT_USERNAME": username}
    result = await asyncio.to_thread(CliRunner().invoke, app, list(args), env=env)
    assert result.exit_code == 0, result.output
    return result.output


async def campaign(db_url: str) -> None:
    await csat(db_url, "survey", "load", "ecss-5")
    await csat(db_url, "import", "customers", str(EXAMPLES / "customers.csv"))
    await csat(db_url, "import", "respondents", str(EXAMPLES / "respondents.csv"))
    await csat(db_url, "campaign", "create", "2026-Q4", "--survey", "ecss-5")


async def test_plan_without_rules_previews_the_stored_plan(db_url: str) -> None:
    await campaign(db_url)
    applied = await csat(db_url, "campaign", "plan", "2026-Q4", *RULES, "--seed", "7", "--apply")
    again = await csat(db_url, "campaign", "plan", "2026-Q4")
    assert "rules (stored): key_account_share=0.5, random_share=0.2," in again
    assert "seed 7 (stored" in again and "preview, nothing stored" in again
    picked = [line for line in applied.splitlines() if line.startswith("C0")]
    assert [line for line in again.splitlines() if line.startswith("C0")] == picked
    changed = await csat(db_url, "campaign", "plan", "2026-Q4", "--no-complainers")
    assert "rules (stored): key_account_share=0.5, random_share=0.2," in changed
    assert "include_complainers" not in changed  # False rules are not listed


async def test_chase_without_a_username_says_how_to_set_one(db_url: str) -> None:
    await campaign(db_url)
    await csat(db_url, "campaign", "invite", "2026-Q4")
    without = await csat(db_url, "campaign", "chase", "2026-Q4", username=None)
    assert NO_USERNAME_FOR_LINKS in without.replace("\n", " ")
    assert "CSAT_BOT_USERNAME" in NO_USERNAME_FOR_LINKS
    with_links = await csat(db_url, "campaign", "chase", "2026-Q4")
    assert "https://t.me/csat_test_bot?start=" in with_links
    assert "CSAT_BOT_USERNAME" not in with_links
