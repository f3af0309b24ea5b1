"""the shared rate budget: Telegram's windows for every process of one bot (rate_slots)

Each row is one slot a bulk send holds in one window (``scope``: the bot's id and the window,
``all``, ``chat:42`` or ``group:-100123``) until ``until`` (epoch seconds, the database's
clock); storage/rate_budget.py takes and ends them. Created on SQLite too, unused there (one
process sends, with the in-process budget), so both backends have one schema.

Revision ID: 0006
Revises: 0005
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "rate_slots",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("scope", sa.String(length=120), nullable=False),
        sa.Column("token", sa.String(length=40), nullable=False),
        sa.Column("until", sa.Float(), nullable=False),
        sa.Column("period", sa.Float(), nullable=False),
        sa.Column("open", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_rate_slots_scope_until", "rate_slots", ["scope", "until"])
    op.create_index("ix_rate_slots_token", "rate_slots", ["token"])


def downgrade() -> None:
    op.drop_index("ix_rate_slots_token", table_name="rate_slots")
    op.drop_index("ix_rate_slots_scope_until", table_name="rate_slots")
    op.drop_table("rate_slots")
