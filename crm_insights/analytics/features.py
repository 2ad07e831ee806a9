"""Per-customer behaviour features (RFM and friends) as of a cutoff date, for segmentation.

Every feature is computed only from orders and feedback dated strictly before the cutoff
(``as_of``), so a model trained "as of" a date never sees what happened after it.

Features (one row per customer with at least one order before the cutoff):

- ``recency_days``: days from the last purchase to the cutoff.
- ``frequency``: distinct purchase days (several order lines on one day are one purchase).
- ``monetary_total``: total spend (negative lines, e.g. refunds, count; the total is floored at 0).
- ``avg_order_value``: ``monetary_total / frequency`` (spend per purchase day).
- ``tenure_days``: days from the first purchase to the cutoff.
- ``interpurchase_days``: mean days between consecutive purchase days. A customer with a single
  purchase has no gap yet; it is filled with ``tenure_days``: they have gone at least that long
  without buying again, which is a lower bound on their gap and ranks them next to slow repeaters.
- ``trend``: purchase days in the last ``trend_window_days`` divided by the number expected at the
  customer's own lifetime rate over that window (1 = steady, >1 speeding up, <1 slowing, 0 = none
  lately). Customers younger than the window score 1 (their whole life is "recent").
- ``negative_share`` (only when feedback before the cutoff carries sentiment labels): share of the
  customer's labelled feedback that is negative. Customers without labelled feedback get the
  population's share, so the missing value neither pulls them toward nor away from any segment.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from crm_insights.errors import InputError

BEHAVIOUR_FEATURES: tuple[str, ...] = (
    "recency_days",
    "frequency",
    "monetary_total",
    "avg_order_value",
    "tenure_days",
    "interpurchase_days",
    "trend",
)
SENTIMENT_FEATURE = "negative_share"

# Heavy-tailed counts and amounts are log-scaled before standardising; shares are not.
LOG_FEATURES: frozenset[str] = frozenset(BEHAVIOUR_FEATURES)

# Human-readable labels (zh, en) and units, for tables, reasons and the agent's answers.
FEATURE_LABELS: dict[str, dict[str, str]] = {
    "recency_days": {"zh": "距上次购买天数", "en": "days since last purchase", "unit": "days"},
    "frequency": {"zh": "购买天数", "en": "purchase days", "unit": "days"},
    "monetary_total": {"zh": "累计消费", "en": "total spend", "unit": "currency"},
    "avg_order_value": {"zh": "客单价", "en": "average order value", "unit": "currency"},
    "tenure_days": {"zh": "客户时长", "en": "tenure", "unit": "days"},
    "interpurchase_days": {"zh": "平均购买间隔", "en": "days between purchases", "unit": "days"},
    "trend": {"zh": "近期购买趋势", "en": "recent purchase trend", "unit": "ratio"},
    "negative_share": {"zh": "负面反馈占比", "en": "share of negative feedback", "unit": "share"},
}

DEFAULT_TREND_WINDOW_DAYS = 90


@dataclass
class CustomerFeatures:
    """Feature table (index: external customer id) plus what built it."""

    frame: pd.DataFrame  # feature columns only, index customer_id (external, str)
    customer_pk: pd.Series  # store primary key per external id (for SegmentAssignment rows)
    as_of: datetime
    features: list[str]
    notes: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.frame)


def _days(delta: pd.Series) -> pd.Series:
    return delta.dt.total_seconds() / 86_400.0


def compute_features(
    orders: pd.DataFrame,
    as_of: datetime,
    feedback: pd.DataFrame | None = None,
    trend_window_days: int = DEFAULT_TREND_WINDOW_DAYS,
) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Features from an orders frame (``customer_id, ordered_at, amount``) as of ``as_of`` (exclusive).

    Rows at or after ``as_of`` are dropped here too, so callers cannot leak by passing a wider
    frame. Returns the feature frame (index ``customer_id``) and notes on fills and coverage.
    """
    cutoff = pd.Timestamp(as_of)
    orders = orders.loc[orders["ordered_at"] < cutoff, ["customer_id", "ordered_at", "amount"]]
    if orders.empty:
        raise InputError(f"no orders before the cutoff {cutoff.date()}: nothing to segment")

    day = orders["ordered_at"].dt.normalize()
    per_day = orders.assign(day=day).groupby(["customer_id", "day"], sort=True)["amount"].sum().reset_index()
    g = per_day.groupby("customer_id", sort=True)
    first = g["day"].min()
    last = g["day"].max()
    freq = g["day"].size().astype(float)
    total = g["amount"].sum().clip(lower=0.0)

    # Recency and tenure run to the cutoff from the purchase *day*, so they are whole days.
    recency = _days(cutoff.normalize() - last).clip(lower=0.0)
    tenure = _days(cutoff.normalize() - first).clip(lower=0.0)
    span = _days(last - first)
    single = freq <= 1
    interpurchase = (span / (freq - 1).where(~single)).where(~single, tenure)

    window_start = cutoff.normalize() - pd.Timedelta(days=trend_window_days)
    recent = per_day.loc[per_day["day"] >= window_start].groupby("customer_id")["day"].size()
    recent = recent.reindex(freq.index, fill_value=0).astype(float)
    # Expected purchase days in the window at the customer's lifetime rate; a customer younger
    # than the window has their whole life inside it, so expected = actual and the trend is 1.
    life_days = np.maximum(tenure.to_numpy(), float(trend_window_days))
    expected = freq.to_numpy() * trend_window_days / life_days
    trend = pd.Series(recent.to_numpy() / np.maximum(expected, 1e-9), index=freq.index)

    frame = pd.DataFrame(
        {
            "recency_days": recency,
            "frequency": freq,
            "monetary_total": total,
            "avg_order_value": total / freq,
            "tenure_days": tenure,
            "interpurchase_days": interpurchase,
            "trend": trend,
        }
    )
    frame.index.name = "customer_id"
    notes: dict[str, Any] = {
        "single_purchase_customers": int(single.sum()),
        "interpurchase_fill": "tenure_days",
        "trend_window_days": trend_window_days,
        "sentiment_feature": False,
    }

    if feedback is not None and not feedback.empty:
        fb = feedback.loc[feedback["created_at"] < cutoff]
        labelled = fb.loc[fb["sentiment_label"].notna() & fb["customer_id"].isin(frame.index)]
        if not labelled.empty:
            is_neg = labelled["sentiment_label"].astype(str).str.lower().eq("negative")
            share = is_neg.groupby(labelled["customer_id"]).mean()
            population_share = float(is_neg.mean())
            frame[SENTIMENT_FEATURE] = share.reindex(frame.index).fillna(population_share).astype(float)
            notes.update(
                sentiment_feature=True,
                customers_with_labelled_feedback=int(share.size),
                negative_share_fill=population_share,
            )
    return frame.astype(float), notes


