"""Each measure against the pandas reference over the same rows, on SQLite and PostgreSQL."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pandas as pd
import pytest

from crm_insights.errors import InputError
from crm_insights.metrics import MEASURES, CustomerFilter, MetricRequest, period_labels, run

from .conftest import SEG_VERSION, Store
from .pandas_reference import reference

SINCE, UNTIL = date(1996, 1, 1), date(1997, 3, 31)

# Every measure with the groupings it supports (None = a single total).
GROUPINGS: dict[str, list[tuple[str | None, str | None]]] = {}
for _m, _meta in MEASURES.items():
    fam = _meta.family
    opts: list[tuple[str | None, str | None]] = [(None, None), (None, "segment")]
    if fam not in ("inactive", "second_within"):
        opts += [("month", None), ("quarter", None), ("year", None), ("week", None), ("month", "segment")]
    if fam in ("orders", "feedback"):
        opts += [(None, "weekday"), ("day", None)]
    if fam == "orders":
        opts += [(None, "customer_type"), ("month", "customer_type"), (None, "cohort")]
    if fam in ("repeat", "gaps", "inactive", "second_within", "buyer_spend"):
        opts += [(None, "cohort")]
    if fam == "feedback":
        opts += [(None, "sentiment")]
    if fam in ("orders", "repeat"):
        opts += [(None, "customer")]  # 7 customers: all within the default limit of 10
    GROUPINGS[_m] = opts
CASES = [(m, g, b) for m, opts in GROUPINGS.items() for g, b in opts]


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None or (isinstance(b, float) and math.isnan(b)):
        return (a is None) == (b is None or (isinstance(b, float) and math.isnan(b)))
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def _empty_value(measure: str) -> Any:
    if measure in (
        "revenue_share",
        "orders_share",
        "units_share",
        "revenue_per_day",
        "orders_per_day",
        "revenue_per_month",
        "orders_per_month",
        "units_per_month",
        "revenue_annualized",
        "revenue_annualized_monthly",
    ):
        return 0.0  # nothing of a non-zero total, nothing over the row's days
    unit = MEASURES[measure].unit
    ratios = ("aov", "revenue_per_buyer", "revenue_per_unit", "revenue_per_buyer_median")
    return 0 if unit == "count" or (unit == "currency" and measure not in ratios) else None


def check(store: Store, measure: str, since: date, until: date, **kw: Any) -> None:
    req = MetricRequest(
        measures=[measure],
        since=since,
        until=until,
        segment_version=SEG_VERSION,
        inactive_days=kw.pop("inactive_days", 60 if measure == "inactive_customers" else None),
        within_days=kw.pop("within_days", 30 if measure.startswith("second_within") else None),
        **kw,
    )
    with store.engine.connect() as conn:
        res = run(conn, req)
    ref_kw = {k: v for k, v in kw.items() if k not in ("customer_pks", "customer_filter")}
    if kw.get("customer_filter"):
        ref_kw["customers"] = filter_customers(store, since, until, kw["customer_filter"])
    expected_rows, expected_total = reference(
        store, measure, since, until, inactive_days=req.inactive_days, within_days=req.within_days, **ref_kw
    )
    got = {tuple(r[k] for k in res.keys): r[measure] for r in res.rows}
    if not res.keys:  # a single total: no rows
        assert res.rows == []
        expected_rows = {}
    for key, value in expected_rows.items():
        assert key in got, (measure, kw, key, sorted(got))
        assert _close(got[key], value), (measure, kw, key, got[key], value)
    for key, value in got.items():
        if key not in expected_rows:  # an empty period or group: nothing counted, no ratio made up
            assert value == _empty_value(measure), (measure, kw, key, value)
    assert _close(res.total[measure], expected_total), (measure, kw, res.total[measure], expected_total)


def filter_customers(store: Store, since: date, until: date, f: CustomerFilter) -> set[str]:
    """The customers a CustomerFilter keeps, computed from the raw order lines with pandas."""
    o = store.orders
    if f.window is not None:
        since, until = f.window
    lo, end = pd.Timestamp(since), pd.Timestamp(until) + pd.Timedelta(days=1)
    keep = set(o["customer"])
    w = o[(o["ts"] >= lo) & (o["ts"] < end)]
    if f.min_purchases is not None or f.max_purchases is not None:
        days = w.assign(day=w["ts"].dt.normalize()).groupby("customer")["day"].nunique()
        ok = days[(days >= (f.min_purchases or 0)) & (days <= (f.max_purchases or 10**9))]
        keep &= set(ok.index)
    if f.min_spend is not None or f.max_spend is not None:
        spend = w.groupby("customer")["amount"].sum()
        lo_s = f.min_spend if f.min_spend is not None else -1e18
        hi_s = f.max_spend if f.max_spend is not None else 1e18
        ok = spend[(spend > lo_s) & (spend < hi_s)] if f.spend_strict else spend[(spend >= lo_s) & (spend <= hi_s)]
        keep &= set(ok.index)
    if f.inactive_days is not None:
        last = o[o["ts"] < end].groupby("customer")["ts"].max()
        keep &= set(last[last < end - pd.Timedelta(days=f.inactive_days)].index)
    for window, wanted in ((f.bought, True), (f.not_bought, False)):
        if window is not None:
            a, b = pd.Timestamp(window[0]), pd.Timestamp(window[1]) + pd.Timedelta(days=1)
            there = set(o[(o["ts"] >= a) & (o["ts"] < b)]["customer"])
            keep = keep & there if wanted else keep - there
    return keep


FILTERS = [
    CustomerFilter(min_purchases=2),
    CustomerFilter(max_purchases=1),
    CustomerFilter(min_purchases=2, max_purchases=3),
    CustomerFilter(inactive_days=30),
    CustomerFilter(not_bought=(date(1997, 1, 1), date(1997, 3, 31))),
    CustomerFilter(bought=(date(1996, 1, 1), date(1996, 6, 30)), min_purchases=1),
    CustomerFilter(min_spend=100.0),
    CustomerFilter(min_spend=100.0, spend_strict=True),
    CustomerFilter(max_spend=50.0, spend_strict=True),
    CustomerFilter(max_spend=50.0, window=(date(1996, 1, 1), date(1996, 12, 31))),
    CustomerFilter(inactive_days=45, min_purchases=2, window=(date(1996, 1, 1), date(1996, 9, 30))),
]


@pytest.mark.parametrize("cfilter", FILTERS, ids=lambda f: "-".join(f.describe()[0])[:60])
@pytest.mark.parametrize("measure", list(MEASURES))
def test_customer_filter_narrows_every_measure(store: Store, measure: str, cfilter: CustomerFilter) -> None:
    """Every measure over the filtered customers equals pandas over those customers' rows (total and by quarter)."""
    check(store, measure, SINCE, UNTIL, customer_filter=cfilter)
    if MEASURES[measure].family not in ("inactive", "second_within"):  # (both are read as of / from one period)
        check(store, measure, SINCE, UNTIL, grain="quarter", customer_filter=cfilter)


