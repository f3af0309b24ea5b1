"""What a survey page shows, pure: a step of the flow (with the respondent's answers) as the
template to render and its values. The routes add the form's hidden fields and the notice.

Every page of a step is one form: its buttons post ``do`` = what was pressed (``level:4``,
``toggle:2``, ``nps:7``, ``change:QU.product``, ``back``, ``skip``, …) and ``key`` = the step
shown (a question key, ``nps`` or ``comment``), which ``web.forms`` turns back into an event.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from survey.actions import NPS_RANGE
from survey.flow import (
    COMMENT_CURSOR,
    NPS_CURSOR,
    AskCauses,
    AskComment,
    AskLanguage,
    AskLikert,
    AskNps,
    AskWhatHappened,
    ChooseChange,
    Done,
    FlowState,
    Greeting,
    Step,
    Summary,
)
from survey.flow import progress as answered_of
from survey.schema import LEVELS, Survey
from survey.texts import LANGUAGE_NAMES, level_label, pick
from survey.wording import apology, factor_name, question_label, summary_entries
from web.texts import w


@dataclass(frozen=True, slots=True)
class Page:
    """A template and its values; ``key`` is the step the page's form answers."""

    template: str
    values: dict[str, Any] = field(default_factory=dict)
    key: str = ""


@dataclass(frozen=True, slots=True)
class Choice:
    """One button: what it posts, its words, whether it is the answer given now."""

    do: str
    label: str
    current: bool = False


def step_page(
    survey: Survey,
    state: FlowState,
    step: Step,
    name: str | None,
    *,
    text: str | None = None,
    submitted: bool = False,
) -> Page:
    """The page of ``step``; ``text`` refills a text field that was refused."""
    lang = state.language
    match step:
        case AskLanguage():
            choices = [
                Choice(f"language:{code}", LANGUAGE_NAMES[code])
                for code in survey.languages
                if code in LANGUAGE_NAMES
            ]
            return Page("language.html", {"choices": choices})
        case Greeting():
            greeting = w(
                "greeting",
                lang,
                name=name or w("there", lang),
                title=pick(survey.title, lang),
                count=len(survey.questions()),
                minutes=survey.estimated_minutes(),
            )
            return Page("greeting.html", {"paragraphs": greeting.split("\n")})
        case AskLikert(question, number, total):
            given = state.likert.get(question.key, ...)
            levels = [
                Choice(f"level:{level}", level_label(question.scale, level, lang), given == level)
                for level in sorted(LEVELS, reverse=True)
            ]
            values = {
                "number": number,
                "total": total,
                "factor": factor_name(survey, question, lang),
                "question": pick(question.text, lang),
                "levels": levels,
                "unable": Choice("level:na", w("unable", lang), given is None),
                "back": number > 1,
                "percent": round(100 * answered_of(survey, state)[0] / max(total, 1)),
            }
            return Page("likert.html", values, question.key)
        case AskCauses(question, selected):
            causes = [
                Choice(f"toggle:{index}", pick(a.text, lang), a.key in selected)
                for index, a in enumerate(question.attributes)
            ]
            values = {"sorry": apology(question, lang), "causes": causes}
            return Page("causes.html", values, question.key)
        case AskWhatHappened(question):
            follow_up = state.follow_ups.get(question.key)
            values = {
                "prompt": w("what_happened_web", lang),
                "subject": question_label(question, lang),
                "text": text if text is not None else (follow_up.text if follow_up else None),
            }
            return Page("text.html", values, question.key)
        case AskNps():
            scores = [
                Choice(f"nps:{s}", str(s), state.nps_done and state.nps == s) for s in NPS_RANGE
            ]
            return Page("nps.html", {"scores": scores}, NPS_CURSOR)
        case AskComment():
            values = {
                "prompt": w("comment_web", lang),
                "subject": w("comment_label", lang),
                "text": text if text is not None else state.comment,
            }
            return Page("text.html", values, COMMENT_CURSOR)
        case Summary() | ChooseChange():
            entries = [
                {"number": n, "do": f"change:{key}", "label": label, "value": value}
                for n, (key, label, value) in enumerate(summary_entries(survey, state), start=1)
            ]
            return Page("summary.html", {"entries": entries, "choosing": step == ChooseChange()})
        case Done():
            return Page("done.html", {"submitted": submitted})
    raise AssertionError(step)
