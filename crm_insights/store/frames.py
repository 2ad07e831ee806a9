"""Read the store into pandas frames for analytics (one query each, customer ids as the source gives them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import pandas as pd
from sqlalchemy import Engine, select

from crm_insights.store.models import Customer, Feedback, Order


def _read(engine: Engine, stmt: Any, time_col: str | None) -> pd.DataFrame:
    """Run one select into a frame: times as datetime64, customer ids as strings (never numbers)."""
    with engine.connect() as conn:
        df = pd.read_sql(stmt, conn)
    if time_col is not None:
        df[time_col] = pd.to_datetime(df[time_col])
    df["customer_id"] = df["customer_id"].astype(str)
    return df


def orders_frame(engine: Engine, until: datetime | None = None) -> pd.DataFrame:
    """Order lines: customer_pk, customer_id (external), ordered_at, quantity, amount.

    ``until`` is exclusive: rows at or after it are left out, so features built from the frame
    cannot see past a cutoff.
    """
    stmt = select(
        Order.customer_id.label("customer_pk"),
        Customer.external_id.label("customer_id"),
        Order.ordered_at,
        Order.quantity,
        Order.amount,
    ).join(Customer, Customer.id == Order.customer_id)
    if until is not None:
        stmt = stmt.where(Order.ordered_at < until)
    return _read(engine, stmt, "ordered_at")


def customers_frame(engine: Engine) -> pd.DataFrame:
    """Customers: customer_pk, customer_id (external), name, signup_at."""
    stmt = select(
        Customer.id.label("customer_pk"),
        Customer.external_id.label("customer_id"),
        Customer.name,
        Customer.signup_at,
    )
    return _read(engine, stmt, None)


def feedback_frame(
    engine: Engine,
    since: datetime | None = None,
    until: datetime | None = None,
    with_text: bool = True,
) -> pd.DataFrame:
    """Feedback rows: feedback_id, customer_pk, customer_id, created_at, channel, [text], sentiment_*."""
    cols: list[Any] = [
        Feedback.id.label("feedback_id"),
        Feedback.customer_id.label("customer_pk"),
        Customer.external_id.label("customer_id"),
        Feedback.created_at,
        Feedback.channel,
        Feedback.sentiment_label,
        Feedback.sentiment_score,
        Feedback.sentiment_model,
    ]
    if with_text:
        cols.append(Feedback.text)
    stmt = select(*cols).join(Customer, Customer.id == Feedback.customer_id)
    if since is not None:
        stmt = stmt.where(Feedback.created_at >= since)
    if until is not None:
        stmt = stmt.where(Feedback.created_at < until)
    return _read(engine, stmt, "created_at")
