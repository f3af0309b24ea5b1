"""Daily feedback (/feedback): what a respondent says outside any campaign (SPEC §2)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import Answer
from storage.types import utcnow
from survey.vocabulary import AnswerKind, FeedbackKind

FEEDBACK_KEY = "feedback"  # the question daily feedback is stored under


async def put_feedback(
    session: AsyncSession, respondent_id: int, text: str, kind: FeedbackKind | None = None
) -> Answer:
    """Store feedback; ``kind`` stays None until the respondent says whether it is a
    complaint (a complaint opens a ticket: storage.tickets.open_or_update_ticket)."""
    answer = Answer(
        respondent_id=respondent_id,
        question=FEEDBACK_KEY,
        kind=AnswerKind.FEEDBACK,
        text=text,
        causes=[],
        feedback_kind=kind,
        answered_at=utcnow(),
    )
    session.add(answer)
    await session.flush()
    return answer
