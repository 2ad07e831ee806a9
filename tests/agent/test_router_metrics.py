"""Analytics questions through the router (a stand-in parser with parse_metric_question's contract), faithfulness
(a constraint no tool can carry is named and no figure for another scope is given) and action requests."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fakes import ORDERS

from crm_insights.agent.checks import extract_figures
from crm_insights.agent.router import metrics

SEEN_RANGES: list[tuple[str, str]] = []


def stand_in_parser(text: str, data_start: str, data_end: str) -> dict[str, Any] | None:
    """parse_metric_question's contract on a few phrasings: revenue (+ orders) of a year, optionally vs the year
    before; a region constraint is unsupported; a month with no year is the latest such month in the data."""
    SEEN_RANGES.append((data_start, data_end))
    if not re.search(r"销售额|revenue", text, re.IGNORECASE):
        return None
    unsupported = ["按地区（数据里没有地区信息）"] if "地区" in text else []
    m = re.search(r"(19\d\d)", text)
    args: dict[str, Any] = {"measures": ["revenue", "orders"] if "订单" in text else ["revenue"]}
    assumed = None
    if m:
        args.update(since=f"{m.group(1)}-01-01", until=f"{m.group(1)}-12-31")
    elif "3月" in text:
        year = data_end[:4] if data_end[5:7] >= "03" else str(int(data_end[:4]) - 1)
        args.update(since=f"{year}-03-01", until=f"{year}-03-31")
        assumed = int(year)
    if "同比" in text:
        args["compare"] = "year"
    if "按季度" in text:
        args["grain"] = "quarter"
    return {
        "tool": "metric_query",
        "args": args,
        "unsupported": unsupported,
        "periods_text": None,
        "assumed_year": assumed,
    }


@pytest.fixture(autouse=True)
def parser(monkeypatch: pytest.MonkeyPatch) -> None:
    SEEN_RANGES.clear()
    monkeypatch.setattr(metrics, "_parser", lambda: stand_in_parser)


def _revenue(since: str, until: str) -> float:
    return round(sum(a for _, d, a in ORDERS if since <= d <= until), 2)


def _numbers(text: str) -> set[float]:
    return {round(f.value * (100 if f.percent else 1), 2) for f in extract_figures(text)}


def test_a_metric_question_reads_the_data_range_then_calls_metric_query(make_session) -> None:
    session, calls = make_session()
    answer = session.ask("1997年的销售额和订单数是多少？", thread_id="m1")
    assert [name for name, _ in calls] == ["crm_overview", "metric_query"]
    args = calls[1][1]
    assert args["measures"] == ["revenue", "orders"]
    assert (args["since"], args["until"]) == ("1997-01-01", "1997-12-31")
    # parsed once against the placeholder (is it analytics?), then against the data's range from crm_overview
    assert SEEN_RANGES[-1] == ("1997-01-03", "1998-05-20")
    text = answer.answer
    assert "1997-01-01 至 1997-12-31" in text
    assert f"{_revenue('1997-01-01', '1997-12-31'):,.2f}" in text
    assert not answer.warnings  # every figure comes from the tool results

    # The range travels in the thread: the next analytics question calls metric_query alone.
    calls.clear()
    session.ask("1998年的销售额呢？同比怎么样", thread_id="m1")
    assert [name for name, _ in calls] == ["metric_query"]
    assert calls[0][1]["compare"] == "year"


def test_comparison_states_absolute_and_percent_change(make_session) -> None:
    session, _ = make_session()
    text = session.ask("1998年销售额同比", thread_id="m2").answer
    now, before = _revenue("1998-01-01", "1998-12-31"), _revenue("1997-01-01", "1997-12-31")
    assert f"{now:,.2f}" in text and f"{before:,.2f}" in text
    assert f"-{before - now:,.2f}" in text
    assert f"{(now - before) / before * 100:.2f}%" in text


def test_a_month_with_no_year_says_which_year(make_session) -> None:
    session, calls = make_session()
    text = session.ask("3月的销售额是多少", thread_id="m3").answer
    assert calls[-1][1]["since"] == "1998-03-01"
    assert "1998" in text and "没有写年份" in text


def test_several_figures_per_row_make_a_table(make_session) -> None:
    session, _ = make_session()
    text = session.ask("1997年按季度的销售额和订单数", thread_id="m4").answer
    assert "| 期间 | 销售额 | 订单数（订单行） |" in text
    assert "| 1997-Q1 |" in text


def test_an_unsupported_constraint_gives_no_figure_for_another_scope(make_session) -> None:
    session, calls = make_session()
    answer = session.ask("1997年华东地区的销售额是多少？", thread_id="m5")
    assert calls == []
    assert "按地区" in answer.answer and "不作回答" in answer.answer
    assert _revenue("1997-01-01", "1997-12-31") not in _numbers(answer.answer)
    assert _revenue("0000", "9999") not in _numbers(answer.answer)


@pytest.mark.parametrize(
    ("question", "part"),
    [
        ("1998年有哪些客户有流失风险？", "时间段"),  # at_risk_customers has no period
        ("Which segments were there in 1997?", "period"),  # list_segments has no period
    ],
)
def test_a_scope_the_intents_tool_cannot_take_is_named(make_session, question: str, part: str) -> None:
    session, calls = make_session()
    answer = session.ask(question, thread_id="m6")
    assert calls == []
    assert part in answer.answer


@pytest.mark.parametrize(
    "question",
    [
        "把所有客户的订单导出成Excel",
        "Export all orders to a CSV",
        "给高价值客户发邮件",
        "Please email the churn list to my boss",
        "回复一下客户100的差评",
    ],
)
def test_action_requests_call_no_tool_and_say_what_instead(make_session, question: str) -> None:
    session, calls = make_session()
    text = session.ask(question, thread_id="a1").answer
    assert calls == []
    assert ("不能" in text and "我可以" in text) or ("cannot" in text and "What I can do instead" in text)


@pytest.mark.parametrize(
    ("question", "tool"),
    [
        ("客户100的情况怎么样？顺便把他的订单导出发给老板", "customer_profile"),
        ("What was 1997 revenue? Then email it to the team.", "metric_query"),
    ],
)
def test_a_question_mixed_with_an_action_is_answered_and_the_action_declined(
    make_session, question: str, tool: str
) -> None:
    session, calls = make_session()
    text = session.ask(question, thread_id="a2").answer
    assert [name for name, _ in calls][-1] == tool
    assert "不能执行操作" in text or "cannot carry out actions" in text


# -- composition: the second call uses the first's result ---------------------------------------------


@pytest.mark.parametrize(
    "question", ["消费最高的10个客户里有几个有流失风险？", "How many of our top 10 spenders are at risk of churning?"]
)
def test_top_spenders_then_how_many_are_at_risk(make_session, question: str) -> None:
    session, calls = make_session()
    text = session.ask(question, thread_id="c1").answer
    assert calls[-1][0] == "at_risk_customers" and calls[-1][1]["among_top_spenders"] == 10
    assert "10" in text and ("有流失风险" in text or "at risk" in text)


def test_an_at_risk_list_then_its_total_spend(make_session) -> None:
    session, calls = make_session()
    session.ask("哪些客户有流失风险？", thread_id="c2")
    listed = [c for c in ("00100", "00042", "00007")]
    calls.clear()
    text = session.ask("他们的销售额一共多少？", thread_id="c2").answer
    assert calls[-1][0] == "metric_query"
    assert sorted(calls[-1][1]["customers"]) == sorted(listed)
    assert f"{_revenue('0000', '9999'):,.2f}" in text


def test_negative_feedback_by_segment(make_session) -> None:
    session, calls = make_session()
    text = session.ask("差评按细分看分布怎么样？", thread_id="c3").answer
    assert calls[-1] == ("sentiment_summary", {"group_by": "segment"})
    assert "| 0 高价值客户 |" in text


@pytest.mark.parametrize(("follow", "pick"), [("第二个主题具体有哪些例子？", 2), ("examples of the first theme", 1)])
def test_a_theme_of_the_last_answer_then_its_examples(make_session, follow: str, pick: int) -> None:
    session, calls = make_session()
    session.ask("客户主要抱怨什么？", thread_id="c4")
    assert calls[-1][0] == "feedback_themes"
    calls.clear()
    answer = session.ask(follow, thread_id="c4")
    if pick > 1:  # the fake themes list has one theme: the second does not exist, so it is not a theme pick
        assert not calls or calls[-1][1].get("query") != "物流 慢 包装"
        return
    assert calls[-1][0] == "search_feedback"
    assert calls[-1][1]["query"] == "物流 慢 包装" and calls[-1][1]["sentiment"] == "negative"
    assert "theme 1" in answer.answer


# -- questions about the assistant --------------------------------------------------------------------


@pytest.mark.parametrize(
    "question",
    [
        "情感模型的准确率是多少？",
        "How old are the models?",
        "你现在加载了哪些数据？",
        "When was the forecast model trained?",
    ],
)
def test_questions_about_the_assistant_read_the_manifests(make_session, question: str) -> None:
    session, calls = make_session()
    answer = session.ask(question, thread_id="s1")
    assert [name for name, _ in calls] == ["assistant_status"]
    assert "87.68%" in answer.answer and "sent-test" in answer.answer
    assert not answer.warnings


@pytest.mark.parametrize("question", ["1997年2月新增了多少新客户？", "1998年新增了多少客户"])
def test_a_count_of_new_customers_is_not_a_request_to_add_one(question: str) -> None:
    from langchain_core.messages import HumanMessage

    from crm_insights.agent.router import OfflineRouter

    assert OfflineRouter(similarity="tfidf").decide([HumanMessage(question)]).intent != "unsupported_action"


def test_the_routers_row_shares_are_the_catalogues() -> None:
    # the agent reaches the metrics layer only through its tools, so the router keeps its own copy of this set
    from crm_insights.metrics.catalogue import ROW_SHARE_MEASURES

    assert metrics._ROW_SHARES == ROW_SHARE_MEASURES


@pytest.mark.parametrize(
    ("grain", "label", "question", "since", "until"),
    [
        ("month", "1998-03", "环比和同比各涨了多少", "1998-03-01", "1998-03-31"),
        ("quarter", "1997-Q4", "那个季度的客单价呢", "1997-10-01", "1997-12-31"),
        ("week", "1998-06-22", "that week's AOV vs the week before?", "1998-06-22", "1998-06-28"),
    ],
)
def test_a_follow_up_to_a_top_row_is_about_that_row(
    grain: str, label: str, question: str, since: str, until: str
) -> None:
    # "今年哪个月单量最多？" answered with March 1998; the comparison asked next is March's, not the half-year's
    base = {"measures": ["orders"], "grain": grain, "since": "1997-01-01", "until": "1998-06-30", "sort": "desc"}
    previous = {"tool": "metric_query", "args": {**base, "limit": 1}}
    metric: dict[str, Any] = {
        "tool": "metric_query",
        "args": {"measures": ["orders"], "since": "1997-01-01", "until": "1998-06-30", "compare": "previous"},
    }
    metrics.top_row(question, metric, previous, [label])
    assert (metric["args"]["since"], metric["args"]["until"]) == (since, until)
    assert "sort" not in metric["args"] and metric["periods_text"] == label


def test_a_follow_up_naming_its_own_period_keeps_it() -> None:
    previous = {"tool": "metric_query", "args": {"measures": ["orders"], "grain": "month", "sort": "desc", "limit": 1}}
    metric: dict[str, Any] = {"tool": "metric_query", "args": {"measures": ["orders"], "since": "1997-05-01"}}
    metrics.top_row("97年5月呢", metric, previous, ["1998-03"])
    assert metric["args"] == {"measures": ["orders"], "since": "1997-05-01"}
