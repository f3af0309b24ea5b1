"""The ticket lifecycle of SPEC §5 as pure rules."""

from __future__ import annotations

import itertools
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from survey.calendar import WorkingCalendar
from survey.errors import TicketRuleBroken
from survey.tickets import NEXT, check_due, check_transition, plan_due
from survey.vocabulary import TicketStatus

SHANGHAI = ZoneInfo("Asia/Shanghai")


@pytest.mark.parametrize(
    ("current", "wanted"),
    [(current, wanted) for current, nexts in NEXT.items() for wanted in sorted(nexts)],
)
def test_every_listed_step_is_allowed_with_a_plan_and_a_report(current: str, wanted: str) -> None:
    check_transition(current, wanted, plan="replace the carton supplier", callback_report="ok")


def test_the_main_path_runs_from_open_to_closed() -> None:
    path = ["open", "acknowledged", "plan_submitted", "in_progress", "verifying", "closed"]
    for current, wanted in itertools.pairwise(path):
        check_transition(current, wanted, plan="plan", callback_report=None)


@pytest.mark.parametrize(
    ("current", "wanted"),
    [("open", "in_progress"), ("open", "verifying"), ("closed", "acknowledged"), ("open", "x")],
)
def test_skipping_steps_is_refused(current: str, wanted: str) -> None:
    with pytest.raises(TicketRuleBroken) as caught:
        check_transition(current, wanted, plan="plan", callback_report="ok")
    assert caught.value.current == current and caught.value.wanted == wanted


def test_a_plan_is_needed_before_it_is_submitted() -> None:
    with pytest.raises(TicketRuleBroken, match="plan is needed"):
        check_transition("acknowledged", "plan_submitted", plan=None, callback_report=None)


def test_an_escalated_ticket_closes_only_with_its_call_back_report() -> None:
    with pytest.raises(TicketRuleBroken, match="call-back report"):
        check_transition("escalated", "closed", plan="plan", callback_report=None)
    check_transition("escalated", "closed", plan="plan", callback_report="customer satisfied")


def test_every_status_has_its_next_steps() -> None:
    assert set(NEXT) == set(TicketStatus)


def test_plan_is_due_two_working_days_after_the_alert_across_a_holiday_and_a_weekend() -> None:
    # Friday 25 September 2026 is the Mid-Autumn Festival, then the weekend: Mon 28, Tue 29.
    thursday = datetime(2026, 9, 24, 9, tzinfo=SHANGHAI)
    assert plan_due(thursday, WorkingCalendar()) == datetime(2026, 9, 29, 9, tzinfo=SHANGHAI)


def test_completion_past_three_months_is_refused() -> None:
    sent = datetime(2026, 11, 30, tzinfo=UTC)
    check_due(datetime(2027, 2, 28, tzinfo=UTC), sent)
    with pytest.raises(TicketRuleBroken, match="3 months"):
        check_due(datetime(2027, 3, 1, tzinfo=UTC), sent)
