"""``csat report KEY`` reads as English against a real database: a campaign nobody answered
yet says so, counts agree with their nouns, and a customer at exactly 80 is graded fairly
satisfied but not counted as satisfied, with the rule stated once (text and JSON alike)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from survey.loader import load_template
from tests.cli.test_commands import csat
from tests.support import respond, seed_campaign

RULE = (
    "A score of exactly 80 is graded fairly satisfied but not counted as satisfied: "
    "the satisfaction rate counts scores above 80."
)
QUESTIONS = [q.key for q in load_template("ecss-5").questions()]


async def test_a_campaign_nobody_answered_yet(db_url: str, sessions, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    await seed_campaign(sessions)
    code, out = await csat(db_url, "report", "2026-Q4", "--out", str(tmp_path))
    assert code == 0, out
    assert "No answers yet: 4 invitations sent, none answered." in out
    for absent in ("By factor", "Summary", "n/a ()", "nan", "---", "Traceback"):
        assert absent not in out, absent
    data = json.loads((tmp_path / "2026-Q4.json").read_text(encoding="utf-8"))
    assert data["has_answers"] is False
    assert data["notes"] == ["No answers yet: 4 invitations sent, none answered."]


async def test_a_customer_at_exactly_80(db_url: str, sessions, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    tokens = await seed_campaign(sessions)
    await respond(sessions, tokens["r1"], dict.fromkeys(QUESTIONS, 4))  # C1: 80 exactly
    await respond(sessions, tokens["r3"], dict.fromkeys(QUESTIONS, 5))  # C2: 100
    code, out = await csat(db_url, "report", "2026-Q4", "--out", str(tmp_path))
    assert code == 0, out
    assert out.count(RULE) == 1
    assert re.search(r"^C1 .* 80\.0  fairly satisfied ", out, re.MULTILINE), out
    satisfaction = r"^Satisfaction rate \(> 80\) +50\.0 % .*\(Wilson\) +2 customers"
    assert re.search(satisfaction, out, re.MULTILINE), out
    assert "Tickets (answers 1–2): 0 tickets: 0 opinion tickets" in out
    assert "Small sample: only 2 customers have a score;" in out
    assert "NOT REPRESENTATIVE: a 50.0 % response rate (2 of 4 invited completed)" in out
    assert "(s)" not in out
    data = json.loads((tmp_path / "2026-Q4.json").read_text(encoding="utf-8"))
    assert data["has_answers"] is True and data["satisfaction_rule"] == RULE
    grades = {c["customer_id"]: (c["score"], c["grade"], c["satisfied"]) for c in data["customers"]}
    assert grades["C1"] == (80.0, "fairly_satisfied", False)
    assert data["summary"]["satisfaction_rate"]["value"] == 0.5
