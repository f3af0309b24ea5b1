"""Where staff alerts go (SPEC §5): the factor's department chat, else the default staff chat.

One rule for everyone who asks: the dispatcher sending an alert, the bot telling a respondent
whether anybody will read their complaint, and the start-up and health checks naming the
departments whose alerts nobody would receive. A ticket without a department (a complaint sent
with /feedback, a factor without one) goes to the default chat.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from survey.schema import Survey
from survey.settings import Settings

NO_DEPARTMENT = "(no department)"  # names the default chat's share in a list of departments


@dataclass(frozen=True)
class StaffRouting:
    """The staff chats of a deployment: one per department, and the default one."""

    department_chats: Mapping[str, int] = field(default_factory=dict)
    default_chat: int | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> StaffRouting:
        return cls(dict(settings.department_chats), settings.staff_chat_id)

    def chat_for(self, department: str | None) -> int | None:
        """The department's chat, else the default staff chat, else None (nobody)."""
        if department is not None and department in self.department_chats:
            return self.department_chats[department]
        return self.default_chat

    @property
    def chats(self) -> frozenset[int]:
        """Every chat alerts can go to."""
        chats = set(self.department_chats.values())
        if self.default_chat is not None:
            chats.add(self.default_chat)
        return frozenset(chats)

    def reaches(self, department: str | None) -> bool:
        """Does some chat receive the alerts of this department's tickets?"""
        return self.chat_for(department) is not None


def survey_departments(surveys: Iterable[Survey]) -> set[str | None]:
    """The departments the surveys' tickets can have; None (the default chat's share) as soon as
    there is a survey, since any respondent may send a complaint with /feedback."""
    departments: set[str | None] = set()
    for survey in surveys:
        departments.add(None)
        departments.update(factor.department for factor in survey.factors)
    return departments


def unrouted_departments(
    routing: StaffRouting | Settings, departments: Iterable[str | None]
) -> list[str]:
    """The departments whose alerts no chat receives, sorted, ``NO_DEPARTMENT`` last."""
    if isinstance(routing, Settings):
        routing = StaffRouting.from_settings(routing)
    missing = {d for d in departments if not routing.reaches(d)}
    named = sorted(d for d in missing if d is not None)
    return named + ([NO_DEPARTMENT] if None in missing else [])


def routing_warnings(
    routing: StaffRouting | Settings, departments: Iterable[str | None]
) -> list[str]:
    """What to tell an operator about ``unrouted_departments``: one line, or none."""
    missing = unrouted_departments(routing, departments)
    if not missing:
        return []
    return [
        f"no staff chat for {', '.join(missing)}: their alerts wait (pending) until "
        "CSAT_DEPARTMENT_CHATS or CSAT_STAFF_CHAT_ID names one"
    ]
