"""the campaign's answers as the dashboard reads them on every view: one covering index

``ix_answers_campaign_view (campaign_id, void, channel, invitation_id, changed_at)`` replaces
``ix_answers_campaign (campaign_id)``, of which it is a prefix, so every lookup by campaign
keeps its index. The report cache's fingerprint (count, last id, last change, voided) and the
funnel's distinct (invitation, channel) pairs then read the index alone, not a million table
rows (dashboard/report_cache.py, storage/funnel.py; bench/dashboard.py).

Revision ID: 0007
Revises: 0006
"""

from __future__ import annotations

from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

COLUMNS = ["campaign_id", "void", "channel", "invitation_id", "changed_at"]


def upgrade() -> None:
    op.create_index("ix_answers_campaign_view", "answers", COLUMNS)
    op.drop_index("ix_answers_campaign", table_name="answers")


def downgrade() -> None:
    op.create_index("ix_answers_campaign", "answers", ["campaign_id"])
    op.drop_index("ix_answers_campaign_view", table_name="answers")
