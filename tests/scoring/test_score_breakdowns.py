"""score_campaign's ``breakdowns``: a previous campaign scored for its trends only."""

from __future__ import annotations

import pandas as pd
import pytest

from scoring.campaign import BREAKDOWNS, TREND_BREAKDOWNS, CampaignData, score_campaign
from tests.scoring import factories


def test_trend_breakdowns_equal_the_full_scoring_without_the_customer_table() -> None:
    survey = factories.ecss_survey()
    data = CampaignData("2026Q1", factories.worked_example(), factories.worked_invitations())
    full = score_campaign(survey, data)
    trends = score_campaign(survey, data, breakdowns=TREND_BREAKDOWNS)
    assert set(full.tables) == set(BREAKDOWNS)
    assert set(trends.tables) == set(trends.units) == set(TREND_BREAKDOWNS)
    assert "customer" not in trends.tables
    for name in TREND_BREAKDOWNS:
        pd.testing.assert_frame_equal(trends.tables[name], full.tables[name])
        pd.testing.assert_frame_equal(trends.units[name], full.units[name])
    pd.testing.assert_frame_equal(trends.nps, full.nps)
    pd.testing.assert_frame_equal(trends.customers, full.customers)


def test_an_unknown_breakdown_is_refused() -> None:
    survey = factories.ecss_survey()
    data = CampaignData("2026Q1", factories.worked_example())
    with pytest.raises(ValueError, match="unknown breakdown"):
        score_campaign(survey, data, breakdowns=("total", "shoe_size"))
