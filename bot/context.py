"""Kept only for modules not yet moved to ``surveying.response`` (Response, survey_of)."""

from __future__ import annotations

from surveying.response import Response as Context
from surveying.response import survey_of

__all__ = ["Context", "survey_of"]
