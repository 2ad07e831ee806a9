"""Sentiment label names: every spelling maps to one of the three labels, in both orders."""

from __future__ import annotations

import pytest

from crm_insights.labels import SENTIMENT_ALIASES, SENTIMENT_CLASSES, SENTIMENT_LABELS, SENTIMENT_ZH, sentiment_label


def test_orders_and_names_cover_the_same_labels() -> None:
    assert set(SENTIMENT_LABELS) == set(SENTIMENT_CLASSES) == set(SENTIMENT_ZH) == set(SENTIMENT_ALIASES.values())
    assert tuple(reversed(SENTIMENT_LABELS)) == SENTIMENT_CLASSES  # ascending polarity, display reversed


@pytest.mark.parametrize(
    ("spelling", "label"),
    [(" Positive ", "positive"), ("正面", "positive"), ("差评", "negative"), ("NEG", "negative"), ("中立", "neutral")],
)
def test_spellings(spelling: str, label: str) -> None:
    assert sentiment_label(spelling) == label
    assert sentiment_label(SENTIMENT_ZH[label]) == label


def test_unknown_spelling_is_none() -> None:
    assert sentiment_label("great") is None
