"""The metric_query and cohort_retention answer templates over real tool results on the tiny store: the new
figures (subtotals, ranked totals, share of all, comparison ratio, retained counts) appear, in zh and en,
and zh answers quote the zh definitions."""

from __future__ import annotations

import re
from typing import Any

import pandas as pd
import pytest

from crm_insights.agent.templating import fmt_money, fmt_num, fmt_pct2, load_prompt, render
from crm_insights.tools.metrics import cohort_retention, metric_query

from .test_metrics import _orders, _window


def _answer(intent: str, lang: str, data: dict[str, Any], args: dict[str, Any], share_asked: bool = False) -> str:
    template = load_prompt(f"intents/{intent}")["answers"][lang]
    metric = {"args": args, "share_of_all": share_asked}
    slots = {"metric": metric, "data_start": "1997-01-03", "data_end": "1998-06-20"}
    return render(template, r={intent: data}, slots=slots, q="", capabilities={}, lang=lang)


def _metric(args: dict[str, Any]) -> dict[str, Any]:
    out = metric_query.invoke(args)
    assert isinstance(out, dict), out
    return dict(out["data"])


def test_weekday_answer_shows_weekend_and_workday_rows(fakes: Any) -> None:
    args = {"measures": ["orders", "orders_share"], "group_by": "weekday"}
    data = _metric(args)
    o = _orders()
    weekend = int(((o["ts"].dt.weekday + 1) >= 6).sum())
    zh = _answer("metric_query", "zh", data, args)
    en = _answer("metric_query", "en", data, args)
    weekend_zh = next(line for line in zh.splitlines() if "周末（六、日）" in line)
    assert f"| {fmt_num(weekend)} | {fmt_pct2(weekend / len(o))} |" in weekend_zh
    workdays_zh = next(line for line in zh.splitlines() if "工作日（一至五）" in line)
    assert f"| {fmt_num(len(o) - weekend)} |" in workdays_zh
    # The subtotal rows come after the seven weekday rows.
    assert zh.index("周末（六、日）") > max(zh.index(d) for d in ("周一", "周六", "周日") if d in zh)
    assert "weekend (Sat, Sun)" in en and "workdays (Mon-Fri)" in en
    assert "口径：订单数：期间内的订单行数" in zh and "Number of order lines" not in zh  # zh definitions
    assert "Definitions: orders: Number of order lines" in en


def test_ranking_answer_states_the_top_customers_share_of_all(fakes: Any) -> None:
    args = {"measures": ["revenue"], "group_by": "customer", "since": "1998", "until": "1998", "limit": 2}
    data = _metric(args)
    year = _window(_orders(), "1998-01-01", "1998-12-31")
    top = year.groupby("customer")["amount"].sum().sort_values(ascending=False).head(2)
    share = top.sum() / year["amount"].sum()
    zh = _answer("metric_query", "zh", data, args)
    en = _answer("metric_query", "en", data, args)
    assert f"前 2 位合计 **{fmt_money(top.sum())}**，占全部客户销售额 **{fmt_pct2(share)}**" in zh
    assert f"The top 2 together: **{fmt_money(top.sum())}**, **{fmt_pct2(share)}** of all customers' revenue" in en


def test_amount_filter_answer_states_the_share_of_all(fakes: Any) -> None:
    args = {"measures": ["orders", "revenue", "aov"], "min_amount": 30}
    data = _metric(args)
    o = _orders()
    over = o[o["amount"] >= 30]
    zh = _answer("metric_query", "zh", data, args, share_asked=True)
    en = _answer("metric_query", "en", data, args, share_asked=True)
    assert f"订单数（订单行） **{fmt_num(len(over))}**" in zh
    orders_share = fmt_pct2(len(over) / len(o))
    assert (
        f"不含金额条件时（同一期间）：订单数（订单行） {fmt_num(len(o))}，符合金额条件的占全部的 **{orders_share}**"
        in zh
    )
    revenue_share = fmt_pct2(over["amount"].sum() / o["amount"].sum())
    assert f"销售额 {fmt_money(o['amount'].sum())}，符合金额条件的占全部的 **{revenue_share}**" in zh
    assert f"revenue {fmt_money(o['amount'].sum())}, of which the filtered part is **{revenue_share}**" in en
    # asked only for the filtered figures ("orders over 30 and their revenue"), the answer gives no unfiltered total
    assert "不含金额条件时" not in _answer("metric_query", "zh", data, args)
    plain = _metric({"measures": ["orders"]})
    assert "不含金额条件" not in _answer("metric_query", "zh", plain, {"measures": ["orders"]})


