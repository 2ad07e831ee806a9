"""A tiny CRM store and small fakes of the analytics objects, injected into the tools' context."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

import pandas as pd
import pytest
from sqlalchemy import Engine, insert, select

from crm_insights.config import Settings, get_settings
from crm_insights.errors import InputError, NotFoundError
from crm_insights.store import Customer, Feedback, Order, init_store
from crm_insights.tools.context import ToolContext, reset_context, set_context

# (external id, name, [(date, quantity, amount)], [(date, text, label)])
CUSTOMERS: list[tuple[str, str | None, list[tuple[str, int, float]], list[tuple[str, str, str | None]]]] = [
    (
        "00001",
        "Alice",
        [("1997-01-03", 2, 40.0), ("1997-01-03", 1, 10.0), ("1997-06-10", 1, 25.5), ("1998-05-20", 3, 60.0)],
        [
            ("1997-01-10", "送货很快，质量很好", "positive"),
            ("1997-07-01", "包装破损，很失望", "negative"),
            ("1998-06-01", "还不错", "neutral"),
            ("1998-06-15", "非常满意，会再买", "positive"),
        ],
    ),
    (
        "00002",
        None,
        [("1997-02-01", 1, 15.0), ("1998-01-15", 1, 12.0), ("1998-06-01", 2, 30.0)],
        [("1997-02-05", "物流太慢了，差评", "negative")],
    ),
    ("00003", None, [("1997-03-01", 5, 120.0), ("1997-04-01", 1, 20.0)], [("1997-03-05", "价格偏贵", None)]),
    ("00004", None, [("1997-01-20", 1, 9.99)], []),
    ("00005", None, [("1998-02-01", 1, 11.0), ("1998-03-01", 1, 14.0)], [("1998-03-05", "good value", "positive")]),
    ("00100", "Bob", [("1997-05-05", 1, 50.0), ("1998-04-04", 2, 80.0), ("1998-06-20", 1, 35.0)], []),
]


@dataclass
class TinyStore:
    settings: Settings
    engine: Engine
    customer_pk: dict[str, int]


def build_store(settings: Settings, customers: list[Any] = CUSTOMERS) -> TinyStore:
    engine = init_store(settings)
    pks: dict[str, int] = {}
    with engine.begin() as conn:
        for ext, name, orders, feedback in customers:
            pk = conn.execute(insert(Customer).values(external_id=ext, name=name).returning(Customer.id)).scalar_one()
            pks[ext] = pk
            for i, (day, qty, amount) in enumerate(orders):
                conn.execute(
                    insert(Order).values(
                        external_id=f"o-{ext}-{i}",
                        customer_id=pk,
                        ordered_at=datetime.fromisoformat(day),
                        quantity=qty,
                        amount=amount,
                    )
                )
            for i, (day, text, label) in enumerate(feedback):
                conn.execute(
                    insert(Feedback).values(
                        external_id=f"f-{ext}-{i}",
                        customer_id=pk,
                        created_at=datetime.fromisoformat(day),
                        channel="review",
                        text=text,
                        sentiment_label=label,
                        sentiment_score=0.9 if label else None,
                        sentiment_model="sentiment-test" if label else None,
                    )
                )
    return TinyStore(settings, engine, pks)


@pytest.fixture
def make_store() -> Any:
    """build_store(settings, customers) for tests that need other ids than CUSTOMERS."""
    return build_store


@pytest.fixture
def tiny_store() -> TinyStore:
    get_settings.cache_clear()
    return build_store(get_settings())


# -- fakes ------------------------------------------------------------------------------------------
SEGMENTS = [
    {
        "segment": 0,
        "name_en": "High value",
        "name_zh": "高价值客户",
        "members": ["00001", "00003", "00100"],
    },
    {
        "segment": 1,
        "name_en": "Occasional",
        "name_zh": "偶尔购买",
        "members": ["00002", "00004", "00005"],
    },
]


class FakeSegments:
    """SegmentModel's interface over two fixed segments."""

    version = "segments-test"

    def segments(self) -> list[dict[str, Any]]:
        return [self._public(s) for s in SEGMENTS]

    def _public(self, s: dict[str, Any]) -> dict[str, Any]:
        n = len(s["members"])
        return {
            "segment": s["segment"],
            "name_en": s["name_en"],
            "name_zh": s["name_zh"],
            "size": n,
            "share_customers": n / 6,
            "revenue_share": 0.8 if s["segment"] == 0 else 0.2,
            "centroid": {"recency_days": 30.123456, "frequency": 3.0, "monetary_total": 123.456789},
            "distinguishing": [
                {"feature": "monetary_total", "value": 123.4567, "overall": 40.0, "direction": "higher"}
            ],
        }

    def _id(self, ref: int | str) -> int:
        if isinstance(ref, int):
            if 0 <= ref < len(SEGMENTS):
                return ref
        else:
            text = ref.lower()
            for s in SEGMENTS:
                if text in (s["name_en"].lower(), s["name_zh"]) or text.replace("-", " ") in s["name_en"].lower():
                    return int(s["segment"])
            if "高价值" in text:
                return 0
        raise NotFoundError(
            f"no segment matches {ref!r}; segments are: 0 高价值客户 / High value, 1 偶尔购买 / Occasional"
        )

    def describe(self, segment: int | str) -> dict[str, Any]:
        return {**self._public(SEGMENTS[self._id(segment)]), "matched": {"query": segment}}

    def members(self, segment: int | str) -> list[str]:
        return list(SEGMENTS[self._id(segment)]["members"])

    def assign(self, customer_id: str) -> dict[str, Any]:
        for s in SEGMENTS:
            if customer_id in s["members"]:
                return {
                    "customer_id": customer_id,
                    "segment": s["segment"],
                    "name_en": s["name_en"],
                    "name_zh": s["name_zh"],
                    "margin": 0.5,
                    "reason": [
                        {"feature": "frequency", "value": 3.0, "centroid": 2.5, "z": 0.4},
                        {"feature": "monetary_total", "value": 135.5, "centroid": 120.0, "z": 1.25},
                    ],
                }
        raise NotFoundError(f"customer {customer_id!r} is not in segments model {self.version}")


