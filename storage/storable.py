"""What the database can hold, so that edges refuse the rest with a clear error, not a 500.

- ``Integer`` columns (every primary key, versions, positions) are 32-bit on PostgreSQL:
  ``MAX_INTEGER``; ``BigInteger`` columns (Telegram ids, seeds) are 64-bit: ``MAX_BIGINT``.
  SQLite takes 64 bits everywhere and raises ``OverflowError`` beyond.
- PostgreSQL refuses the NUL character (``\\x00``) in any text, JSON strings included: such
  text is refused, never silently stripped, so what is stored is what was sent.
- ``String(n)`` columns hold ``n`` characters (PostgreSQL enforces it; read it with
  ``column_length``); JSON cannot hold ``inf`` or ``NaN``.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any, Final

from sqlalchemy.orm import InstrumentedAttribute

MAX_INTEGER: Final = 2**31 - 1
MAX_BIGINT: Final = 2**63 - 1
NUL: Final = "\x00"
HAS_NUL: Final = "must not contain NUL (\\x00) characters"


def column_length(column: InstrumentedAttribute[Any]) -> int:
    """The ``n`` of a ``String(n)`` column."""
    length = column.property.columns[0].type.length
    if not isinstance(length, int):
        raise TypeError(f"{column} has no length")
    return length


def unstorable(value: Any, where: str = "") -> tuple[str, str] | None:
    """The first place in a JSON-like value the database cannot hold, and why, or None.

    ``where`` is the dotted path of ``value`` (``factors[0].text.en`` style); NUL in strings
    and mapping keys, non-finite floats and integers beyond 64 bits are reported.
    """
    if isinstance(value, str):
        return (where or "(value)", HAS_NUL) if NUL in value else None
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        fits = -MAX_BIGINT - 1 <= value <= MAX_BIGINT
        return None if fits else (where or "(value)", "is beyond the 64-bit integer range")
    if isinstance(value, float):
        return None if math.isfinite(value) else (where or "(value)", "must be a finite number")
    if isinstance(value, Mapping):
        for key, item in value.items():
            path = f"{where}.{key}" if where else str(key)
            if isinstance(key, str) and NUL in key:
                return (path, f"key {HAS_NUL}")
            found = unstorable(item, path)
            if found is not None:
                return found
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            found = unstorable(item, f"{where}[{index}]")
            if found is not None:
                return found
    return None
