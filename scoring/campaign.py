"""One campaign's input (``CampaignData``) and everything scored from it (``CampaignScores``).

A report scores the current campaign and, for its trends, the previous campaign of the same
survey the same way; this module is that shared step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from scoring.breakdown import breakdown_units, index_tables
from scoring.cells import answer_cells, cell_sums
from scoring.frames import nps_answers, scored_answers, validate_invitations
from scoring.indices import CUSTOMER, DEFAULT_BANDS, GradeBands, customer_scores
from scoring.rates import (
    DETRACTOR_LEVELS,
    PROMOTER_LEVELS,
    ResponseRate,
    nps_table,
    response_rate,
)
from survey.schema import Survey

#: Breakdown name in a report → ``index_table``'s ``by``.
BREAKDOWNS: dict[str, str | None] = {
    "total": None,
    "factor": "factor",
    "item": "question",
    "business_unit": "business_unit",
    "role": "role",
    "customer_class": "customer_class",
    "customer": "customer_id",
}
#: Breakdowns that NPS (a per-respondent question) supports.
NPS_BREAKDOWNS: tuple[str, ...] = ("total", "business_unit", "role", "customer_class")
#: Breakdowns whose groups are segments of the customers (one trend family).
SEGMENTS: tuple[str, ...] = ("business_unit", "role", "customer_class")
#: The breakdowns a previous campaign's trends compare (not the per-customer table).
TREND_BREAKDOWNS: tuple[str, ...] = ("total", "factor", "item", *SEGMENTS)


@dataclass(frozen=True)
class CampaignData:
    """A campaign's answers (SPEC §7 export + customer weight/class) and its invitations.

    Rows of other campaigns in either frame are ignored, so a whole export may be passed.
    """

    campaign: str
    answers: pd.DataFrame
    invitations: pd.DataFrame | None = None


@dataclass(frozen=True)
class CampaignScores:
    """The scored campaign: points, customer scores, index tables, NPS and response rate, and
    the customer-level figures behind each table (``units``, ``breakdown.UNIT_COLUMNS``;
    ``nps_units``: per customer, the sum of its respondents' ±100 and their number)."""

    campaign: str
    points: pd.DataFrame
    customers: pd.DataFrame
    tables: dict[str, pd.DataFrame]
    nps: pd.DataFrame
    response: ResponseRate
    answers: pd.DataFrame = field(repr=False)
    invitations: pd.DataFrame | None = field(repr=False, default=None)
    units: dict[str, pd.DataFrame] = field(repr=False, default_factory=dict)
    nps_units: tuple[np.ndarray, np.ndarray] = field(repr=False, default=(np.zeros(0), np.zeros(0)))


def only_campaign(frame: pd.DataFrame, campaign: str) -> pd.DataFrame:
    """The rows of one campaign (the frame itself when it holds no other campaign)."""
    mask = np.asarray(frame["campaign"].to_numpy(dtype=object) == campaign, dtype=bool)
    if mask.all():
        return frame
    return frame[mask].reset_index(drop=True)


def score_campaign(
    survey: Survey,
    data: CampaignData,
    *,
    bands: GradeBands = DEFAULT_BANDS,
    breakdowns: tuple[str, ...] = tuple(BREAKDOWNS),
) -> CampaignScores:
    """Validate and score one campaign's answers and invitations; ``tables`` and ``units``
    hold the ``breakdowns`` named (keys of ``BREAKDOWNS``; all of them by default)."""
    unknown = [name for name in breakdowns if name not in BREAKDOWNS]
    if unknown:
        raise ValueError(f"unknown breakdown(s) {unknown}; use {list(BREAKDOWNS)}")
    if "campaign" not in data.answers.columns:
        raise ValueError("answers frame lacks column 'campaign'")
    answers = only_campaign(data.answers, data.campaign)
    invitations = data.invitations
    if invitations is not None:
        validate_invitations(invitations)
        invitations = only_campaign(invitations, data.campaign)
    points = scored_answers(survey, answers)
    cells = answer_cells(points, CUSTOMER)
    customers = customer_scores(survey, points, bands, cells=cells)
    units = {
        name: breakdown_units(survey, points, BREAKDOWNS[name], cells=cells, customers=customers)
        for name in breakdowns
    }
    by_dimension = index_tables(
        survey,
        points,
        tuple(BREAKDOWNS[name] for name in breakdowns),
        bands=bands,
        cells=cells,
        customers=customers,
        units={BREAKDOWNS[name]: units[name] for name in breakdowns},
    )
    tables = {name: by_dimension[BREAKDOWNS[name]] for name in breakdowns}
    nps = nps_answers(answers)
    nps_tables = [
        nps_table(nps, BREAKDOWNS[name]).assign(dimension=name) for name in NPS_BREAKDOWNS
    ]
    nps_frame = pd.concat(nps_tables, ignore_index=True)
    nps_frame = nps_frame[["dimension", *[c for c in nps_frame.columns if c != "dimension"]]]
    return CampaignScores(
        campaign=data.campaign,
        points=points,
        customers=customers,
        tables=tables,
        nps=nps_frame,
        response=response_rate(invitations, survey.targets.response_rate),
        answers=answers,
        invitations=invitations,
        units=units,
        nps_units=_nps_units(nps),
    )


def _nps_units(nps: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Per customer: the sum of its respondents' NPS as +100 / 0 / −100, and their number."""
    level = nps["level"].to_numpy()
    net = 100.0 * (np.isin(level, PROMOTER_LEVELS).astype(float) - np.isin(level, DETRACTOR_LEVELS))
    cells = cell_sums(nps, ("customer_id",), {"net": net})
    return cells["net"].to_numpy(dtype=float), cells["n"].to_numpy(dtype=float)
