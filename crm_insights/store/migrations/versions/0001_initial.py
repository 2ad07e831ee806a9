"""initial schema: customers, orders, feedback, segment assignments

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "customers",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("external_id", sa.String(64), nullable=False),
        sa.Column("name", sa.String(200)),
        sa.Column("signup_at", sa.DateTime()),
        sa.Column("attributes", sa.JSON()),
        sa.PrimaryKeyConstraint("id", name="pk_customers"),
        sa.UniqueConstraint("external_id", name="uq_customers_external_id"),
    )
    op.create_table(
        "orders",
        sa.Column("id", sa.Integer(), autoincrement=True),
        sa.Column("external_id", sa.String(80), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("ordered_at", sa.DateTime(), nullable=False),
        sa.Column("quantity", sa.Integer(), nullable=False),
        sa.Column("amount", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_orders"),
        sa.UniqueConstraint("external_id", name="uq_orders_external_id"),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_orders_customer_id_customers", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_orders_customer_time", "orders", ["customer_id", "ordered_at"])
    op.create_index("ix_orders_ordered_at", "orders", ["ordered_at"])
    op.create_table(
        "feedback",
        sa.Column("id", sa.Integer(), autoincrement=True),
        sa.Column("external_id", sa.String(80), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("channel", sa.String(40)),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("sentiment_label", sa.String(16)),
        sa.Column("sentiment_score", sa.Float()),
        sa.Column("sentiment_model", sa.String(80)),
        sa.PrimaryKeyConstraint("id", name="pk_feedback"),
        sa.UniqueConstraint("external_id", name="uq_feedback_external_id"),
        sa.ForeignKeyConstraint(
            ["customer_id"], ["customers.id"], name="fk_feedback_customer_id_customers", ondelete="CASCADE"
        ),
    )
    op.create_index("ix_feedback_customer_time", "feedback", ["customer_id", "created_at"])
    op.create_index("ix_feedback_created_at", "feedback", ["created_at"])
    op.create_index("ix_feedback_sentiment_label", "feedback", ["sentiment_label"])
    op.create_table(
        "segment_assignments",
        sa.Column("model_version", sa.String(80), nullable=False),
        sa.Column("customer_id", sa.Integer(), nullable=False),
        sa.Column("segment", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("model_version", "customer_id", name="pk_segment_assignments"),
        sa.ForeignKeyConstraint(
            ["customer_id"],
            ["customers.id"],
            name="fk_segment_assignments_customer_id_customers",
            ondelete="CASCADE",
        ),
    )


def downgrade() -> None:
    op.drop_table("segment_assignments")
    op.drop_table("feedback")
    op.drop_table("orders")
    op.drop_table("customers")
