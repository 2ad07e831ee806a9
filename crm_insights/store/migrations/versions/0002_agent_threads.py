"""thread registry: each caller's agent threads, OpenAI conversations -> threads

Revision ID: 0002
Revises: 0001
"""

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "agent_threads",
        sa.Column("identity", sa.String(64), nullable=False),
        sa.Column("thread_id", sa.String(200), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("turns", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("identity", "thread_id", name="pk_agent_threads"),
    )
    op.create_index("ix_agent_threads_identity_updated", "agent_threads", ["identity", "updated_at"])
    op.create_table(
        "agent_conversations",
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("identity", sa.String(64), nullable=False),
        sa.Column("thread_id", sa.String(200), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name="pk_agent_conversations"),
    )


def downgrade() -> None:
    op.drop_table("agent_conversations")
    op.drop_index("ix_agent_threads_identity_updated", table_name="agent_threads")
    op.drop_table("agent_threads")
