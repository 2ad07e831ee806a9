"""Plain JSON values from numpy, pandas and datetime values."""

from __future__ import annotations

import json
from datetime import date, datetime

import numpy as np
import pandas as pd

from crm_insights.jsonable import jsonable


def test_scalars_containers_and_missing_values() -> None:
    value = {
        1: np.int64(3),
        "f": np.float32(0.123456),
        "ts": pd.Timestamp("2024-02-29"),
        "ts_time": pd.Timestamp("2024-02-29 13:05:09.5"),
        "day": date(2024, 1, 1),
        "nat": pd.NaT,
        "nan": float("nan"),
        "inf": np.float64("inf"),
        "dt64": np.datetime64("2024-03-01T00:00:00"),
        "items": (np.bool_(True), {np.int32(2)}),
    }
    out = jsonable(value, digits=4)
    assert out == {
        "1": 3,
        "f": 0.1235,
        "ts": "2024-02-29",
        "ts_time": "2024-02-29T13:05:09",
        "day": "2024-01-01",
        "nat": None,
        "nan": None,
        "inf": None,
        "dt64": "2024-03-01",
        "items": [True, [2]],
    }
    assert json.loads(json.dumps(out)) == out


def test_floats_keep_their_digits_unless_asked() -> None:
    assert jsonable(np.float64(1.23456789)) == 1.23456789
    assert jsonable(datetime(2024, 1, 1, 8, 30)) == "2024-01-01T08:30:00"
    assert jsonable(object.__new__(type("Thing", (), {"__str__": lambda self: "thing"}))) == "thing"


def test_small_floats_keep_their_significant_digits() -> None:
    from crm_insights.jsonable import jsonable

    assert jsonable({"a": 0.0081523, "b": 0.123456, "c": 1234.56789, "d": -0.00012345}, digits=4) == {
        "a": 0.008152,
        "b": 0.1235,
        "c": 1234.5679,
        "d": -0.0001234,
    }
