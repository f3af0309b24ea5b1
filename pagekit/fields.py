"""A posted HTML form's fields, read without ever failing on a body that is not one."""

from __future__ import annotations

from fastapi import Request
from starlette.exceptions import HTTPException


async def read_fields(request: Request) -> dict[str, str] | None:
    """The posted fields (a file or a repeated field: the first text value), None when the
    body is not a form at all."""
    try:
        form = await request.form()
    except (HTTPException, ValueError, KeyError, AssertionError):  # a body it cannot read
        return None
    fields: dict[str, str] = {}
    for name, value in form.multi_items():
        if isinstance(value, str):
            fields.setdefault(name, value)
    return fields
