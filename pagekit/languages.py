"""The language a browser asks for in its ``Accept-Language`` header, among ours."""

from __future__ import annotations


def accepted_language(header: str | None) -> str | None:
    """The first of our languages an ``Accept-Language`` header names (``zh``, ``en-GB``)."""
    for part in (header or "").split(","):
        code = part.split(";")[0].strip().lower()
        if code.startswith("zh"):
            return "zh-CN"
        if code.startswith("en"):
            return "en"
    return None
