"""Imported answers against the campaign's questionnaire: does each line fit the survey?

Pure: each record either fits or gets one ImportRowError naming the field and what is wrong,
so a file's good lines are kept and its bad ones reported by line (like the people imports).
"""

from __future__ import annotations

from survey.errors import ImportRowError
from survey.records import AnswerKey, AnswerRecord
from survey.schema import LEVELS, Question, Survey
from survey.vocabulary import AnswerKind

Problem = tuple[str, str]  # (field, what is wrong)
SCALE = f"{LEVELS[0]}–{LEVELS[-1]}"


def fitting_answers(
    survey: Survey, records: list[tuple[int, AnswerRecord]]
) -> tuple[list[tuple[int, AnswerRecord]], list[ImportRowError]]:
    """The records that fit ``survey``, and an error for each line that does not or that
    repeats an earlier fitting line's answer (the first is kept, never silently overwritten)."""
    kept: list[tuple[int, AnswerRecord]] = []
    errors: list[ImportRowError] = []
    first: dict[AnswerKey, int] = {}
    questions = {q.key: q for q in survey.questions()}  # survey.question() builds them each call
    for line, record in records:
        problem = answer_problem(survey, record, questions)
        if problem is None and record.answer in first:
            problem = (
                "answer",
                f"{record.answer!r} repeats line {first[record.answer]}, which is kept",
            )
        if problem is None:
            first[record.answer] = line
            kept.append((line, record))
        else:
            errors.append(ImportRowError(line, *problem))
    return kept, errors


def answer_problem(
    survey: Survey, record: AnswerRecord, questions: dict[str, Question] | None = None
) -> Problem | None:
    """What keeps ``record`` out of a campaign of ``survey`` (whose ``questions`` by key may be
    given), or None when it fits."""
    if record.survey is not None and record.survey != survey.key:
        return "survey", f"the campaign's survey is {survey.key}, not {record.survey}"
    match record.kind:
        case AnswerKind.LIKERT | AnswerKind.FOLLOW_UP:
            known = questions if questions is not None else {q.key: q for q in survey.questions()}
            return _factor_problem(survey, record, known.get(record.question))
        case AnswerKind.NPS:
            if not survey.nps:
                return "kind", f"survey {survey.key} asks no NPS question"
            return _closing_problem(record) or _given(record, "a score 0–10")
        case _:  # the comment
            if not survey.comment:
                return "kind", f"survey {survey.key} asks for no comment"
            if record.level is not None:
                return "level", "a comment has no level"
            return _closing_problem(record)


def _factor_problem(
    survey: Survey, record: AnswerRecord, question: Question | None
) -> Problem | None:
    if question is None:
        return "question", f"survey {survey.key} has no question {record.question!r}"
    if record.factor is not None and record.factor != question.factor:
        return "factor", f"{question.key} is a question of factor {question.factor}"
    if record.item is not None and record.item != question.item:
        return "item", f"{question.key} is not a question of item {record.item}"
    if record.kind == AnswerKind.FOLLOW_UP:
        return None if record.level is None else ("level", "a follow-up has no level")
    if record.level is not None and record.level not in LEVELS:
        return "level", f"level {record.level} is not on the {SCALE} scale"
    return _given(record, f"a level {SCALE}")


def _closing_problem(record: AnswerRecord) -> Problem | None:
    """The NPS and the comment are keyed by their kind's name."""
    if record.question != record.kind:
        return (
            "question",
            f"the {record.kind} answer's question is {record.kind}, not {record.question!r}",
        )
    return None


def _given(record: AnswerRecord, needs: str) -> Problem | None:
    """An answer is a value or "unable to comment" (na), never both or neither."""
    if record.na and record.level is not None:
        return "na", "na=true (unable to comment) and a level together; keep one"
    if not record.na and record.level is None:
        return "level", f"no level: give {needs}, or na=true for unable to comment"
    return None
