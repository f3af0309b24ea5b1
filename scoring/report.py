"""The campaign report: every index, breakdown, trend, driver, ticket split and quality flag.

``build_report`` scores the campaign (and its previous campaign, for trends) and assembles one
frozen ``CampaignReport``; ``report.to_dict()`` is its stable JSON form (snake_case names,
NaN → null, tables as lists of row objects). Rendering lives in ``render`` and ``chart``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import pandas as pd

from scoring.campaign import TREND_BREAKDOWNS, CampaignData, CampaignScores, score_campaign
from scoring.drivers import driver_respondents, key_drivers, r_squared, respondent_matrix
from scoring.estimates import Mean, Nps, Rate, Reliability, finite
from scoring.frames import kind_mask, unable_mask
from scoring.indices import DEFAULT_BANDS, SATISFIED_ABOVE, GradeBands
from scoring.jsonable import to_jsonable
from scoring.notes import report_notes, satisfaction_rule
from scoring.quality import speeding, straight_lining
from scoring.rates import ResponseRate
from scoring.scheme import ReportMethods, report_methods
from scoring.tickets import OPINION_TICKET, low_answers, split_tickets, ticket_summary
from scoring.trends import largest_changes, lowest_items, trend_table
from survey.schema import Survey
from survey.vocabulary import AnswerKind

DEFAULT_SCORE_TARGET = SATISFIED_ABOVE  # a factor "meets target" when its mean is satisfied
TOP_N = 5


@dataclass(frozen=True, slots=True)
class ReportTargets:
    """What the report compares against: the campaign targets and the factor score target."""

    satisfaction_rate: float
    loyalty: float
    response_rate: float
    score: float


@dataclass(frozen=True, slots=True)
class Summary:
    """The campaign's headline indices, each with its n and interval."""

    n_customers: int
    n_respondents: int
    n_answers: int
    n_unable_to_comment: int
    n_customers_unscored: int
    mean_score: Mean
    grade: str | None
    satisfaction_rate: Rate
    loyalty: Rate
    favourable_rate: Rate
    favourable_weighted: Rate
    top3_rate: Rate
    top3_weighted: Rate
    nps: Nps
    cronbach_alpha: float | None
    reliability: Reliability
    drivers_r_squared: float | None
    drivers_n: int
    tickets: int
    opinion_tickets: int
    internal_memos: int


@dataclass(frozen=True)
class CampaignReport:
    """One campaign's report; the tables are tidy DataFrames (see each builder's columns)."""

    campaign: str
    previous_campaign: str | None
    survey: str
    survey_version: int
    point_scale: str
    points: dict[int, float]
    grade_bands: GradeBands
    targets: ReportTargets
    summary: Summary
    response: ResponseRate
    factors: pd.DataFrame
    items: pd.DataFrame
    business_units: pd.DataFrame
    roles: pd.DataFrame
    customer_classes: pd.DataFrame
    customers: pd.DataFrame
    nps: pd.DataFrame
    trends: pd.DataFrame
    lowest_items: pd.DataFrame
    largest_rises: pd.DataFrame
    largest_falls: pd.DataFrame
    drivers: pd.DataFrame
    tickets: pd.DataFrame
    straight_lining: pd.DataFrame
    speeding: pd.DataFrame
    methods: ReportMethods
    notes: tuple[str, ...]

    @property
    def representative(self) -> bool | None:
        """False when the response rate is under target; None when it is unknown."""
        return self.response.representative

    @property
    def has_answers(self) -> bool:
        """Has anyone answered a factor or item (even "unable to comment") or the NPS yet?"""
        s = self.summary
        return bool(s.n_answers or s.n_unable_to_comment or s.nps.n)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form: stable snake_case keys, NaN → None, tables as row lists; with
        ``has_answers`` and ``satisfaction_rule`` (the one line telling a grade from
        "satisfied")."""
        data: dict[str, Any] = to_jsonable(self)
        data["representative"] = self.representative
        data["has_answers"] = self.has_answers
        data["satisfaction_rule"] = satisfaction_rule(self.grade_bands)
        return data

    def to_json(self, indent: int | None = 2) -> str:
        """``to_dict`` as strict JSON text (no NaN)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, indent=indent, allow_nan=False)


def write_report_json(report: CampaignReport, path: str | Path) -> Path:
    """Write ``report.to_json()`` to a UTF-8 file and return its path."""
    target = Path(path)
    target.write_text(report.to_json(), encoding="utf-8")
    return target


