"""Store-wide and per-customer aggregates the tools share (overview, profiles, per-customer stats, digest).

These are the fixed aggregate queries that used to live in each tool; they sit here next to the
metric compiler so every aggregate the service reports has one home.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Engine, and_, func, select
from sqlalchemy.orm import aliased

from crm_insights.store.models import Customer, Feedback, Order, SegmentAssignment


def _day(value: Any) -> date | None:
    return None if value is None else pd.Timestamp(value).date()


def data_range(conn: Connection) -> dict[str, tuple[date | None, date | None]]:
    """First and last day of orders and of feedback: what "now" and the valid periods are."""
    o = conn.execute(select(func.min(Order.ordered_at), func.max(Order.ordered_at))).one()
    f = conn.execute(select(func.min(Feedback.created_at), func.max(Feedback.created_at))).one()
    return {"orders": (_day(o[0]), _day(o[1])), "feedback": (_day(f[0]), _day(f[1]))}


def last_order_at(conn: Connection) -> datetime | None:
    value = conn.execute(select(func.max(Order.ordered_at))).scalar_one()
    return None if value is None else pd.Timestamp(value).to_pydatetime()


def first_order_at(conn: Connection) -> datetime | None:
    value = conn.execute(select(func.min(Order.ordered_at))).scalar_one()
    return None if value is None else pd.Timestamp(value).to_pydatetime()


def order_totals(conn: Connection) -> dict[str, Any]:
    """All-time orders, revenue, units, first/last order time, buyers."""
    n, revenue, units, first, last, buyers = conn.execute(
        select(
            func.count(Order.id),
            func.sum(Order.amount),
            func.sum(Order.quantity),
            func.min(Order.ordered_at),
            func.max(Order.ordered_at),
            func.count(func.distinct(Order.customer_id)),
        )
    ).one()
    return {
        "orders": int(n or 0),
        "revenue": float(revenue or 0.0),
        "units": int(units or 0),
        "first": first,
        "last": last,
        "buyers": int(buyers or 0),
    }


def feedback_totals(conn: Connection) -> dict[str, Any]:
    n, scored, first, last = conn.execute(
        select(
            func.count(Feedback.id),
            func.count(Feedback.sentiment_label),
            func.min(Feedback.created_at),
            func.max(Feedback.created_at),
        )
    ).one()
    return {"feedback": int(n or 0), "scored": int(scored or 0), "first": first, "last": last}


def customer_count(conn: Connection) -> int:
    return int(conn.execute(select(func.count(Customer.id))).scalar_one())


def top_spenders(conn: Connection, n: int) -> list[tuple[str, str | None, float, int]]:
    """(external id, name, spend, order lines) of the ``n`` customers with the highest total spend."""
    spend = func.sum(Order.amount).label("spend")
    rows = conn.execute(
        select(Customer.external_id, Customer.name, spend, func.count(Order.id).label("orders"))
        .join(Order, Order.customer_id == Customer.id)
        .group_by(Customer.id, Customer.external_id, Customer.name)
        .order_by(spend.desc(), Customer.external_id)
        .limit(n)
    ).all()
    return [(str(e), name, float(s), int(o)) for e, name, s, o in rows]


def top_share_of_spenders(
    conn: Connection, since: date, until: date, share: float | None, count: int | None = None
) -> tuple[list[int], int, float | None]:
    """(primary keys of the top ``share`` of the customers with an order from ``since`` to ``until`` by their spend
    in it, how many customers had one, the lowest spend inside the kept group: its entry threshold): round(n x
    share) customers (at least one), ties to the smaller key; with ``count`` instead of a share, the first ``count``
    of them ("消费排前二十的大客户")."""
    start = datetime(since.year, since.month, since.day)
    end = datetime(until.year, until.month, until.day) + timedelta(days=1)
    spend = func.sum(Order.amount)
    ranked = conn.execute(
        select(Order.customer_id, spend)
        .where(Order.ordered_at >= start, Order.ordered_at < end)
        .group_by(Order.customer_id)
        .order_by(spend.desc(), Order.customer_id)
    ).all()
    keep = count if count is not None else (max(1, round(len(ranked) * (share or 0.0))) if ranked else 0)
    kept = ranked[:keep]
    floor = float(kept[-1][1]) if kept else None
    return [int(pk) for pk, _ in kept], len(ranked), floor


def customer_history(
    conn: Connection, customer_pk: int, since: date | None = None, until: date | None = None
) -> dict[str, Any]:
    """One customer's order lines, purchase days, units, spend, first and last order time; from ``since`` to
    ``until`` (inclusive days) when given, else over all their orders."""
    conds = [Order.customer_id == customer_pk]
    if since is not None:
        conds.append(Order.ordered_at >= datetime(since.year, since.month, since.day))
    if until is not None:
        conds.append(Order.ordered_at < datetime(until.year, until.month, until.day) + timedelta(days=1))
    n, days, units, spend, first, last = conn.execute(
        select(
            func.count(Order.id),
            func.count(func.distinct(func.date(Order.ordered_at))),
            func.sum(Order.quantity),
            func.sum(Order.amount),
            func.min(Order.ordered_at),
            func.max(Order.ordered_at),
        ).where(*conds)
    ).one()
    return {
        "orders": int(n or 0),
        "purchase_days": int(days or 0),
        "units": int(units or 0),
        "spend": float(spend or 0.0),
        "first_purchase": None if first is None else pd.Timestamp(first).to_pydatetime(),
        "last_purchase": None if last is None else pd.Timestamp(last).to_pydatetime(),
    }


def last_purchase_day(conn: Connection, customer_pk: int, last: datetime) -> dict[str, Any]:
    """The order lines of one customer's purchase day holding ``last`` ("上回买了多少钱"): orders, units, spend."""
    day = datetime(last.year, last.month, last.day)
    n, units, spend = conn.execute(
        select(func.count(Order.id), func.sum(Order.quantity), func.sum(Order.amount)).where(
            Order.customer_id == customer_pk, Order.ordered_at >= day, Order.ordered_at < day + timedelta(days=1)
        )
    ).one()
    return {"orders": int(n or 0), "units": int(units or 0), "spend": float(spend or 0.0)}


