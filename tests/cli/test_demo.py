"""``csat demo`` end to end: the whole closed loop a quality manager runs, on a SQLite file."""

from __future__ import annotations

import asyncio
import csv
import re
from pathlib import Path

from openpyxl import load_workbook
from sqlalchemy import func, select
from typer.testing import CliRunner

from cli.main import app
from storage.engine import create_engine, create_sessionmaker
from storage.frames import ANSWER_COLUMNS
from storage.models import Campaign, Invitation, Respondent, Ticket, TicketEvent


async def test_the_demo_runs_a_whole_campaign(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'demo.db'}"
    out = tmp_path / "reports"
    args = ["demo", "--respondents", "50", "--database", url, "--out", str(out)]
    result = await asyncio.to_thread(CliRunner().invoke, app, args)
    assert result.exit_code == 0, result.output
    text = result.output
    invited = re.search(r"invitations: (\d+) sent in chat, (\d+) deep links", text)
    assert invited is not None and int(invited[1]) > 0 and int(invited[2]) > 0
    taken = re.search(r"staff: (\d+) alerts in 4 department groups, (\d+) tickets taken", text)
    assert taken is not None and int(taken[1]) >= int(taken[2]) > 0
    week = re.search(r"a week later: .* staff took (\d+) more tickets \((\d+) in all\)", text)
    assert week is not None and int(week[2]) == int(taken[2]) + int(week[1])
    assert "tickets classified 20/80" in text
    chase = re.search(r"to chase by hand: (\d+) respondents", text)
    assert chase is not None
    assert "Summary" in text and "Key drivers" in text

    engine = create_engine(url)
    try:
        async with create_sessionmaker(engine)() as session:
            campaign = await session.scalar(select(Campaign))
            tickets = list(await session.scalars(select(Ticket)))
            takes = await session.scalar(
                select(func.count()).select_from(TicketEvent).where(TicketEvent.action == "taken")
            )
            # Expired on close, the invitations of people the bot never reached
            unreached = await session.scalar(
                select(func.count())
                .select_from(Invitation)
                .join(Respondent, Respondent.id == Invitation.respondent_id)
                .where(Invitation.state == "expired", Respondent.telegram_user_id.is_(None))
            )
    finally:
        await engine.dispose()
    assert campaign is not None and campaign.status == "closed" and campaign.plan["seed"] == 2026
    assert len(tickets) == int(week[2]) == takes  # every ticket taken, once
    assert int(chase[1]) == unreached
    assert all(t.owner and t.kind in ("opinion_ticket", "internal_memo") for t in tickets)
    assert {t.status for t in tickets} <= {"acknowledged", "in_progress"}

    with (out / "demo-answers.csv").open(encoding="utf-8-sig", newline="") as handle:
        header = next(csv.reader(handle))
    assert header == ANSWER_COLUMNS
    workbook = load_workbook(out / "demo-workbook.xlsx")
    assert {"summary", "factors", "customers", "tickets"} <= set(workbook.sheetnames)
    assert (out / "demo.json").exists() and (out / "demo-trend.png").exists()
