"""report snapshots: each campaign's last built report, kept in the database

One row per campaign (``report_snapshots``): the fingerprint of the data it was built from,
when it was built, and the signed payload (the report and the charts drawn from it). The
dashboard reads it when its own memory has no report for the campaign, e.g. after a restart
(dashboard/report_cache.py, dashboard/report_store.py).

Revision ID: 0008
Revises: 0007
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

from storage.types import UTCDateTime

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "report_snapshots",
        sa.Column(
            "campaign_id",
            sa.Integer(),
            sa.ForeignKey(
                "campaigns.id",
                name="fk_report_snapshots_campaign_id_campaigns",
                ondelete="CASCADE",
            ),
            autoincrement=False,
        ),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("built_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("campaign_id", name="pk_report_snapshots"),
    )


def downgrade() -> None:
    op.drop_table("report_snapshots")
