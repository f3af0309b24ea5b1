"""Benchmark: build the full campaign report from a realistic campaign of ~1,000,000 answers.

    python bench/report_speed.py [--answers 1000000] [--seed 7] [--json]

Generates (NumPy, vectorised) an ECSS-like survey of 20 questions answered by ~48,000
respondents of ~4,800 customers with classes, weights, business units and roles, ~3 % "unable
to comment", skewed levels, an NPS answer each, invitations with completion times, and a
previous campaign; then times ``build_report`` (and rendering, JSON, chart) on it.
With a database (``--database sqlite``, the default: a temporary file; ``postgresql``: a
scratch database on the test server; or a URL) both campaigns are stored there and loaded
back as the report loads them (``load_seconds``: ``campaigns.reports.campaigns_data``, both
at once), beside the floor: the same queries' rows read raw through the driver
(``raw_read_seconds``, once before the load and once after; the faster counts) and, on
PostgreSQL, the same queries written by ``COPY … TO STDOUT`` as CSV (``raw_copy_seconds``,
the faster of two). The end-to-end figure is loading plus ``build_report``. A database URL
that already holds both campaigns (keys ``2025H2`` and ``2026H1``, e.g. a SQLite file kept
from an earlier run) is reused without storing them again.
The machine's load average is printed first and last.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd

# Run as a script from the repository root: make the project's packages importable.
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from scoring import (
    CampaignData,
    build_report,
    render_tables,
    write_trend_chart,
)
from survey.schema import Survey

FACTORS: tuple[tuple[str, float, tuple[str, ...]], ...] = (
    ("GI", 1.0, ()),
    ("TS", 1.5, ("response", "attitude", "competence", "complaints", "contact")),
    ("QU", 2.0, ("conformity", "rohs", "stability", "documents", "packaging")),
    ("SP", 1.0, ("quotation", "delivery", "samples", "changes")),
    ("VA", 1.0, ("price", "terms", "cost_down", "support", "value")),
)
CLASSES = np.array(["KA", "A", "B", "C"], dtype=object)
CLASS_SHARES = (0.05, 0.15, 0.40, 0.40)
ROLES = np.array(
    ["general_manager", "product_manager", "quality", "purchasing", "marketing", "user"],
    dtype=object,
)
BUSINESS_UNITS = np.array([f"BU{i}" for i in range(1, 7)], dtype=object)
ROWS_PER_RESPONDENT = 21  # 20 Likert questions and one NPS answer
NA_SHARE = 0.03


def bench_survey() -> Survey:
    """An ECSS-like questionnaire: General impression (overall) and four factors with items."""

    def texts(key: str) -> dict[str, str]:
        return {"en": key, "zh-CN": key}

    return Survey.model_validate(
        {
            "key": "ecss-bench",
            "title": texts("bench"),
            "overall": "GI",
            "factors": [
                {
                    "key": key,
                    "text": texts(key),
                    "weight": weight,
                    "items": [{"key": i, "text": texts(i)} for i in items],
                }
                for key, weight, items in FACTORS
            ],
        }
    )


def generate(
    survey: Survey, n_answers: int, *, campaign: str, seed: int, shift: float = 0.0
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(answers, invitations) of one campaign with about ``n_answers`` rows, fully vectorised."""
    rng = np.random.default_rng(seed)
    questions = survey.questions()
    n_q = len(questions)
    n_resp = max(1, n_answers // ROWS_PER_RESPONDENT)
    n_cust = max(1, n_resp // 10)
    cust_class = rng.choice(len(CLASSES), n_cust, p=CLASS_SHARES)
    cust_ids = np.array([f"C{i:06d}" for i in range(n_cust)], dtype=object)
    cust_names = np.array([f"Customer {i}" for i in range(n_cust)], dtype=object)
    cust_bu = rng.integers(0, len(BUSINESS_UNITS), n_cust)
    cust_effect = rng.normal(0, 0.5, n_cust)
    resp_cust = rng.integers(0, n_cust, n_resp)
    resp_ids = np.array([f"{campaign}-R{i:07d}" for i in range(n_resp)], dtype=object)
    resp_role = rng.choice(len(ROLES), n_resp, p=(0.1, 0.15, 0.25, 0.25, 0.1, 0.15))
    resp_effect = rng.normal(0, 0.4, n_resp)
    # items keep their character from one campaign to the next, with a little drift
    question_effect = np.random.default_rng(0).normal(0, 0.3, n_q) + rng.normal(0, 0.05, n_q)
    # latent satisfaction per respondent and question; the overall impression (question 0)
    # follows the other factors so the key-driver analysis has something to find
    latent = (
        0.7
        + shift
        + cust_effect[resp_cust, None]
        + resp_effect[:, None]
        + question_effect[None, :]
        + rng.normal(0, 0.7, (n_resp, n_q))
    )
    latent[:, 0] = latent[:, 1:].mean(axis=1) + rng.normal(0, 0.3, n_resp)
    levels = np.digitize(latent, [-1.7, -0.9, 0.0, 1.1]) + 1
    unable = rng.random((n_resp, n_q)) < NA_SHARE
    nps = np.clip(np.rint(latent.mean(axis=1) * 2.2 + 7.0), 0, 10)

    resp = np.repeat(np.arange(n_resp), n_q + 1)
    cust = resp_cust[resp]
    q_index = np.tile(np.arange(n_q + 1), n_resp)
    is_nps = q_index == n_q
    level = np.column_stack([levels, nps]).ravel().astype(float)
    na = np.column_stack([unable, np.zeros(n_resp, dtype=bool)]).ravel()
    level[na] = np.nan
    keys = np.array([q.key for q in questions] + ["nps"], dtype=object)
    factor_keys = np.array([q.factor for q in questions] + [None], dtype=object)
    item_keys = np.array([q.item for q in questions] + [None], dtype=object)
    started = np.datetime64("2026-03-02T00:00:00", "us") + (
        rng.integers(0, 14 * 86400, n_resp) * 1_000_000
    ).astype("timedelta64[us]")
    seconds = rng.lognormal(np.log(20), 0.4, n_resp * (n_q + 1)).reshape(n_resp, n_q + 1)
    elapsed = np.cumsum(seconds, axis=1)
    elapsed[rng.random(n_resp) < 0.03] /= 4  # a few speeders
    answered = started[resp] + (elapsed.ravel() * 1e6).astype("timedelta64[us]")
    answers = pd.DataFrame(
        {
            "campaign": campaign,
            "survey": survey.key,
            "customer_id": cust_ids[cust],
            "customer_name": cust_names[cust],
            "customer_class": CLASSES[cust_class][cust],
            "customer_weight": np.where(cust_class[cust] == 0, 2.0, 1.0),
            "business_unit": BUSINESS_UNITS[cust_bu][cust],
            "respondent_id": resp_ids[resp],
            "role": ROLES[resp_role][resp],
            "language": "en",
            "question": keys[q_index],
            "factor": factor_keys[q_index],
            "item": item_keys[q_index],
            "kind": np.where(is_nps, "nps", "likert"),
            "level": pd.array(level, dtype="Int64"),
            "na": na,
            "text": None,
            "answered_at": pd.DatetimeIndex(answered).tz_localize("UTC"),
            "channel": "telegram",
        }
    )
    state = np.where(rng.random(n_resp) < 0.03, "started", "completed").astype(object)
    completed = np.where(state == "completed", answered[n_q :: n_q + 1], np.datetime64("NaT"))
    n_silent = n_resp // 8  # invited, never answered
    invitations = pd.DataFrame(
        {
            "campaign": campaign,
            "respondent_id": np.concatenate(
                [resp_ids, [f"{campaign}-S{i:07d}" for i in range(n_silent)]]
            ),
            "customer_id": np.concatenate(
                [cust_ids[resp_cust], cust_ids[rng.integers(0, n_cust, n_silent)]]
            ),
            "state": np.concatenate([state, rng.choice(["sent", "expired", "declined"], n_silent)]),
            "started_at": _utc(np.concatenate([started, _nat(n_silent)])),
            "completed_at": _utc(np.concatenate([completed, _nat(n_silent)])),
        }
    )
    return answers, invitations


def _nat(n: int) -> np.ndarray:
    return np.full(n, np.datetime64("NaT"), dtype="datetime64[us]")


def _utc(values: np.ndarray) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(values).tz_localize("UTC")


@dataclass
class BenchResult:
    """Timings of one run (seconds); ``load_seconds`` is filled in once storage exists."""

    answers: int
    respondents: int
    customers: int
    generate_seconds: float
    report_seconds: float
    render_seconds: float
    json_seconds: float
    chart_seconds: float
    peak_rss_mb: float
    load_seconds: float | None = None
    store_seconds: float | None = None
    raw_read_seconds: float | None = None
    load_cpu_seconds: float | None = None
    raw_read_cpu_seconds: float | None = None
    raw_copy_seconds: float | None = None
    database: str | None = None
    report_cpu_seconds: float | None = None

    @property
    def answers_per_second(self) -> float:
        return self.answers / self.report_seconds

    @property
    def report_to_load_ratio(self) -> float | None:
        return None if not self.load_seconds else self.report_seconds / self.load_seconds

    @property
    def load_to_raw_ratio(self) -> float | None:
        if not self.load_seconds or not self.raw_read_seconds:
            return None
        return self.load_seconds / self.raw_read_seconds

    @property
    def load_to_copy_ratio(self) -> float | None:
        if not self.load_seconds or not self.raw_copy_seconds:
            return None
        return self.load_seconds / self.raw_copy_seconds

    @property
    def end_to_end_seconds(self) -> float | None:
        return None if self.load_seconds is None else self.load_seconds + self.report_seconds

    @property
    def end_to_end_cpu_seconds(self) -> float | None:
        """CPU time of loading and ``build_report``: the figure a loaded machine disturbs least."""
        if self.load_cpu_seconds is None or self.report_cpu_seconds is None:
            return None
        return self.load_cpu_seconds + self.report_cpu_seconds


def run(n_answers: int, seed: int = 7, database: str | None = None) -> BenchResult:
    """Generate a campaign and its previous one, then time the report on them."""
    survey = bench_survey()
    t0 = time.perf_counter()
    answers, invitations = generate(survey, n_answers, campaign="2026H1", seed=seed)
    before, before_inv = generate(survey, n_answers, campaign="2025H2", seed=seed + 1, shift=-0.1)
    t1, cpu = time.perf_counter(), time.process_time()
    report = build_report(
        survey,
        answers,
        invitations,
        campaign="2026H1",
        previous=CampaignData("2025H2", before, before_inv),
    )
    t2, report_cpu = time.perf_counter(), time.process_time() - cpu
    render_tables(report)
    t3 = time.perf_counter()
    report.to_json()
    t4 = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        write_trend_chart(report, Path(folder) / "trend.png")
    t5 = time.perf_counter()
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux
    result = BenchResult(
        len(answers),
        report.summary.n_respondents,
        report.summary.n_customers,
        t1 - t0,
        t2 - t1,
        t3 - t2,
        t4 - t3,
        t5 - t4,
        peak,
        report_cpu_seconds=report_cpu,
    )
    if database is not None:
        from cli.common import run_coroutine  # uvloop, as csat report and csat serve run

        campaigns = [("2025H2", before, before_inv), ("2026H1", answers, invitations)]
        times = run_coroutine(stored_and_loaded(database, survey, campaigns))
        result.store_seconds, result.load_seconds = times.store, times.load
        result.raw_read_seconds, result.raw_copy_seconds = times.raw_read, times.raw_copy
        result.load_cpu_seconds, result.raw_read_cpu_seconds = times.load_cpu, times.raw_cpu
        result.database = database.split(":")[0]
    return result


@dataclass(frozen=True)
class Loads:
    """``store`` is None when the database held the campaigns already (a reused file)."""

    store: float | None
    load: float
    raw_read: float
    load_cpu: float
    raw_cpu: float
    raw_copy: float | None  # PostgreSQL only


async def stored_and_loaded(
    url: str, survey: Survey, campaigns: list[tuple[str, pd.DataFrame, pd.DataFrame]]
) -> Loads:
    """Store the campaigns unless ``url`` has them (by key), then time loading them back as
    the report does, between two raw reads of the same queries (the floor: the faster one)."""
    from sqlalchemy import select

    from bench.storage_load import raw_copy_seconds, raw_read_seconds, store
    from campaigns.reports import campaigns_data
    from storage.engine import create_engine, create_sessionmaker
    from storage.migrate import upgrade_async
    from storage.models import Campaign

    await upgrade_async(url)
    engine = create_engine(url)
    sessions = create_sessionmaker(engine)
    try:
        async with sessions() as session:
            rows = (await session.execute(select(Campaign.key, Campaign.id))).all()
        known: dict[str, int] = {str(key): int(id_) for key, id_ in rows}
        stored: float | None = None
        if not all(key in known for key, _, _ in campaigns):
            start = time.perf_counter()
            for key, frame, invited in campaigns:
                async with sessions() as session, session.begin():
                    known[key] = await store(session, survey, frame, invited, key)
            stored = time.perf_counter() - start
        ids = [known[key] for key, _, _ in campaigns]
        raws = []
        cpu = time.process_time()
        raws.append(await raw_read_seconds(engine, ids))
        raw_cpu = time.process_time() - cpu
        cpu, start = time.process_time(), time.perf_counter()
        async with sessions() as session:
            # as report_inputs reads a campaign and its previous one: both at once
            newest_first = await session.scalars(select(Campaign).where(Campaign.id.in_(ids)))
            loaded = await campaigns_data(session, sorted(newest_first, key=lambda c: -c.id))
            assert all(len(data.answers) > 0 for data in loaded)
        load, load_cpu = time.perf_counter() - start, time.process_time() - cpu
        raws.append(await raw_read_seconds(engine, ids))
        copy = None
        if engine.dialect.name == "postgresql":
            copy = min([await raw_copy_seconds(engine, ids) for _ in range(2)])
        return Loads(stored, load, min(raws), load_cpu, raw_cpu, copy)
    finally:
        await engine.dispose()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--answers", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument(
        "--database",
        default="sqlite",
        help="'sqlite' (a temporary file), 'postgresql' (a scratch database), a database "
        "URL, or 'none' to skip the store-and-load timing",
    )
    args = parser.parse_args(argv)
    one, five, fifteen = os.getloadavg()
    if not args.json:
        print(f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)")
    if args.database == "postgresql":
        import asyncio

        from tests.databases import scratch_postgres

        async def on_postgres() -> BenchResult:
            async with scratch_postgres("csat_bench_report") as url:
                return await asyncio.to_thread(run, args.answers, args.seed, url)

        result = asyncio.run(on_postgres())
    else:
        with tempfile.TemporaryDirectory() as folder:
            database = {"none": None, "sqlite": f"sqlite+aiosqlite:///{folder}/bench.db"}.get(
                args.database, args.database
            )
            result = run(args.answers, args.seed, database)
    if args.json:
        print(
            json.dumps(
                asdict(result)
                | {
                    "answers_per_second": result.answers_per_second,
                    "report_to_load_ratio": result.report_to_load_ratio,
                    "load_to_raw_ratio": result.load_to_raw_ratio,
                    "load_to_copy_ratio": result.load_to_copy_ratio,
                    "end_to_end_seconds": result.end_to_end_seconds,
                    "end_to_end_cpu_seconds": result.end_to_end_cpu_seconds,
                }
            )
        )
        return
    print(
        f"answers                {result.answers:>12,} (this campaign; the previous one "
        f"is as large)"
    )
    print(f"respondents / customers {result.respondents:>11,} / {result.customers:,}")
    print(f"generate (both)        {result.generate_seconds:>12.2f} s")
    print(
        f"build_report           {result.report_seconds:>12.2f} s  "
        f"({result.answers_per_second:,.0f} answers/s, both campaigns scored; "
        f"cpu {result.report_cpu_seconds:.2f} s)"
    )
    print(f"render_tables          {result.render_seconds:>12.2f} s")
    print(f"to_json                {result.json_seconds:>12.2f} s")
    print(f"trend chart            {result.chart_seconds:>12.2f} s")
    print(f"peak RSS               {result.peak_rss_mb:>12.0f} MiB")
    if result.load_seconds is not None:
        if result.store_seconds is None:
            print(f"store in {result.database:<14}{'-':>12}    (both campaigns were there)")
        else:
            print(
                f"store in {result.database:<14}{result.store_seconds:>12.2f} s  (both campaigns)"
            )
        print(
            f"load from database     {result.load_seconds:>12.2f} s  (both campaigns' answers "
            f"and invitations; report/load ratio {result.report_to_load_ratio:.2f})"
        )
        print(
            f"raw read (driver)      {result.raw_read_seconds:>12.2f} s  (the same queries' rows "
            f"through the driver, no frame; load/raw ratio {result.load_to_raw_ratio:.2f})"
        )
        if result.raw_copy_seconds is not None:
            print(
                f"raw COPY (PostgreSQL)  {result.raw_copy_seconds:>12.2f} s  (the same queries "
                f"as CSV, received and dropped; load/COPY ratio {result.load_to_copy_ratio:.2f})"
            )
        print(
            f"cpu: load {result.load_cpu_seconds:.2f} s, raw read "
            f"{result.raw_read_cpu_seconds:.2f} s (this process's; not PostgreSQL's own work)"
        )
        print(
            f"end to end             {result.end_to_end_seconds:>12.2f} s  (load + build_report; "
            f"cpu {result.end_to_end_cpu_seconds:.2f} s)"
        )
    one, five, fifteen = os.getloadavg()
    print(f"load average {one:.2f} {five:.2f} {fifteen:.2f} (after)")


if __name__ == "__main__":
    main()
