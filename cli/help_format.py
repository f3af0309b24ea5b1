"""``--help`` that reads naturally: ``CAMPAIGN`` rather than Typer's ``{CAMPAIGN}`` in the usage
line, no ``<bool>`` after a flag, and words (``TEXT``, ``INTEGER``) rather than ``<str>``,
``<int>`` or ``<list[str]>`` after an option that takes a value."""

from __future__ import annotations

from typing import Any

import typer
from typer.core import TyperCommand, TyperGroup, TyperOption
from typer.models import DefaultPlaceholder

# What a value of each type is called in the help (Typer's own labels: ``<int>``, ``<str>``).
VALUE_WORDS = {
    "<int>": "INTEGER",
    "<int range>": "INTEGER",
    "<float>": "NUMBER",
    "<float range>": "NUMBER",
    "<str>": "TEXT",
    "<list[str]>": "TEXT",
    "<list[int]>": "INTEGER",
    "<path>": "PATH",
    "<datetime>": "DATE",
}


def _natural(params: list[Any], ctx: Any) -> list[Any]:
    """The same parameters, each option with a metavar that reads as a word (none on flags)."""
    for param in params:
        if isinstance(param, TyperOption) and param.metavar is None:
            if param.is_flag:
                param.metavar = ""  # a flag takes no value: show none
            elif (word := VALUE_WORDS.get(param.display_type(ctx))) is not None:
                param.metavar = word
    return params


def _unbraced(pieces: list[str]) -> list[str]:
    """Typer writes a required argument as ``{NAME}``; the usage line says ``NAME``."""
    return [p[1:].replace("}", "", 1) if p.startswith("{") else p for p in pieces]


class Command(TyperCommand):
    """A ``csat`` command whose help reads naturally."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _natural(super().get_params(ctx), ctx)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return _unbraced(super().collect_usage_pieces(ctx))


class Group(TyperGroup):
    """A ``csat`` command group whose help reads naturally."""

    def get_params(self, ctx: Any) -> list[Any]:
        return _natural(super().get_params(ctx), ctx)

    def collect_usage_pieces(self, ctx: Any) -> list[str]:
        return _unbraced(super().collect_usage_pieces(ctx))


def natural_help(app: typer.Typer) -> typer.Typer:
    """Give every command and group of ``app`` (sub-apps too) the help above; returns ``app``.

    Call it once every command is registered: it sets the classes Typer builds them with.
    """
    if app.info.cls in (None, TyperGroup) or isinstance(app.info.cls, DefaultPlaceholder):
        app.info.cls = Group
    for command in app.registered_commands:
        if command.cls in (None, TyperCommand):
            command.cls = Command
    for group in app.registered_groups:
        if group.typer_instance is not None:
            natural_help(group.typer_instance)
    return app