def test_comparison_answer_states_this_period_as_a_share_of_the_other(fakes: Any) -> None:
    o = _orders()
    args = {
        "measures": ["revenue"],
        "since": "1998",
        "until": "1998",
        "compare_since": str(o["ts"].min().date()),
        "compare_until": str(o["ts"].max().date()),
    }
    data = _metric(args)
    ratio = fmt_pct2(_window(o, "1998-01-01", "1998-12-31")["amount"].sum() / o["amount"].sum())
    assert f"本期为对比期的 **{ratio}**（销售额）" in _answer("metric_query", "zh", data, args)
    assert f"This period is **{ratio}** of the compared period (revenue)" in _answer("metric_query", "en", data, args)


def test_new_measures_are_named_in_the_users_language(fakes: Any) -> None:
    args = {"measures": ["revenue_per_day", "new_customer_share"], "since": "1997", "until": "1997"}
    data = _metric(args)
    zh = _answer("metric_query", "zh", data, args)
    en = _answer("metric_query", "en", data, args)
    assert "日均销售额 **" in zh and "新客占比 **" in zh
    assert "revenue per day **" in en and "new-customer share **" in en
    assert "口径：日均销售额：销售额 / 该行期间" in zh


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cohort_answer_shows_retained_counts_next_to_shares(fakes: Any, lang: str) -> None:
    args = {"since": "1997-01", "until": "1997-01", "periods": 5}
    out = cohort_retention.invoke(args)
    assert isinstance(out, dict), out
    data = out["data"]
    o = _orders()
    first = o.groupby("customer")["ts"].min().dt.strftime("%Y-%m")
    members = set(first[first == "1997-01"].index)
    june = o[o["customer"].isin(members) & (o["ts"].dt.strftime("%Y-%m") == "1997-06")]["customer"].nunique()
    text = _answer("cohort_retention", lang, data, args)
    share = fmt_pct2(june / len(members))
    if lang == "zh":
        assert f"首购后第 5 个月仍有购买 **{fmt_num(june)}** 位（**{share}**）" in text
        assert "口径：首购月份 = 客户首次下单的月份" in text
    else:
        assert f"still buying 5 months after the first purchase: **{fmt_num(june)}** customers (**{share}**)" in text
    row = next(line for line in text.splitlines() if line.startswith("| 1997-01 |"))
    assert f"{fmt_num(june)} ({share})" in row and f"{fmt_num(len(members))} (100.00%)" in row
    assert data["rows"][0]["active"][5] == june


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_cohort_answer_with_a_window_states_who_bought_in_it(fakes: Any, lang: str) -> None:
    args = {"since": "1997-01", "until": "1997-01", "active_since": "1998-01-01", "active_until": "1998-06-30"}
    out = cohort_retention.invoke(args)
    assert isinstance(out, dict), out
    o = _orders()
    first = o.groupby("customer")["ts"].min().dt.strftime("%Y-%m")
    members = set(first[first == "1997-01"].index)
    later = set(o[o["ts"] >= pd.Timestamp("1998-01-01")]["customer"]) & members
    text = _answer("cohort_retention", lang, out["data"], args)
    share = fmt_pct2(len(later) / len(members))
    if lang == "zh":
        assert f"有购买的 **{fmt_num(len(later))}** 位（占 **{share}**）" in text
    else:
        assert f"of whom **{fmt_num(len(later))}** (**{share}**) bought between" in text
    assert "个月仍有购买 **" not in text and "months after the first purchase:" not in text


def test_weekday_answer_without_subtotal_rows_when_cut(fakes: Any) -> None:
    args = {"measures": ["revenue"], "group_by": "weekday", "sort": "desc", "limit": 1}
    data = _metric(args)
    assert "周末（六、日）" not in _answer("metric_query", "zh", data, args)


