"""Test helpers: the app on a real socket, seeded campaigns, a respondent answering."""

from __future__ import annotations

import asyncio
import os
import random
import socket
from collections.abc import Iterator
from datetime import datetime
from typing import Final

from click.testing import Result
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from typer.testing import CliRunner

from simulator import BotApiSimulator, SimMessage, SimUser
from storage.campaigns import create_campaign, invite
from storage.engine import create_engine, create_sessionmaker
from storage.models import Respondent
from storage.people import upsert_customers, upsert_respondents
from storage.surveys import save_survey
from survey.loader import load_template
from survey.records import CustomerRecord, RespondentRecord
from survey.settings import Settings

WEBHOOK_SECRET = "test-secret_123"
STAFF_CHAT = -1009876543210  # the staff group of the ``staff_app`` fixture (tests/conftest.py)


async def begin(
    sim: BotApiSimulator, token: str, user_id: int = 1001, name: str = "Alice"
) -> SimUser:
    """An English-speaking respondent who opened the deep link and pressed Begin."""
    user = sim.user(user_id, first_name=name, language_code="en")
    await user.send_text(f"/start {token}")
    await user.press("Begin")
    return user


async def invoke_csat(db_url: str, *args: str, **env: str) -> Result:
    """Run ``csat ARGS`` on the database at ``db_url`` in a thread (its commands start their own
    event loop); error panels are not wrapped, so their sentences can be matched."""
    from cli.main import app  # the CLI is heavy to import: only the tests using it pay

    environment = {"CSAT_DATABASE_URL": db_url, "COLUMNS": "200", **env}
    return await asyncio.to_thread(CliRunner().invoke, app, list(args), env=environment)


def shows(user: SimUser, prefix: str) -> bool:
    """Does the bot's newest message to ``user`` start so? (Polling has no webhook answer to
    wait on: polling tests wait for the bot's reply itself.)"""
    return (user.last_text or "").startswith(prefix)


async def begin_polled(
    sim: BotApiSimulator, token: str, user_id: int = 1001, name: str = "Alice"
) -> SimUser:
    """``begin`` for a bot in long-polling mode: each step waits for the bot's reply."""
    user = sim.user(user_id, first_name=name, language_code="en")
    await user.send_text(f"/start {token}")
    await sim.wait_for(lambda: shows(user, f"Hello {name}"), what="the greeting")
    await user.press("Begin")
    await sim.wait_for(lambda: shows(user, "1/"), what="the first question")
    return user


def labels(message: SimMessage | None) -> list[str]:
    """Texts of a message's inline buttons, row by row."""
    return [text for row in (message.buttons if message else []) for text, _ in row]


def message(user: SimUser, message_id: int) -> SimMessage:
    """The current state of one of the bot's messages in a user's chat."""
    return next(m for m in user.messages if m.message_id == message_id)


# Ports for the servers tests start on a port named in advance (the webhook URL names it).
# They come from below Linux's ephemeral range (32768-60999), so no client connection can take
# one between the check and the server's bind; each pytest-xdist worker has a block of its own,
# and a random start keeps two pytest runs on one machine apart.
PORT_BLOCK, FIRST_PORT, BLOCKS = 500, 20_000, 25


def _ports() -> Iterator[int]:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1", … under xdist
    block = (int(worker[2:]) + 1) % BLOCKS if worker[2:].isdigit() else 0
    first = FIRST_PORT + block * PORT_BLOCK
    start = random.randrange(PORT_BLOCK)
    while True:
        for n in range(PORT_BLOCK):
            yield first + (start + n) % PORT_BLOCK


_PORTS = _ports()


def free_port() -> int:
    """A port nothing listens on now, this worker's own."""
    while True:
        port = next(_PORTS)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:  # in use, by this worker's earlier server or another program
                continue
            return port


REPORT_WAIT: Final = 120.0  # seconds a test's dashboard view waits for its report's build


def make_settings(db_url: str, sim: BotApiSimulator, *, port: int | None = None) -> Settings:
    port = port or free_port()
    return Settings(
        database_url=db_url,
        telegram_token=sim.token,
        telegram_api_url=sim.api_root,
        bot_username="csat_test_bot",
        webhook_url=f"http://127.0.0.1:{port}/telegram/webhook",
        webhook_secret=WEBHOOK_SECRET,
        port=port,
        # A view reads the figures right after the data changed: it waits for the build (a
        # loaded CI machine took over the default 1 s for an empty campaign's first build);
        # the wait and the "being prepared" page are tested in test_report_snapshots.py.
        dashboard_report_wait=REPORT_WAIT,
        _env_file=None,  # type: ignore[call-arg]
    )


def polling_settings(db_url: str, sim: BotApiSimulator) -> Settings:
    """``make_settings`` for long polling: no webhook."""
    return make_settings(db_url, sim).model_copy(update={"webhook_url": None})


PEOPLE = [
    # (respondent, customer, class, name, role, language)
    ("r1", "C1", "KA", "Alice", "quality", "en"),
    ("r2", "C1", "KA", "Bob", "purchasing", "en"),
    ("r3", "C2", "B", "王芳", "general_manager", "zh-CN"),
    ("r4", "C3", "B", "Dan", "user", None),
]


