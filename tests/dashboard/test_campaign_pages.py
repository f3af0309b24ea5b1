"""The campaigns list and the campaign page over real HTTP on two campaigns seeded through the
real services: the page's numbers are the report JSON's (``GET /campaigns/{key}/report``), in
zh-CN and en; the factor chart draws the previous campaign's own interval; a new answer shows
on the next view (the cached report is keyed by the answers); no page shows an invitation token
or a survey link; unknown or junk addresses are polite 404/422 pages. The drill-down's tests,
on both databases, are in test_drill_down.py."""

from __future__ import annotations

import math
import re

import httpx
import pytest
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from scoring.charts.scores import CURRENT_INTERVALS, PREVIOUS_INTERVALS
from storage.models import Campaign, Invitation
from survey.vocabulary import ApiKeyRole, InvitationState
from tests.dashboard.conftest import Site
from tests.dashboard.dashing import Key, report_json, sign_in
from tests.dashboard.seeding import CURRENT, PREVIOUS
from tests.scoring.svg_reading import chart_named, whiskers
from tests.support import respond, seed_campaign

Sessions = async_sessionmaker[AsyncSession]
PAGE = f"/dashboard/campaigns/{CURRENT}"
CARD = re.compile(
    r'data-metric="(\w+)">\s*<h3>[^<]*</h3>\s*<div class="value" data-value="([^"]*)"'
)
ROW_VALUE = re.compile(
    r'<tr data-key="([^"]+)">\s*<th[^>]*>.*?</th>\s*'
    r'<td class="num" data-field="mean_score" data-value="([^"]*)"',
    re.S,
)


def _number(text: str) -> float | None:
    return None if text in ("None", "nan", "") else float(text)


def _close(page: float | None, report: float | None) -> bool:
    if page is None or report is None:
        return page is None and report is None
    return math.isclose(page, report, rel_tol=1e-9, abs_tol=1e-9)


def section(html: str, table_id: str) -> str:
    start = html.index(f'id="{table_id}"')
    return html[start : html.index("</table>", start)]


async def _tokens(sessions: Sessions) -> list[str]:
    async with sessions() as session:
        return list(await session.scalars(select(Invitation.token)))


async def test_the_campaign_page_shows_the_reports_numbers(
    site: Site, site_client: httpx.AsyncClient
) -> None:
    report = await report_json(site_client, site.keys[ApiKeyRole.VIEWER], CURRENT)
    await sign_in(site_client, site.keys[ApiKeyRole.VIEWER].secret)
    response = await site_client.get(PAGE, params={"lang": "en"})
    assert response.status_code == 200
    html = response.text
    summary = report["summary"]
    expected = {
        "satisfaction_rate": summary["satisfaction_rate"]["value"],
        "loyalty": summary["loyalty"]["value"],
        "favourable_rate": summary["favourable_rate"]["value"],
        "nps": summary["nps"]["value"],
        "response_rate": report["response"]["rate"]["value"],
        "mean_score": summary["mean_score"]["value"],
    }
    shown = {metric: _number(value) for metric, value in CARD.findall(html)}
    assert shown.keys() == expected.keys()
    for metric, value in expected.items():
        assert _close(shown[metric], value), metric
    # What a reader sees is the same number, rounded: the satisfaction rate as a percentage.
    assert f"{summary['satisfaction_rate']['value'] * 100:.1f}%" in html
    assert f"{report['response']['rate']['value'] * 100:.1f}%" in html
    tables = {
        "factors-table": report["factors"],
        "items-table": report["items"],
        "by_business_unit-table": report["business_units"],
        "by_role-table": report["roles"],
        "by_customer_class-table": report["customer_classes"],
    }
    for table, rows in tables.items():
        page_rows = dict(ROW_VALUE.findall(section(html, table)))
        assert page_rows.keys() == {r["group"] for r in rows}
        for row in rows:
            assert _close(_number(page_rows[row["group"]]), row["mean_score"]), row["group"]
    # Not representative (35 of 50 answered, target 80 %), said plainly.
    assert report["representative"] is False
    assert 'id="not-representative"' in html and "Not representative" in html
    # Each interval names its method and n.
    assert "Wilson score interval over customers" in html
    assert f"n = {summary['satisfaction_rate']['n']:.0f} (customers)" in html
    # The charts are inline SVG with their accessible names; the quadrant has its drivers.
    assert html.count("<svg") >= 3 and 'aria-label="Factor scores' in html
    drivers = section(html, "drivers-table")
    assert all(f'data-key="{d["factor"]}"' in drivers for d in report["drivers"])
    assert len(report["drivers"]) == 4
    for scope in ("business unit", "role", "customer class"):
        assert f"By {scope}" in html
    for item in report["lowest_items"]:
        assert f'data-key="{item["item"]}"' in section(html, "lowest-table")
    assert f'href="/dashboard/campaigns/{PREVIOUS}"' in html


