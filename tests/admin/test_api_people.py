"""``/customers`` and ``/respondents``: bulk imports from a JSON list or CSV (bad rows reported
by line, good rows kept, idempotent on external id), filtered and paginated lists."""

from __future__ import annotations

import pytest

from storage.strangers import stranger
from tests.admin.conftest import Api, error_of

pytestmark = pytest.mark.both_backends

CSV = {"Content-Type": "text/csv"}
CUSTOMERS = [
    {"external_id": "C1", "name": "Acme", "customer_class": "KA", "business_unit": "BU1"},
    {"external_id": "C2", "name": "Beta", "customer_class": "b", "business_unit": "BU1"},
    {"external_id": "C3", "name": "Gamma", "customer_class": "A", "business_unit": "BU2"},
]


def counts(created: int = 0, updated: int = 0, unchanged: int = 0) -> dict[str, object]:
    """The body of an import in which every row was good."""
    return {
        "created": created,
        "updated": updated,
        "unchanged": unchanged,
        "rejected": 0,
        "errors": [],
    }


async def test_customers_from_json_are_idempotent_and_bad_items_reported(api: Api) -> None:
    created = await api.post("/customers", json=CUSTOMERS)
    assert created.status_code == 200 and created.json() == counts(created=3)
    again = await api.post("/customers", json=CUSTOMERS[:2])
    assert again.status_code == 200 and again.json() == counts(unchanged=2)
    renamed = [{**CUSTOMERS[0], "name": "Acme Ltd"}, CUSTOMERS[1]]
    assert (await api.post("/customers", json=renamed)).json() == counts(updated=1, unchanged=1)

    mixed = [
        {"external_id": "C4", "name": "Delta"},
        {"external_id": "C5", "name": "Eps", "customer_class": "Z"},
        {"external_id": "C6", "weight": "heavy"},
        "not an object",
    ]
    partly = await api.post("/customers", json=mixed)
    assert partly.status_code == 207, partly.text
    body = partly.json()
    assert (body["created"], body["updated"], body["unchanged"], body["rejected"]) == (1, 0, 0, 3)
    assert [(d["item"], d["field"]) for d in body["errors"]] == [
        (1, "customer_class"),
        (2, "name"),
        (3, "(item)"),
    ]
    assert all(set(d) == {"item", "field", "problem"} for d in body["errors"])
    error = error_of(await api.post("/customers", json=mixed[1:]), 422)
    assert error["code"] == "rows_rejected"
    assert error["message"] == "nothing imported: all 3 rows rejected"
    assert [d["item"] for d in error["details"]] == [0, 1, 2]
    listed = (await api.get("/customers", role="viewer")).json()
    assert [c["external_id"] for c in listed["data"]] == ["C1", "C2", "C3", "C4"]
    c1 = listed["data"][0]
    assert (c1["customer_class"], c1["weight"]) == ("KA", 2.0)  # KA weighs 2 (seed 001)


async def test_customers_list_filters_and_pages(api: Api) -> None:
    await api.post("/customers", json=CUSTOMERS)
    bu1 = (await api.get("/customers", params={"business_unit": "BU1"})).json()
    assert [c["external_id"] for c in bu1["data"]] == ["C1", "C2"] and bu1["count"] == 2
    ka = (await api.get("/customers", params={"customer_class": "KA"})).json()
    assert [c["external_id"] for c in ka["data"]] == ["C1"]
    page = (await api.get("/customers", params={"limit": 1, "offset": 1})).json()
    assert page == {**page, "count": 3, "limit": 1, "offset": 1}
    assert [c["external_id"] for c in page["data"]] == ["C2"]
    for bad in ({"limit": 0}, {"limit": 501}, {"offset": -1}, {"customer_class": "Z"}):
        error = error_of(await api.get("/customers", params=bad), 422)
        assert error["details"][0]["field"].startswith("query.")


async def test_the_placeholder_customer_of_strangers_feedback_is_not_listed(api: Api) -> None:
    await api.post("/customers", json=CUSTOMERS)
    async with api.sessions() as session, session.begin():
        await stranger(session, 7777)  # someone unknown sent /feedback
    listed = (await api.get("/customers")).json()
    assert [c["external_id"] for c in listed["data"]] == ["C1", "C2", "C3"]
    assert listed["count"] == 3