def test_customer_filter_is_stated_in_the_notes(store: Store) -> None:
    res = _run(store, measures=["buyers"], customer_filter=CustomerFilter(min_purchases=3, inactive_days=30))
    assert any("at least 3 purchase days" in n and "30 days" in n for n in res.notes)
    assert any("至少 3 个购买日" in n for n in res.notes_zh)


@pytest.mark.parametrize(("measure", "grain", "group_by"), CASES)
def test_measure_matches_pandas(store: Store, measure: str, grain: str | None, group_by: str | None) -> None:
    check(store, measure, SINCE, UNTIL, grain=grain, group_by=group_by)


@pytest.mark.parametrize(
    ("since", "until"),
    [
        (date(1996, 2, 29), date(1996, 2, 29)),  # the leap day alone
        (date(1996, 1, 31), date(1996, 1, 31)),  # a month end with two lines late in the day
        (date(1996, 12, 31), date(1997, 1, 1)),  # across the year boundary
        (date(1996, 3, 1), date(1996, 4, 30)),  # a 23:59 line on the last day must count
        (date(1996, 6, 1), date(1996, 6, 30)),  # an empty month
    ],
)
@pytest.mark.parametrize(
    "measure",
    [
        "revenue",
        "orders",
        "buyers",
        "new_customers",
        "aov",
        "repeat_rate",
        "days_between_mean",
        "feedback_count",
        "negative_share",
        "repurchase_after_negative",
        "revenue_per_day",
        "orders_per_day",
        "new_customer_share",
        "returning_customer_share",
    ],
)
def test_edge_periods(store: Store, measure: str, since: date, until: date) -> None:
    check(store, measure, since, until)
    check(store, measure, since, until, grain="day")


