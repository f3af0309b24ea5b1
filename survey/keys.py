"""What a campaign key and a survey key may be: one rule for the admin API and the CLI.

Keys name files (``reports/<campaign>.json``) and URLs (``/campaigns/<key>``), so they start
with a letter or digit and hold no ``/``, ``\\``, spaces or control characters: a key can never
name a path outside the directory it is written to.
"""

from __future__ import annotations

import re
from typing import Annotated

from pydantic import Field

CAMPAIGN_KEY_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,79}$"  # storage: campaigns.key String(80)
SURVEY_KEY_PATTERN = r"^[a-z0-9][a-z0-9_-]{0,39}$"  # storage: surveys.key String(40)

CampaignKey = Annotated[str, Field(pattern=CAMPAIGN_KEY_PATTERN)]
SurveyKey = Annotated[str, Field(pattern=SURVEY_KEY_PATTERN)]

CAMPAIGN_KEY_RULE = "1–80 letters, digits, '_', '.' or '-', starting with a letter or digit"
SURVEY_KEY_RULE = "1–40 lower-case letters, digits, '_' or '-', starting with a letter or digit"


def check_campaign_key(key: str) -> str:
    """``key`` if it is a valid campaign key; otherwise ValueError saying the rule."""
    return _check(key, CAMPAIGN_KEY_PATTERN, "campaign", CAMPAIGN_KEY_RULE)


def check_survey_key(key: str) -> str:
    """``key`` if it is a valid survey key; otherwise ValueError saying the rule."""
    return _check(key, SURVEY_KEY_PATTERN, "survey", SURVEY_KEY_RULE)


def _check(key: str, pattern: str, kind: str, rule: str) -> str:
    # fullmatch: "$" alone would accept a trailing newline.
    if re.fullmatch(pattern.removeprefix("^").removesuffix("$"), key) is None:
        raise ValueError(f"{kind} key {key!r} is not valid: {rule}")
    return key
