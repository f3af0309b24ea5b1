"""Shared fixtures of the scoring tests."""

from __future__ import annotations

import sys
from pathlib import Path

# The repository root must be importable (``scoring``, ``survey``, ``tests.scoring.factories``)
# however pytest is started; pyproject's pytest settings may later make this redundant.
ROOT = str(Path(__file__).resolve().parents[2])
if ROOT not in sys.path:
    sys.path.insert(0, ROOT)