class FakeForecaster:
    """Forecaster's interface: p_active from the id's last digit, so tests know the ranking."""

    version = "forecast-test"

    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def predict(
        self, engine: Engine, as_of: Any = None, horizon_weeks: int = 13, customer_ids: list[str] | None = None
    ) -> pd.DataFrame:
        if not 1 <= horizon_weeks <= 104:
            raise InputError(f"horizon_weeks must be between 1 and 104, got {horizon_weeks}")
        self.calls.append({"horizon_weeks": horizon_weeks, "customer_ids": customer_ids})
        with engine.connect() as conn:
            ids = sorted(
                {r[0] for r in conn.execute(select(Customer.external_id).join(Order, Order.customer_id == Customer.id))}
            )
        if customer_ids is not None:
            ids = [c for c in ids if c in customer_ids]
        p = {"00001": 0.9, "00002": 0.2, "00003": 0.1, "00004": 0.05, "00005": 0.4, "00100": 0.3}
        return pd.DataFrame(
            {
                "customer_id": ids,
                "expected_purchases": [p.get(c, 0.5) * horizon_weeks / 13 * 2 for c in ids],
                "p_active": [p.get(c, 0.5) for c in ids],
            }
        )


class FakeSentiment:
    version = "sentiment-test"

    def predict(self, texts: list[str]) -> list[dict[str, Any]]:
        out = []
        for t in texts:
            if re.search(r"好|满意|good|great", t, re.I):
                label = "positive"
            elif re.search(r"差|失望|慢|bad|late", t, re.I):
                label = "negative"
            else:
                label = "neutral"
            out.append({"text": t, "label": label, "score": 0.91234})
        return out


class FakeIndex:
    """FeedbackIndex's interface: scores by shared characters; records the last search's filters."""

    def __init__(self, engine: Engine):
        with engine.connect() as conn:
            self.rows = [
                dict(r._mapping)
                for r in conn.execute(
                    select(
                        Feedback.id.label("feedback_id"),
                        Customer.external_id.label("customer_id"),
                        Feedback.text,
                        Feedback.created_at,
                        Feedback.sentiment_label.label("sentiment"),
                    ).join(Customer, Customer.id == Feedback.customer_id)
                )
            ]
        self.manifest = {"version": "index-test", "count": len(self.rows), "model_id": "fake-embedder"}
        self.last: dict[str, Any] = {}

    def search(
        self,
        query: str,
        k: int = 10,
        customer_ids: list[str] | None = None,
        sentiment: str | None = None,
        since: date | None = None,
        until: date | None = None,
    ) -> list[dict[str, Any]]:
        self.last = {
            "query": query,
            "k": k,
            "customer_ids": customer_ids,
            "sentiment": sentiment,
            "since": since,
            "until": until,
        }
        hits = []
        for r in self.rows:
            if customer_ids is not None and r["customer_id"] not in customer_ids:
                continue
            if sentiment is not None and r["sentiment"] != sentiment:
                continue
            if since is not None and r["created_at"].date() < since:
                continue
            if until is not None and r["created_at"].date() > until:
                continue
            score = len(set(query) & set(r["text"])) / max(len(set(query)), 1)
            hits.append({**r, "score": score})
        return sorted(hits, key=lambda h: -h["score"])[:k]