@pytest.mark.parametrize(
    ("filters"),
    [
        {"segment": 1},
        {"min_amount": 20.0},
        {"max_amount": 20.0},
        {"min_amount": 10.0, "max_amount": 60.0, "segment": 0},
    ],
)
@pytest.mark.parametrize(
    "measure",
    [
        "revenue",
        "orders",
        "buyers",
        "new_customers",
        "repeat_rate",
        "days_between_median",
        "days_first_to_second",
        "inactive_customers",
        "days_since_last_mean",
        "revenue_per_day",
        "new_customer_share",
    ],
)
def test_filters(store: Store, measure: str, filters: dict[str, Any]) -> None:
    check(store, measure, SINCE, UNTIL, **filters)
    if measure not in ("inactive_customers", "days_since_last_mean"):
        check(store, measure, SINCE, UNTIL, grain="quarter", **filters)
    if measure in ("revenue", "orders", "buyers", "new_customers", "repeat_rate", "revenue_per_day"):
        check(store, measure, SINCE, UNTIL, group_by="customer", **filters)


@pytest.mark.parametrize("measure", ["feedback_count", "negative_share", "positive_share"])
def test_sentiment_filter(store: Store, measure: str) -> None:
    check(store, measure, SINCE, UNTIL, sentiment="negative", grain="month")


def test_customer_filter_keeps_only_those_customers(store: Store) -> None:
    req = MetricRequest(
        measures=["revenue", "buyers"], since=SINCE, until=UNTIL, customer_pks=[store.pk["A"], store.pk["F"]]
    )
    with store.engine.connect() as conn:
        res = run(conn, req)
    mine = store.orders[store.orders["customer"].isin(["A", "F"])]
    assert res.total["buyers"] == 2
    assert math.isclose(res.total["revenue"], mine["amount"].sum())


@pytest.mark.parametrize("within_days", [1, 30, 90])
@pytest.mark.parametrize("measure", ["second_within_share", "second_within_customers"])
@pytest.mark.parametrize(("kw"), [{}, {"group_by": "cohort"}, {"segment": 1}, {"group_by": "segment"}])
def test_second_purchase_within_days(store: Store, measure: str, within_days: int, kw: dict[str, Any]) -> None:
    check(store, measure, SINCE, UNTIL, within_days=within_days, **kw)
    # a first purchase late in a short period whose second falls after the period still counts
    check(store, measure, date(1997, 1, 1), date(1997, 1, 31), within_days=within_days, **kw)


@pytest.mark.parametrize(
    "kw", [{}, {"grain": "quarter"}, {"group_by": "cohort"}, {"group_by": "segment"}, {"min_amount": 20.0}]
)
def test_median_spend_per_buyer(store: Store, kw: dict[str, Any]) -> None:
    check(store, "revenue_per_buyer_median", SINCE, UNTIL, **kw)


def test_second_purchase_within_days_needs_the_days_and_no_amount_filter(store: Store) -> None:
    from crm_insights.metrics import validate

    with pytest.raises(InputError, match="need within_days"):
        validate(MetricRequest(measures=["second_within_share"], since=SINCE, until=UNTIL))
    with pytest.raises(InputError, match="amount"):
        validate(
            MetricRequest(measures=["second_within_share"], since=SINCE, until=UNTIL, within_days=30, min_amount=10)
        )


def test_excluded_customers_are_left_out(store: Store) -> None:
    req = MetricRequest(
        measures=["revenue", "buyers"], since=SINCE, until=UNTIL, exclude_customer_pks=[store.pk["A"], store.pk["F"]]
    )
    with store.engine.connect() as conn:
        res = run(conn, req)
    rest = store.orders[~store.orders["customer"].isin(["A", "F"])]
    rest = rest[(rest["ts"] >= pd.Timestamp(SINCE)) & (rest["ts"] < pd.Timestamp(UNTIL) + pd.Timedelta(days=1))]
    assert res.total["buyers"] == rest["customer"].nunique()
    assert math.isclose(res.total["revenue"], rest["amount"].sum())


