"""The demo's population: a questionnaire, customers across business units and product lines,
their respondents (some already known to the bot), and API keys for a manager and the staff."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.apikeys import create_api_key
from storage.engine import transaction
from storage.people import upsert_customers, upsert_respondents
from storage.surveys import save_survey
from survey.loader import load_template
from survey.records import ROLES, CustomerRecord, RespondentRecord

CLASSES = ["KA", "KA", "A", "A", "B", "B", "B", "C"]
UNITS = {"Consumer": ["audio", "wearables"], "Industrial": ["sensors", "drives"]}
OWNERS = ["Liu Yang (sales)", "Sarah Becker (sales)", "Zhou Jun (sales)"]
NAMES = ["Li Wei", "Zhang Min", "Anna", "Tom", "王芳", "陈杰", "Maria", "赵磊"]
KNOWN_SHARE = 0.6  # respondents who have talked to the bot before: invited in chat
FIRST_USER_ID = 500_000


def daytime_zone(now: datetime, night_start: int, night_end: int) -> str:
    """A time zone where ``now`` falls in the middle of the day (between ``night_end`` and
    ``night_start``, the hours the bot writes to people in), as an ``Etc/GMT`` zone.

    The demo's respondents live there: their invitations go out at once and their reminders
    a week later, whatever the hour in Shanghai when the demo runs, so a seed always tells
    the same story.
    """
    day = (night_start - night_end) % 24 or 24
    midday = (night_end + day // 2) % 24
    offset = (midday - now.astimezone(UTC).hour) % 24
    if offset > 14:  # Etc/GMT zones go from UTC-12 to UTC+14
        offset -= 24
    # POSIX signs are the other way round: Etc/GMT-8 is UTC+8.
    return f"Etc/GMT{-offset:+d}" if offset else "Etc/UTC"


def zone_label(zone: str) -> str:
    """``Etc/GMT-8`` as people write it: ``UTC+8``."""
    if zone.startswith("Etc/GMT") and len(zone) > len("Etc/GMT"):
        hours = -int(zone.removeprefix("Etc/GMT"))
        return f"UTC{hours:+d}"
    return zone.removeprefix("Etc/")


@dataclass(frozen=True)
class Population:
    """What the demo seeded: moods per respondent and who the bot already knows."""

    survey_key: str
    moods: dict[str, float]  # respondent external id → the level they lean towards
    chat_ids: dict[str, int]  # respondent external id → Telegram id, for those known
    user_ids: dict[str, int]  # respondent external id → the simulated person's Telegram id
    admin_key: str
    staff_key: str


async def seed_population(
    sessions: async_sessionmaker[AsyncSession],
    template: str,
    count: int,
    rng: random.Random,
    *,
    timezone: str | None = None,
) -> Population:
    """Load the survey, ``count // 3`` customers with ``count`` respondents (living in
    ``timezone``, default the company's), and two API keys."""
    units = list(UNITS)
    customers = []
    for n in range(1, count // 3 + 1):
        unit = units[n % len(units)]
        customers.append(
            CustomerRecord(
                external_id=f"C{n:03d}",
                name=f"Customer {n:03d}",
                customer_class=CLASSES[n % len(CLASSES)],
                business_unit=unit,
                product_line=UNITS[unit][n // len(units) % len(UNITS[unit])],
                annual_revenue=round(rng.lognormvariate(13, 1)),
                account_owner=OWNERS[n % len(OWNERS)],
            )
        )
    moods = {c.external_id: rng.choice([2.4, 3.4, 3.9, 4.2, 4.6]) for c in customers}
    people: list[RespondentRecord] = []
    user_ids: dict[str, int] = {}
    chat_ids: dict[str, int] = {}
    for n in range(1, count + 1):
        external_id = f"R{n:03d}"
        user_ids[external_id] = FIRST_USER_ID + n
        known = rng.random() < KNOWN_SHARE
        if known:
            chat_ids[external_id] = FIRST_USER_ID + n
        people.append(
            RespondentRecord(
                external_id=external_id,
                customer_id=customers[n % len(customers)].external_id,
                name=rng.choice(NAMES),
                role=ROLES[n % len(ROLES)],
                language=rng.choice(["en", "zh-CN", None]),
                telegram_user_id=chat_ids.get(external_id),
                timezone=timezone,
            )
        )
    async with transaction(sessions) as session:
        row, _ = await save_survey(session, load_template(template))
        await upsert_customers(session, list(enumerate(customers, start=2)))
        await upsert_respondents(session, list(enumerate(people, start=2)))
        _, admin_key = await create_api_key(session, name="quality manager", role="admin")
        _, staff_key = await create_api_key(session, name="service desk", role="staff")
    respondent_moods = {p.external_id: moods[p.customer_id] for p in people}
    return Population(row.key, respondent_moods, chat_ids, user_ids, admin_key, staff_key)
