"""``POST /campaigns/{key}/answers``: the answers export's CSV loaded into a campaign — 200 with
the counts, 207 listing each bad line with the good ones kept, admin only, and a clear 4xx for
an unknown campaign or a body that is not UTF-8 CSV."""

from __future__ import annotations

from sqlalchemy import func, select

from storage.campaigns import create_campaign
from storage.models import Answer, Ticket
from storage.surveys import save_survey
from survey.loader import load_template
from tests.admin.conftest import Api, error_of

CSV = {"Content-Type": "text/csv; charset=utf-8"}
HEADER = (
    "campaign,survey,customer_id,customer_name,customer_class,customer_weight,business_unit,"
    "respondent_id,role,language,question,factor,item,kind,level,na,text,answered_at,channel"
)
LINES = [
    "2025,ecss-5,C1,Acme,KA,,BU1,r1,quality,en,GI,GI,,likert,1,false,,2025-06-01T08:00:00Z,paper",
    "2025,ecss-5,C1,Acme,KA,,BU1,r1,quality,en,nps,,,nps,6,false,,2025-06-01T08:05:00Z,paper",
    "2025,ecss-5,C2,Beta,B,,BU1,r2,user,zh-CN,GI,GI,,likert,4,false,,2025-06-02T08:00:00Z,visit",
]
URL = "/campaigns/2025/answers"


def body(*lines: str) -> bytes:
    return "\n".join([HEADER, *lines]).encode()


async def seed(api: Api) -> None:
    async with api.sessions() as session, session.begin():
        row, _ = await save_survey(session, load_template("ecss-5"))
        await create_campaign(session, key="2025", survey_row=row)


async def test_answers_are_imported_once_and_bad_lines_listed_by_number(api: Api) -> None:
    await seed(api)
    first = await api.post(URL, content=body(*LINES), headers=CSV)
    assert first.status_code == 200, first.text
    assert first.json() == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "rejected": 0,
        "errors": [],
        "customers_created": 2,
        "respondents_created": 2,
        "invitations_created": 2,
    }
    again = await api.post(URL, content=body(*LINES), headers=CSV)
    assert again.status_code == 200
    assert (again.json()["unchanged"], again.json()["created"]) == (3, 0)

    bad = [LINES[0].replace(",1,false", ",7,false"), LINES[1], LINES[2].replace(",GI,GI,", ",XX,,")]
    partly = await api.post(URL, content=body(*bad), headers=CSV)
    assert partly.status_code == 207, partly.text
    assert partly.json()["unchanged"] == 1
    assert partly.json()["errors"] == [
        {"line": 2, "field": "level", "problem": "level 7 is not on the 1–5 scale"},
        {"line": 4, "field": "question", "problem": "survey ecss-5 has no question 'XX'"},
    ]
    async with api.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Answer)) == 3
        # the imported 1 opened no ticket
        assert await session.scalar(select(func.count()).select_from(Ticket)) == 0

    none = error_of(await api.post(URL, content=body(bad[0]), headers=CSV), 422)
    assert none["code"] == "rows_rejected"
    assert [(d["line"], d["field"]) for d in none["details"]] == [(2, "level")]


async def test_an_unknown_campaign_or_a_body_that_is_not_utf8_csv_is_a_clear_4xx(
    api: Api,
) -> None:
    await seed(api)
    missing = error_of(
        await api.post("/campaigns/1999/answers", content=body(*LINES), headers=CSV), 404
    )
    assert missing["message"] == "no campaign '1999'"
    as_json = error_of(
        await api.post(URL, content=b"[]", headers={"Content-Type": "application/json"}), 415
    )
    assert "send text/csv" in as_json["message"]
    gbk = body(LINES[0], LINES[2].replace("Beta", "北京贝塔")).decode().encode("gbk")
    encoding = error_of(await api.post(URL, content=gbk, headers=CSV), 422)
    assert encoding["details"][0]["line"] == 3
    assert "line 3 is not UTF-8 text" in encoding["message"]
    empty = error_of(await api.post(URL, content=b"", headers=CSV), 422)
    assert "nothing to import" in empty["message"]
    for role in ("viewer", "staff"):
        error_of(await api.post(URL, content=body(*LINES), headers=CSV, role=role), 403)
    async with api.sessions() as session:
        assert await session.scalar(select(func.count()).select_from(Answer)) == 0
