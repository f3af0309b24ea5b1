"""``csat import answers FILE --campaign KEY``: a campaign exported with ``csat export`` and
imported into a new campaign reports the same figures (``csat report`` JSON), on SQLite and
PostgreSQL; importing again changes nothing; bad lines are listed by number, exit 2."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.answers import follow_up_row, invitation_answers
from storage.models import Answer, Invitation
from survey.vocabulary import FollowUpStage
from tests.support import invoke_csat, respond, seed_campaign

# Keys of the report that name the campaign or compare it with the one before it: the new
# campaign's previous campaign is the exported one, which had none.
NAMING = ("campaign", "previous_campaign", "trends", "largest_rises", "largest_falls", "notes")


async def answered(sessions: async_sessionmaker[AsyncSession]) -> None:
    """The shared campaign 2026-Q4 (ecss-5, 4 respondents of 3 customers), all answered: lows
    with tickets, "unable to comment", NPS, comments (one that looks like a formula), a
    follow-up."""
    tokens = await seed_campaign(sessions)
    await respond(
        sessions,
        tokens["r1"],
        {"GI": 5, "QU.product": 2, "QU.rohs": None, "SP.delivery": 4},
        nps=9,
        comment="=HYPERLINK(evil)",
    )
    await respond(sessions, tokens["r2"], {"GI": 4, "QU.product": 1, "VA.price": 3}, nps=6)
    await respond(sessions, tokens["r3"], {"GI": 3, "QU.product": 4, "TS.needs": 5}, nps=10)
    await respond(
        sessions, tokens["r4"], {"GI": 2, "QU.product": 5, "VA.money": None}, comment="好"
    )
    async with sessions() as session, session.begin():  # r1's follow-up of the 2, as the bot has it
        invitation = await session.scalar(
            select(Invitation).where(Invitation.token == tokens["r1"])
        )
        assert invitation is not None
        answers = await invitation_answers(session, invitation.id)
        row = await follow_up_row(session, invitation, answers, "QU.product")
        row.follow_up_stage, row.text = FollowUpStage.DONE, "late twice"


def figures(path: Path) -> dict[str, Any]:
    report: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in report.items() if k not in NAMING}


@pytest.mark.both_backends
async def test_an_exported_campaign_reimported_gives_the_same_report(
    db_url: str, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await answered(sessions)
    exported = tmp_path / "answers.csv"
    result = await invoke_csat(db_url, "export", "2026-Q4", "--out", str(exported))
    assert result.exit_code == 0, result.output
    result = await invoke_csat(db_url, "campaign", "create", "2026-Q4-paper", "--survey", "ecss-5")
    assert result.exit_code == 0, result.output

    result = await invoke_csat(
        db_url, "import", "answers", str(exported), "--campaign", "2026-Q4-paper"
    )
    assert result.exit_code == 0, result.output
    lines = len(exported.read_text(encoding="utf-8-sig").splitlines()) - 1  # after the header
    assert lines > 20
    assert (
        f"{exported}: {lines} answers created, 0 updated, 0 unchanged, 0 lines rejected; campaign "
        "2026-Q4-paper: 0 new customers, 0 new respondents, 4 new invitations"
    ) in result.stdout
    again = await invoke_csat(
        db_url, "import", "answers", str(exported), "--campaign", "2026-Q4-paper"
    )
    assert (
        again.exit_code == 0 and f"0 answers created, 0 updated, {lines} unchanged" in again.stdout
    )

    for key in ("2026-Q4", "2026-Q4-paper"):
        result = await invoke_csat(db_url, "report", key, "--out", str(tmp_path))
        assert result.exit_code == 0, result.output
    original = figures(tmp_path / "2026-Q4.json")
    imported = figures(tmp_path / "2026-Q4-paper.json")
    assert original["summary"]["n_respondents"] == 4 and original["summary"]["tickets"] == 3
    assert imported == original
    # Against the campaign it came from, nothing moved.
    trends = json.loads((tmp_path / "2026-Q4-paper.json").read_text(encoding="utf-8"))["trends"]
    assert trends and all(row["change"] in (0, None) for row in trends)

    async with sessions() as session:
        comments = await session.scalars(
            select(Answer.text).where(Answer.kind == "comment", Answer.channel == "import")
        )
        assert "=HYPERLINK(evil)" in list(comments)  # the export's formula guard taken off
        follow_up = await session.scalar(
            select(Answer).where(Answer.kind == "followup", Answer.channel == "import")
        )
        assert follow_up is not None and follow_up.text == "late twice"
        assert follow_up.follow_up_stage == FollowUpStage.DONE
        count = select(func.count()).select_from(Invitation).where(Invitation.state == "completed")
        assert await session.scalar(count) == 8


async def test_bad_lines_are_listed_by_number_and_the_exit_code_is_2(
    db_url: str, sessions: async_sessionmaker[AsyncSession], tmp_path: Path
) -> None:
    await seed_campaign(sessions)
    header = (
        "campaign,survey,customer_id,customer_name,customer_class,customer_weight,business_unit,"
        "respondent_id,role,language,question,factor,item,kind,level,na,text,answered_at,channel"
    )
    good = ",ecss-5,C1,,,,,r1,,,GI,,,likert,4,,,2025-05-05,paper"
    lines = [header, good, good.replace(",4,", ",7,").replace(",GI,", ",QU.product,"), "x,y"]
    file = tmp_path / "paper.csv"
    file.write_text("\n".join(lines), encoding="utf-8")
    result = await invoke_csat(db_url, "import", "answers", str(file), "--campaign", "2026-Q4")
    assert result.exit_code == 2, result.output
    assert "1 answer created" in result.stdout and "2 lines rejected" in result.stdout
    assert f"{file}: line 3: level: level 7 is not on the 1–5 scale" in result.stderr
    assert f"{file}: line 4: (row): 2 values where the header has 19" in result.stderr

    unknown = await invoke_csat(db_url, "import", "answers", str(file), "--campaign", "1999")
    assert unknown.exit_code == 1 and "no campaign '1999'" in unknown.stderr
    file.write_bytes("\n".join([header, good.replace("C1,", "C1,Müller")]).encode("latin-1"))
    latin = await invoke_csat(db_url, "import", "answers", str(file), "--campaign", "2026-Q4")
    assert latin.exit_code == 1 and "line 2 is not UTF-8 text" in latin.stderr
    gone = await invoke_csat(
        db_url, "import", "answers", str(tmp_path / "no.csv"), "--campaign", "2026-Q4"
    )
    assert gone.exit_code == 1 and "cannot be read" in gone.stderr
