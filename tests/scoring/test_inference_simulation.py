"""Simulated campaigns (issue 11): intervals cover the truth and trend tests keep their error rate
when a customer's respondents answer alike.

Campaigns are drawn from one population: 14 questions, 1–4 respondents per customer, a customer
effect with intra-customer correlation 0.2 on a latent scale, 3 % "unable to comment", classes
weighted 2/1.5/1/1. ``bench/inference_sim.py`` runs the same on whole reports, longer.
"""

from __future__ import annotations

import numpy as np
import pytest
from scipy import stats

from scoring.changes import ratio_change
from scoring.rates import weighted_rates

QUESTIONS = 14
ICC = 0.2
RESPONDENT_SHARE = 0.1
CUTS = np.array([-1.75, -1.2, -0.39, 0.39])  # latent cut points between levels 1..5
OFFSETS = np.linspace(-0.3, 0.3, QUESTIONS)
WEIGHTS = np.array([2.0, 1.5, 1.0, 1.0])
CLASS_SHARES = (0.1, 0.2, 0.35, 0.35)
TRUE_FAVOURABLE = float(np.mean(stats.norm.sf(CUTS[2] - OFFSETS)))


def customers(count: int, rng: np.random.Generator) -> dict[str, np.ndarray]:
    """Per customer: favourable answers, answers, mean points (its score) and weight."""
    n_resp = rng.integers(1, 5, count)
    owner = np.repeat(np.arange(count), n_resp)
    latent = (
        OFFSETS[None, :]
        + rng.normal(0, np.sqrt(ICC), count)[owner][:, None]
        + rng.normal(0, np.sqrt(RESPONDENT_SHARE), owner.size)[:, None]
        + rng.normal(0, np.sqrt(1 - ICC - RESPONDENT_SHARE), (owner.size, QUESTIONS))
    )
    level = 1 + np.searchsorted(CUTS, latent)
    answered = rng.random(level.shape) >= 0.03
    per_answer = answered.sum(axis=1)
    n = np.bincount(owner, weights=per_answer, minlength=count)
    hits = np.bincount(owner, weights=((level >= 4) & answered).sum(axis=1), minlength=count)
    points = np.bincount(owner, weights=(20 * level * answered).sum(axis=1), minlength=count)
    weight = WEIGHTS[rng.choice(4, count, p=CLASS_SHARES)]
    return {"hits": hits, "n": n, "score": points / n, "weight": weight}


@pytest.mark.parametrize("count", [10, 30])
def test_the_favourable_rate_interval_covers_the_truth(count: int) -> None:
    rng = np.random.default_rng(2026 + count)
    campaigns = 400
    drawn = [customers(count, rng) for _ in range(campaigns)]
    groups = np.repeat(np.arange(campaigns, dtype=np.int64), count)
    columns = {k: np.concatenate([d[k] for d in drawn]) for k in ("hits", "n", "weight")}
    rates = weighted_rates(groups, campaigns, columns["hits"], columns["n"], columns["weight"])
    for prefix in ("", "weighted_"):
        covered = (rates[f"{prefix}ci_low"] <= TRUE_FAVOURABLE) & (
            rates[f"{prefix}ci_high"] >= TRUE_FAVOURABLE
        )
        assert covered.mean() >= 0.90, (prefix, covered.mean())


@pytest.mark.parametrize(
    ("count", "pairs", "test"), [(30, 500, "welch_t"), (15, 400, "permutation")]
)
def test_two_campaigns_of_one_population_rarely_differ_significantly(
    count: int, pairs: int, test: str
) -> None:
    rng = np.random.default_rng(11 + count)
    flags = {"mean_score": 0, "favourable_rate": 0, "favourable_weighted": 0}
    for _ in range(pairs):
        now, before = customers(count, rng), customers(count, rng)
        sides = {
            "mean_score": [(d["score"], np.ones(count)) for d in (now, before)],
            "favourable_rate": [(d["hits"], d["n"]) for d in (now, before)],
            "favourable_weighted": [
                (d["weight"] * d["hits"] / d["n"], d["weight"]) for d in (now, before)
            ],
        }
        for metric, (a, b) in sides.items():
            change = ratio_change(a, b)
            assert change is not None and change.test == test
            flags[metric] += change.p_value < 0.05
    for metric, flagged in flags.items():
        assert flagged / pairs <= 0.06, (metric, flagged / pairs)
