"""The campaign page's funnel section is read once per report over real HTTP: a second view
runs none of the funnel's queries (every statement the app sends is watched through
SQLAlchemy's engine events), and a new answer (a new report fingerprint) shows in its bars."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
from sqlalchemy import event, select
from sqlalchemy.engine import Engine

from storage.models import Campaign, Invitation
from survey.vocabulary import ApiKeyRole, InvitationState
from tests.dashboard.conftest import Site
from tests.dashboard.dashing import sign_in
from tests.dashboard.seeding import CURRENT
from tests.dashboard.test_funnel_page import bar_counts
from tests.support import respond

PAGE = f"/dashboard/campaigns/{CURRENT}"


@contextmanager
def statements() -> Iterator[list[str]]:
    """The SQL every engine in this process sends meanwhile (the app runs in-process)."""
    sent: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        sent.append(statement)

    event.listen(Engine, "before_cursor_execute", note)
    try:
        yield sent
    finally:
        event.remove(Engine, "before_cursor_execute", note)


def funnel_queries(sent: list[str]) -> list[str]:
    """storage.funnel's two queries: the routes (joined to the outbox) and the channels."""
    return [s for s in sent if "outbound_messages" in s or "answered" in s]


async def test_a_second_view_reads_the_funnel_from_the_cache(
    site: Site, site_client: httpx.AsyncClient
) -> None:
    await sign_in(site_client, site.keys[ApiKeyRole.VIEWER].secret)
    first = await site_client.get(PAGE, params={"lang": "en"})
    assert first.status_code == 200
    with statements() as second_sent:
        second = await site_client.get(PAGE)
    assert second.status_code == 200
    # The fingerprint is read on every view; the funnel's queries only when it changed.
    assert any("FROM answers" in s for s in second_sent)
    assert funnel_queries(second_sent) == []
    before = bar_counts(second.text, "funnel-summary")
    assert before == bar_counts(first.text, "funnel-summary") and before["planned"] > 0

    async with site.sessions() as session:
        campaign = await session.scalar(select(Campaign).where(Campaign.key == CURRENT))
        assert campaign is not None
        waiting = await session.scalar(
            select(Invitation.token).where(
                Invitation.campaign_id == campaign.id,
                Invitation.state != InvitationState.COMPLETED,
            )
        )
    assert waiting is not None
    await respond(site.sessions, waiting, {"GI": 4, "TS.needs": 5}, nps=8)
    with statements() as third_sent:
        third = await site_client.get(PAGE)
    assert len(funnel_queries(third_sent)) == 2
    after = bar_counts(third.text, "funnel-summary")
    assert after["completed"] == before["completed"] + 1
    assert after["planned"] == before["planned"]
