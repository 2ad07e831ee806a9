"""SQLAlchemy 2 models of the CRM store. The schema itself is built by the versioned migrations.

Besides the CRM data, the store keeps the server's thread registry (:class:`AgentThread`,
:class:`AgentConversation`): which threads each caller has, so the list survives restarts and is shared
by workers. The threads' content lives in the agent's checkpointer.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

NAMING = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class Customer(Base):
    __tablename__ = "customers"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # The id as the source system gives it, kept verbatim (CDNOW's "00100" stays "00100").
    external_id: Mapped[str] = mapped_column(String(64), unique=True, nullable=False)
    name: Mapped[str | None] = mapped_column(String(200))
    signup_at: Mapped[datetime | None] = mapped_column(DateTime)
    attributes: Mapped[dict[str, Any] | None] = mapped_column(JSON)

    orders: Mapped[list[Order]] = relationship(back_populates="customer", passive_deletes=True)
    feedback: Mapped[list[Feedback]] = relationship(back_populates="customer", passive_deletes=True)


class Order(Base):
    __tablename__ = "orders"
    __table_args__ = (Index("ix_orders_customer_time", "customer_id", "ordered_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    # Source order-line id, or a content hash when the source has none (keeps re-imports idempotent).
    external_id: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), nullable=False)
    ordered_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
    quantity: Mapped[int] = mapped_column(Integer, nullable=False, default=1)
    amount: Mapped[float] = mapped_column(Float, nullable=False)

    customer: Mapped[Customer] = relationship(back_populates="orders")


class Feedback(Base):
    __tablename__ = "feedback"
    __table_args__ = (Index("ix_feedback_customer_time", "customer_id", "created_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    external_id: Mapped[str] = mapped_column(String(80), unique=True, nullable=False)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False, index=True)
    channel: Mapped[str | None] = mapped_column(String(40))
    text: Mapped[str] = mapped_column(Text, nullable=False)
    # Filled by `crm-insights sentiment score`.
    sentiment_label: Mapped[str | None] = mapped_column(String(16), index=True)
    sentiment_score: Mapped[float | None] = mapped_column(Float)
    sentiment_model: Mapped[str | None] = mapped_column(String(80))

    customer: Mapped[Customer] = relationship(back_populates="feedback")


class SegmentAssignment(Base):
    """Which segment each customer fell into under one segmentation model version."""

    __tablename__ = "segment_assignments"

    model_version: Mapped[str] = mapped_column(String(80), primary_key=True)
    customer_id: Mapped[int] = mapped_column(ForeignKey("customers.id", ondelete="CASCADE"), primary_key=True)
    segment: Mapped[int] = mapped_column(Integer, nullable=False)


class OrderRollup(Base):
    """Order lines summed per (day, segment): the additive measures the metrics layer can answer from.

    ``segment`` is the customer's segment under ``OrderRollupState.segment_version``, -1 when the
    customer has no assignment there (-1 rather than NULL: it is part of the primary key). Rebuilt by
    :func:`crm_insights.store.rollup.refresh_rollup` after each orders import and each segment training.
    """

    __tablename__ = "order_rollup"

    day: Mapped[date] = mapped_column(Date, primary_key=True)
    segment: Mapped[int] = mapped_column(Integer, primary_key=True)
    revenue: Mapped[float] = mapped_column(Float, nullable=False)
    orders: Mapped[int] = mapped_column(BigInteger, nullable=False)
    units: Mapped[int] = mapped_column(BigInteger, nullable=False)


class OrderRollupState(Base):
    """One row (id 1): what the rollup was built from, so a stale rollup is detected and never answers."""

    __tablename__ = "order_rollup_state"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    segment_version: Mapped[str | None] = mapped_column(String(80))
    max_order_id: Mapped[int | None] = mapped_column(Integer)
    order_count: Mapped[int] = mapped_column(BigInteger, nullable=False)
    # Rows of segment_version in segment_assignments when built (a rewrite of that version shows up).
    assignment_count: Mapped[int] = mapped_column(BigInteger, nullable=False)
    refreshed_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)  # UTC
    # OrdersVersion.n when built (PostgreSQL; None on SQLite, which compares max id and count instead).
    orders_version: Mapped[int | None] = mapped_column(BigInteger)


class OrdersVersion(Base):
    """One row (id 1) whose ``n`` a PostgreSQL statement trigger on ``orders`` bumps on every write."""

    __tablename__ = "orders_version"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    n: Mapped[int] = mapped_column(BigInteger, nullable=False)


class AgentThread(Base):
    """A thread the server has answered in, per caller identity (an API key's fingerprint, or ``local``)."""

    __tablename__ = "agent_threads"
    # The thread list reads one identity's threads, newest first.
    __table_args__ = (Index("ix_agent_threads_identity_updated", "identity", "updated_at"),)

    identity: Mapped[str] = mapped_column(String(64), primary_key=True)
    # The caller's plain id; the checkpointer keeps it as "<identity>:<thread_id>" (plain for local).
    thread_id: Mapped[str] = mapped_column(String(200), primary_key=True)
    title: Mapped[str] = mapped_column(String(200), nullable=False)  # the first question, cut to 80 characters
    source: Mapped[str] = mapped_column(String(20), nullable=False)  # api, openai ...
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)  # UTC
    updated_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)  # UTC
    turns: Mapped[int] = mapped_column(Integer, nullable=False, default=0)


class AgentConversation(Base):
    """An OpenAI-compatible conversation so far (its hash) and the thread it continues."""

    __tablename__ = "agent_conversations"

    # sha256 hex of the caller's identity, ``user`` and the messages (crm_insights.server.state.conversation_key).
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    identity: Mapped[str] = mapped_column(String(64), nullable=False)
    thread_id: Mapped[str] = mapped_column(String(200), nullable=False)
    created_at: Mapped[datetime] = mapped_column(DateTime, nullable=False)  # UTC
