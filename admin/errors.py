"""One error body for every failed request, and the handlers that translate errors into it.

Every 4xx and 5xx answers ``{"error": {"status", "code", "message", "details"}}``:

- ``HTTPException`` (ours, FastAPI's, Starlette's 404/405) keeps its status and headers;
- request validation keeps 422 with one detail per field (bad JSON is a 400 ``invalid_json``);
- domain errors (survey/errors.py) map by class, once, in ``DOMAIN_STATUS``: not found → 404,
  a conflict or an unusable invitation → 409, an invalid value, questionnaire, import row or
  import file → 422, any other refusal → 400; code and details are the error's own;
- anything else → 500 with a fixed message, a stray ``ValueError`` or ``LookupError`` too (the
  domain refuses requests with its own errors, so one of Python's is a bug); the traceback goes
  to the log, never to the client.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any, Final

from fastapi import FastAPI, HTTPException, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel, ValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Receive, Scope, Send

from admin.asgi import ResponseWatch
from survey.errors import (
    Conflict,
    ImportFileError,
    ImportRowError,
    InvalidJson,
    InvalidValue,
    InvitationError,
    NotFound,
    SurveyDefinitionError,
    SurveyError,
)

log = logging.getLogger(__name__)

CODES: Final[dict[int, str]] = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    500: "internal_error",
    503: "unavailable",
}
INTERNAL_ERROR: Final = "internal error; it has been logged"
# The status of each kind of domain error, first match wins; any other SurveyError is a 400.
DOMAIN_STATUS: Final[tuple[tuple[type[SurveyError], int], ...]] = (
    (NotFound, 404),
    (Conflict, 409),
    (InvitationError, 409),
    (InvalidValue, 422),
    (SurveyDefinitionError, 422),
    (InvalidJson, 400),  # a malformed body, as FastAPI answers one: before ImportFileError
    (ImportRowError, 422),
    (ImportFileError, 422),
)


class ErrorDetail(BaseModel):
    """The error itself: HTTP status, a stable machine code, a sentence, and specifics."""

    status: int
    code: str
    message: str
    details: list[dict[str, Any]] = []


class ErrorBody(BaseModel):
    """Body of every 4xx/5xx answer of the admin API."""

    error: ErrorDetail


class ApiError(HTTPException):
    """An HTTPException with its own machine ``code`` and structured ``details``."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        code: str | None = None,
        details: Sequence[dict[str, Any]] = (),
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(status, message, headers)
        self.code = code or CODES.get(status, "error")
        self.details = list(details)


def error_response(
    status: int,
    message: str,
    *,
    code: str | None = None,
    details: Sequence[dict[str, Any]] = (),
    headers: Mapping[str, str] | None = None,
) -> JSONResponse:
    """The JSON answer carrying one ``ErrorBody``."""
    body = ErrorBody(
        error=ErrorDetail(
            status=status,
            code=code or CODES.get(status, "error"),
            message=message,
            details=list(details),
        )
    )
    return JSONResponse(
        body.model_dump(mode="json"), status_code=status, headers=dict(headers or {})
    )


def _field_details(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """One detail per invalid field: dotted location, problem, pydantic's error type."""
    return [
        {
            "field": ".".join(str(part) for part in error.get("loc", ())) or "(body)",
            "problem": str(error.get("msg", "")).removeprefix("Value error, "),
            "type": error.get("type", ""),
        }
        for error in errors
    ]


async def _http_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    message = exc.detail if isinstance(exc.detail, str) else CODES.get(exc.status_code, "error")
    return error_response(
        exc.status_code,
        message,
        code=getattr(exc, "code", None),
        details=getattr(exc, "details", ()),
        headers=exc.headers,
    )


async def _validation_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError | ValidationError)
    errors = exc.errors()
    if any(error.get("type") == "json_invalid" for error in errors):
        return error_response(400, "the body is not valid JSON", code="invalid_json")
    return error_response(422, "the request is invalid", details=_field_details(errors))


def domain_status(error: SurveyError) -> int:
    """The HTTP status a domain error answers (``DOMAIN_STATUS``)."""
    return next((status for kind, status in DOMAIN_STATUS if isinstance(error, kind)), 400)


async def _domain_error(request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, SurveyError)
    log.info("refused %s %s: %s", request.method, request.url.path, exc)
    return error_response(domain_status(exc), str(exc), code=exc.code, details=exc.details())


def _internal(request: Request, exc: BaseException) -> JSONResponse:
    log.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    return error_response(500, INTERNAL_ERROR)


class CatchAll:
    """ASGI middleware: an unexpected exception becomes the 500 body, logged, not re-raised.

    Starlette's own ``Exception`` handler re-raises after answering (so the server logs the
    traceback a second time); this one answers once and logs once. An error after the
    response started (a stream that broke) can only be logged and re-raised.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        watch = ResponseWatch(send)
        try:
            await self.app(scope, receive, watch)
        except Exception as exc:
            if watch.started:
                raise
            response = _internal(Request(scope), exc)
            await response(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    """Register the handlers and the catch-all middleware on ``app``."""
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(ValidationError, _validation_error)
    app.add_exception_handler(SurveyError, _domain_error)
    app.add_middleware(CatchAll)


def _described(text: str) -> dict[str, Any]:
    return {"model": ErrorBody, "description": text}


Responses = dict[int | str, dict[str, Any]]

# Documented on every admin route, so /docs shows the one error shape instead of FastAPI's.
ERROR_RESPONSES: Final[Responses] = {
    400: _described("Bad request (e.g. the body is not valid JSON)"),
    401: _described("No API key, or an unknown or revoked one"),
    403: _described("The API key's role does not allow this"),
    404: _described("No such resource"),
    413: _described("The body is larger than the server accepts (CSAT_MAX_BODY_BYTES)"),
    422: _described("The request is invalid; details name each field"),
}
# Documented per route, on the routes that can answer them.
CONFLICT: Final[Responses] = {
    409: _described("The resource's state does not allow this now; the message says why")
}
UNSUPPORTED_MEDIA: Final[Responses] = {
    415: _described("This Content-Type is not accepted here; details list the accepted ones")
}
