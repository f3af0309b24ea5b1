"""The corrective-action ticket lifecycle of SPEC §5 (seed 001 §6.4–6.5), without storage.

``open → acknowledged → plan_submitted → in_progress → verifying → closed``, plus ``escalated``
for a severe case that enters the complaint procedure and needs a call-back report before it
can close (seed 001 §6.4.3).
"""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal

from survey.calendar import WorkingCalendar, add_months
from survey.errors import TicketRuleBroken

TicketStatus = Literal[
    "open", "acknowledged", "plan_submitted", "in_progress", "verifying", "closed", "escalated"
]
STATUSES: Final[tuple[TicketStatus, ...]] = (
    "open",
    "acknowledged",
    "plan_submitted",
    "in_progress",
    "verifying",
    "closed",
    "escalated",
)
ACTIVE: Final = frozenset(STATUSES) - {"closed"}
KINDS: Final = ("opinion_ticket", "internal_memo")

PLAN_DUE_WORKING_DAYS: Final = 2  # seed 001 §6.4.2
MAX_COMPLETION_MONTHS: Final = 3  # seed 001 §6.4.2: a plan of at most three months

# Where each status may go next. Staff may step back (a plan sent back, a fix that failed
# verification); "closed" can be reopened; anything active can be escalated.
NEXT: Final[dict[str, frozenset[str]]] = {
    "open": frozenset({"acknowledged", "escalated", "closed"}),
    "acknowledged": frozenset({"plan_submitted", "escalated", "closed"}),
    "plan_submitted": frozenset({"acknowledged", "in_progress", "escalated", "closed"}),
    "in_progress": frozenset({"verifying", "escalated"}),
    "verifying": frozenset({"in_progress", "closed", "escalated"}),
    "escalated": frozenset({"plan_submitted", "in_progress", "verifying", "closed"}),
    "closed": frozenset({"open"}),
}


def check_transition(
    current: str, wanted: str, *, plan: str | None, callback_report: str | None
) -> None:
    """Raise ``TicketRuleBroken`` unless ``current → wanted`` is allowed for this ticket."""
    if wanted not in NEXT:
        raise TicketRuleBroken(current, wanted, f"unknown status; use one of {', '.join(STATUSES)}")
    if wanted == current:
        return
    if wanted not in NEXT.get(current, frozenset()):
        allowed = ", ".join(sorted(NEXT.get(current, frozenset()))) or "nothing"
        raise TicketRuleBroken(current, wanted, f"from {current} it can go to {allowed}")
    if wanted in ("plan_submitted", "in_progress") and not plan:
        raise TicketRuleBroken(current, wanted, "a corrective-action plan is needed first")
    if wanted == "closed" and current == "escalated" and not callback_report:
        raise TicketRuleBroken(
            current, wanted, "an escalated ticket needs its call-back report before closing"
        )


def plan_due(sent_at: datetime, calendar: WorkingCalendar) -> datetime:
    """When the responsible unit owes its plan: 2 working days after the ticket is sent."""
    return calendar.add_working_days(sent_at, PLAN_DUE_WORKING_DAYS)


def latest_completion(sent_at: datetime) -> datetime:
    """The furthest planned completion allowed: three months after the ticket is sent."""
    return add_months(sent_at, MAX_COMPLETION_MONTHS)


def check_due(due_at: datetime, sent_at: datetime) -> None:
    """Raise ``TicketRuleBroken`` for a planned completion past three months."""
    if due_at > latest_completion(sent_at):
        raise TicketRuleBroken(
            "plan", "due_at", f"planned completion must be within {MAX_COMPLETION_MONTHS} months"
        )
