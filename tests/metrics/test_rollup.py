"""The daily x segment rollup answers exactly what the order lines answer, and only while fresh."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import insert, text

from crm_insights.config import get_settings
from crm_insights.metrics import MetricRequest, refresh_rollup, rollup_applies, rollup_fresh, run
from crm_insights.metrics import query as query_mod
from crm_insights.store.importers import import_frame
from crm_insights.store.models import Order

from .conftest import SEG_VERSION, Store
from .test_query import check

SINCE, UNTIL = date(1996, 1, 1), date(1997, 3, 31)
MEASURES = [
    "revenue",
    "orders",
    "units",
    "aov",
    "units_per_order",
    "revenue_per_unit",
    "revenue_share",
    "orders_share",
    "units_share",
    "revenue_per_day",
    "orders_per_day",
]
GROUPINGS: list[tuple[str | None, str | None]] = [
    (None, None),
    ("day", None),
    ("week", None),
    ("month", None),
    ("quarter", None),
    ("year", None),
    (None, "segment"),
    ("month", "segment"),
]


def _run(store: Store, via_rollup: bool, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> tuple[bool, Any]:
    """(whether the rollup answered, the result); ``via_rollup=False`` forces the order-line path."""
    kw.setdefault("since", SINCE)
    kw.setdefault("until", UNTIL)
    kw.setdefault("segment_version", SEG_VERSION)
    req = MetricRequest(**kw)
    with monkeypatch.context() as m:
        if not via_rollup:
            m.setattr(query_mod, "rollup_applies", lambda conn, req: False)
        with store.engine.connect() as conn:
            res = run(conn, req)
    return req.rollup, res


def _same(a: Any, b: Any) -> bool:
    if a is None or b is None:
        return a is b
    if isinstance(a, str) or isinstance(b, str):
        return a == b
    # Sums of floats in another order (per day, then per month) may differ in the last bits.
    return math.isclose(float(a), float(b), rel_tol=1e-12, abs_tol=1e-9)


def assert_paths_agree(store: Store, monkeypatch: pytest.MonkeyPatch, **kw: Any) -> None:
    used, fast = _run(store, True, monkeypatch, **kw)
    assert used, f"the rollup did not answer {kw}"
    used_lines, slow = _run(store, False, monkeypatch, **kw)
    assert not used_lines
    assert fast.keys == slow.keys
    assert len(fast.rows) == len(slow.rows), (kw, fast.rows, slow.rows)
    for r_fast, r_slow in zip(fast.rows, slow.rows, strict=True):
        assert set(r_fast) == set(r_slow)
        assert all(_same(r_fast[k], r_slow[k]) for k in r_fast), (kw, r_fast, r_slow)
    assert all(_same(fast.total[m], slow.total[m]) for m in kw["measures"]), (kw, fast.total, slow.total)
    assert fast.rows_considered == slow.rows_considered


@pytest.mark.parametrize(("grain", "group_by"), GROUPINGS)
@pytest.mark.parametrize("measure", MEASURES)
def test_rollup_matches_order_lines_and_pandas(
    store: Store, monkeypatch: pytest.MonkeyPatch, measure: str, grain: str | None, group_by: str | None
) -> None:
    refresh_rollup(store.engine, SEG_VERSION)
    assert_paths_agree(store, monkeypatch, measures=[measure], grain=grain, group_by=group_by)
    # And the rollup's answer against the independent pandas computation (check() runs the fast path).
    check(store, measure, SINCE, UNTIL, grain=grain, group_by=group_by)


@pytest.mark.parametrize(
    "kw",
    [
        {"measures": ["revenue", "orders", "units", "aov"], "grain": "month", "segment": 1},
        {"measures": ["revenue"], "grain": "day", "since": date(1996, 2, 29), "until": date(1996, 3, 1)},
        {
            "measures": ["units_per_order"],
            "group_by": "segment",
            "since": date(1996, 12, 31),
            "until": date(1997, 1, 1),
        },
        {
            "measures": ["revenue", "revenue_share"],
            "group_by": "segment",
            "since": date(1996, 6, 1),
            "until": date(1996, 6, 30),
        },
    ],
)
def test_rollup_filters_and_empty_periods(store: Store, monkeypatch: pytest.MonkeyPatch, kw: dict[str, Any]) -> None:
    refresh_rollup(store.engine, SEG_VERSION)
    assert_paths_agree(store, monkeypatch, **kw)


@pytest.mark.parametrize(
    "kw",
    [
        {"measures": ["revenue", "buyers"], "grain": "month"},  # buyers are not a sum of lines
        {"measures": ["revenue"], "group_by": "weekday"},
        {"measures": ["revenue"], "min_amount": 20.0},
        {"measures": ["orders"], "customer_pks": [1]},
        {"measures": ["revenue"], "group_by": "customer_type"},
    ],
)
def test_rollup_never_answers_what_it_cannot_know(
    store: Store, monkeypatch: pytest.MonkeyPatch, kw: dict[str, Any]
) -> None:
    refresh_rollup(store.engine, SEG_VERSION)
    used, _ = _run(store, True, monkeypatch, **kw)
    assert not used


def test_stale_rollup_falls_back_to_order_lines(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    refresh_rollup(store.engine, SEG_VERSION)
    _, before = _run(store, True, monkeypatch, measures=["revenue"], grain="month")
    with store.engine.begin() as conn:  # a write that bypasses the importer
        conn.execute(
            insert(Order).values(
                external_id="direct-1",
                customer_id=store.pk["D"],
                ordered_at=datetime(1996, 6, 15),
                quantity=1,
                amount=7.0,
            )
        )
    with store.engine.connect() as conn:
        assert not rollup_fresh(conn)
    used, after = _run(store, True, monkeypatch, measures=["revenue"], grain="month")
    assert not used
    june = {r["period"]: r["revenue"] for r in after.rows}["1996-06"]
    assert june == 7.0 and {r["period"]: r["revenue"] for r in before.rows}["1996-06"] == 0.0


def test_never_built_rollup_does_not_answer(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    used, res = _run(store, True, monkeypatch, measures=["revenue"], grain="year")
    assert not used
    assert res.total["revenue"] == pytest.approx(float(store.orders["amount"].sum()))


def test_import_refreshes_rollup(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    refresh_rollup(store.engine, SEG_VERSION)
    second = pd.DataFrame(
        {
            "order_id": ["imp-1", "imp-2", "imp-3"],
            "customer_id": ["A", "C", "G"],
            "ordered_at": ["1996-06-10 08:00", "1997-03-31 23:59", "1996-02-29 12:00"],
            "quantity": [2, 1, 3],
            "amount": [18.5, 42.0, 9.25],
        }
    )
    import_frame(store.engine, "orders", second)
    with store.engine.connect() as conn:
        assert rollup_fresh(conn, SEG_VERSION)  # kept the segment version it was built for
    for grain, group_by in GROUPINGS:
        assert_paths_agree(
            store, monkeypatch, measures=["revenue", "orders", "units", "aov"], grain=grain, group_by=group_by
        )
    # An update in place (same order id, another day and amount) is rebuilt too.
    import_frame(store.engine, "orders", second.assign(ordered_at="1996-09-09 09:00", amount=[1.0, 2.0, 3.0]))
    _, res = _run(store, True, monkeypatch, measures=["revenue"], grain="month")
    assert {r["period"]: r["revenue"] for r in res.rows}["1996-09"] == 6.0
    assert_paths_agree(store, monkeypatch, measures=["revenue", "units"], grain="month", group_by="segment")


def test_training_segments_rebuilds_rollup(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from crm_insights.analytics.segmentation import train_segments

    refresh_rollup(store.engine, SEG_VERSION)
    info = train_segments(store.engine, get_settings(), k=2, progress=False)
    new = info.version
    with store.engine.connect() as conn:
        assert rollup_fresh(conn, new)
        assert not rollup_fresh(conn, SEG_VERSION)
        # Questions under the old segmentation read the order lines; the rest still use the rollup.
        assert not rollup_applies(
            conn, MetricRequest(["revenue"], SINCE, UNTIL, group_by="segment", segment_version=SEG_VERSION)
        )
    for grain, group_by in GROUPINGS:
        assert_paths_agree(
            store,
            monkeypatch,
            measures=["revenue", "orders", "aov"],
            grain=grain,
            group_by=group_by,
            segment_version=new,
        )
    assert_paths_agree(store, monkeypatch, measures=["revenue"], grain="quarter", segment=1, segment_version=new)


def test_store_without_the_rollup_tables_reads_order_lines(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    from crm_insights.store import rollup as rollup_mod

    # A store opened without migrating to revisions 0003-0004 (e.g. a read-only copy of an older demo store).
    with store.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("DROP TRIGGER orders_version_bump ON orders"))
        for table in ("orders_version", "order_rollup_state", "order_rollup"):
            conn.execute(text(f"DROP TABLE {table}"))
    monkeypatch.setattr(rollup_mod, "_HAS_TABLES", set())
    assert refresh_rollup(store.engine, SEG_VERSION) is None
    used, res = _run(store, True, monkeypatch, measures=["revenue"], grain="year")
    assert not used
    assert res.total["revenue"] == pytest.approx(float(store.orders["amount"].sum()))


def test_postgresql_notices_an_update_in_place(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    if store.engine.dialect.name != "postgresql":
        pytest.skip("SQLite's marker is the max id and count: an UPDATE that bypasses the importer is not seen there")
    refresh_rollup(store.engine, SEG_VERSION)
    with store.engine.begin() as conn:
        conn.execute(text("UPDATE orders SET amount = amount + 1 WHERE external_id = 'o-A-0'"))
    used, res = _run(store, True, monkeypatch, measures=["revenue"], grain="year")
    assert not used
    assert res.total["revenue"] == pytest.approx(float(store.orders["amount"].sum()) + 1.0)
    refresh_rollup(store.engine)  # keeps the segment version of the last build
    assert_paths_agree(store, monkeypatch, measures=["revenue"], grain="year", group_by="segment")
