"""Imports refuse bad data loudly (issue 8 point 5): each bad row is a line-numbered (or item-
numbered) error naming the field, the good rows are kept and the answer is 207; a body with
nothing to import is a 422 saying why; nothing is a 500."""

from __future__ import annotations

import pytest

from tests.admin.conftest import Api, error_of

CSV = {"Content-Type": "text/csv"}
CUSTOMERS = (
    "external_id,name,customer_class,weight,business_unit,product_line,annual_revenue,"
    "account_owner\n"
)
GOOD_CUSTOMER = "C1,Acme,KA,,BU1,P1,1000,Wang\n"
NUL = "\x00"


def customer(**values: str) -> str:
    """A CSV line of customer C2, with ``values`` replacing the defaults."""
    row = {
        "external_id": "C2",
        "name": "Beta",
        "customer_class": "B",
        "weight": "",
        "business_unit": "BU1",
        "product_line": "P1",
        "annual_revenue": "",
        "account_owner": "Li",
    } | values
    return ",".join(row.values()) + "\n"


async def stored_customers(api: Api) -> list[str]:
    listed = (await api.get("/customers", role="viewer")).json()
    return [c["external_id"] for c in listed["data"]]


@pytest.mark.parametrize(
    ("bad_line", "field", "problem"),
    [
        (customer(weight="inf"), "weight", "finite"),
        (customer(weight="NaN"), "weight", "finite"),
        (customer(weight="-inf"), "weight", "finite"),
        (customer(annual_revenue="1e400"), "annual_revenue", "finite"),
        (customer(annual_revenue="inf"), "annual_revenue", "finite"),
        (customer(annual_revenue="nan"), "annual_revenue", "finite"),
        (customer(external_id="C" * 81), "external_id", "at most 80 characters"),
        (customer(name="N" * 201), "name", "at most 200 characters"),
        (customer(business_unit="B" * 81), "business_unit", "at most 80 characters"),
        (customer(product_line="P" * 81), "product_line", "at most 80 characters"),
        (customer(account_owner="O" * 121), "account_owner", "at most 120 characters"),
        (customer(name=f"Be{NUL}ta"), "name", "NUL"),
        (customer(business_unit=f"BU{NUL}"), "business_unit", "NUL"),
        (customer(account_owner=f"{NUL}Li"), "account_owner", "NUL"),
        (customer(external_id=f"C{NUL}2"), "external_id", "NUL"),
        (customer(name="Be\rta"), "(row)", "carriage return (CR) inside an unquoted value"),
        (customer(name="Beta, Inc."), "(row)", "9 values where the header has 8"),
        (customer(name="C1 again", external_id="C1"), "external_id", "'C1' repeats line 2"),
    ],
)
async def test_a_bad_customer_line_is_refused_by_line_and_field_the_good_one_kept(
    api: Api, bad_line: str, field: str, problem: str
) -> None:
    text = CUSTOMERS + GOOD_CUSTOMER + bad_line + customer(external_id="C3")
    response = await api.post("/customers", content=text.encode(), headers=CSV)
    assert response.status_code == 207, response.text
    body = response.json()
    assert (body["created"], body["updated"], body["unchanged"], body["rejected"]) == (2, 0, 0, 1)
    [error] = body["errors"]
    assert (error["line"], error["field"]) == (3, field)
    assert problem in error["problem"]
    assert await stored_customers(api) == ["C1", "C3"]
    c1 = (await api.get("/customers", params={"customer_class": "KA"})).json()["data"][0]
    assert (c1["name"], c1["weight"], c1["annual_revenue"]) == ("Acme", 2.0, 1000.0)


async def test_an_unclosed_quote_names_the_line_it_opened_on(api: Api) -> None:
    text = (
        CUSTOMERS
        + GOOD_CUSTOMER
        + customer(name='"Beta')
        + customer(external_id="C3")
        + customer(external_id="C4")
    )
    response = await api.post("/customers", content=text, headers=CSV)
    assert response.status_code == 207, response.text
    body = response.json()
    assert (body["created"], body["rejected"]) == (1, 1)
    [error] = body["errors"]
    assert (error["line"], error["field"]) == (3, "name")
    assert "the quote opened on line 3 runs to line 5, taking in lines 4–5" in error["problem"]
    assert await stored_customers(api) == ["C1"]


RESPONDENTS = "external_id,customer_id,name,role,language,timezone,telegram_user_id\n"


def respondent(**values: str) -> str:
    row = {
        "external_id": "R2",
        "customer_id": "C1",
        "name": "Tom",
        "role": "user",
        "language": "en",
        "timezone": "",
        "telegram_user_id": "",
    } | values
    return ",".join(row.values()) + "\n"