async def seed_campaign(
    sessions: async_sessionmaker[AsyncSession],
    *,
    template: str = "ecss-5",
    key: str = "2026-Q4",
    closes_at: datetime | None = None,
) -> dict[str, str]:
    """Load a template, the PEOPLE above and a campaign; returns tokens by respondent id."""
    survey = load_template(template)
    customers = {(c, k) for _, c, k, *_ in PEOPLE}
    async with sessions() as session, session.begin():
        row, _ = await save_survey(session, survey)
        await upsert_customers(
            session,
            [
                (
                    n,
                    CustomerRecord(
                        external_id=c, name=f"Customer {c}", customer_class=k, business_unit="BU1"
                    ),
                )
                for n, (c, k) in enumerate(sorted(customers), start=2)
            ],
        )
        await upsert_respondents(
            session,
            [
                (
                    n,
                    RespondentRecord(
                        external_id=r, customer_id=c, name=name, role=role, language=lang
                    ),
                )
                for n, (r, c, _, name, role, lang) in enumerate(PEOPLE, start=2)
            ],
        )
        campaign = await create_campaign(session, key=key, survey_row=row, closes_at=closes_at)
        respondents = list(await session.scalars(select(Respondent).order_by(Respondent.id)))
        invitations = await invite(session, campaign, respondents)
        return {r.external_id: i.token for r, i in zip(respondents, invitations, strict=True)}


async def sessions_for(url: str) -> async_sessionmaker[AsyncSession]:
    return create_sessionmaker(create_engine(url))


# (customer, class, business unit, product line, annual revenue): a population to sample from
POPULATION = [
    ("C01", "KA", "BU1", "P1", 500.0),
    ("C02", "KA", "BU1", "P1", 300.0),
    ("C03", "A", "BU1", "P2", 100.0),
    ("C04", "B", "BU1", "P2", 60.0),
    ("C05", "B", "BU1", "P2", 40.0),
    ("C06", "A", "BU2", "Q1", 400.0),
    ("C07", "B", "BU2", "Q1", 200.0),
    ("C08", "C", "BU2", "Q1", 150.0),
    ("C09", "C", "BU2", "Q2", 150.0),
    ("C10", "B", "BU2", "Q2", 100.0),
]


async def seed_population(
    sessions: async_sessionmaker[AsyncSession], *, key: str = "2026-H1", template: str = "ecss-5"
) -> None:
    """Load a template, the POPULATION above with two respondents each (R01a, R01b, …) and an
    open campaign ``key`` without invitations."""
    async with sessions() as session, session.begin():
        row, _ = await save_survey(session, load_template(template))
        await upsert_customers(
            session,
            [
                (n, CustomerRecord(external_id=c, name=f"Customer {c}", customer_class=k,
                                   business_unit=bu, product_line=line, annual_revenue=revenue))
                for n, (c, k, bu, line, revenue) in enumerate(POPULATION, start=2)
            ],
        )  # fmt: skip
        await upsert_respondents(
            session,
            [
                (n, RespondentRecord(external_id=f"R{c[1:]}{s}", customer_id=c, name=f"{c}{s}"))
                for n, (c, s) in enumerate(((c, s) for c, *_ in POPULATION for s in "ab"), start=2)
            ],
        )
        await create_campaign(session, key=key, survey_row=row)


async def open_test_ticket(
    sessions: async_sessionmaker[AsyncSession],
    token: str,
    *,
    question: str = "QU.product",
    level: int = 2,
    department: str | None = "quality",
    now: datetime | None = None,
) -> int:
    """Store a 1–2 answer for the invitation ``token`` and open its ticket (as the bot does);
    returns the ticket id. The ticket's alert is queued in the same transaction."""
    from storage.answers import put_answer
    from storage.models import Invitation
    from storage.tickets import open_or_update_ticket

    async with sessions() as session, session.begin():
        invitation = await session.scalar(select(Invitation).where(Invitation.token == token))
        assert invitation is not None
        answer, _ = await put_answer(
            session, invitation, [], question=question, kind="likert", level=level, now=now
        )
        ticket, _ = await open_or_update_ticket(
            session,
            answer=answer,
            invitation=invitation,
            department=department,
            actor=f"respondent:{invitation.respondent_id}",
            now=now,
        )
        return ticket.id


async def respond(
    sessions: async_sessionmaker[AsyncSession],
    token: str,
    levels: dict[str, int | None],
    *,
    nps: int | None = None,
    comment: str | None = None,
    follow_up: tuple[list[str], str | None] | None = None,
    complete: bool = True,
    now: datetime | None = None,
) -> list[int]:
    """A respondent answers as the bot stores it (level None = unable to comment): tickets open
    for 1–2, each described by ``follow_up`` (causes, text) when given. Returns the ticket ids."""
    from storage.types import utcnow
    from survey.flow import Progress
    from survey.vocabulary import InvitationState
    from surveying.recording import record_answers
    from surveying.response import load_response

    now = now or utcnow()
    async with sessions() as session, session.begin():
        response = await load_response(session, Progress(), token=token)
        assert response is not None
        response.invitation.state, response.invitation.started_at = InvitationState.STARTED, now
        return await record_answers(
            session,
            response,
            levels,
            nps=nps,
            comment=comment,
            follow_up=follow_up,
            complete=complete,
            actor="bot",
            now=now,
        )