def test_ranking_by_a_row_share_states_the_listed_customers_total_share(fakes: Any) -> None:
    args = {"measures": ["revenue_share"], "group_by": "customer", "limit": 2}
    data = _metric(args)
    o = _orders()
    top = o.groupby("customer")["amount"].sum().sort_values(ascending=False).head(2)
    share = fmt_pct2(top.sum() / o["amount"].sum())
    assert f"前 2 位合计销售额占比 **{share}**" in _answer("metric_query", "zh", data, args)
    assert f"The top 2 together: share of revenue **{share}**" in _answer("metric_query", "en", data, args)


def test_having_answer_states_how_many_rows_passed(fakes: Any) -> None:
    args = {"measures": ["orders"], "grain": "month", "having": ">1"}
    data = _metric(args)
    o = _orders()
    monthly = o.groupby(o["ts"].dt.to_period("M")).size()
    kept = monthly[monthly > 1]
    months = len(pd.period_range(monthly.index.min(), monthly.index.max(), freq="M"))
    zh = _answer("metric_query", "zh", data, args)
    en = _answer("metric_query", "en", data, args)
    assert f"> 1 的：**{len(kept)}** 个月（共 {months} 个月）" in zh
    assert re.search(rf"Months with orders.* > 1: \*\*{len(kept)}\*\* of {months}", en), en
    # only the passing months are listed; the total is labelled as the whole period's
    for period in monthly.index:
        assert (f"| {period} |" in zh) == (period in kept.index)
    assert "全期合计（未按行筛选）" in zh and "Whole period (all rows)" in en


def test_change_by_row_answer_shows_each_rows_change_and_the_extremes(fakes: Any) -> None:
    args = {"measures": ["revenue"], "grain": "month", "since": "1997-02", "until": "1998-06", "change_by_row": True}
    data = _metric(args)
    rc = data["row_change"]
    zh = _answer("metric_query", "zh", data, args)
    en = _answer("metric_query", "en", data, args)
    assert "销售额较上期 |" in zh and "vs previous |" in en
    assert f"较上期增幅最大：**{rc['max']['period']}**" in zh
    assert f"biggest fall (or smallest rise): **{rc['min']['period']}**" in en
    for row in data["rows"]:
        if row["change_pct"]["revenue"] is not None:
            assert f"{row['change_pct']['revenue'] * 100:+.2f}%" in zh


def test_inactive_share_of_all_customers_is_stated_when_asked(fakes: Any) -> None:
    args = {"measures": ["inactive_customers"], "inactive_days": 60}
    data = _metric(args)
    o = _orders()
    last = o.groupby("customer")["ts"].max()
    until = pd.Timestamp(data["period"]["until"])
    inactive = int(((until - last).dt.days >= 60).sum())
    assert data["total"]["inactive_customers"] == inactive
    assert data["inactive_share"] == {"customers": len(last), "share": round(inactive / len(last), 4)}
    template = load_prompt("intents/metric_query")["answers"]["zh"]
    slots = {"metric": {"args": args, "share_of_all": True}, "data_start": "1997-01-03", "data_end": "1998-06-20"}
    asked = render(template, r={"metric_query": data}, slots=slots, q="", capabilities={}, lang="zh")
    assert f"全部 {fmt_num(len(last))} 位客户的 **{fmt_pct2(inactive / len(last))}**" in asked
    # a count not asked as a share does not print the denominator (a careless reader could take it for the count)
    plain = _answer("metric_query", "zh", data, args)
    assert "位客户的" not in plain


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_inactive_count_states_its_share_without_the_base_unless_asked(fakes: Any, lang: str) -> None:
    # "how many customers have gone quiet - nothing in 90 days": the count and its share of everyone; the base count
    # (every customer) only when the share was asked ("占总客户多少")
    args = {"measures": ["inactive_customers"], "inactive_days": 90}
    data = _metric(args)
    share, base = fmt_pct2(data["inactive_share"]["share"]), fmt_num(data["inactive_share"]["customers"])
    plain = _answer("metric_query", lang, data, args)
    asked = _answer("metric_query", lang, data, args, share_asked=True)
    assert share in plain and f"{base} " not in plain.split("\n\n")[1]
    assert share in asked and base in asked
    grouped_args = {**args, "min_customer_spend": 100}
    grouped = _answer("metric_query", lang, _metric(grouped_args), grouped_args)
    assert fmt_pct2(_metric(grouped_args)["inactive_share"]["share"]) not in grouped