async def test_the_pages_speak_chinese_and_english(
    site: Site, site_client: httpx.AsyncClient
) -> None:
    await sign_in(site_client, site.keys[ApiKeyRole.VIEWER].secret)
    chinese = await site_client.get(PAGE, params={"lang": "zh-CN"})
    assert '<html lang="zh-CN">' in chinese.text and "满意率" in chinese.text
    assert "因子得分" in chinese.text and "不具代表性" in chinese.text
    remembered = await site_client.get("/dashboard")  # the cookie keeps the choice
    assert "调查活动" in remembered.text
    english = await site_client.get("/dashboard", params={"lang": "en"})
    assert '<html lang="en">' in english.text and "Campaigns" in english.text
    assert "Satisfaction" in (await site_client.get(PAGE)).text
    site_client.cookies.delete("csat_dashboard_lang", path="/dashboard")
    hinted = await site_client.get("/dashboard", headers={"accept-language": "en-GB,en;q=0.8"})
    assert '<html lang="en">' in hinted.text


def notes_of(html: str) -> str:
    start = html.index('id="notes"')
    return html[start : html.index("</ul>", start)]


async def test_the_notes_are_in_the_pages_language(
    site: Site, site_client: httpx.AsyncClient
) -> None:
    report = await report_json(site_client, site.keys[ApiKeyRole.VIEWER], CURRENT)
    english_notes = report["notes"]
    assert any(n.startswith("Not representative: ") for n in english_notes)
    await sign_in(site_client, site.keys[ApiKeyRole.VIEWER].secret)
    en = notes_of((await site_client.get(PAGE, params={"lang": "en"})).text)
    zh = notes_of((await site_client.get(PAGE, params={"lang": "zh-CN"})).text)
    for note in english_notes:
        assert str(escape(note)) in en and str(escape(note)) not in zh, note
    assert "A score of exactly 80 is graded fairly satisfied" in en
    assert "不具代表性：回复率 70.0 %（邀请 50 份，完成 35 份）低于目标 80 %。" in zh
    assert "恰好 80 分评为“比较满意”，但不计为满意" in zh
    assert "score" not in zh and "customer" not in zh


async def test_the_list_and_a_new_answer_on_the_next_view(
    site: Site, site_client: httpx.AsyncClient
) -> None:
    await sign_in(site_client, site.keys[ApiKeyRole.VIEWER].secret)
    listing = await site_client.get("/dashboard", params={"lang": "en"})
    assert listing.status_code == 200
    for key in (CURRENT, PREVIOUS):
        report = await report_json(site_client, site.keys[ApiKeyRole.VIEWER], key)
        row = listing.text[listing.text.index(f'data-campaign="{key}"') :]
        row = row[: row.index("</tr>")]
        assert f"{report['response']['rate']['value'] * 100:.1f}%" in row
        assert f"{report['summary']['satisfaction_rate']['value'] * 100:.1f}%" in row
    before = await report_json(site_client, site.keys[ApiKeyRole.VIEWER], CURRENT)
    first = await site_client.get(PAGE)
    assert (
        f"{before['response']['completed']} of {before['response']['invited']} invited"
        in first.text
    )
    async with site.sessions() as session:
        campaign = await session.scalar(select(Campaign).where(Campaign.key == CURRENT))
        assert campaign is not None
        waiting = await session.scalar(
            select(Invitation.token).where(
                Invitation.campaign_id == campaign.id, Invitation.state != InvitationState.COMPLETED
            )
        )
    assert waiting is not None
    await respond(site.sessions, waiting, {"GI": 5, "TS.needs": 4}, nps=9)
    after = await site_client.get(PAGE)
    assert (
        f"{before['response']['completed'] + 1} of {before['response']['invited']} invited"
        in after.text
    )
    assert (await report_json(site_client, site.keys[ApiKeyRole.VIEWER], CURRENT))["response"][
        "completed"
    ] == before["response"]["completed"] + 1