def test_one_customer_store(one_customer_store: Store) -> None:
    s = one_customer_store
    for measure in (
        "revenue",
        "orders",
        "buyers",
        "new_customers",
        "repeat_rate",
        "one_time_share",
        "days_between_mean",
        "days_first_to_second",
        "aov",
        "positive_share",
    ):
        check(s, measure, date(2000, 1, 1), date(2000, 12, 31))
        check(s, measure, date(2000, 1, 1), date(2000, 12, 31), grain="month")
    with s.engine.connect() as conn:
        res = run(conn, MetricRequest(measures=["revenue"], since=date(2000, 2, 29), until=date(2000, 2, 29)))
    assert res.total["revenue"] == 19.0


def test_trend_lists_every_period_even_empty_ones(store: Store) -> None:
    with store.engine.connect() as conn:
        res = run(
            conn,
            MetricRequest(measures=["revenue", "aov"], since=date(1996, 5, 1), until=date(1996, 8, 31), grain="month"),
        )
    assert [r["period"] for r in res.rows] == ["1996-05", "1996-06", "1996-07", "1996-08"]
    june = res.rows[1]
    assert june["revenue"] == 0 and june["aov"] is None


def test_period_labels_match_sql_labels(store: Store) -> None:
    for grain in ("day", "week", "month", "quarter", "year"):
        with store.engine.connect() as conn:
            res = run(conn, MetricRequest(measures=["orders"], since=SINCE, until=UNTIL, grain=grain))
        assert [r["period"] for r in res.rows] == period_labels(grain, SINCE, UNTIL)


def test_additive_rows_sum_to_total(store: Store) -> None:
    with store.engine.connect() as conn:
        res = run(conn, MetricRequest(measures=["revenue", "orders"], since=SINCE, until=UNTIL, grain="week"))
    assert math.isclose(sum(r["revenue"] for r in res.rows), res.total["revenue"])
    assert sum(r["orders"] for r in res.rows) == res.total["orders"] == len(store.orders)


def test_mixed_families_merge_on_keys(store: Store) -> None:
    req = MetricRequest(
        measures=["revenue", "repeat_rate", "feedback_count"], since=SINCE, until=UNTIL, grain="quarter"
    )
    with store.engine.connect() as conn:
        res = run(conn, req)
    for m in req.measures:
        expected, total = reference(store, m, SINCE, UNTIL, grain="quarter")
        for row in res.rows:
            if (row["period"],) in expected:
                assert _close(row[m], expected[(row["period"],)])
        assert _close(res.total[m], total)


@pytest.mark.parametrize(
    ("req", "message"),
    [
        (dict(measures=["bogus"]), "valid measures: revenue"),
        (dict(measures=[]), "at least one"),
        (dict(measures=["revenue"], group_by="planet"), "valid dimensions: weekday"),
        (dict(measures=["revenue"], grain="hour"), "valid grains: day"),
        (dict(measures=["inactive_customers"], inactive_days=30, grain="month"), "inactive_customers can be grouped"),
        (dict(measures=["inactive_customers"]), "needs inactive_days"),
        (dict(measures=["revenue"], sentiment="negative"), "feedback measures only"),
        (dict(measures=["revenue"], group_by="sentiment"), "revenue can be grouped by"),
        (dict(measures=["revenue"], segment=1, segment_version=None), "segmentation model"),
        (dict(measures=["revenue"], min_amount=5, max_amount=1), "above max_amount"),
    ],
)
def test_bad_requests_name_the_valid_options(req: dict[str, Any], message: str) -> None:
    kw = {"since": SINCE, "until": UNTIL, **req}
    with pytest.raises(InputError, match=message):
        from crm_insights.metrics import validate

        validate(MetricRequest(**kw))


