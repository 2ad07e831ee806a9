"""bench/agent_eval.py's answered-correctly scorer: numbers as a reader sees them, tolerance, scopes, kinds."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCH = Path(__file__).resolve().parents[2] / "bench" / "agent_eval.py"


@pytest.fixture(scope="module")
def ev() -> ModuleType:
    spec = importlib.util.spec_from_file_location("agent_eval_bench", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["agent_eval_bench"] = module
    spec.loader.exec_module(module)
    return module


REVENUE_1997 = 2024161.26  # the format document's example


@pytest.mark.parametrize(
    "text",
    [
        "1997年销售额 2,024,161.26",
        "revenue **2024161.26** in 1997",
        "约 202.42万",
        "about 2.024M",
        "2,024.16k",
        "0.0202亿",
    ],
)
def test_a_figure_is_found_in_every_written_form(ev: ModuleType, text: str) -> None:
    assert ev.figure_found({"value": REVENUE_1997, "rel_tol": 0.005}, ev.answer_numbers(text))


@pytest.mark.parametrize(("text", "found"), [("2,034,161", False), ("2,030,000", True), ("2.1M", False)])
def test_relative_tolerance_decides(ev: ModuleType, text: str, found: bool) -> None:
    value = {"value": REVENUE_1997, "rel_tol": 0.003}
    assert ev.figure_found(value, ev.answer_numbers(text)) is found


@pytest.mark.parametrize(("text", "found"), [("复购率 49.48%", True), ("repeat rate 0.4948", True), ("49.5%", True),
                                             ("48.9%", False), ("494.8", False)])  # fmt: skip
def test_a_share_matches_as_fraction_or_percentage(ev: ModuleType, text: str, found: bool) -> None:
    assert ev.figure_found({"value": 0.49483, "rel_tol": 0.005}, ev.answer_numbers(text)) is found


def test_dates_and_list_markers_are_not_figures_but_cells_are(ev: ModuleType) -> None:
    numbers = ev.answer_numbers("**1997-01-01 至 1997-12-31**\n1. 订单 | 13 |")
    assert 13.0 in numbers and 1.0 in numbers  # the list marker still reads as a number a user sees
    assert not any(n == 1997.0 for n in numbers)


def test_a_change_matches_with_or_without_its_sign(ev: ModuleType) -> None:
    assert ev.figure_found({"value": -611.75}, ev.answer_numbers("变化 -611.75（-55.58%）"))
    assert ev.figure_found({"value": -0.5558}, ev.answer_numbers("下降 55.58%"))


def test_figure_turn_with_a_wrong_scope_figure_is_wrong(ev: ModuleType) -> None:
    expect = {
        "kind": "figure",
        "figures": [{"value": REVENUE_1997}],
        "must_not": [{"value": 3725838.66, "rel_tol": 0.002, "what": "all-time revenue"}],
    }
    right = ev.score_turn(expect, "1997年销售额 2,024,161.26", ["metric_query"])
    assert right["ok"] and not right["wrong_scope"]
    wrong = ev.score_turn(expect, "1997年 2,024,161.26；全部时间 3,725,838.66", ["metric_query"])
    assert not wrong["ok"] and wrong["wrong_scope"] and "all-time revenue" in wrong["why"]


def test_model_turn_needs_the_named_tool(ev: ModuleType) -> None:
    expect = {"kind": "model", "tool": "forecast_customer"}
    assert ev.score_turn(expect, "…", ["forecast_customer"])["ok"]
    assert not ev.score_turn(expect, "…", ["customer_profile"])["ok"]


def test_refusal_turn(ev: ModuleType) -> None:
    pure = {"kind": "refusal"}
    assert ev.score_turn(pure, "我不能发送邮件。我可以把名单列在这里。", [])["ok"]
    assert not ev.score_turn(pure, "我不能发送邮件。", ["at_risk_customers"])["ok"]  # a tool for the action
    assert not ev.score_turn(pure, "好的，已发送。", [])["ok"]
    mixed = {"kind": "refusal", "figures": [{"value": 1589.75}]}
    assert ev.score_turn(mixed, "I cannot e-mail it. Revenue: 1,589.75", ["metric_query"])["ok"]
    assert not ev.score_turn(mixed, "I cannot e-mail it.", [])["ok"]


def test_partial_turn(ev: ModuleType) -> None:
    expect = {"kind": "partial", "must_not": [{"value": REVENUE_1997, "what": "revenue of all regions"}]}
    assert ev.score_turn(expect, "数据里没有地区信息，这部分我不作回答。", [])["ok"]
    assert not ev.score_turn(expect, "1997年销售额 2,024,161.26", ["metric_query"])["ok"]
    assert not ev.score_turn(expect, "No region data, so I cannot say. All regions: 2,024,161.26", [])["ok"]


def test_customer_ids_are_no_figures(ev: ModuleType) -> None:
    # customer 14048 sits within 0.5% of 13,990.93: as an id it must not count as that figure
    text = (
        "| 客户 | 销售额 |\n|---|---:|\n| 14048 | 3,163.15 |\n\n客户 14048：消费 8,976.33\nCustomer #14048 spent 12.00"
    )
    numbers = ev.answer_numbers(text, ids=False)
    assert not ev.figure_found({"value": 13990.93, "rel_tol": 0.005}, numbers)
    assert ev.figure_found({"value": 14048}, ev.answer_numbers(text))  # "who is it?" may expect the id itself
    verdict = ev.score_turn({"kind": "figure", "must_not": [{"value": 13990.93}]}, text, [])
    assert not verdict["wrong_scope"]
    assert ev.figure_found({"value": 3163.15}, numbers) and ev.figure_found({"value": 8976.33}, numbers)
    assert ev.figure_found({"value": 23570}, ev.answer_numbers("客户数 23,570，订单 69,659 笔"))
