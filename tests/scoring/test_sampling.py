"""Campaign sampling rules (SPEC §6), each alone and combined, reproducible from the seed."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
import pytest

from scoring.plan_figures import CLASS_COLUMNS, UNIT_COLUMNS, plan_figures
from scoring.sampling import SamplingRules, select_sample, share_count
from scoring.stats import planned_margin_of_error

NOTHING_ELSE = {"include_complainers": False}


def population(n: int = 120, seed: int = 7) -> tuple[pd.DataFrame, pd.DataFrame]:
    """n customers over 3 business units × 3 product lines, 1–3 respondents each."""
    rng = np.random.default_rng(seed)
    classes = rng.choice(["KA", "A", "B", "C"], size=n, p=[0.1, 0.2, 0.4, 0.3])
    customers = pd.DataFrame({
        "customer_id": np.arange(1, n + 1) * 10,
        "external_id": [f"K{i:04d}" for i in range(n)],
        "name": [f"Customer {i}" for i in range(n)],
        "customer_class": classes,
        "business_unit": [f"BU{i % 3}" for i in range(n)],
        "product_line": [f"L{(i // 3) % 3}" for i in range(n)],
        "annual_revenue": np.round(rng.lognormal(4, 1.2, size=n), 2),
        "complained": rng.random(n) < 0.05,
    })  # fmt: skip
    counts = rng.integers(1, 4, size=n)
    owners = np.repeat(customers["customer_id"].to_numpy(), counts)
    respondents = pd.DataFrame({
        "respondent_id": np.arange(1, len(owners) + 1),
        "external_id": [f"P{i:05d}" for i in range(len(owners))],
        "customer_id": owners,
    })  # fmt: skip
    # shuffled input: the sample must not depend on row order
    return customers.sample(frac=1, random_state=1), respondents.sample(frac=1, random_state=2)


def sample_of(rules: dict[str, Any], seed: int = 11) -> tuple[pd.DataFrame, Any]:
    customers, respondents = population()
    return customers, select_sample(customers, respondents, SamplingRules(**rules), seed=seed)


def chosen(sample: Any, reason: str | None = None) -> set[str]:
    rows = sample.customers
    if reason is not None:
        rows = rows[[reason in r for r in rows["reasons"]]]
    return set(rows["external_id"])


def test_all_customers_takes_everyone_with_all_their_respondents() -> None:
    customers, sample = sample_of({"all_customers": True, **NOTHING_ELSE})
    assert chosen(sample) == set(customers["external_id"])
    assert all(r == ("all",) for r in sample.customers["reasons"])
    assert len(sample.respondents) == len(population()[1])
    assert not sample.respondents["callback_check"].any()


def test_at_least_a_third_of_key_accounts() -> None:
    customers, sample = sample_of({"key_account_share": 1 / 3, **NOTHING_ELSE})
    key = customers[customers["customer_class"].isin(["KA", "A"])]
    assert chosen(sample) <= set(key["external_id"])
    assert len(chosen(sample)) == math.ceil(len(key) / 3)


def test_key_accounts_chosen_by_other_rules_count_towards_the_share() -> None:
    customers, sample = sample_of({"revenue_coverage": 0.6, "key_account_share": 0.5})
    key = set(customers.loc[customers["customer_class"].isin(["KA", "A"]), "external_id"])
    topped_up = chosen(sample, "key_account")
    assert len(chosen(sample) & key) == math.ceil(len(key) / 2)
    assert topped_up and not topped_up & chosen(sample, "revenue")


def test_random_share_of_main_customers_never_class_c() -> None:
    customers, sample = sample_of({"random_share": 0.3, **NOTHING_ELSE})
    main = customers[customers["customer_class"] != "C"]
    assert chosen(sample) <= set(main["external_id"])
    assert len(chosen(sample)) == math.ceil(0.3 * len(main))


def test_revenue_coverage_per_unit_largest_first_and_two_per_product_line() -> None:
    customers, sample = sample_of({"revenue_coverage": 0.6, "min_per_product_line": 2})
    picked = customers[customers["external_id"].isin(chosen(sample))]
    for unit, everyone in customers.groupby("business_unit"):
        mine = picked[picked["business_unit"] == unit]
        assert mine["annual_revenue"].sum() >= 0.6 * everyone["annual_revenue"].sum()
        by_revenue = everyone.sort_values("annual_revenue", ascending=False)
        covering = by_revenue[by_revenue["external_id"].isin(chosen(sample, "revenue"))]
        # the revenue rule takes a prefix of the largest customers, and no more than needed
        assert list(covering["external_id"]) == list(by_revenue["external_id"][: len(covering)])
        short = covering["annual_revenue"].iloc[:-1].sum()
        assert short < 0.6 * everyone["annual_revenue"].sum()
    for _, line in customers.groupby(["business_unit", "product_line"]):
        top_two = line.nlargest(2, "annual_revenue")["external_id"]
        assert set(top_two) <= chosen(sample, "product_line")


def test_coverage_exactly_met_takes_no_extra_customer() -> None:
    customers = pd.DataFrame({
        "customer_id": [1, 2, 3], "external_id": ["a", "b", "c"], "name": ["a", "b", "c"],
        "customer_class": ["B", "B", "B"], "business_unit": ["U", "U", "U"],
        "product_line": [None, None, None], "annual_revenue": [60.0, 30.0, 10.0],
        "complained": [False, False, False],
    })  # fmt: skip
    respondents = pd.DataFrame({"respondent_id": [1], "external_id": ["p"], "customer_id": [3]})
    sample = select_sample(customers, respondents, SamplingRules(revenue_coverage=0.6), seed=1)
    assert chosen(sample) == {"a"} and sample.respondents.empty


def test_complainers_are_always_in() -> None:
    customers, sample = sample_of({"random_share": 0.1})
    complainers = set(customers.loc[customers["complained"], "external_id"])
    assert complainers and complainers <= chosen(sample, "complaint")
    _, alone = sample_of({})
    assert chosen(alone) == complainers


def test_ten_percent_of_respondents_marked_for_call_back() -> None:
    _, sample = sample_of({"key_account_share": 1 / 3, "callback_share": 0.1})
    marked = sample.callbacks
    assert len(marked) == share_count(len(sample.respondents), 0.1) > 0
    assert set(marked["respondent_id"]) <= set(sample.respondents["respondent_id"])
    # every customer of the population has respondents: all of them come along
    assert set(sample.respondents["customer_id"]) == set(sample.customers["customer_id"])


def test_same_seed_same_sample_other_seed_other_random_part() -> None:
    rules = SamplingRules.seed_defaults()
    customers, respondents = population()
    first = select_sample(customers, respondents, rules, seed=2024)
    again = select_sample(customers.iloc[::-1], respondents.iloc[::-1], rules, seed=2024)
    pd.testing.assert_frame_equal(first.customers, again.customers)
    pd.testing.assert_frame_equal(first.respondents, again.respondents)
    other = select_sample(customers, respondents, rules, seed=2025)
    assert chosen(first, "random") != chosen(other, "random")
    assert set(first.callbacks["respondent_id"]) != set(other.callbacks["respondent_id"])
    # the deterministic rules do not depend on the seed
    assert chosen(first, "revenue") == chosen(other, "revenue")


def test_switching_one_rule_does_not_reshuffle_another() -> None:
    _, with_keys = sample_of({"random_share": 0.3, "key_account_share": 0.5})
    _, without = sample_of({"random_share": 0.3})
    assert chosen(with_keys, "random") == chosen(without, "random")


@pytest.mark.parametrize(
    ("rules", "message"),
    [
        ({"random_share": 0.0}, "random_share must be a share in (0, 1]"),
        ({"random_share": 1.5}, "random_share must be a share in (0, 1]"),
        ({"key_account_share": -0.1}, "key_account_share must be a share"),
        ({"revenue_coverage": True}, "revenue_coverage must be a share"),
        ({"callback_share": 2}, "callback_share must be a share"),
        ({"min_per_product_line": 0}, "min_per_product_line must be 1 or more"),
        ({"include_complainers": False}, "select no customer"),
    ],
)
def test_bad_rules_are_refused(rules: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        SamplingRules(**rules)


def test_bad_input_is_refused() -> None:
    customers, respondents = population()
    with pytest.raises(ValueError, match="non-negative"):
        select_sample(customers, respondents, SamplingRules(), seed=-1)
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['complained'\]"):
        select_sample(customers.drop(columns="complained"), respondents, SamplingRules(), seed=1)
    with pytest.raises(ValueError, match="unknown sampling rule"):
        SamplingRules.from_dict({"all": True})
    rules = SamplingRules.seed_defaults()
    assert SamplingRules.from_dict(rules.to_dict()) == rules


def test_plan_figures() -> None:
    customers, sample = sample_of({"revenue_coverage": 0.6, "callback_share": 0.1})
    figures = plan_figures(customers, sample, response_rate=0.8)
    assert tuple(figures.by_class.columns) == CLASS_COLUMNS
    assert tuple(figures.by_unit.columns) == UNIT_COLUMNS
    assert list(figures.by_class["customer_class"]) == ["KA", "A", "B", "C"]
    assert figures.by_class["customers"].sum() == len(customers) == figures.population
    assert figures.by_class["selected"].sum() == len(sample.customers) == figures.customers
    assert (figures.by_unit["coverage"] >= 0.6).all()
    unit = figures.by_unit.iloc[0]
    mine = customers[customers["business_unit"] == unit["business_unit"]]
    picked = mine[mine["external_id"].isin(chosen(sample))]
    assert unit["coverage"] == pytest.approx(
        picked["annual_revenue"].sum() / mine["annual_revenue"].sum()
    )
    assert figures.respondents == len(sample.respondents)
    assert figures.callback_checks == len(sample.callbacks)
    assert figures.expected_customers == math.floor(0.8 * len(sample.customers))
    assert figures.margin_of_error == pytest.approx(
        planned_margin_of_error(figures.expected_customers, len(customers))
    )
    everyone = select_sample(customers, population()[1], SamplingRules(all_customers=True), seed=1)
    assert plan_figures(customers, everyone, response_rate=1.0).margin_of_error == 0.0
    with pytest.raises(ValueError, match="response rate"):
        plan_figures(customers, sample, response_rate=0)
