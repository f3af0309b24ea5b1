"""The corrective-action ticket lifecycle of SPEC §5 (seed 001 §6.4–6.5), without storage.

``open → acknowledged → plan_submitted → in_progress → verifying → closed``, plus ``escalated``
for a severe case that enters the complaint procedure and needs a call-back report before it
can close (seed 001 §6.4.3). Also the one severity rule that ranks tickets.
"""

from __future__ import annotations

from datetime import datetime
from typing import Final

from survey.calendar import WorkingCalendar, add_months
from survey.errors import TicketRuleBroken
from survey.vocabulary import TicketStatus

ACTIVE: Final = frozenset(TicketStatus) - {TicketStatus.CLOSED}
SEVERITY_BASE: Final = 3  # the first level that opens no ticket
COMPLAINT_LEVEL: Final = 1  # a complaint weighs like the lowest score when ranking tickets

PLAN_DUE_WORKING_DAYS: Final = 2  # seed 001 §6.4.2
MAX_COMPLETION_MONTHS: Final = 3  # seed 001 §6.4.2: a plan of at most three months

# Where each status may go next, in lifecycle order: exactly the steps SPEC §5 draws. There is
# no stepping back and no reopening by staff (a closed ticket reopens only when the respondent
# lowers the score again, storage/tickets.py); anything active can be escalated, and an
# escalated ticket closes once its call-back report is given.
NEXT: Final[dict[TicketStatus, tuple[TicketStatus, ...]]] = {
    TicketStatus.OPEN: (TicketStatus.ACKNOWLEDGED, TicketStatus.ESCALATED),
    TicketStatus.ACKNOWLEDGED: (TicketStatus.PLAN_SUBMITTED, TicketStatus.ESCALATED),
    TicketStatus.PLAN_SUBMITTED: (TicketStatus.IN_PROGRESS, TicketStatus.ESCALATED),
    TicketStatus.IN_PROGRESS: (TicketStatus.VERIFYING, TicketStatus.ESCALATED),
    TicketStatus.VERIFYING: (TicketStatus.CLOSED, TicketStatus.ESCALATED),
    TicketStatus.ESCALATED: (TicketStatus.CLOSED,),
    TicketStatus.CLOSED: (),
}
NEEDS_PLAN: Final = frozenset({TicketStatus.PLAN_SUBMITTED, TicketStatus.IN_PROGRESS})


def severity(level: int, customer_weight: float) -> float:
    """(3 − score) × customer weight: a 1 from a KA weighs 4 (seed 001 §6.4.1)."""
    return (SEVERITY_BASE - level) * customer_weight


def check_transition(
    current: str, wanted: str, *, plan: str | None, callback_report: str | None
) -> None:
    """Raise ``TicketRuleBroken`` unless ``current → wanted`` is allowed for this ticket; staying
    where it is is allowed. A step the lifecycle does not draw carries the allowed next states;
    a drawn step refused for what it lacks (a plan, a call-back report) says what."""
    allowed = NEXT[TicketStatus(current)] if current in NEXT else ()
    if wanted not in NEXT:
        why = f"unknown status; use one of {', '.join(TicketStatus)}"
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
    if wanted in NEEDS_PLAN and not plan:
        raise TicketRuleBroken(current, wanted, "a corrective-action plan is needed first")
    if wanted == TicketStatus.CLOSED and current == TicketStatus.ESCALATED and not callback_report:
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
