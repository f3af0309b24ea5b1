"""The drill-down: from a factor or item of a campaign to its 1–2 answers with causes, what
happened and comments (``…/low/{factor or question}``); from a customer to its respondents'
answers (``…/customers/{customer id}``). Names and answers only: no page here shows a token, a
survey link or a chat id, to any role."""

from __future__ import annotations

from typing import Final

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from dashboard.campaign_page import find_campaign
from dashboard.campaign_view import factor_label, item_label
from dashboard.deps import ReadDb, Viewer
from dashboard.drill_queries import MAX_ROWS, customer_answers, customer_of, low_answers
from dashboard.rendering import PREFIX, language_of, message_page, render
from storage.models import Campaign
from storage.surveys import get_survey
from survey.schema import Survey
from survey.wording import answer_label, cause_names

MAX_GROUP: Final = 40  # answers.question
MAX_CUSTOMER: Final = 80  # customers.external_id


def questions_of(survey: Survey, group: str) -> list[str] | None:
    """The questions a factor key (all its questions) or a question key names; None if neither."""
    if survey.question(group) is not None:
        return [group]
    if survey.factor(group) is not None:
        return [q.key for q in survey.questions() if q.factor == group]
    return None


def _level(survey: Survey, key: str, level: int, lang: str) -> str:
    question = survey.question(key)
    return str(level) if question is None else answer_label(question, level, lang)


def _causes(survey: Survey, key: str, causes: tuple[str, ...], lang: str) -> str:
    """The causes' names (none known to the question: nothing, not an empty "Causes:")."""
    question = survey.question(key)
    if question is None or not {a.key for a in question.attributes} & set(causes):
        return ""
    return cause_names(survey, key, causes, lang)


def drill_down_router() -> APIRouter:
    router = APIRouter(include_in_schema=False)

    @router.get(PREFIX + "/campaigns/{key}/low/{group}", response_class=HTMLResponse)
    async def low(
        request: Request, key: str, group: str, signed: Viewer, session: ReadDb
    ) -> Response:
        found = await find_campaign(request, session, key)
        if not isinstance(found, Campaign):
            return found
        survey = await get_survey(session, found.survey_id)
        questions = questions_of(survey, group) if len(group) <= MAX_GROUP else None
        if questions is None:
            return message_page(
                request,
                "not_found_title",
                "not_found_question",
                status=404,
                group=group[:MAX_GROUP],
            )
        lang = language_of(request)
        rows, total = await low_answers(session, found.id, questions)
        is_factor = survey.question(group) is None
        what = factor_label(survey, group, lang) if is_factor else item_label(survey, group, lang)
        shown = [
            {
                "row": row,
                "question": item_label(survey, row.question, lang),
                "level": _level(survey, row.question, row.level, lang),
                "causes": _causes(survey, row.question, row.causes, lang),
            }
            for row in rows
        ]
        return render(
            request,
            "low_answers.html",
            {
                "campaign": found,
                "what": what,
                "rows": shown,
                "total": total,
                "limited": total > MAX_ROWS,
                "max_rows": MAX_ROWS,
                "nav": "campaigns",
                "several_questions": len(questions) > 1,
            },
        )

    @router.get(PREFIX + "/campaigns/{key}/customers/{customer}", response_class=HTMLResponse)
    async def customer(
        request: Request, key: str, customer: str, signed: Viewer, session: ReadDb
    ) -> Response:
        found = await find_campaign(request, session, key)
        if not isinstance(found, Campaign):
            return found
        usable = len(customer) <= MAX_CUSTOMER and "\x00" not in customer  # PostgreSQL refuses NUL
        row = await customer_of(session, customer) if usable else None
        if row is None:
            return message_page(
                request,
                "not_found_title",
                "not_found_customer",
                status=404,
                id=customer[:MAX_CUSTOMER],
            )
        survey = await get_survey(session, found.survey_id)
        lang = language_of(request)
        people = await customer_answers(session, found.id, row.id)
        questions = [(q.key, item_label(survey, q.key, lang), q) for q in survey.questions()]
        return render(
            request,
            "customer_answers.html",
            {
                "campaign": found,
                "customer": row,
                "people": people,
                "questions": questions,
                "answer_label": lambda q, level: answer_label(q, level, lang),
                "nav": "campaigns",
            },
        )

    return router
