"""Compile a metric request (catalogue keys, a period, filters) to SQLAlchemy Core and run it.

One query per measure family (order lines, per-customer purchase days, feedback ...), grouped by the
request's keys (``period`` for a grain, plus one ``group_by`` dimension), and one more without keys
for the totals (skipped when every measure is a sum of order lines: the rows add up to it). Ratios
are divided in Python from the aggregates, never in SQL, so no integer or NUMERIC division can creep
in (SQLAlchemy renders ``/`` between integers as ``CAST(... AS NUMERIC)`` and returns ``Decimal``).

Dates are half-open: ``since <= t < until + 1 day``, so the whole last day counts on SQLite, where
timestamps are compared as text. Medians come from a (gap in days -> count) histogram per row, which
works the same on both dialects (SQLite has no percentile function).
"""

from __future__ import annotations

import calendar
import statistics
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, timedelta
from typing import Any

import pandas as pd
from sqlalchemy import Connection, Date, Select, and_, case, exists, func, literal, select
from sqlalchemy.sql.elements import ColumnElement

from crm_insights.errors import InputError
from crm_insights.metrics.catalogue import (
    CUSTOMER_LIMIT_DEFAULT,
    CUSTOMER_LIMIT_MAX,
    DIMENSIONS,
    GRAINS,
    MEASURES,
    PER_DAY_MEASURES,
    RESULT_FIELDS,
    ROW_SHARE_MEASURES,
    SHARE_OF_ALL_MEASURES,
    WEEK_PARTS,
    WITHIN_DAYS_MAX,
)
from crm_insights.metrics.dialect import day_of, days_between, iso_weekday, period_label, unindexed
from crm_insights.store.models import Customer, Feedback, Order, OrderRollup, SegmentAssignment
from crm_insights.store.rollup import UNSEGMENTED, rollup_fresh

_O = Order.__table__
_F = Feedback.__table__
_SA = SegmentAssignment.__table__
_R = OrderRollup.__table__
_C = Customer.__table__

# What the daily x segment rollup holds (sums of order lines), and what a request may group by to use it.
_ROLLUP_BASES = frozenset({"revenue", "orders", "units"})
_ROLLUP_KEYS = frozenset({"period", "segment"})

# The aggregates each measure is derived from (per family).
_BASES: dict[str, tuple[str, ...]] = {
    "revenue": ("revenue",),
    "orders": ("orders",),
    "units": ("units",),
    "buyers": ("buyers",),
    "new_customers": ("new_customers",),
    "returning_customers": ("buyers", "new_customers"),
    "revenue_new": ("revenue_new",),
    "revenue_returning": ("revenue", "revenue_new"),
    "aov": ("revenue", "orders"),
    "units_per_order": ("units", "orders"),
    "revenue_per_unit": ("revenue", "units"),
    "revenue_per_buyer": ("revenue", "buyers"),
    "orders_per_buyer": ("orders", "buyers"),
    "revenue_per_day": ("revenue",),
    "revenue_per_month": ("revenue",),
    "revenue_annualized": ("revenue",),
    "revenue_annualized_monthly": ("revenue",),
    "orders_per_month": ("orders",),
    "units_per_month": ("units",),
    "orders_per_day": ("orders",),
    "new_customer_share": ("buyers", "new_customers"),
    "returning_customer_share": ("buyers", "new_customers"),
    "revenue_share": ("revenue",),
    "orders_share": ("orders",),
    "units_share": ("units",),
    "purchase_days": ("purchase_days",),
    "repeat_rate": ("repeat_buyers", "repeaters"),
    "one_time_share": ("repeat_buyers", "repeaters"),
    "one_time_customers": ("repeat_buyers", "repeaters"),
    "repeat_customers": ("repeaters",),
    "days_between_mean": ("gaps",),
    "days_between_median": ("gaps",),
    "days_first_to_second": ("first_second",),
    "days_first_to_second_median": ("first_second",),
    "second_within_share": ("first_buyers", "second_within"),
    "second_within_customers": ("first_buyers", "second_within"),
    "revenue_per_buyer_median": ("spends",),
    "inactive_customers": ("inactive",),
    "days_since_last_mean": ("inactive", "recency"),
    "feedback_count": ("feedback_count",),
    "positive_share": ("scored", "positive"),
    "neutral_share": ("scored", "neutral"),
    "negative_share": ("scored", "negative"),
    "repurchase_after_negative": ("negative_customers", "followed"),
}

# Which keys each family can group by ("period" = a grain).
_FAMILY_KEYS: dict[str, frozenset[str]] = {
    "orders": frozenset({"period", "weekday", "segment", "customer_type", "cohort", "customer"}),
    "repeat": frozenset({"period", "segment", "cohort", "customer"}),
    "gaps": frozenset({"period", "segment", "cohort"}),
    "first_second": frozenset({"period", "segment"}),
    "second_within": frozenset({"segment", "cohort"}),
    "buyer_spend": frozenset({"period", "segment", "cohort"}),
    "inactive": frozenset({"segment", "cohort"}),
    "feedback": frozenset({"period", "weekday", "segment", "sentiment"}),
    "followup": frozenset({"period", "segment"}),
}

Key = tuple[Any, ...]

# Aggregates that add up over the rows of a breakdown (sums and counts of lines or feedback, not distinct
# counts): a weekday subtotal of a measure built only from these is exact.
_SUMMABLE_BASES = frozenset(
    {"revenue", "orders", "units", "revenue_new", "feedback_count", "scored", "positive", "neutral", "negative"}
)


@dataclass(frozen=True)
class CustomerFilter:
    """Which customers count, by what they did themselves (their own order lines, whatever the request's amount
    filter): a filter every measure obeys, compiled to ``customer_id IN (subquery)``.

    ``min_purchases`` / ``max_purchases``: the customer's purchase days (distinct days) in the request's period
    ("买过3次及以上的客户"); ``inactive_days``: the customer's last order up to ``until`` is >= N days before
    ``until`` ("90天没买的客户里…"); ``bought``: the customer also ordered in this window (inclusive days);
    ``not_bought``: the customer placed no order in this window ("去年买过、今年没买的")."""

    min_purchases: int | None = None
    max_purchases: int | None = None
    inactive_days: int | None = None
    bought: tuple[date, date] | None = None
    not_bought: tuple[date, date] | None = None
    min_spend: float | None = None  # the customer's spend (sum of order-line amounts) in the window
    max_spend: float | None = None
    spend_strict: bool = False  # the spend bounds exclude the bound itself ("spent over 1000": > 1000)
    spend_below: float | None = None  # spend < this (a spend band's open top: "100-500" is 100 <= spend < 500)
    # the days purchases and spend are counted over, and inactivity is read at the end of (None: the request's period)
    window: tuple[date, date] | None = None

    def __bool__(self) -> bool:
        return any(
            v is not None
            for v in (self.min_purchases, self.max_purchases, self.inactive_days, self.bought, self.not_bought,
                      self.min_spend, self.max_spend, self.spend_below)
        )  # fmt: skip

    def describe(self) -> tuple[list[str], list[str]]:
        """The filter in words, (English parts, Chinese parts), for the result's notes."""
        en: list[str] = []
        zh: list[str] = []
        lo, hi = self.min_purchases, self.max_purchases
        if lo is not None or hi is not None:
            if lo is not None and hi is not None and lo == hi:
                en.append(f"exactly {lo} purchase day(s) in the period")
                zh.append(f"统计期内恰好 {lo} 个购买日")
            elif hi is None:
                en.append(f"at least {lo} purchase days in the period")
                zh.append(f"统计期内至少 {lo} 个购买日")
            elif lo is None:
                en.append(f"at most {hi} purchase days in the period")
                zh.append(f"统计期内至多 {hi} 个购买日")
            else:
                en.append(f"{lo} to {hi} purchase days in the period")
                zh.append(f"统计期内 {lo} 至 {hi} 个购买日")
        if self.min_spend is not None or self.max_spend is not None:
            op = "<" if self.spend_strict else "<="
            lo_s = "" if self.min_spend is None else f"{self.min_spend:g} {op} "
            hi_s = "" if self.max_spend is None else f" {op} {self.max_spend:g}"
            en.append(f"{lo_s}spend{hi_s} (sum of their order-line amounts)")
            zh.append(f"{lo_s}消费金额{hi_s}（订单行金额之和）")
        if self.spend_below is not None:
            en.append(f"spend < {self.spend_below:g} (sum of their order-line amounts)")
            zh.append(f"消费金额 < {self.spend_below:g}（订单行金额之和）")
        if self.inactive_days is not None:
            en.append(f"no order in the {self.inactive_days} days up to the period's end (last order >= "
                      f"{self.inactive_days} days before it)")  # fmt: skip
            zh.append(f"截至统计期末已有 {self.inactive_days} 天及以上没有下单")
        if self.window is not None:
            en.append(f"these conditions read over {self.window[0]} to {self.window[1]}")
            zh.append(f"以上条件按 {self.window[0]} 至 {self.window[1]} 计")
        if self.bought is not None:
            en.append(f"also ordered from {self.bought[0]} to {self.bought[1]}")
            zh.append(f"在 {self.bought[0]} 至 {self.bought[1]} 也下过单")
        if self.not_bought is not None:
            en.append(f"no order from {self.not_bought[0]} to {self.not_bought[1]}")
            zh.append(f"在 {self.not_bought[0]} 至 {self.not_bought[1]} 没有下单")
        return en, zh