def customer_spend_rank(conn: Connection, spend: float) -> dict[str, Any]:
    """Where an all-time spend ranks among the customers with orders: {"rank": 1 + the customers who spent more,
    "of": the customers with orders, "top_share": rank / of} (a tie shares the better rank)."""
    per_customer = select(func.sum(Order.amount).label("spend")).group_by(Order.customer_id).subquery()
    above, total = conn.execute(
        select(func.count().filter(per_customer.c.spend > spend + 1e-9), func.count()).select_from(per_customer)
    ).one()
    rank = int(above or 0) + 1
    return {"rank": rank, "of": int(total or 0), "top_share": round(rank / total, 4) if total else None}


def customer_stats_frame(engine: Engine) -> pd.DataFrame:
    """Per-customer order aggregates indexed by external id: orders, purchase_days, spend, first, last."""
    stmt = (
        select(
            Customer.external_id.label("customer_id"),
            func.count(Order.id).label("orders"),
            func.count(func.distinct(func.date(Order.ordered_at))).label("purchase_days"),
            func.sum(Order.amount).label("spend"),
            func.min(Order.ordered_at).label("first_purchase"),
            func.max(Order.ordered_at).label("last_purchase"),
        )
        .join(Order, Order.customer_id == Customer.id)
        .group_by(Customer.external_id)
    )
    with engine.connect() as conn:
        df = pd.read_sql(stmt, conn)
    df["customer_id"] = df["customer_id"].astype(str)
    df["first_purchase"] = pd.to_datetime(df["first_purchase"])
    df["last_purchase"] = pd.to_datetime(df["last_purchase"])
    return df.set_index("customer_id")


def segment_transitions(conn: Connection, before: str, now: str) -> list[dict[str, int]]:
    """How many customers moved from each segment to each other one between two models' assignments."""
    a, b = aliased(SegmentAssignment), aliased(SegmentAssignment)
    query = (
        select(a.segment, b.segment, func.count())
        .join(b, and_(a.customer_id == b.customer_id, b.model_version == now))
        .where(a.model_version == before, a.segment != b.segment)
        .group_by(a.segment, b.segment)
        .order_by(func.count().desc())
    )
    return [{"from": int(f), "to": int(t), "customers": int(n)} for f, t, n in conn.execute(query)]


def segment_assignment_count(conn: Connection, version: str) -> int:
    return int(
        conn.execute(
            select(func.count()).select_from(SegmentAssignment).where(SegmentAssignment.model_version == version)
        ).scalar_one()
    )