class FakeThemes:
    def __init__(self) -> None:
        self.calls: list[dict[str, Any]] = []

    def __call__(self, engine: Engine, settings: Settings, **kwargs: Any) -> dict[str, Any]:
        self.calls.append(kwargs)
        return {
            "themes": [
                {
                    "theme": "物流 / delivery",
                    "size": 2,
                    "keywords": ["物流", "慢", "送货", "快", "a", "b", "c", "d", "e", "f"],
                    "quotes": [
                        {"feedback_id": 1, "customer_id": "00002", "text": "物流太慢了，差评"},
                        {"feedback_id": 2, "customer_id": "00001", "text": "送货很快，质量很好"},
                        {"feedback_id": 3, "customer_id": "00001", "text": "third quote is dropped"},
                    ],
                },
                {"theme": "价格 / price", "size": 1, "keywords": ["价格"], "quotes": []},
            ],
            "rows_considered": 3,
        }


@dataclass
class Fakes:
    store: TinyStore
    ctx: ToolContext
    segments: FakeSegments
    forecaster: FakeForecaster
    sentiment: FakeSentiment
    index: FakeIndex
    themes: FakeThemes


def install_fakes(store: TinyStore) -> Fakes:
    """Fakes of every analytics object over ``store``, installed as the process-wide tool context."""
    segments, forecaster, sentiment = FakeSegments(), FakeForecaster(), FakeSentiment()
    index, themes = FakeIndex(store.engine), FakeThemes()
    ctx = ToolContext(
        store.settings,
        engine=store.engine,
        segments=segments,
        forecaster=forecaster,
        sentiment=sentiment,
        index=index,
        themes=themes,
    )
    set_context(ctx)
    return Fakes(store, ctx, segments, forecaster, sentiment, index, themes)


@pytest.fixture
def make_fakes() -> Iterator[Any]:
    """install_fakes(store) for tests that build their own store; the context is reset afterwards."""
    yield install_fakes
    reset_context()


@pytest.fixture
def fakes(tiny_store: TinyStore) -> Iterator[Fakes]:
    """The tiny store with every analytics object faked, installed as the process-wide tool context."""
    yield install_fakes(tiny_store)
    reset_context()


@pytest.fixture
def bare(tiny_store: TinyStore) -> Iterator[ToolContext]:
    """The tiny store with no model trained (the real loaders find nothing)."""
    ctx = ToolContext(tiny_store.settings, engine=tiny_store.engine)
    set_context(ctx)
    yield ctx
    reset_context()


# -- a store with real behaviour, for the real analytics modules ----------------------------------
BEHAVIOUR_END = datetime(2024, 1, 1)


def behaviour_customers(per_group: int = 15, seed: int = 3) -> list[Any]:
    """Three clear groups: frequent big spenders, lapsed one-off buyers, brand-new buyers; with feedback."""
    from datetime import timedelta

    import numpy as np

    rng = np.random.default_rng(seed)
    start = datetime(2023, 1, 1)
    out: list[Any] = []
    for i in range(per_group):
        days = sorted(rng.choice(360, size=int(rng.integers(10, 16)), replace=False))
        vip_orders = [
            ((start + timedelta(days=int(d))).date().isoformat(), 1, float(rng.uniform(80, 200))) for d in days
        ]
        vip_fb = [((start + timedelta(days=int(days[-1]))).date().isoformat(), f"质量很好，服务满意 {i}", "positive")]
        out.append((f"{i:05d}", None, vip_orders, vip_fb))
        lapsed = [
            ((start + timedelta(days=int(d))).date().isoformat(), 1, float(rng.uniform(5, 20)))
            for d in rng.choice(60, size=int(rng.integers(1, 3)), replace=False)
        ]
        out.append((f"L{i:03d}", None, lapsed, [(lapsed[0][0], f"物流太慢，差评 {i}", "negative")]))
        day = (BEHAVIOUR_END - timedelta(days=int(rng.integers(1, 20)))).date().isoformat()
        out.append((f"N{i:03d}", None, [(day, 1, float(rng.uniform(10, 40)))], []))
    return out


@pytest.fixture
def behaviour_store() -> Iterator[TinyStore]:
    """45 customers in three behaviour groups, installed with an un-injected context (real loaders)."""
    get_settings.cache_clear()
    store = build_store(get_settings(), behaviour_customers())
    set_context(ToolContext(store.settings, engine=store.engine))
    yield store
    reset_context()


@pytest.fixture
def real_text_store(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Iterator[TinyStore]:
    """The tiny store with the real base encoder configured and a real FAISS index built over its feedback.

    The encoder is converted once per test session into the same directory the text tests use.
    """
    from crm_insights.encoders.base_model import ensure_converted
    from crm_insights.indexes.feedback_index import build_index

    base = ensure_converted(tmp_path_factory.getbasetemp() / "base-e5-small", progress=False)
    monkeypatch.setenv("CRM_INSIGHTS_EMBEDDINGS__MODEL", str(base))
    get_settings.cache_clear()
    store = build_store(get_settings())
    build_index(store.engine, store.settings)
    set_context(ToolContext(store.settings, engine=store.engine))
    yield store
    reset_context()
    get_settings.cache_clear()
