"""Every index broken down by factor, item, customer, business unit, role and customer class.

One tidy table per dimension, one row per group. Customer-level indices (mean score,
satisfaction rate, loyalty) are computed over the group's *units*: a customer's score for the
total, business unit, class and customer breakdowns; a customer's factor or item score for the
factor and item breakdowns (so a factor's satisfaction rate is the share of customers whose
factor score is above 80); and a customer's score from that role's respondents only for the
role breakdown. Answer-level rates (favourable, top-3-box) count the group's answers, with
customers as clusters (``scoring.design``). Every row says how many customers it rests on and
is flagged ``small_n`` below ``SMALL_CELL`` (10) customers.

All tables come from the same per-(customer, question) sums (``cells.answer_cells``), so the
million answers are summed once per report, not once per table.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from scoring.cells import answer_cells, cell_sums
from scoring.design import weighted_means
from scoring.frames import CUSTOMER_CLASSES
from scoring.indices import (
    CUSTOMER,
    DEFAULT_BANDS,
    LOYAL_ABOVE,
    SATISFIED_ABOVE,
    GradeBands,
    customer_scores,
    factor_means,
    question_means,
    respondents,
    unit_scores,
)
from scoring.rates import ALL, weighted_rates
from scoring.stats import SMALL_CELL, t_interval, wilson_interval
from scoring.thresholds import above
from survey.schema import Survey

#: Breakdown dimensions; None is the total. "question" is the item breakdown.
DIMENSIONS: tuple[str | None, ...] = (
    None, "factor", "question", "business_unit", "role", "customer_class", "customer_id",
)  # fmt: skip
_CUSTOMER_LEVEL = (None, "business_unit", "customer_class", "customer_id")

#: Columns of ``index_table``. Each rate has its interval, and each answer-level rate its
#: design effect (``_deff``) and effective n (``_n_eff``); ``kish_n`` is Kish's n of the
#: customers' weights; ``unit_*`` columns are not in the table (see ``breakdown_units``).
INDEX_COLUMNS: tuple[str, ...] = (
    "group", "n_customers", "small_n", "n_respondents", "n_answers",
    "mean_score", "mean_score_ci_low", "mean_score_ci_high",
    "weighted_score", "weighted_score_ci_low", "weighted_score_ci_high", "weighted_score_deff",
    "kish_n", "grade",
    "satisfied", "satisfaction_rate", "satisfaction_ci_low", "satisfaction_ci_high",
    "loyal", "loyalty", "loyalty_ci_low", "loyalty_ci_high",
    *(f"{name}{suffix}" for name in ("favourable", "top3") for suffix in (
        "", "_rate", "_ci_low", "_ci_high", "_deff", "_n_eff",
        "_weighted", "_weighted_ci_low", "_weighted_ci_high", "_weighted_deff",
        "_weighted_n_eff",
    )),
)  # fmt: skip
#: Columns of ``breakdown_units``: one row per (group, customer).
UNIT_COLUMNS: tuple[str, ...] = (
    "group", "customer_id", "score", "weight", "n", "favourable", "top3",
)  # fmt: skip


def index_tables(
    survey: Survey,
    points: pd.DataFrame,
    dimensions: tuple[str | None, ...] = DIMENSIONS,
    *,
    bands: GradeBands = DEFAULT_BANDS,
    cells: pd.DataFrame | None = None,
    customers: pd.DataFrame | None = None,
    units: dict[str | None, pd.DataFrame] | None = None,
) -> dict[str | None, pd.DataFrame]:
    """``index_table`` for several dimensions at once, summing the answers only once.

    ``cells`` (``answer_cells(points, CUSTOMER)``), ``customers`` (``customer_scores``) and
    ``units`` (``breakdown_units`` per dimension) may be passed in when the caller has them.
    """
    unknown = [d for d in dimensions if d not in DIMENSIONS]
    if unknown:
        raise ValueError(f"cannot break down by {unknown}; use one of {list(DIMENSIONS)}")
    if points.empty:
        empty = pd.DataFrame({c: pd.Series(dtype=float) for c in INDEX_COLUMNS})
        return {
            d: _all_questions(survey, d, empty.assign(group=empty["group"].astype(object)))
            for d in dimensions
        }
    if cells is None:
        cells = answer_cells(points, CUSTOMER)
    if customers is None:
        customers = customer_scores(survey, points, bands, cells=cells)
    people = respondents(points)
    tables = {}
    for by in dimensions:
        unit = (units or {}).get(by)
        if unit is None:
            unit = breakdown_units(survey, points, by, cells=cells, customers=customers)
        table = _score_indices(unit, bands).merge(_rates(unit), on="group", how="left")
        table["n_respondents"] = table["group"].map(
            _respondents(points, by, people, customers, unit)
        )
        tables[by] = _all_questions(survey, by, table[list(INDEX_COLUMNS)])
    return tables


def _all_questions(survey: Survey, by: str | None, table: pd.DataFrame) -> pd.DataFrame:
    """Factor and item tables list every factor/item, unanswered ones with zero counts."""
    if by == "factor":
        keys = [f.key for f in survey.factors]
    elif by == "question":
        keys = [q.key for q in survey.questions()]
    else:
        return table
    full = table.set_index("group").reindex(keys).rename_axis("group").reset_index()
    counts = [
        "n_customers",
        "n_respondents",
        "n_answers",
        "satisfied",
        "loyal",
        "favourable",
        "top3",
    ]
    full[counts] = full[counts].fillna(0).astype(np.int64)
    full["small_n"] = full["n_customers"] < SMALL_CELL
    return full


def index_table(
    survey: Survey,
    points: pd.DataFrame,
    by: str | None = None,
    *,
    bands: GradeBands = DEFAULT_BANDS,
) -> pd.DataFrame:
    """All indices per group of ``by`` (one of ``DIMENSIONS``), columns ``INDEX_COLUMNS``."""
    return index_tables(survey, points, (by,), bands=bands)[by]


def breakdown_units(
    survey: Survey,
    points: pd.DataFrame,
    by: str | None,
    *,
    cells: pd.DataFrame,
    customers: pd.DataFrame,
) -> pd.DataFrame:
    """The customer-level figures behind one breakdown (columns ``UNIT_COLUMNS``): per group and
    customer, the unit's score (customer score; factor or item score; score from that role's
    respondents), the customer's weight, its answers and those at 4–5 and 3–5. These are what
    the design-based intervals and the trend tests resample."""
    sums = {
        "n": cells["n"].to_numpy(),
        "favourable": cells["favourable"].to_numpy(),
        "top3": cells["top3"].to_numpy(),
    }
    # ``counts`` is summed over the same keys in the same order as ``scores`` (cell_sums sorts
    # by key codes), so their rows line up without a merge.
    if by == "question":
        scores = question_means(survey, cells, CUSTOMER).rename(
            columns={"question": "group", "points": "score"}
        )
        counts = cells
    elif by == "factor":
        questions = question_means(survey, cells, CUSTOMER)
        scores = factor_means(survey, questions, CUSTOMER).rename(
            columns={"factor": "group", "points": "score"}
        )
        counts = cell_sums(questions, (*CUSTOMER, "factor"), sums, count=None)
    elif by == "role":
        keys = ("role", "customer_id")
        role_cells = answer_cells(points, keys)
        scores = unit_scores(
            factor_means(survey, question_means(survey, role_cells, keys), keys), keys
        ).rename(columns={"role": "group"})
        role_sums = {name: role_cells[name].to_numpy() for name in sums}
        counts = cell_sums(role_cells, keys, role_sums, count=None)
    else:
        scores = customers.assign(group=ALL if by is None else customers[by])
        per_customer = cell_sums(cells, CUSTOMER, sums, count=None)
        at = pd.Index(per_customer["customer_id"].astype(str)).get_indexer(
            pd.Index(scores["customer_id"])
        )
        counts = per_customer.iloc[at]
    if len(counts) != len(scores):  # every unit with a score has answers, and vice versa
        raise ValueError(f"breakdown by {by}: {len(scores)} scored units but {len(counts)} tallies")
    units = pd.DataFrame({
        "group": scores["group"].astype(str).to_numpy(),
        "customer_id": scores["customer_id"].astype(str).to_numpy(),
        "score": scores["score"].to_numpy(dtype=float),
        **{name: counts[name].to_numpy(dtype=float) for name in sums},
    })  # fmt: skip
    units["group"] = pd.Categorical(units["group"], categories=_order(survey, by, units["group"]))
    weights = customers.set_index("customer_id")["customer_weight"]
    units["weight"] = units["customer_id"].map(weights).to_numpy(dtype=float)
    return units[list(UNIT_COLUMNS)]


def _order(survey: Survey, by: str | None, groups: pd.Series) -> list[str]:
    """Groups in reading order: survey order, KA/A/B/C, else sorted by name."""
    present = set(pd.unique(groups))
    if by == "factor":
        return [f.key for f in survey.factors if f.key in present]
    if by == "question":
        return [q.key for q in survey.questions() if q.key in present]
    if by == "customer_class":
        known = [c for c in CUSTOMER_CLASSES if c in present]
        return known + sorted(present - set(known))
    return sorted(present)


def _rates(units: pd.DataFrame) -> pd.DataFrame:
    """Favourable and top-3-box rates (pooled and weighted, customers as clusters) and
    n_answers per group."""
    groups = np.asarray(units["group"].cat.codes, dtype=np.int64)
    labels = np.asarray(units["group"].cat.categories, dtype=object)
    n = units["n"].to_numpy(dtype=float)
    weight = units["weight"].to_numpy(dtype=float)
    columns: dict[str, object] = {}
    for name in ("favourable", "top3"):
        rates = weighted_rates(groups, len(labels), units[name].to_numpy(dtype=float), n, weight)
        present = rates.pop("present")
        columns["group"] = labels[present]
        columns["n_answers"] = rates.pop("n")
        columns[name] = rates.pop("count")
        for drop in ("n_customers", "kish_n"):
            rates.pop(drop)
        columns |= {f"{name}_{key}": value for key, value in rates.items()}
    return pd.DataFrame(columns)


def _respondents(
    points: pd.DataFrame,
    by: str | None,
    people: pd.DataFrame,
    customers: pd.DataFrame,
    units: pd.DataFrame,
) -> pd.Series:
    """Distinct respondents per group (a respondent belongs to one customer and one role)."""
    if by is None:
        return pd.Series({ALL: len(people)})
    if by == "question":  # one answer per respondent and question
        return units.groupby(units["group"].astype(str), observed=True)["n"].sum()
    if by == "factor":
        pairs = cell_sums(points, ("factor", "respondent_id"))
        per = pairs.groupby("factor", observed=True).size()
        per.index = per.index.astype(str)
        return per
    if by == "role":
        return people["role"].value_counts()
    if by == "customer_id":
        return people["customer_id"].value_counts()
    attribute = customers.set_index("customer_id")[by].astype(str)
    return people["customer_id"].map(attribute).value_counts()


def _score_indices(units: pd.DataFrame, bands: GradeBands) -> pd.DataFrame:
    """Mean score with its t-interval, the weighted mean with its linearised interval and Kish's
    n, satisfaction and loyalty with Wilson intervals over customers, per group."""
    groups = np.asarray(units["group"].cat.codes, dtype=np.int64)
    labels = np.asarray(units["group"].cat.categories, dtype=object)
    score, weight = units["score"].to_numpy(dtype=float), units["weight"].to_numpy(dtype=float)

    def total(values: np.ndarray) -> np.ndarray:
        return np.bincount(groups, weights=values, minlength=len(labels))[present]

    present = np.bincount(groups, minlength=len(labels)) > 0
    n = total(np.ones_like(score))
    mean = total(score) / n
    with np.errstate(divide="ignore", invalid="ignore"):
        variance = np.maximum(total(score**2) - n * mean**2, 0) / (n - 1)
    low, high = t_interval(mean, np.sqrt(np.where(n > 1, variance, np.nan)), n)
    weighted = {
        k: v[present] for k, v in weighted_means(groups, len(labels), score, weight).items()
    }
    satisfied = total(above(score, SATISFIED_ABOVE).astype(float))
    loyal = total(above(score, LOYAL_ABOVE).astype(float))
    satisfaction_low, satisfaction_high = wilson_interval(satisfied, n)
    loyalty_low, loyalty_high = wilson_interval(loyal, satisfied)
    with np.errstate(divide="ignore", invalid="ignore"):
        loyalty = np.where(satisfied > 0, 100 * loyal / satisfied, np.nan)
    return pd.DataFrame({
        "group": labels[present], "n_customers": n.astype(np.int64),
        "small_n": n < SMALL_CELL, "mean_score": mean,
        # scores are bounded: a t-interval reaching past 0 or 100 is cut at the bound
        "mean_score_ci_low": np.clip(low, 0, 100), "mean_score_ci_high": np.clip(high, 0, 100),
        "weighted_score": weighted["mean"], "weighted_score_ci_low": weighted["ci_low"],
        "weighted_score_ci_high": weighted["ci_high"], "weighted_score_deff": weighted["deff"],
        "kish_n": weighted["kish_n"],
        "grade": bands.grade(mean), "satisfied": satisfied.astype(np.int64),
        "satisfaction_rate": satisfied / n, "satisfaction_ci_low": satisfaction_low,
        "satisfaction_ci_high": satisfaction_high, "loyal": loyal.astype(np.int64),
        "loyalty": loyalty, "loyalty_ci_low": 100 * loyalty_low,
        "loyalty_ci_high": 100 * loyalty_high,
    })  # fmt: skip
