"""``/customers`` and ``/respondents``: bulk imports from a JSON list or CSV (bad rows reported
by line, good rows kept, idempotent on external id), filtered and paginated lists."""

from __future__ import annotations

from tests.admin.conftest import Api, error_of

CSV = {"Content-Type": "text/csv"}
CUSTOMERS = [
    {"external_id": "C1", "name": "Acme", "customer_class": "KA", "business_unit": "BU1"},
    {"external_id": "C2", "name": "Beta", "customer_class": "b", "business_unit": "BU1"},
    {"external_id": "C3", "name": "Gamma", "customer_class": "A", "business_unit": "BU2"},
]


async def test_customers_from_json_are_idempotent_and_bad_items_reported(api: Api) -> None:
    created = await api.post("/customers", json=CUSTOMERS)
    assert created.status_code == 200 and created.json() == {"created": 3, "updated": 0}
    again = await api.post("/customers", json=CUSTOMERS[:2])
    assert again.json() == {"created": 0, "updated": 2}

    mixed = [
        {"external_id": "C4", "name": "Delta"},
        {"external_id": "C5", "name": "Eps", "customer_class": "Z"},
        {"external_id": "C6", "weight": "heavy"},
        "not an object",
    ]
    error = error_of(await api.post("/customers", json=mixed), 422)
    assert error["code"] == "rows_rejected"
    assert "1 created and 0 updated were kept" in error["message"]
    assert [(d["item"], d["field"]) for d in error["details"]] == [
        (1, "customer_class"),
        (2, "name"),
        (3, "(item)"),
    ]
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


async def test_respondents_from_csv_report_bad_lines_and_keep_good_ones(api: Api) -> None:
    await api.post("/customers", json=CUSTOMERS)
    text = (
        "\ufeffexternal_id,customer_id,name,role,language\n"
        "R1,C1,Li Lei,quality,zh-CN\n"
        "R2,C9,Tom,user,en\n"
        "R3,C3,Ann,user,fr\n"
        "R4,C3,Dan,purchasing,en\n"
    )
    error = error_of(await api.post("/respondents", content=text, headers=CSV), 422)
    assert [(d["line"], d["field"]) for d in error["details"]] == [
        (3, "customer_id"),
        (4, "language"),
    ]
    assert "unknown customer 'C9'" in error["details"][0]["problem"]
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
        "forgotten": False,
    }
    fixed = "external_id,customer_id,name,role,language\nR1,C1,Li Lei,quality,en\n"
    assert (await api.post("/respondents", content=fixed, headers=CSV)).json() == {
        "created": 0,
        "updated": 1,
    }
    of_c3 = (await api.get("/respondents", params={"customer": "C3"})).json()
    assert [r["external_id"] for r in of_c3["data"]] == ["R4"]
    in_bu1 = (await api.get("/respondents", params={"business_unit": "BU1"})).json()
    assert [(r["external_id"], r["language"]) for r in in_bu1["data"]] == [("R1", "en")]


async def test_customer_csv_and_unreadable_bodies(api: Api) -> None:
    text = "external_id,name,customer_class,annual_revenue\nC1,Acme,KA,1000\nC2,,B,\n"
    error = error_of(await api.post("/customers", content=text, headers=CSV), 422)
    assert error["details"] == [
        {"line": 3, "field": "name", "problem": "Field required"},
    ]
    revenue = (await api.get("/customers")).json()["data"][0]["annual_revenue"]
    assert revenue == 1000.0
    error = error_of(await api.post("/customers", json={"external_id": "C1"}), 422)
    assert error["message"] == "the body must be a JSON list"
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
