"""Domain errors of csat-bot, one hierarchy, translated only at the edges.

SurveyError
├── SurveyDefinitionError      a questionnaire file is broken (file, field, what)
├── InvitationError
│   ├── InvitationNotFound     unknown token
│   ├── InvitationExpired      past its expiry or declined
│   ├── InvitationCompleted    already submitted
│   ├── CampaignClosed         the campaign no longer takes answers
│   └── InvitationInUse        opened already from another Telegram account
├── CampaignError
│   ├── CampaignNotFound       no campaign with this key
│   ├── CampaignExists         a campaign with this key exists already
│   ├── CampaignIsClosed       a closed campaign cannot be planned or invited (key)
│   ├── PlanLocked             the sample can no longer change (invitations went out)
│   ├── UnknownSurvey          a campaign of a survey (version) that is not loaded
│   ├── UnknownRespondent      external ids that name no respondent
│   └── UnknownExport          an export, format or breakdown that does not exist
├── InvalidAnswer              a level/button that does not fit the current question
├── ImportRowError             one bad row of a CSV import (line, field, what)
├── ImportFileError            an import with no rows to read: empty, no header, not CSV
└── TicketError
    ├── TicketNotFound         no ticket with this id
    ├── TicketRuleBroken       a change the ticket lifecycle does not allow (from, to, why)
    └── NotStaff               a ticket action from someone who is not staff there
TemporarilyUnavailable         the database cannot take the change now; retry later
"""

from __future__ import annotations

from collections.abc import Sequence


class SurveyError(Exception):
    """Base of every error the domain raises on purpose."""


class SurveyDefinitionError(SurveyError):
    """A questionnaire definition is invalid; says where and what."""

    def __init__(self, source: str, field: str, problem: str) -> None:
        self.source = source
        self.field = field
        self.problem = problem
        super().__init__(f"{source}: {field}: {problem}")


class InvitationError(SurveyError):
    """An invitation token cannot be used to answer."""

    def __init__(self, token: str) -> None:
        self.token = token
        super().__init__(f"{type(self).__name__}: {token[:8]}…")


class InvitationNotFound(InvitationError):
    """No invitation carries this token."""


class InvitationExpired(InvitationError):
    """The invitation expired or was declined."""


class InvitationCompleted(InvitationError):
    """The respondent already submitted this survey."""


class CampaignClosed(InvitationError):
    """The campaign of this invitation is closed."""


class CampaignError(SurveyError):
    """A campaign cannot be created, planned, invited, closed or exported as asked."""


class CampaignNotFound(CampaignError):
    """No campaign has this key."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"no campaign {key!r}")


class CampaignExists(CampaignError):
    """A campaign with this key exists already."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"campaign {key!r} exists already")


class CampaignIsClosed(CampaignError):
    """The campaign is closed: it is neither planned nor invited any more (the key, where
    ``CampaignClosed`` is about an invitation's token)."""

    def __init__(self, key: str) -> None:
        self.key = key
        super().__init__(f"campaign {key!r} is closed")


class PlanLocked(CampaignError):
    """The campaign's sample can no longer be replaced; ``why`` says what fixed it."""

    def __init__(self, key: str, why: str) -> None:
        self.key = key
        self.why = why
        super().__init__(why)


class UnknownSurvey(CampaignError):
    """A campaign was asked of a survey (or survey version) that is not loaded."""

    def __init__(self, key: str, version: int | None = None) -> None:
        self.key = key
        self.version = version
        what = repr(key) if version is None else f"{key!r} v{version}"
        super().__init__(f"no survey {what} is loaded")


class UnknownRespondent(CampaignError):
    """External ids that name no respondent; ``external_ids`` sorted."""

    def __init__(self, external_ids: Sequence[str]) -> None:
        self.external_ids = tuple(external_ids)
        super().__init__(f"unknown respondents: {', '.join(self.external_ids)}")


class UnknownExport(CampaignError):
    """An export, format or breakdown that does not exist; the message names the known ones."""


class InvalidAnswer(SurveyError):
    """An answer that does not fit the question asked."""


class ImportRowError(SurveyError):
    """One row of an import file is invalid."""

    def __init__(self, line: int, field: str, problem: str) -> None:
        self.line = line
        self.field = field
        self.problem = problem
        super().__init__(f"line {line}: {field}: {problem}")


class ImportFileError(SurveyError):
    """An import file (or body) as a whole cannot be read; says where and what."""

    def __init__(self, source: str, line: int | None, problem: str) -> None:
        self.source = source
        self.line = line  # None for a JSON list, which has no lines to point at
        self.problem = problem
        where = f"{source}: line {line}" if line is not None else source
        super().__init__(f"{where}: {problem}")


class InvitationInUse(InvitationError):
    """The invitation is already bound to another Telegram account."""


class TicketError(SurveyError):
    """A corrective-action ticket cannot be changed as asked."""


class TicketNotFound(TicketError):
    """No ticket has this id."""

    def __init__(self, ticket_id: int) -> None:
        self.ticket_id = ticket_id
        super().__init__(f"ticket {ticket_id} not found")


class TicketRuleBroken(TicketError):
    """The lifecycle of SPEC §5 does not allow this change; ``allowed`` lists the states the
    ticket may go to next when the refused change is a status step (else None)."""

    def __init__(
        self, current: str, wanted: str, why: str, *, allowed: Sequence[str] | None = None
    ) -> None:
        self.current = current
        self.wanted = wanted
        self.why = why
        self.allowed = None if allowed is None else tuple(allowed)
        super().__init__(f"cannot go from {current} to {wanted}: {why}")


class NotStaff(TicketError):
    """A ticket action (take, open) from a user or chat that is not staff for that ticket."""

    def __init__(self, user_id: int, chat_id: int | None) -> None:
        self.user_id = user_id
        self.chat_id = chat_id
        super().__init__(f"user {user_id} in chat {chat_id} is not staff for tickets")


class TemporarilyUnavailable(Exception):
    """The database could not take the change now (fail-over, connection refused, locked).

    Not a SurveyError: nothing is wrong with the request, so the edge must not answer it as
    done — the webhook answers 503 so that Telegram delivers the update again.
    """
