"""Explainable K-means customer segments.

Train (``train_segments``, or ``crm-insights train segments``): per-customer features as of a
cutoff (:mod:`crm_insights.analytics.features`) are log-scaled and standardised, K-means (scikit-learn;
MiniBatchKMeans above ``segmentation.minibatch_threshold`` customers) is fitted for every k in
``k_min..k_max`` and the k with the best silhouette on a seeded sample wins (or ``k`` is fixed).
Segments are ranked by revenue per customer (segment 0 = most valuable), named in Chinese and
English from a rule table over the centroid's standing in the population, and saved as a versioned
``segments`` artifact (JSON model + Parquet per-customer table); assignments go to the
``segment_assignments`` table under the artifact's version.

Use (``SegmentModel.load()``): ``segments()``, ``describe(ref)`` (an id, "segment 2", "第2类", a
zh/en name or a phrase such as "high value"), ``assign(customer_id)`` with the reason in z units,
``members(ref)``.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from crm_insights.analytics.artifacts import ArtifactInfo, registry
from crm_insights.analytics.features import (
    FEATURE_LABELS,
    LOG_FEATURES,
    CustomerFeatures,
    customer_features,
    inverse_log_scale,
    log_scale,
)
from crm_insights.errors import ArtifactError, ConfigError, InputError, NotFoundError
from crm_insights.numerals import to_int
from crm_insights.progress import progress_bar

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from crm_insights.config import SegmentationSettings, Settings

log = logging.getLogger(__name__)

KIND = "segments"
MODEL_FILE = "model.json"
CUSTOMERS_FILE = "customers.parquet"
FORMAT_VERSION = 1

# ---------------------------------------------------------------------------------------------
# Naming: a rule table over the centroid's standing in the population
# ---------------------------------------------------------------------------------------------

# The population percentile (mid-rank) of the centroid decides a level: at or below LOW_Q is
# "low", at or above HIGH_Q is "high". Terciles keep each level a real third of the customers.
LOW_Q, HIGH_Q = 1 / 3, 2 / 3

# Which feature each naming dimension reads, and the words for its levels (recency in days:
# few days means recent).
DIMENSIONS: dict[str, tuple[str, dict[str, str]]] = {
    "recency": ("recency_days", {"low": "recent", "mid": "mid", "high": "lapsed"}),
    "frequency": ("frequency", {"low": "low", "mid": "mid", "high": "high"}),
    "monetary": ("monetary_total", {"low": "low", "mid": "mid", "high": "high"}),
    "tenure": ("tenure_days", {"low": "low", "mid": "mid", "high": "high"}),
}

# Terciles are relative: where nearly everyone lapsed (CDNOW: most customers bought once in early
# 1997), a centroid 277 days since its last purchase ranks "recent", and one whole cohort makes
# 15-month-old customers "new". Absolute bounds keep the words honest, in the feature's units:
# (dimension, level) -> (op, limit, action); "require": the tercile level stands only if the
# centroid meets the bound (else "mid"); "force": meeting the bound sets the level.
ACTIVE_DAYS = 180  # "recent"/"new" mean within about half a year
LAPSED_DAYS = 365  # a year without a purchase is lapsed whatever everyone else does
LEVEL_BOUNDS: dict[tuple[str, str], tuple[str, float, str]] = {
    ("recency", "recent"): ("<=", ACTIVE_DAYS, "require"),
    ("recency", "lapsed"): (">=", LAPSED_DAYS, "force"),
    ("tenure", "low"): ("<=", ACTIVE_DAYS, "require"),
}

# Value tiers name segments by their rank (revenue per customer): the most valuable segment is
# "high-value", the least valuable "low-value", and with k = 3 the one between is "regular". The tier
# words belong to one segment each, so "高价值" / "high value" means exactly one segment.
TIERS: dict[str, dict[str, Any]] = {
    "high": {
        "zh": "高价值客户",
        "en": "high-value",
        "keywords": [
            "vip",
            "best",
            "top",
            "champion",
            "champions",
            "valuable",
            "big spenders",
            "核心",
            "重要",
            "优质",
            "大客户",
            "高消费",
        ],
    },
    "regular": {
        "zh": "普通客户",
        "en": "regular",
        "keywords": ["average", "typical", "normal", "mainstream", "middle", "一般", "普通", "大众", "中等"],
    },
    "low": {
        "zh": "低价值客户",
        "en": "low-value",
        "keywords": ["low value", "least valuable", "small", "cheap", "低消费", "小客户"],
    },
}


def value_tier(rank: int, k: int) -> str | None:
    """The tier that names segment ``rank`` of ``k``, or None for a middle segment of k > 3 (named by behaviour)."""
    if rank == 0:
        return "high"
    if rank == k - 1:
        return "low"
    return "regular" if k == 3 else None


# Behaviour names: every segment's profile, and the name of a middle segment when k > 3. First
# matching rule wins. ``when`` maps a dimension to the levels it accepts; an absent dimension
# accepts any level. ``keywords`` let describe() match phrases a user types. No behaviour name or
# keyword carries a tier's words, so the tier names stay unambiguous; nor the router's words for a tier
# ("高消费", "big spenders", "small spenders" mean the high or low tier there).
NAME_RULES: tuple[dict[str, Any], ...] = (
    {
        "when": {"tenure": ("low",), "frequency": ("low", "mid"), "recency": ("recent", "mid")},
        "zh": "新客户",
        "en": "new customers",
        "keywords": ["new", "newcomer", "first-time", "新客", "新用户", "首购"],
    },
    {
        "when": {"monetary": ("high",), "recency": ("recent",)},
        "zh": "活跃客户",
        "en": "active",
        "keywords": ["active", "engaged", "活跃"],
    },
    {
        "when": {"monetary": ("high",), "recency": ("lapsed",)},
        "zh": "流失风险客户",
        "en": "at risk",
        "keywords": ["churn", "churning", "risk", "risky", "lapsing", "cant lose", "挽回", "流失", "预警"],
    },
    {
        "when": {"monetary": ("high",)},
        "zh": "消费较多客户",
        "en": "heavier spenders",
        "keywords": ["heavier", "heavy", "消费较多"],
    },
    {
        "when": {"frequency": ("high",), "recency": ("recent", "mid")},
        "zh": "忠诚客户",
        "en": "loyal",
        "keywords": ["loyal", "regulars", "repeat", "frequent", "忠实", "回头客", "复购"],
    },
    {
        "when": {"recency": ("recent",)},
        "zh": "潜力客户",
        "en": "promising",
        "keywords": ["promising", "potential", "growing", "潜在", "成长"],
    },
    {
        "when": {"recency": ("lapsed",), "frequency": ("low", "mid"), "monetary": ("low", "mid")},
        "zh": "沉睡客户",
        "en": "dormant",
        "keywords": [
            "dormant",
            "sleeping",
            "inactive",
            "lost",
            "hibernating",
            "churn",
            "churned",
            "休眠",
            "不活跃",
            "流失",
        ],
    },
    {
        "when": {"recency": ("lapsed",)},
        "zh": "流失预警客户",
        "en": "lapsing",
        "keywords": ["risk", "churn", "lapsing", "流失", "预警"],
    },
    {
        "when": {"monetary": ("low",)},
        "zh": "消费较少客户",
        "en": "lighter spenders",
        "keywords": ["lighter", "light", "消费较少"],
    },
    {
        "when": {},
        "zh": "一般客户",
        "en": "average",
        "keywords": ["average", "typical", "normal", "mainstream", "一般", "大众"],
    },
)

# When two segments earn the same name, each gets the qualifier of the feature that best sets it
# apart from its namesakes: (feature, direction) -> (zh, en).
QUALIFIERS: dict[tuple[str, str], tuple[str, str]] = {
    ("recency_days", "lower"): ("近期购买", "recent buyers"),
    ("recency_days", "higher"): ("久未购买", "long inactive"),
    ("frequency", "higher"): ("高频", "frequent"),
    ("frequency", "lower"): ("低频", "infrequent"),
    ("monetary_total", "higher"): ("高消费", "bigger spenders"),
    ("monetary_total", "lower"): ("低消费", "smaller spenders"),
    ("avg_order_value", "higher"): ("大额订单", "large orders"),
    ("avg_order_value", "lower"): ("小额订单", "small orders"),
    ("tenure_days", "higher"): ("老客户", "long-standing"),
    ("tenure_days", "lower"): ("较新", "newer"),
    ("interpurchase_days", "higher"): ("购买间隔长", "long gaps"),
    ("interpurchase_days", "lower"): ("购买间隔短", "short gaps"),
    ("trend", "higher"): ("购买加速", "speeding up"),
    ("trend", "lower"): ("购买放缓", "slowing down"),
    ("negative_share", "higher"): ("差评较多", "more complaints"),
    ("negative_share", "lower"): ("差评较少", "fewer complaints"),
}

# A feature "sets a segment apart" when its centroid sits at least this many population standard
# deviations (in the model's log-scaled space) from the population mean.
DISTINGUISHING_Z = 0.5
MAX_DISTINGUISHING = 4


def _midrank_percentile(sorted_values: np.ndarray, value: float) -> float:
    """Share of the population below ``value``, counting ties as half: 60% ones put 1 at 0.3."""
    lo = np.searchsorted(sorted_values, value, side="left")
    hi = np.searchsorted(sorted_values, value, side="right")
    return float((lo + 0.5 * (hi - lo)) / max(len(sorted_values), 1))


def _level(percentile: float) -> str:
    if percentile <= LOW_Q:
        return "low"
    if percentile >= HIGH_Q:
        return "high"
    return "mid"


# Name bases by English name: behaviour rules and tiers (both read by the phrase matcher and _unique_names).
_RULES_BY_EN: dict[str, dict[str, Any]] = {r["en"]: r for r in (*NAME_RULES, *TIERS.values())}


def segment_levels(percentiles: dict[str, float], centroid: dict[str, float]) -> dict[str, str]:
    """Level word per naming dimension: population terciles, then the absolute bounds of LEVEL_BOUNDS."""
    levels: dict[str, str] = {}
    for dim, (feat, words) in DIMENSIONS.items():
        level = words[_level(percentiles[feat])]
        for (b_dim, b_level), (op, limit, action) in LEVEL_BOUNDS.items():
            if b_dim != dim or feat not in centroid:
                continue
            holds = centroid[feat] <= limit if op == "<=" else centroid[feat] >= limit
            if action == "require" and level == b_level and not holds:
                level = "mid"
            elif action == "force" and holds:
                level = b_level
        levels[dim] = level
    return levels


def name_segment(levels: dict[str, str]) -> dict[str, Any]:
    """The first rule of :data:`NAME_RULES` whose conditions ``levels`` (dimension -> word) meet."""
    for rule in NAME_RULES:
        if all(levels.get(dim) in accepted for dim, accepted in rule["when"].items()):
            return rule
    raise AssertionError("NAME_RULES must end with a catch-all rule")  # pragma: no cover


def _unique_names(segments: list[dict[str, Any]], features: list[str]) -> None:
    """Make ``name_zh``/``name_en`` unique in place: qualify namesakes, then number leftovers."""
    by_name: dict[str, list[dict[str, Any]]] = {}
    for seg in segments:
        by_name.setdefault(seg["name_en"], []).append(seg)
    for group in by_name.values():
        if len(group) < 2:
            continue
        zs = np.array([[s["centroid_z"][f] for f in features] for s in group])
        # Qualify on a feature the naming rule did not read, so "new customers" never become
        # "new customers (long-standing)"; fall back to any feature if those do not differ.
        rule = _RULES_BY_EN[group[0]["rule"]]
        used = {DIMENSIONS[dim][0] for dim in rule.get("when", {})}
        free = np.array([f not in used for f in features])
        for i, seg in enumerate(group):
            others = np.delete(zs, i, axis=0).mean(axis=0)
            diff = zs[i] - others
            scored = np.where(free, np.abs(diff), 0.0)
            j = int(np.argmax(scored)) if scored.max() >= 0.25 else int(np.argmax(np.abs(diff)))
            direction = "higher" if diff[j] > 0 else "lower"
            zh, en = QUALIFIERS.get((features[j], direction), (features[j], features[j]))
            seg["name_zh"] = f"{seg['name_zh']}（{zh}）"
            seg["name_en"] = f"{seg['name_en']} ({en})"
    # Qualifiers can collide too (two namesakes both "frequent"); number them in rank order.
    seen: dict[str, int] = {}
    for seg in segments:
        key = seg["name_en"]
        seen[key] = seen.get(key, 0) + 1
        if seen[key] > 1:
            seg["name_zh"] = f"{seg['name_zh']} {seen[key]}"
            seg["name_en"] = f"{seg['name_en']} {seen[key]}"
    zh_names = [s["name_zh"] for s in segments]
    en_names = [s["name_en"] for s in segments]
    assert len(set(zh_names)) == len(zh_names) and len(set(en_names)) == len(en_names)


# ---------------------------------------------------------------------------------------------
# Fitting (pure: no store, no files; the benchmark calls this directly)
# ---------------------------------------------------------------------------------------------


@dataclass
class SegmentFit:
    """A fitted, ranked, named segmentation of one feature table."""

    features: list[str]
    scaler_mean: np.ndarray
    scaler_scale: np.ndarray
    centroids_z: np.ndarray  # (k, d), rows in rank order
    labels: np.ndarray  # (n,), ranked segment ids
    k: int
    algorithm: str
    silhouette: dict[int, float]
    inertia: dict[int, float]  # per k tried, on the rows k was chosen on (``selection_rows``)
    inertia_final: float  # of the returned model, on every row
    selection_rows: int
    segments: list[dict[str, Any]]
    population: dict[str, dict[str, Any]]
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def sizes(self) -> list[int]:
        return [int(s["size"]) for s in self.segments]


def _progress(enabled: bool) -> Any:
    return progress_bar(enabled, transient=True)


def _kmeans(k: int, n: int, cfg: SegmentationSettings) -> Any:
    from sklearn.cluster import KMeans, MiniBatchKMeans

    if n > cfg.minibatch_threshold:
        return MiniBatchKMeans(
            n_clusters=k,
            random_state=cfg.seed,
            batch_size=cfg.minibatch_batch_size,
            n_init=cfg.n_init,
            max_no_improvement=10,
        )
    return KMeans(n_clusters=k, random_state=cfg.seed, n_init=cfg.n_init)


def _candidate_ks(n: int, cfg: SegmentationSettings, k: int | None) -> list[int]:
    if n < 3:
        raise InputError(f"segmentation needs at least 3 customers with orders before the cutoff; found {n}")
    if k is not None:
        if k < 2:
            raise InputError(f"k must be at least 2; got {k}")
        if k >= n:
            raise InputError(f"k={k} needs more than {k} customers with orders before the cutoff; found {n}")
        return [k]
    if cfg.k_min > cfg.k_max:
        raise ConfigError(f"segmentation.k_min ({cfg.k_min}) is above segmentation.k_max ({cfg.k_max})")
    upper = min(cfg.k_max, n - 1)
    lower = min(cfg.k_min, upper)
    return list(range(lower, upper + 1))


def fit_segments(
    frame: pd.DataFrame,
    cfg: SegmentationSettings,
    k: int | None = None,
    progress: bool = False,
) -> SegmentFit:
    """Scale ``frame`` (customers x features), pick k by silhouette (or use ``k``), fit, rank and name.

    Deterministic for a given frame and ``cfg.seed``.
    """
    # Import before limiting: threadpoolctl only limits the OpenMP runtimes already loaded.
    import sklearn.cluster  # noqa: F401
    import sklearn.metrics  # noqa: F401
    from threadpoolctl import threadpool_limits

    # OpenMP threads spin-wait: on busy shared cores more threads are far slower, not faster.
    with threadpool_limits(limits=cfg.threads):
        return _fit_segments(frame, cfg, k, progress)


def silhouette_scores(x: np.ndarray, labelings: Sequence[np.ndarray], chunk: int = 512) -> list[float]:
    """Mean silhouette of several labelings of the same points, computing the distances once.

    Same definition as :func:`sklearn.metrics.silhouette_score` (a point alone in its cluster
    scores 0; fewer than 2 clusters scores -1 here, so such a k is never preferred), but the
    pairwise distances are computed chunk by chunk once and reduced per cluster with a matrix
    product, so scoring k = 3..8 costs about one silhouette instead of six.
    """
    x = np.asarray(x, dtype=np.float64)
    n = len(x)
    sq = np.einsum("ij,ij->i", x, x)
    onehots, counts, labs = [], [], []
    for lab in labelings:
        _, inv = np.unique(lab, return_inverse=True)
        k = int(inv.max()) + 1
        oh = np.zeros((n, k))
        oh[np.arange(n), inv] = 1.0
        onehots.append(oh)
        counts.append(oh.sum(axis=0))
        labs.append(inv)
    totals = np.zeros(len(labelings))
    for start in range(0, n, chunk):
        stop = min(start + chunk, n)
        d2 = sq[start:stop, None] + sq[None, :] - 2.0 * (x[start:stop] @ x.T)
        np.maximum(d2, 0.0, out=d2)
        d = np.sqrt(d2, out=d2)
        d[np.arange(stop - start), np.arange(start, stop)] = 0.0  # exact zero to self
        rows = np.arange(stop - start)
        for i, (oh, cnt, lab) in enumerate(zip(onehots, counts, labs, strict=True)):
            if len(cnt) < 2:
                continue
            sums = d @ oh  # (chunk, k): summed distance from each point to each cluster
            own = lab[start:stop]
            own_n = cnt[own]
            a = sums[rows, own] / np.maximum(own_n - 1, 1)
            other = sums / cnt
            other[rows, own] = np.inf
            b = other.min(axis=1)
            sil = (b - a) / np.maximum(np.maximum(a, b), 1e-300)
            sil[own_n <= 1] = 0.0
            totals[i] += sil.sum()
    return [float(t / n) if len(c) >= 2 else -1.0 for t, c in zip(totals, counts, strict=True)]


def _fit_segments(frame: pd.DataFrame, cfg: SegmentationSettings, k: int | None, progress: bool) -> SegmentFit:
    from sklearn.preprocessing import StandardScaler

    features = list(frame.columns)
    n = len(frame)
    ks = _candidate_ks(n, cfg, k)
    timings: dict[str, float] = {}

    t0 = time.perf_counter()
    logged = log_scale(frame)
    scaler = StandardScaler().fit(logged)
    z = scaler.transform(logged)
    timings["scale_s"] = time.perf_counter() - t0

    # One seeded sample for every k, so the silhouettes compare like with like.
    rng = np.random.default_rng(cfg.seed)
    # Choosing k is a statistical question a seeded subsample answers as well as all rows; only the
    # chosen k is then refitted on everyone (1M customers: one full fit instead of six).
    refit = len(ks) > 1 and n > cfg.selection_sample
    select_idx = np.sort(rng.choice(n, size=cfg.selection_sample, replace=False)) if refit else np.arange(n)
    z_select = z[select_idx]
    m = len(select_idx)
    sample = np.sort(rng.choice(m, size=min(m, cfg.silhouette_sample), replace=False))
    silhouettes: dict[int, float] = {}
    inertias: dict[int, float] = {}
    models: dict[int, Any] = {}
    t0 = time.perf_counter()
    with _progress(progress) as bar:
        task = bar.add_task("fitting K-means", total=len(ks) + 1 + int(refit))
        for kk in ks:
            bar.update(task, description=f"fitting K-means k={kk}")
            models[kk] = _kmeans(kk, m, cfg).fit(z_select)
            inertias[kk] = float(models[kk].inertia_)
            bar.advance(task)
        bar.update(task, description="silhouette on the sample")
        scores = silhouette_scores(z_select[sample], [np.asarray(models[kk].labels_)[sample] for kk in ks])
        bar.advance(task)
    best: tuple[float, int] | None = None
    for kk, score in zip(ks, scores, strict=True):
        silhouettes[kk] = round(score, 6)
        log.info("k=%d silhouette=%.4f inertia=%.1f", kk, score, inertias[kk])
        # Strictly better only: ties keep the smaller k (fewer, simpler segments).
        if best is None or score > best[0]:
            best = (score, kk)
    timings["fit_select_s"] = time.perf_counter() - t0
    assert best is not None
    k_best = best[1]
    model = models[k_best]
    if refit:
        t0 = time.perf_counter()
        model = _kmeans(k_best, n, cfg).fit(z)
        timings["refit_s"] = time.perf_counter() - t0
    algorithm = type(model).__name__

    t0 = time.perf_counter()
    raw_labels = np.asarray(model.labels_)
    centroids_z = np.asarray(model.cluster_centers_, dtype=float)
    monetary = frame["monetary_total"].to_numpy(dtype=float)
    sums = np.bincount(raw_labels, weights=monetary, minlength=k_best)
    counts = np.bincount(raw_labels, minlength=k_best)
    per_customer = sums / np.maximum(counts, 1)
    # Segment 0 = most revenue per customer; ties broken by the raw id for determinism.
    order = sorted(range(k_best), key=lambda c: (-per_customer[c], c))
    remap = np.empty(k_best, dtype=np.int64)
    remap[order] = np.arange(k_best)
    labels = remap[raw_labels]
    centroids_z = centroids_z[order]

    population = _population_stats(frame, features)
    segments = _profiles(frame, labels, centroids_z, scaler, features, population)
    timings["profile_s"] = time.perf_counter() - t0
    return SegmentFit(
        features=features,
        scaler_mean=np.asarray(scaler.mean_, dtype=float),
        scaler_scale=np.asarray(scaler.scale_, dtype=float),
        centroids_z=centroids_z,
        labels=labels,
        k=k_best,
        algorithm=algorithm,
        silhouette=silhouettes,
        inertia=inertias,
        inertia_final=float(model.inertia_),
        selection_rows=m,
        segments=segments,
        population=population,
        timings=timings,
    )


def _population_stats(frame: pd.DataFrame, features: list[str]) -> dict[str, dict[str, Any]]:
    out: dict[str, dict[str, Any]] = {}
    grid = np.linspace(0.0, 1.0, 101)
    for f in features:
        col = frame[f].to_numpy(dtype=float)
        out[f] = {
            "median": float(np.median(col)),
            "mean": float(col.mean()),
            "quantiles": [float(q) for q in np.quantile(col, grid)],
        }
    return out


def _segment_means(frame: pd.DataFrame, mask: np.ndarray) -> dict[str, float | None]:
    """Plain means over the segment's members (the centroid is a log-space centre, not a mean).

    recency_days, frequency (purchase days) and monetary_total (total spend) are per-customer means;
    aov is the segment's spend per purchase day (total spend / total purchase days), the unit of the
    avg_order_value feature.
    """
    part = frame.loc[mask]
    out: dict[str, float | None] = {
        f: round(float(part[f].mean()), 4) if f in part and len(part) else None
        for f in ("recency_days", "frequency", "monetary_total")
    }
    days = float(part["frequency"].sum()) if "frequency" in part else 0.0
    out["aov"] = round(float(part["monetary_total"].sum()) / days, 4) if days > 0 else None
    return out


def _profiles(
    frame: pd.DataFrame,
    labels: np.ndarray,
    centroids_z: np.ndarray,
    scaler: Any,
    features: list[str],
    population: dict[str, dict[str, Any]],
) -> list[dict[str, Any]]:
    n = len(frame)
    values = frame.to_numpy(dtype=float)
    sorted_cols = {f: np.sort(values[:, j]) for j, f in enumerate(features)}
    centroids = inverse_log_scale(scaler.inverse_transform(centroids_z), features)
    monetary = frame["monetary_total"].to_numpy(dtype=float)
    total_revenue = float(monetary.sum())
    segments: list[dict[str, Any]] = []
    for c in range(len(centroids_z)):
        mask = labels == c
        size = int(mask.sum())
        revenue = float(monetary[mask].sum())
        centroid = {f: float(centroids[c, j]) for j, f in enumerate(features)}
        centroid_z = {f: float(centroids_z[c, j]) for j, f in enumerate(features)}
        percentiles = {f: _midrank_percentile(sorted_cols[f], centroid[f]) for f in features}
        levels = segment_levels(percentiles, centroid)
        rule = name_segment(levels)
        ranked = sorted(features, key=lambda f: (-abs(centroid_z[f]), features.index(f)))
        picked = [f for f in ranked if abs(centroid_z[f]) >= DISTINGUISHING_Z][:MAX_DISTINGUISHING] or ranked[:1]
        distinguishing = [
            {
                "feature": f,
                "label_zh": FEATURE_LABELS[f]["zh"],
                "label_en": FEATURE_LABELS[f]["en"],
                "value": round(centroid[f], 4),
                "overall": round(population[f]["median"], 4),
                "z": round(centroid_z[f], 3),
                "direction": "higher" if centroid_z[f] > 0 else "lower",
            }
            for f in picked
        ]
        members = values[mask]
        tier = value_tier(c, len(centroids_z))
        base = TIERS[tier] if tier is not None else rule
        # A tier-named segment keeps its behaviour's words as keywords: "dormant" still finds it.
        keywords = list(base["keywords"])
        if tier is not None:
            keywords += [w for w in (*rule["keywords"], rule["zh"], rule["en"]) if w not in keywords]
        segments.append(
            {
                "segment": c,
                "name_zh": base["zh"],
                "name_en": base["en"],
                "rule": base["en"],
                "tier": tier,
                "behaviour": {"zh": rule["zh"], "en": rule["en"]},
                "keywords": keywords,
                "means": _segment_means(frame, mask),
                "size": size,
                "share_customers": round(size / n, 6),
                "revenue": round(revenue, 2),
                "revenue_share": round(revenue / total_revenue, 6) if total_revenue > 0 else 0.0,
                "avg_revenue": round(revenue / max(size, 1), 4),
                "centroid": {f: round(v, 4) for f, v in centroid.items()},
                "centroid_z": {f: round(v, 4) for f, v in centroid_z.items()},
                "member_median": {
                    f: round(float(np.median(members[:, j])), 4) if size else None for j, f in enumerate(features)
                },
                "percentile": {f: round(p, 4) for f, p in percentiles.items()},
                "levels": levels,
                "distinguishing": distinguishing,
            }
        )
    _unique_names(segments, features)
    return segments


# ---------------------------------------------------------------------------------------------
# Training against the store: artifact + SegmentAssignment rows
# ---------------------------------------------------------------------------------------------


def _write_assignments(conn: Any, version: str, customer_pk: np.ndarray, labels: np.ndarray, chunk: int) -> int:
    from sqlalchemy import delete, insert

    from crm_insights.store.models import SegmentAssignment

    conn.execute(delete(SegmentAssignment).where(SegmentAssignment.model_version == version))
    rows = [
        {"model_version": version, "customer_id": int(pk), "segment": int(seg)}
        for pk, seg in zip(customer_pk.tolist(), labels.tolist(), strict=True)
    ]
    # executemany of one INSERT: SQLAlchemy batches it into multi-row VALUES on both backends.
    for start in range(0, len(rows), chunk):
        conn.execute(insert(SegmentAssignment), rows[start : start + chunk])
    return len(rows)


def train_segments(
    engine: Engine,
    settings: Settings,
    k: int | None = None,
    as_of: datetime | None = None,
    progress: bool = True,
) -> ArtifactInfo:
    """Compute features as of ``as_of``, fit segments, save the ``segments`` artifact, write assignments.

    ``k`` fixes the number of segments (else ``settings.segmentation.k`` or silhouette over
    ``k_min..k_max``). ``as_of`` is an exclusive cutoff (None: the day after the last order).
    Assignments are written in the same transaction that publishes the artifact, so the table and
    the registry agree on the version.
    """
    import os
    from datetime import UTC

    cfg = settings.segmentation
    started = time.perf_counter()
    feats = customer_features(engine, as_of=as_of, trend_window_days=cfg.trend_window_days)
    fit = fit_segments(feats.frame, cfg, k=k if k is not None else cfg.k, progress=progress)

    version = f"{KIND}-{datetime.now(UTC).strftime('%Y%m%dT%H%M%S')}-{os.urandom(3).hex()}"
    config = {
        "k": k if k is not None else cfg.k,
        "k_min": cfg.k_min,
        "k_max": cfg.k_max,
        "silhouette_sample": cfg.silhouette_sample,
        "selection_sample": cfg.selection_sample,
        "minibatch_threshold": cfg.minibatch_threshold,
        "minibatch_batch_size": cfg.minibatch_batch_size,
        "n_init": cfg.n_init,
        "seed": cfg.seed,
        "threads": cfg.threads,
        "trend_window_days": cfg.trend_window_days,
        "as_of": feats.as_of.isoformat(),
        "features": fit.features,
        "feature_notes": feats.notes,
    }
    metrics = {
        "k": fit.k,
        "algorithm": fit.algorithm,
        "n_customers": len(feats),
        "silhouette": {str(kk): v for kk, v in fit.silhouette.items()},
        "silhouette_best": fit.silhouette[fit.k],
        "inertia": {str(kk): v for kk, v in fit.inertia.items()},
        "inertia_final": fit.inertia_final,
        "selection_rows": fit.selection_rows,
        "sizes": fit.sizes,
        "names_en": [s["name_en"] for s in fit.segments],
        "names_zh": [s["name_zh"] for s in fit.segments],
    }

    def write(path: Path) -> None:
        _save_model(path, fit, feats)

    with engine.begin() as conn:
        written = _write_assignments(conn, version, feats.customer_pk.to_numpy(), fit.labels, cfg.insert_chunk)
        # Segments changed: the metrics rollup is rebuilt under the new version in the same transaction.
        from crm_insights.store.rollup import refresh_rollup

        refresh_rollup(conn, version)
        info = registry(settings).save(KIND, write, config=config, metrics=metrics, version=version)
    metrics["assignments_written"] = written
    metrics["train_s"] = round(time.perf_counter() - started, 3)
    log.info("segments %s: k=%d, %d customers, %.1fs", version, fit.k, written, metrics["train_s"])
    return ArtifactInfo(
        kind=info.kind,
        version=info.version,
        path=info.path,
        created_at=info.created_at,
        config=info.config,
        metrics={**info.metrics, "assignments_written": written, "train_s": metrics["train_s"]},
    )


def _save_model(path: Path, fit: SegmentFit, feats: CustomerFeatures) -> None:
    model = {
        "format": FORMAT_VERSION,
        "features": fit.features,
        "log_features": [f for f in fit.features if f in LOG_FEATURES],
        "scaler_mean": fit.scaler_mean.tolist(),
        "scaler_scale": fit.scaler_scale.tolist(),
        "centroids_z": fit.centroids_z.tolist(),
        "k": fit.k,
        "algorithm": fit.algorithm,
        "as_of": feats.as_of.isoformat(),
        "n_customers": len(feats),
        "segments": fit.segments,
        "population": fit.population,
        "feature_notes": feats.notes,
    }
    (path / MODEL_FILE).write_text(json.dumps(model, ensure_ascii=False, indent=1))
    table = feats.frame.copy()
    table.insert(0, "segment", fit.labels.astype("int32"))
    table.insert(0, "customer_pk", feats.customer_pk.to_numpy())
    table.reset_index().to_parquet(path / CUSTOMERS_FILE, index=False)


# ---------------------------------------------------------------------------------------------
# Using a trained model
# ---------------------------------------------------------------------------------------------

_ID_WORDS = re.compile(
    r"^(?:(?:segment|seg|cluster|group|no\.?|number|#|第|分群|客群|群组|类别|类|群|组|簇)\s*)*"
    r"(?P<num>\d+|[零〇一二两三四五六七八九十]+)\s*"
    r"(?:类|群|组|簇|号|个|段|segment|cluster)?(?:客户|用户)?$",
    re.IGNORECASE,
)


def _tokens(text: str) -> set[str]:
    return {t for t in re.split(r"[^0-9a-z]+", text.lower()) if t}


def _bigrams(text: str) -> set[str]:
    han = "".join(ch for ch in text if "\u4e00" <= ch <= "\u9fff")
    if len(han) == 1:
        return {han}
    return {han[i : i + 2] for i in range(len(han) - 1)}


def _norm(text: str) -> str:
    return re.sub(r"[\s\-_()（）]+", "", text.lower())


# Filler words a user wraps a segment phrase in ("the high value customers segment").
_STOP = {"the", "a", "an", "segment", "segments", "cluster", "group", "customers", "customer", "users", "who", "are"}
_STOP_ZH = ("客户", "用户", "分群", "群体", "这类", "那类", "的")


class SegmentModel:
    """A trained segmentation loaded from its artifact (no store needed)."""

    def __init__(self, info: ArtifactInfo, model: dict[str, Any]):
        if model.get("format") != FORMAT_VERSION:
            raise ArtifactError(
                f"segments artifact {info.version} has format {model.get('format')!r}; this code reads "
                f"{FORMAT_VERSION}: retrain with `crm-insights train segments`"
            )
        self.info = info
        self.version = info.version
        self.features: list[str] = list(model["features"])
        self.as_of = datetime.fromisoformat(model["as_of"])
        self.k = int(model["k"])
        self._model = model
        self._segments: list[dict[str, Any]] = model["segments"]
        self._mean = np.asarray(model["scaler_mean"], dtype=float)
        self._scale = np.asarray(model["scaler_scale"], dtype=float)
        self._centroids = np.asarray(model["centroids_z"], dtype=float)
        self._table: pd.DataFrame | None = None
        self._by_number: dict[int, str] | None = None
        # The model is immutable once loaded, so a segment's member means (for artifacts that do not store
        # them) are computed once: a pass over every customer row per segment on each call made
        # GET /v1/segments about 20x slower.
        self._table_means_cache: dict[int, dict[str, float | None]] = {}

    # -- loading -------------------------------------------------------------------------------
    @classmethod
    def load(cls, settings: Settings | None = None, version: str | None = None) -> SegmentModel:
        """The latest (or the given) ``segments`` artifact; NotReadyError names the command to build one."""
        reg = registry(settings)
        info = reg.get(KIND, version) if version else reg.require(KIND)
        try:
            model = json.loads((info.path / MODEL_FILE).read_text())
        except FileNotFoundError as exc:
            raise ArtifactError(f"segments artifact {info.version} has no {MODEL_FILE}") from exc
        except json.JSONDecodeError as exc:
            raise ArtifactError(f"segments artifact {info.version}: {MODEL_FILE} is corrupt: {exc}") from exc
        return cls(info, model)

    @property
    def table(self) -> pd.DataFrame:
        """Per-customer features and segment at training time (index: external customer id)."""
        if self._table is None:
            path = self.info.path / CUSTOMERS_FILE
            if not path.exists():
                raise ArtifactError(f"segments artifact {self.version} has no {CUSTOMERS_FILE}")
            df = pd.read_parquet(path)
            df["customer_id"] = df["customer_id"].astype(str)
            self._table = df.set_index("customer_id")
        return self._table

    @property
    def metrics(self) -> dict[str, Any]:
        return dict(self.info.metrics)

    # -- segments ------------------------------------------------------------------------------
    def segments(self) -> list[dict[str, Any]]:
        """Every segment in rank order (0 = most revenue per customer)."""
        return [self._public(s) for s in self._segments]

    def _public(self, seg: dict[str, Any]) -> dict[str, Any]:
        keep = (
            "segment",
            "name_zh",
            "name_en",
            "size",
            "share_customers",
            "revenue",
            "revenue_share",
            "avg_revenue",
            "centroid",
            "member_median",
            "levels",
            "distinguishing",
        )
        out = {key: seg[key] for key in keep}
        # Added later: artifacts trained before them lack tier and behaviour; their means come from the table.
        for key in ("tier", "behaviour"):
            if key in seg:
                out[key] = seg[key]
        out["means"] = seg.get("means") or self._table_means(int(seg["segment"]))
        return out

    def _table_means(self, seg_id: int) -> dict[str, float | None]:
        if seg_id not in self._table_means_cache:
            table = self.table
            self._table_means_cache[seg_id] = _segment_means(
                table[self.features], (table["segment"] == seg_id).to_numpy()
            )
        return dict(self._table_means_cache[seg_id])  # a copy: callers may edit what they are given

    def resolve(self, segment: int | str) -> tuple[int, str]:
        """Segment id for a reference and how it matched: ``id``, ``name`` or ``phrase``.

        Accepts an int, "2", "segment 2", "#2", "第2类", "第二类", an exact zh/en name, or a phrase
        ("high value", "高价值", "churn risk"); ties in a phrase go to the more valuable segment.
        """
        if isinstance(segment, bool):
            raise InputError(f"not a segment reference: {segment!r}")
        if isinstance(segment, int | np.integer):
            return self._check_id(int(segment)), "id"
        text = str(segment).strip()
        if not text:
            raise InputError(f"empty segment reference; give an id (0..{self.k - 1}) or a name")
        m = _ID_WORDS.match(text)
        if m:
            num = to_int(m.group("num"))
            if num is not None:
                return self._check_id(num), "id"
        norm = _norm(text)
        for seg in self._segments:
            if norm in (_norm(seg["name_zh"]), _norm(seg["name_en"])):
                return int(seg["segment"]), "name"
        best = self._phrase_match(text)
        if best is None:
            raise NotFoundError(f"no segment matches {text!r}; segments are: {self._listing()}")
        return best, "phrase"

    def _phrase_match(self, text: str) -> int | None:
        ranked = self._phrase_scores(text)
        return ranked[0][1] if ranked else None

    def _phrase_scores(self, text: str) -> list[tuple[float, int]]:
        """(score, segment) for every segment a phrase touches, best first; ties: more valuable first."""
        q_tokens = _tokens(text) - _STOP
        q_zh = text
        for w in _STOP_ZH:
            q_zh = q_zh.replace(w, "")
        q_bigrams = _bigrams(q_zh)
        scores: list[tuple[float, int]] = []
        for seg in self._segments:
            name_tokens = _tokens(seg["name_en"])
            kw_tokens = set().union(*(_tokens(k) for k in seg["keywords"])) if seg["keywords"] else set()
            zh_text = seg["name_zh"] + "".join(k for k in seg["keywords"])
            name_bigrams = _bigrams(seg["name_zh"])
            kw_bigrams = _bigrams(zh_text) if zh_text else set()
            score = 0.0
            if q_tokens:
                # Name words count fully, rule keywords half: "high value" prefers a high-value name.
                score += sum(1.0 if t in name_tokens else 0.5 if t in kw_tokens else 0.0 for t in q_tokens) / len(
                    q_tokens
                )
            if q_bigrams:
                hits = sum(1.0 if b in name_bigrams else 0.5 if b in kw_bigrams else 0.0 for b in q_bigrams)
                score += hits / len(q_bigrams)
                if q_zh and q_zh in seg["name_zh"]:
                    score += 0.5
            if score > 0:
                # Fewer extra words in the rule's name = closer match ("high value" -> "high-value"
                # over "high-value active"); qualifiers do not count, so namesakes tie and the more
                # valuable one wins.
                rule = _RULES_BY_EN.get(seg["rule"], {"en": seg["name_en"], "zh": seg["name_zh"]})
                extra = len(_tokens(rule["en"]) - q_tokens) + len(_bigrams(rule["zh"]) - q_bigrams)
                # A keyword-only match ("VIP", "best") says nothing about name length: no penalty.
                if not (q_tokens & name_tokens or q_bigrams & name_bigrams):
                    extra = 0
                scores.append((round(score - 0.01 * extra, 9), int(seg["segment"])))
        scores.sort(key=lambda s: (-s[0], s[1]))
        return scores

    def _check_id(self, seg_id: int) -> int:
        if not 0 <= seg_id < self.k:
            raise NotFoundError(
                f"segment {seg_id} does not exist; this model has segments 0..{self.k - 1}: {self._listing()}"
            )
        return seg_id

    def _listing(self) -> str:
        return ", ".join(f"{s['segment']} {s['name_zh']} / {s['name_en']}" for s in self._segments)

    def describe(self, segment: int | str) -> dict[str, Any]:
        """One segment's profile, resolved from whatever the user typed (see :meth:`resolve`)."""
        seg_id, how = self.resolve(segment)
        seg = self._segments[seg_id]
        out = self._public(seg)
        out["matched"] = {"query": segment, "by": how}
        if how == "phrase":
            # Other segments the phrase fits as well ("dormant" with three dormant segments), so an
            # answer can mention them instead of pretending the match was unique.
            ranked = self._phrase_scores(str(segment))
            out["matched"]["also"] = [sid for score, sid in ranked if sid != seg_id and score >= ranked[0][0] - 1e-9]
        out["model_version"] = self.version
        out["as_of"] = self.as_of.isoformat()
        out["percentile"] = seg["percentile"]
        out["population_median"] = {f: self._model["population"][f]["median"] for f in self.features}
        members = self.table.loc[self.table["segment"] == seg_id]
        top = members.sort_values(["monetary_total", "frequency"], ascending=False).head(5)
        out["top_members"] = [
            {
                "customer_id": cid,
                "monetary_total": round(float(r["monetary_total"]), 2),
                "frequency": int(r["frequency"]),
            }
            for cid, r in top.iterrows()
        ]
        return out

    def members(self, segment: int | str) -> list[str]:
        """External ids of the customers in a segment (at training time), most valuable first."""
        seg_id, _ = self.resolve(segment)
        members = self.table.loc[self.table["segment"] == seg_id]
        return [str(c) for c in members.sort_values("monetary_total", ascending=False, kind="stable").index]

    def stored_assignments(self, engine: Engine, segment: int | str | None = None) -> pd.DataFrame:
        """This version's rows of the ``segment_assignments`` table: ``customer_id`` (external), ``segment``.

        The same assignments as :meth:`members`, read from the store so SQL users and joins see them.
        """
        from sqlalchemy import select

        from crm_insights.store.models import Customer, SegmentAssignment

        stmt = (
            select(Customer.external_id.label("customer_id"), SegmentAssignment.segment)
            .join(Customer, Customer.id == SegmentAssignment.customer_id)
            .where(SegmentAssignment.model_version == self.version)
        )
        if segment is not None:
            stmt = stmt.where(SegmentAssignment.segment == self.resolve(segment)[0])
        with engine.connect() as conn:
            df = pd.read_sql(stmt.order_by(Customer.external_id), conn)
        df["customer_id"] = df["customer_id"].astype(str)
        return df

    # -- customers -----------------------------------------------------------------------------
    def _find_customer(self, customer_id: str) -> str:
        cid = str(customer_id).strip()
        table = self.table
        if cid in table.index:
            return cid
        # Source ids are kept verbatim ("00100"); a user typing 100 means the same customer.
        if cid.isdigit():
            match = self._numeric_ids().get(int(cid))
            if match is not None:
                return match
        raise NotFoundError(
            f"customer {customer_id!r} is not in segments model {self.version}: unknown, or no orders before "
            f"its cutoff {self.as_of.date()}"
        )

    def _numeric_ids(self) -> dict[int, str]:
        """int(id) -> id for all-digit source ids; ambiguous numbers ("7" and "007" both stored) left out."""
        if self._by_number is None:
            ids = [c for c in self.table.index if c.isdigit()]
            counts: dict[int, int] = {}
            for c in ids:
                counts[int(c)] = counts.get(int(c), 0) + 1
            self._by_number = {int(c): c for c in ids if counts[int(c)] == 1}
        return self._by_number

    def _z(self, values: np.ndarray) -> np.ndarray:
        logged = log_scale(pd.DataFrame(values.reshape(1, -1), columns=self.features))[0]
        return (logged - self._mean) / self._scale

    def assign(self, customer_id: str) -> dict[str, Any]:
        """A customer's segment and why: each feature against the centroid and the population, in z units.

        ``z`` is the customer's standing vs the population (log-scaled, standardised), ``centroid_z``
        the segment's; ``gap`` = z - centroid_z. ``margin`` compares the distance to this centroid
        with the nearest other one (positive: clearly inside).
        """
        cid = self._find_customer(customer_id)
        row = self.table.loc[cid]
        seg_id = int(row["segment"])
        seg = self._segments[seg_id]
        values = row[self.features].to_numpy(dtype=float)
        z = self._z(values)
        dists = np.linalg.norm(self._centroids - z, axis=1)
        others = [d for i, d in enumerate(dists) if i != seg_id]
        nearest_other = int(np.argmin([d if i != seg_id else np.inf for i, d in enumerate(dists)])) if others else None
        reason = []
        for j, f in enumerate(self.features):
            cz = float(self._centroids[seg_id, j])
            reason.append(
                {
                    "feature": f,
                    "label_zh": FEATURE_LABELS[f]["zh"],
                    "label_en": FEATURE_LABELS[f]["en"],
                    "value": round(float(values[j]), 4),
                    "centroid": seg["centroid"][f],
                    "overall": self._model["population"][f]["median"],
                    "z": round(float(z[j]), 3),
                    "centroid_z": round(cz, 3),
                    "gap": round(float(z[j] - cz), 3),
                }
            )
        # The features where the customer stands out from the population most explain the placement.
        reason.sort(key=lambda r: -abs(r["z"]))
        return {
            "customer_id": cid,
            "segment": seg_id,
            "name_zh": seg["name_zh"],
            "name_en": seg["name_en"],
            "model_version": self.version,
            "as_of": self.as_of.isoformat(),
            "distance": round(float(dists[seg_id]), 4),
            "nearest_other_segment": nearest_other,
            "margin": round(float(min(others) - dists[seg_id]), 4) if others else None,
            "reason": reason,
        }

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        """Segment ids for new feature rows (columns as :attr:`features`), by nearest centroid."""
        missing = [f for f in self.features if f not in frame.columns]
        if missing:
            raise InputError(f"feature frame lacks columns {missing}")
        logged = log_scale(frame[self.features])
        z = (logged - self._mean) / self._scale
        d = ((z[:, None, :] - self._centroids[None, :, :]) ** 2).sum(axis=2)
        return np.asarray(d.argmin(axis=1))


