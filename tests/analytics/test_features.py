"""Per-customer features: values, the single-purchase fill, sentiment share, and no leakage past the cutoff."""

from __future__ import annotations

from datetime import datetime

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine

from crm_insights.analytics.features import (
    BEHAVIOUR_FEATURES,
    compute_features,
    customer_features,
    inverse_log_scale,
    log_scale,
)
from crm_insights.config import get_settings
from crm_insights.errors import InputError
from crm_insights.store import Customer, Feedback, Order, init_store, session_scope

AS_OF = datetime(2024, 7, 1)


def _orders(rows: list[tuple[str, str, float]]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["customer_id", "ordered_at", "amount"])
    df["ordered_at"] = pd.to_datetime(df["ordered_at"], format="ISO8601")
    return df


def _store(orders: list[tuple[str, str, float]], feedback: list[tuple[str, str, str | None]] = ()) -> Engine:  # type: ignore[assignment]
    engine = init_store(get_settings())
    with session_scope(engine) as s:
        customers = {
            cid: Customer(external_id=cid) for cid in sorted({o[0] for o in orders} | {f[0] for f in feedback})
        }
        s.add_all(customers.values())
        s.flush()
        for i, (cid, when, amount) in enumerate(orders):
            s.add(
                Order(
                    external_id=f"o{i}",
                    customer_id=customers[cid].id,
                    ordered_at=pd.Timestamp(when).to_pydatetime(),
                    quantity=1,
                    amount=amount,
                )
            )
        for i, (cid, when, label) in enumerate(feedback):
            s.add(
                Feedback(
                    external_id=f"f{i}",
                    customer_id=customers[cid].id,
                    created_at=pd.Timestamp(when).to_pydatetime(),
                    text=f"review {i}",
                    sentiment_label=label,
                )
            )
    return engine


def test_feature_values_by_hand() -> None:
    orders = _orders(
        [
            ("A", "2024-01-01 10:00", 10.0),
            ("A", "2024-01-01 15:00", 5.0),  # same day: one purchase day, amounts add up
            ("A", "2024-03-01", 30.0),
            ("A", "2024-06-20", 15.0),
            ("B", "2024-06-01", 40.0),
        ]
    )
    frame, notes = compute_features(orders, AS_OF, trend_window_days=90)
    a = frame.loc["A"]
    assert a["frequency"] == 3
    assert a["monetary_total"] == pytest.approx(60.0)
    assert a["avg_order_value"] == pytest.approx(20.0)
    assert a["recency_days"] == 11  # 2024-06-20 -> 2024-07-01
    assert a["tenure_days"] == 182  # 2024-01-01 -> 2024-07-01 (leap year)
    assert a["interpurchase_days"] == pytest.approx((171) / 2)  # 2024-01-01 -> 2024-06-20 over 2 gaps
    # 1 purchase day in the last 90 days vs 3 * 90 / 182 expected at A's lifetime rate.
    assert a["trend"] == pytest.approx(1 / (3 * 90 / 182))
    assert notes["sentiment_feature"] is False
    assert list(frame.columns) == list(BEHAVIOUR_FEATURES)


def test_single_purchase_customer_gets_tenure_as_interpurchase_time() -> None:
    frame, notes = compute_features(_orders([("B", "2024-06-01", 40.0), ("A", "2024-01-05", 5.0)]), AS_OF)
    b = frame.loc["B"]
    assert b["frequency"] == 1
    assert b["interpurchase_days"] == b["tenure_days"] == 30
    assert b["trend"] == pytest.approx(1.0)  # younger than the trend window: steady by definition
    assert notes["single_purchase_customers"] == 2
    assert notes["interpurchase_fill"] == "tenure_days"
    assert not frame.isna().any().any()


def test_compute_features_drops_rows_at_or_after_the_cutoff() -> None:
    base = [("A", "2024-01-01", 10.0), ("A", "2024-02-01", 20.0)]
    before, _ = compute_features(_orders(base), AS_OF)
    after, _ = compute_features(_orders(base + [("A", "2024-07-01", 999.0), ("C", "2024-08-01", 5.0)]), AS_OF)
    pd.testing.assert_frame_equal(before, after)


