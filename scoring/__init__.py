"""Scoring: pure pandas functions over the answers export, and the campaign report (SPEC §4).

Entry points: ``build_report`` → ``CampaignReport`` (``to_dict``/``to_json``),
``render_tables``, ``write_trend_chart``, ``write_report_json``. The building blocks are public
too, so that admin exports and the ticket code can use them directly (e.g. ``split_tickets``,
``index_table``, ``planned_margin_of_error``).
"""

from scoring.breakdown import DIMENSIONS, INDEX_COLUMNS, index_table, index_tables
from scoring.campaign import (
    BREAKDOWNS,
    CampaignData,
    CampaignScores,
    only_campaign,
    score_campaign,
)
from scoring.chart import write_trend_chart
from scoring.drivers import (
    DRIVER_COLUMNS,
    key_drivers,
    r_squared,
    relative_weights,
    respondent_matrix,
)
from scoring.estimates import Mean, Nps, Rate, finite
from scoring.frames import (
    ANSWER_COLUMNS,
    INVITATION_COLUMNS,
    POINT_COLUMNS,
    nps_answers,
    scored_answers,
    validate_answers,
    validate_invitations,
)
from scoring.indices import (
    DEFAULT_BANDS,
    GRADES,
    GradeBands,
    customer_scores,
    factor_means,
    factor_scores,
    loyalty,
    question_means,
    question_scores,
    respondents,
    satisfaction_counts,
    satisfaction_rate,
    unit_scores,
)
from scoring.quality import completion_seconds, speeding, straight_lining
from scoring.rates import (
    ResponseRate,
    box_rate,
    box_rates,
    group_values,
    nps_table,
    response_rate,
    weighted_rates,
)
from scoring.render import render_tables
from scoring.report import (
    CampaignReport,
    ReportTargets,
    Summary,
    build_report,
    write_report_json,
)
from scoring.stats import (
    cronbach_alpha,
    kish_effective_n,
    mann_whitney,
    mean_interval,
    nps_interval,
    planned_margin_of_error,
    significant,
    t_interval,
    two_proportion_ztest,
    wilson_interval,
    z_value,
)
from scoring.tickets import (
    low_answers,
    opinion_count,
    severity,
    split_tickets,
    ticket_summary,
)
from scoring.trends import TREND_COLUMNS, largest_changes, lowest_items, trend_table

__all__ = [
    "ANSWER_COLUMNS", "BREAKDOWNS", "DEFAULT_BANDS", "DIMENSIONS", "DRIVER_COLUMNS", "GRADES",
    "INDEX_COLUMNS", "INVITATION_COLUMNS", "POINT_COLUMNS", "TREND_COLUMNS", "CampaignData",
    "CampaignReport", "CampaignScores", "GradeBands", "Mean", "Nps", "Rate", "ReportTargets",
    "ResponseRate", "Summary", "box_rate", "box_rates", "build_report", "completion_seconds",
    "cronbach_alpha", "customer_scores", "factor_means", "factor_scores", "finite",
    "group_values", "index_table", "index_tables", "key_drivers", "kish_effective_n",
    "largest_changes", "low_answers", "lowest_items", "loyalty", "mann_whitney",
    "mean_interval", "nps_answers", "nps_interval", "nps_table", "only_campaign",
    "opinion_count", "planned_margin_of_error", "question_means", "question_scores",
    "r_squared", "relative_weights", "render_tables", "respondent_matrix", "respondents",
    "response_rate", "satisfaction_counts", "satisfaction_rate", "score_campaign",
    "scored_answers", "severity", "significant", "speeding", "split_tickets",
    "straight_lining", "t_interval", "ticket_summary", "trend_table", "two_proportion_ztest",
    "unit_scores", "validate_answers", "validate_invitations", "weighted_rates",
    "wilson_interval", "write_report_json", "write_trend_chart", "z_value",
]  # fmt: skip