def default_as_of(engine: Engine) -> datetime:
    """The day after the last order (midnight): a cutoff that includes every order in the store."""
    from crm_insights.metrics import last_order_at

    with engine.connect() as conn:
        last = last_order_at(conn)
    if last is None:
        raise InputError("the store has no orders; import some (`crm-insights import`) or run `crm-insights demo`")
    return (pd.Timestamp(last).normalize() + pd.Timedelta(days=1)).to_pydatetime()


def customer_features(
    engine: Engine,
    as_of: datetime | None = None,
    trend_window_days: int = DEFAULT_TREND_WINDOW_DAYS,
    use_sentiment: bool = True,
) -> CustomerFeatures:
    """Read orders (and labelled feedback) before ``as_of`` from the store and compute features.

    ``as_of`` is exclusive; None means the day after the last order. A cutoff before the first
    order raises :class:`InputError` naming the store's first order date.
    """
    from crm_insights.metrics import first_order_at
    from crm_insights.store.frames import feedback_frame, orders_frame

    cutoff = as_of or default_as_of(engine)
    if cutoff.tzinfo is not None:
        # The store keeps naive UTC timestamps; compare like with like.
        cutoff = cutoff.astimezone(UTC).replace(tzinfo=None)
    orders = orders_frame(engine, until=cutoff)
    if orders.empty:
        with engine.connect() as conn:
            first = first_order_at(conn)
        if first is None:
            raise InputError("the store has no orders; import some (`crm-insights import`) or run `crm-insights demo`")
        raise InputError(
            f"no orders before the cutoff {pd.Timestamp(cutoff).date()}; the store's orders start on "
            f"{pd.Timestamp(first).date()}: choose a later --as-of date"
        )
    feedback = feedback_frame(engine, until=cutoff, with_text=False) if use_sentiment else None
    frame, notes = compute_features(orders, cutoff, feedback, trend_window_days)
    pk = orders.drop_duplicates("customer_id").set_index("customer_id")["customer_pk"].reindex(frame.index)
    return CustomerFeatures(
        frame=frame,
        customer_pk=pk.astype("int64"),
        as_of=pd.Timestamp(cutoff).to_pydatetime(),
        features=list(frame.columns),
        notes=notes,
    )


def log_scale(frame: pd.DataFrame) -> np.ndarray:
    """The model's input space before standardising: log1p of heavy-tailed features, shares as is."""
    cols = []
    for name in frame.columns:
        col = frame[name].to_numpy(dtype=float)
        cols.append(np.log1p(np.clip(col, 0.0, None)) if name in LOG_FEATURES else col)
    return np.column_stack(cols)


def inverse_log_scale(values: np.ndarray, features: list[str]) -> np.ndarray:
    """Undo :func:`log_scale` column by column (rows: points in log space)."""
    out = np.array(values, dtype=float, copy=True)
    for j, name in enumerate(features):
        if name in LOG_FEATURES:
            out[..., j] = np.expm1(out[..., j])
    return out
