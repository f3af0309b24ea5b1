"""The streamed exports write what the whole-frame exports wrote, byte for byte, on texts that
test every encoding rule (quotes, commas, line breaks, control characters, formula starts,
Chinese, backslashes), and the fast frame loading gives the very frame of the plain one."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pandas as pd
import pytest
from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from campaigns.exports.lines import answer_text_chunks
from campaigns.exports.streams import csv_chunks, json_chunks
from campaigns.exports.tables import answers_table
from storage.campaigns import campaign_by_key
from storage.export_cells import TextFormat
from storage.exports import answer_frames
from storage.frames import answers_frame, answers_query, tidy_answers
from storage.models import Answer, Customer, Respondent
from storage.snapshots import snapshot
from tests.support import seed_campaign

AT = datetime(2026, 11, 21, 8, 0, 59, 999_999, tzinfo=UTC)
AWKWARD = [
    None, "", "plain", "a,b", 'say "hi"', "two\r\nlines", "cr\ronly", "lf\nonly", "\ttab first",
    "=HYPERLINK(1)", "+1", "-2", "@SUM(A1)", "\nnewline first", "'=already", "很好，谢谢",
    "back\\slash", "ctrl\x01\x1f\x7f", "\b\f", "emoji 🙂", "line\u2028sep", " space first",
    '"', ",", "=a,b\"c\r\n",
]  # fmt: skip
# (question, kind): plain ones, a factor without items, odd splits, and a non-factor kind
# whose question has a dot (no factor, no item).
QUESTIONS = [
    ("GI", "likert"), ("QU.rohs", "likert"), ("SP.delivery.more", "likert"), (".x", "likert"),
    ("x.", "likert"), ("QU.rohs", "followup"), ("nps", "nps"), ("a.b", "comment"),
    ('=odd,"q"', "likert"),
]  # fmt: skip


async def seed_awkward(sessions, key: str = "2026-Q4") -> int:  # type: ignore[no-untyped-def]
    """A campaign whose people and answers hold every awkward text; returns its id."""
    await seed_campaign(sessions, key=key)
    async with sessions() as session, session.begin():
        campaign = await campaign_by_key(session, key)
        assert campaign is not None
        await session.execute(
            update(Customer)
            .where(Customer.external_id == "C1")
            .values(name='=Evil, "Inc"\r\n', weight=1 / 3, business_unit=None)
        )
        await session.execute(
            update(Customer).where(Customer.external_id == "C2").values(weight=0.1 + 0.2)
        )
        await session.execute(
            update(Respondent)
            .where(Respondent.external_id == "r2")
            .values(language=None, role="-x")
        )
        people = list(await session.scalars(select(Respondent.id).order_by(Respondent.id)))
        rows = []
        for n in range(len(AWKWARD) * 3):
            question, kind = QUESTIONS[n % len(QUESTIONS)]
            rows.append(
                {
                    "campaign_id": campaign.id, "respondent_id": people[n % len(people)],
                    "question": question, "kind": kind, "level": None if n % 4 == 0 else n % 5,
                    "na": n % 4 == 0, "causes": [], "channel": ("telegram", "web", "phone")[n % 3],
                    "answered_at": AT + timedelta(seconds=n), "text": AWKWARD[n % len(AWKWARD)],
                    "void": n == 7,  # a void answer is left out everywhere
                }
            )  # fmt: skip
        await session.execute(insert(Answer), rows)
        return campaign.id


async def _streamed(sessions, campaign_id: int, fmt: TextFormat, **kw: int) -> bytes:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        engine = (await session.connection()).engine
    async with snapshot(engine) as snap:
        return b"".join([c async for c in answer_text_chunks(snap, campaign_id, fmt, **kw)])


async def _whole(sessions, campaign_id: int) -> pd.DataFrame:  # type: ignore[no-untyped-def]
    async with sessions() as session:
        return await answers_frame(session, campaign_id)


@pytest.mark.parametrize("fmt", list(TextFormat))
async def test_streamed_answers_are_the_whole_frame_export_byte_for_byte(sessions, fmt) -> None:  # type: ignore[no-untyped-def]
    campaign_id = await seed_awkward(sessions)
    encode = csv_chunks if fmt is TextFormat.CSV else json_chunks
    expected = b"".join(encode(answers_table(await _whole(sessions, campaign_id))))
    assert len(expected) > 2000
    assert await _streamed(sessions, campaign_id, fmt) == expected
    # With room for one respondent only, people are looked up and dropped chunk by chunk.
    assert await _streamed(sessions, campaign_id, fmt, people_kept=1, chunk=7) == expected


@pytest.mark.parametrize("fmt", list(TextFormat))
async def test_an_empty_campaign_streams_as_the_whole_frame_does(sessions, fmt) -> None:  # type: ignore[no-untyped-def]
    await seed_campaign(sessions)
    async with sessions() as session:
        campaign = await campaign_by_key(session, "2026-Q4")
        assert campaign is not None
        campaign_id = campaign.id
    encode = csv_chunks if fmt is TextFormat.CSV else json_chunks
    expected = b"".join(encode(answers_table(await _whole(sessions, campaign_id))))
    assert await _streamed(sessions, campaign_id, fmt) == expected


async def plain_answers(session: AsyncSession, campaign_id: int) -> pd.DataFrame:
    """``answers_frame``'s frame the plain way: ``answers_query``'s rows, ``tidy_answers``."""
    connection = await session.connection()
    sql = str(
        answers_query(campaign_id).compile(
            dialect=connection.dialect, compile_kwargs={"literal_binds": True}
        )
    )
    result = await connection.exec_driver_sql(sql)
    return tidy_answers(pd.DataFrame(list(map(tuple, result.all())), columns=result.keys()))


async def test_fast_frame_chunked_frames_and_plain_reading_agree(sessions) -> None:  # type: ignore[no-untyped-def]
    campaign_id = await seed_awkward(sessions)
    fast = await _whole(sessions, campaign_id)
    async with sessions() as session:
        plain = await plain_answers(session, campaign_id)
        engine = (await session.connection()).engine
    async with snapshot(engine) as snap:
        chunks = [f async for f in answer_frames(snap, campaign_id, chunk=10)]
    assert len(chunks) > 3
    pd.testing.assert_frame_equal(fast, plain, check_exact=True)
    pd.testing.assert_frame_equal(pd.concat(chunks, ignore_index=True), fast, check_exact=True)
    assert fast["text"].isna().sum() == 3  # the None texts; "" is a text
    odd = fast.set_index(["question", "kind"])
    assert tuple(odd.loc[("SP.delivery.more", "likert"), ["factor", "item"]].iloc[0]) == (
        "SP",
        "delivery.more",
    )
    assert odd.loc[("a.b", "comment"), ["factor", "item"]].isna().all(axis=None)


async def test_a_download_in_progress_does_not_hold_writers_back(sessions) -> None:  # type: ignore[no-untyped-def]
    """The snapshot an export reads takes no lock a writer waits for (SQLite's write lock
    would stall every answer for as long as a slow client downloads)."""
    campaign_id = await seed_awkward(sessions)
    async with sessions() as session:
        engine = (await session.connection()).engine
    async with snapshot(engine) as snap:
        stream = answer_text_chunks(snap, campaign_id, TextFormat.CSV, chunk=5)
        first = await anext(stream)
        second = await anext(stream)
        assert first and second  # the reader is mid-query, its snapshot open

        async def write() -> None:
            async with sessions() as session, session.begin():
                await session.execute(update(Answer).values(text="changed"))

        await asyncio.wait_for(write(), timeout=10)
        rest = b"".join([c async for c in stream])
    # The download saw the data as it was when it began.
    assert b"changed" not in first + second + rest
