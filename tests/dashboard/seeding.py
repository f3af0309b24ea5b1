"""Two campaigns of one survey seeded through the real services (storage.people, storage.
campaigns, surveying.recording through tests.support.respond, campaigns.closing): the previous
one closed, the current one open; 10 customers of tests.support.POPULATION with five
respondents each in five roles (enough for the driver analysis), answering with seeded random
levels, some 1–2 (tickets, with causes and comments), some unable to comment."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.closing import close_campaign
from storage.campaigns import create_campaign, invite
from storage.models import Campaign, Respondent
from storage.people import upsert_customers, upsert_respondents
from storage.surveys import save_survey
from storage.types import utcnow
from survey.loader import load_template
from survey.records import CustomerRecord, RespondentRecord
from tests.support import POPULATION, respond

TEMPLATE = "ecss-5"
PREVIOUS, CURRENT = "2026-H1", "2026-H2"
ROLES = ("quality", "purchasing", "general_manager", "user", "product_manager")
COMMENTS = ("交货太慢了", "Price keeps rising", "文件不齐全", None, None)


@dataclass(frozen=True, slots=True)
class Seeded:
    previous: str
    current: str
    tokens: dict[str, str]  # the current campaign's tokens by respondent external id


def _levels(rng: random.Random, keys: list[str], low: float) -> dict[str, int | None]:
    levels: dict[str, int | None] = {}
    for key in keys:
        draw = rng.random()
        levels[key] = (
            None
            if draw < 0.04
            else (rng.choice((1, 2)) if draw < low else rng.choice((3, 4, 4, 5, 5)))
        )
    return levels


async def seed_dashboard(
    sessions: async_sessionmaker[AsyncSession], *, seed: int = 14, answering: float = 0.7
) -> Seeded:
    rng = random.Random(seed)
    survey = load_template(TEMPLATE)
    keys = [q.key for q in survey.questions()]
    async with sessions() as session, session.begin():
        row, _ = await save_survey(session, survey)
        await upsert_customers(
            session,
            [
                (
                    n,
                    CustomerRecord(
                        external_id=c,
                        name=f"Customer {c}",
                        customer_class=k,
                        business_unit=bu,
                        product_line=line,
                        annual_revenue=revenue,
                    ),
                )
                for n, (c, k, bu, line, revenue) in enumerate(POPULATION, start=2)
            ],
        )
        people = [
            (c, role, s) for c, *_ in POPULATION for s, role in zip("abcde", ROLES, strict=True)
        ]
        await upsert_respondents(
            session,
            [
                (
                    n,
                    RespondentRecord(
                        external_id=f"R{c[1:]}{s}",
                        customer_id=c,
                        name=f"{c}{s}",
                        role=role,
                        language="zh-CN",
                    ),
                )
                for n, (c, role, s) in enumerate(people, start=2)
            ],
        )
        before = await create_campaign(session, key=PREVIOUS, survey_row=row)
        before.opens_at = utcnow() - timedelta(days=180)
        now_campaign = await create_campaign(session, key=CURRENT, survey_row=row)
        respondents = list(await session.scalars(select(Respondent).order_by(Respondent.id)))
        old = await invite(session, before, respondents)
        new = await invite(session, now_campaign, respondents)
        old_tokens = [i.token for i in old]
        tokens = {r.external_id: i.token for r, i in zip(respondents, new, strict=True)}
    for token in old_tokens:
        if rng.random() < 0.8:
            await respond(sessions, token, _levels(rng, keys, 0.08), nps=rng.randint(4, 10))
    async with sessions() as session, session.begin():
        campaign = await session.scalar(select(Campaign).where(Campaign.key == PREVIOUS))
        assert campaign is not None
        await close_campaign(session, campaign, now=utcnow())
    for token in tokens.values():
        if rng.random() < answering:
            levels = _levels(rng, keys, 0.12)
            low = [k for k, v in levels.items() if v is not None and v <= 2]
            follow = (["slow"], "样品晚了两周") if low else None
            await respond(
                sessions,
                token,
                levels,
                nps=rng.randint(3, 10),
                comment=rng.choice(COMMENTS),
                follow_up=follow,
            )
    return Seeded(PREVIOUS, CURRENT, tokens)
