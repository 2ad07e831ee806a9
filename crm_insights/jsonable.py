"""Values as plain JSON types: the one conversion of numpy / pandas / datetime values for results and stores."""

from __future__ import annotations

import math
from datetime import date, datetime
from typing import Any


def jsonable(value: Any, digits: int | None = None) -> Any:
    """Plain JSON types, recursively through dicts (keys as text), lists, tuples and sets.

    numpy / pandas scalars become Python numbers, NaN / infinity / NaT None, datetimes ISO text (a
    midnight timestamp its date: in this data those are days), floats rounded to ``digits`` when given;
    anything else its ``str``.
    """
    if isinstance(value, dict):
        return {str(k): jsonable(v, digits) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [jsonable(v, digits) for v in value]
    if value is None or isinstance(value, bool | str | int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            return None
        if digits is None:
            return value
        if 0 < abs(value) < 0.01:
            return float(f"{value:.{digits}g}")  # a small share keeps its significant digits (0.008152, not 0.0082)
        return round(value, digits)
    if isinstance(value, datetime):
        if value != value:  # pandas NaT is a datetime that equals nothing
            return None
        return value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat(timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    item = getattr(value, "item", None)  # numpy / pandas scalars
    if callable(item):
        try:
            return jsonable(item(), digits)
        except (TypeError, ValueError):
            pass
    if hasattr(value, "to_pydatetime"):
        converted = value.to_pydatetime()
        return None if converted is value else jsonable(converted, digits)
    return str(value)
