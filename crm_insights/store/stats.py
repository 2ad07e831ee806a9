"""What the store and the data dir hold: row counts, date ranges, trained models, built indexes."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from sqlalchemy import URL, Engine, func, make_url, select

from crm_insights.config import Settings, get_settings
from crm_insights.store.models import Customer, Feedback, Order


def _iso(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(sep=" ")
    return str(value)


def store_stats(engine: Engine) -> dict[str, Any]:
    """``{"counts": {customers, orders, feedback, feedback_scored}, "date_ranges": {...}}`` of a migrated store."""
    with engine.connect() as conn:
        counts = {
            "customers": conn.execute(select(func.count()).select_from(Customer)).scalar_one(),
            "orders": conn.execute(select(func.count()).select_from(Order)).scalar_one(),
            "feedback": conn.execute(select(func.count()).select_from(Feedback)).scalar_one(),
            "feedback_scored": conn.execute(
                select(func.count()).select_from(Feedback).where(Feedback.sentiment_label.is_not(None))
            ).scalar_one(),
        }
        ranges: dict[str, dict[str, str | None]] = {}
        for name, col in (
            ("orders", Order.ordered_at),
            ("feedback", Feedback.created_at),
            ("customer_signups", Customer.signup_at),
        ):
            lo, hi = conn.execute(select(func.min(col), func.max(col))).one()
            ranges[name] = {"first": _iso(lo), "last": _iso(hi)}
    return {"counts": {k: int(v) for k, v in counts.items()}, "date_ranges": ranges}


def safe_url(url: str) -> str:
    """The database URL with any password removed."""
    try:
        u = make_url(url)
        # URL.set(password=None) means "unchanged"; build the URL again without it.
        clean = URL.create(u.drivername, u.username, None, u.host, u.port, u.database, u.query)
        return clean.render_as_string(hide_password=False)
    except Exception:  # an unparsable URL is shown as given minus anything that looks like a secret
        return url.split("@")[-1]


def models_summary(settings: Settings) -> dict[str, dict[str, Any]]:
    """``{kind: {version, created_at, metrics}}`` for the latest version of every trained model."""
    from crm_insights.analytics.artifacts import registry

    reg = registry(settings)
    out: dict[str, dict[str, Any]] = {}
    for kind in reg.kinds():
        info = reg.latest(kind)
        if info is not None:
            out[kind] = {"version": info.version, "created_at": info.created_at, "metrics": info.metrics}
    return out


def indexes_summary(settings: Settings) -> dict[str, Any]:
    """``{name: manifest}`` for every ``<indexes_dir>/<name>/manifest.json``."""
    root = settings.indexes_dir
    out: dict[str, Any] = {}
    if not root.is_dir():
        return out
    for manifest in sorted(root.glob("*/manifest.json")):
        try:
            out[manifest.parent.name] = json.loads(manifest.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as exc:
            out[manifest.parent.name] = {"error": f"unreadable manifest: {exc}"}
    return out


def status_report(settings: Settings | None = None, engine: Engine | None = None) -> dict[str, Any]:
    """Everything `crm-insights status` shows. Migrates the store first, so an empty one works."""
    from crm_insights.store.db import get_engine, migrate

    s = settings or get_settings()
    eng = engine or get_engine(s)
    migrate(eng)
    report = store_stats(eng)
    return {
        **report,
        "database": safe_url(eng.url.render_as_string(hide_password=False)),
        "models": models_summary(s),
        "indexes": indexes_summary(s),
    }
