"""Which chat a department's alerts go to, and which departments no chat hears."""

from __future__ import annotations

import pytest

from survey.loader import load_template
from survey.routing import (
    NO_DEPARTMENT,
    StaffRouting,
    routing_warnings,
    survey_departments,
    unrouted_departments,
)
from survey.settings import Settings

ECSS = survey_departments([load_template("ecss-5")])


def test_the_departments_of_a_survey_include_the_default_chats_share() -> None:
    assert {"sales", "service", "quality", "logistics", None} == ECSS
    assert survey_departments([]) == set()


@pytest.mark.parametrize(
    ("chats", "default", "unrouted"),
    [
        ({}, None, ["logistics", "quality", "sales", "service", NO_DEPARTMENT]),
        ({"quality": -1, "sales": -2}, None, ["logistics", "service", NO_DEPARTMENT]),
        ({"quality": -1}, -9, []),
        ({}, -9, []),
    ],
)
def test_unrouted_departments(
    chats: dict[str, int], default: int | None, unrouted: list[str]
) -> None:
    routing = StaffRouting(chats, default)
    assert unrouted_departments(routing, ECSS) == unrouted
    settings = Settings(department_chats=chats, staff_chat_id=default, _env_file=None)  # type: ignore[call-arg]
    assert unrouted_departments(settings, ECSS) == unrouted
    assert len(routing_warnings(routing, ECSS)) == (1 if unrouted else 0)


def test_a_department_chat_comes_before_the_default() -> None:
    routing = StaffRouting({"quality": -1}, -9)
    assert (routing.chat_for("quality"), routing.chat_for("sales"), routing.chat_for(None)) == (
        -1,
        -9,
        -9,
    )
    assert not StaffRouting({"quality": -1}).reaches(None)
