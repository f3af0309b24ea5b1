"""The funnel page over real HTTP: the bars' counts equal the funnel service's, by route and
channel; the chase list is grouped by account owner; a viewer sees names and counts but no
token or link, staff see the web links to hand on."""

from __future__ import annotations

import re

import httpx
import pytest

from campaigns.funnel import campaign_funnel
from cli.hosting import AppServer
from storage.funnel import Route, Stage
from survey.vocabulary import ApiKeyRole
from tests.dashboard.dashing import csrf_of, sign_in
from tests.dashboard.ticket_seed import KEY, seed_tickets
from tests.support import make_settings

FUNNEL = f"/dashboard/campaigns/{KEY}/funnel"


def bar_counts(html: str, table: str) -> dict[str, int]:
    body = html.split(f'id="{table}"', 1)[1].split("</table>", 1)[0]
    return {
        stage: int(n) for stage, n in re.findall(r'data-stage="(\w+)" data-count="(\d+)"', body)
    }


def owner_groups(html: str) -> list[tuple[str, int, int]]:
    return [
        (owner, int(count), int(due))
        for owner, count, due in re.findall(
            r'class="owner-group" data-owner="([^"]*)" data-count="(\d+)" data-due="(\d+)"', html
        )
    ]


async def test_the_bars_count_what_the_funnel_service_counts(client, keys, sessions) -> None:
    await seed_tickets(sessions)
    page = await sign_in(client, keys[ApiKeyRole.VIEWER].secret, FUNNEL)
    assert page.status_code == 200
    async with sessions() as session:
        funnel = await campaign_funnel(session, KEY)
    # r1 in chat and r2-r4 as links for their account owners; r1, r2 completed, r3 half-way
    assert bar_counts(page.text, "funnel-all") == {
        "planned": 4, "sent": 4, "opened": 3, "started": 3, "completed": 2,
    }  # fmt: skip
    assert [s.count for s in funnel.total.stages] == list(
        bar_counts(page.text, "funnel-all").values()
    )
    assert bar_counts(page.text, "funnel-chat") == dict.fromkeys([s.value for s in Stage], 1)
    link = funnel.by_route[[r.route for r in funnel.by_route].index(Route.LINK)]
    assert (
        bar_counts(page.text, "funnel-link")
        == {s.stage.value: s.count for s in link.stages}
        == {"planned": 3, "sent": 3, "opened": 2, "started": 2, "completed": 1}
    )
    assert 'style="width: 100.0%"' in page.text  # the planned bar is full
    assert re.findall(r'data-channel="(\w+)"', page.text) == ["telegram"]


async def test_the_chase_list_is_grouped_by_account_owner(client, keys, sessions) -> None:
    await seed_tickets(sessions)
    page = await sign_in(client, keys[ApiKeyRole.VIEWER].secret, FUNNEL)
    # 刘芳's r3 began on a link, nobody owns r4's customer; both were sent 20 days ago
    assert owner_groups(page.text) == [("刘芳", 1, 1), ("", 1, 1)]
    assert "Customer C2" in page.text and "王芳" in page.text


async def test_a_viewer_sees_no_token_and_no_link(client, keys, sessions) -> None:
    seeded = await seed_tickets(sessions)
    page = await sign_in(client, keys[ApiKeyRole.VIEWER].secret, FUNNEL)
    for token in seeded.tokens.values():
        assert token not in page.text
    assert "/s/" not in page.text and "t.me" not in page.text


@pytest.mark.parametrize("role", [ApiKeyRole.STAFF, ApiKeyRole.ADMIN])
async def test_staff_see_the_web_links_to_hand_on(client, keys, sessions, role) -> None:
    seeded = await seed_tickets(sessions)
    page = await sign_in(client, keys[role].secret, FUNNEL)
    # the test app has no CSAT_PUBLIC_URL: the page says so instead of a link
    assert "CSAT_PUBLIC_URL" in page.text
    assert seeded.tokens["r3"] not in page.text


async def test_with_a_public_url_staff_get_each_link(db_url, sim, keys, sessions) -> None:
    seeded = await seed_tickets(sessions)
    settings = make_settings(db_url, sim).model_copy(
        update={"public_url": "https://csat.example.com"}
    )
    server = AppServer(settings)
    await server.start()
    try:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            page = await sign_in(http, keys[ApiKeyRole.STAFF].secret, FUNNEL)
            assert f"https://csat.example.com/s/{seeded.tokens['r3']}" in page.text
            assert f"https://csat.example.com/s/{seeded.tokens['r4']}" in page.text
            assert seeded.tokens["r1"] not in page.text  # answered: not chased
            await http.post("/dashboard/sign-out", data={"csrf": csrf_of(page.text)})
            viewer = await sign_in(http, keys[ApiKeyRole.VIEWER].secret, FUNNEL)
            assert "csat.example.com" not in viewer.text
            assert all(token not in viewer.text for token in seeded.tokens.values())
    finally:
        await server.stop()


async def test_the_page_speaks_both_languages(client, keys, sessions) -> None:
    await seed_tickets(sessions)
    await sign_in(client, keys[ApiKeyRole.VIEWER].secret, FUNNEL)
    chinese = await client.get(FUNNEL, params={"lang": "zh-CN"})
    assert (
        "邀请漏斗" in chinese.text and "已完成" in chinese.text and "未指定客户经理" in chinese.text
    )
    english = await client.get(FUNNEL, params={"lang": "en"})
    assert "Invitation funnel" in english.text and "No account owner" in english.text


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/dashboard/campaigns/no-such/funnel", 404),
        (f"/dashboard/campaigns/{'k' * 81}/funnel", 422),
        ("/dashboard/campaigns/%00/funnel", 422),
    ],
)
async def test_unknown_or_junk_campaigns_are_pages(client, keys, sessions, path, status) -> None:
    await seed_tickets(sessions)
    await sign_in(client, keys[ApiKeyRole.VIEWER].secret)
    page = await client.get(path)
    assert page.status_code == status
    assert page.headers["content-type"].startswith("text/html")


async def test_nobody_signed_in_is_sent_to_sign_in(client) -> None:
    page = await client.get(FUNNEL)
    assert page.status_code == 303