@dataclass
class MetricRequest:
    """What to compute. ``since``/``until`` are inclusive days; resolve defaults before building one."""

    measures: list[str]
    since: date
    until: date
    grain: str | None = None
    group_by: str | None = None
    segment: int | None = None
    segment_version: str | None = None  # the segmentation model whose stored assignments to use
    customer_pks: list[int] | None = None
    # customers left out (the rest of a group: "the other 90%" beside the top 10% of spenders)
    exclude_customer_pks: list[int] | None = None
    min_amount: float | None = None
    max_amount: float | None = None
    amount_strict: bool = False  # the bounds themselves excluded ("over 100": amount > 100)
    amount_below: float | None = None  # amount < this (an amount band's open top: "20-50" is 20 <= amount < 50)
    sentiment: str | None = None
    inactive_days: int | None = None
    # second_within_share / second_within_customers: the most days from the first purchase day to the second
    within_days: int | None = None
    customer_filter: CustomerFilter | None = None
    # group_by "customer" only: rank by the first measure ("desc" unless "asc") and keep the first `limit`.
    sort: str | None = None
    limit: int | None = None
    # Per-day measures count only the calendar days inside this range (the data's first and last day): a day
    # the data does not cover is unknown, not a day without sales. None: every day of the period counts.
    day_range: tuple[date, date] | None = None
    # Set by run(): the period covers most of the data, so SQLite should scan rather than use the index.
    wide: bool = field(default=False, repr=False, compare=False)
    # Set by run(): the order-line sums come from the (fresh) daily x segment rollup.
    rollup: bool = field(default=False, repr=False, compare=False)

    @property
    def keys(self) -> list[str]:
        return (["period"] if self.grain else []) + ([self.group_by] if self.group_by else [])

    @property
    def start(self) -> datetime:
        return datetime(self.since.year, self.since.month, self.since.day)

    @property
    def end(self) -> datetime:
        """Exclusive upper bound: the day after ``until``."""
        return datetime(self.until.year, self.until.month, self.until.day) + timedelta(days=1)


@dataclass
class MetricResult:
    keys: list[str]
    rows: list[dict[str, Any]]
    total: dict[str, Any]
    notes: list[str] = field(default_factory=list)
    rows_considered: int = 0
    # With an amount filter: the same measures without it (same period, other filters kept), and
    # total / total_unfiltered for the sums and counts (SHARE_OF_ALL_MEASURES).
    total_unfiltered: dict[str, Any] | None = None
    share_of_all: dict[str, float | None] | None = None
    # group_by "customer": the kept customers' primary keys, in row order (to compare the same customers).
    customer_pks: list[int] | None = None
    # group_by "weekday": {"weekend": {measure: value}, "workdays": {...}} (see RESULT_FIELDS["subtotals"]).
    subtotals: dict[str, dict[str, Any]] | None = None
    # group_by "customer": sums and counts over the listed customers, and their share of all customers' figure.
    ranked_total: dict[str, Any] | None = None
    ranked_share: dict[str, float | None] | None = None
    # The notes in Chinese, item for item (for zh answers' 口径 line).
    notes_zh: list[str] = field(default_factory=list)


def families(measures: Iterable[str]) -> list[str]:
    out: list[str] = []
    for m in measures:
        fam = MEASURES[m].family
        if fam not in out:
            out.append(fam)
    return out


def validate(req: MetricRequest) -> None:
    """InputError for anything the compiler cannot honour; every message names the valid options."""
    if not req.measures:
        raise InputError(f"measures: give at least one of {', '.join(MEASURES)}")
    unknown = [m for m in req.measures if m not in MEASURES]
    if unknown:
        raise InputError(f"unknown measure(s) {', '.join(map(repr, unknown))}; valid measures: {', '.join(MEASURES)}")
    if req.grain is not None and req.grain not in GRAINS:
        raise InputError(f"unknown grain {req.grain!r}; valid grains: {', '.join(GRAINS)}")
    if req.group_by is not None and req.group_by not in DIMENSIONS:
        raise InputError(f"unknown dimension {req.group_by!r}; valid dimensions: {', '.join(DIMENSIONS)}")
    if req.since > req.until:
        raise InputError(f"since ({req.since}) is after until ({req.until})")
    for key in req.keys:
        bad = [m for m in req.measures if key not in _FAMILY_KEYS[MEASURES[m].family]]
        if bad:
            what = f"grain {req.grain!r}" if key == "period" else f"group_by {key!r}"
            raise InputError(
                f"{what} does not apply to {', '.join(bad)}; "
                + "; ".join(f"{m} can be grouped by: {_groupings(m)}" for m in bad)
            )
    fams = families(req.measures)
    if req.sentiment is not None and any(f not in ("feedback",) for f in fams):
        others = [m for m in req.measures if MEASURES[m].family != "feedback"]
        raise InputError(
            f"the sentiment filter applies to feedback measures only (feedback_count, positive_share, "
            f"neutral_share, negative_share), not to {', '.join(others)}"
        )
    if "inactive_customers" in req.measures and not req.inactive_days:
        raise InputError("inactive_customers needs inactive_days (N >= 1): customers whose last order is >= N days old")
    if any(MEASURES[m].family == "second_within" for m in req.measures) and not (
        req.within_days is not None and 1 <= req.within_days <= WITHIN_DAYS_MAX
    ):
        raise InputError(
            f"second_within_share / second_within_customers need within_days (1 to {WITHIN_DAYS_MAX}): the most days "
            f"from a customer's first purchase day to the second; got {req.within_days}"
        )
    if any(MEASURES[m].family == "second_within" for m in req.measures) and _amount_filtered(req):
        raise InputError(
            "second_within_share / second_within_customers count purchase days whatever their amount; drop "
            "min_amount / max_amount"
        )
    if (req.segment is not None or req.group_by == "segment") and not req.segment_version:
        raise InputError(
            "a segment filter or breakdown needs a trained segmentation model (crm-insights train segments)"
        )
    if req.min_amount is not None and req.max_amount is not None and req.min_amount > req.max_amount:
        raise InputError(f"min_amount ({req.min_amount}) is above max_amount ({req.max_amount})")
    if req.group_by == "customer":
        if req.grain is not None:
            raise InputError("group_by 'customer' ranks customers over one period; drop grain (or ask per period)")
        if req.limit is not None and not 1 <= req.limit <= CUSTOMER_LIMIT_MAX:
            raise InputError(f"group_by 'customer' returns 1 to {CUSTOMER_LIMIT_MAX} customers; limit was {req.limit}")
        if req.sort is not None and req.sort not in ("asc", "desc"):
            raise InputError(f"sort must be 'asc' or 'desc', not {req.sort!r}")


