"""Date expressions that render the same text on SQLite and PostgreSQL.

SQLite keeps DATETIME as ISO text ('1997-02-16 00:00:00.000000'), PostgreSQL as ``timestamp``; both
get the same labels ('1997-02-16', week of '1997-02-10', '1997-02', '1997-Q1', '1997'), so results
compare equal across backends and the Python side can build the full list of periods to fill gaps.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, DateTime, Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlalchemy.sql.visitors import InternalTraversal


class period_label(FunctionElement[str]):
    """``period_label(grain, ts)``: the text label of the day/week/month/quarter/year holding ``ts``."""

    type = String()
    inherit_cache = True
    # The grain is part of the SQL text, so it must be part of the statement cache key too.
    _traverse_internals = [*FunctionElement._traverse_internals, ("grain", InternalTraversal.dp_string)]

    def __init__(self, grain: str, expr: Any):
        self.grain = grain
        super().__init__(expr)


_SQLITE = {
    "day": "date({x})",
    # 'weekday 0' moves to the next Sunday (or stays on one); six days back is that week's Monday.
    "week": "date({x}, 'weekday 0', '-6 days')",
    "month": "strftime('%Y-%m', {x})",
    "quarter": "(strftime('%Y', {x}) || '-Q' || ((CAST(strftime('%m', {x}) AS INTEGER) + 2) / 3))",
    "year": "strftime('%Y', {x})",
}
# The cast keeps a ``date`` argument off the timestamptz overloads (and so off the session TimeZone).
_PG = {
    "day": "to_char(CAST({x} AS TIMESTAMP), 'YYYY-MM-DD')",
    "week": "to_char(date_trunc('week', CAST({x} AS TIMESTAMP)), 'YYYY-MM-DD')",
    "month": "to_char(CAST({x} AS TIMESTAMP), 'YYYY-MM')",
    "quarter": "to_char(CAST({x} AS TIMESTAMP), 'YYYY-\"Q\"Q')",
    "year": "to_char(CAST({x} AS TIMESTAMP), 'YYYY')",
}


@compiles(period_label, "sqlite")
def _label_sqlite(el: period_label, compiler: Any, **kw: Any) -> str:
    return _SQLITE[el.grain].format(x=compiler.process(el.clauses, **kw))


@compiles(period_label, "postgresql")
def _label_pg(el: period_label, compiler: Any, **kw: Any) -> str:
    return _PG[el.grain].format(x=compiler.process(el.clauses, **kw))


class iso_weekday(FunctionElement[int]):
    """1 = Monday ... 7 = Sunday."""

    type = Integer()
    inherit_cache = True


@compiles(iso_weekday, "sqlite")
def _dow_sqlite(el: iso_weekday, compiler: Any, **kw: Any) -> str:
    x = compiler.process(el.clauses, **kw)
    return f"((CAST(strftime('%w', {x}) AS INTEGER) + 6) % 7 + 1)"


@compiles(iso_weekday, "postgresql")
def _dow_pg(el: iso_weekday, compiler: Any, **kw: Any) -> str:
    return f"CAST(EXTRACT(ISODOW FROM {compiler.process(el.clauses, **kw)}) AS INTEGER)"


class day_of(FunctionElement[date]):
    """The calendar day of a timestamp, as a value that orders and subtracts as a day."""

    type = Date()
    inherit_cache = True


@compiles(day_of, "sqlite")
def _day_sqlite(el: day_of, compiler: Any, **kw: Any) -> str:
    return f"date({compiler.process(el.clauses, **kw)})"


@compiles(day_of, "postgresql")
def _day_pg(el: day_of, compiler: Any, **kw: Any) -> str:
    return f"CAST({compiler.process(el.clauses, **kw)} AS DATE)"


class days_between(FunctionElement[int]):
    """``days_between(later, earlier)``: whole days between two ``day_of`` values."""

    type = Integer()
    inherit_cache = True


@compiles(days_between, "sqlite")
def _diff_sqlite(el: days_between, compiler: Any, **kw: Any) -> str:
    a, b = (compiler.process(c, **kw) for c in el.clauses)
    return f"CAST(julianday({a}) - julianday({b}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _diff_pg(el: days_between, compiler: Any, **kw: Any) -> str:
    a, b = (compiler.process(c, **kw) for c in el.clauses)
    return f"({a} - {b})"


class unindexed(FunctionElement[Any]):
    """A timestamp column SQLite must not use an index for (``+col``): for a range covering most rows a
    full scan is 2-3x faster than an index range scan plus a table lookup per row (measured on the demo
    store). Other databases plan this themselves and get the bare column."""

    type = DateTime()
    inherit_cache = True


@compiles(unindexed)
def _unindexed_default(el: unindexed, compiler: Any, **kw: Any) -> str:
    return str(compiler.process(el.clauses, **kw))


@compiles(unindexed, "sqlite")
def _unindexed_sqlite(el: unindexed, compiler: Any, **kw: Any) -> str:
    return f"+{compiler.process(el.clauses, **kw)}"
