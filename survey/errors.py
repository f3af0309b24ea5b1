"""Domain errors of csat-bot, one hierarchy, translated only at the edges.

SurveyError
├── SurveyDefinitionError      a questionnaire file is broken (file, field, what)
├── InvitationError
│   ├── InvitationNotFound     unknown token
│   ├── InvitationExpired      past its expiry or declined
│   ├── InvitationCompleted    already submitted
│   ├── CampaignClosed         the campaign no longer takes answers
│   └── InvitationInUse        opened already from another Telegram account
├── InvalidAnswer              a level/button that does not fit the current question
└── ImportRowError             one bad row of a CSV import (line, field, what)
"""

from __future__ import annotations


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


class InvalidAnswer(SurveyError):
    """An answer that does not fit the question asked."""


class ImportRowError(SurveyError):
    """One row of an import file is invalid."""

    def __init__(self, line: int, field: str, problem: str) -> None:
        self.line = line
        self.field = field
        self.problem = problem
        super().__init__(f"line {line}: {field}: {problem}")


class InvitationInUse(InvitationError):
    """The invitation is already bound to another Telegram account."""
