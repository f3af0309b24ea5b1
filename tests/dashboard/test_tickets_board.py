"""The ticket board over real HTTP: counts by department and owner, working-day deadlines,
filters, roles, and junk in the query answered with a page, never a 500."""

from __future__ import annotations

import re

import pytest

from survey.vocabulary import ApiKeyRole
from tests.dashboard.dashing import sign_in
from tests.dashboard.ticket_seed import KEY, TAKER, seed_tickets

BOARD = "/dashboard/tickets"


def row_of(html: str, table: str, name: str) -> dict[str, int]:
    """The counts of one department's or owner's row in a board table."""
    body = html.split(f'id="by-{table}"', 1)[1].split("</table>", 1)[0]
    row = body.split(f'data-name="{name}"', 1)[1].split("</tr>", 1)[0]
    return {col: int(value) for col, value in re.findall(r'data-col="(\w+)">(\d+)<', row)}


def listed(html: str) -> list[int]:
    return [int(n) for n in re.findall(r'<tr data-ticket="(\d+)"', html)]


async def test_the_board_counts_by_department_and_owner(client, keys, sessions) -> None:
    seeded = await seed_tickets(sessions)
    page = await sign_in(client, keys[ApiKeyRole.VIEWER].secret, BOARD)
    assert page.status_code == 200
    html = page.text
    assert row_of(html, "department", "quality") == {"active": 1, "untaken": 1, "overdue": 1}
    assert row_of(html, "department", "logistics") == {"active": 1, "untaken": 1, "overdue": 0}
    assert row_of(html, "department", "service") == {"active": 1, "untaken": 0, "overdue": 0}
    assert row_of(html, "department", "sales") == {"active": 1, "untaken": 1, "overdue": 0}
    assert row_of(html, "owner", TAKER) == {"active": 1, "untaken": 0, "overdue": 0}
    assert row_of(html, "owner", "") == {"active": 3, "untaken": 3, "overdue": 1}
    assert sorted(listed(html)) == sorted(seeded.tickets.values())
    overdue_row = html.split(f'<tr data-ticket="{seeded.overdue}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-overdue="true"' in overdue_row
    # alerted 20 days ago: its plan was due 2 working days later, long past
    past = int(re.search(r'data-working-days="(-?\d+)"', overdue_row).group(1))  # type: ignore[union-attr]
    assert past <= -10
    fresh_row = html.split(f'<tr data-ticket="{seeded.fresh}"', 1)[1].split("</tr>", 1)[0]
    assert 'data-deadline="plan"' in fresh_row and "data-overdue" not in fresh_row
    left = int(re.search(r'data-working-days="(-?\d+)"', fresh_row).group(1))  # type: ignore[union-attr]
    assert 0 <= left <= 2


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({"overdue": "true"}, ["overdue"]),
        ({"department": "logistics"}, ["fresh"]),
        ({"owner": TAKER}, ["taken"]),
        ({"status": "plan_submitted"}, ["taken"]),
        ({"status": "open"}, ["overdue", "fresh", "unalerted"]),
        ({"campaign": KEY, "department": "", "status": "", "owner": ""}, None),  # "any" is empty
        ({"status": "closed"}, []),
    ],
)
async def test_filters_narrow_the_list(client, keys, sessions, query, expected) -> None:
    seeded = await seed_tickets(sessions)
    await sign_in(client, keys[ApiKeyRole.VIEWER].secret, BOARD)
    page = await client.get(BOARD, params=query)
    assert page.status_code == 200
    wanted = (
        sorted(seeded.tickets.values())
        if expected is None
        else sorted(getattr(seeded, name) for name in expected)
    )
    assert sorted(listed(page.text)) == wanted
    if not wanted:
        assert 'id="no-tickets"' in page.text


async def test_the_board_speaks_both_languages(client, keys, sessions) -> None:
    await seed_tickets(sessions)
    await sign_in(client, keys[ApiKeyRole.VIEWER].secret, BOARD)
    chinese = await client.get(BOARD, params={"lang": "zh-CN"})
    assert "工单看板" in chinese.text and "按部门" in chinese.text and "个工作日" in chinese.text
    english = await client.get(BOARD, params={"lang": "en"})
    assert "Ticket board" in english.text and "working days" in english.text


async def test_nobody_signed_in_is_sent_to_sign_in(client) -> None:
    page = await client.get(BOARD, params={"overdue": "true"})
    assert page.status_code == 303
    assert page.headers["location"].startswith("/dashboard/sign-in?next=")


@pytest.mark.parametrize(
    "query",
    [
        {"status": "bogus"},
        {"overdue": "perhaps"},
        {"page": "0"},
        {"page": "x"},
        {"page": str(10**30)},
        {"owner": "x" * 500},
        {"campaign": "k" * 81},
        {"owner": "Zhao\x00Min"},
    ],
)
async def test_junk_in_the_query_is_a_page_not_a_500(client, keys, sessions, query) -> None:
    await seed_tickets(sessions)
    await sign_in(client, keys[ApiKeyRole.VIEWER].secret, BOARD)
    page = await client.get(BOARD, params=query)
    assert page.status_code == 422
    assert page.headers["content-type"].startswith("text/html")
    assert "<h1>" in page.text


async def test_an_unknown_campaign_is_a_polite_404(client, keys, sessions) -> None:
    await seed_tickets(sessions)
    await sign_in(client, keys[ApiKeyRole.VIEWER].secret, BOARD)
    page = await client.get(BOARD, params={"campaign": "no-such", "lang": "en"})
    assert page.status_code == 404
    assert "There is no campaign “no-such”." in page.text


async def test_a_page_past_the_end_is_empty_not_an_error(client, keys, sessions) -> None:
    await seed_tickets(sessions)
    await sign_in(client, keys[ApiKeyRole.VIEWER].secret, BOARD)
    page = await client.get(BOARD, params={"page": "7"})
    assert page.status_code == 200
    assert listed(page.text) == []
