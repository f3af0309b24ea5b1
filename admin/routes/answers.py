"""``/answers``: a campaign's answers, page by page, in the columns of the SPEC §7 export."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from admin.deps import SessionDep, ViewerKey
from admin.pagination import PageDep
from admin.routes.lookups import campaign_or_404, survey_of
from admin.schemas.answers import AnswerPublic, AnswersPublic
from admin.schemas.fields import CampaignKeyText
from storage.answer_lists import answers_page
from survey.vocabulary import AnswerKind

router = APIRouter(prefix="/answers", tags=["answers"])
FACTOR_KINDS = (AnswerKind.LIKERT, AnswerKind.FOLLOW_UP)  # nps and the comment: no factor


@router.get("")
async def list_answers(
    session: SessionDep,
    _key: ViewerKey,
    page: PageDep,
    campaign: Annotated[CampaignKeyText, Query(description="A campaign key")],
    kind: Annotated[Literal["likert", "followup", "comment", "nps"] | None, Query()] = None,
) -> AnswersPublic:
    """A campaign's answers in the order given; void follow-ups (a 1–2 changed to 3+) left
    out, as in the exports and the report."""
    found = await campaign_or_404(session, campaign)
    survey_key = (await survey_of(session, found)).key
    rows, count = await answers_page(
        session, campaign_id=found.id, kind=kind, limit=page.limit, offset=page.offset
    )
    data = []
    for answer, respondent, customer in rows:
        factor, _, item = answer.question.partition(".")
        in_factor = answer.kind in FACTOR_KINDS
        data.append(
            AnswerPublic(
                campaign=found.key,
                survey=survey_key,
                customer_id=customer.external_id,
                customer_name=customer.name,
                customer_class=customer.customer_class,
                customer_weight=customer.weight,
                business_unit=customer.business_unit,
                respondent_id=respondent.external_id,
                role=respondent.role,
                language=respondent.language,
                question=answer.question,
                factor=factor if in_factor else None,
                item=(item or None) if in_factor else None,
                kind=answer.kind,
                level=answer.level,
                na=answer.na,
                text=answer.text,
                answered_at=answer.answered_at,
                channel=answer.channel,
            )
        )
    return AnswersPublic(data=data, count=count, limit=page.limit, offset=page.offset)