def test_reversed_dates_are_refused() -> None:
    from crm_insights.metrics import validate

    with pytest.raises(InputError, match="is after until"):
        validate(MetricRequest(measures=["revenue"], since=date(1997, 2, 1), until=date(1997, 1, 1)))


# -- group_by customer: a bounded ranking ---------------------------------------------------------


def _run(store: Store, **kw: Any) -> Any:
    kw.setdefault("since", SINCE)
    kw.setdefault("until", UNTIL)
    with store.engine.connect() as conn:
        return run(conn, MetricRequest(segment_version=SEG_VERSION, **kw))


@pytest.mark.parametrize("measure", ["revenue", "orders", "units", "aov", "purchase_days", "revenue_share"])
@pytest.mark.parametrize("sort", ["desc", "asc", None])
def test_customer_ranking_matches_pandas(store: Store, measure: str, sort: str | None) -> None:
    since, until = date(1996, 1, 1), date(1996, 12, 31)
    res = _run(store, measures=[measure, "orders"], since=since, until=until, group_by="customer", sort=sort, limit=3)
    expected, total = reference(store, measure, since, until, group_by="customer")
    sign = 1 if sort == "asc" else -1
    # Ties go to the customer stored first (the smaller primary key).
    ranked = sorted(expected.items(), key=lambda kv: (sign * kv[1], store.pk[kv[0][0]]))[:3]
    assert [r["customer"] for r in res.rows] == [k[0] for k, _ in ranked]
    for row, (_, value) in zip(res.rows, ranked, strict=True):
        assert _close(row[measure], value)
    assert _close(res.total[measure], total)  # the total covers every customer, not only the kept ones
    assert res.customer_pks == [store.pk[r["customer"]] for r in res.rows]
    assert any("first 3 of" in n for n in res.notes)


def test_customer_ranking_defaults_to_ten_and_is_bounded(store: Store) -> None:
    res = _run(store, measures=["revenue"], group_by="customer")
    assert len(res.rows) == len(store.pk) <= 10
    from crm_insights.metrics import CUSTOMER_LIMIT_MAX, validate

    for bad, message in (
        (dict(limit=CUSTOMER_LIMIT_MAX + 1), "returns 1 to"),
        (dict(limit=0), "returns 1 to"),
        (dict(grain="month"), "drop grain"),
        (dict(measures=["feedback_count"]), "feedback_count can be grouped by"),
    ):
        kw: dict[str, Any] = {"measures": ["revenue"], "since": SINCE, "until": UNTIL, "group_by": "customer", **bad}
        with pytest.raises(InputError, match=message):
            validate(MetricRequest(**kw))


def test_customer_filter_and_ranking_together(store: Store) -> None:
    keep = [store.pk["B"], store.pk["E"], store.pk["F"]]
    res = _run(store, measures=["revenue"], group_by="customer", customer_pks=keep, limit=2)
    mine = store.orders[store.orders["customer"].isin(["B", "E", "F"])].groupby("customer")["amount"].sum()
    top = mine.sort_values(ascending=False).head(2)
    assert [r["customer"] for r in res.rows] == list(top.index)
    assert _close(res.total["revenue"], mine.sum())


# -- shares of the whole ----------------------------------------------------------------------------


@pytest.mark.parametrize("filters", [{"min_amount": 100.0}, {"max_amount": 20.0}, {"min_amount": 20.0, "segment": 1}])
def test_amount_filter_carries_the_unfiltered_totals_and_share(store: Store, filters: dict[str, Any]) -> None:
    measures = ["orders", "revenue", "units", "buyers", "aov"]
    res = _run(store, measures=measures, grain="quarter", **filters)
    assert res.total_unfiltered is not None and res.share_of_all is not None
    unfiltered = {k: v for k, v in filters.items() if k == "segment"}
    for m in measures:
        part = reference(store, m, SINCE, UNTIL, **filters)[1]
        whole = reference(store, m, SINCE, UNTIL, **unfiltered)[1]
        assert _close(res.total[m], part)
        assert _close(res.total_unfiltered[m], whole)
        if m == "aov":  # a ratio is no part of a whole
            assert m not in res.share_of_all
        else:
            assert _close(res.share_of_all[m], part / whole if whole else None)
    assert any("share_of_all" in n for n in res.notes)


