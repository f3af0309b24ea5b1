"""What a transition changed, as data: the service turns each effect into rows.

``survey.transition.apply`` returns these instead of writing anything, so the rules (a 1–2
opens a follow-up and a ticket, raising it withdraws both, …) are tested without a database
and every channel stores the same things.
"""

from __future__ import annotations

from dataclasses import dataclass

from survey.vocabulary import AnswerKind, FollowUpStage


@dataclass(frozen=True, slots=True)
class AnswerStored:
    """An answer set (or changed, keeping the old value in the audit trail). Neither level nor
    text means "unable to comment" for a question and "skipped" for the NPS or comment."""

    kind: AnswerKind
    question: str
    level: int | None = None
    text: str | None = None

    @property
    def na(self) -> bool:
        return self.level is None and self.text is None


@dataclass(frozen=True, slots=True)
class FollowUpStored:
    """The follow-up of a 1–2 as it now stands (created at the causes stage if new)."""

    question: str
    stage: FollowUpStage
    causes: tuple[str, ...] = ()
    text: str | None = None


@dataclass(frozen=True, slots=True)
class FollowUpVoided:
    """The 1–2 was raised to 3 or more: its follow-up no longer applies (kept for the audit)."""

    question: str


@dataclass(frozen=True, slots=True)
class TicketOpened:
    """A 1–2: its corrective-action ticket is opened, or its score updated (and reopened if it
    had been withdrawn). The staff alert is queued, held until the follow-up ends."""

    question: str
    level: int


@dataclass(frozen=True, slots=True)
class TicketWithdrawn:
    """The 1–2 was raised to 3 or more: its ticket closes."""

    question: str


@dataclass(frozen=True, slots=True)
class TicketDescribed:
    """The follow-up ended: its causes and text go onto the ticket and the alert is due now."""

    question: str
    causes: tuple[str, ...]
    text: str | None


@dataclass(frozen=True, slots=True)
class InvitationCompleted:
    """Submitted: the invitation is completed and the respondent thanked."""


@dataclass(frozen=True, slots=True)
class LanguageChosen:
    """The respondent's language, kept for later invitations and reminders."""

    language: str


Effect = (
    AnswerStored
    | FollowUpStored
    | FollowUpVoided
    | TicketOpened
    | TicketWithdrawn
    | TicketDescribed
    | InvitationCompleted
    | LanguageChosen
)