def _groupings(measure: str) -> str:
    keys = sorted(_FAMILY_KEYS[MEASURES[measure].family])
    return ", ".join("grain" if k == "period" else k for k in keys) or "nothing (a single total)"


# -- building blocks ---------------------------------------------------------------------------


def _first_orders() -> Any:
    """Per customer, the first-ever order time (over all order lines, whatever the filters)."""
    return (
        select(_O.c.customer_id.label("cid"), func.min(_O.c.ordered_at).label("first_at"))
        .group_by(_O.c.customer_id)
        .subquery("first_orders")
    )


def _segment_join(req: MetricRequest, frm: Any, cid: Any) -> Any:
    return frm.join(_SA, and_(_SA.c.customer_id == cid, _SA.c.model_version == req.segment_version))


def _needs_segment(req: MetricRequest, keys: Sequence[str]) -> bool:
    return req.segment is not None or "segment" in keys


def _day_start(d: date) -> datetime:
    return datetime(d.year, d.month, d.day)


def _window_buyers(window: tuple[date, date]) -> Select[Any]:
    """The customers with an order line from ``window[0]`` to ``window[1]`` inclusive."""
    lo, hi = _day_start(window[0]), _day_start(window[1]) + timedelta(days=1)
    return select(_O.c.customer_id).where(_O.c.ordered_at >= lo, _O.c.ordered_at < hi).distinct()


def _filter_conds(req: MetricRequest, cid: Any) -> list[ColumnElement[bool]]:
    """``req.customer_filter`` as conditions on a customer-id column (each an IN / NOT IN subquery)."""
    f = req.customer_filter
    if not f:
        return []
    assert f is not None
    conds: list[ColumnElement[bool]] = []
    start, end = req.start, req.end
    if f.window is not None:
        start, end = _day_start(f.window[0]), _day_start(f.window[1]) + timedelta(days=1)
    tests: list[ColumnElement[bool]] = []
    if f.min_purchases is not None or f.max_purchases is not None:
        n = func.count(func.distinct(day_of(_O.c.ordered_at)))
        if f.min_purchases is not None:
            tests.append(n >= f.min_purchases)
        if f.max_purchases is not None:
            tests.append(n <= f.max_purchases)
    spend = func.sum(_O.c.amount)
    if f.min_spend is not None:
        tests.append(spend > f.min_spend if f.spend_strict else spend >= f.min_spend)
    if f.max_spend is not None:
        tests.append(spend < f.max_spend if f.spend_strict else spend <= f.max_spend)
    if f.spend_below is not None:
        tests.append(spend < f.spend_below)
    if tests:
        sub = (
            select(_O.c.customer_id)
            .where(_O.c.ordered_at >= start, _O.c.ordered_at < end)
            .group_by(_O.c.customer_id)
            .having(and_(*tests))
        )
        conds.append(cid.in_(sub))
    if f.inactive_days is not None:
        threshold = end - timedelta(days=f.inactive_days)
        sub = (
            select(_O.c.customer_id)
            .where(_O.c.ordered_at < end)
            .group_by(_O.c.customer_id)
            .having(func.max(_O.c.ordered_at) < threshold)
        )
        conds.append(cid.in_(sub))
    if f.bought is not None:
        conds.append(cid.in_(_window_buyers(f.bought)))
    if f.not_bought is not None:
        conds.append(cid.not_in(_window_buyers(f.not_bought)))
    return conds


def _customer_conds(req: MetricRequest, cid: Any) -> list[ColumnElement[bool]]:
    conds: list[ColumnElement[bool]] = []
    if req.customer_pks is not None:
        conds.append(cid.in_(req.customer_pks))
    if req.exclude_customer_pks:
        conds.append(cid.not_in(req.exclude_customer_pks))
    if req.segment is not None:
        conds.append(_SA.c.segment == req.segment)
    return conds + _filter_conds(req, cid)


def _line_conds(req: MetricRequest, with_since: bool = True) -> list[ColumnElement[bool]]:
    ts: Any = unindexed(_O.c.ordered_at) if req.wide or not with_since else _O.c.ordered_at
    conds: list[ColumnElement[bool]] = [ts < req.end]
    if with_since:
        conds.append(ts >= req.start)
    if req.min_amount is not None:
        conds.append(_O.c.amount > req.min_amount if req.amount_strict else _O.c.amount >= req.min_amount)
    if req.max_amount is not None:
        conds.append(_O.c.amount < req.max_amount if req.amount_strict else _O.c.amount <= req.max_amount)
    if req.amount_below is not None:
        conds.append(_O.c.amount < req.amount_below)
    return conds


def _purchase_days(req: MetricRequest) -> Any:
    """Distinct (customer, day) up to the period's end (earlier days too: gaps and first purchases need them)."""
    frm: Any = _O
    if req.segment is not None:
        frm = _segment_join(req, frm, _O.c.customer_id)
    return (
        select(_O.c.customer_id.label("cid"), day_of(_O.c.ordered_at).label("day"))
        .select_from(frm)
        .where(*_line_conds(req, with_since=False), *_customer_conds(req, _O.c.customer_id))
        .distinct()
        .subquery("purchase_days")
    )


def _grouped(cols: dict[str, Any], aggs: dict[str, Any], frm: Any, conds: list[Any]) -> Select[Any]:
    stmt = select(*[c.label(k) for k, c in cols.items()], *[a.label(k) for k, a in aggs.items()])
    stmt = stmt.select_from(frm).where(*conds)
    if cols:
        stmt = stmt.group_by(*cols.values())
    return stmt


def _fetch(conn: Connection, stmt: Select[Any], keys: Sequence[str]) -> dict[Key, dict[str, Any]]:
    out: dict[Key, dict[str, Any]] = {}
    for row in conn.execute(stmt).mappings():
        key = tuple(row[k] for k in keys)
        out[key] = {k: v for k, v in row.items() if k not in keys}
    return out


def _fetch_hist(conn: Connection, stmt: Select[Any], keys: Sequence[str], name: str) -> dict[Key, dict[str, Any]]:
    """Rows of (keys..., gap, n) -> {key: {name: [(gap, n), ...]}}."""
    out: dict[Key, dict[str, Any]] = defaultdict(lambda: {name: []})
    for row in conn.execute(stmt).mappings():
        out[tuple(row[k] for k in keys)][name].append((int(row["gap"]), int(row["n"])))
    return dict(out)


# -- one query per family ------------------------------------------------------------------------


def _rollup_family(conn: Connection, req: MetricRequest, keys: Sequence[str], bases: set[str]) -> Any:
    """The order-line sums from ``order_rollup``: same keys and aggregates as :func:`_orders_family`."""
    cols: dict[str, Any] = {}
    for k in keys:
        if k == "period":
            assert req.grain is not None
            cols[k] = period_label(req.grain, _R.c.day)
        elif k == "segment":
            cols[k] = _R.c.segment
    aggs = {
        "revenue": func.sum(_R.c.revenue),
        "orders": func.sum(_R.c.orders),
        "units": func.sum(_R.c.units),
    }
    aggs = {k: v for k, v in aggs.items() if k in bases | {"orders"}}
    conds: list[Any] = [_R.c.day >= req.since, _R.c.day <= req.until]
    if req.segment is not None:
        conds.append(_R.c.segment == req.segment)
    elif "segment" in keys:
        # The order-line path joins assignments, so customers without one drop out of a breakdown.
        conds.append(_R.c.segment != UNSEGMENTED)
    rows = _fetch(conn, _grouped(cols, aggs, _R, conds), keys)
    # Sums of integers come back as Decimal from PostgreSQL; the order-line path gives ints.
    for vals in rows.values():
        for k in ("orders", "units"):
            if vals.get(k) is not None:
                vals[k] = int(vals[k])
    return rows


