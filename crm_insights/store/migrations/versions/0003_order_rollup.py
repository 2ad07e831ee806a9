"""daily x segment order rollup and its freshness marker (issue 11: fast monthly revenue by segment)

Revision ID: 0003
Revises: 0002
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "order_rollup",
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("segment", sa.Integer(), nullable=False),
        sa.Column("revenue", sa.Float(), nullable=False),
        sa.Column("orders", sa.BigInteger(), nullable=False),
        sa.Column("units", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("day", "segment", name="pk_order_rollup"),
    )
    op.create_table(
        "order_rollup_state",
        sa.Column("id", sa.Integer(), autoincrement=False),
        sa.Column("segment_version", sa.String(80)),
        sa.Column("max_order_id", sa.Integer()),
        sa.Column("order_count", sa.BigInteger(), nullable=False),
        sa.Column("assignment_count", sa.BigInteger(), nullable=False),
        sa.Column("refreshed_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_order_rollup_state"),
    )


def downgrade() -> None:
    op.drop_table("order_rollup_state")
    op.drop_table("order_rollup")
