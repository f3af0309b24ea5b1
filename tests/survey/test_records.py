"""Import records: validation by line, weights by class, whole files that cannot be read."""

from __future__ import annotations

import pytest

from survey.errors import ImportFileError
from survey.import_files import read_csv_records, read_json_records
from survey.records import CustomerRecord, RespondentRecord


def read_records(text: str, model: type[CustomerRecord] | type[RespondentRecord]):  # type: ignore[no-untyped-def]
    return read_csv_records(text, model, source="people.csv")


CUSTOMERS = """external_id,name,customer_class,weight,business_unit
C1,Acme,KA,,Consumer
C2,Beta,b,,Industrial
C3,,A,,Consumer
C4,"Delta, Inc.",Z,,Consumer
C5,Epsilon,C,3.5,
C6,Zeta,A,-1,
"""


def test_customers_good_rows_kept_bad_rows_reported_by_line() -> None:
    good, bad = read_records(CUSTOMERS, CustomerRecord)
    assert [(line, r.external_id) for line, r in good] == [(2, "C1"), (3, "C2"), (6, "C5")]
    assert [(e.line, e.field) for e in bad] == [(4, "name"), (5, "customer_class"), (7, "weight")]
    weights = {r.external_id: r.effective_weight() for _, r in good}
    assert weights == {"C1": 2.0, "C2": 1.0, "C5": 3.5}
    assert good[1][1].customer_class == "B"


def test_respondents_language_and_timezone_checked() -> None:
    text = (
        "\ufeffexternal_id,customer_id,name,role,language,timezone,telegram_user_id\n"
        "R1,C1,Li,quality,zh-CN,Asia/Shanghai,12345\n"
        "R2,C1,Tom,user,fr,,\n"
        "R3,C2,Ann,user,en,Mars/Olympus,\n"
        "R4,C2,Ann,user,en,,notanumber\n"
    )
    good, bad = read_records(text, RespondentRecord)
    assert [r.external_id for _, r in good] == ["R1"]
    assert good[0][1].telegram_user_id == 12345
    assert [(e.line, e.field) for e in bad] == [
        (3, "language"),
        (4, "timezone"),
        (5, "telegram_user_id"),
    ]


@pytest.mark.parametrize(
    ("text", "line", "problem"),
    [
        ("", 1, "nothing to import: a header line naming the columns comes first"),
        ("\ufeff \r\n\n", 1, "nothing to import: a header line"),
        ("external_id,name\n", 1, "nothing to import: there are no rows after the header"),
        ("\nexternal_id,name\n,\n\n", 2, "nothing to import: there are no rows after the header"),
        ("C1,Acme\nC2,Beta\n", 1, "the first line is not a header: it names none of the columns"),
        ("external_id,weight\nC1,2\n", 1, "the header lacks the column(s) name"),
        ("external_id,name,Name\nC1,a,b\n", 1, "the header names name twice"),
        ('[{"external_id": "C1", "name": "Acme"}]', 1, "this is JSON, not CSV"),
        (' {"external_id": "C1"}', 1, "this is JSON, not CSV"),
    ],
)
def test_a_file_without_rows_to_read_is_refused_as_a_whole(
    text: str, line: int, problem: str
) -> None:
    with pytest.raises(ImportFileError) as refused:
        read_records(text, CustomerRecord)
    assert (refused.value.line, refused.value.source) == (line, "people.csv")
    assert refused.value.problem.startswith(problem)
    assert str(refused.value).startswith(f"people.csv: line {line}: ")


@pytest.mark.parametrize(("items", "problem"), [({}, "not a JSON list"), ([], "the list is empty")])
def test_a_json_body_that_is_no_list_of_rows_is_refused(items: object, problem: str) -> None:
    with pytest.raises(ImportFileError, match=problem):
        read_json_records(items, CustomerRecord, source="request body")


def test_a_quote_left_open_is_reported_on_the_line_it_opened() -> None:
    text = 'external_id,name,customer_class\nC1,Acme,KA\nC2,"Beta,B\nC3,Gamma,C\nC4,Delta,C\n'
    good, bad = read_records(text, CustomerRecord)
    assert good[0][1].external_id == "C1" and len(good) == 1
    assert [(e.line, e.field) for e in bad] == [(3, "name")]
    assert "the quote opened on line 3 runs to line 5" in bad[0].problem


def test_a_quoted_value_over_two_lines_is_a_value_and_lines_stay_true() -> None:
    text = 'external_id,name\nC1,"Acme\nInternational"\nC2,Beta\nC3,\n'
    good, bad = read_records(text, CustomerRecord)
    assert [(n, r.name) for n, r in good] == [(2, "Acme\nInternational"), (4, "Beta")]
    assert [(e.line, e.field) for e in bad] == [(5, "name")]


def test_rows_with_too_many_or_too_few_values_are_refused() -> None:
    text = "external_id,name,customer_class\nC1,Acme, Inc.,KA\nC2,Beta\nC3,Gamma,C\n"
    good, bad = read_records(text, CustomerRecord)
    assert [r.external_id for _, r in good] == ["C3"]
    assert [(e.line, e.problem) for e in bad] == [
        (2, "4 values where the header has 3 (a comma inside a value needs quotes)"),
        (3, "2 values where the header has 3"),
    ]


def test_a_repeated_external_id_is_an_error_on_the_later_line() -> None:
    text = "external_id,name\nC1,Acme\nC2,Beta\nC1,Acme again\n"
    good, bad = read_records(text, CustomerRecord)
    assert [(n, r.name) for n, r in good] == [(2, "Acme"), (3, "Beta")]
    assert [(e.line, e.field, e.problem) for e in bad] == [
        (4, "external_id", "'C1' repeats line 2, which is kept")
    ]
    items = [{"external_id": "C1", "name": "a"}, {"external_id": "C1", "name": "b"}]
    _, bad = read_json_records(items, CustomerRecord, source="request body")
    assert [(e.line, e.problem) for e in bad] == [(1, "'C1' repeats item 0, which is kept")]


def test_old_mac_line_ends_are_lines() -> None:
    good, bad = read_records("external_id,name\rC1,Acme\rC2,Beta\r", CustomerRecord)
    assert [(n, r.name) for n, r in good] == [(2, "Acme"), (3, "Beta")] and bad == []
