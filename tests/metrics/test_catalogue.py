from __future__ import annotations

import pytest

from crm_insights.metrics.catalogue import MEASURES, measure_key


@pytest.mark.parametrize("key", sorted(MEASURES))
def test_every_key_names_its_own_measure(key: str) -> None:
    # a key is that measure even where it reads like another's synonym ("repeat_customers" vs "repeat customers")
    assert measure_key(key) == key
    assert measure_key(key.replace("_", " ").upper()) == key


def test_names_and_synonyms_read_as_their_measure() -> None:
    assert measure_key("existing customers") == "returning_customers"
    assert measure_key("复购率") == "repeat_rate"
    assert measure_key("multi-purchase buyers") == "repeat_customers"
    assert measure_key("no such measure") is None
