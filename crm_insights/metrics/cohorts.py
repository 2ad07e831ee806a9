"""Cohort retention: customers by the month of their first-ever order, and who orders in each later month."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Connection, and_, func, select

from crm_insights.metrics.dialect import period_label
from crm_insights.store.models import Order, SegmentAssignment

_O = Order.__table__
_SA = SegmentAssignment.__table__


def _month_index(label: str) -> int:
    year, month = label.split("-")[:2]
    return int(year) * 12 + int(month) - 1


def _start(day: date) -> datetime:
    return datetime(day.year, day.month, day.day)


def _cohorts(since: date, until: date, segment: int | None, segment_version: str | None) -> Any:
    """(cid, cohort 'YYYY-MM') of the customers whose first-ever order lies in ``since..until``."""
    frm: Any = _O
    if segment is not None:
        frm = frm.join(_SA, and_(_SA.c.customer_id == _O.c.customer_id, _SA.c.model_version == segment_version))
    first_at = func.min(_O.c.ordered_at)
    return (
        select(_O.c.customer_id.label("cid"), period_label("month", first_at).label("cohort"))
        .select_from(frm)
        .where(*([_SA.c.segment == segment] if segment is not None else []))
        .group_by(_O.c.customer_id)
        .having(and_(first_at >= _start(since), first_at < _start(until) + timedelta(days=1)))
        .subquery("cohorts")
    )


def cohort_window(
    conn: Connection,
    since: date,
    until: date,
    window_since: date,
    window_until: date,
    segment: int | None = None,
    segment_version: str | None = None,
) -> dict[str, int]:
    """``{"1997-01": n}``: how many customers of each cohort (first order between ``since`` and ``until``) ordered
    at least once between ``window_since`` and ``window_until`` (inclusive): "of the customers acquired in January
    1997, how many were still buying in 1998?"."""
    first = _cohorts(since, until, segment, segment_version)
    buyers = (
        select(_O.c.customer_id.label("cid"))
        .where(_O.c.ordered_at >= _start(window_since), _O.c.ordered_at < _start(window_until) + timedelta(days=1))
        .distinct()
        .subquery("window_buyers")
    )
    rows = conn.execute(
        select(first.c.cohort, func.count())
        .select_from(first.join(buyers, buyers.c.cid == first.c.cid))
        .group_by(first.c.cohort)
    ).all()
    return {str(c): int(n) for c, n in rows}


def cohort_matrix(
    conn: Connection,
    since: date,
    until: date,
    periods: int,
    segment: int | None = None,
    segment_version: str | None = None,
    data_end: date | None = None,
) -> list[dict[str, Any]]:
    """``[{"cohort": "1997-01", "size": n, "active": [n_m0, ..., n_mP]}]`` for cohorts with a first order
    between ``since`` and ``until`` (inclusive); ``active[m]`` is None for months after ``data_end``."""
    first = _cohorts(since, until, segment, segment_version)
    month = period_label("month", _O.c.ordered_at)
    activity = select(_O.c.customer_id.label("cid"), month.label("month")).distinct().subquery("activity")
    sizes: dict[str, int] = dict(conn.execute(select(first.c.cohort, func.count()).group_by(first.c.cohort)).all())
    active = conn.execute(
        select(first.c.cohort, activity.c.month, func.count())
        .select_from(first.join(activity, activity.c.cid == first.c.cid))
        .group_by(first.c.cohort, activity.c.month)
    ).all()
    last = None if data_end is None else data_end.year * 12 + data_end.month - 1
    counts: dict[str, list[int | None]] = {}
    for cohort in sorted(sizes):
        base = _month_index(cohort)
        counts[cohort] = [None if last is not None and base + m > last else 0 for m in range(periods + 1)]
    for cohort, month_label, n in active:
        offset = _month_index(month_label) - _month_index(cohort)
        row = counts.get(cohort)
        if row is not None and 0 <= offset <= periods and row[offset] is not None:
            row[offset] = int(n)
    return [{"cohort": c, "size": int(sizes[c]), "active": counts[c]} for c in sorted(sizes)]
