"""survey.import_files.read_records: one reader for CSV text and JSON lists, whose JSON that
cannot be read is a domain error (InvalidJson, TooDeep), never Python's own."""

from __future__ import annotations

import json

import pytest

from survey.errors import ImportFileError, InvalidJson, TooDeep
from survey.import_files import ImportFormat, read_records
from survey.records import CustomerRecord, RespondentRecord

ROWS = [{"external_id": "C1", "name": "Acme"}, {"external_id": "C2", "name": ""}]


@pytest.mark.parametrize(
    ("fmt", "text", "unit"),
    [
        (ImportFormat.CSV, "external_id,name\nC1,Acme\nC2,\n", "line"),
        (ImportFormat.JSON, json.dumps(ROWS), "item"),
    ],
)
def test_both_formats_give_the_good_records_and_number_the_bad(
    fmt: ImportFormat, text: str, unit: str
) -> None:
    good, bad = read_records(text, CustomerRecord, fmt=fmt, source="c")
    assert [r.external_id for _, r in good] == ["C1"]
    first = 2 if fmt is ImportFormat.CSV else 0  # CSV: the header is line 1; JSON: index
    assert [(e.line, e.field) for e in bad] == [(first + 1, "name")]
    assert fmt.row_unit == unit


@pytest.mark.parametrize(
    ("text", "error", "code", "problem"),
    [
        ("[{", InvalidJson, "invalid_json", "not valid JSON: Expecting property name"),
        ("[" * 5000 + "]" * 5000, TooDeep, "too_deep", "nested too deeply to read"),
        ("  \n", ImportFileError, "import_file_error", "nothing to import: the body is empty"),
        ('{"external_id": "R1"}', ImportFileError, "import_file_error", "not a JSON list"),
    ],
)
def test_json_that_cannot_be_read_is_one_domain_error(
    text: str, error: type[ImportFileError], code: str, problem: str
) -> None:
    with pytest.raises(error) as raised:
        read_records(text, RespondentRecord, fmt=ImportFormat.JSON, source="people.json")
    assert type(raised.value) is error and raised.value.code == code
    assert str(raised.value).startswith(f"people.json: {problem}")
    assert raised.value.line is None