def test_no_amount_filter_no_share_of_all(store: Store) -> None:
    res = _run(store, measures=["orders"])
    assert res.total_unfiltered is None and res.share_of_all is None


@pytest.mark.parametrize("measure", ["orders", "revenue", "buyers", "units"])
def test_zero_amount_is_a_filter(zero_store: Store, measure: str) -> None:
    zero = zero_store.orders[zero_store.orders["amount"] == 0]
    assert len(zero) == 2  # the fixture's premise
    check(zero_store, measure, SINCE, UNTIL, min_amount=0.0, max_amount=0.0)
    check(zero_store, measure, SINCE, UNTIL, max_amount=0.0, grain="month")
    check(zero_store, measure, SINCE, UNTIL, min_amount=0.0)
    res = _run(zero_store, measures=["orders"], max_amount=0.0)
    assert res.total["orders"] == len(zero)
    assert _close(res.share_of_all["orders"], len(zero) / len(zero_store.orders))  # type: ignore[index]
    # min_amount=0 keeps every line, but it is still a filter: the share is stated (1.0), not dropped.
    res = _run(zero_store, measures=["orders"], min_amount=0.0)
    assert res.share_of_all == {"orders": 1.0}


def test_weekend_share_of_orders(store: Store) -> None:
    res = _run(store, measures=["orders_share", "orders", "units_share"], group_by="weekday")
    days = store.orders["ts"].dt.weekday + 1
    weekend = float((days >= 6).sum()) / len(store.orders)
    got = sum(r["orders_share"] for r in res.rows if r["weekday"] in (6, 7))
    assert _close(got, weekend)
    assert _close(sum(r["orders_share"] for r in res.rows), 1.0)
    assert _close(sum(r["units_share"] for r in res.rows), 1.0)
    assert _close(res.total["orders_share"], 1.0)


def test_rollup_never_answers_customer_or_amount_questions(store: Store) -> None:
    from crm_insights.metrics import refresh_rollup, rollup_applies

    refresh_rollup(store.engine, SEG_VERSION)
    with store.engine.connect() as conn:
        base = MetricRequest(measures=["revenue", "orders"], since=SINCE, until=UNTIL, segment_version=SEG_VERSION)
        assert rollup_applies(conn, base)  # the rollup is fresh, so only the request can rule it out
        for kw in ({"group_by": "customer"}, {"min_amount": 0.0}, {"max_amount": 100.0}, {"min_amount": 100.0}):
            req = MetricRequest(**{**base.__dict__, **kw})
            assert not rollup_applies(conn, req), kw


# -- per-day measures, weekday subtotals, ranked totals ------------------------------------------------


def _weekday_days(since: date, until: date, weekdays: tuple[int, ...]) -> int:
    days = pd.Series(pd.date_range(pd.Timestamp(since), pd.Timestamp(until), freq="D"))
    return int((days.dt.weekday + 1).isin(weekdays).sum())


@pytest.mark.parametrize("grain", [None, "month"])
@pytest.mark.parametrize("filters", [{}, {"segment": 1}, {"min_amount": 20.0}])
def test_weekday_subtotals_match_pandas(store: Store, grain: str | None, filters: dict[str, Any]) -> None:
    measures = [
        "revenue",
        "orders",
        "revenue_share",
        "orders_share",
        "revenue_per_day",
        "orders_per_day",
        "aov",
        "buyers",
    ]
    res = _run(store, measures=measures, group_by="weekday", grain=grain, **filters)
    o = store.orders
    if "segment" in filters:
        o = o[o["customer"].map(store.segments) == filters["segment"]]
    if "min_amount" in filters:
        o = o[o["amount"] >= filters["min_amount"]]
    o = o[(o["ts"] >= pd.Timestamp(SINCE)) & (o["ts"] < pd.Timestamp(UNTIL) + pd.Timedelta(days=1))]
    assert res.subtotals is not None and set(res.subtotals) == {"weekend", "workdays"}
    for part, weekdays in (("weekend", (6, 7)), ("workdays", (1, 2, 3, 4, 5))):
        mine = o[(o["ts"].dt.weekday + 1).isin(weekdays)]
        days = _weekday_days(SINCE, UNTIL, weekdays)
        sub = res.subtotals[part]
        assert "buyers" not in sub  # a distinct count: its rows do not add up
        assert _close(sub["revenue"], mine["amount"].sum())
        assert sub["orders"] == len(mine)
        assert _close(sub["revenue_share"], mine["amount"].sum() / o["amount"].sum())
        assert _close(sub["orders_share"], len(mine) / len(o))
        assert _close(sub["revenue_per_day"], mine["amount"].sum() / days)
        assert _close(sub["orders_per_day"], len(mine) / days)
        assert _close(sub["aov"], mine["amount"].mean() if len(mine) else None)
    # The weekday rows' shares add up to the subtotal; per-day figures are not summed.
    weekend_rows = [r for r in res.rows if r["weekday"] in (6, 7)]
    assert _close(sum(r["revenue_share"] for r in weekend_rows), res.subtotals["weekend"]["revenue_share"])
    assert _close(sum(r["revenue"] for r in weekend_rows), res.subtotals["weekend"]["revenue"])


