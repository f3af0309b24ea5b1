"""Severity and the 20/80 split into opinion tickets and internal memos (SPEC §4.7)."""

from __future__ import annotations

from datetime import timedelta

import pandas as pd
import pytest

from scoring.tickets import (
    INTERNAL_MEMO,
    OPINION_TICKET,
    SPLIT_COLUMNS,
    low_answers,
    opinion_count,
    severity,
    split_tickets,
    ticket_summary,
)
from tests.scoring import factories


def low_frame(rows: list[tuple[str, int, float, int]]) -> pd.DataFrame:
    """Low answers (respondent, level, weight, minute answered)."""
    return pd.DataFrame({
        "question": ["QU"] * len(rows),
        "respondent_id": [r[0] for r in rows],
        "customer_id": [f"C-{r[0]}" for r in rows],
        "level": [r[1] for r in rows],
        "customer_weight": [r[2] for r in rows],
        "answered_at": [factories.START + timedelta(minutes=r[3]) for r in rows],
    })  # fmt: skip


def test_severity_is_three_minus_level_times_weight() -> None:
    assert list(severity([1, 2, 1, 2], [2, 2, 1, 1])) == [4.0, 2.0, 2.0, 1.0]


@pytest.mark.parametrize(
    ("n", "expected"),
    [(0, 0), (1, 1), (2, 1), (5, 1), (6, 2), (10, 2), (11, 3), (15, 3), (16, 4), (100, 20)],
)
def test_opinion_count_rounds_up_with_at_least_one(n: int, expected: int) -> None:
    assert opinion_count(n) == expected


def test_low_answers_of_the_worked_example(worked: pd.DataFrame) -> None:
    low = low_answers(worked)
    assert list(zip(low["respondent_id"], low["question"], low["level"], strict=True)) == [
        ("r2", "QU", 2),
        ("r3", "TS", 2),
    ]


def test_split_orders_by_severity_then_earlier_answer() -> None:
    low = low_frame(
        [
            ("a", 2, 1.0, 0),
            ("b", 1, 2.0, 9),
            ("c", 1, 1.0, 5),
            ("d", 2, 2.0, 3),
            ("e", 1, 1.0, 2),
            ("f", 2, 1.0, 1),
        ]
    )
    split = split_tickets(low)
    assert tuple(split.columns) == SPLIT_COLUMNS
    # severities: a 1, b 4, c 2, d 2, e 2, f 1 → b, then d/e/c by time (3, 2, 5 → e, d, c)
    assert list(split["respondent_id"]) == ["b", "e", "d", "c", "a", "f"]
    assert list(split["kind"]) == [OPINION_TICKET] * 2 + [INTERNAL_MEMO] * 4


def test_a_single_ticket_is_an_opinion_ticket() -> None:
    split = split_tickets(low_frame([("a", 2, 1.0, 0)]))
    assert list(split["kind"]) == [OPINION_TICKET]


def test_no_low_answers_no_tickets() -> None:
    split = split_tickets(low_frame([]))
    assert split.empty and tuple(split.columns) == SPLIT_COLUMNS


def test_share_is_checked() -> None:
    with pytest.raises(ValueError, match="share"):
        split_tickets(low_frame([("a", 2, 1.0, 0)]), share=0)
    with pytest.raises(ValueError, match="lacks column"):
        split_tickets(low_frame([]).drop(columns="customer_weight"))


def test_ticket_summary_lists_every_question(worked: pd.DataFrame) -> None:
    summary = ticket_summary(split_tickets(low_answers(worked)), ["GI", "TS", "QU", "SP", "VA"])
    table = summary.set_index("question")
    assert table["tickets"].to_dict() == {"GI": 0, "TS": 1, "QU": 1, "SP": 0, "VA": 0}
    assert table.loc["QU", "opinion_tickets"] == 1 and table.loc["TS", "internal_memos"] == 1
    assert table.loc["QU", "max_severity"] == 2.0 and pd.isna(table.loc["GI", "max_severity"])
