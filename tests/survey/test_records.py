"""CSV import records: validation by line, weights by class."""

from __future__ import annotations

from survey.records import CustomerRecord, RespondentRecord, read_records

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


def test_empty_file_has_no_rows() -> None:
    assert read_records("", CustomerRecord) == ([], [])
