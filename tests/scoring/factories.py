"""Builders of surveys, answers and invitations frames for the scoring tests.

``worked_example()`` is SPEC §4's table; ``weighted_four_example()`` is its seed 003 example.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

import pandas as pd

from survey.schema import Survey

NA = None  # "unable to comment" in a respondent's answer map
START = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
ECSS_FACTORS = ("GI", "TS", "QU", "SP", "VA")


def _texts(name: str) -> dict[str, str]:
    return {"en": name}


def make_survey(
    factors: Sequence[Mapping[str, Any]],
    *,
    key: str = "test",
    overall: str | None = None,
    points: Any = "default",
    targets: Mapping[str, float] | None = None,
) -> Survey:
    """A one-language survey; each factor is {key, weight?, items?: [(key, weight), ...]}."""
    data: dict[str, Any] = {
        "key": key,
        "title": _texts(key),
        "languages": ["en"],
        "default_language": "en",
        "points": points,
        "overall": overall,
        "factors": [
            {
                "key": f["key"],
                "text": _texts(f["key"]),
                "weight": f.get("weight", 1.0),
                "items": [
                    {"key": k, "text": _texts(k), "weight": w} for k, w in f.get("items", ())
                ],
            }
            for f in factors
        ],
    }
    if targets is not None:
        data["targets"] = dict(targets)
    return Survey.model_validate(data)


def ecss_survey(*, overall: str | None = "GI", points: Any = "default") -> Survey:
    """Five equally weighted item-less factors, as in SPEC §4's worked example."""
    return make_survey(
        [{"key": k} for k in ECSS_FACTORS], key="ecss-5", overall=overall, points=points
    )


def weighted_four_survey() -> Survey:
    """Seed 003's weighted questionnaire (SPEC §2 template 3)."""
    return make_survey(
        [
            {"key": "QU", "weight": 40,
             "items": [("appearance", 10), ("packaging", 10), ("technical", 80)]},
            {"key": "SV", "weight": 30,
             "items": [("timeliness", 30), ("effectiveness", 30), ("attitude", 20),
                       ("opinions", 20)]},
            {"key": "PR", "weight": 20, "items": [("price", 80), ("freight", 20)]},
            {"key": "DE", "weight": 10, "items": [("timeliness", 50), ("reliability", 50)]},
        ],
        key="weighted-4",
    )  # fmt: skip


@dataclass
class Respondent:
    """One respondent's answers: question key → level (None = unable to comment)."""

    respondent_id: str
    customer_id: str
    answers: Mapping[str, int | None]
    customer_class: str = "B"
    customer_weight: float = 1.0
    business_unit: str = "BU1"
    role: str = "quality"
    nps: int | None = None
    extra: list[dict[str, Any]] = field(default_factory=list)


def answers_frame(
    respondents: Iterable[Respondent],
    *,
    campaign: str = "2026Q1",
    survey: str = "ecss-5",
    start: datetime = START,
) -> pd.DataFrame:
    """The answers export (SPEC §7 columns) of some respondents, one minute per answer."""
    rows: list[dict[str, Any]] = []
    clock = start
    for r in respondents:
        base = {
            "campaign": campaign, "survey": survey, "customer_id": r.customer_id,
            "customer_name": f"Customer {r.customer_id}", "customer_class": r.customer_class,
            "customer_weight": r.customer_weight, "business_unit": r.business_unit,
            "respondent_id": r.respondent_id, "role": r.role, "language": "en",
            "channel": "telegram", "text": None,
        }  # fmt: skip
        for question, level in r.answers.items():
            factor, _, item = question.partition(".")
            rows.append(
                {
                    **base,
                    "question": question,
                    "factor": factor,
                    "item": item or None,
                    "kind": "likert",
                    "level": level,
                    "na": level is None,
                    "answered_at": clock,
                }
            )
            clock += timedelta(minutes=1)
        if r.nps is not None:
            rows.append(
                {
                    **base,
                    "question": "nps",
                    "factor": None,
                    "item": None,
                    "kind": "nps",
                    "level": r.nps,
                    "na": False,
                    "answered_at": clock,
                }
            )
        rows.extend({**base, **extra} for extra in r.extra)
    frame = pd.DataFrame(rows, columns=list(ANSWER_COLUMNS))
    frame["level"] = frame["level"].astype("Int64")
    frame["na"] = frame["na"].astype(bool)
    frame["answered_at"] = pd.to_datetime(frame["answered_at"], utc=True)
    return frame