def test_weekday_subtotals_of_feedback_and_none_elsewhere(store: Store) -> None:
    res = _run(store, measures=["feedback_count", "negative_share"], group_by="weekday")
    fb = store.feedback
    fb = fb[(fb["ts"] >= pd.Timestamp(SINCE)) & (fb["ts"] < pd.Timestamp(UNTIL) + pd.Timedelta(days=1))]
    weekend = fb[fb["ts"].dt.weekday >= 5]
    assert res.subtotals is not None
    assert res.subtotals["weekend"]["feedback_count"] == len(weekend)
    scored = weekend["label"].notna().sum()
    assert _close(res.subtotals["weekend"]["negative_share"], (weekend["label"] == "negative").sum() / scored)
    assert _run(store, measures=["revenue"], group_by="segment").subtotals is None
    assert _run(store, measures=["revenue"], grain="month").subtotals is None
    assert any(n.startswith("subtotals:") for n in res.notes)


def test_per_day_measures_divide_by_the_rows_days(store: Store) -> None:
    # A window that starts and ends inside months: the first and last month count only their days in it.
    since, until = date(1996, 1, 15), date(1996, 3, 10)
    res = _run(
        store, measures=["revenue", "revenue_per_day", "orders_per_day"], grain="month", since=since, until=until
    )
    o = store.orders
    for row in res.rows:
        lo = max(pd.Timestamp(row["period"] + "-01"), pd.Timestamp(since))
        hi = min(pd.Timestamp(row["period"] + "-01") + pd.offsets.MonthEnd(0), pd.Timestamp(until))
        days = (hi - lo).days + 1
        mine = o[(o["ts"] >= lo) & (o["ts"] < hi + pd.Timedelta(days=1))]
        assert _close(row["revenue_per_day"], mine["amount"].sum() / days), row
        assert _close(row["orders_per_day"], len(mine) / days), row
    assert [r["period"] for r in res.rows] == ["1996-01", "1996-02", "1996-03"]
    whole = (pd.Timestamp(until) - pd.Timestamp(since)).days + 1
    assert _close(res.total["revenue_per_day"], res.total["revenue"] / whole)


