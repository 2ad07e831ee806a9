"""A small store on SQLite and PostgreSQL with the calendar's awkward days, and its rows as pandas frames.

Rows sit on a leap day (1996-02-29), month ends (1996-01-31, 1996-04-30 23:59), both sides of a year
boundary (1996-12-31 23:30, 1997-01-01 00:00), a Sunday/Monday pair and an empty month (1996-06), so
grains and half-open ranges are exercised where they break. The same rows feed the pandas reference.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, insert

from crm_insights.store.db import make_engine, migrate
from crm_insights.store.models import Customer, Feedback, Order, SegmentAssignment

SEG_VERSION = "segments-metrics-test"

# (external id, segment, [(timestamp, quantity, amount)], [(timestamp, label)])
CUSTOMERS: list[tuple[str, int, list[tuple[str, int, float]], list[tuple[str, str | None]]]] = [
    (
        "A",
        0,
        [
            ("1996-01-31 10:00", 2, 40.0),
            ("1996-01-31 18:00", 1, 10.0),
            ("1996-02-29 00:00", 1, 25.5),
            ("1996-04-30 23:59", 3, 60.0),
            ("1996-12-31 23:30", 1, 120.0),
            ("1997-01-01 00:00", 2, 35.0),
        ],
        [("1996-02-01 09:00", "negative"), ("1996-03-03 00:00", "positive"), ("1997-01-02 00:00", "neutral")],
    ),
    (
        "B",
        1,
        [("1996-02-28 12:00", 1, 15.0), ("1996-03-01 00:00", 1, 12.0), ("1996-07-07 00:00", 2, 30.0)],
        [("1996-02-29 00:00", "negative"), ("1996-03-02 00:00", None)],
    ),
    ("C", 0, [("1996-03-31 23:59", 5, 220.0), ("1996-04-01 00:00", 1, 20.0)], [("1996-05-05 00:00", "negative")]),
    ("D", 2, [("1996-01-01 00:00", 1, 9.99)], []),
    (
        "E",
        1,
        [("1996-08-04 00:00", 1, 11.0), ("1996-08-05 00:00", 1, 14.0), ("1996-10-15 00:00", 4, 99.0)],
        [("1996-08-06 00:00", "positive"), ("1996-12-31 00:00", "negative")],
    ),
    ("F", 2, [("1996-12-31 00:00", 1, 50.0), ("1997-02-28 00:00", 2, 80.0), ("1997-03-01 00:00", 1, 5.0)], []),
    ("G", 1, [("1997-01-01 00:00", 1, 12.5)], [("1997-01-01 12:00", "negative")]),
]
# Zero-amount lines (CDNOW has them): min_amount/max_amount 0 must filter, not read as "no filter".
ZERO_AMOUNT = [("Y", 2, [("1996-05-05 10:00", 1, 0.0), ("1996-05-06 00:00", 2, 0.0), ("1996-05-06 12:00", 1, 7.0)], [])]
ONE_CUSTOMER = [
    ("Z", 0, [("2000-02-29 00:00", 2, 19.0), ("2000-03-01 00:00", 1, 1.0)], [("2000-02-29 10:00", "positive")])
]


@dataclass
class Store:
    engine: Engine
    orders: pd.DataFrame  # customer, ts, quantity, amount
    feedback: pd.DataFrame  # customer, ts, label
    segments: dict[str, int]
    pk: dict[str, int]


def fill(engine: Engine, customers: list[Any]) -> Store:
    migrate(engine)
    pks: dict[str, int] = {}
    orows, frows = [], []
    with engine.begin() as conn:
        for ext, seg, orders, feedback in customers:
            pk = conn.execute(insert(Customer).values(external_id=ext).returning(Customer.id)).scalar_one()
            pks[ext] = pk
            conn.execute(insert(SegmentAssignment).values(model_version=SEG_VERSION, customer_id=pk, segment=seg))
            for i, (ts, qty, amount) in enumerate(orders):
                when = datetime.fromisoformat(ts)
                conn.execute(
                    insert(Order).values(
                        external_id=f"o-{ext}-{i}", customer_id=pk, ordered_at=when, quantity=qty, amount=amount
                    )
                )
                orows.append({"customer": ext, "ts": when, "quantity": qty, "amount": amount})
            for i, (ts, label) in enumerate(feedback):
                when = datetime.fromisoformat(ts)
                conn.execute(
                    insert(Feedback).values(
                        external_id=f"f-{ext}-{i}", customer_id=pk, created_at=when, text="...", sentiment_label=label
                    )
                )
                frows.append({"customer": ext, "ts": when, "label": label})
    return Store(
        engine=engine,
        orders=pd.DataFrame(orows, columns=["customer", "ts", "quantity", "amount"]),
        feedback=pd.DataFrame(frows, columns=["customer", "ts", "label"]),
        segments={ext: seg for ext, seg, _, _ in customers},
        pk=pks,
    )


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    # The root conftest's store_url runs each test on SQLite and PostgreSQL; mark the PostgreSQL runs.
    here = os.path.dirname(__file__)
    for item in items:
        callspec = getattr(item, "callspec", None)
        if str(item.path).startswith(here) and callspec is not None and callspec.params.get("store_url") == "postgres":
            item.add_marker(pytest.mark.postgres)


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    engine = make_engine(store_url)
    yield fill(engine, CUSTOMERS)
    engine.dispose()


@pytest.fixture
def zero_store(store_url: str) -> Iterator[Store]:
    engine = make_engine(store_url)
    yield fill(engine, CUSTOMERS + ZERO_AMOUNT)
    engine.dispose()


@pytest.fixture
def one_customer_store(store_url: str) -> Iterator[Store]:
    engine = make_engine(store_url)
    yield fill(engine, ONE_CUSTOMER)
    engine.dispose()
