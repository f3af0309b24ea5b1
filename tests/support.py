"""Test helpers: the app on a real socket, seeded campaigns, a respondent answering."""

from __future__ import annotations

import socket
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.simulator import BotApiSimulator, SimMessage, SimUser
from storage.campaigns import create_campaign, invite
from storage.engine import create_engine, create_sessionmaker
from storage.models import Respondent
from storage.people import upsert_customers, upsert_respondents
from storage.surveys import save_survey
from survey.loader import load_template
from survey.records import CustomerRecord, RespondentRecord
from survey.settings import Settings

WEBHOOK_SECRET = "test-secret_123"


async def begin(
    sim: BotApiSimulator, token: str, user_id: int = 1001, name: str = "Alice"
) -> SimUser:
    """An English-speaking respondent who opened the deep link and pressed Begin."""
    user = sim.user(user_id, first_name=name, language_code="en")
    await user.send_text(f"/start {token}")
    await user.press("Begin")
    return user


def labels(message: SimMessage | None) -> list[str]:
    """Texts of a message's inline buttons, row by row."""
    return [text for row in (message.buttons if message else []) for text, _ in row]


def message(user: SimUser, message_id: int) -> SimMessage:
    """The current state of one of the bot's messages in a user's chat."""
    return next(m for m in user.messages if m.message_id == message_id)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


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
        _env_file=None,  # type: ignore[call-arg]
    )


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
