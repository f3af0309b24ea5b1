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

# Where each status may go next, in lifecycle order: exactly the steps SPEC §5 draws. There is
# no stepping back and no reopening by staff (a closed ticket reopens only when the respondent
# lowers the score again, storage/tickets.py); anything active can be escalated, and an
# escalated ticket closes once its call-back report is given.
NEXT: Final[dict[str, tuple[TicketStatus, ...]]] = {
    "open": ("acknowledged", "escalated"),
    "acknowledged": ("plan_submitted", "escalated"),
    "plan_submitted": ("in_progress", "escalated"),
    "in_progress": ("verifying", "escalated"),
    "verifying": ("closed", "escalated"),
    "escalated": ("closed",),
    "closed": (),
}


def check_transition(
    current: str, wanted: str, *, plan: str | None, callback_report: str | None
) -> None:
    """Raise ``TicketRuleBroken`` unless ``current → wanted`` is allowed for this ticket; staying
    where it is is allowed. A step the lifecycle does not draw carries the allowed next states;
    a drawn step refused for what it lacks (a plan, a call-back report) says what."""
    allowed = NEXT.get(current, ())
    if wanted not in NEXT:
        why = f"unknown status; use one of {', '.join(STATUSES)}"
        raise TicketRuleBroken(current, wanted, why, allowed=allowed)
    if wanted == current:
        return
    if wanted not in allowed:
        why = (
            f"from {current} it can go to {', '.join(allowed)}"
            if allowed
            else f"{current} is final"
        )
        raise TicketRuleBroken(current, wanted, why, allowed=allowed)
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
