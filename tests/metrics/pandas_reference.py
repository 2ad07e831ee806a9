"""Every measure computed again in plain pandas from the same rows, written apart from the SQL compiler.

``reference(store, measure, ...)`` returns ``({row key: value}, total)``; rows are only the groups
that have data (the compiler also lists empty periods, which must then be 0 or None).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd


def label(ts: pd.Series, grain: str) -> pd.Series:
    ts = pd.to_datetime(ts)
    if grain == "day":
        return ts.dt.strftime("%Y-%m-%d")
    if grain == "week":
        return (ts.dt.normalize() - pd.to_timedelta(ts.dt.weekday, unit="D")).dt.strftime("%Y-%m-%d")
    if grain == "month":
        return ts.dt.strftime("%Y-%m")
    if grain == "quarter":
        return ts.dt.year.astype(str) + "-Q" + ts.dt.quarter.astype(str)
    return ts.dt.year.astype(str)


def _window(frame: pd.DataFrame, since: date, until: date) -> pd.DataFrame:
    lo = pd.Timestamp(since)
    hi = pd.Timestamp(until) + pd.Timedelta(days=1)
    return frame[(frame["ts"] >= lo) & (frame["ts"] < hi)]


def _keys(
    frame: pd.DataFrame, ts_col: str, grain: str | None, group_by: str | None, store: Any, first: pd.Series, since: date
) -> pd.DataFrame:
    frame = frame.copy()
    cols = []
    if grain:
        frame["period"] = label(frame[ts_col], grain)
        cols.append("period")
    if group_by == "segment":
        frame["segment"] = frame["customer"].map(store.segments)
        cols.append("segment")
    elif group_by == "weekday":
        frame["weekday"] = pd.to_datetime(frame[ts_col]).dt.weekday + 1
        cols.append("weekday")
    elif group_by == "cohort":
        frame["cohort"] = label(frame["customer"].map(first), "month")
        cols.append("cohort")
    elif group_by == "customer_type":
        f = frame["customer"].map(first)
        new = f >= pd.Timestamp(since)
        if grain:
            new &= label(f, grain) == frame["period"]
        frame["customer_type"] = new.map({True: "new", False: "returning"})
        cols.append("customer_type")
    elif group_by == "sentiment":
        frame["sentiment"] = frame["label"].fillna("unscored")
        cols.append("sentiment")
    elif group_by == "customer":
        cols.append("customer")  # the external id, as the rows are keyed
    frame["_key"] = list(zip(*[frame[c] for c in cols], strict=True)) if cols else [()] * len(frame)
    return frame


def _ratio(a: float, b: float) -> float | None:
    return a / b if b else None


def _per_key(frame: pd.DataFrame, fn: Any) -> dict[Any, Any]:
    return {k: fn(g) for k, g in frame.groupby("_key", sort=False)} if not frame.empty else {}


def reference(
    store: Any,
    measure: str,
    since: date,
    until: date,
    grain: str | None = None,
    group_by: str | None = None,
    segment: int | None = None,
    min_amount: float | None = None,
    max_amount: float | None = None,
    sentiment: str | None = None,
    inactive_days: int | None = None,
    customers: set[str] | None = None,
    within_days: int | None = None,
    _rows_only: bool = False,
) -> tuple[dict[Any, Any], Any]:
    """``customers``: only these customers' orders and feedback (a customer filter computed by the caller)."""
    if _rows_only:
        return _reference(
            store,
            measure,
            since,
            until,
            grain,
            group_by,
            segment,
            min_amount,
            max_amount,
            sentiment,
            inactive_days,
            customers,
            within_days=within_days,
        )
    filters = dict(
        segment=segment,
        min_amount=min_amount,
        max_amount=max_amount,
        sentiment=sentiment,
        inactive_days=inactive_days,
        customers=customers,
        within_days=within_days,
    )
    if grain or group_by:
        # The total is the whole period's figure, not an aggregate of the rows.
        rows, _ = reference(
            store, measure, since, until, grain, None if group_by is None else group_by, **filters, _rows_only=True
        )
        return rows, reference(store, measure, since, until, **filters)[1]
    return _reference(store, measure, since, until, grain, group_by, **filters)


