"""Reading questionnaires from YAML/JSON files and the shipped templates."""

from __future__ import annotations

import functools
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from survey.errors import SurveyDefinitionError
from survey.schema import Survey

TEMPLATE_PACKAGE = "survey.templates"


def parse_survey(data: Any, source: str) -> Survey:
    """Validate a decoded questionnaire; a broken one raises with file, field and problem."""
    if not isinstance(data, dict):
        raise SurveyDefinitionError(source, "(top)", "a questionnaire must be a mapping")
    try:
        return Survey.model_validate(data)
    except ValidationError as exc:
        field, problem = _where_and_what(exc.errors()[0])
        raise SurveyDefinitionError(source, field, problem) from None


_FIELD_PREFIX = re.compile(r"^([A-Za-z_][\w.\[\]]*): (.+)$", re.DOTALL)


def _where_and_what(error: Any) -> tuple[str, str]:
    """Field path (``factors[0].items[1].text``) and problem of one pydantic error."""
    problem = error["msg"].removeprefix("Value error, ")
    if not error["loc"]:  # raised by a model validator: the field leads its message
        match = _FIELD_PREFIX.match(problem)
        return (match[1], match[2]) if match else ("(survey)", problem)
    field = ""
    for part in error["loc"]:
        field += f"[{part}]" if isinstance(part, int) else (f".{part}" if field else str(part))
    return field, problem


def parse_survey_text(text: str, source: str) -> Survey:
    """Parse YAML (a superset of JSON) questionnaire text."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "(syntax)"
        raise SurveyDefinitionError(source, where, f"not valid YAML/JSON: {exc}") from None
    return parse_survey(data, source)


def load_survey(path: str | Path) -> Survey:
    """Load a questionnaire file (.yaml, .yml or .json)."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise SurveyDefinitionError(str(path), "(file)", f"cannot be read: {exc}") from None
    if path.suffix == ".json":
        try:
            return parse_survey(json.loads(text), str(path))
        except json.JSONDecodeError as exc:
            raise SurveyDefinitionError(str(path), f"line {exc.lineno}", exc.msg) from None
    return parse_survey_text(text, str(path))


def template_names() -> list[str]:
    """Keys of the questionnaires shipped with csat-bot."""
    files = resources.files(TEMPLATE_PACKAGE).iterdir()
    return sorted(f.name.removesuffix(".yaml") for f in files if f.name.endswith(".yaml"))


@functools.cache
def load_template(name: str) -> Survey:
    """Load a shipped template such as ``ecss-5``, once per process (a shipped file does not
    change, and a survey is immutable): parsing its YAML takes about 0.2 s."""
    ref = resources.files(TEMPLATE_PACKAGE) / f"{name}.yaml"
    if not ref.is_file():
        raise SurveyDefinitionError(name, "(template)", f"no such template; try {template_names()}")
    return parse_survey_text(ref.read_text(encoding="utf-8"), f"template {name}")


def survey_to_dict(survey: Survey) -> dict[str, Any]:
    """A JSON-ready form of a survey that ``parse_survey`` reads back unchanged."""
    return survey.model_dump(mode="json")