async def test_no_page_shows_a_token_or_a_survey_link(
    site: Site, site_client: httpx.AsyncClient
) -> None:
    tokens = await _tokens(site.sessions)
    paths = ["/dashboard", PAGE, f"{PAGE}/low/TS", f"{PAGE}/low/GI", f"{PAGE}/customers/C03"]
    for role in (ApiKeyRole.VIEWER, ApiKeyRole.ADMIN):
        site_client.cookies.clear()
        await sign_in(site_client, site.keys[role].secret)
        for path in paths:
            html = (await site_client.get(path)).text
            assert not [t for t in tokens if t in html], (role, path)
            assert "/s/" not in html and "t.me/" not in html and "start=" not in html, path


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/dashboard/campaigns/nope", 404),
        ("/dashboard/campaigns/" + "x" * 500, 404),
        ("/dashboard/campaigns/a%00b", 404),
        (f"{PAGE}/low/XX", 404),
        (f"{PAGE}/low/" + "%00" * 3, 404),
        (f"{PAGE}/customers/C99", 404),
        (f"{PAGE}/customers/%00", 404),
        ("/dashboard/nothing/here", 404),
        ("/dashboard/campaigns/nope/low/TS", 404),
    ],
)
async def test_unknown_addresses_are_polite_pages(
    site: Site, site_client: httpx.AsyncClient, path: str, status: int
) -> None:
    await sign_in(site_client, site.keys[ApiKeyRole.VIEWER].secret)
    response = await site_client.get(path)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("text/html")
    assert 'role="alert"' in response.text and "Traceback" not in response.text
    assert response.headers["x-frame-options"] == "DENY"
    assert "default-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["cache-control"] == "no-store"


async def test_an_empty_database_and_a_campaign_without_answers(
    client: httpx.AsyncClient, keys: dict[ApiKeyRole, Key], sessions: Sessions
) -> None:
    await sign_in(client, keys[ApiKeyRole.VIEWER].secret)
    empty = await client.get("/dashboard", params={"lang": "en"})
    assert "No campaigns yet." in empty.text
    await seed_campaign(sessions, key="2027-Q1")
    page = await client.get("/dashboard/campaigns/2027-Q1", params={"lang": "en"})
    assert page.status_code == 200
    assert "Nobody has answered yet." in page.text
    assert "no previous campaign" in page.text.lower()


async def test_the_factor_chart_draws_the_previous_campaigns_own_interval(
    site: Site, site_client: httpx.AsyncClient
) -> None:
    viewer = site.keys[ApiKeyRole.VIEWER]
    report = await report_json(site_client, viewer, CURRENT)
    before = {f["group"]: f for f in (await report_json(site_client, viewer, PREVIOUS))["factors"]}
    trends = {
        t["key"]: t
        for t in report["trends"]
        if t["scope"] == "factor" and t["metric"] == "mean_score"
    }
    # The trend row carries the previous campaign's own interval, as its own report gives it.
    for key, trend in trends.items():
        assert _close(trend["previous_ci_low"], before[key]["mean_score_ci_low"]), key
        assert _close(trend["previous_ci_high"], before[key]["mean_score_ci_high"]), key
    await sign_in(site_client, viewer.secret)
    html = (await site_client.get(PAGE, params={"lang": "en"})).text
    svg = chart_named(html, "Factor scores")
    now, then = whiskers(svg, CURRENT_INTERVALS), whiskers(svg, PREVIOUS_INTERVALS)
    factors = report["factors"]
    assert len(now) == len(then) == len(factors) == 5
    # Drawn to one scale: each row's previous whisker is as long against its current one as
    # the previous interval is against the current interval.
    for row, (left, right), (was_left, was_right) in zip(factors, now, then, strict=True):
        trend = trends[row["group"]]
        width = row["mean_score_ci_high"] - row["mean_score_ci_low"]
        was = trend["previous_ci_high"] - trend["previous_ci_low"]
        assert was > 0 and width > 0
        assert (was_right - was_left) / (right - left) == pytest.approx(was / width, rel=1e-3)