async def test_respondents_from_csv_report_bad_lines_and_keep_good_ones(api: Api) -> None:
    await api.post("/customers", json=CUSTOMERS)
    text = (
        "\ufeffexternal_id,customer_id,name,role,language\n"
        "R1,C1,Li Lei,quality,zh-CN\n"
        "R2,C9,Tom,user,en\n"
        "R3,C3,Ann,user,fr\n"
        "R4,C3,Dan,purchasing,en\n"
    )
    partly = await api.post("/respondents", content=text, headers=CSV)
    assert partly.status_code == 207
    assert (partly.json()["created"], partly.json()["rejected"]) == (2, 2)
    errors = partly.json()["errors"]
    assert [(d["line"], d["field"]) for d in errors] == [(3, "customer_id"), (4, "language")]
    assert "unknown customer 'C9'" in errors[0]["problem"]
    listed = (await api.get("/respondents", role="viewer")).json()
    assert [r["external_id"] for r in listed["data"]] == ["R1", "R4"]
    assert listed["data"][0] == {
        "external_id": "R1",
        "customer_id": "C1",
        "name": "Li Lei",
        "role": "quality",
        "language": "zh-CN",
        "timezone": None,
        "telegram_user_id": None,
        "email": None,
        "forgotten": False,
    }
    fixed = "external_id,customer_id,name,role,language\nR1,C1,Li Lei,quality,en\n"
    assert (await api.post("/respondents", content=fixed, headers=CSV)).json() == counts(updated=1)
    again = await api.post("/respondents", content=fixed, headers=CSV)
    assert again.json() == counts(unchanged=1)
    of_c3 = (await api.get("/respondents", params={"customer": "C3"})).json()
    assert [r["external_id"] for r in of_c3["data"]] == ["R4"]
    in_bu1 = (await api.get("/respondents", params={"business_unit": "BU1"})).json()
    assert [(r["external_id"], r["language"]) for r in in_bu1["data"]] == [("R1", "en")]


async def test_customer_csv_and_unreadable_bodies(api: Api) -> None:
    text = "external_id,name,customer_class,annual_revenue\nC1,Acme,KA,1000\nC2,,B,\n"
    partly = await api.post("/customers", content=text, headers=CSV)
    assert partly.status_code == 207
    assert partly.json()["errors"] == [
        {"line": 3, "field": "name", "problem": "Field required"},
    ]
    revenue = (await api.get("/customers")).json()["data"][0]["annual_revenue"]
    assert revenue == 1000.0
    error = error_of(await api.post("/customers", json={"external_id": "C1"}), 422)
    assert error["message"] == "request body: not a JSON list of rows"
    error = error_of(
        await api.post("/customers", content="[{", headers={"Content-Type": "application/json"}),
        400,
    )
    assert error["code"] == "invalid_json"
    error = error_of(
        await api.post("/respondents", content="<x/>", headers={"Content-Type": "application/xml"}),
        415,
    )
    assert error["details"] == [{"accepted": ["application/json", "text/csv"]}]


async def test_reimporting_an_unchanged_csv_reports_unchanged_not_updated(api: Api) -> None:
    text = (
        "external_id,name,customer_class,weight,business_unit,annual_revenue\n"
        "C1,Acme,KA,,BU1,1000.5\nC2,Beta,B,1.5,,\nC3,Gamma,c,,BU2,0\n"
    )
    first = await api.post("/customers", content=text, headers=CSV)
    assert first.json() == counts(created=3)
    again = await api.post("/customers", content=text, headers=CSV)
    assert again.status_code == 200 and again.json() == counts(unchanged=3)
    changed = text.replace("C2,Beta,B,1.5", "C2,Beta,B,2.5") + "C4,Delta,A,,,\n"
    assert (await api.post("/customers", content=changed, headers=CSV)).json() == counts(
        created=1, updated=1, unchanged=2
    )


async def test_one_telegram_id_for_two_respondents_is_refused(api: Api) -> None:
    await api.post("/customers", json=CUSTOMERS)
    first = "external_id,customer_id,telegram_user_id\nR1,C1,501\nR2,C2,502\n"
    assert (await api.post("/respondents", content=first, headers=CSV)).json() == counts(2)
    clash = "external_id,customer_id,telegram_user_id\nR3,C3,501\nR4,C3,503\nR5,C3,503\n"
    partly = await api.post("/respondents", content=clash, headers=CSV)
    assert partly.status_code == 207
    assert [(e["line"], e["field"], e["problem"]) for e in partly.json()["errors"]] == [
        (2, "telegram_user_id", "501 belongs to respondent 'R1' already"),
        (4, "telegram_user_id", "503 repeats line 3, which is kept"),
    ]
    listed = (await api.get("/respondents")).json()["data"]
    assert [(r["external_id"], r["telegram_user_id"]) for r in listed] == [
        ("R1", 501),
        ("R2", 502),
        ("R4", 503),
    ]
    # Two respondents may trade ids in one file: after the import each id is one person's.
    swap = "external_id,customer_id,telegram_user_id\nR1,C1,502\nR2,C2,501\n"
    assert (await api.post("/respondents", content=swap, headers=CSV)).json() == counts(updated=2)


async def test_the_schema_documents_what_an_import_answers(api: Api) -> None:
    schema = (await api.get("/openapi.json", role=None)).json()
    for path in ("/customers", "/respondents"):
        responses = schema["paths"][path]["post"]["responses"]
        assert {"200", "207", "415", "422"} <= set(responses), path
        multi = responses["207"]["content"]["application/json"]["schema"]
        assert multi["$ref"].endswith("/ImportPublic")
        for status in ("415", "422"):
            ref = responses[status]["content"]["application/json"]["schema"]["$ref"]
            assert ref.endswith("/ErrorBody"), (path, status)
    fields = schema["components"]["schemas"]["ImportPublic"]["properties"]
    assert {"created", "updated", "unchanged", "rejected", "errors"} <= set(fields)
