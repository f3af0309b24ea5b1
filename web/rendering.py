"""Jinja2 over web/templates: HTML escaped, no template reads anything it is not given."""

from __future__ import annotations

from typing import Any

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from survey.schema import SUPPORTED_LANGUAGES
from survey.texts import LANGUAGE_NAMES
from web.texts import w

_ENVIRONMENT = Environment(
    loader=PackageLoader("web", "templates"),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,  # a value a template needs and was not given is a bug, loudly
    trim_blocks=True,
    lstrip_blocks=True,
)


def render(template: str, lang: str | None, **values: Any) -> str:
    """The page ``template`` in ``lang``; templates say ``w("key")`` for a phrase."""

    def phrase(key: str, **filled: Any) -> str:
        return w(key, lang, **filled)

    return _ENVIRONMENT.get_template(template).render(
        lang=lang or "en",
        w=phrase,
        language_names=LANGUAGE_NAMES,
        languages=SUPPORTED_LANGUAGES,
        **values,
    )


def accepted_language(header: str | None) -> str | None:
    """The first of our languages an ``Accept-Language`` header names (``zh``, ``en-GB``)."""
    for part in (header or "").split(","):
        code = part.split(";")[0].strip().lower()
        if code.startswith("zh"):
            return "zh-CN"
        if code.startswith("en"):
            return "en"
    return None
