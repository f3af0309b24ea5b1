"""The drill-down on both databases (its queries join answers, respondents, customers, tickets
and the closing comment, and filter on levels, void and kinds: SQL whose meaning could differ
between SQLite and PostgreSQL): ``dashboard.drill_queries`` against counts read straight from
the tables, a voided answer dropping out, the row limit; and the pages over real HTTP."""

from __future__ import annotations

import re

import httpx
import pytest
from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from dashboard.drill_queries import LOW_LEVELS, customer_answers, customer_of, low_answers
from storage.models import Answer, Campaign, Customer, Respondent, Ticket
from survey.loader import load_template
from survey.vocabulary import AnswerKind, ApiKeyRole
from tests.dashboard.dashing import Key, report_json, sign_in
from tests.dashboard.seeding import CURRENT, TEMPLATE, seed_dashboard

pytestmark = pytest.mark.both_backends

Sessions = async_sessionmaker[AsyncSession]
PAGE = f"/dashboard/campaigns/{CURRENT}"
FACTOR = "TS"
QUESTIONS = [q.key for q in load_template(TEMPLATE).questions() if q.factor == FACTOR]


def section(html: str, table_id: str) -> str:
    start = html.index(f'id="{table_id}"')
    return html[start : html.index("</table>", start)]


async def _campaign(session: AsyncSession) -> Campaign:
    campaign = await session.scalar(select(Campaign).where(Campaign.key == CURRENT))
    assert campaign is not None
    return campaign


async def _low_rows(session: AsyncSession, campaign_id: int) -> list[tuple[str, int, int]]:
    """(question, level, answer id) of the factor's live 1–2 answers, read plainly."""
    rows = await session.execute(
        select(Answer.question, Answer.level, Answer.id).where(
            Answer.campaign_id == campaign_id,
            Answer.kind == AnswerKind.LIKERT,
            Answer.question.in_(QUESTIONS),
            Answer.void.is_(False),
        )
    )
    return [(q, int(level), i) for q, level, i in rows.all() if level in LOW_LEVELS]


async def test_low_answers_are_the_tables_1_2_answers(sessions: Sessions) -> None:
    await seed_dashboard(sessions)
    async with sessions() as session:
        campaign = await _campaign(session)
        expected = await _low_rows(session, campaign.id)
        assert len(expected) >= 5
        found, total = await low_answers(session, campaign.id, QUESTIONS)
        tickets = dict((await session.execute(select(Ticket.answer_id, Ticket.id))).tuples().all())
    assert total == len(found) == len(expected)
    assert sorted((a.question, a.level) for a in found) == sorted((q, v) for q, v, _ in expected)
    # lowest first, then by question
    assert [(a.level, a.question) for a in found] == sorted((a.level, a.question) for a in found)
    # every 1–2 answer opened a ticket; the follow-up's cause and text come with it
    assert {a.ticket_id for a in found} == {tickets[i] for _, _, i in expected}
    assert all(a.causes == ("slow",) and a.what_happened == "样品晚了两周" for a in found)
    assert all(a.person.customer_id.startswith("C") and a.person.role for a in found)
    # the closing comment joins on the same invitation, where there is one
    assert any(a.comment in ("交货太慢了", "Price keeps rising", "文件不齐全") for a in found)

    async with sessions() as session:
        first, counted = await low_answers(session, campaign.id, QUESTIONS, limit=2)
    assert [a.question for a in first] == [a.question for a in found[:2]] and counted == total

    # A 1–2 raised to 3+ is voided: it leaves the drill-down as it leaves the report.
    async with sessions() as session, session.begin():
        await session.execute(update(Answer).where(Answer.id == expected[0][2]).values(void=True))
    async with sessions() as session:
        after, total_after = await low_answers(session, campaign.id, QUESTIONS)
    assert total_after == total - 1 and len(after) == len(found) - 1


async def test_a_customers_answers_are_its_respondents(sessions: Sessions) -> None:
    await seed_dashboard(sessions)
    async with sessions() as session:
        campaign = await _campaign(session)
        customer = await customer_of(session, "C01")
        assert customer is not None
        assert await customer_of(session, "C99") is None
        people = await customer_answers(session, campaign.id, customer.id)
        stored = (
            await session.execute(
                select(Respondent.name, Answer.question, Answer.level, Answer.na)
                .join(Respondent, Respondent.id == Answer.respondent_id)
                .join(Customer, Customer.id == Respondent.customer_id)
                .where(
                    Answer.campaign_id == campaign.id,
                    Customer.external_id == "C01",
                    Answer.kind == AnswerKind.LIKERT,
                    Answer.void.is_(False),
                )
            )
        ).all()
        nps = await session.scalar(
            select(func.count(Answer.id))
            .join(Respondent, Respondent.id == Answer.respondent_id)
            .where(
                Answer.campaign_id == campaign.id,
                Respondent.customer_id == customer.id,
                Answer.kind == AnswerKind.NPS,
            )
        )
    assert people, "C01 has respondents who answered"
    assert [p.person.respondent for p in people] == sorted(p.person.respondent for p in people)
    by_name = {p.person.respondent: p for p in people}
    assert set(by_name) == {name for name, *_ in stored}
    for name, question, level, na in stored:
        assert by_name[name].levels[question] == (None if na else level)
    assert sum(p.nps is not None for p in people) == nps
    assert all(p.person.customer_id == "C01" for p in people)
    for p in people:  # a ticket is shown only beside a 1–2
        assert all((p.levels[q] or 5) <= 2 for q in p.tickets)


async def test_the_drill_down_pages(
    sessions: Sessions, client: httpx.AsyncClient, keys: dict[ApiKeyRole, Key]
) -> None:
    await seed_dashboard(sessions)
    async with sessions() as session:
        campaign = await _campaign(session)
        low = len(await _low_rows(session, campaign.id))
    await sign_in(client, keys[ApiKeyRole.VIEWER].secret)
    page = await client.get(f"{PAGE}/low/{FACTOR}", params={"lang": "en"})
    assert page.status_code == 200
    table = section(page.text, "low-table")
    levels = re.findall(r'data-level="(\d)"', table)
    assert len(levels) == low and set(levels) <= {"1", "2"}
    assert f"{low} answers of 1–2" in page.text
    assert "样品晚了两周" in table
    one = await client.get(f"{PAGE}/low/{QUESTIONS[0]}", params={"lang": "en"})
    assert one.status_code == 200
    customer = await client.get(f"{PAGE}/customers/C01", params={"lang": "en"})
    assert customer.status_code == 200 and "Customer C01 (C01) in 2026-H2" in customer.text
    report = await report_json(client, keys[ApiKeyRole.VIEWER], CURRENT)
    c01 = next(c for c in report["customers"] if c["customer_id"] == "C01")
    header = section(customer.text, "customer-answers").split("</thead>")[0]
    assert header.count('<th scope="col">') == 1 + c01["n_respondents"]
    for junk in (f"{PAGE}/low/XX", f"{PAGE}/customers/C99", f"{PAGE}/customers/%00"):
        assert (await client.get(junk)).status_code == 404, junk
