"""Ticket severity and the 20/80 split into opinion tickets and internal memos (SPEC §4.7).

Every factor or item answered 1–2 opens a ticket (SPEC §2). Its severity is (3 − level) ×
customer weight, so a 1 from a key account (weight 2) weighs 4. When a campaign is analysed the
most severe 20 % (rounded up, at least one; ties go to the earlier answer) become
``opinion_ticket`` (客户意见处理单, sent to the responsible unit), the rest ``internal_memo``.
"""

from __future__ import annotations

import math

import numpy as np
import numpy.typing as npt
import pandas as pd

from scoring.frames import answer_levels, kind_mask, require_columns, unable_mask
from survey.schema import LOW_LEVELS
from survey.vocabulary import AnswerKind, TicketKind

OPINION_TICKET = TicketKind.OPINION_TICKET
INTERNAL_MEMO = TicketKind.INTERNAL_MEMO
OPINION_SHARE = 0.2

LOW_COLUMNS: tuple[str, ...] = (
    "question", "respondent_id", "customer_id", "level", "customer_weight", "answered_at",
)  # fmt: skip
#: Columns of ``split_tickets``, most severe first.
SPLIT_COLUMNS: tuple[str, ...] = (
    "question", "respondent_id", "customer_id", "level", "severity", "kind",
)  # fmt: skip


def severity(level: npt.ArrayLike, customer_weight: npt.ArrayLike) -> npt.NDArray[np.float64]:
    """(3 − level) × customer weight: 1 → 2w, 2 → w."""
    result: npt.NDArray[np.float64] = (3 - np.asarray(level, dtype=float)) * np.asarray(
        customer_weight, dtype=float
    )
    return result


def low_answers(answers: pd.DataFrame) -> pd.DataFrame:
    """The Likert answers at level 1–2 (columns ``LOW_COLUMNS``), each of which is a ticket."""
    levels = answer_levels(answers)
    mask = kind_mask(answers, AnswerKind.LIKERT) & ~unable_mask(answers)
    mask &= np.isin(levels, tuple(LOW_LEVELS))
    low = answers.loc[mask, list(LOW_COLUMNS)].reset_index(drop=True)
    low["level"] = levels[mask].astype(np.int64)
    return low


def opinion_count(tickets: int, share: float = OPINION_SHARE) -> int:
    """How many of ``tickets`` become opinion tickets: ⌈share · n⌉, at least one if any."""
    if tickets <= 0:
        return 0
    # round first so that 0.2 · 15 = 3.0000000000000004 does not round up to 4
    return max(1, math.ceil(round(tickets * share, 9)))


def split_tickets(low: pd.DataFrame, *, share: float = OPINION_SHARE) -> pd.DataFrame:
    """Rank the low answers by severity (desc), then by answer time (asc), and split them.

    ``low`` needs ``LOW_COLUMNS`` (as ``low_answers`` gives). The result has ``SPLIT_COLUMNS``,
    most severe first; rows with equal severity and time keep their input order.
    """
    require_columns(low, LOW_COLUMNS, "low answers")
    if not 0 < share <= 1:
        raise ValueError(f"the opinion-ticket share must lie in (0, 1], got {share}")
    ranked = low.assign(
        severity=severity(low["level"], low["customer_weight"]),
        answered_at=pd.to_datetime(low["answered_at"], utc=True),
    ).sort_values(["severity", "answered_at"], ascending=[False, True], kind="stable")
    kinds = np.full(len(ranked), INTERNAL_MEMO, dtype=object)
    kinds[: opinion_count(len(ranked), share)] = OPINION_TICKET
    ranked["kind"] = kinds
    ranked["level"] = ranked["level"].astype(np.int64)
    return ranked[list(SPLIT_COLUMNS)].reset_index(drop=True)


#: Columns of ``ticket_summary``.
SUMMARY_COLUMNS: tuple[str, ...] = (
    "question", "tickets", "opinion_tickets", "internal_memos", "max_severity",
    "total_severity",
)  # fmt: skip


def ticket_summary(split: pd.DataFrame, questions: list[str]) -> pd.DataFrame:
    """Tickets per question in survey order (columns ``SUMMARY_COLUMNS``), none left out."""
    frame = split.assign(opinion=split["kind"] == OPINION_TICKET)
    grouped = frame.groupby("question", sort=False).agg(
        tickets=("kind", "size"), opinion_tickets=("opinion", "sum"),
        max_severity=("severity", "max"), total_severity=("severity", "sum"),
    )  # fmt: skip
    grouped = grouped.reindex(questions)
    counts = ["tickets", "opinion_tickets"]
    grouped[counts] = grouped[counts].fillna(0).astype(np.int64)
    grouped["total_severity"] = grouped["total_severity"].fillna(0.0)
    grouped["internal_memos"] = grouped["tickets"] - grouped["opinion_tickets"]
    return grouped.rename_axis("question").reset_index()[list(SUMMARY_COLUMNS)]
