"""Segmentation fit time at scale: feature scaling + k selection by silhouette + fit, on generated customers.

Customers are drawn with numpy to look like retail RFM data: ~60% one-off buyers (a shifted negative
binomial purchase count), log-normal order values, first purchases spread over two years, recency
and inter-purchase gaps consistent with tenure and frequency, and a 90-day trend computed the way
:mod:`crm_insights.analytics.features` does. Timing covers :func:`fit_segments` (log-scale and
standardise, K-means for every k in k_min..k_max with a silhouette on a seeded sample, ranking,
profiles and names); generating the data is not timed.

    nice .venv/bin/python bench/segments_scale.py                       # 100k and 1M, settings as configured
    nice .venv/bin/python bench/segments_scale.py --sizes 1000000 --threads 2

Prints a table and writes bench/out/segments_scale.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import time
from pathlib import Path

import numpy as np
import pandas as pd


def generate_customers(n: int, seed: int = 0, window_days: int = 90) -> pd.DataFrame:
    """A feature table (columns as the product computes them) for ``n`` synthetic customers."""
    rng = np.random.default_rng(seed)
    # Purchase days: 1 + NB(0.6, 0.3) gives ~60% single purchases and a long tail of regulars.
    frequency = 1 + rng.negative_binomial(0.6, 0.3, size=n)
    tenure = rng.uniform(1, 730, size=n).round()
    # Repeat buyers' last purchase falls somewhere in their life, skewed toward recent for the
    # frequent ones; one-off buyers' last purchase is their first.
    activity = rng.beta(1 + np.log1p(frequency), 2.0, size=n)
    recency = np.where(frequency > 1, (tenure * (1 - activity)).round(), tenure)
    span = tenure - recency
    interpurchase = np.where(frequency > 1, span / np.maximum(frequency - 1, 1), tenure)
    aov = rng.lognormal(mean=3.4, sigma=0.75, size=n)
    monetary = aov * frequency
    expected = frequency * window_days / np.maximum(tenure, window_days)
    recent = np.where(recency <= window_days, np.minimum(rng.poisson(expected * 1.2) + 1, frequency), 0)
    trend = recent / np.maximum(expected, 1e-9)
    return pd.DataFrame(
        {
            "recency_days": recency,
            "frequency": frequency.astype(float),
            "monetary_total": monetary,
            "avg_order_value": aov,
            "tenure_days": tenure,
            "interpurchase_days": interpurchase,
            "trend": trend,
        },
        index=pd.Index([f"C{i:07d}" for i in range(n)], name="customer_id"),
    )


def main() -> None:
    from crm_insights.analytics.segmentation import fit_segments
    from crm_insights.config import load_settings

    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--threads", type=int, default=None, help="OpenMP threads (default: settings)")
    parser.add_argument(
        "--selection-sample", type=int, default=None, help="rows k is chosen on (default: settings; 0 = all rows)"
    )
    parser.add_argument("--k", type=int, default=None, help="fix k instead of choosing it by silhouette")
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "segments_scale.json")
    args = parser.parse_args()

    # Import scikit-learn before the clock starts: the first fit would otherwise pay ~3 s of imports.
    import sklearn.cluster  # noqa: F401
    import sklearn.metrics  # noqa: F401
    import sklearn.preprocessing  # noqa: F401

    overrides: dict[str, int] = {"threads": args.threads} if args.threads else {}
    if args.selection_sample is not None:
        overrides["selection_sample"] = args.selection_sample or max(args.sizes)
    settings = load_settings()
    cfg = settings.segmentation.model_copy(update=overrides)
    results = []
    for n in args.sizes:
        frame = generate_customers(n)
        load_before = os.getloadavg()[0]
        t0 = time.perf_counter()
        fit = fit_segments(frame, cfg, k=args.k, progress=False)
        total = time.perf_counter() - t0
        results.append(
            {
                "customers": n,
                "algorithm": fit.algorithm,
                "k": fit.k,
                "ks_tried": list(fit.silhouette),
                "silhouette": fit.silhouette,
                "total_s": round(total, 2),
                "scale_s": round(fit.timings["scale_s"], 2),
                "fit_select_s": round(fit.timings["fit_select_s"], 2),
                "refit_s": round(fit.timings.get("refit_s", 0.0), 2),
                "selection_rows": fit.selection_rows,
                "profile_s": round(fit.timings["profile_s"], 2),
                "threads": cfg.threads,
                "load_avg_1m_before": round(load_before, 2),
                "sizes": fit.sizes,
                "names_en": [s["name_en"] for s in fit.segments],
            }
        )
        print(f"{n:>9,} customers: {total:.1f} s (k={fit.k}, {fit.algorithm})", flush=True)

    from rich.console import Console
    from rich.table import Table

    table = Table(title=f"segments fit time ({platform.processor() or platform.machine()}, {os.cpu_count()} cores)")
    columns = (
        "customers",
        "algorithm",
        "k tried",
        "select rows",
        "k",
        "silhouette",
        "scale s",
        "k-select s",
        "refit s",
        "profile s",
        "total s",
        "threads",
        "load",
    )
    for col in columns:
        table.add_column(col, justify="right")
    for r in results:
        table.add_row(
            f"{r['customers']:,}",
            r["algorithm"],
            f"{min(r['ks_tried'])}..{max(r['ks_tried'])}",
            f"{r['selection_rows']:,}",
            str(r["k"]),
            f"{r['silhouette'][r['k']]:.3f}",
            f"{r['scale_s']:.2f}",
            f"{r['fit_select_s']:.1f}",
            f"{r['refit_s']:.1f}",
            f"{r['profile_s']:.2f}",
            f"{r['total_s']:.1f}",
            str(r["threads"]),
            f"{r['load_avg_1m_before']:.1f}",
        )
    Console(width=160).print(table)
    for r in results:
        print(f"{r['customers']:,}: segments {', '.join(r['names_en'])}; sizes {r['sizes']}")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=2, default=str))


if __name__ == "__main__":
    main()
