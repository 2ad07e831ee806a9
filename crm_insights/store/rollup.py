"""The daily x segment order rollup: rebuild it, and tell whether it still matches the order lines.

The metrics layer answers sums of order lines (revenue, orders, units and their ratios) by day ... year
and segment from ``order_rollup`` instead of scanning every line (issue 11: 10M lines in 7 s -> ms).
It may do so only while the rollup is exactly what a rebuild would give now, so each rebuild writes
a marker (``order_rollup_state``: on PostgreSQL the write counter a statement trigger on ``orders``
bumps, on SQLite the orders' max id and count; the segment version and its assignment count) and
:func:`rollup_fresh` compares it with the live tables. Imports of orders and
segment training rebuild it inside their own transaction, so a committed rollup is never half
written; a write that bypasses them (a direct INSERT, a deleted customer) makes it stale, and the
metrics layer then reads the order lines.

It lives in the store (not in the metrics package) because the importer, below the metrics layer,
must call it.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Connection, Date, Engine, cast, delete, func, insert, inspect, literal, select
from sqlalchemy.sql.elements import ColumnElement

from crm_insights.store.models import Order, OrderRollup, OrderRollupState, OrdersVersion, SegmentAssignment

log = logging.getLogger(__name__)

# The key of a customer without an assignment under the rollup's segment version (NULL cannot be in a PK).
UNSEGMENTED = -1
_STATE_ID = 1


@dataclass(frozen=True)
class RollupState:
    segment_version: str | None
    max_order_id: int | None
    order_count: int
    assignment_count: int
    refreshed_at: datetime
    orders_version: int | None = None


def _day(conn: Connection, ts: Any) -> ColumnElement[Any]:
    """The calendar day of ``ts``, as the metrics layer's ``day_of`` renders it (text on SQLite)."""
    if conn.dialect.name == "sqlite":
        return func.date(ts)
    return cast(ts, Date)


def _order_marker(conn: Connection) -> tuple[int | None, int]:
    max_id, count = conn.execute(select(func.max(Order.id), func.count(Order.id))).one()
    return (int(max_id) if max_id is not None else None), int(count)


def _orders_version(conn: Connection) -> int | None:
    """The PostgreSQL trigger's write counter (exact and one row to read: counting 10M lines takes ~1 s);
    None on SQLite, which has only row-level triggers (a cost on every imported line), so the max id
    and count stand in there."""
    if conn.dialect.name != "postgresql":
        return None
    return conn.execute(select(OrdersVersion.n).where(OrdersVersion.id == 1)).scalar_one_or_none()


def _assignment_count(conn: Connection, version: str | None) -> int:
    if version is None:
        return 0
    return int(
        conn.execute(
            select(func.count()).select_from(SegmentAssignment).where(SegmentAssignment.model_version == version)
        ).scalar_one()
    )


# Stores (engine URLs) known to have the rollup tables; only positives are kept, so a store migrated
# while a process runs is noticed on its next query.
_HAS_TABLES: set[str] = set()


def has_rollup(conn: Connection) -> bool:
    """Whether the store is migrated to the rollup (revision 0003); a store opened without migrating
    (a read-only demo copy) must still answer from its order lines."""
    key = conn.engine.url.render_as_string(hide_password=False)
    if key in _HAS_TABLES:
        return True
    if inspect(conn).has_table(OrdersVersion.__tablename__):  # revision 0004, the marker's last part
        _HAS_TABLES.add(key)
        return True
    return False


def rollup_state(conn: Connection) -> RollupState | None:
    if not has_rollup(conn):
        return None
    st = OrderRollupState.__table__
    row = conn.execute(select(st).where(st.c.id == _STATE_ID)).mappings().first()
    if row is None:
        return None
    return RollupState(
        segment_version=row["segment_version"],
        max_order_id=row["max_order_id"],
        order_count=int(row["order_count"]),
        assignment_count=int(row["assignment_count"]),
        refreshed_at=row["refreshed_at"],
        orders_version=row["orders_version"],
    )


