"""campaigns/answer_imports.py: answers from paper, phone or an earlier tool loaded into a
campaign — people created, idempotent, changes audited, bad lines reported by number with the
good ones kept, no tickets or alerts — on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from campaigns.answer_imports import import_answers
from campaigns.exports.cells import FORMULA_STARTS as EXPORTED_FORMULA_STARTS
from campaigns.exports.cells import neutralise
from storage.answer_imports import AnswerImportResult
from storage.campaigns import create_campaign
from storage.models import (
    Answer,
    AnswerChange,
    Customer,
    Invitation,
    OutboundMessage,
    Respondent,
    SurveyRow,
    Ticket,
)
from storage.surveys import save_survey
from survey.errors import CampaignNotFound, ImportFileError
from survey.loader import load_template
from survey.records import FORMULA_STARTS, unguarded
from survey.vocabulary import Channel, FollowUpStage, InvitationState

# Bulk INSERTs, chunked lookups and the people upserts are SQL whose meaning is the dialect's.
pytestmark = pytest.mark.both_backends

HEADER = (
    "campaign,survey,customer_id,customer_name,customer_class,customer_weight,business_unit,"
    "respondent_id,role,language,question,factor,item,kind,level,na,text,answered_at,channel"
)
P1 = "2025-Q4,ecss-5,P1,Papier AG,KA,,BU9,p1,quality,en,"  # a key account's quality manager
P2 = "2025-Q4,ecss-5,P2,Phone Ltd,,,,p2,,,"  # a customer with no class, a respondent with no role
PAPER = [
    P1 + "GI,GI,,likert,2,false,,2025-11-03T09:00:00Z,paper",
    P1 + "QU.product,QU,product,likert,,true,,2025-11-03T09:01:00Z,paper",
    P1 + "nps,,,nps,7,false,,2025-11-03T09:02:00Z,paper",
    P1 + "comment,,,comment,,false,'=SUM(A1),2025-11-03T09:03:00Z,paper",
    P2 + "GI,,,,4,,,2025-11-04 10:00,Phone",
    P2 + "SP.delivery,,,,5,,,2025-11-04,telegram",
]


def csv(*lines: str) -> bytes:
    return ("\r\n".join([HEADER, *lines]) + "\r\n").encode()


async def campaign(sessions: async_sessionmaker[AsyncSession], key: str = "2025-Q4") -> None:
    async with sessions() as session, session.begin():
        row, _ = await save_survey(session, load_template("ecss-5"))
        await create_campaign(session, key=key, survey_row=row)


async def load(
    sessions: async_sessionmaker[AsyncSession], data: bytes, key: str = "2025-Q4"
) -> AnswerImportResult:
    async with sessions() as session, session.begin():
        return await import_answers(session, key, data, source="answers.csv")


async def count(sessions: async_sessionmaker[AsyncSession], model: type) -> int:
    async with sessions() as session:
        return int(await session.scalar(select(func.count()).select_from(model)) or 0)


def problems(result: AnswerImportResult) -> list[tuple[int, str]]:
    return [(e.line, e.field) for e in result.errors]


async def test_people_invitations_and_answers_are_created_and_a_second_import_changes_nothing(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await campaign(sessions)
    first = await load(sessions, csv(*PAPER))
    assert (first.created, first.updated, first.unchanged, first.errors) == (6, 0, 0, [])
    assert (first.customers_created, first.respondents_created, first.invitations_created) == (
        2,
        2,
        2,
    )
    async with sessions() as session:
        p1 = await session.scalar(select(Customer).where(Customer.external_id == "P1"))
        p2 = await session.scalar(select(Customer).where(Customer.external_id == "P2"))
        assert p1 is not None and p2 is not None
        assert (p1.name, p1.customer_class, p1.weight, p1.business_unit) == (
            "Papier AG",
            "KA",
            2.0,  # a KA weighs 2 unless the file says otherwise, as in the customers import
            "BU9",
        )
        assert (p2.customer_class, p2.weight) == ("B", 1.0)
        respondent = await session.scalar(select(Respondent).where(Respondent.external_id == "p1"))
        assert respondent is not None
        assert (respondent.role, respondent.language) == ("quality", "en")
        invitations = list(await session.scalars(select(Invitation).order_by(Invitation.id)))
        assert [i.state for i in invitations] == [InvitationState.COMPLETED] * 2
        assert invitations[0].started_at is not None and invitations[0].completed_at is not None
        assert (invitations[0].completed_at - invitations[0].started_at).total_seconds() == 180
        answers = list(await session.scalars(select(Answer).order_by(Answer.id)))
    rows = [(a.question, a.kind, a.level, a.na, a.text, a.channel) for a in answers]
    assert rows == [
        ("GI", "likert", 2, False, None, Channel.PAPER),
        ("QU.product", "likert", None, True, None, Channel.PAPER),
        ("nps", "nps", 7, False, None, Channel.PAPER),
        # the export's guard against formulas is taken off again
        ("comment", "comment", None, False, "=SUM(A1)", Channel.PAPER),
        ("GI", "likert", 4, False, None, Channel.PHONE),
        # telegram did not take this answer into this campaign: it came by import
        ("SP.delivery", "likert", 5, False, None, Channel.IMPORT),
    ]
    assert answers[4].answered_at.isoformat() == "2025-11-04T10:00:00+00:00"  # no zone: UTC
    # A 1–2 of last year opens no ticket and alerts nobody today.
    assert await count(sessions, Ticket) == 0 and await count(sessions, OutboundMessage) == 0

    again = await load(sessions, csv(*PAPER))
    assert (again.created, again.updated, again.unchanged, again.errors) == (0, 0, 6, [])
    assert (again.customers_created, again.respondents_created, again.invitations_created) == (
        0,
        0,
        0,
    )
    assert (await count(sessions, Answer), await count(sessions, Invitation)) == (6, 2)
    assert await count(sessions, AnswerChange) == 0


async def test_a_changed_value_updates_the_answer_and_keeps_the_old_one(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await campaign(sessions)
    await load(sessions, csv(*PAPER))
    corrected = PAPER[0].replace(",likert,2,", ",likert,3,").replace("09:00:00Z", "09:30:00Z")
    retimed = PAPER[2].replace("09:02:00Z", "09:42:00Z")  # another time alone is no change
    result = await load(sessions, csv(corrected, retimed))
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    async with sessions() as session:
        answer = await session.scalar(select(Answer).order_by(Answer.id).limit(1))
        assert answer is not None and answer.level == 3
        assert answer.answered_at.isoformat() == "2025-11-03T09:30:00+00:00"
        change = await session.scalar(select(AnswerChange))
        assert change is not None and (change.answer_id, change.old_level) == (answer.id, 2)


async def test_bad_lines_are_reported_by_number_and_the_good_ones_kept(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await campaign(sessions)
    lines = [
        PAPER[0],  # line 2: good
        PAPER[1].replace("QU.product,QU,product", "QU.colour,QU,colour"),  # 3: unknown question
        PAPER[0].replace(",GI,GI,,", ",VA.price,VA,price,").replace(",2,false", ",7,false"),  # 4
        PAPER[0].replace("P1,Papier AG", ",Papier AG").replace(",GI,", ",VA.money,"),  # 5
        PAPER[2].replace(",nps,7", ",feedback,7"),  # 6: no campaign answer
        PAPER[3].replace(",comment,,false", ",comment,3,false"),  # 7: a comment has no level
        "2025-Q4,ecss-5,P9,,,,,p9,,,GI,,,,4,,,2025-11-04,",  # 8: unknown nameless customer
        PAPER[0].replace("P1,Papier AG", "P2,Phone Ltd").replace(",GI,GI,,", ",VA.money,VA,money,"),
        PAPER[4].replace(",4,,,", ",,,,"),  # 10: neither level nor na (p2 GI)
        PAPER[5].replace("2025-11-04", "yesterday"),  # 11: not a time
        PAPER[0].replace(",GI,GI,", ",GI,QU,"),  # 12: GI is no question of QU
        PAPER[0],  # 13: repeats line 2
        PAPER[4],  # 14: good (p2 created from here, P2 named on it)
        PAPER[0].replace(",ecss-5,", ",service-14,").replace(",GI,", ",TS.needs,"),  # 15
        PAPER[2].replace(",7,false", ",,false"),  # 16: an NPS answer without score
    ]
    result = await load(sessions, csv(*lines))
    assert problems(result) == [
        (3, "question"),
        (4, "level"),
        (5, "customer_id"),
        (6, "kind"),
        (7, "level"),
        (8, "customer_name"),
        (9, "customer_id"),
        (10, "level"),
        (11, "answered_at"),
        (12, "factor"),
        (13, "answer"),
        (15, "survey"),
        (16, "level"),
    ]
    why = {e.line: e.problem for e in result.errors}
    assert why[3] == "survey ecss-5 has no question 'QU.colour'"
    assert why[4] == "level 7 is not on the 1–5 scale"
    assert why[8] == "customer 'P9' is not known; a name is needed to create it"
    assert why[9] == "respondent 'p1' is of customer 'P1'"  # as line 2 has it
    assert why[13] == "the likert answer of 'p1' to GI repeats line 2, which is kept"
    assert (result.created, result.customers_created, result.respondents_created) == (2, 2, 2)
    async with sessions() as session:
        kept = list(await session.scalars(select(Answer.question).order_by(Answer.id)))
    assert kept == ["GI", "GI"]


async def test_a_kind_the_survey_does_not_ask_is_refused(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    quiet = load_template("ecss-5").model_copy(update={"key": "no-nps", "nps": False})
    async with sessions() as session, session.begin():
        row, _ = await save_survey(session, quiet)
        await create_campaign(session, key="quiet", survey_row=row)
    lines = [line.replace(",ecss-5,", ",no-nps,") for line in PAPER[:3]]
    result = await load(sessions, csv(*lines), "quiet")
    assert [(e.line, e.field, e.problem) for e in result.errors] == [
        (4, "kind", "survey no-nps asks no NPS question")
    ]
    assert result.created == 2


@pytest.mark.parametrize("encoding", ["gbk", "latin-1"])
async def test_a_file_that_is_not_utf8_is_one_clear_error_and_nothing_is_stored(
    sessions: async_sessionmaker[AsyncSession], encoding: str
) -> None:
    await campaign(sessions)
    text = "\r\n".join([HEADER, PAPER[0], PAPER[4].replace("Phone Ltd", "Téléphone 电话")])
    try:
        data = text.encode(encoding)
    except UnicodeEncodeError:
        data = text.encode(encoding, errors="replace")
    with pytest.raises(ImportFileError) as raised:
        await load(sessions, data)
    assert raised.value.line == 3
    assert "line 3 is not UTF-8 text" in raised.value.problem
    assert "save the file as UTF-8" in raised.value.problem
    assert await count(sessions, Answer) == 0 and await count(sessions, Customer) == 0


async def test_an_unknown_campaign_and_an_empty_file_are_refused(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await campaign(sessions)
    with pytest.raises(CampaignNotFound):
        await load(sessions, csv(*PAPER), "2024-Q4")
    with pytest.raises(ImportFileError, match="no rows after the header"):
        await load(sessions, csv())
    with pytest.raises(ImportFileError, match="lacks the column"):
        await load(sessions, b"customer_id,question\r\nC1,GI\r\n")


async def test_known_people_are_left_as_stored_and_an_open_invitation_is_completed(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await campaign(sessions)
    await load(sessions, csv(PAPER[4]))
    async with sessions() as session, session.begin():
        survey = await session.scalar(select(SurveyRow))
        assert survey is not None
        later = await create_campaign(session, key="2026-Q4", survey_row=survey)
        p2 = await session.scalar(select(Respondent).where(Respondent.external_id == "p2"))
        assert p2 is not None
        session.add(Invitation(campaign_id=later.id, respondent_id=p2.id, token="t" * 40))
    renamed = PAPER[5].replace("Phone Ltd,,", "Phone Limited,KA,")
    result = await load(sessions, csv(renamed), "2026-Q4")
    assert (result.created, result.customers_created, result.invitations_created) == (1, 0, 0)
    async with sessions() as session:
        p2c = await session.scalar(select(Customer).where(Customer.external_id == "P2"))
        assert p2c is not None and (p2c.name, p2c.customer_class) == ("Phone Ltd", "B")
        invitation = await session.scalar(select(Invitation).where(Invitation.token == "t" * 40))
        assert invitation is not None and invitation.state == InvitationState.COMPLETED


def test_only_the_exports_formula_guard_is_taken_off() -> None:
    assert tuple(EXPORTED_FORMULA_STARTS) == FORMULA_STARTS
    for start in FORMULA_STARTS:
        assert unguarded(neutralise(f"{start}1+1")) == f"{start}1+1"
    assert unguarded("'quoted'") == "'quoted'" and unguarded("''=x") == "''=x"


async def test_a_follow_up_is_imported_finished_and_carries_no_level(
    sessions: async_sessionmaker[AsyncSession],
) -> None:
    await campaign(sessions)
    follow_up = P1 + "GI,GI,,followup,,false,too slow,2025-11-03T09:00:30Z,paper"
    result = await load(
        sessions, csv(PAPER[0], follow_up, follow_up.replace(",,false", ",2,false"))
    )
    assert [(e.line, e.field, e.problem) for e in result.errors] == [
        (4, "level", "a follow-up has no level")
    ]
    async with sessions() as session:
        row = await session.scalar(select(Answer).where(Answer.kind == "followup"))
        assert row is not None and (row.text, row.level, row.void) == ("too slow", None, False)
        assert row.follow_up_stage == FollowUpStage.DONE
