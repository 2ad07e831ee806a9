"""Shared fixtures: every test gets its own data dir and SQLite store; no network, no hub."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

PG_URL = os.environ.get("CRM_INSIGHTS_TEST_PG_URL", "postgresql+psycopg://127.0.0.1:5432/test")


@pytest.fixture(autouse=True)
def isolated_settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Point the data dir at tmp_path and drop any cached settings/engines."""
    from crm_insights.config import get_settings
    from crm_insights.store import db

    home = tmp_path / "home"
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    monkeypatch.setenv("CRM_INSIGHTS_HOME", str(home))
    monkeypatch.delenv("CRM_INSIGHTS_DATABASE__URL", raising=False)
    monkeypatch.delenv("CRM_INSIGHTS_API_KEYS", raising=False)
    monkeypatch.delenv("CRM_INSIGHTS_LLM__MODEL", raising=False)
    get_settings.cache_clear()
    db._cached_engine.cache_clear()
    yield home
    get_settings.cache_clear()
    db._cached_engine.cache_clear()


def postgres_available() -> str | None:
    """None when PostgreSQL answers, else the reason it does not."""
    from sqlalchemy import create_engine, text

    try:
        eng = create_engine(PG_URL, connect_args={"connect_timeout": 2})
        with eng.connect() as conn:
            conn.execute(text("SELECT 1"))
        eng.dispose()
        return None
    except Exception as exc:  # any failure to connect means: skip with the reason
        return f"PostgreSQL at {PG_URL} not reachable: {type(exc).__name__}"


@pytest.fixture(params=["sqlite", "postgres"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty store URL on SQLite and on PostgreSQL (a private schema per test).

    In CI (CI=true) an unreachable PostgreSQL fails the test instead of skipping it.
    """
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store.sqlite3'}"
        return
    reason = postgres_available()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    import uuid

    from sqlalchemy import create_engine, text

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(PG_URL)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in PG_URL else "?"
    yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()