def _latest_version(conn: Connection) -> str | None:
    # Versions are named segments-<UTC timestamp>-<hex>, so the greatest name is the newest training;
    # only a first build needs this guess, and a wrong guess only means segment questions skip the rollup.
    return conn.execute(select(func.max(SegmentAssignment.model_version))).scalar_one_or_none()


def _rebuild(conn: Connection, segment_version: str | None) -> RollupState:
    if conn.dialect.name == "postgresql":
        # Two concurrent rebuilds would collide on the primary key; readers are not blocked (MVCC).
        conn.exec_driver_sql("LOCK TABLE order_rollup_state IN SHARE ROW EXCLUSIVE MODE")
    if segment_version is None:
        state = rollup_state(conn)
        segment_version = state.segment_version if state is not None else _latest_version(conn)
    # The marker is read before the rows: a line committed in between makes the marker older than the
    # rows, which reads as stale (safe), never the other way round.
    version_n = _orders_version(conn)
    max_id, count = _order_marker(conn)
    assignments = _assignment_count(conn, segment_version)
    now = datetime.now(UTC).replace(tzinfo=None)
    conn.execute(delete(OrderRollup))
    conn.execute(delete(OrderRollupState))
    o, sa = Order.__table__, SegmentAssignment.__table__
    day = _day(conn, o.c.ordered_at)
    seg = func.coalesce(sa.c.segment, literal(UNSEGMENTED)) if segment_version is not None else literal(UNSEGMENTED)
    frm: Any = o
    if segment_version is not None:
        frm = o.outerjoin(sa, (sa.c.customer_id == o.c.customer_id) & (sa.c.model_version == segment_version))
    rows = (
        select(
            day.label("day"),
            seg.label("segment"),
            func.sum(o.c.amount).label("revenue"),
            func.count(o.c.id).label("orders"),
            func.sum(o.c.quantity).label("units"),
        )
        .select_from(frm)
        .group_by(day, seg)
    )
    conn.execute(insert(OrderRollup).from_select(["day", "segment", "revenue", "orders", "units"], rows))
    conn.execute(
        insert(OrderRollupState).values(
            id=_STATE_ID,
            segment_version=segment_version,
            max_order_id=max_id,
            order_count=count,
            assignment_count=assignments,
            refreshed_at=now,
            orders_version=version_n,
        )
    )
    return RollupState(segment_version, max_id, count, assignments, now, version_n)


def refresh_rollup(bind: Engine | Connection, segment_version: str | None = None) -> RollupState | None:
    """Rebuild the whole rollup from the order lines, in ``bind``'s transaction (a Connection) or a new one.

    ``segment_version``: whose assignments give the segment (None: keep the version of the last
    build, or on a first build the newest version stored). Returns the marker written, or None for a
    store not migrated to the rollup (nothing to refresh; its metrics read the order lines).
    """
    if isinstance(bind, Engine):
        with bind.begin() as conn:
            return refresh_rollup(conn, segment_version)
    if not has_rollup(bind):
        log.warning(
            "store not migrated to the order rollup (revision 0003); open it with init_store (any import migrates it)"
        )
        return None
    return _rebuild(bind, segment_version)


def rollup_fresh(conn: Connection, segment_version: str | None = None) -> bool:
    """True when the rollup equals a rebuild now; ``segment_version`` set: also built for that version."""
    state = rollup_state(conn)
    if state is None:
        return False
    if conn.dialect.name == "postgresql":
        if state.orders_version is None or _orders_version(conn) != state.orders_version:
            return False
    elif _order_marker(conn) != (state.max_order_id, state.order_count):
        return False
    if segment_version is None:
        return True
    return state.segment_version == segment_version and _assignment_count(conn, segment_version) == (
        state.assignment_count
    )
