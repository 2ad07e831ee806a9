"""The figure check: every number in an answer must appear in the tool results (formatting allowed)."""

from __future__ import annotations

import pytest

from crm_insights.agent.checks import check_figures, extract_figures

RESULT = {
    "data": {
        "revenue": 1234567.891,
        "churn_risk": 0.12345,
        "orders": 17,
        "period": {"first": "1997-01-01T00:00:00", "last": "1998-06-30"},
        "customers": [{"customer_id": "00100"}, {"customer_id": "00042"}, {"customer_id": "00007"}],
    },
    "evidence": {"tool": "x", "rows_considered": 69659},
}


@pytest.mark.parametrize(
    "answer",
    [
        "Revenue 1,234,567.89 from 17 orders.",
        "Revenue about 1,234,568 (1.23M).",
        "收入约 123.5万，流失风险 12.3%。",
        "churn risk 12%, 0.12 as a fraction",
        "3 customers (the list has three entries) since 1997-01-01, until 1998年6月30日.",
        "Customer 00100 and customer 42.",
        "1. first\n2. second\n69,659 rows considered",
        "No figures at all.",
    ],
)
def test_supported(answer: str) -> None:
    result = check_figures(answer, [RESULT])
    assert result.ok, result.unsupported


@pytest.mark.parametrize(
    ("answer", "bad"),
    [
        ("Revenue 1,234,999.", ["1,234,999"]),
        ("收入 124万", ["124万"]),
        ("churn risk 13.5%", ["13.5%"]),
        ("since 2001-01-01", ["2001-01-01"]),
        ("18 orders, 17 expected", ["18"]),
    ],
)
def test_unsupported(answer: str, bad: list[str]) -> None:
    result = check_figures(answer, [RESULT])
    assert not result.ok and result.unsupported == bad
    assert bad[0] in result.findings("en") and bad[0] in result.findings("zh")


def test_quoted_list_markers_count() -> None:
    result = {"data": {"hits": [{"quote": "3、包装还是不怎么样"}]}}
    assert check_figures("> “3、包装还是不怎么样” — customer 18483", [result, "18483"]).ok


def test_question_and_args_count_as_sources() -> None:
    assert check_figures("Top 5 over 13 weeks", ["top 5", {"horizon_weeks": 13}]).ok


def test_extract_formats() -> None:
    figs = extract_figures("1,234.5 and 12.3% and 3万 and -4")
    assert [(f.value, f.decimals, f.percent, f.multiplier) for f in figs] == [
        (1234.5, 1, False, 1.0),
        (12.3, 1, True, 1.0),
        (3.0, 0, False, 1e4),
        (4.0, 0, False, 1.0),
    ]


def test_period_names_are_not_figures() -> None:
    figs = extract_figures("1998-H1 对比 1997-H1，1998Q2 vs 1997-q2: 476,154.37")
    assert [f.value for f in figs] == [476154.37]