@pytest.mark.parametrize(
    ("bad_line", "field", "problem"),
    [
        (respondent(telegram_user_id="-5"), "telegram_user_id", "greater than 0"),
        (respondent(telegram_user_id="0"), "telegram_user_id", "greater than 0"),
        (respondent(telegram_user_id=str(2**63)), "telegram_user_id", "less than or equal"),
        (respondent(telegram_user_id="1e400"), "telegram_user_id", "integer"),
        (respondent(telegram_user_id="1001"), "telegram_user_id", "1001 repeats line 2"),
        (respondent(name="N" * 201), "name", "at most 200 characters"),
        (respondent(role="r" * 41), "role", "at most 40 characters"),
        (respondent(timezone="Asia/" + "x" * 60), "timezone", "at most 64 characters"),
        (respondent(customer_id="C" * 81), "customer_id", "at most 80 characters"),
        (respondent(name=f"To{NUL}m"), "name", "NUL"),
        (respondent(role=f"user{NUL}"), "role", "NUL"),
        (respondent(timezone=f"Asia/Shanghai{NUL}"), "timezone", "NUL"),
        (respondent(customer_id=f"C1{NUL}"), "customer_id", "NUL"),
        (respondent(external_id="R1"), "external_id", "'R1' repeats line 2"),
    ],
)
async def test_a_bad_respondent_line_is_refused_by_line_and_field_the_good_one_kept(
    api: Api, bad_line: str, field: str, problem: str
) -> None:
    await api.post("/customers", content=CUSTOMERS + GOOD_CUSTOMER, headers=CSV)
    text = RESPONDENTS + respondent(external_id="R1", telegram_user_id="1001") + bad_line
    response = await api.post("/respondents", content=text.encode(), headers=CSV)
    assert response.status_code == 207, response.text
    body = response.json()
    assert (body["created"], body["rejected"]) == (1, 1)
    [error] = body["errors"]
    assert (error["line"], error["field"]) == (3, field)
    assert problem in error["problem"]
    listed = (await api.get("/respondents")).json()["data"]
    assert [(r["external_id"], r["telegram_user_id"]) for r in listed] == [("R1", 1001)]


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ('{"external_id": "C2", "name": "Beta", "weight": 1e400}', "weight"),
        ('{"external_id": "C2", "name": "Beta", "weight": NaN}', "weight"),
        ('{"external_id": "C2", "name": "Beta", "annual_revenue": Infinity}', "annual_revenue"),
        ('{"external_id": "C2", "name": "Beta", "annual_revenue": -Infinity}', "annual_revenue"),
        ('{"external_id": "C2", "name": "Beta", "weight": true}', "weight"),
        ('{"external_id": "C2", "name": "Be\\u0000ta"}', "name"),
        ('{"external_id": "C1", "name": "Acme again"}', "external_id"),
        ('"C2,Beta"', "(item)"),
    ],
)
async def test_a_bad_json_customer_is_refused_by_item_and_field(
    api: Api, item: str, field: str
) -> None:
    body = f'[{{"external_id": "C1", "name": "Acme"}}, {item}]'
    response = await api.post(
        "/customers", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 207, response.text
    assert response.json()["errors"] == [
        {"item": 1, "field": field, "problem": response.json()["errors"][0]["problem"]}
    ]
    assert await stored_customers(api) == ["C1"]


@pytest.mark.parametrize(
    ("body", "content_type", "line", "problem"),
    [
        ("", "text/csv", 1, "nothing to import: a header line naming the columns comes first"),
        ("\ufeff\r\n \r\n", "text/csv", 1, "nothing to import"),
        (CUSTOMERS, "text/csv", 1, "nothing to import: there are no rows after the header"),
        (GOOD_CUSTOMER + customer(), "text/csv", 1, "the first line is not a header"),
        ('[{"external_id": "C1", "name": "Acme"}]', "text/csv", 1, "this is JSON, not CSV"),
        ("", "application/json", None, "nothing to import: the body is empty"),
        ("  []  ", "application/json", None, "nothing to import: the list is empty"),
        ('{"external_id": "C1"}', "application/json", None, "not a JSON list of rows"),
    ],
)
async def test_a_body_with_nothing_to_import_is_a_422_saying_why(
    api: Api, body: str, content_type: str, line: int | None, problem: str
) -> None:
    for path, header in (("/customers", CUSTOMERS), ("/respondents", RESPONDENTS)):
        sent = body.replace(CUSTOMERS, header)
        response = await api.post(path, content=sent, headers={"Content-Type": content_type})
        error = error_of(response, 422)
        assert error["code"] == "import_file_error"
        [detail] = error["details"]
        assert detail.get("line") == line and detail["problem"].startswith(problem)
    assert await stored_customers(api) == []


async def test_csv_sent_as_json_is_a_400(api: Api) -> None:
    text = CUSTOMERS + GOOD_CUSTOMER
    response = await api.post(
        "/customers", content=text, headers={"Content-Type": "application/json"}
    )
    assert error_of(response, 400)["code"] == "invalid_json"


@pytest.mark.both_backends
async def test_a_carriage_return_inside_a_quoted_value_round_trips(api: Api) -> None:
    text = CUSTOMERS + customer(name='"Be\rta"', account_owner='"Li\r\nWang"')
    response = await api.post("/customers", content=text.encode(), headers=CSV)
    assert response.status_code == 200, response.text
    [stored] = (await api.get("/customers")).json()["data"]
    assert (stored["name"], stored["account_owner"]) == ("Be\rta", "Li\r\nWang")
    again = await api.post("/customers", content=text.encode(), headers=CSV)
    assert again.json()["unchanged"] == 1
