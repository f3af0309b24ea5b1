"""Answers, stored the moment they are given, with an audit trail of changes."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Answer, AnswerChange, Invitation
from storage.types import utcnow
from survey.flow import FlowState, FollowUp, Progress
from survey.vocabulary import AnswerKind, Channel, FollowUpStage, InvitationState

NPS_KEY = "nps"
COMMENT_KEY = "comment"


_OF_INVITATION = (
    select(Answer).where(Answer.invitation_id == bindparam("invitation")).order_by(Answer.id)
)  # built once: every event reads them


async def invitation_answers(session: AsyncSession, invitation_id: int) -> list[Answer]:
    """All answers of one invitation in the order given."""
    return list(await session.scalars(_OF_INVITATION, {"invitation": invitation_id}))


def to_flow_state(progress: Progress, invitation: Invitation, answers: list[Answer]) -> FlowState:
    """The flow's view of a response: the answers given, with the channel's progress flags."""
    likert: dict[str, int | None] = {}
    follow_ups: dict[str, FollowUp] = {}
    closing: dict[str, Answer] = {}
    for answer in answers:
        if answer.kind == AnswerKind.LIKERT:
            likert[answer.question] = None if answer.na else answer.level
        elif answer.kind == AnswerKind.FOLLOW_UP and not answer.void:
            stage = answer.follow_up_stage or FollowUpStage.DONE
            follow_ups[answer.question] = FollowUp(stage, tuple(answer.causes or ()), answer.text)
        elif answer.kind in (AnswerKind.NPS, AnswerKind.COMMENT):
            closing[answer.kind] = answer
    nps, comment = closing.get(AnswerKind.NPS), closing.get(AnswerKind.COMMENT)
    return FlowState(
        language=progress.language,
        begun=progress.begun or bool(likert),
        likert=likert,
        follow_ups=follow_ups,
        nps_done=nps is not None,
        comment_done=comment is not None,
        nps=nps.level if nps is not None else None,
        comment=comment.text if comment is not None else None,
        cursor=progress.cursor,
        choosing_change=progress.choosing_change,
        submitted=invitation.state == InvitationState.COMPLETED,
    )


def find_answer(answers: list[Answer], question: str, kind: str) -> Answer | None:
    """The answer of ``kind`` to ``question`` among a respondent's answers, if given."""
    return next((a for a in answers if a.question == question and a.kind == kind), None)


async def put_answer(
    session: AsyncSession,
    invitation: Invitation,
    answers: list[Answer],
    *,
    question: str,
    kind: str,
    level: int | None = None,
    na: bool = False,
    text: str | None = None,
    now: datetime | None = None,
    channel: Channel = Channel.TELEGRAM,
    interviewer: str | None = None,
) -> tuple[Answer, Answer | None]:
    """Set an answer, keeping the old value in the audit trail. Returns (answer, before).
    ``channel`` (and ``interviewer`` of a phone or visit interview) say where it was given."""
    now = now or utcnow()
    answer = find_answer(answers, question, kind)
    if answer is None:
        answer = Answer(
            invitation_id=invitation.id,
            campaign_id=invitation.campaign_id,
            respondent_id=invitation.respondent_id,
            question=question,
            kind=kind,
            level=level,
            na=na,
            text=text,
            causes=[],
            answered_at=now,
            channel=channel,
            interviewer=interviewer,
        )
        session.add(answer)
        answers.append(answer)
        await session.flush()
        return answer, None
    before = Answer(level=answer.level, na=answer.na, text=answer.text)
    if (answer.level, answer.na, answer.text) != (level, na, text):
        session.add(
            AnswerChange(
                answer_id=answer.id,
                old_level=answer.level,
                old_na=answer.na,
                old_text=answer.text,
                changed_at=now,
            )
        )
        answer.level, answer.na, answer.text = level, na, text
        answer.channel, answer.interviewer = channel, interviewer  # where it was last given
        answer.changed_at = now
        answer.answered_at = now
    return answer, before


async def put_comment(
    session: AsyncSession, invitation: Invitation, answers: list[Answer], text: str | None
) -> Answer:
    """The closing comment; None means the respondent skipped it."""
    answer, _ = await put_answer(
        session,
        invitation,
        answers,
        question=COMMENT_KEY,
        kind=AnswerKind.COMMENT,
        text=text,
        na=text is None,
    )
    return answer


async def follow_up_row(
    session: AsyncSession,
    invitation: Invitation,
    answers: list[Answer],
    question: str,
    *,
    channel: Channel = Channel.TELEGRAM,
    interviewer: str | None = None,
) -> Answer:
    """The follow-up row of a 1–2, created at the causes stage."""
    row = find_answer(answers, question, AnswerKind.FOLLOW_UP)
    if row is None:
        row, _ = await put_answer(
            session, invitation, answers, question=question, kind=AnswerKind.FOLLOW_UP,
            channel=channel, interviewer=interviewer,
        )  # fmt: skip
        row.follow_up_stage = FollowUpStage.CAUSES
    elif row.void:  # lowered to 1–2 again: the follow-up starts over
        row.void, row.follow_up_stage = False, FollowUpStage.CAUSES
    return row


async def drop_follow_up(session: AsyncSession, answers: list[Answer], question: str) -> None:
    """Forget a follow-up when its answer is raised to 3 or more (history keeps the old text)."""
    row = find_answer(answers, question, AnswerKind.FOLLOW_UP)
    if row is not None:
        if row.text:
            session.add(
                AnswerChange(answer_id=row.id, old_level=None, old_na=False, old_text=row.text)
            )
        row.void, row.follow_up_stage, row.text, row.causes = True, None, None, []
