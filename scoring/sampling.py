"""Campaign sampling (SPEC §6): which customers and respondents a campaign surveys, and why.

Rules, each optional (``SamplingRules``):

- ``all_customers``: everyone.
- ``include_complainers``: customers who complained since the previous campaign are always in
  (property-management seed §4.3.2: 有抱怨或投诉的客户均应被覆盖到).
- ``revenue_coverage``: per business unit, the largest customers by annual revenue until they
  cover at least this share of the unit's revenue (ECSS §6.1.2, 60 %).
- ``min_per_product_line``: per product line of a business unit, at least this many customers,
  largest revenue first (ECSS §6.1.1, the two largest).
- ``key_account_share``: at least this share of the KA/A customers (seed 001 §6.1.4, 1/3); the
  ones the rules above left out are drawn at random to make up the share.
- ``random_share``: a simple random sample of this share of the *main customers* (seed 003
  §5.2.1, 主要客户的30%). Main customers are classes KA, A and B; class C (occasional buyers,
  users) is not. The draw covers all main customers whatever other rules chose, so it stays a
  true random sample; overlaps just add a reason.
- ``callback_share``: a random share of the selected respondents marked for a call-back check
  (seed 001 §6.1.4, 10 %).

Reproducible: inputs are sorted by external id, and each random rule draws from its own stream
of NumPy's generator seeded with ``(seed, rule)``, so switching one rule on or off never
reshuffles another rule's draw.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

import numpy as np
import numpy.typing as npt
import pandas as pd

from scoring.frames import UNKNOWN, require_columns

CUSTOMER_COLUMNS: tuple[str, ...] = (
    "customer_id", "external_id", "name", "customer_class", "business_unit", "product_line",
    "annual_revenue", "complained",
)  # fmt: skip
RESPONDENT_COLUMNS: tuple[str, ...] = ("respondent_id", "external_id", "customer_id")
#: Why a customer is in the sample, in the order reasons are listed.
REASONS: tuple[str, ...] = (
    "all", "complaint", "revenue", "product_line", "key_account", "random",
)  # fmt: skip
KEY_CLASSES: tuple[str, ...] = ("KA", "A")
MAIN_CLASSES: tuple[str, ...] = ("KA", "A", "B")
DEFAULT_KEY_ACCOUNT_SHARE = 1 / 3
DEFAULT_RANDOM_SHARE = 0.3
DEFAULT_REVENUE_COVERAGE = 0.6
DEFAULT_MIN_PER_PRODUCT_LINE = 2
DEFAULT_CALLBACK_SHARE = 0.1
_STREAMS = {"key_account": 1, "random": 2, "callback": 3}  # one random stream per rule


@dataclass(frozen=True, slots=True)
class SamplingRules:
    """The selection rules of one campaign; ``None``/``False`` switches a rule off."""

    all_customers: bool = False
    key_account_share: float | None = None
    random_share: float | None = None
    revenue_coverage: float | None = None
    min_per_product_line: int | None = None
    include_complainers: bool = True
    callback_share: float | None = None

    def __post_init__(self) -> None:
        for name in ("key_account_share", "random_share", "revenue_coverage", "callback_share"):
            value = getattr(self, name)
            if value is not None and (
                isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1
            ):
                raise ValueError(f"sampling rule {name} must be a share in (0, 1], got {value!r}")
        lines = self.min_per_product_line
        if lines is not None and (
            isinstance(lines, bool) or not isinstance(lines, int) or lines < 1
        ):
            raise ValueError(f"sampling rule min_per_product_line must be 1 or more, got {lines!r}")
        choosing = (self.key_account_share, self.random_share, self.revenue_coverage, lines)
        if not (self.all_customers or self.include_complainers or any(choosing)):
            raise ValueError("the sampling rules select no customer: switch on at least one rule")

    @classmethod
    def seed_defaults(cls) -> SamplingRules:
        """Every rule of SPEC §6 at the value the seeds give."""
        return cls(
            key_account_share=DEFAULT_KEY_ACCOUNT_SHARE,
            random_share=DEFAULT_RANDOM_SHARE,
            revenue_coverage=DEFAULT_REVENUE_COVERAGE,
            min_per_product_line=DEFAULT_MIN_PER_PRODUCT_LINE,
            callback_share=DEFAULT_CALLBACK_SHARE,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SamplingRules:
        """Rules from their ``to_dict`` form (as stored in a campaign's plan)."""
        unknown = set(data) - {f.name for f in fields(cls)}
        if unknown:
            raise ValueError(f"unknown sampling rule(s) {sorted(unknown)}")
        return cls(**data)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class Sample:
    """The selected customers (with ``reasons``) and their respondents (with ``callback_check``)."""

    rules: SamplingRules
    seed: int
    customers: pd.DataFrame
    respondents: pd.DataFrame

    @property
    def callbacks(self) -> pd.DataFrame:
        """The selected respondents marked for a call-back check."""
        return self.respondents[self.respondents["callback_check"]]


def share_count(n: int, share: float) -> int:
    """⌈share · n⌉: "at least this share" of n (0 when n is 0)."""
    # round first so that 0.3 · 10 = 3.0000000000000004 does not round up to 4
    return math.ceil(round(n * share, 9)) if n > 0 else 0


def select_sample(
    customers: pd.DataFrame, respondents: pd.DataFrame, rules: SamplingRules, *, seed: int
) -> Sample:
    """Apply ``rules`` to the customers; the same seed and data always give the same sample."""
    require_columns(customers, CUSTOMER_COLUMNS, "customers")
    require_columns(respondents, RESPONDENT_COLUMNS, "respondents")
    if seed < 0:
        raise ValueError(f"the sampling seed must be a non-negative integer, got {seed}")
    if customers["customer_id"].duplicated().any():
        raise ValueError("customers: customer_id must be unique")
    pool = tidy_customers(customers)
    masks: dict[str, npt.NDArray[np.bool_]] = {}
    if rules.all_customers:
        masks["all"] = np.ones(len(pool), dtype=bool)
    if rules.include_complainers:
        masks["complaint"] = pool["complained"].to_numpy(dtype=bool)
    if rules.revenue_coverage is not None:
        masks["revenue"] = _revenue_cover(pool, rules.revenue_coverage)
    if rules.min_per_product_line is not None:
        masks["product_line"] = _largest_per_line(pool, rules.min_per_product_line)
    if rules.key_account_share is not None:
        masks["key_account"] = _key_accounts(pool, rules.key_account_share, _any(masks, pool), seed)
    if rules.random_share is not None:
        main = pool["customer_class"].isin(MAIN_CLASSES).to_numpy(dtype=bool)
        masks["random"] = _draw(main, share_count(int(main.sum()), rules.random_share), seed)
    chosen = _any(masks, pool)
    selected = pool[chosen].copy()
    selected["reasons"] = [
        tuple(r for r in REASONS if r in masks and masks[r][i]) for i in np.flatnonzero(chosen)
    ]
    people = respondents[respondents["customer_id"].isin(selected["customer_id"])]
    people = people.sort_values("external_id", kind="stable").reset_index(drop=True)
    everyone = np.ones(len(people), dtype=bool)
    share = rules.callback_share
    picks = share_count(len(people), share) if share is not None else 0
    people["callback_check"] = _draw(everyone, picks, seed, stream="callback")
    return Sample(rules, seed, selected.reset_index(drop=True), people)


def tidy_customers(customers: pd.DataFrame) -> pd.DataFrame:
    """The customer columns sampling reads, sorted by external id, revenue numeric."""
    pool = customers[list(CUSTOMER_COLUMNS)].sort_values("external_id", kind="stable")
    pool = pool.reset_index(drop=True)
    pool["annual_revenue"] = pd.to_numeric(pool["annual_revenue"], errors="coerce").fillna(0.0)
    pool["business_unit"] = pool["business_unit"].fillna(UNKNOWN)
    pool["complained"] = pool["complained"].eq(True)  # a missing flag is no complaint
    return pool


def _any(masks: dict[str, npt.NDArray[np.bool_]], pool: pd.DataFrame) -> npt.NDArray[np.bool_]:
    chosen = np.zeros(len(pool), dtype=bool)
    for mask in masks.values():
        chosen |= mask
    return chosen


def _by_revenue(pool: pd.DataFrame) -> pd.DataFrame:
    """Largest revenue first; equal revenues in external-id order (the pool's order)."""
    return pool.sort_values("annual_revenue", ascending=False, kind="stable")


def _revenue_cover(pool: pd.DataFrame, coverage: float) -> npt.NDArray[np.bool_]:
    ranked = _by_revenue(pool)
    revenue = ranked.groupby("business_unit", sort=False)["annual_revenue"]
    before = revenue.cumsum() - ranked["annual_revenue"]
    total = revenue.transform("sum")
    # a customer is needed while the larger ones before it cover less than the target; the
    # relative slack keeps 0.6 · 100 = 60.000000000000001 from pulling in one customer too many
    needed = (total > 0) & (before < total * (coverage - 1e-12))
    return needed.reindex(pool.index).to_numpy(dtype=bool)


def _largest_per_line(pool: pd.DataFrame, per_line: int) -> npt.NDArray[np.bool_]:
    ranked = _by_revenue(pool[pool["product_line"].notna()])
    rank = ranked.groupby(["business_unit", "product_line"], sort=False).cumcount()
    return (rank < per_line).reindex(pool.index, fill_value=False).to_numpy(dtype=bool)


def _key_accounts(
    pool: pd.DataFrame, share: float, chosen: npt.NDArray[np.bool_], seed: int
) -> npt.NDArray[np.bool_]:
    """The KA/A customers drawn at random to top what other rules chose up to ⌈share · KA/A⌉."""
    key = pool["customer_class"].isin(KEY_CLASSES).to_numpy(dtype=bool)
    missing = share_count(int(key.sum()), share) - int((key & chosen).sum())
    return _draw(key & ~chosen, max(missing, 0), seed, stream="key_account")


def _draw(
    eligible: npt.NDArray[np.bool_], k: int, seed: int, *, stream: str = "random"
) -> npt.NDArray[np.bool_]:
    """k of the eligible rows drawn at random without replacement from the rule's own stream."""
    rng = np.random.default_rng([seed, _STREAMS[stream]])
    candidates = np.flatnonzero(eligible)
    picked = np.zeros(len(eligible), dtype=bool)
    picked[rng.choice(candidates, size=min(k, len(candidates)), replace=False)] = True
    return picked


#: Columns of ``PlanFigures.by_class`` and ``PlanFigures.by_unit``.
