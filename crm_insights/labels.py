"""Sentiment label names: the one definition the store's users, models, tools, charts and answers share.

Feedback rows hold ``positive`` / ``neutral`` / ``negative``; people and CSV exports also write
正面 / 中性 / 负面, pos / neg, 好评 / 差评 and the like, which :func:`sentiment_label` maps back.
"""

from __future__ import annotations

from typing import Literal, get_args

# The label type for tool arguments; its order is the display order (most positive first): tables,
# counts, shares, pie charts.
SentimentLabel = Literal["positive", "neutral", "negative"]
SENTIMENT_LABELS: tuple[SentimentLabel, ...] = get_args(SentimentLabel)
# Ascending polarity: a classifier's class order (a binary model's columns are negative, positive) and
# the stacking order of sentiment bars.
SENTIMENT_CLASSES: tuple[str, ...] = ("negative", "neutral", "positive")
SENTIMENT_ZH: dict[str, str] = {"positive": "正面", "neutral": "中性", "negative": "负面"}
# Lower-cased spellings -> label; the labels map to themselves.
SENTIMENT_ALIASES: dict[str, str] = {
    **{label: label for label in SENTIMENT_LABELS},
    "pos": "positive",
    "good": "positive",
    "正面": "positive",
    "积极": "positive",
    "好评": "positive",
    "neg": "negative",
    "bad": "negative",
    "负面": "negative",
    "消极": "negative",
    "差评": "negative",
    "neu": "neutral",
    "中性": "neutral",
    "中立": "neutral",
    "中评": "neutral",
}


def sentiment_label(value: str) -> str | None:
    """The label a spelling names (case and surrounding spaces ignored), or None for an unknown one."""
    return SENTIMENT_ALIASES.get(value.strip().lower())