def test_store_features_do_not_leak_past_as_of() -> None:
    orders = [("A", "2024-01-01", 10.0), ("A", "2024-05-01", 20.0), ("B", "2024-03-01", 7.0)]
    feedback = [("A", "2024-02-01", "negative"), ("B", "2024-03-05", "positive")]
    engine = _store(orders, feedback)
    before = customer_features(engine, as_of=AS_OF)
    # A purchase exactly at the cutoff and later ones, a new customer and a late complaint change nothing.
    with session_scope(engine) as s:
        late = Customer(external_id="LATE")
        s.add(late)
        s.flush()
        a_pk = int(before.customer_pk["A"])
        s.add(Order(external_id="x1", customer_id=a_pk, ordered_at=AS_OF, quantity=1, amount=500.0))
        s.add(Order(external_id="x2", customer_id=a_pk, ordered_at=datetime(2024, 9, 1), quantity=1, amount=800.0))
        s.add(Order(external_id="x3", customer_id=late.id, ordered_at=datetime(2024, 8, 1), quantity=1, amount=1.0))
        s.add(
            Feedback(
                external_id="fx",
                customer_id=int(before.customer_pk["B"]),
                created_at=datetime(2024, 8, 2),
                text="late",
                sentiment_label="negative",
            )
        )
    after = customer_features(engine, as_of=AS_OF)
    pd.testing.assert_frame_equal(before.frame, after.frame)
    assert "LATE" not in after.frame.index
    # Without a cutoff the new orders do count (the default is the day after the last order).
    latest = customer_features(engine)
    assert latest.as_of == datetime(2024, 9, 2)
    assert latest.frame.loc["A", "frequency"] == 4


def test_negative_share_when_labels_exist() -> None:
    orders = [("A", "2024-01-01", 10.0), ("B", "2024-01-02", 10.0), ("C", "2024-01-03", 10.0)]
    feedback = [
        ("A", "2024-02-01", "negative"),
        ("A", "2024-02-02", "positive"),
        ("B", "2024-02-03", "negative"),
        ("B", "2024-02-04", None),  # unlabelled rows do not count
        ("C", "2024-08-01", "positive"),  # after the cutoff
    ]
    feats = customer_features(_store(orders, feedback), as_of=AS_OF)
    share = feats.frame["negative_share"]
    assert share["A"] == pytest.approx(0.5)
    assert share["B"] == pytest.approx(1.0)
    # C has no labelled feedback before the cutoff: the population share (2 of 3 labelled rows).
    assert share["C"] == pytest.approx(2 / 3)
    assert feats.notes["customers_with_labelled_feedback"] == 2


def test_no_sentiment_column_without_labels() -> None:
    feats = customer_features(_store([("A", "2024-01-01", 1.0)], [("A", "2024-01-02", None)]), as_of=AS_OF)
    assert "negative_share" not in feats.frame.columns
    assert feats.features == list(BEHAVIOUR_FEATURES)


def test_cutoff_before_any_data_is_a_clear_input_error() -> None:
    engine = _store([("A", "2024-03-01", 10.0)])
    with pytest.raises(InputError, match=r"no orders before the cutoff 2020-01-01.*start on 2024-03-01"):
        customer_features(engine, as_of=datetime(2020, 1, 1))


def test_empty_store_is_a_clear_input_error() -> None:
    engine = init_store(get_settings())
    with pytest.raises(InputError, match="no orders"):
        customer_features(engine)


def test_log_scale_round_trip() -> None:
    frame, _ = compute_features(_orders([("A", "2024-01-01", 10.0), ("A", "2024-02-01", 20.0)]), AS_OF)
    back = inverse_log_scale(log_scale(frame), list(frame.columns))
    np.testing.assert_allclose(back, frame.to_numpy(), rtol=1e-9)
