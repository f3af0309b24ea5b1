"""PostgreSQL's COPY reads (storage/copy_frames.py) give the values asyncpg would: texts as
they are ("" is not NULL), exact floats and microseconds, nullable integers and times; the
answers come in id order however the table is laid out; several reads share one snapshot."""

from __future__ import annotations

import math
from datetime import timedelta

import pandas as pd
import pytest
from sqlalchemy import insert, select, update

from storage import copy_frames
from storage.frames import answer_filter, answers_frame
from storage.models import Answer, Customer, Invitation
from tests.storage.test_export_cells import AT, AWKWARD, plain_answers, seed_awkward

pytestmark = pytest.mark.postgresql_only


async def _copied(sessions, statement):  # type: ignore[no-untyped-def]
    async with sessions() as session:
        connection = await session.connection()
        async with copy_frames.Reads(connection) as reads:
            return await reads.copied(statement)


async def test_copied_cells_are_the_values_stored(sessions) -> None:  # type: ignore[no-untyped-def]
    campaign_id = await seed_awkward(sessions)
    texts = await _copied(
        sessions,
        select(Answer.id, Answer.text, Answer.level, Answer.na, Answer.answered_at)
        .where(Answer.campaign_id == campaign_id)
        .order_by(Answer.id),
    )
    async with sessions() as session:
        stored = (
            await session.execute(
                select(Answer.id, Answer.text, Answer.level, Answer.na, Answer.answered_at)
                .where(Answer.campaign_id == campaign_id)
                .order_by(Answer.id)
            )
        ).all()
    assert len(texts) == len(stored) == len(AWKWARD) * 3
    for row, (id_, text, level, na, at) in zip(texts.itertuples(), stored, strict=True):
        assert row.id == id_
        assert (row.text if isinstance(row.text, str) else None) == text  # "" stays ""
        assert (None if pd.isna(row.level) else row.level) == level
        assert row.na is na or row.na == na
        assert row.answered_at.to_pydatetime() == at  # to the microsecond
    assert str(texts["level"].dtype) == "Int64" and str(texts["answered_at"].dt.tz) == "UTC"
    assert texts["text"].isna().sum() == 3 and (texts["text"] == "").sum() == 3


async def test_copied_floats_nullable_texts_and_times(sessions) -> None:  # type: ignore[no-untyped-def]
    campaign_id = await seed_awkward(sessions)
    people = await _copied(
        sessions, select(Customer.external_id, Customer.weight, Customer.business_unit)
    )
    weights = dict(zip(people["external_id"], people["weight"], strict=True))
    assert weights["C1"] == 1 / 3 and weights["C2"] == 0.1 + 0.2  # exactly, not 0.3
    units = dict(zip(people["external_id"], people["business_unit"], strict=True))
    assert isinstance(units["C1"], float) and math.isnan(units["C1"])  # NULL, not ""
    async with sessions() as session, session.begin():
        first = await session.scalar(select(Invitation.id).order_by(Invitation.id).limit(1))
        await session.execute(
            update(Invitation).where(Invitation.id == first).values(started_at=AT)
        )
    times = await _copied(
        sessions,
        select(Invitation.id, Invitation.started_at)
        .where(Invitation.campaign_id == campaign_id)
        .order_by(Invitation.id),
    )
    assert times["started_at"].iloc[0].to_pydatetime() == AT
    assert times["started_at"].iloc[1:].isna().all()


async def test_answers_come_in_id_order_when_the_table_is_not(sessions) -> None:  # type: ignore[no-untyped-def]
    campaign_id = await seed_awkward(sessions)
    async with sessions() as session, session.begin():
        oldest = await session.scalar(select(Answer.id).order_by(Answer.id).limit(1))
        # PostgreSQL writes an updated row anew at the table's end: it now comes last unsorted.
        await session.execute(update(Answer).where(Answer.id == oldest).values(text="changed"))
    unsorted = await _copied(sessions, select(Answer.id).where(*answer_filter(campaign_id)))
    assert not unsorted["id"].is_monotonic_increasing  # the layout this test is about
    async with sessions() as session:
        fast = await answers_frame(session, campaign_id)
        plain = await plain_answers(session, campaign_id)
    assert fast["text"].iloc[0] == "changed"
    pd.testing.assert_frame_equal(fast, plain, check_exact=True)


async def test_reads_outside_a_transaction_share_one_snapshot(sessions) -> None:  # type: ignore[no-untyped-def]
    campaign_id = await seed_awkward(sessions)
    async with sessions() as session:
        someone = await session.scalar(select(Answer.respondent_id).limit(1))
    count = select(Answer.id).where(Answer.campaign_id == campaign_id)
    async with sessions() as reader:
        connection = await reader.connection()
        async with copy_frames.Reads(connection) as reads:
            before = await reads.copied(count)
            async with sessions() as writer, writer.begin():
                row = {
                    "campaign_id": campaign_id, "respondent_id": someone, "question": "GI",
                    "kind": "comment", "causes": [], "answered_at": AT + timedelta(days=1),
                }  # fmt: skip
                await writer.execute(insert(Answer), [row])
            after = await reads.copied(count)
    assert len(after) == len(before)  # the answer committed in between is not seen
    assert len(await _copied(sessions, count)) == len(before) + 1