def _reference(
    store: Any,
    measure: str,
    since: date,
    until: date,
    grain: str | None,
    group_by: str | None,
    segment: int | None,
    min_amount: float | None,
    max_amount: float | None,
    sentiment: str | None,
    inactive_days: int | None,
    customers: set[str] | None = None,
    within_days: int | None = None,
) -> tuple[dict[Any, Any], Any]:
    orders = store.orders.copy()
    feedback = store.feedback.copy()
    first = orders.groupby("customer")["ts"].min()  # first-ever order, whatever the filters
    if customers is not None:
        orders = orders[orders["customer"].isin(customers)]
        feedback = feedback[feedback["customer"].isin(customers)]
    if segment is not None:
        keep = {c for c, s in store.segments.items() if s == segment}
        orders = orders[orders["customer"].isin(keep)]
        feedback = feedback[feedback["customer"].isin(keep)]
    if min_amount is not None:
        orders = orders[orders["amount"] >= min_amount]
    if max_amount is not None:
        orders = orders[orders["amount"] <= max_amount]
    end = pd.Timestamp(until) + pd.Timedelta(days=1)

    def both(frame: pd.DataFrame, fn: Any) -> tuple[dict[Any, Any], Any]:
        rows = _per_key(frame, fn)
        total_frame = frame.assign(_key=[()] * len(frame))
        return rows, fn(total_frame) if not total_frame.empty else fn(total_frame.iloc[0:0])

    if measure in ("revenue_per_month", "orders_per_month", "units_per_month"):
        # The base sum per row over the calendar months it covers: each month counts its covered days / its days.
        base = measure.removesuffix("_per_month")
        rows, total = _reference(
            store, base, since, until, grain, group_by, segment, min_amount, max_amount, sentiment, inactive_days,
            customers,
        )  # fmt: skip
        cal = pd.Series(pd.date_range(pd.Timestamp(since), pd.Timestamp(until), freq="D"))
        weight = 1.0 / cal.dt.days_in_month

        def months(key: Any) -> float:
            w = weight
            if grain:
                w = w[label(cal, grain) == key[0]]
            return float(w.sum())

        return {k: _ratio(float(v), months(k)) for k, v in rows.items()}, _ratio(float(total), float(weight.sum()))

    if measure == "revenue_annualized_monthly":
        rows, total = _reference(
            store, "revenue_per_month", since, until, grain, group_by, segment, min_amount, max_amount, sentiment,
            inactive_days, customers,
        )  # fmt: skip
        return {k: None if v is None else v * 12 for k, v in rows.items()}, None if total is None else total * 12

    if measure == "revenue_annualized":
        rows, total = _reference(
            store, "revenue_per_day", since, until, grain, group_by, segment, min_amount, max_amount, sentiment,
            inactive_days, customers,
        )  # fmt: skip
        return {k: None if v is None else v * 365 for k, v in rows.items()}, None if total is None else total * 365

    if measure in ("revenue_per_day", "orders_per_day"):
        # The base sum per row over the calendar days that row covers, counted here from a calendar.
        base = measure.removesuffix("_per_day")
        rows, total = _reference(
            store, base, since, until, grain, group_by, segment, min_amount, max_amount, sentiment, inactive_days,
            customers,
        )  # fmt: skip
        days = pd.Series(pd.date_range(pd.Timestamp(since), pd.Timestamp(until), freq="D"))

        def covered(key: Any) -> int:
            d = days
            at = 0
            if grain:
                d = d[label(d, grain) == key[0]]
                at = 1
            if group_by == "weekday":
                d = d[d.dt.weekday + 1 == key[at]]
            return len(d)

        return {k: _ratio(float(v), covered(k)) for k, v in rows.items()}, _ratio(float(total), len(days))

    if measure in (
        "revenue",
        "orders",
        "units",
        "buyers",
        "aov",
        "units_per_order",
        "revenue_per_unit",
        "revenue_per_buyer",
        "orders_per_buyer",
        "new_customers",
        "returning_customers",
        "revenue_new",
        "revenue_returning",
        "revenue_share",
        "orders_share",
        "units_share",
        "new_customer_share",
        "returning_customer_share",
    ):
        lines = _keys(_window(orders, since, until), "ts", grain, group_by, store, first, since)

        def is_new(g: pd.DataFrame) -> pd.Series:
            f = g["customer"].map(first)
            new = f >= pd.Timestamp(since)
            if grain:
                new &= label(f, grain) == label(g["ts"], grain)
            return new

        total_revenue = lines["amount"].sum()
        total_orders = len(lines)
        total_units = lines["quantity"].sum()
        fns = {
            "revenue": lambda g: g["amount"].sum(),
            "orders": lambda g: len(g),
            "units": lambda g: g["quantity"].sum(),
            "buyers": lambda g: g["customer"].nunique(),
            "aov": lambda g: _ratio(g["amount"].sum(), len(g)),
            "units_per_order": lambda g: _ratio(g["quantity"].sum(), len(g)),
            "revenue_per_unit": lambda g: _ratio(g["amount"].sum(), g["quantity"].sum()),
            "revenue_per_buyer": lambda g: _ratio(g["amount"].sum(), g["customer"].nunique()),
            "orders_per_buyer": lambda g: _ratio(len(g), g["customer"].nunique()),
            "new_customers": lambda g: g.loc[is_new(g), "customer"].nunique() if len(g) else 0,
            "returning_customers": lambda g: g.loc[~is_new(g), "customer"].nunique() if len(g) else 0,
            "revenue_new": lambda g: g.loc[is_new(g), "amount"].sum() if len(g) else 0.0,
            "revenue_returning": lambda g: g.loc[~is_new(g), "amount"].sum() if len(g) else 0.0,
            "revenue_share": lambda g: _ratio(g["amount"].sum(), total_revenue),
            "orders_share": lambda g: _ratio(len(g), total_orders),
            "units_share": lambda g: _ratio(g["quantity"].sum(), total_units),
            "new_customer_share": lambda g: (
                _ratio(g.loc[is_new(g), "customer"].nunique(), g["customer"].nunique()) if len(g) else None
            ),
            "returning_customer_share": lambda g: (
                _ratio(g.loc[~is_new(g), "customer"].nunique(), g["customer"].nunique()) if len(g) else None
            ),
        }
        return both(lines, fns[measure])

    if measure == "purchase_days":
        lines = _keys(_window(orders, since, until), "ts", grain, group_by, store, first, since)
        return both(lines, lambda g: len(g.assign(day=g["ts"].dt.normalize())[["customer", "day"]].drop_duplicates()))

    if measure in ("one_time_customers", "repeat_customers"):
        lines = _keys(_window(orders, since, until), "ts", grain, group_by, store, first, since)

        def days_per_customer(g: pd.DataFrame) -> pd.Series:
            return g.assign(day=g["ts"].dt.normalize()).groupby("customer")["day"].nunique()

        if measure == "repeat_customers":
            return both(lines, lambda g: int((days_per_customer(g) >= 2).sum()))
        return both(lines, lambda g: int((days_per_customer(g) == 1).sum()))

    if measure in ("repeat_rate", "one_time_share"):
        lines = _keys(_window(orders, since, until), "ts", grain, group_by, store, first, since)

        def rate(g: pd.DataFrame) -> float | None:
            days = g.assign(day=g["ts"].dt.normalize()).groupby("customer")["day"].nunique()
            share = _ratio(float((days >= 2).sum()), float(len(days)))
            if share is None:
                return None
            return share if measure == "repeat_rate" else 1.0 - share

        return both(lines, rate)

    if measure in ("days_between_mean", "days_between_median"):
        days = orders[orders["ts"] < end].assign(day=lambda d: d["ts"].dt.normalize())[["customer", "day"]]
        days = days.drop_duplicates().sort_values(["customer", "day"])
        days["gap"] = days.groupby("customer")["day"].diff().dt.days
        gaps = days.dropna(subset=["gap"])
        gaps = gaps[gaps["day"] >= pd.Timestamp(since)]
        keyed = _keys(gaps.rename(columns={"day": "ts"}), "ts", grain, group_by, store, first, since)
        agg = (
            (lambda g: g["gap"].mean() if len(g) else None)
            if measure.endswith("mean")
            else (lambda g: float(g["gap"].median()) if len(g) else None)
        )
        return both(keyed, agg)

    if measure in ("days_first_to_second", "days_first_to_second_median"):
        days = orders[orders["ts"] < end].assign(day=lambda d: d["ts"].dt.normalize())[["customer", "day"]]
        days = days.drop_duplicates().sort_values(["customer", "day"])
        pairs = days.groupby("customer")["day"].apply(lambda s: list(s)[:2])
        rows = [
            {"customer": c, "ts": d[0], "gap": (d[1] - d[0]).days}
            for c, d in pairs.items()
            if len(d) == 2 and d[0] >= pd.Timestamp(since)
        ]
        keyed = _keys(pd.DataFrame(rows, columns=["customer", "ts", "gap"]), "ts", grain, group_by, store, first, since)
        if measure.endswith("median"):
            return both(keyed, lambda g: float(g["gap"].median()) if len(g) else None)
        return both(keyed, lambda g: g["gap"].mean() if len(g) else None)

    if measure in ("second_within_share", "second_within_customers"):
        # every purchase day (a second purchase may fall after the period), first-ever days in the period
        assert within_days is not None
        days = orders.assign(day=lambda d: d["ts"].dt.normalize())[["customer", "day"]].drop_duplicates()
        pairs = days.sort_values(["customer", "day"]).groupby("customer")["day"].apply(lambda s: list(s)[:2])
        rows = [
            {"customer": c, "ts": d[0], "hit": len(d) == 2 and (d[1] - d[0]).days <= within_days}
            for c, d in pairs.items()
            if pd.Timestamp(since) <= d[0] < end
        ]
        keyed = _keys(pd.DataFrame(rows, columns=["customer", "ts", "hit"]), "ts", grain, group_by, store, first, since)
        if measure == "second_within_customers":
            return both(keyed, lambda g: int(g["hit"].sum()))
        return both(keyed, lambda g: _ratio(float(g["hit"].sum()), float(len(g))))

    if measure == "revenue_per_buyer_median":
        lines = _keys(_window(orders, since, until), "ts", grain, group_by, store, first, since)
        return both(lines, lambda g: float(g.groupby("customer")["amount"].sum().median()) if len(g) else None)

    if measure == "days_since_last_mean":
        last = orders[orders["ts"] < end].groupby("customer")["ts"].max().reset_index()
        last["days"] = (pd.Timestamp(until) - last["ts"].dt.normalize()).dt.days
        if inactive_days:
            last = last[last["days"] >= inactive_days]
        keyed = _keys(last, "ts", None, group_by, store, first, since)
        return both(keyed, lambda g: float(g["days"].mean()) if len(g) else None)

    if measure == "inactive_customers":
        last = orders[orders["ts"] < end].groupby("customer")["ts"].max().reset_index()
        last["inactive"] = (pd.Timestamp(until) - last["ts"].dt.normalize()).dt.days >= inactive_days
        keyed = _keys(last, "ts", None, group_by, store, first, since)
        return both(keyed, lambda g: int(g["inactive"].sum()))

    if measure in ("feedback_count", "positive_share", "neutral_share", "negative_share"):
        fb = _window(feedback, since, until)
        if sentiment is not None:
            fb = fb[fb["label"] == sentiment]
        keyed = _keys(fb, "ts", grain, group_by, store, first, since)
        if measure == "feedback_count":
            return both(keyed, len)
        lab = measure.split("_")[0]
        return both(keyed, lambda g: _ratio(float((g["label"] == lab).sum()), float(g["label"].notna().sum())))

    if measure == "repurchase_after_negative":
        neg = _window(feedback, since, until)
        neg = neg[neg["label"] == "negative"].groupby("customer")["ts"].min().reset_index()
        all_orders = store.orders
        neg["followed"] = [
            bool(((all_orders["customer"] == c) & (all_orders["ts"] > t)).any())
            for c, t in zip(neg["customer"], neg["ts"], strict=True)
        ]
        keyed = _keys(neg, "ts", grain, group_by, store, first, since)
        return both(keyed, lambda g: _ratio(float(g["followed"].sum()), float(len(g))))

    raise KeyError(measure)
