"""The report's notes in the review's (and the dashboard's) language. Which notes apply is
``scoring.notes.note_facts``'s one rule; English is the report's own wording
(``scoring.notes.english``, ``satisfaction_rule``), the other languages word the same facts
here."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Final

from campaigns.exports.labels import GRADE_WORDS
from campaigns.review.figures import pct
from campaigns.review.texts import check_language
from scoring import CampaignReport
from scoring.indices import SATISFIED_ABOVE, GradeBands
from scoring.notes import Note, NoteKind, english, note_facts, satisfaction_rule
from survey.schema import Survey

Values = Mapping[str, float | int | None]

ZH_CN: Final[Mapping[NoteKind, Callable[[Values], str]]] = {
    NoteKind.NO_INVITATIONS: lambda v: "尚无回答：未发出任何邀请。",
    NoteKind.NO_ANSWERS: lambda v: f"尚无回答：已发出 {v['invited']} 份邀请，无人作答。",
    NoteKind.NOT_REPRESENTATIVE: lambda v: (
        f"不具代表性：回复率 {pct(v['rate'])}（邀请 {v['invited']} 份，完成 {v['completed']} 份）"
        f"低于目标 {pct(v['target'], 0)}。"
    ),
    NoteKind.RESPONSE_UNKNOWN: lambda v: "回复率未知：报告未获得邀请数据。",
    NoteKind.NO_SCORED_CUSTOMER: lambda v: "没有顾客得分：所有回答均为“无法回答”或缺失。",
    NoteKind.SMALL_SAMPLE: lambda v: (
        f"小样本：仅 {v['customers']} 家顾客有得分；各比率请按其 95% 置信区间解读，而非点值。"
    ),
    NoteKind.LOYALTY_UNDEFINED: lambda v: f"忠诚度无定义：没有顾客得分高于 {v['above']:g} 分。",
    NoteKind.UNSCORED_CUSTOMERS: lambda v: (
        f"{v['customers']} 家顾客只回答了“无法回答”，没有得分，不计为已调查顾客。"
    ),
    NoteKind.PARTIAL_RESPONSES: lambda v: (
        f"{v['partial']} 份未完成的答卷（已开始，未完成）计入得分，但不计入回复率。"
    ),
    NoteKind.NO_PREVIOUS: lambda v: "没有上次调查：趋势只与目标比较。",
    NoteKind.NO_OVERALL: lambda v: "没有总体印象题：未做关键驱动因素分析。",
    NoteKind.DATA_QUALITY: lambda v: (
        f"数据质量：{v['straight_lined']} 人直线作答，{v['speeding']} 人作答过快；"
        "均已标记，未从任何指标中剔除。"
    ),
}
WORDINGS: Final[Mapping[str, Callable[[Note], str]]] = {
    "en": english,
    "zh-CN": lambda note: ZH_CN[note.kind](note.values),
}


def review_notes(report: CampaignReport, survey: Survey, lang: str) -> list[str]:
    """The report's notes (as ``report.notes`` has them in English) in ``lang``."""
    word = WORDINGS[check_language(lang)]
    return [word(note) for note in note_facts(report, has_overall=survey.overall is not None)]


def rule_of_satisfaction(bands: GradeBands, lang: str) -> str:
    """``scoring.notes.satisfaction_rule`` in ``lang``: a score of exactly 80 is graded, not
    counted satisfied."""
    if check_language(lang) == "en":
        return satisfaction_rule(bands)
    (grade,) = bands.grade([SATISFIED_ABOVE])
    return (
        f"恰好 {SATISFIED_ABOVE:g} 分评为“{GRADE_WORDS[str(grade)][lang]}”，但不计为满意："
        f"满意率只计高于 {SATISFIED_ABOVE:g} 分的得分。"
    )