def rollup_applies(conn: Connection, req: MetricRequest) -> bool:
    """True when ``req`` can be answered exactly from the rollup: sums of order lines (and their ratios)
    by period and/or segment, filtered by dates and segment only, and the rollup is fresh."""
    if any(MEASURES[m].family != "orders" or not set(_BASES[m]) <= _ROLLUP_BASES for m in req.measures):
        return False
    if not set(req.keys) <= _ROLLUP_KEYS:
        return False
    if req.customer_pks is not None or req.exclude_customer_pks or _amount_filtered(req):
        return False
    if req.customer_filter:
        return False
    if req.sentiment is not None:
        return False
    version = req.segment_version if _needs_segment(req, req.keys) else None
    return rollup_fresh(conn, version)


def _orders_family(conn: Connection, req: MetricRequest, keys: Sequence[str], bases: set[str]) -> Any:
    if req.rollup:
        return _rollup_family(conn, req, keys, bases)
    need_first = bool(bases & {"new_customers", "revenue_new"}) or bool({"customer_type", "cohort"} & set(keys))
    frm: Any = _O
    new_cond: Any = None
    first = None
    if need_first:
        first = _first_orders()
        frm = frm.join(first, first.c.cid == _O.c.customer_id)
        new_cond = first.c.first_at >= req.start
        if "period" in keys:
            assert req.grain is not None
            new_cond = and_(
                new_cond, period_label(req.grain, first.c.first_at) == period_label(req.grain, _O.c.ordered_at)
            )
    if _needs_segment(req, keys):
        frm = _segment_join(req, frm, _O.c.customer_id)
    cols: dict[str, Any] = {}
    for k in keys:
        if k == "period":
            assert req.grain is not None
            cols[k] = period_label(req.grain, _O.c.ordered_at)
        elif k == "weekday":
            cols[k] = iso_weekday(_O.c.ordered_at)
        elif k == "segment":
            cols[k] = _SA.c.segment
        elif k == "customer_type":
            cols[k] = case((new_cond, literal("new")), else_=literal("returning"))
        elif k == "cohort":
            assert first is not None
            cols[k] = period_label("month", first.c.first_at)
        elif k == "customer":
            cols[k] = _O.c.customer_id
    all_aggs: dict[str, Any] = {
        "revenue": func.sum(_O.c.amount),
        "orders": func.count(_O.c.id),
        "units": func.sum(_O.c.quantity),
        "buyers": func.count(func.distinct(_O.c.customer_id)),
    }
    if need_first:
        all_aggs["new_customers"] = func.count(func.distinct(case((new_cond, _O.c.customer_id))))
        all_aggs["revenue_new"] = func.sum(case((new_cond, _O.c.amount), else_=0.0))
    aggs = {k: v for k, v in all_aggs.items() if k in bases | {"orders"}}
    conds = _line_conds(req) + _customer_conds(req, _O.c.customer_id)
    return _fetch(conn, _grouped(cols, aggs, frm, conds), keys)


def _line_keys(req: MetricRequest, keys: Sequence[str]) -> tuple[dict[str, Any], Any]:
    """The key columns of order lines (period, segment, cohort = first-order month, customer) and the joins they
    need, for the families that first aggregate per customer."""
    frm: Any = _O
    cols: dict[str, Any] = {}
    first = None
    if "cohort" in keys:
        first = _first_orders()
        frm = frm.join(first, first.c.cid == _O.c.customer_id)
    if _needs_segment(req, keys):
        frm = _segment_join(req, frm, _O.c.customer_id)
    for k in keys:
        if k == "period":
            assert req.grain is not None
            cols[k] = period_label(req.grain, _O.c.ordered_at)
        elif k == "segment":
            cols[k] = _SA.c.segment
        elif k == "cohort":
            assert first is not None
            cols[k] = period_label("month", first.c.first_at)
        elif k == "customer":
            cols[k] = _O.c.customer_id
    return cols, frm


def _repeat_family(conn: Connection, req: MetricRequest, keys: Sequence[str], bases: set[str]) -> Any:
    cols, frm = _line_keys(req, keys)
    per_customer = (
        select(
            *[c.label(k) for k, c in cols.items()],
            _O.c.customer_id.label("cid"),
            func.count(func.distinct(day_of(_O.c.ordered_at))).label("days"),
        )
        .select_from(frm)
        .where(*_line_conds(req), *_customer_conds(req, _O.c.customer_id))
        .group_by(*cols.values(), _O.c.customer_id)
        .subquery("per_customer")
    )
    outer_cols = {k: per_customer.c[k] for k in keys}
    aggs = {
        "repeat_buyers": func.count(),
        "repeaters": func.sum(case((per_customer.c.days >= 2, 1), else_=0)),
        "purchase_days": func.sum(per_customer.c.days),
    }
    return _fetch(conn, _grouped(outer_cols, aggs, per_customer, []), keys)


def _gap_keys(req: MetricRequest, keys: Sequence[str], day: Any, cid: Any, frm: Any) -> tuple[dict[str, Any], Any]:
    cols: dict[str, Any] = {}
    if "segment" in keys:
        frm = _segment_join(req, frm, cid)
    if "cohort" in keys:
        first = _first_orders()
        frm = frm.join(first, first.c.cid == cid)
        cols_cohort = period_label("month", first.c.first_at)
    for k in keys:
        if k == "period":
            assert req.grain is not None
            cols[k] = period_label(req.grain, day)
        elif k == "segment":
            cols[k] = _SA.c.segment
        elif k == "cohort":
            cols[k] = cols_cohort
    return cols, frm


def _gaps_family(conn: Connection, req: MetricRequest, keys: Sequence[str], bases: set[str]) -> Any:
    days = _purchase_days(req)
    lagged = select(
        days.c.cid,
        days.c.day,
        func.lag(days.c.day).over(partition_by=days.c.cid, order_by=days.c.day).label("prev"),
    ).subquery("lagged")
    cols, frm = _gap_keys(req, keys, lagged.c.day, lagged.c.cid, lagged)
    gap = days_between(lagged.c.day, lagged.c.prev)
    stmt = _grouped(
        {**cols, "gap": gap},
        {"n": func.count()},
        frm,
        [lagged.c.prev.is_not(None), lagged.c.day >= req.since],
    )
    return _fetch_hist(conn, stmt, keys, "gaps")


def _first_two_days(days: Any) -> Any:
    """Per customer of ``days`` (cid, day), the first and second purchase day (second None for one purchase day)."""
    ranked = select(
        days.c.cid,
        days.c.day,
        func.row_number().over(partition_by=days.c.cid, order_by=days.c.day).label("rn"),
    ).subquery("ranked")
    return (
        select(
            ranked.c.cid,
            func.min(case((ranked.c.rn == 1, ranked.c.day))).label("first_day"),
            func.min(case((ranked.c.rn == 2, ranked.c.day))).label("second_day"),
        )
        .where(ranked.c.rn <= 2)
        .group_by(ranked.c.cid)
        .subquery("first_second")
    )


def _first_second_family(conn: Connection, req: MetricRequest, keys: Sequence[str], bases: set[str]) -> Any:
    per = _first_two_days(_purchase_days(req))
    cols, frm = _gap_keys(req, keys, per.c.first_day, per.c.cid, per)
    gap = days_between(per.c.second_day, per.c.first_day)
    stmt = _grouped(
        {**cols, "gap": gap},
        {"n": func.count()},
        frm,
        [per.c.second_day.is_not(None), per.c.first_day >= req.since],
    )
    return _fetch_hist(conn, stmt, keys, "first_second")


