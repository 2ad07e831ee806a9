"""Number formats of the answer templates."""

from __future__ import annotations

import pytest

from crm_insights.agent.templating import fmt_pct2


@pytest.mark.parametrize(
    ("value", "text"),
    [(0.12345, "12.35%"), (0.008152, "0.815%"), (-0.3922, "-39.22%"), (0.0, "0.00%"), (None, "—"), (1.0, "100.00%")],
)
def test_shares_under_one_percent_keep_a_third_decimal(value: float | None, text: str) -> None:
    assert fmt_pct2(value) == text
