"""Favourable and top-3-box rates, NPS and the response rate."""

from __future__ import annotations

import pandas as pd
import pytest

from scoring.estimates import Rate
from scoring.frames import FAVOURABLE_LEVELS, TOP3_LEVELS, nps_answers
from scoring.rates import BOX_COLUMNS, box_rate, box_rates, nps_table, response_rate
from scoring.stats import kish_effective_n, wilson_interval
from tests.scoring import factories
from tests.scoring.factories import Respondent


def test_box_rates_by_business_unit(worked_points: pd.DataFrame) -> None:
    table = box_rates(worked_points, FAVOURABLE_LEVELS, "business_unit").set_index("group")
    assert tuple(table.reset_index().columns) == BOX_COLUMNS
    # BU1 = C1 only (7/9); BU2 = C2 (1/5) and C3 (10/10), equal weights
    assert table.loc["BU1", "weighted"] == pytest.approx(7 / 9)
    assert table.loc["BU2", "weighted"] == pytest.approx(0.6)
    assert (table.loc["BU2", "count"], table.loc["BU2", "n"]) == (11, 15)


def test_pooled_rate_is_a_ratio_estimator_over_customers(worked_points: pd.DataFrame) -> None:
    total = box_rates(worked_points, FAVOURABLE_LEVELS).iloc[0]
    # per customer (favourable, answers): C1 (7, 9), C2 (1, 5), C3 (10, 10); R = 18/24
    # residuals y − R·x: 0.25, −2.75, 2.5; V = 3/2 · 13.875 / 24²
    variance = 1.5 * (0.25**2 + 2.75**2 + 2.5**2) / 24**2
    assert total["rate"] == 0.75 and total["n_customers"] == 3
    assert total["deff"] == pytest.approx(variance / (0.75 * 0.25 / 24))  # 4.625
    assert total["n_eff"] == pytest.approx(24 / 4.625)
    # Wilson at the effective n, adjusted for 2 degrees of freedom (Korn–Graubard)
    adjusted = (24 / 4.625) * (1.959963984540054 / 4.302652729911275) ** 2
    low, high = wilson_interval(0.75 * adjusted, adjusted)
    assert (total["ci_low"], total["ci_high"]) == pytest.approx((float(low), float(high)))


def test_weighted_rate_and_kish_n_over_customers(worked_points: pd.DataFrame) -> None:
    total = box_rates(worked_points, FAVOURABLE_LEVELS).iloc[0]
    assert total["weighted"] == pytest.approx((2 * 7 / 9 + 1 / 5 + 1) / 4)
    assert total["kish_n"] == pytest.approx(kish_effective_n([2, 1, 1]))  # 3 customers, not 24
    # y_c = w_c · p_c, x_c = w_c (weights scaled by the largest: 1, 0.5, 0.5)
    r = total["weighted"]
    residuals = [1 * (7 / 9 - r), 0.5 * (1 / 5 - r), 0.5 * (1 - r)]
    variance = 1.5 * sum(e**2 for e in residuals) / 2**2
    assert total["weighted_deff"] == pytest.approx(variance / (r * (1 - r) / 24))


def test_box_rate_objects(worked_points: pd.DataFrame) -> None:
    pooled, weighted = box_rate(worked_points, TOP3_LEVELS)
    assert (pooled.count, pooled.n, pooled.value) == (22, 24, pytest.approx(22 / 24))
    assert weighted.value == pytest.approx((2 * 8 / 9 + 4 / 5 + 1.0) / 4)
    # a design effect under 1 (by chance, with 3 customers) never makes n_eff exceed the answers
    assert weighted.deff is not None and weighted.deff < 1 and weighted.n_eff == 24
    assert (pooled.n_customers, weighted.kish_n) == (3, pytest.approx(16 / 6))


def test_doubling_every_customer_weight_changes_nothing(worked_points: pd.DataFrame) -> None:
    doubled = worked_points.assign(customer_weight=worked_points["customer_weight"] * 2)
    pd.testing.assert_frame_equal(
        box_rates(worked_points, FAVOURABLE_LEVELS, "role"),
        box_rates(doubled, FAVOURABLE_LEVELS, "role"),
    )


def test_nps_table() -> None:
    levels = [10, 9, 9, 8, 7, 6, 0, 10, 3, 9]
    answers = factories.answers_frame(
        [
            Respondent(f"r{i}", f"C{i % 2}", {"GI": 4}, role="quality" if i < 5 else "user", nps=v)
            for i, v in enumerate(levels)
        ]
    )
    nps = nps_answers(answers)
    total = nps_table(nps).iloc[0]
    assert (total["n"], total["promoters"], total["passives"], total["detractors"]) == (10, 5, 2, 3)
    assert total["nps"] == pytest.approx(20.0)
    by_role = nps_table(nps, "role").set_index("group")
    # quality 10, 9, 9, 8, 7: three promoters, no detractor; user 6, 0, 10, 3, 9: 2 and 3
    assert by_role.loc["quality", "nps"] == pytest.approx(60.0)
    assert by_role.loc["user", "nps"] == pytest.approx(-20.0)


def test_response_rate_counts_every_invitation() -> None:
    invitations = factories.invitations_frame({
        "r1": "completed", "r2": "completed", "r3": "started", "r4": "sent", "r5": "expired",
    })  # fmt: skip
    result = response_rate(invitations, target=0.8)
    assert (result.invited, result.completed, result.partial) == (5, 2, 1)
    assert result.rate.value == pytest.approx(0.4)
    assert result.partial_rate.value == pytest.approx(0.2)
    assert result.representative is False


def test_response_rate_at_target_is_representative() -> None:
    states = {f"r{i}": "completed" for i in range(4)} | {"r9": "declined"}
    assert response_rate(factories.invitations_frame(states), target=0.8).representative is True


def test_response_rate_unknown_without_invitations() -> None:
    result = response_rate(None)
    assert result.representative is None and result.rate.value is None and result.invited == 0


def test_rate_of_nothing_is_none() -> None:
    rate = Rate.of(0, 0)
    assert (rate.value, rate.ci_low, rate.ci_high) == (None, None, None)
    loyal = Rate.of(2, 2, scale=100)
    assert loyal.value == 100.0 and round(loyal.ci_low, 1) == 34.2  # type: ignore[arg-type]