@pytest.mark.parametrize("first", ["revenue", "aov", "revenue_per_day"])
@pytest.mark.parametrize("filters", [{}, {"segment": 0}, {"min_amount": 20.0}])
def test_customer_ranking_carries_ranked_total_and_share(store: Store, first: str, filters: dict[str, Any]) -> None:
    since, until = date(1996, 1, 1), date(1996, 12, 31)
    measures = [first, "revenue", "orders", "buyers", "revenue_share", "aov"]
    measures = list(dict.fromkeys(measures))
    res = _run(store, measures=measures, since=since, until=until, group_by="customer", limit=2, **filters)
    o = store.orders
    if "segment" in filters:
        o = o[o["customer"].map(store.segments) == filters["segment"]]
    if "min_amount" in filters:
        o = o[o["amount"] >= filters["min_amount"]]
    o = o[(o["ts"] >= pd.Timestamp(since)) & (o["ts"] < pd.Timestamp(until) + pd.Timedelta(days=1))]
    listed = o[o["customer"].isin([r["customer"] for r in res.rows])]
    assert len(res.rows) == min(2, o["customer"].nunique())
    assert res.ranked_total is not None and res.ranked_share is not None
    assert _close(res.ranked_total["revenue"], listed["amount"].sum())
    assert res.ranked_total["orders"] == len(listed)
    assert res.ranked_total["buyers"] == listed["customer"].nunique()
    assert _close(res.ranked_total["revenue_share"], listed["amount"].sum() / o["amount"].sum())
    assert _close(res.ranked_share["revenue"], listed["amount"].sum() / o["amount"].sum())  # of ALL customers
    assert _close(res.ranked_share["orders"], len(listed) / len(o))
    assert "aov" not in res.ranked_total and "revenue_share" not in res.ranked_share
    if first == "revenue_per_day":
        assert _close(res.ranked_share["revenue_per_day"], listed["amount"].sum() / o["amount"].sum())
    assert _run(store, measures=["revenue"]).ranked_total is None


def test_zh_notes_follow_the_english_ones(store: Store) -> None:
    res = _run(store, measures=["revenue", "new_customer_share"], group_by="customer", min_amount=10.0, limit=3)
    assert res.notes_zh[0].startswith("销售额：期间内订单行金额之和")
    assert any(n.startswith("新客占比：") for n in res.notes_zh)
    assert any("前 3 位" in n for n in res.notes_zh)
    assert any(n.startswith("占全部的比例：") for n in res.notes_zh)
    assert any(n.startswith("所列客户占全部客户的比例：") for n in res.notes_zh)
    assert not any(n.isascii() for n in res.notes_zh)


def test_every_measure_dimension_and_result_field_has_a_zh_definition() -> None:
    from crm_insights.metrics import DIMENSIONS, catalogue
    from crm_insights.metrics.catalogue import RESULT_FIELDS

    for m in MEASURES.values():
        assert m.definition_zh and not m.definition_zh.isascii(), m.key
    for d in DIMENSIONS.values():
        assert d.definition_zh and not d.definition_zh.isascii(), d.key
    for k, v in RESULT_FIELDS.items():
        assert v["definition_zh"] and not v["definition_zh"].isascii(), k
    exported = catalogue()
    assert all(m["definition_zh"] for m in exported["measures"] + exported["dimensions"])


def test_per_day_measures_count_only_the_days_the_data_covers(store: Store) -> None:
    since, until, covered = date(1996, 1, 1), date(1996, 3, 31), (date(1996, 1, 10), date(1996, 2, 29))
    res = _run(store, measures=["revenue_per_day", "orders_per_day"], grain="month", since=since, until=until,
               day_range=covered)  # fmt: skip
    o = store.orders
    days = pd.Series(pd.date_range(pd.Timestamp(covered[0]), pd.Timestamp(covered[1]), freq="D"))
    by_month = {r["period"]: r for r in res.rows}
    for month in ("1996-01", "1996-02"):
        mine = o[o["ts"].dt.strftime("%Y-%m") == month]
        n = int((days.dt.strftime("%Y-%m") == month).sum())
        assert _close(by_month[month]["revenue_per_day"], mine["amount"].sum() / n)
        assert _close(by_month[month]["orders_per_day"], len(mine) / n)
    assert by_month["1996-03"]["revenue_per_day"] is None  # no day of March is covered: unknown, not 0
    window = o[(o["ts"] >= pd.Timestamp(since)) & (o["ts"] < pd.Timestamp(until) + pd.Timedelta(days=1))]
    assert _close(res.total["revenue_per_day"], window["amount"].sum() / len(days))
    assert any(f"count the {len(days)} days from 1996-01-10 to 1996-02-29" in n for n in res.notes)


@pytest.mark.parametrize("inactive_days", [None, 30, 90])
@pytest.mark.parametrize("group_by", [None, "segment"])
def test_days_since_last_mean(store: Store, inactive_days: int | None, group_by: str | None) -> None:
    """Mean days since each customer's last order, over every customer or the inactive ones, against pandas."""
    check(store, "days_since_last_mean", SINCE, UNTIL, inactive_days=inactive_days, group_by=group_by)
