"""The pages' words over real HTTP: on zh-CN nothing machine-written shows in English or as a
raw code — respondents' roles, tickets' departments, an alert held for want of a staff chat
(held by the real dispatcher), the history's details, the methods list (the review's zh-CN
texts) — and English keeps its own words; the cards' "vs previous" reads with a space; the
customer drill-down's NPS row is aligned like the answers above it."""

from __future__ import annotations

import re
from datetime import timedelta

import httpx
from markupsafe import escape
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from telegram import Bot

from bot.dispatch import Dispatcher, default_renderers
from campaigns.exports.labels import ROLE_WORDS
from campaigns.review.methods import ZH_CN_INTERVAL_TEXT
from cli.hosting import AppServer
from scoring.methods import INTERVAL_TEXT, Interval
from simulator import BotApiSimulator
from storage.models import Respondent
from storage.ticket_lifecycle import take_ticket
from storage.types import utcnow
from survey.vocabulary import ApiKeyRole
from tests.dashboard.conftest import Site
from tests.dashboard.dashing import Key, sign_in
from tests.dashboard.seeding import CURRENT
from tests.support import open_test_ticket, seed_campaign

Sessions = async_sessionmaker[AsyncSession]
PAGE = f"/dashboard/campaigns/{CURRENT}"
OWNER = "Zhao Min"


def words(html: str) -> str:
    """What a reader sees of ``html``: its text, without tags and attributes."""
    return re.sub(r"<[^>]+>", " ", html)


def part(html: str, start: str, end: str) -> str:
    begin = html.index(start)
    return html[begin : html.index(end, begin)]


async def _held_ticket(app: AppServer, sim: BotApiSimulator, sessions: Sessions) -> int:
    """A service ticket whose alert the dispatcher holds (no staff chat anywhere), taken."""
    tokens = await seed_campaign(sessions)
    ticket = await open_test_ticket(sessions, tokens["r1"], department="service")
    async with Bot(sim.token, base_url=sim.base_url) as bot:
        dispatcher = Dispatcher(bot, sessions, app.settings, default_renderers(), worker="t")
        await dispatcher.dispatch(utcnow() + timedelta(minutes=4))  # after the follow-up's grace
    async with sessions() as session, session.begin():
        await take_ticket(session, ticket, owner=OWNER, owner_telegram_id=None)
    return ticket


async def test_the_ticket_page_words_its_alert_and_history(
    app: AppServer,
    sim: BotApiSimulator,
    client: httpx.AsyncClient,
    keys: dict[ApiKeyRole, Key],
    sessions: Sessions,
) -> None:
    ticket = await _held_ticket(app, sim, sessions)
    await sign_in(client, keys[ApiKeyRole.VIEWER].secret)
    zh = (await client.get(f"/dashboard/tickets/{ticket}", params={"lang": "zh-CN"})).text
    assert "等待员工群：服务部没有配置员工群" in zh
    assert '<dd data-field="department" data-code="service">服务部</dd>' in zh
    history = part(zh, 'id="history"', "</table>")
    assert '<tr data-action="opened">' in history and "评分 2" in history
    assert f"{OWNER}；待处理 → 已认领" in history
    for english in ("waiting for", "department", "score", "open →", "acknowledged"):
        assert english not in words(history + part(zh, 'id="facts"', "</dl>")), english
    board = (await client.get("/dashboard/tickets")).text
    assert re.search(r'<tr data-name="service">\s*<th scope="row"><a [^>]*>服务部</a>', board)

    en = (await client.get(f"/dashboard/tickets/{ticket}", params={"lang": "en"})).text
    assert "waiting for a staff chat: none for service" in en
    assert "score 2" in en and f"{OWNER}; open → acknowledged" in en


async def test_the_customers_roles_and_nps_row(site: Site, site_client: httpx.AsyncClient) -> None:
    await sign_in(site_client, site.keys[ApiKeyRole.VIEWER].secret)
    async with site.sessions() as session:
        roles = set(await session.scalars(select(Respondent.role)))
    zh = (await site_client.get(f"{PAGE}/customers/C01", params={"lang": "zh-CN"})).text
    table = part(zh, 'id="customer-answers"', "</table>")
    shown = re.findall(r'<span class="muted" data-role="(\w+)">([^<]*)</span>', table)
    assert shown and {code for code, _ in shown} <= roles
    for code, words in shown:
        assert words == ROLE_WORDS[code]["zh-CN"] != code
    nps_row = part(table, '<tr data-key="nps">', "</tr>")
    answer_row = part(table, '<tr data-key="GI">', "</tr>")
    # The NPS figures sit where the answers do: neither row is right-aligned.
    assert 'class="num"' not in nps_row and 'class="num"' not in answer_row
    assert re.findall(r'<td data-nps="(\d*)">', nps_row)


async def test_the_cards_and_methods_read_well(site: Site, site_client: httpx.AsyncClient) -> None:
    await sign_in(site_client, site.keys[ApiKeyRole.VIEWER].secret)
    en = (await site_client.get(PAGE, params={"lang": "en"})).text
    zh = (await site_client.get(PAGE, params={"lang": "zh-CN"})).text
    en_lines = re.findall(r'<div class="delta-line">(.*?)</div>', en, re.S)
    assert len(en_lines) == 6
    for line in en_lines:
        assert "vs previous-" not in line and "vs previous+" not in line
        assert re.fullmatch(
            r"(<span[^>]*>[+-]\d+\.\d( pp)?( \([^)]*\))?</span>|–) vs previous", line
        )
    for line in re.findall(r'<div class="delta-line">(.*?)</div>', zh, re.S):
        assert re.fullmatch(r"较上期 (<span[^>]*>[+-]\d+\.\d( pp)?( \([^)]*\))?</span>|–)", line)
    assert re.search(r'<div class="interval">95% CI <span class="interval"', en)

    zh_methods = part(zh, 'id="methods"', "</ul>")
    en_methods = part(en, 'id="methods"', "</ul>")
    used = re.findall(r'<li data-method="(\w+)">', zh_methods)
    assert Interval.WILSON in used and Interval.BOOTSTRAP in used
    for method in map(Interval, used):
        assert str(escape(ZH_CN_INTERVAL_TEXT[method])) in zh_methods
        assert str(escape(INTERVAL_TEXT[method])) in en_methods
    assert not re.search(r"[A-Za-z]{4,} (interval|over|of)\b", zh_methods)


async def test_every_english_column_header_is_capitalised(
    site: Site, site_client: httpx.AsyncClient
) -> None:
    """Headers are words of their own ("Respondents"), not the lowercase unit a count is
    said in ("n = 12 respondents")."""
    await sign_in(site_client, site.keys[ApiKeyRole.VIEWER].secret)
    for path in (PAGE, f"{PAGE}/customers/C01", f"{PAGE}/funnel", "/dashboard/tickets"):
        en = (await site_client.get(path, params={"lang": "en"})).text
        headers = [
            words(cell).strip() for cell in re.findall(r'<th scope="col"[^>]*>(.*?)</th>', en, re.S)
        ]
        assert headers, path
        lowercase = [h for h in headers if len(h) > 1 and h[0].isalpha() and h[0].islower()]
        assert not lowercase, (path, lowercase)
