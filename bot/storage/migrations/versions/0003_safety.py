"""screen hits, safety plans, paused conversations

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 08:50:08.357187
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "safety_plans",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("warning_signs", sa.Text(), nullable=True),
        sa.Column("coping", sa.Text(), nullable=True),
        sa.Column("distractions", sa.Text(), nullable=True),
        sa.Column("people", sa.Text(), nullable=True),
        sa.Column("professionals", sa.Text(), nullable=True),
        sa.Column("environment", sa.Text(), nullable=True),
        sa.Column("reasons", sa.Text(), nullable=True),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id"),
    )
    op.create_table(
        "screen_hits",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("level", sa.String(length=16), nullable=False),
        sa.Column("categories", sa.String(length=256), nullable=False),
        sa.Column("place", sa.String(length=64), nullable=False),
        sa.Column("answer", sa.String(length=16), nullable=True),
        sa.Column("answered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("held_text", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("screen_hits", schema=None) as batch_op:
        batch_op.create_index("ix_screen_hits_user_time", ["user_id", "at"], unique=False)

    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.add_column(sa.Column("paused_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_conversations_paused_by", "screen_hits", ["paused_by"], ["id"], ondelete="SET NULL"
        )


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("conversations", schema=None) as batch_op:
        batch_op.drop_constraint("fk_conversations_paused_by", type_="foreignkey")
        batch_op.drop_column("paused_by")

    with op.batch_alter_table("screen_hits", schema=None) as batch_op:
        batch_op.drop_index("ix_screen_hits_user_time")

    op.drop_table("screen_hits")
    op.drop_table("safety_plans")