def _second_within_family(conn: Connection, req: MetricRequest, keys: Sequence[str], bases: set[str]) -> Any:
    """Customers whose first-ever purchase day is in the period (``first_buyers``) and those of them whose second
    purchase day (any time up to the data's end) is at most ``within_days`` days after the first."""
    assert req.within_days is not None
    frm: Any = _O
    if req.segment is not None:
        frm = _segment_join(req, frm, _O.c.customer_id)
    days = (
        select(_O.c.customer_id.label("cid"), day_of(_O.c.ordered_at).label("day"))
        .select_from(frm)
        .where(*_customer_conds(req, _O.c.customer_id))
        .distinct()
        .subquery("purchase_days")
    )
    per = _first_two_days(days)
    cols, frm2 = _gap_keys(req, keys, per.c.first_day, per.c.cid, per)
    gap = days_between(per.c.second_day, per.c.first_day)
    within = and_(per.c.second_day.is_not(None), gap <= req.within_days)
    stmt = _grouped(
        cols,
        {"first_buyers": func.count(), "second_within": func.sum(case((within, 1), else_=0))},
        frm2,
        [per.c.first_day >= req.since, per.c.first_day <= req.until],
    )
    return _fetch(conn, stmt, keys)


def _buyer_spend_family(conn: Connection, req: MetricRequest, keys: Sequence[str], bases: set[str]) -> Any:
    """Each buyer's spend in the period (per key): {key: {"spends": [spend, ...]}} for medians."""
    cols, frm = _line_keys(req, keys)
    stmt = (
        select(*[c.label(k) for k, c in cols.items()], func.sum(_O.c.amount).label("spend"))
        .select_from(frm)
        .where(*_line_conds(req), *_customer_conds(req, _O.c.customer_id))
        .group_by(*cols.values(), _O.c.customer_id)
    )
    out: dict[Key, dict[str, Any]] = defaultdict(lambda: {"spends": []})
    for row in conn.execute(stmt).mappings():
        out[tuple(row[k] for k in keys)]["spends"].append(float(row["spend"] or 0.0))
    return dict(out)


def _inactive_family(conn: Connection, req: MetricRequest, keys: Sequence[str], bases: set[str]) -> Any:
    """Per customer, the last order on or before ``until``: how many are inactive (last order >= inactive_days
    days before ``until``; every customer when no inactive_days is given) and their days since that order."""
    frm0: Any = _O
    if req.segment is not None:
        frm0 = _segment_join(req, frm0, _O.c.customer_id)
    last = (
        select(_O.c.customer_id.label("cid"), func.max(_O.c.ordered_at).label("last_at"))
        .select_from(frm0)
        .where(*_line_conds(req, with_since=False), *_customer_conds(req, _O.c.customer_id))
        .group_by(_O.c.customer_id)
        .subquery("last_orders")
    )
    # "last order >= N days before until" <=> last order day <= until - N <=> last_at < until - N + 1 day.
    inactive = last.c.last_at < req.end - timedelta(days=req.inactive_days) if req.inactive_days else literal(True)
    until_day = (req.end - timedelta(days=1)).date()
    since_last = days_between(literal(until_day, Date()), day_of(last.c.last_at))
    cols, frm = _gap_keys(req, keys, None, last.c.cid, last)
    aggs = {
        "inactive_base": func.count(),
        "inactive_n": func.sum(case((inactive, 1), else_=0)),
        "recency_days": func.sum(case((inactive, since_last), else_=0)),
    }
    rows = _fetch(conn, _grouped(cols, aggs, frm, []), keys)
    return {
        k: {"inactive": (v["inactive_n"], v["inactive_base"]), "recency": (v["recency_days"], v["inactive_n"])}
        for k, v in rows.items()
    }


def _feedback_family(conn: Connection, req: MetricRequest, keys: Sequence[str], bases: set[str]) -> Any:
    frm: Any = _F
    if _needs_segment(req, keys):
        frm = _segment_join(req, frm, _F.c.customer_id)
    cols: dict[str, Any] = {}
    for k in keys:
        if k == "period":
            assert req.grain is not None
            cols[k] = period_label(req.grain, _F.c.created_at)
        elif k == "weekday":
            cols[k] = iso_weekday(_F.c.created_at)
        elif k == "segment":
            cols[k] = _SA.c.segment
        elif k == "sentiment":
            cols[k] = func.coalesce(_F.c.sentiment_label, literal("unscored"))
    label = _F.c.sentiment_label
    aggs = {
        "feedback_count": func.count(_F.c.id),
        "scored": func.count(label),
        **{lab: func.sum(case((label == lab, 1), else_=0)) for lab in ("positive", "neutral", "negative")},
    }
    conds = [_F.c.created_at >= req.start, _F.c.created_at < req.end, *_customer_conds(req, _F.c.customer_id)]
    if req.sentiment is not None:
        conds.append(label == req.sentiment)
    return _fetch(conn, _grouped(cols, aggs, frm, conds), keys)


def _followup_family(conn: Connection, req: MetricRequest, keys: Sequence[str], bases: set[str]) -> Any:
    frm0: Any = _F
    if req.segment is not None:
        frm0 = _segment_join(req, frm0, _F.c.customer_id)
    neg = (
        select(_F.c.customer_id.label("cid"), func.min(_F.c.created_at).label("neg_at"))
        .select_from(frm0)
        .where(
            _F.c.sentiment_label == "negative",
            _F.c.created_at >= req.start,
            _F.c.created_at < req.end,
            *_customer_conds(req, _F.c.customer_id),
        )
        .group_by(_F.c.customer_id)
        .subquery("first_negative")
    )
    after = exists(select(_O.c.id).where(_O.c.customer_id == neg.c.cid, _O.c.ordered_at > neg.c.neg_at))
    cols, frm = _gap_keys(req, keys, neg.c.neg_at, neg.c.cid, neg)
    aggs = {"negative_customers": func.count(), "followed": func.sum(case((after, 1), else_=0))}
    return _fetch(conn, _grouped(cols, aggs, frm, []), keys)


_FAMILIES = {
    "orders": _orders_family,
    "repeat": _repeat_family,
    "gaps": _gaps_family,
    "first_second": _first_second_family,
    "second_within": _second_within_family,
    "buyer_spend": _buyer_spend_family,
    "inactive": _inactive_family,
    "feedback": _feedback_family,
    "followup": _followup_family,
}


# -- deriving measures -----------------------------------------------------------------------------


def _div(a: Any, b: Any) -> float | None:
    return float(a) / float(b) if a is not None and b else None


def _hist_mean(hist: list[tuple[int, int]]) -> float | None:
    n = sum(c for _, c in hist)
    return sum(g * c for g, c in hist) / n if n else None


def _hist_median(hist: list[tuple[int, int]]) -> float | None:
    n = sum(c for _, c in hist)
    if not n:
        return None
    # Expanding is fine: gaps are whole days and each row holds a few thousand at most.
    return float(statistics.median([g for g, c in sorted(hist) for _ in range(c)]))


