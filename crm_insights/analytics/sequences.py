"""Weekly purchase sequences for the forecaster: orders -> per-customer weekly grids -> step features.

A *purchase* is a purchase day: several order lines of one customer on one calendar day count once
(the CDNOW convention, and what a sales team means by "came back"). Weeks are counted backwards
from the cutoff ``as_of``, so the last week of every sequence ends exactly at the cutoff and
nothing at or after it is ever read.

Every step feature at week ``t`` is computed from weeks ``<= t`` only (cumulative sums, running
maxima), never from totals over the whole window: the CDNOW probe showed that a single
window-wide feature (total spend) leaks future purchases and swings the bias to -60%.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import numpy as np
import pandas as pd

from crm_insights.errors import InputError

WEEK = pd.Timedelta(days=7)

FEATURES = (
    "log_purchase_days",  # this week's purchase days
    "log_spend_per_day",  # this week's spend per purchase day
    "born",  # has bought at or before this week
    "first_week",  # this is the week of the first purchase
    "log_cum_purchase_days",  # purchase days so far
    "log_age_weeks",  # weeks since the first purchase
    "log_weeks_since_last",  # weeks since the latest purchase
    "log_avg_spend",  # spend per purchase day so far
    "rate_so_far",  # purchase days per week of age so far
)
N_FEATURES = len(FEATURES)


@dataclass
class WeeklyPanel:
    """Customers x weeks grids ending at ``as_of`` (exclusive).

    ``counts[i, t]`` is customer i's purchase days in week t, ``spend[i, t]`` the spend. Column
    ``T-1`` is the week just before the cutoff. ``first_week[i]`` is the column of the first purchase.
    """

    customer_ids: np.ndarray  # str, shape (N,)
    counts: np.ndarray  # float32, (N, T)
    spend: np.ndarray  # float32, (N, T)
    as_of: pd.Timestamp
    first_week: np.ndarray  # int64, (N,)

    @property
    def n_customers(self) -> int:
        return int(self.counts.shape[0])

    @property
    def n_weeks(self) -> int:
        return int(self.counts.shape[1])

    def subset(self, index: np.ndarray) -> WeeklyPanel:
        return WeeklyPanel(
            customer_ids=self.customer_ids[index],
            counts=self.counts[index],
            spend=self.spend[index],
            as_of=self.as_of,
            first_week=self.first_week[index],
        )


def to_timestamp(value: datetime | date | str | pd.Timestamp, what: str = "as_of") -> pd.Timestamp:
    """A naive pandas Timestamp (the store keeps naive UTC datetimes); bad input -> InputError."""
    try:
        ts = pd.Timestamp(value)
    except (ValueError, TypeError) as exc:
        raise InputError(f"{what}: cannot read {value!r} as a date ({exc})") from exc
    if ts is pd.NaT:
        raise InputError(f"{what}: {value!r} is not a date")
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    return ts


def normalize_orders(orders: pd.DataFrame) -> pd.DataFrame:
    """Check and coerce an orders frame to columns customer_id (str), ordered_at (datetime64), amount (float)."""
    missing = {"customer_id", "ordered_at", "amount"} - set(orders.columns)
    if missing:
        raise InputError(f"orders frame lacks column(s) {sorted(missing)}; needs customer_id, ordered_at, amount")
    df = orders[["customer_id", "ordered_at", "amount"]].copy()
    df["customer_id"] = df["customer_id"].astype(str)
    if not pd.api.types.is_datetime64_any_dtype(df["ordered_at"]):
        try:
            df["ordered_at"] = pd.to_datetime(df["ordered_at"], format="mixed")
        except (ValueError, TypeError) as exc:
            raise InputError(f"orders frame: ordered_at has a value that is not a date ({exc})") from exc
    if getattr(df["ordered_at"].dt, "tz", None) is not None:
        df["ordered_at"] = df["ordered_at"].dt.tz_convert("UTC").dt.tz_localize(None)
    df["amount"] = pd.to_numeric(df["amount"], errors="coerce").fillna(0.0).astype("float64")
    if df["ordered_at"].isna().any():
        row = int(np.flatnonzero(df["ordered_at"].isna().to_numpy())[0])
        raise InputError(f"orders frame row {row}: ordered_at is missing")
    return df


def default_as_of(orders: pd.DataFrame) -> pd.Timestamp:
    """The day after the latest order: the end of the data, the natural 'now' of a CRM extract."""
    if orders.empty:
        raise InputError("there are no orders: the forecaster needs purchase history")
    return pd.Timestamp(orders["ordered_at"].max()).normalize() + pd.Timedelta(days=1)


def build_panel(orders: pd.DataFrame, as_of: datetime | date | str | pd.Timestamp) -> WeeklyPanel:
    """Weekly grids of every customer with at least one order before ``as_of`` (exclusive).

    Raises InputError when no order lies before the cutoff.
    """
    cutoff = to_timestamp(as_of)
    df = normalize_orders(orders)
    df = df[df["ordered_at"] < cutoff]
    if df.empty:
        raise InputError(f"no orders before as_of={cutoff.date()}: nothing to learn from or forecast at that cutoff")
    day = df["ordered_at"].dt.normalize()
    # One purchase = one (customer, day); spend of the day = the sum of its lines.
    days = (
        pd.DataFrame({"customer_id": df["customer_id"].to_numpy(), "day": day.to_numpy(), "amount": df["amount"]})
        .groupby(["customer_id", "day"], sort=False, as_index=False)["amount"]
        .sum()
    )
    # Weeks back from the cutoff: days 1..7 before it are week 0 (the last column), 8..14 week 1, ...
    # A day that a non-midnight cutoff cuts in two starts less than a day before it: week 0 too.
    distance = (cutoff - days["day"]).to_numpy() / np.timedelta64(1, "D")
    back = (np.ceil(distance / 7.0) - 1).astype("int64")
    n_weeks = int(back.max()) + 1
    col = n_weeks - 1 - back
    codes, uniques = pd.factorize(days["customer_id"], sort=True)
    n = len(uniques)
    counts = np.zeros((n, n_weeks), dtype=np.float32)
    spend = np.zeros((n, n_weeks), dtype=np.float32)
    np.add.at(counts, (codes, col), 1.0)
    np.add.at(spend, (codes, col), days["amount"].to_numpy(dtype=np.float32))
    first = np.argmax(counts > 0, axis=1).astype(np.int64)
    return WeeklyPanel(
        customer_ids=np.asarray(uniques, dtype=object).astype(str),
        counts=counts,
        spend=spend,
        as_of=cutoff,
        first_week=first,
    )


def step_features(counts: np.ndarray, spend: np.ndarray) -> np.ndarray:
    """Features of each (customer, week) from that week and earlier only: float32 (B, T, N_FEATURES).

    Weeks before the first purchase are all zeros (``born`` = 0), so the sequence model sees
    "not a customer yet" rather than made-up history.
    """
    b, t = counts.shape
    steps = np.arange(t, dtype=np.float32)[None, :]
    cum = np.cumsum(counts, axis=1)
    born = cum > 0
    first = np.argmax(born, axis=1).astype(np.float32)[:, None]
    age = np.where(born, steps - first, 0.0)
    last = np.maximum.accumulate(np.where(counts > 0, steps, -1.0), axis=1)
    since_last = np.where(born, steps - last, 0.0)
    cum_spend = np.cumsum(spend, axis=1)
    avg_spend = np.where(born, cum_spend / np.maximum(cum, 1.0), 0.0)
    spend_day = np.where(counts > 0, spend / np.maximum(counts, 1.0), 0.0)
    out = np.empty((b, t, N_FEATURES), dtype=np.float32)
    out[..., 0] = np.log1p(counts)
    out[..., 1] = np.log1p(np.maximum(spend_day, 0.0))
    out[..., 2] = born
    out[..., 3] = born & (steps == first)
    out[..., 4] = np.log1p(cum)
    out[..., 5] = np.log1p(age)
    out[..., 6] = np.log1p(since_last)
    out[..., 7] = np.log1p(np.maximum(avg_spend, 0.0))
    out[..., 8] = np.where(born, cum / (age + 1.0), 0.0)
    return out


def future_windows(counts: np.ndarray, window: int) -> tuple[np.ndarray, np.ndarray]:
    """For each step t, the next ``window`` weeks' counts and their lengths (training targets).

    Returns ``future`` (B, T, window) with zeros past the end and ``length`` (T,) = min(window, T-1-t).
    """
    b, t = counts.shape
    padded = np.concatenate([counts, np.zeros((b, window), dtype=counts.dtype)], axis=1)
    idx = np.arange(t)[:, None] + 1 + np.arange(window)[None, :]
    future = padded[:, idx]
    length = np.minimum(window, t - 1 - np.arange(t))
    return future.astype(np.float32), length.astype(np.int64)


def purchase_days_between(
    orders: pd.DataFrame, start: datetime | date | str | pd.Timestamp, end: datetime | date | str | pd.Timestamp
) -> pd.Series:
    """Purchase days per customer with start <= ordered_at < end (customers with none are absent)."""
    df = normalize_orders(orders)
    lo, hi = to_timestamp(start, "start"), to_timestamp(end, "end")
    df = df[(df["ordered_at"] >= lo) & (df["ordered_at"] < hi)]
    days = df.assign(day=df["ordered_at"].dt.normalize()).drop_duplicates(["customer_id", "day"])
    return days.groupby("customer_id").size().rename("purchase_days")


def weeks_between(start: pd.Timestamp, end: pd.Timestamp) -> float:
    return float((end - start) / timedelta(days=7))
