"""Latency of each agent tool on the configured store, after warm-up: p50 / p95 / first call in ms.

Run on the demo store (``crm-insights demo``, then whichever of ``train segments``, ``train forecast``,
``sentiment score``, ``index build`` you want measured; tools whose model is missing are reported as
"not ready")::

    nice .venv/bin/python bench/tools_latency.py [--repeat 20]

The first call includes loading the model and building the cached per-customer tables; the agent pays
it once per process (the server at start-up). p50 is what each later question costs.
"""

from __future__ import annotations

import argparse
import statistics
import time
from typing import Any

CALLS: list[tuple[str, dict[str, Any]]] = [
    ("crm_overview", {}),
    ("customer_profile", {"customer": "客户100"}),
    ("list_segments", {}),
    ("describe_segment", {"segment": "high value"}),
    ("explain_customer_segment", {"customer": "100"}),
    ("forecast_customer", {"customer": "100"}),
    ("at_risk_customers", {"top_n": 10}),
    ("at_risk_customers", {"top_n": 10, "segment": "0"}),
    ("analyze_sentiment", {"texts": ["物流太慢了，差评", "质量很好，非常满意"]}),
    ("sentiment_summary", {"freq": "quarter"}),
    ("sentiment_summary", {"segment": "0"}),
    ("search_feedback", {"query": "物流太慢", "k": 5}),
    ("search_feedback", {"query": "质量差", "k": 5, "segment": "0", "sentiment": "negative"}),
    ("feedback_themes", {"sentiment": "negative"}),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=20, help="timed calls per tool after the first")
    args = parser.parse_args()

    from crm_insights.config import get_settings
    from crm_insights.tools import TOOLS_BY_NAME, get_context

    settings = get_settings()
    try:
        import torch

        torch.set_num_threads(settings.runtime.torch_threads)
    except ImportError:
        pass
    get_context(settings)
    print(f"store: {settings.database_url}")
    print(f"{'tool':<26} {'args':<46} {'first':>8} {'p50':>8} {'p95':>8}  rows")
    for name, call_args in CALLS:
        tool = TOOLS_BY_NAME[name]
        msg = {"type": "tool_call", "id": "bench", "name": name, "args": call_args}
        t0 = time.perf_counter()
        first = tool.invoke(msg)
        first_ms = (time.perf_counter() - t0) * 1000
        label = f"{name:<26} {str(call_args)[:46]:<46}"
        if first.status == "error":
            print(f"{label} not ready: {first.content[:70]}")
            continue
        times = []
        for _ in range(args.repeat):
            t0 = time.perf_counter()
            tool.invoke(msg)
            times.append((time.perf_counter() - t0) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        rows = first.content.split('"rows_considered": ', 1)[-1].split(",", 1)[0].split("}", 1)[0]
        print(f"{label} {first_ms:8.1f} {statistics.median(times):8.1f} {p95:8.1f}  {rows}")


if __name__ == "__main__":
    main()