ANSWER_COLUMNS = (
    "campaign", "survey", "customer_id", "customer_name", "customer_class", "customer_weight",
    "business_unit", "respondent_id", "role", "language", "question", "factor", "item", "kind",
    "level", "na", "text", "answered_at", "channel",
)  # fmt: skip

WORKED_EXAMPLE: tuple[tuple[str, str, str, float, tuple[int | None, ...]], ...] = (
    ("C1", "KA", "r1", 2.0, (5, 4, 5, 4, 3)),
    ("C1", "KA", "r2", 2.0, (4, 4, 2, NA, 4)),
    ("C2", "B", "r3", 1.0, (3, 2, 3, 3, 4)),
    ("C3", "B", "r4", 1.0, (5, 5, 5, 5, 4)),
    ("C3", "B", "r5", 1.0, (5, 4, 5, 5, 5)),
)


def worked_respondents() -> list[Respondent]:
    """SPEC §4's five respondents (C1 in BU1, C2 and C3 in BU2)."""
    return [
        Respondent(
            rid,
            cid,
            dict(zip(ECSS_FACTORS, levels, strict=True)),
            cls,
            weight,
            business_unit="BU1" if cid == "C1" else "BU2",
            role="quality" if rid in {"r1", "r3", "r4"} else "purchasing",
        )
        for cid, cls, rid, weight, levels in WORKED_EXAMPLE
    ]


def worked_example(campaign: str = "2026Q1") -> pd.DataFrame:
    """SPEC §4's worked example as an answers frame."""
    return answers_frame(worked_respondents(), campaign=campaign)


def weighted_four_answers(packaging: int | None = 5) -> pd.DataFrame:
    """Seed 003's one respondent (SPEC §4.2), packaging optionally "unable to comment"."""
    levels = {
        "QU.appearance": 4, "QU.packaging": packaging, "QU.technical": 3,
        "SV.timeliness": 5, "SV.effectiveness": 4, "SV.attitude": 4, "SV.opinions": 2,
        "PR.price": 3, "PR.freight": 4, "DE.timeliness": 4, "DE.reliability": 5,
    }  # fmt: skip
    return answers_frame([Respondent("r1", "C1", levels)], survey="weighted-4")


def invitations_frame(
    states: Mapping[str, str],
    *,
    campaign: str = "2026Q1",
    minutes: Mapping[str, float] | None = None,
    customers: Mapping[str, str] | None = None,
) -> pd.DataFrame:
    """Invitations with a state per respondent; completed ones take ``minutes`` (default 5)."""
    rows = []
    for rid, state in states.items():
        started = START if state in {"started", "completed"} else None
        took = (minutes or {}).get(rid, 5.0)
        completed = START + timedelta(minutes=took) if state == "completed" else None
        rows.append(
            {
                "campaign": campaign,
                "respondent_id": rid,
                "customer_id": (customers or {}).get(rid, "C?"),
                "state": state,
                "started_at": started,
                "completed_at": completed,
            }
        )
    frame = pd.DataFrame(
        rows,
        columns=["campaign", "respondent_id", "customer_id", "state", "started_at", "completed_at"],
    )
    for column in ("started_at", "completed_at"):
        frame[column] = pd.to_datetime(frame[column], utc=True)
    return frame


def worked_invitations(campaign: str = "2026Q1") -> pd.DataFrame:
    """The five worked-example respondents completed; one more invited who never answered."""
    states = {r.respondent_id: "completed" for r in worked_respondents()} | {"r6": "sent"}
    owners = {r.respondent_id: r.customer_id for r in worked_respondents()} | {"r6": "C2"}
    return invitations_frame(states, campaign=campaign, customers=owners)
