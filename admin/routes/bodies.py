"""Request bodies that come in several formats: questionnaires (YAML or JSON) and bulk imports
(a JSON list or CSV), chosen by ``Content-Type``, plus their OpenAPI descriptions."""

from __future__ import annotations

import json
from typing import Any, Final, TypeVar

from fastapi import Request, status
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from admin.errors import ApiError, error_response
from admin.schemas.people import ImportPublic
from survey.errors import ImportRowError
from survey.loader import parse_survey, parse_survey_text
from survey.records import CustomerRecord, RespondentRecord, read_records, validate_records
from survey.schema import Survey

JSON: Final = "application/json"
CSV: Final = "text/csv"
YAML_TYPES: Final = ("application/yaml", "application/x-yaml", "text/yaml", "text/x-yaml")
SURVEY_SOURCE: Final = "request body"

R = TypeVar("R", CustomerRecord, RespondentRecord)


def media_type(request: Request) -> str:
    """The body's media type without parameters, lower case ("" when absent)."""
    return request.headers.get("content-type", "").split(";", 1)[0].strip().lower()


def _unsupported(given: str, accepted: tuple[str, ...]) -> ApiError:
    return ApiError(
        status.HTTP_415_UNSUPPORTED_MEDIA_TYPE,
        f"Content-Type {given or '(none)'} is not accepted here; send one of {', '.join(accepted)}",
        details=[{"accepted": list(accepted)}],
    )


async def _text(request: Request) -> str:
    try:
        # utf-8-sig: a CSV saved by Excel starts with a byte-order mark.
        return (await request.body()).decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ApiError(status.HTTP_400_BAD_REQUEST, "the body is not UTF-8 text") from None


def _json(text: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ApiError(
            status.HTTP_400_BAD_REQUEST,
            f"the body is not valid JSON: {exc.msg} at line {exc.lineno}",
            code="invalid_json",
        ) from None


async def read_survey(request: Request) -> Survey:
    """A questionnaire from a JSON or YAML body; a broken one raises SurveyDefinitionError."""
    kind = media_type(request)
    if kind == JSON:
        return parse_survey(_json(await _text(request)), SURVEY_SOURCE)
    if kind in YAML_TYPES:
        return parse_survey_text(await _text(request), SURVEY_SOURCE)
    raise _unsupported(kind, (JSON, *YAML_TYPES))


async def read_rows(
    request: Request, model: type[R]
) -> tuple[list[tuple[int, R]], list[ImportRowError]]:
    """Records from a JSON list or a CSV body: the good ones with their position, and the bad.

    A CSV row's position is its line in the file (the header is line 1); a JSON item's is its
    index in the list. Bad rows do not stop the good ones (SPEC §7: idempotent bulk imports).
    """
    kind = media_type(request)
    if kind == CSV:
        return read_records(await _text(request), model)
    if kind != JSON:
        raise _unsupported(kind, (JSON, CSV))
    items = _json(await _text(request))
    if not isinstance(items, list):
        raise ApiError(status.HTTP_422_UNPROCESSABLE_CONTENT, "the body must be a JSON list")
    return validate_records(enumerate(items), model, whole="(item)")


def row_details(errors: list[ImportRowError], *, csv: bool) -> list[dict[str, Any]]:
    """The rejected rows for an error body: ``line`` (CSV) or ``item`` (JSON index)."""
    where = "line" if csv else "item"
    ordered = sorted(errors, key=lambda e: e.line)
    return [{where: e.line, "field": e.field, "problem": e.problem} for e in ordered]


def survey_body() -> dict[str, Any]:
    """OpenAPI ``requestBody`` of ``POST /surveys``."""
    described = {"type": "object", "description": "A questionnaire (see survey/schema.py)"}
    text = {"type": "string", "description": "The questionnaire as YAML"}
    return {
        "requestBody": {
            "required": True,
            "content": {JSON: {"schema": described}, **{t: {"schema": text} for t in YAML_TYPES}},
        }
    }


def import_body(model: type[BaseModel]) -> dict[str, Any]:
    """OpenAPI ``requestBody`` of a bulk import: a JSON list of ``model`` or CSV text."""
    header = ",".join(model.model_fields)
    return {
        "requestBody": {
            "required": True,
            "content": {
                JSON: {"schema": {"type": "array", "items": model.model_json_schema()}},
                CSV: {"schema": {"type": "string", "description": f"CSV with header {header}"}},
            },
        }
    }


def import_outcome(
    created: int, updated: int, errors: list[ImportRowError], *, csv: bool
) -> ImportPublic | JSONResponse:
    """The answer to a bulk import: the counts, or 422 listing the rejected rows.

    The good rows are kept either way (the route returns rather than raises, so its
    transaction commits); sending the corrected file again is safe because imports are
    idempotent on external id.
    """
    if not errors:
        return ImportPublic(created=created, updated=updated)
    return error_response(
        status.HTTP_422_UNPROCESSABLE_CONTENT,
        f"{len(errors)} rows rejected; {created} created and {updated} updated were kept",
        code="rows_rejected",
        details=row_details(errors, csv=csv),
    )
