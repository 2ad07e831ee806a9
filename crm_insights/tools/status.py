"""assistant_status: what the assistant itself runs on (models, their age and test figures, the data loaded)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from crm_insights.tools.common import ToolArgs, crm_tool, ctx, result, rnd

# The test figures worth saying per model kind (manifest metrics keys); the rest stays in `crm-insights status`.
_HEADLINE = {
    "sentiment": (("test", "accuracy"), ("test", "macro_f1"), ("test", "n")),
    "segments": (("k",), ("silhouette_best",), ("n_customers",)),
    "forecast": (("val_nll_per_week_step",), ("customers",), ("weeks",)),
}


class StatusArgs(ToolArgs):
    pass


def _dig(metrics: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(metrics, dict):
            return None
        metrics = metrics.get(key)
    return metrics


def _age_hours(created_at: str | None, now: datetime) -> float | None:
    if not created_at:
        return None
    try:
        stamp = datetime.fromisoformat(str(created_at).replace("Z", "+00:00"))
    except ValueError:
        return None
    if stamp.tzinfo is None:
        stamp = stamp.replace(tzinfo=UTC)
    return rnd((now - stamp).total_seconds() / 3600.0, 1)


@crm_tool(StatusArgs)
def assistant_status() -> dict[str, Any]:
    """About the assistant itself: which trained models it uses (version, when trained, how old, their test
    figures such as the sentiment model's accuracy and macro-F1 on its held-out test set, the segment model's
    silhouette, the forecaster's validation loss), which search indexes exist, and what data is loaded (counts
    and date ranges of customers, orders and feedback).

    Use it for "how accurate is the sentiment model?", "情感模型准确率多少？", "how old are the models?",
    "模型是什么时候训练的？", "what data is loaded?", "你现在加载了哪些数据？".
    """
    from crm_insights.store.stats import indexes_summary, models_summary, store_stats

    context = ctx()
    now = datetime.now(UTC)
    models: dict[str, Any] = {}
    for kind, info in models_summary(context.settings).items():
        metrics = info.get("metrics") or {}
        headline = {".".join(p): _dig(metrics, p) for p in _HEADLINE.get(kind, ())}
        models[kind] = {
            "version": info.get("version"),
            "created_at": info.get("created_at"),
            "age_hours": _age_hours(info.get("created_at"), now),
            "metrics": {k: v for k, v in headline.items() if v is not None},
        }
    indexes = {
        name: {k: m.get(k) for k in ("version", "built_at", "created_at", "count", "model") if isinstance(m, dict)}
        for name, m in indexes_summary(context.settings).items()
    }
    stats: dict[str, Any] = store_stats(context.engine)
    data: dict[str, Any] = {"models": models, "indexes": indexes, "data": stats, "as_of": now.isoformat()}
    rows = sum(int(v) for v in (stats.get("counts") or {}).values() if isinstance(v, int))
    return result("assistant_status", {}, data, rows)