def derive(
    measure: str,
    b: dict[str, Any],
    total_revenue: float | None = None,
    totals: dict[str, Any] | None = None,
    days: int | None = None,
    months: float | None = None,
) -> Any:
    """A measure's value from its family aggregates ``b`` (missing aggregates count as an empty row);
    ``totals``: the aggregates of all rows, for the shares of a breakdown; ``days``: the calendar days the
    row covers, for the per-day measures (see :func:`row_days`)."""

    def num(k: str) -> float:
        v = b.get(k)
        return float(v) if v is not None else 0.0

    if measure in ("revenue", "revenue_new"):
        return num(measure)
    if measure in ("orders", "units", "buyers", "new_customers", "feedback_count", "purchase_days"):
        return int(num(measure))
    if measure == "returning_customers":
        return int(num("buyers") - num("new_customers"))
    if measure == "revenue_returning":
        return num("revenue") - num("revenue_new")
    if measure == "aov":
        return _div(b.get("revenue"), b.get("orders"))
    if measure == "units_per_order":
        return _div(b.get("units"), b.get("orders"))
    if measure == "revenue_per_unit":
        return _div(b.get("revenue"), b.get("units"))
    if measure == "revenue_per_buyer":
        return _div(b.get("revenue"), b.get("buyers"))
    if measure == "orders_per_buyer":
        return _div(b.get("orders"), b.get("buyers"))
    if measure in ("revenue_per_day", "orders_per_day"):
        return _div(num(measure.removesuffix("_per_day")), days)
    if measure == "revenue_annualized":
        per_day = _div(num("revenue"), days)
        return None if per_day is None else per_day * 365
    if measure in ("revenue_per_month", "orders_per_month", "units_per_month"):
        return _div(num(measure.removesuffix("_per_month")), months)
    if measure == "revenue_annualized_monthly":
        per_month = _div(num("revenue"), months)
        return None if per_month is None else per_month * 12
    if measure == "new_customer_share":
        return _div(num("new_customers"), b.get("buyers"))
    if measure == "returning_customer_share":
        return _div(num("buyers") - num("new_customers"), b.get("buyers"))
    if measure == "revenue_share":
        return _div(b.get("revenue") or 0.0, total_revenue if totals is None else totals.get("revenue"))
    if measure in ("orders_share", "units_share"):
        base = measure.removesuffix("_share")
        return _div(b.get(base) or 0, (totals or {}).get(base))
    if measure == "repeat_rate":
        return _div(b.get("repeaters"), b.get("repeat_buyers"))
    if measure == "one_time_share":
        share = _div(b.get("repeaters"), b.get("repeat_buyers"))
        return None if share is None else 1.0 - share
    if measure == "repeat_customers":
        return int(num("repeaters"))
    if measure == "one_time_customers":
        return int(num("repeat_buyers") - num("repeaters"))
    if measure == "days_between_mean":
        return _hist_mean(b.get("gaps", []))
    if measure == "days_between_median":
        return _hist_median(b.get("gaps", []))
    if measure == "days_first_to_second":
        return _hist_mean(b.get("first_second", []))
    if measure == "days_first_to_second_median":
        return _hist_median(b.get("first_second", []))
    if measure == "second_within_share":
        return _div(b.get("second_within") or 0, b.get("first_buyers"))
    if measure == "second_within_customers":
        return int(num("second_within"))
    if measure == "revenue_per_buyer_median":
        spends = b.get("spends") or []
        return float(statistics.median(spends)) if spends else None
    if measure == "inactive_customers":
        return int((b.get("inactive") or (0, 0))[0] or 0)
    if measure == "days_since_last_mean":
        days, n = b.get("recency") or (0, 0)
        return _div(float(days or 0), n)
    if measure in ("positive_share", "neutral_share", "negative_share"):
        return _div(b.get(measure.split("_")[0]) or 0, b.get("scored"))
    if measure == "repurchase_after_negative":
        return _div(b.get("followed") or 0, b.get("negative_customers"))
    raise InputError(f"unknown measure {measure!r}; valid measures: {', '.join(MEASURES)}")


def count_days(since: date, until: date, weekdays: Iterable[int] | None = None) -> int:
    """Calendar days from ``since`` to ``until`` inclusive (0 when reversed), only those whose ISO weekday
    (1 = Monday ... 7 = Sunday) is in ``weekdays`` when given."""
    if until < since:
        return 0
    n = (until - since).days + 1
    if weekdays is None:
        return n
    wanted = set(weekdays)
    full, rest = divmod(n, 7)
    first = since.isoweekday()
    return full * len(wanted & set(range(1, 8))) + sum(1 for i in range(rest) if (first - 1 + i) % 7 + 1 in wanted)


def period_span(grain: str, label: str) -> tuple[date, date]:
    """The first and last day of the period a label of ``grain`` names (the inverse of :func:`period_labels`)."""
    if grain in ("day", "week"):
        day = date.fromisoformat(label)
        return day, day + timedelta(days=6 if grain == "week" else 0)
    if grain == "month":
        year, month = (int(x) for x in label.split("-")[:2])
        return date(year, month, 1), date(year, month, calendar.monthrange(year, month)[1])
    if grain == "quarter":
        year, quarter = (int(x) for x in label.split("-Q"))
        last = 3 * quarter
        return date(year, last - 2, 1), date(year, last, calendar.monthrange(year, last)[1])
    return date(int(label), 1, 1), date(int(label), 12, 31)


def row_days(req: MetricRequest, row: dict[str, Any], weekdays: Iterable[int] | None = None) -> int:
    """The calendar days a row covers: its period (the whole request's for no grain) cut to since..until,
    only its weekday's days on a weekday row (or ``weekdays``, for the weekend/workday subtotals)."""
    lo, hi = req.since, req.until
    if req.day_range is not None:
        lo, hi = max(lo, req.day_range[0]), min(hi, req.day_range[1])
    if req.grain and row.get("period") is not None:
        try:
            a, b = period_span(req.grain, str(row["period"]))
        except ValueError:  # a label the SQL made that no calendar period has: count the whole request
            a, b = lo, hi
        lo, hi = max(lo, a), min(hi, b)
    if weekdays is None and req.group_by == "weekday" and row.get("weekday") is not None:
        weekdays = (int(row["weekday"]),)
    return count_days(lo, hi, weekdays)


def row_months(req: MetricRequest, row: dict[str, Any]) -> float:
    """The calendar months a row covers (cut as in :func:`row_days`): a whole month counts 1, a month covered in
    part its covered days / its days ("1997-01-01..1998-06-30" is 18 months, "1998-06-16..1998-06-30" half a one)."""
    lo, hi = req.since, req.until
    if req.day_range is not None:
        lo, hi = max(lo, req.day_range[0]), min(hi, req.day_range[1])
    if req.grain and row.get("period") is not None:
        try:
            a, b = period_span(req.grain, str(row["period"]))
        except ValueError:
            a, b = lo, hi
        lo, hi = max(lo, a), min(hi, b)
    months = 0.0
    cur = date(lo.year, lo.month, 1)
    while cur <= hi:
        length = calendar.monthrange(cur.year, cur.month)[1]
        last = date(cur.year, cur.month, length)
        months += count_days(max(lo, cur), min(hi, last)) / length
        cur = last + timedelta(days=1)
    return months


def period_labels(grain: str, since: date, until: date) -> list[str]:
    """Every label of ``grain`` from ``since`` to ``until``, as the SQL renders them."""
    if grain == "week":
        monday = since - timedelta(days=since.weekday())
        return [d.strftime("%Y-%m-%d") for d in pd.date_range(monday, until, freq="7D")]
    freq = {"day": "D", "month": "M", "quarter": "Q", "year": "Y"}[grain]
    out = []
    for p in pd.period_range(since, until, freq=freq):
        if grain == "day":
            out.append(p.strftime("%Y-%m-%d"))
        elif grain == "month":
            out.append(p.strftime("%Y-%m"))
        elif grain == "quarter":
            out.append(f"{p.year}-Q{p.quarter}")
        else:
            out.append(str(p.year))
    return out


def _collect(conn: Connection, req: MetricRequest, keys: Sequence[str]) -> dict[Key, dict[str, Any]]:
    needed: dict[str, set[str]] = defaultdict(set)
    for m in req.measures:
        needed[MEASURES[m].family].update(_BASES[m])
    merged: dict[Key, dict[str, Any]] = defaultdict(dict)
    for fam, bases in needed.items():
        for key, vals in _FAMILIES[fam](conn, req, keys, bases).items():
            merged[key].update(vals)
    return dict(merged)


def _sort_key(key: Key) -> tuple[Any, ...]:
    return tuple((v is None, str(v) if not isinstance(v, int | float) else f"{v:020.6f}") for v in key)


def run(conn: Connection, req: MetricRequest) -> MetricResult:
    """Rows per key and the totals of ``req`` on ``conn`` (validates first)."""
    validate(req)
    if req.group_by == "customer" and req.measures[0] in _RANK_SQL:
        out = _run_top_customers(conn, req)
    else:
        out = _run_keys(conn, req)
        if req.group_by == "customer":
            _rank_customers(conn, req, out)
    if req.group_by == "customer":
        _add_ranked_totals(req, out)
    if (req.min_amount is not None or req.max_amount is not None) and any(
        MEASURES[m].family != "feedback" for m in req.measures
    ):
        _add_share_of_all(conn, req, out)
    return out


