"""the web channel: respondents' e-mail, the interviewer of an answer, when a link was opened

``respondents.email`` is where the e-mail invitations and reminders go (CSAT_SMTP_*);
``answers.interviewer`` names the staff member who recorded a phone or visit interview;
``invitations.opened_at`` is when the respondent first opened the invitation in any channel
(the funnel: planned → sent → opened → started → completed).

Revision ID: 0005
Revises: 0004
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

import storage.types

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("respondents") as batch:
        batch.add_column(sa.Column("email", sa.String(length=254), nullable=True))
    with op.batch_alter_table("answers") as batch:
        batch.add_column(sa.Column("interviewer", sa.String(length=120), nullable=True))
    with op.batch_alter_table("invitations") as batch:
        batch.add_column(
            sa.Column("opened_at", storage.types.UTCDateTime(timezone=True), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table("invitations") as batch:
        batch.drop_column("opened_at")
    with op.batch_alter_table("answers") as batch:
        batch.drop_column("interviewer")
    with op.batch_alter_table("respondents") as batch:
        batch.drop_column("email")
