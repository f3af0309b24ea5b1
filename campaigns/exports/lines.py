"""The answers export as CSV or JSON text streamed from the database a chunk of rows at a time,
in constant memory, byte for byte what ``streams.csv_chunks`` and ``json_chunks`` write from
the whole frame.

A row is three pieces: the respondent's columns (encoded here once per respondent), the
question's (once per question and kind: factor and item are split off as
``storage.frames.tidy_answers`` does), and the rest, which SQL encodes
(``storage.exports.answer_cells_query``). Joining three strings per row is what lets Python
keep up with the database.
"""

from __future__ import annotations

import csv
import io
import json
import math
from collections.abc import AsyncIterator, Sequence
from typing import Any, Final

from campaigns.exports.cells import neutralise
from campaigns.exports.streams import BOM
from storage.export_cells import TextFormat
from storage.exports import (
    PERSON_COLUMNS,
    QUESTION_COLUMNS,
    answer_cells_query,
    answer_people,
    campaign_heading,
    campaign_people,
)
from storage.snapshots import CHUNK, Snapshot
from survey.columns import ANSWER_COLUMNS, FACTOR_KINDS

#: Respondents whose columns are kept encoded; past this the cache starts again, so a
#: campaign of a million one-answer respondents still streams in bounded memory.
PEOPLE_KEPT: Final = 50_000
QUESTIONS_KEPT: Final = 10_000
CRLF: Final = "\r\n"


def _plain(value: Any, fmt: TextFormat) -> Any:
    """A stored value as ``cells.plain_column`` makes it: text inert in CSV, no NaN."""
    if isinstance(value, str):
        return neutralise(value) if fmt is TextFormat.CSV else value
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def _csv_fields(values: Sequence[Any]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow(values)
    return buffer.getvalue()


def _encoded(names: Sequence[str], values: Sequence[Any], fmt: TextFormat) -> str:
    """Some leading columns of a row, with the separator that follows them."""
    plain = [_plain(v, fmt) for v in values]
    if fmt is TextFormat.CSV:
        return _csv_fields(plain) + ","
    members = json.dumps(dict(zip(names, plain, strict=True)), ensure_ascii=False, allow_nan=False)
    return members[1:-1] + ", "


def _split(question: str, kind: str) -> tuple[str | None, str | None]:
    """Factor and item of a question, as ``tidy_answers`` splits them."""
    if kind not in FACTOR_KINDS:
        return None, None
    factor, dot, item = question.partition(".")
    return factor, (item if dot else None)


class _Pieces:
    """The encoded respondent and question pieces of one export, made as rows need them."""

    def __init__(
        self, snap: Snapshot, heading: tuple[str, str], fmt: TextFormat, kept: int
    ) -> None:
        self.snap, self.heading, self.fmt, self.kept = snap, heading, fmt, kept
        self.people: dict[int, str] = {}
        self.questions: dict[tuple[str, str], str] = {}
        self.everyone = False  # every respondent of the export is in ``people``

    async def add_everyone(self, campaign_id: int) -> None:
        """Everyone who answered, in one query, unless they are too many to keep."""
        found = await campaign_people(self.snap, campaign_id, self.kept + 1)
        if len(found) <= self.kept:
            self._encode(found)
            self.everyone = True

    async def add_people(self, rows: Sequence[Sequence[Any]]) -> None:
        """The people of a chunk of rows that are not encoded yet (``everyone`` too many)."""
        if self.everyone:
            return
        missing = {row[0] for row in rows} - self.people.keys()
        if not missing:
            return
        if len(self.people) + len(missing) > self.kept:
            self.people.clear()
            missing = {row[0] for row in rows}
        self._encode(await answer_people(self.snap, missing))

    def _encode(self, people: Sequence[Sequence[Any]]) -> None:
        opening = "{" if self.fmt is TextFormat.JSON else ""
        for person in people:
            values = (*self.heading, *person[1:])
            self.people[person[0]] = opening + _encoded(PERSON_COLUMNS, values, self.fmt)

    def question(self, question: str, kind: str) -> str:
        key = (question, kind)
        piece = self.questions.get(key)
        if piece is None:
            if len(self.questions) >= QUESTIONS_KEPT:
                self.questions.clear()
            values = (question, *_split(question, kind), kind)
            piece = self.questions[key] = _encoded(QUESTION_COLUMNS, values, self.fmt)
        return piece


async def answer_text_chunks(
    snap: Snapshot,
    campaign_id: int,
    fmt: TextFormat,
    *,
    people_kept: int = PEOPLE_KEPT,
    chunk: int = CHUNK,
) -> AsyncIterator[bytes]:
    """The answers export of the campaign as CSV (BOM and header first) or a JSON array, a
    chunk of ``chunk`` rows at a time, keeping at most about ``people_kept`` respondents'
    columns encoded."""
    # The first bytes go out before the first query: a client sees the download begin.
    yield (BOM + _csv_fields(ANSWER_COLUMNS) + CRLF if fmt is TextFormat.CSV else "[").encode()
    pieces = _Pieces(snap, await campaign_heading(snap, campaign_id), fmt, people_kept)
    await pieces.add_everyone(campaign_id)
    question, people = pieces.question, pieces.people
    between = "\n"  # JSON: before the first object, then between chunks
    async for rows in snap.chunks(answer_cells_query(campaign_id, fmt), chunk):
        await pieces.add_people(rows)
        lines = [people[r] + question(q, k) + rest for r, q, k, rest in rows]
        if fmt is TextFormat.CSV:
            yield (CRLF.join(lines) + CRLF).encode()
        else:
            yield (between + ",\n".join(lines)).encode()
            between = ",\n"
    if fmt is TextFormat.JSON:
        yield ("]\n" if between == "\n" else "\n]\n").encode()