def _run_keys(conn: Connection, req: MetricRequest) -> MetricResult:
    req.rollup = rollup_applies(conn, req)
    req.wide = not req.rollup and _covers_most(conn, req)
    keys = req.keys
    grouped = _collect(conn, req, keys) if keys else {}
    additive = all(MEASURES[m].additive for m in req.measures)
    if keys and additive:
        total_b: dict[str, Any] = defaultdict(float)
        for vals in grouped.values():
            for k, v in vals.items():
                total_b[k] += float(v or 0)
    else:
        total_b = _collect(conn, req, []).get((), {})
    total_revenue = total_b.get("revenue")
    if keys == ["period"]:
        assert req.grain is not None
        order: list[Key] = [(label,) for label in period_labels(req.grain, req.since, req.until)]
        order += sorted((k for k in grouped if k not in set(order)), key=_sort_key)  # never drop a row
    elif keys == ["customer_type"]:
        # both types always: a period with no new customers shows new = 0, not a missing row
        order = [("new",), ("returning",)]
        order += sorted((k for k in grouped if k not in set(order)), key=_sort_key)
    else:
        order = sorted(grouped, key=_sort_key)
    per_day = any(m in PER_DAY_MEASURES for m in req.measures)
    rows = []
    for key in order:
        b = grouped.get(key, {})
        row: dict[str, Any] = dict(zip(keys, key, strict=True))
        days = row_days(req, row) if per_day else None
        months = row_months(req, row) if per_day else None
        for m in req.measures:
            row[m] = derive(m, b, total_revenue, total_b, days, months)
        rows.append(row)
    whole_days, whole_months = row_days(req, {}), row_months(req, {})
    total = {m: derive(m, total_b, total_revenue, total_b, whole_days, whole_months) for m in req.measures}
    considered = int(total_b.get("orders") or 0) + int(total_b.get("feedback_count") or 0)
    res = MetricResult(
        keys=keys, rows=rows, total=total, notes=notes_for(req), rows_considered=considered, notes_zh=notes_for_zh(req)
    )
    if req.group_by == "weekday":
        res.subtotals = _weekday_subtotals(req, grouped, keys, total_b)
    return res


def _weekday_subtotals(
    req: MetricRequest, grouped: dict[Key, dict[str, Any]], keys: Sequence[str], total_b: dict[str, Any]
) -> dict[str, dict[str, Any]]:
    """Weekend and workday subtotals of a weekday breakdown (summed aggregates, derived again): sums and
    counts add up, a row share is the sum of the rows' shares, aov and feedback shares are recomputed from
    the sums, per-day measures divide by the days of those weekdays in the period. Measures built on
    distinct counts (buyers, repeat_rate ...) have no subtotal: their rows do not add up."""
    at = list(keys).index("weekday")
    measures = [m for m in req.measures if set(_BASES[m]) <= _SUMMABLE_BASES]
    out: dict[str, dict[str, Any]] = {}
    for part, weekdays in WEEK_PARTS.items():
        b: dict[str, Any] = defaultdict(float)
        for key, vals in grouped.items():
            if key[at] is not None and int(key[at]) in weekdays:
                for k, v in vals.items():
                    if k in _SUMMABLE_BASES:
                        b[k] += float(v or 0)
        days = row_days(req, {}, weekdays)
        out[part] = {m: derive(m, b, total_b.get("revenue"), total_b, days) for m in measures}
    return out


# First measures a customer ranking can order by in SQL (sums and counts per customer; a customer's
# revenue_per_buyer is its revenue, and a share orders like its base). Others rank in Python.
_RANK_SQL: dict[str, str] = {
    "revenue": "revenue",
    "revenue_share": "revenue",
    "revenue_per_buyer": "revenue",
    "orders": "orders",
    "orders_share": "orders",
    "units": "units",
    "units_share": "units",
    "purchase_days": "purchase_days",
    # The same days divide every customer's figure: the order of the sums.
    "revenue_per_day": "revenue",
    "revenue_per_month": "revenue",
    "revenue_annualized": "revenue",
    "revenue_annualized_monthly": "revenue",
    "orders_per_month": "orders",
    "units_per_month": "units",
    "orders_per_day": "orders",
}


def _top_customers(conn: Connection, req: MetricRequest) -> tuple[list[int], int]:
    """(the first ``limit`` customer ids by the first measure, how many customers have data): one
    grouped query with ORDER BY/LIMIT, so only the kept customers' rows reach Python."""
    value = {
        "revenue": func.sum(_O.c.amount),
        "orders": func.count(_O.c.id),
        "units": func.sum(_O.c.quantity),
        "purchase_days": func.count(func.distinct(day_of(_O.c.ordered_at))),
    }[_RANK_SQL[req.measures[0]]]
    frm: Any = _segment_join(req, _O, _O.c.customer_id) if req.segment is not None else _O
    stmt = (
        select(_O.c.customer_id, func.count().over().label("n"))
        .select_from(frm)
        .where(*_line_conds(req), *_customer_conds(req, _O.c.customer_id))
        .group_by(_O.c.customer_id)
        .order_by(value.asc() if req.sort == "asc" else value.desc(), _O.c.customer_id)
        .limit(req.limit or CUSTOMER_LIMIT_DEFAULT)
    )
    rows = conn.execute(stmt).all()
    return [int(r[0]) for r in rows], int(rows[0][1]) if rows else 0


def _run_top_customers(conn: Connection, req: MetricRequest) -> MetricResult:
    """group_by customer ranked in SQL: the kept customers' measures, and totals over every customer."""
    req.rollup = False  # the rollup has no customer dimension (rollup_applies agrees)
    req.wide = _covers_most(conn, req)
    pks, n = _top_customers(conn, req)
    grouped: dict[Key, dict[str, Any]] = {}
    if pks:
        only = replace(req, customer_pks=pks)
        only.wide = False  # a few customers: their index, not a scan
        grouped = _collect(conn, only, ["customer"])
    total_b = _collect(conn, req, []).get((), {})
    ids = _external_ids(conn, pks)
    days, months = row_days(req, {}), row_months(req, {})
    rows = []
    for pk in pks:
        b = grouped.get((pk,), {})
        row: dict[str, Any] = {"customer": ids[pk]}
        for m in req.measures:
            row[m] = derive(m, b, total_b.get("revenue"), total_b, days, months)
        rows.append(row)
    total = {m: derive(m, total_b, total_b.get("revenue"), total_b, days, months) for m in req.measures}
    considered = int(total_b.get("orders") or 0)
    res = MetricResult(
        keys=["customer"],
        rows=rows,
        total=total,
        notes=notes_for(req),
        rows_considered=considered,
        notes_zh=notes_for_zh(req),
    )
    res.notes.append(_ranking_note(req, len(rows), n))
    res.notes_zh.append(_ranking_note_zh(req, len(rows), n))
    res.customer_pks = pks
    return res


def _external_ids(conn: Connection, pks: list[int]) -> dict[int, str]:
    if not pks:
        return {}
    return {int(k): v for k, v in conn.execute(select(_C.c.id, _C.c.external_id).where(_C.c.id.in_(pks))).all()}


def _ranking_note(req: MetricRequest, kept: int, of: int) -> str:
    return (
        f"customers ranked by {req.measures[0]} ({'ascending' if req.sort == 'asc' else 'descending'}, ties by "
        f"customer id): the first {kept} of {of} customers with data in the period; the total covers all of them"
    )


def _ranking_note_zh(req: MetricRequest, kept: int, of: int) -> str:
    name = MEASURES[req.measures[0]].name_zh
    order = "升序" if req.sort == "asc" else "降序"
    return (
        f"客户按{name}排名（{order}，相同时按客户编号）：期间内有数据的 {of} 位客户中的前 {kept} 位；"
        f"合计覆盖全部这些客户"
    )


