"""Text that arrives from Telegram, made storable before it reaches the database."""

from __future__ import annotations

from typing import Final

NUL: Final = "\x00"


def without_nul(text: str) -> str:
    """Telegram lets NUL through; PostgreSQL cannot store it in text, so it is dropped (a
    person cannot have meant it)."""
    return text.replace(NUL, "")
