"""answers.stage split into follow_up_stage, feedback_kind and void

``stage`` held three meanings: a follow-up's stage (causes|text|done), the kind of daily
feedback (feedback|complaint) and "void" (a follow-up whose 1–2 was raised to 3+).

Revision ID: 0004
Revises: 0003
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# The values as they were stored when this revision was written: a migration keeps its own
# copy instead of importing survey.vocabulary, which may change after it.
FOLLOW_UP = "followup"
FEEDBACK = "feedback"
VOID = "void"
IN_PROGRESS = ("causes", "text")
DONE = "done"
FEEDBACK_KINDS = ("feedback", "complaint")

answers = sa.table(
    "answers",
    sa.column("kind", sa.String),
    sa.column("stage", sa.String),
    sa.column("follow_up_stage", sa.String),
    sa.column("feedback_kind", sa.String),
    sa.column("void", sa.Boolean),
)

# Plain ALTER TABLE, not batch mode: SQLite's batch mode copies and drops the table, and with
# foreign keys on, dropping answers would cascade to answer_changes.


def upgrade() -> None:
    op.add_column("answers", sa.Column("follow_up_stage", sa.String(length=12), nullable=True))
    op.add_column("answers", sa.Column("feedback_kind", sa.String(length=12), nullable=True))
    op.add_column(
        "answers", sa.Column("void", sa.Boolean(), nullable=False, server_default=sa.false())
    )
    follow_up = answers.c.kind == FOLLOW_UP
    op.execute(answers.update().where(follow_up, answers.c.stage == VOID).values(void=True))
    op.execute(
        answers.update()
        .where(follow_up, answers.c.stage.in_(IN_PROGRESS))
        .values(follow_up_stage=answers.c.stage)
    )
    # Any other follow-up stage was read as done (storage.answers.to_flow_state).
    op.execute(
        answers.update()
        .where(
            follow_up,
            answers.c.stage.is_(None) | answers.c.stage.not_in([*IN_PROGRESS, VOID]),
        )
        .values(follow_up_stage=DONE)
    )
    op.execute(
        answers.update()
        .where(answers.c.kind == FEEDBACK, answers.c.stage.in_(FEEDBACK_KINDS))
        .values(feedback_kind=answers.c.stage)
    )
    op.drop_column("answers", "stage")


def downgrade() -> None:
    op.add_column("answers", sa.Column("stage", sa.String(length=12), nullable=True))
    op.execute(
        answers.update()
        .where(answers.c.follow_up_stage.is_not(None))
        .values(stage=answers.c.follow_up_stage)
    )
    op.execute(
        answers.update()
        .where(answers.c.feedback_kind.is_not(None))
        .values(stage=answers.c.feedback_kind)
    )
    op.execute(answers.update().where(answers.c.void.is_(True)).values(stage=VOID))
    op.drop_column("answers", "void")
    op.drop_column("answers", "feedback_kind")
    op.drop_column("answers", "follow_up_stage")
