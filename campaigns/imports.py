"""The one import path of record files (customers, respondents — any record type with a store):
read and validate the file, store its good rows, and say what happened.

The admin API (``POST /customers``, ``POST /respondents``) and ``csat import …`` both call
``import_records``; they differ only in where the text comes from and how the outcome is shown.
Bad rows do not stop the good ones (SPEC §7: idempotent bulk imports); a file with no rows to
read raises ImportFileError (InvalidJson for JSON that is not).
"""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Final, Generic

from sqlalchemy.ext.asyncio import AsyncSession

from storage.people import upsert_customers, upsert_respondents
from survey.import_files import ImportFormat, ImportResult, read_records
from survey.records import CustomerRecord, R, RespondentRecord

# Stores a file's good records, numbered by line or item; returns the counts and the rows it
# rejected in turn (an unknown customer, a Telegram id that is taken).
Store = Callable[[AsyncSession, list[tuple[int, R]]], Awaitable[ImportResult]]


@dataclass(frozen=True)
class Importer(Generic[R]):
    """How one record type is imported: the record each row must be, and its store."""

    model: type[R]
    store: Store[R]


CUSTOMERS: Final = Importer(CustomerRecord, upsert_customers)
RESPONDENTS: Final = Importer(RespondentRecord, upsert_respondents)


async def import_records(
    session: AsyncSession,
    importer: Importer[R],
    text: str,
    *,
    fmt: ImportFormat,
    source: str,
) -> ImportResult:
    """Import the file ``text`` (CSV or a JSON list, ``source`` naming it in errors): the
    counts, and every rejected row in file order, whether refused by the reader or the store."""
    # Parsing a large file is CPU work: keep the event loop free meanwhile.
    good, bad = await asyncio.to_thread(read_records, text, importer.model, fmt=fmt, source=source)
    result = await importer.store(session, good)
    errors = sorted([*bad, *result.errors], key=lambda error: error.line)
    return dataclasses.replace(result, errors=errors)
