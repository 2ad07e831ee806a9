"""What the tools read from: the store engine and the trained models, each loaded once per process.

``get_context()`` returns the process-wide :class:`ToolContext`. Models load lazily on first use
(a question about sentiment never loads the forecaster) and reload by themselves when a newer
version is trained (the ``LATEST`` pointer of the artifact registry, or the index manifest, changed),
so a long-running server picks up ``crm-insights train ...`` without a restart. Tests build a
``ToolContext(settings, segments=fake, ...)``: injected objects are used as given and never reloaded.

Expensive derived tables (the forecaster's predictions for every customer, per-customer order
aggregates) are cached per (model version, horizon, store fingerprint), where the fingerprint is
the orders' row count and largest id, so an import invalidates them and repeated questions stay fast.
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import Engine, func, select

from crm_insights.background import training_message
from crm_insights.config import Settings, get_settings
from crm_insights.errors import ArtifactError, NotReadyError
from crm_insights.metrics import customer_stats_frame, last_order_at
from crm_insights.store.models import Feedback, Order

_NO_STORE = "the CRM store has no tables yet; run `crm-insights demo` or `crm-insights import` first"
_BUILD = {
    "segments": "crm-insights train segments",
    "forecast": "crm-insights train forecast",
    "sentiment": "crm-insights train sentiment",
    "index": "crm-insights index build",
}
# Derived tables kept per key: a few horizons' predictions, segment member sets, overviews (all small).
_MAX_CACHED = 64


@dataclass
class _Slot:
    obj: Any = None
    stamp: Any = None  # what the object was loaded from (version / manifest mtime); None = injected
    pinned: bool = False


class ToolContext:
    """Engine, models and caches the tools share. Thread-safe: the server calls tools concurrently."""

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        engine: Engine | None = None,
        segments: Any = None,
        forecaster: Any = None,
        sentiment: Any = None,
        index: Any = None,
        themes: Callable[..., dict[str, Any]] | None = None,
    ):
        self.settings = settings or get_settings()
        self._engine = engine
        self._store_checked = False
        self._lock = threading.RLock()
        self._slots: dict[str, _Slot] = {}
        for kind, obj in (("segments", segments), ("forecast", forecaster), ("sentiment", sentiment), ("index", index)):
            self._slots[kind] = _Slot(obj=obj, pinned=obj is not None)
        self._themes = themes
        self._cache: dict[tuple[Any, ...], Any] = {}

    # -- store -----------------------------------------------------------------------------------
    @property
    def engine(self) -> Engine:
        if self._engine is None:
            from crm_insights.store.db import get_engine

            self._engine = get_engine(self.settings)
        if not self._store_checked:
            from crm_insights.store.db import is_migrated

            if not is_migrated(self._engine):
                raise NotReadyError(_NO_STORE)
            self._store_checked = True
        return self._engine

    def store_fingerprint(self) -> tuple[Any, ...]:
        """Changes whenever the store's data may have changed; cheap enough to ask on every call.

        SQLite: the database and WAL files' modification times (any write touches one of them).
        Elsewhere: row counts and largest ids of orders and feedback, and how much feedback is scored.
        """
        engine = self.engine
        if engine.dialect.name == "sqlite" and engine.url.database not in (None, "", ":memory:"):
            path = Path(str(engine.url.database))
            stamps: list[tuple[int, int] | None] = []
            for p in (path, path.with_name(path.name + "-wal")):
                try:
                    st = p.stat()
                    stamps.append((st.st_mtime_ns, st.st_size))
                except FileNotFoundError:
                    stamps.append(None)
            return tuple(stamps)
        with engine.connect() as conn:
            orders = conn.execute(select(func.count(Order.id), func.max(Order.id))).one()
            feedback = conn.execute(
                select(func.count(Feedback.id), func.max(Feedback.id), func.count(Feedback.sentiment_label))
            ).one()
        return (*orders, *feedback)

    # -- models ----------------------------------------------------------------------------------
    def _stamp(self, kind: str) -> Any:
        """What identifies the current build of ``kind`` on disk; None when none is built."""
        if kind == "index":
            manifest = self.settings.indexes_dir / "feedback" / "manifest.json"
            return manifest.stat().st_mtime_ns if manifest.exists() else None
        pointer = self.settings.models_dir / kind / "LATEST"
        try:
            return pointer.read_text().strip() or None
        except FileNotFoundError:
            return None

    def _load(self, kind: str) -> Any:
        if kind == "segments":
            from crm_insights.analytics.segmentation import SegmentModel

            return SegmentModel.load(self.settings)
        if kind == "forecast":
            from crm_insights.analytics.forecasting import Forecaster

            return Forecaster.load(self.settings)
        if kind == "sentiment":
            from crm_insights.analytics.sentiment import SentimentModel

            return SentimentModel.load(self.settings)
        if kind == "index":
            from crm_insights.indexes.feedback_index import FeedbackIndex

            return FeedbackIndex.load(self.settings)
        raise KeyError(kind)

    def _get(self, kind: str) -> Any:
        slot = self._slots[kind]
        if slot.pinned:
            return slot.obj
        stamp = self._stamp(kind)
        if stamp is None:
            what = "feedback search index has been built" if kind == "index" else f"{kind} model has been trained"
            # "still training" when the quickstart's background runner is building it (crm_insights.background).
            raise NotReadyError(training_message(self.settings, kind) or f"no {what} yet; run `{_BUILD[kind]}`")
        if slot.obj is not None and slot.stamp == stamp:
            return slot.obj
        with self._lock:
            if slot.obj is None or slot.stamp != stamp:
                slot.obj = self._load(kind)
                slot.stamp = stamp
            return slot.obj

    @property
    def segments(self) -> Any:
        """The latest SegmentModel; NotReadyError naming the command that trains it."""
        return self._get("segments")

    @property
    def forecaster(self) -> Any:
        return self._get("forecast")

    @property
    def sentiment(self) -> Any:
        return self._get("sentiment")

    @property
    def index(self) -> Any:
        return self._get("index")

    def optional(self, kind: str) -> Any:
        """The model of ``kind`` ("segments", "forecast", "sentiment", "index") or None when unusable."""
        return self.try_get(kind)[0]

    def try_get(self, kind: str) -> tuple[Any, str | None]:
        """(model, None), or (None, why not) when it is not built or its artifact cannot be used."""
        try:
            return self._get(kind), None
        except ArtifactError as exc:  # NotReadyError included; the message names the command to run
            return None, str(exc)

    def themes(self, **kwargs: Any) -> dict[str, Any]:
        """crm_insights.indexes.themes.feedback_themes over this context's engine and settings."""
        fn = self._themes
        if fn is None:
            from crm_insights.indexes.themes import feedback_themes

            fn = feedback_themes
        return fn(self.engine, self.settings, **kwargs)

    def warm_up(self) -> dict[str, str | None]:
        """Load every built model and the default-horizon tables now, so the first question is fast.

        For a server's start-up (or after ``crm-insights train ...``). Returns {kind: version or None}.
        The all-customer forecast is the slow part (seconds on 23k customers); missing models are skipped.
        """
        loaded: dict[str, str | None] = {}
        for kind in ("segments", "forecast", "sentiment", "index"):
            obj = self.optional(kind)
            loaded[kind] = None if obj is None else str(getattr(obj, "version", "loaded"))
        index = self.optional("index")
        if index is not None:
            # The query embedder loads lazily inside the index (seconds for a 465 MB encoder): load it now.
            getattr(index, "embedder", None)
        self.customer_stats()
        if loaded["forecast"] is not None:
            self.predictions(self.settings.forecast.horizon_weeks)
        return loaded

    # -- derived, cached -------------------------------------------------------------------------
    def cached(self, key: tuple[Any, ...], build: Callable[[], Any]) -> Any:
        """``build()`` once per key; the oldest entries go first past a handful."""
        if key in self._cache:
            return self._cache[key]
        # Built under the lock: parallel tool calls asking for the same table (a 5 s forecast over every
        # customer) wait for one build instead of each doing it. Builds are rare, so one lock is enough.
        with self._lock:
            if key in self._cache:
                return self._cache[key]
            value = build()
            if len(self._cache) >= _MAX_CACHED:
                self._cache.pop(next(iter(self._cache)))
            self._cache[key] = value
        return value

    def customer_stats(self) -> pd.DataFrame:
        """Per-customer order aggregates indexed by external id: orders, purchase_days, spend, first, last.

        One GROUP BY in the database (crm_insights.metrics.summary), cached per store fingerprint.
        """

        def build() -> pd.DataFrame:
            return customer_stats_frame(self.engine)

        return self.cached(("customer_stats", self.store_fingerprint()), build)

    def predictions(self, horizon_weeks: int) -> pd.DataFrame:
        """The forecaster's predictions for every customer at ``horizon_weeks``, indexed by external id.

        Columns: expected_purchases, p_active, churn_risk. Cached per (model version, horizon, store).
        """
        forecaster = self.forecaster
        version = getattr(forecaster, "version", None)
        fingerprint = self.store_fingerprint()

        def build() -> pd.DataFrame:
            # On disk too, so a new process (a cold `crm-insights ask`) reads them instead of predicting everyone
            # again: keyed by model version, horizon and the store's fingerprint; a failed read or write only costs
            # the prediction.
            path = None
            if version is not None:
                digest = hashlib.sha256(repr((str(version), horizon_weeks, fingerprint)).encode()).hexdigest()[:16]
                path = self.settings.models_dir / "cache" / f"predictions-{digest}.parquet"
                try:
                    return pd.read_parquet(path)
                except (OSError, ValueError):
                    pass
            df = forecaster.predict(self.engine, horizon_weeks=horizon_weeks)
            df = df.copy()
            df["customer_id"] = df["customer_id"].astype(str)
            df["churn_risk"] = 1.0 - df["p_active"].astype(float)
            df = df.set_index("customer_id")
            if path is not None:
                try:
                    path.parent.mkdir(parents=True, exist_ok=True)
                    for old in path.parent.glob("predictions-*.parquet"):
                        if old.stat().st_mtime < time.time() - 86400:
                            old.unlink(missing_ok=True)  # stale entries of older models or data
                    tmp = path.with_suffix(f".{os.getpid()}.tmp")
                    df.to_parquet(tmp)
                    os.replace(tmp, path)
                except OSError:
                    pass
            return df

        key = ("predictions", version if version is not None else id(forecaster), horizon_weeks, fingerprint)
        return self.cached(key, build)

    def segment_members(self, model: Any, segment: int) -> frozenset[str]:
        """External ids in ``segment`` of ``model``, cached per model version."""
        key = ("members", getattr(model, "version", id(model)), int(segment))
        return self.cached(key, lambda: frozenset(str(m) for m in model.members(int(segment))))

    def data_end(self) -> datetime | None:
        """The latest order time in the store: "now" for activity rules on historical data."""
        with self.engine.connect() as conn:
            return last_order_at(conn)

    def index_version(self) -> str | None:
        """A short identifier of the loaded feedback index (from its manifest)."""
        idx = self.index
        manifest = getattr(idx, "manifest", None) or {}
        for key in ("version", "built_at", "created_at", "updated_at"):
            if manifest.get(key):
                return str(manifest[key])
        return None


_context: ToolContext | None = None
_context_lock = threading.Lock()


def get_context(settings: Settings | None = None) -> ToolContext:
    """The process-wide ToolContext (created on first use). Passing new settings replaces it."""
    global _context
    with _context_lock:
        if _context is None or (settings is not None and _context.settings is not settings):
            _context = ToolContext(settings)
        return _context


def set_context(ctx: ToolContext) -> None:
    """Install ``ctx`` as the process-wide context (tests, or a server that builds its own)."""
    global _context
    with _context_lock:
        _context = ctx


def reset_context() -> None:
    """Forget the process-wide context and everything it loaded (tests; after switching stores)."""
    global _context
    with _context_lock:
        _context = None
