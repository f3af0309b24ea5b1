"""English wording of counts and numbers in reports: "1 respondent", "2 respondents", and the
article a number takes as it is spoken ("an 8", "an 11", "an 18", "an 80 %", "a 90 %")."""

from __future__ import annotations

import re
from typing import Final

# The leading digits of a number as it is read out in groups of three ("11,000" is "eleven
# thousand", "800" is "eight hundred"): an 8, an 11 or an 18 begins with a vowel sound.
_LEADING: Final = re.compile(r"^\s*(\d[\d,]*)")
_VOWEL_GROUPS: Final = ("11", "18")


def counted(n: int, singular: str, plural: str | None = None) -> str:
    """``n`` and the noun in its number: "1 ticket", "0 tickets", "1,200 customers"."""
    noun = singular if n == 1 else (plural or f"{singular}s")
    return f"{n:,} {noun}"


def article(number: str) -> str:
    """ "a" or "an" before ``number`` (a figure as printed, e.g. "80.0 %"), as it is spoken."""
    match = _LEADING.match(number)
    if match is None:  # "−8" is "minus eight", anything else is not a number we can read
        return "a"
    digits = match.group(1).replace(",", "")
    group = digits[: len(digits) % 3 or 3]
    return "an" if group.startswith("8") or group in _VOWEL_GROUPS else "a"


def with_article(number: str) -> str:
    """``number`` preceded by its article: "an 80.0 %"."""
    return f"{article(number)} {number}"