def segment_table_rows(segments: Sequence[dict[str, Any]]) -> Iterator[list[str]]:
    """Rows for a printed table of segments (id, names, size, shares, R/F/M, what sets it apart)."""
    for s in segments:
        c = s["centroid"]
        apart = ", ".join(
            f"{d['label_en']} {'↑' if d['direction'] == 'higher' else '↓'}{abs(d['z']):.1f}σ"
            for d in s["distinguishing"]
        )
        yield [
            str(s["segment"]),
            s["name_zh"],
            s["name_en"],
            f"{s['size']:,}",
            f"{s['share_customers']:.1%}",
            f"{s['revenue_share']:.1%}",
            f"{s['avg_revenue']:,.2f}",
            f"{c['recency_days']:.0f}",
            f"{c['frequency']:.1f}",
            apart,
        ]


SEGMENT_TABLE_COLUMNS = [
    "#",
    "名称",
    "name",
    "customers",
    "share",
    "revenue share",
    "avg spend",
    "recency (d)",
    "purchase days",
    "sets it apart",
]


def segment_customer_ids(segment: str | int, settings: Settings | None = None) -> list[str]:
    """External ids of the customers in ``segment`` (an id, a zh/en name or a phrase) of the latest segments model.

    NotReadyError (saying what to run) when no segments model exists.
    """
    ref: str | int = int(segment) if isinstance(segment, str) and segment.strip().isdigit() else segment
    return list(SegmentModel.load(settings).members(ref))


__all__ = [
    "NAME_RULES",
    "SegmentFit",
    "SegmentModel",
    "TIERS",
    "fit_segments",
    "name_segment",
    "segment_levels",
    "segment_customer_ids",
    "segment_table_rows",
    "silhouette_scores",
    "train_segments",
    "value_tier",
]