def _rank_customers(conn: Connection, req: MetricRequest, res: MetricResult) -> None:
    """Keep the top ``limit`` customers by the first measure and key them by external id (in place).

    For first measures SQL cannot order by here (ratios such as aov, repeat_rate): every customer's
    row is derived in Python first, O(customers with data); sums and counts take _run_top_customers.
    Ties go to the smaller customer id, as in SQL.
    """
    first = req.measures[0]
    limit = req.limit or CUSTOMER_LIMIT_DEFAULT
    sign = 1.0 if req.sort == "asc" else -1.0
    ranked = sorted(res.rows, key=lambda r: (r[first] is None, sign * float(r[first] or 0.0), r["customer"]))
    kept = ranked[:limit]
    pks = [int(r["customer"]) for r in kept]
    ids = _external_ids(conn, pks)
    for r in kept:
        r["customer"] = ids[int(r["customer"])]
    res.notes.append(_ranking_note(req, len(kept), len(ranked)))
    res.notes_zh.append(_ranking_note_zh(req, len(kept), len(ranked)))
    res.rows, res.customer_pks = kept, pks


def _add_ranked_totals(req: MetricRequest, res: MetricResult) -> None:
    """ranked_total: the listed customers' sums and counts (and row shares) added up; ranked_share: that over
    the same measure for all customers under the same filters and period (the result's total)."""
    summed = [m for m in req.measures if m in SHARE_OF_ALL_MEASURES or m in ROW_SHARE_MEASURES]
    res.ranked_total = {}
    for m in summed:
        values = [r.get(m) for r in res.rows if r.get(m) is not None]
        res.ranked_total[m] = sum(values) if values else (0 if MEASURES[m].unit == "count" else 0.0)
    res.ranked_share = {m: _div(res.ranked_total[m], res.total.get(m)) for m in summed if m in SHARE_OF_ALL_MEASURES}
    for k in ("ranked_total", "ranked_share"):
        res.notes.append(f"{k}: {RESULT_FIELDS[k]['definition']}")
        res.notes_zh.append(f"{RESULT_FIELDS[k]['name_zh']}：{RESULT_FIELDS[k]['definition_zh'].rstrip('。')}")


def _add_share_of_all(conn: Connection, req: MetricRequest, res: MetricResult) -> None:
    """The same measures without the amount filter (same period and other filters), and the shares."""
    whole = replace(req, min_amount=None, max_amount=None, grain=None, group_by=None, sort=None, limit=None)
    other = run(conn, whole)
    res.total_unfiltered = other.total
    res.share_of_all = {m: _div(res.total[m], other.total[m]) for m in req.measures if m in SHARE_OF_ALL_MEASURES}
    shown = ("total_unfiltered", "share_of_all")
    res.notes += [f"{k}: {RESULT_FIELDS[k]['definition']}" for k in shown]
    res.notes_zh += [f"{RESULT_FIELDS[k]['name_zh']}：{RESULT_FIELDS[k]['definition_zh'].rstrip('。')}" for k in shown]


def _covers_most(conn: Connection, req: MetricRequest, share: float = 0.3) -> bool:
    """True when the period spans more than ``share`` of the orders' date range (two index lookups)."""
    if conn.dialect.name != "sqlite":
        return False
    lo, hi = conn.execute(select(func.min(_O.c.ordered_at), func.max(_O.c.ordered_at))).one()
    if lo is None:
        return False
    lo, hi = pd.Timestamp(lo), pd.Timestamp(hi)
    overlap = min(hi, pd.Timestamp(req.end)) - max(lo, pd.Timestamp(req.start))
    return overlap.total_seconds() > share * max((hi - lo).total_seconds(), 1.0)


def notes_for(req: MetricRequest) -> list[str]:
    """The definitions a result used, so an answer can say what it counted."""
    notes = [f"{m}: {_with_days(MEASURES[m].definition, req)}" for m in req.measures]
    notes.append(f"period: {req.since} to {req.until} inclusive")
    if any(MEASURES[m].family in ("orders", "repeat", "gaps") for m in req.measures):
        notes.append("orders are order lines; a purchase day is a distinct (customer, day)")
    if _amount_filtered(req):
        notes.append(f"amount filters apply to each order line's amount ({_amount_test(req)})")
    if req.segment is not None or req.group_by == "segment":
        notes.append(f"segments from the stored assignments of model {req.segment_version}")
    if req.customer_filter:
        notes.append("only customers with " + "; ".join(req.customer_filter.describe()[0]))
    if any(m in ROW_SHARE_MEASURES for m in req.measures):
        notes.append("a *_share of a row is its part of the total over all rows under the same filters")
    if req.group_by == "weekday":
        notes.append(f"subtotals: {RESULT_FIELDS['subtotals']['definition']}")
    if _days_cut(req):
        assert req.day_range is not None
        lo, hi = max(req.since, req.day_range[0]), min(req.until, req.day_range[1])
        notes.append(f"per-day measures count the {count_days(lo, hi)} days from {lo} to {hi} that the data covers")
    return notes


def with_days(text: str, within_days: int | None) -> str:
    """A measure's name or definition with the asked ``within_days`` written in ("within 90 days", "90天内复购占比")."""
    if within_days is None:
        return text
    n = str(within_days)
    return text.replace("within_days", n).replace("within N days", f"within {n} days").replace("N天", f"{n}天")


def _with_days(text: str, req: MetricRequest) -> str:
    return with_days(text, req.within_days)


def _amount_test(req: MetricRequest) -> str:
    """The amount filter as a test: "amount > 100", "10 <= amount <= 50"."""
    lo, hi = ("<", "<") if req.amount_strict else ("<=", "<=")
    parts = []
    if req.min_amount is not None:
        parts.append(f"{req.min_amount:g} {lo} ")
    parts.append("amount")
    if req.max_amount is not None:
        parts.append(f" {hi} {req.max_amount:g}")
    if req.amount_below is not None:
        parts.append(f" < {req.amount_below:g}")
    return "".join(parts)


def _amount_filtered(req: MetricRequest) -> bool:
    return req.min_amount is not None or req.max_amount is not None or req.amount_below is not None


def _days_cut(req: MetricRequest) -> bool:
    """True when a per-day measure's days are cut to the data's range (the period reaches beyond it)."""
    return (
        any(m in PER_DAY_MEASURES for m in req.measures)
        and req.day_range is not None
        and (req.since < req.day_range[0] or req.until > req.day_range[1])
    )


def notes_for_zh(req: MetricRequest) -> list[str]:
    """:func:`notes_for` in Chinese: the zh definitions (口径) of what a result counted."""
    notes = [
        f"{_with_days(MEASURES[m].name_zh, req)}：{_with_days(MEASURES[m].definition_zh, req).rstrip('。')}"
        for m in req.measures
    ]
    notes.append(f"统计期间：{req.since} 至 {req.until}（含首尾两天）")
    if any(MEASURES[m].family in ("orders", "repeat", "gaps") for m in req.measures):
        notes.append("订单数按订单行计；一个购买日 = 一个不同的（客户, 日期）")
    if _amount_filtered(req):
        notes.append(f"金额条件作用于每条订单行的金额（{_amount_test(req)}）")
    if req.segment is not None or req.group_by == "segment":
        notes.append(f"分群取自模型 {req.segment_version} 的已存分配")
    if req.customer_filter:
        notes.append("只统计满足以下条件的客户：" + "；".join(req.customer_filter.describe()[1]))
    if any(m in ROW_SHARE_MEASURES for m in req.measures):
        notes.append("某一行的占比 = 该行在相同筛选条件下全部行合计中的份额")
    if req.group_by == "weekday":
        notes.append(
            f"{RESULT_FIELDS['subtotals']['name_zh']}：{RESULT_FIELDS['subtotals']['definition_zh'].rstrip('。')}"
        )
    if _days_cut(req):
        assert req.day_range is not None
        lo, hi = max(req.since, req.day_range[0]), min(req.until, req.day_range[1])
        notes.append(f"日均指标只计数据覆盖的 {lo} 至 {hi} 共 {count_days(lo, hi)} 天")
    return notes
