"""status_report: counts, date ranges, database URL without password, models and indexes."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
from sqlalchemy import Engine

from crm_insights.analytics.artifacts import registry
from crm_insights.config import load_settings
from crm_insights.store import import_batch, make_engine
from crm_insights.store.stats import safe_url, status_report, store_stats


def test_empty_unmigrated_store(tmp_path: Path) -> None:
    settings = load_settings(home=tmp_path / "h")
    report = status_report(settings)  # migrates first
    assert report["counts"] == {"customers": 0, "orders": 0, "feedback": 0, "feedback_scored": 0}
    assert report["date_ranges"]["orders"] == {"first": None, "last": None}
    assert report["models"] == {} and report["indexes"] == {}
    assert report["database"].endswith("crm.sqlite3")


def test_counts_and_ranges(engine: Engine) -> None:
    import_batch(
        engine,
        customers=pd.DataFrame({"customer_id": ["a", "b"], "signup_at": ["2023-05-01", "2023-06-01"]}),
        orders=pd.DataFrame(
            {
                "customer_id": ["a", "b", "b"],
                "ordered_at": ["2024-01-01", "2024-03-01 10:00", "2024-02-01"],
                "amount": [1, 2, 3],
            }
        ),
        feedback=pd.DataFrame({"customer_id": ["a"], "created_at": ["2024-01-05"], "text": ["不错"]}),
        progress=False,
    )
    with engine.begin() as conn:
        conn.exec_driver_sql("UPDATE feedback SET sentiment_label = 'positive'")
    stats = store_stats(engine)
    assert stats["counts"] == {"customers": 2, "orders": 3, "feedback": 1, "feedback_scored": 1}
    assert stats["date_ranges"]["orders"] == {"first": "2024-01-01 00:00:00", "last": "2024-03-01 10:00:00"}
    assert stats["date_ranges"]["customer_signups"]["first"] == "2023-05-01 00:00:00"


def test_models_indexes_and_url(tmp_path: Path) -> None:
    settings = load_settings(home=tmp_path / "h")
    registry(settings).save("segments", lambda d: (d / "m.bin").write_bytes(b"x"), {"k": 4}, {"silhouette": 0.41})
    idx = settings.indexes_dir / "feedback"
    idx.mkdir(parents=True)
    (idx / "manifest.json").write_text(json.dumps({"model_id": "e5-small", "count": 12, "dim": 384}))
    engine = make_engine(settings.database_url)
    report = status_report(settings, engine)
    assert report["models"]["segments"]["metrics"] == {"silhouette": 0.41}
    assert report["models"]["segments"]["version"].startswith("segments-")
    assert report["indexes"] == {"feedback": {"model_id": "e5-small", "count": 12, "dim": 384}}
    json.dumps(report)  # JSON-able as is


def test_safe_url_drops_password() -> None:
    url = safe_url("postgresql+psycopg://crm:s3cret@db.example:5432/crm")
    assert "s3cret" not in url and url == "postgresql+psycopg://crm@db.example:5432/crm"
