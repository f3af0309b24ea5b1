"""Settings refuse what would fail later: an unknown time zone would make every deadline a 500."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from survey.settings import Settings


@pytest.mark.parametrize("zone", ["Mars/Olympus", "", "../etc/passwd"])
def test_an_unknown_time_zone_is_refused(zone: str) -> None:
    with pytest.raises(ValidationError, match="time zone"):
        Settings(timezone=zone, _env_file=None)  # type: ignore[call-arg]


def test_a_known_time_zone_and_the_scheduler_switch() -> None:
    settings = Settings(timezone="Europe/Berlin", scheduler=False, _env_file=None)  # type: ignore[call-arg]
    assert (settings.timezone, settings.scheduler) == ("Europe/Berlin", False)
