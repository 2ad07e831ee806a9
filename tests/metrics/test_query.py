"""Each measure against the pandas reference over the same rows, on SQLite and PostgreSQL."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

import pytest

from crm_insights.errors import InputError
from crm_insights.metrics import MEASURES, MetricRequest, period_labels, run

from .conftest import SEG_VERSION, Store
from .pandas_reference import reference

SINCE, UNTIL = date(1996, 1, 1), date(1997, 3, 31)

# Every measure with the groupings it supports (None = a single total).
GROUPINGS: dict[str, list[tuple[str | None, str | None]]] = {}
for _m, _meta in MEASURES.items():
    fam = _meta.family
    opts: list[tuple[str | None, str | None]] = [(None, None), (None, "segment")]
    if fam != "inactive":
        opts += [("month", None), ("quarter", None), ("year", None), ("week", None), ("month", "segment")]
    if fam in ("orders", "feedback"):
        opts += [(None, "weekday"), ("day", None)]
    if fam == "orders":
        opts += [(None, "customer_type"), ("month", "customer_type"), (None, "cohort")]
    if fam in ("repeat", "gaps", "inactive"):
        opts += [(None, "cohort")]
    if fam == "feedback":
        opts += [(None, "sentiment")]
    GROUPINGS[_m] = opts
CASES = [(m, g, b) for m, opts in GROUPINGS.items() for g, b in opts]


def _close(a: Any, b: Any) -> bool:
    if a is None or b is None or (isinstance(b, float) and math.isnan(b)):
        return (a is None) == (b is None or (isinstance(b, float) and math.isnan(b)))
    return math.isclose(float(a), float(b), rel_tol=1e-9, abs_tol=1e-9)


def _empty_value(measure: str) -> Any:
    if measure == "revenue_share":
        return 0.0  # nothing of a non-zero total
    unit = MEASURES[measure].unit
    return 0 if unit == "count" or (unit == "currency" and measure not in ("aov", "revenue_per_buyer")) else None


def check(store: Store, measure: str, since: date, until: date, **kw: Any) -> None:
    req = MetricRequest(
        measures=[measure],
        since=since,
        until=until,
        segment_version=SEG_VERSION,
        inactive_days=kw.pop("inactive_days", 60 if measure == "inactive_customers" else None),
        **kw,
    )
    with store.engine.connect() as conn:
        res = run(conn, req)
    ref_kw = {k: v for k, v in kw.items() if k != "customer_pks"}
    expected_rows, expected_total = reference(store, measure, since, until, inactive_days=req.inactive_days, **ref_kw)
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
    ],
)
def test_filters(store: Store, measure: str, filters: dict[str, Any]) -> None:
    check(store, measure, SINCE, UNTIL, **filters)
    check(store, measure, SINCE, UNTIL, grain="quarter", **filters) if measure != "inactive_customers" else None


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
