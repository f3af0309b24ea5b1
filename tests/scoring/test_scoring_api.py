"""The package's public names: ``__all__`` is complete and every name in it resolves."""

from __future__ import annotations

import importlib
import inspect

import pytest

import scoring

API_MODULES = (
    "breakdown",
    "campaign",
    "changes",
    "chart",
    "design",
    "drivers",
    "estimates",
    "indices",
    "methods",
    "quality",
    "rates",
    "render",
    "report",
    "scheme",
    "stats",
    "thresholds",
    "tickets",
    "trends",
)


def test_every_name_in_all_resolves() -> None:
    assert len(set(scoring.__all__)) == len(scoring.__all__)
    for name in scoring.__all__:
        assert hasattr(scoring, name), name


@pytest.mark.parametrize("module_name", API_MODULES)
def test_every_public_function_and_class_is_exported(module_name: str) -> None:
    module = importlib.import_module(f"scoring.{module_name}")
    defined = [
        name
        for name, obj in vars(module).items()
        if not name.startswith("_")
        and (inspect.isfunction(obj) or inspect.isclass(obj))
        and obj.__module__ == module.__name__
    ]
    assert [name for name in defined if name not in scoring.__all__] == []