def build_report(
    survey: Survey,
    answers: pd.DataFrame,
    invitations: pd.DataFrame | None,
    *,
    campaign: str,
    previous: CampaignData | None = None,
    bands: GradeBands = DEFAULT_BANDS,
    score_target: float = DEFAULT_SCORE_TARGET,
    top_n: int = TOP_N,
) -> CampaignReport:
    """Score ``campaign`` from its answers and invitations and compare it with ``previous``."""
    if previous is not None and previous.campaign == campaign:
        raise ValueError(f"the previous campaign cannot be {campaign!r} itself")
    current = score_campaign(survey, CampaignData(campaign, answers, invitations), bands=bands)
    # The previous campaign is only compared in the trends: its per-customer table is not made.
    before = (
        None
        if previous is None
        else score_campaign(survey, previous, bands=bands, breakdowns=TREND_BREAKDOWNS)
    )
    targets = ReportTargets(
        survey.targets.satisfaction_rate,
        survey.targets.loyalty,
        survey.targets.response_rate,
        score_target,
    )
    trends = trend_table(survey, current, before, score_target=score_target)
    rises, falls = largest_changes(trends, top_n)
    matrix = respondent_matrix(survey, current.points)
    factors = current.tables["factor"]
    drivers = key_drivers(
        survey, current.points, factors.set_index("group")["mean_score"], matrix=matrix
    )
    split = split_tickets(low_answers(current.answers))
    summary = _summary(
        current,
        _reliability(survey, current.points),
        (r_squared(drivers), driver_respondents(survey, current.points, matrix)),
        split,
    )
    report = CampaignReport(
        campaign=campaign,
        previous_campaign=None if previous is None else previous.campaign,
        survey=survey.key,
        survey_version=survey.version,
        point_scale=survey.points if isinstance(survey.points, str) else "custom",
        points=survey.point_map(),
        grade_bands=bands,
        targets=targets,
        summary=summary,
        response=current.response,
        factors=factors,
        items=current.tables["item"],
        business_units=current.tables["business_unit"],
        roles=current.tables["role"],
        customer_classes=current.tables["customer_class"],
        customers=_customers(current),
        nps=current.nps,
        trends=trends,
        lowest_items=lowest_items(current.tables["item"], top_n),
        largest_rises=rises,
        largest_falls=falls,
        drivers=drivers,
        tickets=ticket_summary(split, [q.key for q in survey.questions()]),
        straight_lining=straight_lining(current.points),
        speeding=speeding(current.invitations),
        methods=report_methods(current.customers),
        notes=(),
    )
    return replace(report, notes=report_notes(report, has_overall=survey.overall is not None))


def _reliability(survey: Survey, points: pd.DataFrame) -> Reliability:
    """Cronbach's alpha of the factors without the outcome (overall-impression) question."""
    outcome = survey.overall
    kept = points if outcome is None else points[points["question"] != outcome]
    return Reliability.of(respondent_matrix(survey, kept), outcome)


def _summary(
    current: CampaignScores,
    reliability: Reliability,
    drivers: tuple[float | None, int],
    split: pd.DataFrame,
) -> Summary:
    total = current.tables["total"]
    row = total.iloc[0] if len(total) else None
    customers = current.customers
    nps = current.nps[current.nps["dimension"] == "total"]
    answers = current.answers
    likert = kind_mask(answers, AnswerKind.LIKERT)
    opinion = int((split["kind"] == OPINION_TICKET).sum())
    return Summary(
        n_customers=len(customers),
        n_respondents=int(current.points["respondent_id"].nunique()),
        n_answers=len(current.points),
        n_unable_to_comment=int((likert & unable_mask(answers)).sum()),
        n_customers_unscored=int(answers.loc[likert, "customer_id"].nunique()) - len(customers),
        mean_score=Mean.of(customers["score"].to_numpy(), customers["customer_weight"].to_numpy()),
        grade=None if row is None else row["grade"],
        satisfaction_rate=_rate(row, "satisfied", "n_customers"),
        loyalty=_rate(row, "loyal", "satisfied", scale=100.0),
        favourable_rate=_clustered(row, "favourable", "favourable_rate"),
        favourable_weighted=_clustered(row, "favourable", "favourable_weighted"),
        top3_rate=_clustered(row, "top3", "top3_rate"),
        top3_weighted=_clustered(row, "top3", "top3_weighted"),
        nps=_nps(nps.iloc[0] if len(nps) else None),
        cronbach_alpha=reliability.alpha,
        reliability=reliability,
        drivers_r_squared=drivers[0],
        drivers_n=drivers[1],
        tickets=len(split),
        opinion_tickets=opinion,
        internal_memos=len(split) - opinion,
    )


def _rate(row: pd.Series | None, count: str, n: str, scale: float = 1.0) -> Rate:
    if row is None:
        return Rate.of(0, 0, scale=scale)
    return Rate.of(float(row[count]), float(row[n]), scale=scale)


def _clustered(row: pd.Series | None, count: str, name: str) -> Rate:
    """An answer-level rate of the total row, with its design-based interval."""
    if row is None:
        return Rate.clustered(None, 0, 0, n_customers=0, ci=(None, None), deff=None, n_eff=None)
    prefix = name.removesuffix("_rate")
    return Rate.clustered(
        finite(row[name]),
        float(row[count]),
        float(row["n_answers"]),
        n_customers=int(row["n_customers"]),
        ci=(finite(row[f"{prefix}_ci_low"]), finite(row[f"{prefix}_ci_high"])),
        deff=finite(row[f"{prefix}_deff"]),
        n_eff=finite(row[f"{prefix}_n_eff"]),
        kish_n=finite(row["kish_n"]) if name.endswith("_weighted") else None,
    )


def _nps(row: pd.Series | None) -> Nps:
    """The total NPS with its design-based interval (``rates.nps_table``)."""
    if row is None:
        return Nps.of(0, 0, 0)
    return Nps(
        n=int(row["n"]),
        promoters=int(row["promoters"]),
        detractors=int(row["detractors"]),
        value=finite(row["nps"]),
        se=finite(row["nps_se"]),
        ci_low=finite(row["nps_ci_low"]),
        ci_high=finite(row["nps_ci_high"]),
        n_customers=int(row["n_customers"]),
        design_se=finite(row["nps_design_se"]),
        deff=finite(row["nps_deff"]),
        n_eff=finite(row["nps_n_eff"]),
    )


def _customers(current: CampaignScores) -> pd.DataFrame:
    """Customer scores with each customer's favourable and top-3-box rates."""
    rates = current.tables["customer"][["group", "favourable_rate", "top3_rate"]]
    merged = current.customers.merge(rates, left_on="customer_id", right_on="group", how="left")
    return merged.drop(columns="group")
