"""How a survey's steps are worded for a respondent, whatever the channel: the question with
its progress and factor, a question's short name, the apology before the causes, an answer's
label, the summary's entries. Channels lay these out (chat messages, web pages)."""

from __future__ import annotations

from survey.flow import COMMENT_CURSOR, NPS_CURSOR, FlowState
from survey.schema import Question, Survey
from survey.texts import CLAUSE_MARKS, level_label, pick, shorten, t

LABEL_LENGTH = 32  # a question without a label is named by its text cut to this
COMMENT_LENGTH = 60  # the comment as the summary quotes it


def question_text(
    survey: Survey, question: Question, number: int, total: int, lang: str | None
) -> str:
    """Progress, the factor's name above an item, and the question: a factor asked itself has
    no name above it, which would only repeat the question."""
    text = pick(question.text, lang)
    factor = factor_name(survey, question, lang)
    if factor is None:
        return t("question_alone", lang, number=number, total=total, text=text)
    return t("question", lang, number=number, total=total, factor=factor, text=text)


def factor_name(survey: Survey, question: Question, lang: str | None) -> str | None:
    """The name of the factor above an item (None for a factor asked itself)."""
    factor = survey.factor(question.factor)
    if question.item is None or factor is None:
        return None
    return pick(factor.text, lang)


def question_label(question: Question, lang: str | None) -> str:
    """A few words naming a question: its label, else its text shortened."""
    if question.label:
        return pick(question.label, lang)
    return shorten(pick(question.text, lang), LABEL_LENGTH)


def apology(question: Question, lang: str | None) -> str:
    """ "Sorry that you are not satisfied with …" or, for an agreement statement, "Sorry that
    you disagree that …", without the question's own closing mark."""
    if question.is_statement:
        statement = pick(question.text, lang).strip().rstrip(CLAUSE_MARKS)
        if lang != "zh-CN" and _lowercase_start(statement):
            statement = statement[0].lower() + statement[1:]
        return t("sorry_disagree", lang, statement=statement)
    subject = question_label(question, lang).rstrip(CLAUSE_MARKS + "…")
    return t("sorry_dissatisfied", lang, subject=subject)


def _lowercase_start(text: str) -> bool:
    """ "Our team …" becomes "our team …" inside a sentence; "RoHS …" and "I …" stay."""
    return len(text) > 1 and text[0].isupper() and text[1].islower()


def answer_label(question: Question, level: int | None, lang: str | None) -> str:
    return t("unable", lang) if level is None else level_label(question.scale, level, lang)


def summary_entries(survey: Survey, state: FlowState) -> list[tuple[str, str, str]]:
    """(key, label, answer) of everything asked, NPS and comment included: each can be
    changed, under the same number in the summary and in the change-an-answer menu."""
    lang = state.language
    entries = [
        (q.key, question_label(q, lang), answer_label(q, state.likert.get(q.key), lang))
        for q in survey.questions()
        if q.key in state.likert
    ]
    if survey.nps:
        nps = t("skipped", lang) if state.nps is None else str(state.nps)
        entries.append((NPS_CURSOR, t("nps_label", lang), nps))
    if survey.comment:
        comment = state.comment
        shown = t("skipped", lang) if comment is None else shorten(comment, COMMENT_LENGTH)
        entries.append((COMMENT_CURSOR, t("comment_label", lang), shown))
    return entries


def closing_label(key: str, lang: str | None) -> str:
    """The name of the NPS question or the comment, as the change-an-answer menu shows it."""
    labels = {NPS_CURSOR: "nps_label", COMMENT_CURSOR: "comment_label"}
    return t(labels[key], lang) if key in labels else key


def cause_names(survey: Survey, key: str, causes: tuple[str, ...], lang: str | None) -> str:
    """ "Causes: …" of a follow-up, in the respondent's language."""
    question = survey.question(key)
    if question is None or not causes:
        return t("no_causes", lang)
    names = [pick(a.text, lang) for a in question.attributes if a.key in causes]
    return t(
        "causes_chosen", lang, causes="、".join(names) if lang == "zh-CN" else ", ".join(names)
    )
