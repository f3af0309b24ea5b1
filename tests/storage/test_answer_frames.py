"""Answers loaded from the database in the shape scoring/ expects."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from storage.answers import drop_follow_up, follow_up_row, put_answer
from storage.campaigns import campaign_by_key, previous_campaign
from storage.frames import ANSWER_COLUMNS, answers_frame, invitations_frame
from storage.models import Invitation
from tests.cli.test_commands import csat
from tests.support import seed_campaign


async def _answer(sessions, token: str, levels: dict[str, int | None]) -> None:  # type: ignore[no-untyped-def]
    async with sessions() as session, session.begin():
        invitation = await session.scalar(select(Invitation).where(Invitation.token == token))
        answers: list = []  # type: ignore[type-arg]
        for question, level in levels.items():
            await put_answer(
                session,
                invitation,
                answers,
                question=question,
                kind="likert",
                level=level,
                na=level is None,
            )
        await put_answer(session, invitation, answers, question="nps", kind="nps", level=8)
        await follow_up_row(session, invitation, answers, "QU.rohs")
        await drop_follow_up(session, answers, "QU.rohs")  # a void follow-up is left out
        invitation.state = "completed"


async def test_answers_frame_columns_and_keys(sessions) -> None:
    tokens = await seed_campaign(sessions)
    await _answer(sessions, tokens["r1"], {"GI": 5, "QU.rohs": 2, "SP.delivery": None})
    async with sessions() as session:
        campaign = await campaign_by_key(session, "2026-Q4")
        frame = await answers_frame(session, campaign.id)
        invitations = await invitations_frame(session, campaign.id)
    assert list(frame.columns) == ANSWER_COLUMNS
    rows = {r.question: r for r in frame.itertuples()}
    assert set(rows) == {"GI", "QU.rohs", "SP.delivery", "nps"}
    assert (rows["QU.rohs"].factor, rows["QU.rohs"].item) == ("QU", "rohs")
    assert rows["GI"].factor == "GI" and frame.loc[frame["question"] == "GI", "item"].isna().all()
    assert rows["SP.delivery"].na and rows["nps"].level == 8
    assert rows["GI"].customer_class == "KA" and rows["GI"].customer_weight == 2.0
    assert str(frame["answered_at"].dt.tz) == "UTC"
    assert sorted(invitations["state"]) == ["completed", "created", "created", "created"]


async def test_report_command_writes_json_and_chart(db_url: str, sessions, tmp_path: Path) -> None:
    tokens = await seed_campaign(sessions, key="2026-Q3")
    await _answer(sessions, tokens["r1"], {"GI": 4, "QU.rohs": 3})
    from storage.models import Respondent

    async with sessions() as session, session.begin():
        # a second campaign of the same survey, opened later, becomes the one reported
        from storage.campaigns import create_campaign, invite
        from storage.surveys import latest_survey_row

        row = await latest_survey_row(session, "ecss-5")
        later = await create_campaign(session, key="2026-Q4", survey_row=row)
        people = list(await session.scalars(select(Respondent).order_by(Respondent.id)))
        new = await invite(session, later, people)
        token = new[2].token
        assert (await previous_campaign(session, later)).key == "2026-Q3"
    await _answer(sessions, token, {"GI": 2, "QU.rohs": 5})
    code, out = await csat(db_url, "report", "2026-Q4", "--out", str(tmp_path))
    assert code == 0, out
    assert "Campaign 2026-Q4" in out and "previous campaign: 2026-Q3" in out
    report = json.loads((tmp_path / "2026-Q4.json").read_text())
    assert report["campaign"] == "2026-Q4" and report["previous_campaign"] == "2026-Q3"
    assert (report["response"]["invited"], report["response"]["completed"]) == (4, 1)
    assert report["response"]["representative"] is False  # 25 % is under the 80 % target
    assert report["summary"]["n_customers"] == 1
    assert (tmp_path / "2026-Q4-trend.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
