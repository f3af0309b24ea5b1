"""Domain errors of csat-bot, one hierarchy, translated only at the edges (admin/errors.py's
one exception handler, the bot's error handler, cli/common.py's one error printer).

SurveyError                    [the admin API's status; 400 where none is given]
├── NotFound                   no such resource (kind, key)                              [404]
│   ├── CampaignNotFound       no campaign with this key
│   └── TicketNotFound         no ticket with this id
├── Conflict                   the resource's state refuses this now (why)               [409]
│   ├── CampaignExists         a campaign with this key exists already
│   ├── CampaignIsClosed       a closed campaign cannot be planned or invited (key)
│   ├── PlanLocked             the sample can no longer change (invitations went out)
│   └── TicketRuleBroken       a change the ticket lifecycle does not allow (from, to, why)
├── InvalidValue               a value of a request the domain cannot take (field, what) [422]
│   ├── UnknownSurvey          a campaign of a survey (version) that is not loaded
│   ├── UnknownRespondent      external ids that name no respondent
│   └── UnknownExport          an export, format or breakdown that does not exist
├── Refused                    a request refused as asked, no one value wrong (why)
├── SurveyDefinitionError      a questionnaire file is broken (file, field, what)        [422]
├── ImportRowError             one bad row of an import (line, field, what)              [422]
├── ImportFileError            an import with no rows to read: empty, no header, not CSV [422]
│   └── InvalidJson            the text is not JSON                                      [400]
│       └── TooDeep            JSON nested deeper than the parser recurses
├── InvitationError                                                                      [409]
│   ├── InvitationNotFound     unknown token
│   ├── InvitationExpired      past its expiry or declined
│   ├── InvitationCompleted    already submitted
│   ├── CampaignClosed         the campaign no longer takes answers
│   └── InvitationInUse        opened already from another Telegram account
├── InvalidAnswer              a level/button that does not fit the current question
├── CampaignError              (base of the campaign services' errors above)
└── TicketError                (base of the ticket errors above, and of:)
    └── NotStaff               a ticket action from someone who is not staff there
TemporarilyUnavailable         the database cannot take the change now; retry later      [503]

Every error carries its context as attributes, ``details`` (that context as data) and a
stable machine ``code`` (its class name in snake case). Python's own ``ValueError`` and
``LookupError`` are not domain errors: one that reaches an edge is a bug, and answered as one.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from enum import StrEnum
from typing import Any


class Resource(StrEnum):
    """What a ``NotFound`` names: the word in its message and the key of its detail."""

    CAMPAIGN = "campaign"
    SURVEY = "survey"
    CUSTOMER = "customer"
    RESPONDENT = "respondent"
    INVITATION = "invitation"
    TICKET = "ticket"
    API_KEY = "api key"
    STAFF_MEMBER = "staff member"


class SurveyError(Exception):
    """Base of every error the domain raises on purpose."""

    @property
    def code(self) -> str:
        """A stable machine name for clients: the class name in snake case."""
        return re.sub(r"(?<!^)(?=[A-Z])", "_", type(self).__name__).lower()

    def details(self) -> list[dict[str, Any]]:
        """The error's context as data (the admin API's ``details``); none by default."""
        return []


# --- the kinds every resource shares -------------------------------------------------------


class NotFound(SurveyError):
    """No ``kind`` is known by ``key``; ``message`` replaces the default ("no campaign 'x'")."""

    def __init__(self, kind: Resource, key: object, *, message: str | None = None) -> None:
        self.kind = kind
        self.key = key
        super().__init__(message or f"no {kind} {key!r}")

    def details(self) -> list[dict[str, Any]]:
        return [{self.kind.replace(" ", "_"): self.key}]


class Conflict(SurveyError):
    """The state of a resource does not allow this now; ``why`` says what stands in the way."""

    def __init__(self, why: str, *, message: str | None = None) -> None:
        self.why = why
        super().__init__(message or why)


class InvalidValue(SurveyError):
    """A value of a request that the domain cannot take: which ``field`` and why."""

    def __init__(self, field: str, problem: str, *, message: str | None = None) -> None:
        self.field = field
        self.problem = problem
        super().__init__(message or f"{field}: {problem}")

    def details(self) -> list[dict[str, Any]]:
        return [{"field": self.field, "problem": self.problem}]


class Refused(SurveyError):
    """A request the domain refuses as asked though no one value is wrong ("nothing to send",
    "set CSAT_BOT_USERNAME first"); ``why`` says what to do instead."""

    def __init__(self, why: str) -> None:
        self.why = why
        super().__init__(why)


# --- questionnaires and imports ------------------------------------------------------------


class SurveyDefinitionError(SurveyError):
    """A questionnaire definition is invalid; says where and what."""

    def __init__(self, source: str, field: str, problem: str) -> None:
        self.source = source
        self.field = field
        self.problem = problem
        super().__init__(f"{source}: {field}: {problem}")

    def details(self) -> list[dict[str, Any]]:
        return [{"file": self.source, "field": self.field, "problem": self.problem}]


class ImportRowError(SurveyError):
    """One row of an import file is invalid."""

    def __init__(self, line: int, field: str, problem: str) -> None:
        self.line = line
        self.field = field
        self.problem = problem
        super().__init__(f"line {line}: {field}: {problem}")

    def details(self) -> list[dict[str, Any]]:
        return [{"line": self.line, "field": self.field, "problem": self.problem}]


class ImportFileError(SurveyError):
    """An import file (or body) as a whole cannot be read; says where and what."""

    def __init__(self, source: str, line: int | None, problem: str) -> None:
        self.source = source
        self.line = line  # None for a JSON list, which has no lines to point at
        self.problem = problem
        where = f"{source}: line {line}" if line is not None else source
        super().__init__(f"{where}: {problem}")

    def details(self) -> list[dict[str, Any]]:
        where = {"line": self.line} if self.line is not None else {}
        return [{**where, "problem": self.problem}]


class InvalidJson(ImportFileError):
    """An import that should be JSON is not: ``problem`` says what the parser found where."""

    def __init__(self, source: str, problem: str) -> None:
        super().__init__(source, None, problem)


class TooDeep(InvalidJson):
    """JSON nested deeper than the parser recurses (no import is nested so deep)."""

    PROBLEM = "nested too deeply"

    def __init__(self, source: str) -> None:
        super().__init__(source, f"{self.PROBLEM} to read")

    def details(self) -> list[dict[str, Any]]:
        # "(body)" names the whole text, as "(row)" and "(item)" name a whole row or item.
        return [{"field": "(body)", "problem": self.PROBLEM}]


# --- invitations and answers ---------------------------------------------------------------


class InvitationError(SurveyError):
    """An invitation token cannot be used to answer."""

    def __init__(self, token: str) -> None:
        self.token = token
        # The message names the error and the token's first characters only.
        super().__init__(f"{type(self).__name__}: {token[:8]}…")


class InvitationNotFound(InvitationError):
    """No invitation carries this token."""


class InvitationExpired(InvitationError):
    """The invitation expired or was declined."""


class InvitationCompleted(InvitationError):
    """The respondent already submitted this survey."""


class CampaignClosed(InvitationError):
    """The campaign of this invitation is closed."""


class InvitationInUse(InvitationError):
    """The invitation is already bound to another Telegram account."""


class InvalidAnswer(SurveyError):
    """An answer that does not fit the question asked."""


# --- campaigns -----------------------------------------------------------------------------


class CampaignError(SurveyError):
    """A campaign cannot be created, planned, invited, closed or exported as asked."""


class CampaignNotFound(CampaignError, NotFound):
    """No campaign has this key."""

    def __init__(self, key: str) -> None:
        NotFound.__init__(self, Resource.CAMPAIGN, key)


class CampaignExists(CampaignError, Conflict):
    """A campaign with this key exists already."""

    def __init__(self, key: str) -> None:
        self.key = key
        Conflict.__init__(self, f"campaign {key!r} exists already")


class CampaignIsClosed(CampaignError, Conflict):
    """The campaign is closed: it is neither planned nor invited any more (the key, where
    ``CampaignClosed`` is about an invitation's token)."""

    def __init__(self, key: str) -> None:
        self.key = key
        Conflict.__init__(self, f"campaign {key!r} is closed")


class PlanLocked(CampaignError, Conflict):
    """The campaign's sample can no longer be replaced; ``why`` says what fixed it."""

    def __init__(self, key: str, why: str) -> None:
        self.key = key
        Conflict.__init__(self, why)


class UnknownSurvey(CampaignError, InvalidValue):
    """A campaign was asked of a survey (or survey version) that is not loaded."""

    def __init__(self, key: str, version: int | None = None) -> None:
        self.key = key
        self.version = version
        what = repr(key) if version is None else f"{key!r} v{version}"
        InvalidValue.__init__(self, "survey", "not loaded", message=f"no survey {what} is loaded")


class UnknownRespondent(CampaignError, InvalidValue):
    """External ids that name no respondent; ``external_ids`` sorted."""

    def __init__(self, external_ids: Sequence[str]) -> None:
        self.external_ids = tuple(external_ids)
        message = f"unknown respondents: {', '.join(self.external_ids)}"
        InvalidValue.__init__(self, "respondents", "unknown", message=message)

    def details(self) -> list[dict[str, Any]]:
        return [{"field": "respondents", "problem": f"unknown {r!r}"} for r in self.external_ids]


class UnknownExport(CampaignError, InvalidValue):
    """An export, format or breakdown that does not exist; the message names the known ones."""

    def __init__(self, message: str) -> None:
        InvalidValue.__init__(self, "export", message, message=message)

    def details(self) -> list[dict[str, Any]]:
        return []


# --- tickets -------------------------------------------------------------------------------


class TicketError(SurveyError):
    """A corrective-action ticket cannot be changed as asked."""


class TicketNotFound(TicketError, NotFound):
    """No ticket has this id."""

    def __init__(self, ticket_id: int) -> None:
        self.ticket_id = ticket_id
        NotFound.__init__(self, Resource.TICKET, ticket_id, message=f"ticket {ticket_id} not found")


class TicketRuleBroken(TicketError, Conflict):
    """The lifecycle of SPEC §5 does not allow this change; ``allowed`` lists the states the
    ticket may go to next when the refused change is a status step (else None)."""

    def __init__(
        self, current: str, wanted: str, why: str, *, allowed: Sequence[str] | None = None
    ) -> None:
        self.current = current
        self.wanted = wanted
        self.allowed = None if allowed is None else tuple(allowed)
        Conflict.__init__(self, why, message=f"cannot go from {current} to {wanted}: {why}")

    def details(self) -> list[dict[str, Any]]:
        step: dict[str, Any] = {"from": self.current, "to": self.wanted, "why": self.why}
        if self.allowed is not None:  # a step the lifecycle does not draw: where it can go
            step["allowed"] = list(self.allowed)
        return [step]


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
