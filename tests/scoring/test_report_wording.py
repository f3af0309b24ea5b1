"""The report reads as English: singular and plural, "a"/"an" before numbers, an empty
campaign says "no answers yet", and a customer at exactly 80 is graded and counted as SPEC
§4.3/§4.4 say, with the rule stated wherever grades and the satisfaction rate both appear."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from scoring.render import render_tables
from scoring.report import CampaignReport, build_report
from scoring.wording import article, counted
from survey.schema import Survey
from tests.scoring import factories
from tests.scoring.factories import ECSS_FACTORS, Respondent

EIGHTY_RULE = (
    "A score of exactly 80 is graded fairly satisfied but not counted as satisfied: "
    "the satisfaction rate counts scores above 80."
)


def _levels(*levels: int | None) -> dict[str, int | None]:
    return dict(zip(ECSS_FACTORS, levels, strict=True))


def _report(
    survey: Survey, respondents: list[Respondent], states: dict[str, str] | None = None
) -> CampaignReport:
    answers = factories.answers_frame(respondents)
    states = states or {r.respondent_id: "completed" for r in respondents}
    return build_report(survey, answers, factories.invitations_frame(states), campaign="2026Q1")


@pytest.mark.parametrize(
    ("number", "expected"),
    [
        ("8", "an"), ("11", "an"), ("18", "an"), ("80 %", "an"), ("80.0 %", "an"),
        ("8.5", "an"), ("800", "an"), ("8,000", "an"), ("11,000", "an"), ("18,500", "an"),
        ("90 %", "a"), ("1", "a"), ("100", "a"), ("110", "a"), ("180", "a"), ("1,800", "a"),
        ("0", "a"), ("75.0 %", "a"), ("−8", "a"),
    ],
)  # fmt: skip
def test_a_or_an_as_the_number_is_spoken(number: str, expected: str) -> None:
    assert article(number) == expected


def test_counts_are_singular_or_plural() -> None:
    assert counted(1, "respondent") == "1 respondent"
    assert counted(2, "respondent") == "2 respondents"
    assert counted(0, "ticket") == "0 tickets"
    assert counted(1, "ticket") == "1 ticket"
    assert counted(1, "partial response") == "1 partial response"
    assert counted(1_200, "customer") == "1,200 customers"


def test_one_customer_one_respondent_one_ticket(ecss: Survey) -> None:
    report = _report(ecss, [factories.Respondent("r1", "C1", _levels(5, 4, 2, 4, 4))])
    text = render_tables(report)
    assert "(s)" not in text
    assert "Tickets (answers 1–2): 1 ticket: 1 opinion ticket (top 20 % by severity), " in text
    assert "0 internal memos" in text
    assert "Small sample: only 1 customer has a score;" in text
    assert re.search(r"\b1 (customers|respondents|tickets)\b", text) is None


def test_the_worked_example_counts_in_plural(worked_report: CampaignReport) -> None:
    text = render_tables(worked_report)
    assert "(s)" not in text
    assert "2 tickets: 1 opinion ticket (top 20 % by severity), 1 internal memo" in text
    assert "Small sample: only 3 customers have a score;" in text
    assert "(withheld: 4 respondents answered the overall question and every factor; " in text


def test_partial_responses_and_flags_in_the_notes(ecss: Survey, worked: pd.DataFrame) -> None:
    states = {"r1": "completed", "r2": "completed", "r3": "started", "r4": "sent", "r5": "expired"}
    report = build_report(ecss, worked, factories.invitations_frame(states), campaign="2026Q1")
    assert (
        "1 partial response (started, not completed) counts in the scores but not in the "
        "response rate." in report.notes
    )
    assert not any("(s)" in note for note in report.notes)


@pytest.mark.parametrize(
    ("completed", "target", "expected"),
    [
        (8, 0.9, "an 80.0 % response rate (8 of 10 invited completed) is below the 90 % target"),
        (9, 0.95, "a 90.0 % response rate (9 of 10 invited completed) is below the 95 % target"),
        (1, 0.8, "a 10.0 % response rate (1 of 10 invited completed) is below the 80 % target"),
    ],
)
def test_an_unrepresentative_rate_takes_its_article(
    completed: int, target: float, expected: str
) -> None:
    survey = factories.make_survey(
        [{"key": k} for k in ECSS_FACTORS], key="ecss-5", targets={"response_rate": target}
    )
    people = [Respondent(f"r{i}", f"C{i}", _levels(4, 4, 4, 4, 4)) for i in range(completed)]
    states = {f"r{i}": "completed" if i < completed else "sent" for i in range(10)}
    report = _report(survey, people, states)
    assert report.notes[0] == f"Not representative: {expected}."
    assert f"NOT REPRESENTATIVE: {expected}" in render_tables(report)


def test_an_empty_campaign_says_no_answers_yet(ecss: Survey) -> None:
    states = {f"r{i}": "sent" for i in range(6)}
    report = _report(ecss, [], states)
    text = render_tables(report)
    assert "No answers yet: 6 invitations sent, none answered." in text
    for absent in ("By factor", "Customers\n", "n/a ()", "nan", "NaN", "Small sample", "---"):
        assert absent not in text, absent
    assert report.notes == ("No answers yet: 6 invitations sent, none answered.",)
    data = json.loads(report.to_json())
    assert data["has_answers"] is False and data["notes"] == list(report.notes)
    assert "NaN" not in report.to_json()


def test_an_empty_campaign_without_invitations(ecss: Survey) -> None:
    report = _report(ecss, [], {})
    assert report.notes == ("No answers yet: no invitations sent.",)
    assert "No answers yet" in render_tables(report)


def test_a_customer_at_exactly_80_is_fairly_satisfied_but_not_counted_satisfied(
    ecss: Survey,
) -> None:
    people = [
        Respondent("r1", "C1", _levels(4, 4, 4, 4, 4)),  # 80 exactly
        Respondent("r2", "C2", _levels(5, 5, 5, 5, 5)),  # 100
    ]
    report = _report(ecss, people)
    customers = report.customers.set_index("customer_id")
    assert customers.loc["C1", "score"] == 80.0
    assert customers.loc["C1", "grade"] == "fairly_satisfied"
    assert not customers.loc["C1", "satisfied"]
    assert report.summary.satisfaction_rate.value == 0.5
    text = render_tables(report)
    assert re.search(r"^C1 .* 80\.0  fairly satisfied ", text, re.MULTILINE)
    assert re.search(r"^Satisfaction rate \(> 80\) +50\.0 % .*\(Wilson\) +2 customers", text, re.M)
    assert text.count(EIGHTY_RULE) == 1
    data = report.to_dict()
    assert data["satisfaction_rule"] == EIGHTY_RULE
    assert {c["customer_id"]: c["grade"] for c in data["customers"]}["C1"] == "fairly_satisfied"


def test_the_rule_follows_configured_bands(ecss: Survey) -> None:
    from scoring.indices import GradeBands

    bands = GradeBands(very_satisfied=90, fairly_satisfied=75, generally_satisfied=50)
    people = [Respondent("r1", "C1", _levels(4, 4, 4, 4, 4))]
    answers = factories.answers_frame(people)
    report = build_report(ecss, answers, None, campaign="2026Q1", bands=bands)
    assert report.to_dict()["satisfaction_rule"] == (
        "A score of exactly 80 is graded fairly satisfied but not counted as satisfied: "
        "the satisfaction rate counts scores above 80."
    )
    low = GradeBands(very_satisfied=95, fairly_satisfied=85, generally_satisfied=60)
    report = build_report(ecss, answers, None, campaign="2026Q1", bands=low)
    assert report.to_dict()["satisfaction_rule"] == (
        "A score of exactly 80 is graded generally satisfied but not counted as satisfied: "
        "the satisfaction rate counts scores above 80."
    )
