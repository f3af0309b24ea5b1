"""Simulation: do the report's intervals cover the truth, and do its trend tests keep their error
rate, when a customer's respondents answer alike (issue 11)?

    python bench/inference_sim.py [--reps 400] [--pairs 200] [--seed 11] [--icc 0.2]

Campaigns of service-14 are drawn from one population: 1–4 respondents per customer, a
customer effect on a latent scale with intra-customer correlation ``--icc`` (0.2), classes KA/A/B/C
weighted 2/1.5/1/1, 3 % "unable to comment". Printed:

- coverage: the share of simulated campaigns whose 95 % interval of the favourable rate (pooled
  and customer-weighted) holds the population value, at 10, 30 and 100 customers;
- false flags: two campaigns of 30 customers each from the same population, built into one
  report with trends; the share of tested changes flagged "significant" (every change is noise
  here), per metric and in all, and the mean number of flags per report.

It uses only ``scoring.build_report`` and the report's summary and trend table, so it runs on
the code before and after issue 11 alike.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np
import pandas as pd
from scipy import stats

# Run as a script from the repository root: make the project's packages importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoring import CampaignData, build_report
from survey.loader import load_template
from survey.schema import Survey

CLASSES = np.array(["KA", "A", "B", "C"], dtype=object)
CLASS_SHARES = (0.1, 0.2, 0.35, 0.35)
CLASS_WEIGHTS = np.array([2.0, 1.5, 1.0, 1.0])
#: Latent cut points between levels 1|2, 2|3, 3|4, 4|5 (about 4/8/18/35/35 % at the mean).
CUTS = np.array([-1.75, -1.2, -0.39, 0.39])
NA_SHARE = 0.03
RESPONDENT_SHARE = 0.1  # of the latent variance: a respondent's own mood across questions


def campaign_answers(
    survey: Survey, customers: int, rng: np.random.Generator, *, icc: float, campaign: str
) -> pd.DataFrame:
    """One campaign's answers export (SPEC §7 columns) drawn from the population."""
    questions = survey.questions()
    offsets = _offsets(len(questions))
    n_resp = rng.integers(1, 5, size=customers)
    classes = rng.choice(len(CLASSES), size=customers, p=CLASS_SHARES)
    customer_effect = rng.normal(0, np.sqrt(icc), size=customers)
    owner = np.repeat(np.arange(customers), n_resp)
    respondent_effect = rng.normal(0, np.sqrt(RESPONDENT_SHARE), size=owner.size)
    noise_sd = np.sqrt(1 - icc - RESPONDENT_SHARE)
    rows = owner.size * len(questions)
    resp = np.repeat(np.arange(owner.size), len(questions))
    q = np.tile(np.arange(len(questions)), owner.size)
    latent = (
        offsets[q]
        + customer_effect[owner[resp]]
        + respondent_effect[resp]
        + rng.normal(0, noise_sd, rows)
    )
    level = 1 + np.searchsorted(CUTS, latent)
    na = rng.random(rows) < NA_SHARE
    cust = owner[resp]
    return pd.DataFrame(
        {
            "campaign": campaign,
            "survey": survey.key,
            "customer_id": np.char.add("C", cust.astype(str)).astype(object),
            "customer_name": np.char.add("Customer ", cust.astype(str)).astype(object),
            "customer_class": CLASSES[classes[cust]],
            "customer_weight": CLASS_WEIGHTS[classes[cust]],
            "business_unit": np.where(cust % 2 == 0, "BU1", "BU2").astype(object),
            "respondent_id": np.char.add("R", resp.astype(str)).astype(object),
            "role": np.where(resp % 3 == 0, "quality", "purchasing").astype(object),
            "language": "en",
            "question": np.array([x.key for x in questions], dtype=object)[q],
            "factor": np.array([x.factor for x in questions], dtype=object)[q],
            "item": None,
            "kind": "likert",
            "level": pd.array(np.where(na, pd.NA, level), dtype="Int64"),
            "na": na,
            "text": None,
            "answered_at": pd.Timestamp("2026-03-02", tz="UTC"),
            "channel": "telegram",
        }
    )


def _offsets(n: int) -> np.ndarray:
    """Each question's mean on the latent scale: some harder to please than others."""
    return np.linspace(-0.3, 0.3, n)


def true_favourable(n_questions: int) -> float:
    """The population favourable rate: answers at 4–5 over all answers (weights, respondents per
    customer and "unable to comment" are independent of the levels, so pooled = weighted)."""
    return float(np.mean(stats.norm.sf(CUTS[2] - _offsets(n_questions))))


def coverage(survey: Survey, customers: int, reps: int, rng: np.random.Generator, icc: float):
    truth = true_favourable(len(survey.questions()))
    hits = {"pooled": 0, "weighted": 0}
    for _ in range(reps):
        answers = campaign_answers(survey, customers, rng, icc=icc, campaign="now")
        summary = build_report(survey, answers, None, campaign="now").summary
        for name, rate in (
            ("pooled", summary.favourable_rate),
            ("weighted", summary.favourable_weighted),
        ):
            hits[name] += bool(rate.ci_low <= truth <= rate.ci_high)
    return {name: count / reps for name, count in hits.items()}


def false_flags(survey: Survey, customers: int, pairs: int, rng: np.random.Generator, icc: float):
    flagged: dict[str, list[int]] = {}
    per_report = []
    for _ in range(pairs):
        before = campaign_answers(survey, customers, rng, icc=icc, campaign="before")
        now = campaign_answers(survey, customers, rng, icc=icc, campaign="now")
        report = build_report(
            survey, now, None, campaign="now", previous=CampaignData("before", before)
        )
        tested = report.trends[report.trends["significant"].notna()]
        per_report.append(int(tested["significant"].astype(bool).sum()))
        for (scope, metric), group in tested.groupby(["scope", "metric"]):
            counts = flagged.setdefault(f"{scope}:{metric}", [0, 0])
            counts[0] += int(group["significant"].astype(bool).sum())
            counts[1] += len(group)
    return flagged, per_report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=400, help="campaigns per coverage size")
    parser.add_argument("--pairs", type=int, default=200, help="campaign pairs for false flags")
    parser.add_argument("--seed", type=int, default=11)
    parser.add_argument("--icc", type=float, default=0.2)
    args = parser.parse_args()
    survey = load_template("service-14")
    rng = np.random.default_rng(args.seed)
    started = time.perf_counter()
    print(f"service-14, intra-customer correlation {args.icc}, seed {args.seed}")
    print(f"true favourable rate {true_favourable(len(survey.questions())):.4f}")
    print(f"coverage of the 95 % favourable-rate interval ({args.reps} campaigns each):")
    for customers in (10, 30, 100):
        rates = coverage(survey, customers, args.reps, rng, args.icc)
        print(
            f"  {customers:>3} customers: pooled {rates['pooled']:.1%}, "
            f"weighted {rates['weighted']:.1%}"
        )
    flagged, per_report = false_flags(survey, 30, args.pairs, rng, args.icc)
    print(f"false flags, two campaigns of 30 customers from one population ({args.pairs} pairs):")
    total = [0, 0]
    for key in sorted(flagged):
        hits, tests = flagged[key]
        total[0] += hits
        total[1] += tests
        print(f"  {key:<32} {hits / tests:6.1%} of {tests}")
    print(f"  all changes                      {total[0] / total[1]:6.1%} of {total[1]}")
    print(
        f"  per report: {np.mean(per_report):.2f} flags on average "
        f"among {total[1] / args.pairs:.0f} tests"
    )
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
