"""Analytics questions read into metric tool arguments: measures, grains, groupings, periods, comparisons,
thresholds, ranks, unsupported constraints, and the questions that are not analytics questions at all."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from crm_insights.agent.dialect import to_mandarin
from crm_insights.agent.metric_slots import MetricSpec, default_grain, parse_metric_question, terms
from crm_insights.metrics.catalogue import DIMENSIONS, GRAINS, MEASURES

DS, DE = "1997-01-01", "1998-06-30"


def _parse(text: str) -> MetricSpec:
    spec = parse_metric_question(text, DS, DE)
    assert spec is not None, text
    return spec


# (question, tool, the tool's full args)
CASES: list[tuple[str, str, dict[str, Any]]] = [
    # measures and synonyms, zh
    ("3月的销售额", "metric_query", {"measures": ["revenue"], "since": "1998-03-01", "until": "1998-03-31"}),
    ("去年的GMV", "metric_query", {"measures": ["revenue"], "since": "1997-01-01", "until": "1997-12-31"}),
    ("97年营收是多少", "metric_query", {"measures": ["revenue"], "since": "1997-01-01", "until": "1997-12-31"}),
    ("97年的流水", "metric_query", {"measures": ["revenue"], "since": "1997-01-01", "until": "1997-12-31"}),
    ("上季度成交额", "metric_query", {"measures": ["revenue"], "since": "1998-01-01", "until": "1998-03-31"}),
    ("97年双十一的订单数", "metric_query", {"measures": ["orders"], "since": "1997-11-11", "until": "1997-11-11"}),
    ("上个月单量", "metric_query", {"measures": ["orders"], "since": "1998-05-01", "until": "1998-05-31"}),
    ("今年卖了多少件", "metric_query", {"measures": ["units"], "since": "1998-01-01", "until": "1998-06-30"}),
    ("98年的销量", "metric_query", {"measures": ["units"], "since": "1998-01-01", "until": "1998-06-30"}),
    ("上个月下单人数", "metric_query", {"measures": ["buyers"], "since": "1998-05-01", "until": "1998-05-31"}),
    ("97年拉新多少", "metric_query", {"measures": ["new_customers"], "since": "1997-01-01", "until": "1997-12-31"}),
    # 首购客户: first-time buyers, the new customers measure
    (
        "1997年2月新增了多少首购客户？",
        "metric_query",
        {"measures": ["new_customers"], "since": "1997-02-01", "until": "1997-02-28"},
    ),
    ("98年老客数", "metric_query", {"measures": ["returning_customers"], "since": "1998-01-01", "until": "1998-06-30"}),
    ("新客的销售额", "metric_query", {"measures": ["revenue_new"]}),
    ("老客贡献了多少收入", "metric_query", {"measures": ["revenue_returning"]}),
    ("平均订单金额是多少", "metric_query", {"measures": ["aov"]}),
    (
        "上半年人均消费",
        "metric_query",
        {"measures": ["revenue_per_buyer"], "since": "1998-01-01", "until": "1998-06-30"},
    ),
    (
        "最近三个月的复购率",
        "metric_query",
        {"measures": ["repeat_rate", "repeat_customers", "buyers"], "since": "1998-04-01", "until": "1998-06-30"},
    ),
    (
        "97年回购率",
        "metric_query",
        {"measures": ["repeat_rate", "repeat_customers", "buyers"], "since": "1997-01-01", "until": "1997-12-31"},
    ),
    ("一次性买家占比", "metric_query", {"measures": ["one_time_share", "one_time_customers", "buyers"]}),
    ("平均购买间隔是多少天", "metric_query", {"measures": ["days_between_mean", "days_between_median"]}),
    ("首购到复购平均要多久", "metric_query", {"measures": ["days_first_to_second", "days_first_to_second_median"]}),
    ("好评率", "metric_query", {"measures": ["positive_share"]}),
    ("差评有多少条", "metric_query", {"measures": ["feedback_count"], "sentiment": "negative"}),
    ("销售额和订单数", "metric_query", {"measures": ["revenue", "orders"]}),
    # measures, en
    (
        "what was revenue last month",
        "metric_query",
        {"measures": ["revenue"], "since": "1998-05-01", "until": "1998-05-31"},
    ),
    ("AOV in Q1 1998", "metric_query", {"measures": ["aov"], "since": "1998-01-01", "until": "1998-03-31"}),
    (
        "repeat purchase rate in 1997",
        "metric_query",
        {"measures": ["repeat_rate", "repeat_customers", "buyers"], "since": "1997-01-01", "until": "1997-12-31"},
    ),
    (
        "number of buyers in March 1997",
        "metric_query",
        {"measures": ["buyers"], "since": "1997-03-01", "until": "1997-03-31"},
    ),
    (
        "new customers in H2 1997",
        "metric_query",
        {"measures": ["new_customers"], "since": "1997-07-01", "until": "1997-12-31"},
    ),
    (
        "orders and revenue last month",
        "metric_query",
        {"measures": ["orders", "revenue"], "since": "1998-05-01", "until": "1998-05-31"},
    ),
    ("units sold YTD", "metric_query", {"measures": ["units"], "since": "1998-01-01", "until": "1998-06-30"}),
    (
        "ARPU over the past 90 days",
        "metric_query",
        {"measures": ["revenue_per_buyer"], "since": "1998-04-02", "until": "1998-06-30"},
    ),
    # grains
    (
        "98年上半年每个月的客单价",
        "metric_query",
        {"measures": ["aov"], "grain": "month", "since": "1998-01-01", "until": "1998-06-30"},
    ),
    (
        "97年按季度的销售额",
        "metric_query",
        {"measures": ["revenue"], "grain": "quarter", "since": "1997-01-01", "until": "1997-12-31"},
    ),
    (
        "上个月每天的订单数",
        "metric_query",
        {"measures": ["orders"], "grain": "day", "since": "1998-05-01", "until": "1998-05-31"},
    ),
    ("每周的买家数", "metric_query", {"measures": ["buyers"], "grain": "week"}),
    ("按年的营收", "metric_query", {"measures": ["revenue"], "grain": "year"}),
    (
        "monthly revenue in 1997",
        "metric_query",
        {"measures": ["revenue"], "grain": "month", "since": "1997-01-01", "until": "1997-12-31"},
    ),
    (
        "daily orders last month",
        "metric_query",
        {"measures": ["orders"], "grain": "day", "since": "1998-05-01", "until": "1998-05-31"},
    ),
    # a comparison with a trend: each row against the one before
    ("MoM revenue trend", "metric_query", {"measures": ["revenue"], "grain": "month", "change_by_row": True}),
    (
        "98年每月销售额环比",
        "metric_query",
        {
            "measures": ["revenue"],
            "grain": "month",
            "since": "1998-01-01",
            "until": "1998-06-30",
            "change_by_row": True,
        },
    ),
    # which row changed most: the changes are ranked, not the rows' values
    (
        "1998年哪个月环比跌得最多",
        "metric_query",
        {
            "measures": ["revenue"],
            "grain": "month",
            "since": "1998-01-01",
            "until": "1998-06-30",
            "change_by_row": True,
        },
    ),
    ("销售额趋势", "metric_query", {"measures": ["revenue"], "grain": "month"}),
    (
        "上个月的销售额走势",
        "metric_query",
        {"measures": ["revenue"], "grain": "day", "since": "1998-05-01", "until": "1998-05-31"},
    ),
    # groupings
    ("各分群的复购率", "metric_query", {"measures": ["repeat_rate"], "group_by": "segment"}),
    (
        "revenue by segment in 1997",
        "metric_query",
        {"measures": ["revenue", "revenue_share"], "group_by": "segment", "since": "1997-01-01", "until": "1997-12-31"},
    ),
    # a breakdown of a sum by weekday or segment shows each row's share beside it
    ("revenue by weekday", "metric_query", {"measures": ["revenue", "revenue_share"], "group_by": "weekday"}),
    (
        "周几的订单最多",
        "metric_query",
        {"measures": ["orders", "orders_share"], "group_by": "weekday", "sort": "desc"},
    ),
    ("新老客的销售额对比", "metric_query", {"measures": ["revenue", "revenue_share"], "group_by": "customer_type"}),
    ("新客的客单价", "metric_query", {"measures": ["aov"], "group_by": "customer_type"}),
    (
        "new vs returning customers by month in 1997",
        "metric_query",
        {
            "measures": ["new_customers", "returning_customers"],
            "grain": "month",
            "since": "1997-01-01",
            "until": "1997-12-31",
        },
    ),
    ("同期群的销售额", "metric_query", {"measures": ["revenue"], "group_by": "cohort"}),
    ("各情感的反馈数", "metric_query", {"measures": ["feedback_count"], "group_by": "sentiment"}),
    ("评论的正负面分布", "metric_query", {"measures": ["feedback_count"], "group_by": "sentiment"}),
    # a named segment filters instead of breaking down
    ("高价值客户的客单价", "metric_query", {"measures": ["aov"], "segment": "高价值"}),
    (
        "第2类客户去年的销售额",
        "metric_query",
        {"measures": ["revenue"], "segment": "2", "since": "1997-01-01", "until": "1997-12-31"},
    ),
    ("客户42的订单数", "metric_query", {"measures": ["orders"], "customers": ["42"]}),
    # comparisons
    (
        "上个月GMV环比",
        "metric_query",
        {"measures": ["revenue"], "since": "1998-05-01", "until": "1998-05-31", "compare": "previous"},
    ),
    (
        "本月销售额比上个月",
        "metric_query",
        {"measures": ["revenue"], "since": "1998-06-01", "until": "1998-06-30", "compare": "previous"},
    ),
    (
        "98年上半年跟97年同期比销售额怎么样",
        "metric_query",
        {"measures": ["revenue"], "since": "1998-01-01", "until": "1998-06-30", "compare": "year"},
    ),
    (
        "对比97年3月到5月和98年3月到5月的客单价",
        "metric_query",
        {"measures": ["aov"], "since": "1998-03-01", "until": "1998-05-31", "compare": "year"},
    ),
    (
        "98年Q1订单量 vs 97年Q4",
        "metric_query",
        {"measures": ["orders"], "since": "1998-01-01", "until": "1998-03-31", "compare": "previous"},
    ),
    (
        "97年11月跟98年3月的订单数比",
        "metric_query",
        {
            "measures": ["orders"],
            "since": "1998-03-01",
            "until": "1998-03-31",
            "compare_since": "1997-11-01",
            "compare_until": "1997-11-30",
        },
    ),
    (
        "97年和98年的销售额",
        "metric_query",
        {
            "measures": ["revenue"],
            "since": "1998-01-01",
            "until": "1998-06-30",
            "compare_since": "1997-01-01",
            "compare_until": "1997-12-31",
        },
    ),
    (
        "销售额同比",
        "metric_query",
        {"measures": ["revenue"], "since": "1998-06-01", "until": "1998-06-30", "compare": "year"},
    ),
    (
        "最近30天销售额环比",
        "metric_query",
        {
            "measures": ["revenue"],
            "since": "1998-06-01",
            "until": "1998-06-30",
            "compare_since": "1998-05-02",
            "compare_until": "1998-05-31",
        },
    ),
    (
        "revenue YoY for H1 1998",
        "metric_query",
        {"measures": ["revenue"], "since": "1998-01-01", "until": "1998-06-30", "compare": "year"},
    ),
    (
        "orders this month vs last month",
        "metric_query",
        {"measures": ["orders"], "since": "1998-06-01", "until": "1998-06-30", "compare": "previous"},
    ),
    (
        "month over month AOV for May 1998",
        "metric_query",
        {"measures": ["aov"], "since": "1998-05-01", "until": "1998-05-31", "compare": "previous"},
    ),
    (
        "上个月的客单价是多少，和前一个月比呢？",
        "metric_query",
        {"measures": ["aov"], "since": "1998-05-01", "until": "1998-05-31", "compare": "previous"},
    ),
    ("有多少客户只买过一次", "metric_query", {"measures": ["one_time_share", "one_time_customers", "buyers"]}),
    (
        "订单金额在20到50元之间的订单数",
        "metric_query",
        {"measures": ["orders"], "min_amount": 20.0, "max_amount": 50.0},
    ),
    # thresholds
    ("金额>100的订单有多少", "metric_query", {"measures": ["orders"], "min_amount": 100.0, "amount_strict": True}),
    ("超过100元的订单数", "metric_query", {"measures": ["orders"], "min_amount": 100.0, "amount_strict": True}),
    (
        "上个月100元以上的订单数",
        "metric_query",
        {"measures": ["orders"], "since": "1998-05-01", "until": "1998-05-31", "min_amount": 100.0},
    ),
    ("低于20元的订单销售额", "metric_query", {"measures": ["revenue"], "max_amount": 20.0, "amount_strict": True}),
    ("金额在50到100元之间的订单数", "metric_query", {"measures": ["orders"], "min_amount": 50.0, "max_amount": 100.0}),
    (
        "orders over $100 last quarter",
        "metric_query",
        {
            "measures": ["orders"],
            "since": "1998-01-01",
            "until": "1998-03-31",
            "min_amount": 100.0,
            "amount_strict": True,
        },
    ),
    (
        "revenue from orders between 50 and 100 dollars",
        "metric_query",
        {"measures": ["revenue"], "min_amount": 50.0, "max_amount": 100.0},
    ),
    ("number of orders under $20", "metric_query", {"measures": ["orders"], "max_amount": 20.0, "amount_strict": True}),
    (
        "orders of $200 or more in 1997",
        "metric_query",
        {"measures": ["orders"], "since": "1997-01-01", "until": "1997-12-31", "min_amount": 200.0},
    ),
    # ranks
    (
        "97年哪天销售额最高",
        "metric_query",
        {
            "measures": ["revenue"],
            "grain": "day",
            "since": "1997-01-01",
            "until": "1997-12-31",
            "sort": "desc",
            "limit": 1,
        },
    ),
    ("销售额最高的那天", "metric_query", {"measures": ["revenue"], "grain": "day", "sort": "desc", "limit": 1}),
    ("销售额最低的月份", "metric_query", {"measures": ["revenue"], "grain": "month", "sort": "asc"}),
    (
        "97年销售额前十的日子",
        "metric_query",
        {
            "measures": ["revenue"],
            "grain": "day",
            "since": "1997-01-01",
            "until": "1997-12-31",
            "sort": "desc",
            "limit": 10,
        },
    ),
    (
        "top 10 days by revenue in 1997",
        "metric_query",
        {
            "measures": ["revenue"],
            "grain": "day",
            "since": "1997-01-01",
            "until": "1997-12-31",
            "sort": "desc",
            "limit": 10,
        },
    ),
    (
        "which month had the lowest revenue",
        "metric_query",
        {"measures": ["revenue"], "grain": "month", "sort": "asc", "limit": 1},
    ),
    ("哪个客群的客单价最高", "metric_query", {"measures": ["aov"], "group_by": "segment", "sort": "desc"}),
    (
        "lowest revenue month in 1997",
        "metric_query",
        {
            "measures": ["revenue"],
            "grain": "month",
            "since": "1997-01-01",
            "until": "1997-12-31",
            "sort": "asc",
            "limit": 1,
        },
    ),
    (
        "worst quarter for revenue",
        "metric_query",
        {"measures": ["revenue"], "grain": "quarter", "sort": "asc", "limit": 1},
    ),
    ("top 5 months by orders", "metric_query", {"measures": ["orders"], "grain": "month", "sort": "desc", "limit": 5}),
    ("销售额最高的3个月", "metric_query", {"measures": ["revenue"], "grain": "month", "sort": "desc", "limit": 3}),
    ("订单最少的一周", "metric_query", {"measures": ["orders"], "grain": "week", "sort": "asc", "limit": 1}),
    (
        "what was our busiest day in 1997",
        "metric_query",
        {
            "measures": ["orders"],
            "grain": "day",
            "since": "1997-01-01",
            "until": "1997-12-31",
            "sort": "desc",
            "limit": 1,
        },
    ),
    ("复购率最高的客户群", "metric_query", {"measures": ["repeat_rate"], "group_by": "segment", "sort": "desc"}),
    (
        "How did AOV change over the past 6 months?",
        "metric_query",
        {"measures": ["aov"], "grain": "month", "since": "1998-01-01", "until": "1998-06-30"},
    ),
    ("周一的订单数", "metric_query", {"measures": ["orders", "orders_share"], "group_by": "weekday"}),
    (
        "revenue on Saturdays in 1997",
        "metric_query",
        {"measures": ["revenue", "revenue_share"], "group_by": "weekday", "since": "1997-01-01", "until": "1997-12-31"},
    ),
    # inactivity thresholds
    ("过去90天没买的客户有多少", "metric_query", {"measures": ["inactive_customers"], "inactive_days": 90}),
    ("90天没买过的客户数", "metric_query", {"measures": ["inactive_customers"], "inactive_days": 90}),
    ("3个月没下单的客户有多少", "metric_query", {"measures": ["inactive_customers"], "inactive_days": 90}),
    ("最近3个月流失了多少客户", "metric_query", {"measures": ["inactive_customers"], "inactive_days": 91}),
    ("inactive customers for 60 days", "metric_query", {"measures": ["inactive_customers"], "inactive_days": 60}),
    ("沉睡90天以上的客户数", "metric_query", {"measures": ["inactive_customers"], "inactive_days": 90}),
    # cohort retention
    ("新客留存率", "cohort_retention", {"periods": 12, "grain": "month"}),
    (
        "cohort retention for 1997",
        "cohort_retention",
        {"since": "1997-01-01", "until": "1997-12-31", "periods": 12, "grain": "month"},
    ),
    (
        "1997年1月的新客户第二个月还有多少人购买",
        "cohort_retention",
        {"since": "1997-01-01", "until": "1997-01-31", "periods": 2, "grain": "month"},
    ),
    (
        "97年上半年的新客6个月后的留存",
        "cohort_retention",
        {"since": "1997-01-01", "until": "1997-06-30", "periods": 6, "grain": "month"},
    ),
    # forecasts of totals
    ("下个月预计多少买家", "forecast_totals", {"period": "next_month"}),
    ("next quarter's expected revenue", "forecast_totals", {"period": "next_quarter"}),
    ("明年高价值客户预计贡献多少收入", "forecast_totals", {"period": "next_year", "segment": "高价值"}),
    ("how many customers will buy next month", "forecast_totals", {"period": "next_month"}),
    ("expected orders in the next 8 weeks", "forecast_totals", {"horizon_weeks": 8}),
    ("未来8周预计订单数", "forecast_totals", {"horizon_weeks": 8}),
    # customer value
    ("客户100的终身价值", "customer_value", {"customer": "100", "horizon_weeks": 52}),
    ("what is customer 42 worth", "customer_value", {"customer": "42", "horizon_weeks": 52}),
    ("高价值客户的CLV", "customer_value", {"segment": "高价值", "horizon_weeks": 52}),
    ("高价值客户未来13周的生命周期价值", "customer_value", {"segment": "高价值", "horizon_weeks": 13}),
    # session 5: a period word is no quoted text; typos of 客单价; first-to-second gaps; per-day and share measures
    ("这段时间的复购率是多少", "metric_query", {"measures": ["repeat_rate", "repeat_customers", "buyers"]}),
    ("98年3月客单加是多少", "metric_query", {"measures": ["aov"], "since": "1998-03-01", "until": "1998-03-31"}),
    (
        "首次购买和第二次购买之间平均多少天",
        "metric_query",
        {"measures": ["days_first_to_second", "days_first_to_second_median"]},
    ),
    (
        "average days between the first and second order",
        "metric_query",
        {"measures": ["days_first_to_second", "days_first_to_second_median"]},
    ),
    (
        "98年2季度的订单数环比上个季度怎么样",
        "metric_query",
        {"measures": ["orders"], "since": "1998-04-01", "until": "1998-06-30", "compare": "previous"},
    ),
    (
        "1997年全年星期几订单最多，那一天全年一共多少单",
        "metric_query",
        {
            "measures": ["orders", "orders_share"],
            "group_by": "weekday",
            "since": "1997-01-01",
            "until": "1997-12-31",
            "sort": "desc",
        },
    ),
    (
        "1998年购买间隔的均值和中位数",
        "metric_query",
        {"measures": ["days_between_mean", "days_between_median"], "since": "1998-01-01", "until": "1998-06-30"},
    ),
    (
        "1997年一季度每笔订单平均有几张",
        "metric_query",
        {"measures": ["units_per_order"], "since": "1997-01-01", "until": "1997-03-31"},
    ),
    (
        "1997年金额超过50的订单有多少笔，总金额多少",
        "metric_query",
        {
            "measures": ["orders", "revenue"],
            "since": "1997-01-01",
            "until": "1997-12-31",
            "min_amount": 50.0,
            "amount_strict": True,
        },
    ),
    (
        "how many new customers bought in March 1997 and how much did they spend",
        "metric_query",
        {"measures": ["new_customers", "revenue_new"], "since": "1997-03-01", "until": "1997-03-31"},
    ),
    (
        "1998年一季度平均购买间隔多少天？中位数呢？",
        "metric_query",
        {"measures": ["days_between_mean", "days_between_median"], "since": "1998-01-01", "until": "1998-03-31"},
    ),
    # session 11's v2 set: the bands listed after the word 分布 name the last one
    (
        "购买次数的分布呢？买1次、2次、3次、4次及以上的各有多少人",
        "metric_query",
        {"measures": ["buyers"], "group_by": "purchase_count", "purchase_bands": 4},
    ),
    ("消费金额前20%的用户贡献了总营收的多少？", "metric_query", {"measures": ["revenue"], "top_share": 0.2}),
    (
        "今年上半年新客和老客分别有多少人？老客贡献的营收占比是多少？",
        "metric_query",
        {
            "measures": ["buyers", "revenue", "revenue_share"],
            "group_by": "customer_type",
            "since": "1998-01-01",
            "until": "1998-06-30",
        },
    ),
    (
        "客户7592未来一年大概还能给我们带来多少钱？他历史上一共买了多少",
        "customer_value",
        {"customer": "7592", "horizon_weeks": 52},
    ),
    # a period restated in brackets is one period, as the brackets spell it out
    (
        "上个季度（4-6月）营销ROI怎么样？先给我这季的营收和订单数",
        "metric_query",
        {"measures": ["revenue", "orders"], "since": "1998-04-01", "until": "1998-06-30"},
    ),
    (
        "last quarter (Apr-Jun) revenue?",
        "metric_query",
        {"measures": ["revenue"], "since": "1998-04-01", "until": "1998-06-30"},
    ),
    # session 11's v1 set
    (
        "所有会员里，只买过一次的占多少？买过两次的、三次及以上的又各占多少？",
        "metric_query",
        {"measures": ["buyers"], "group_by": "purchase_count", "purchase_bands": 3},
    ),
    (
        "去年买过、今年到现在一单都没下的老会员有多少？",
        "metric_query",
        {
            "measures": ["buyers"],
            "since": "1997-01-01",
            "until": "1997-12-31",
            "not_bought_since": "1998-01-01",
            "not_bought_until": "1998-06-30",
        },
    ),
    # 超过 / more than: the bound itself excluded; 以上 / or more: included
    (
        "累计消费超过1000元的客户有多少",
        "metric_query",
        {"measures": ["buyers"], "min_customer_spend": 1000.0, "customer_spend_strict": True},
    ),
    (
        "累计消费1000元以上的客户有多少",
        "metric_query",
        {"measures": ["buyers"], "min_customer_spend": 1000.0},
    ),
    ("累计消费1000以上的客户有多少", "metric_query", {"measures": ["buyers"], "min_customer_spend": 1000.0}),
    (
        "customers who spent less than 50 in 1997",
        "metric_query",
        {
            "measures": ["buyers"],
            "since": "1997-01-01",
            "until": "1997-12-31",
            "max_customer_spend": 50.0,
            "customer_spend_strict": True,
        },
    ),
    # a test on the rows of a trend or breakdown (having), never an order-amount filter
    ("订单数超过100的月份", "metric_query", {"measures": ["orders"], "grain": "month", "having": ">100"}),
    ("哪几个月的销售额超过10万", "metric_query", {"measures": ["revenue"], "grain": "month", "having": ">100000"}),
    (
        "1997年日销售额超过5000元的天数",
        "metric_query",
        {"measures": ["revenue"], "grain": "day", "since": "1997-01-01", "until": "1997-12-31", "having": ">5000"},
    ),
    (
        "How many days in 1998 had more than 150 orders?",
        "metric_query",
        {"measures": ["orders"], "grain": "day", "since": "1998-01-01", "until": "1998-06-30", "having": ">150"},
    ),
    (
        "which months had revenue of at least 100k",
        "metric_query",
        {"measures": ["revenue"], "grain": "month", "having": ">=100000"},
    ),
    ("哪些分群的复购率低于30%", "metric_query", {"measures": ["repeat_rate"], "group_by": "segment", "having": "<30%"}),
    ("客单价在40以下的月份有几个", "metric_query", {"measures": ["aov"], "grain": "month", "having": "<=40"}),
    (
        "AOV by qtr for 1997 pls",
        "metric_query",
        {"measures": ["aov"], "grain": "quarter", "since": "1997-01-01", "until": "1997-12-31"},
    ),
    (
        "1997年Q4三个月营收分别多少",
        "metric_query",
        {"measures": ["revenue"], "grain": "month", "since": "1997-10-01", "until": "1997-12-31"},
    ),
    (
        "今年金额超过200刀的大单有几个",
        "metric_query",
        {
            "measures": ["orders"],
            "since": "1998-01-01",
            "until": "1998-06-30",
            "min_amount": 200.0,
            "amount_strict": True,
        },
    ),
    (
        "今年周几下单最多？占比",
        "metric_query",
        {
            "measures": ["orders", "orders_share"],
            "group_by": "weekday",
            "since": "1998-01-01",
            "until": "1998-06-30",
            "sort": "desc",
        },
    ),
    # new (returning) customers as a share of the buyers named inside the share
    (
        "1997年3月新客多少人 占当月购买客户多少",
        "metric_query",
        {"measures": ["new_customers", "new_customer_share", "buyers"], "since": "1997-03-01", "until": "1997-03-31"},
    ),
    (
        "What share of buyers in March 1997 were returning customers?",
        "metric_query",
        {
            "measures": ["returning_customers", "returning_customer_share", "buyers"],
            "since": "1997-03-01",
            "until": "1997-03-31",
        },
    ),
    # 2+ purchases is what the repeat rate counts; 老会员 are returning customers
    (
        "1998年6月买了两次以上的客户占几成",
        "metric_query",
        {"measures": ["repeat_rate", "repeat_customers", "buyers"], "since": "1998-06-01", "until": "1998-06-30"},
    ),
    (
        "6月份有多少老会员回来买了",
        "metric_query",
        {"measures": ["returning_customers"], "since": "1998-06-01", "until": "1998-06-30"},
    ),
    (
        "1998年购买间隔的中位数",
        "metric_query",
        {"measures": ["days_between_median"], "since": "1998-01-01", "until": "1998-06-30"},
    ),
    # the documented measure keys as analysts type them
    (
        "1997-02 的 buyers、new_customers 和 new_customer_share",
        "metric_query",
        {"measures": ["buyers", "new_customers", "new_customer_share"], "since": "1997-02-01", "until": "1997-02-28"},
    ),
    (
        "98-03 的 units_per_order",
        "metric_query",
        {"measures": ["units_per_order"], "since": "1998-03-01", "until": "1998-03-31"},
    ),
    (
        "customers gone 120+ days w/o ordering",
        "metric_query",
        {"measures": ["inactive_customers"], "inactive_days": 120},
    ),
    ("60天都没来买过的客人有多少", "metric_query", {"measures": ["inactive_customers"], "inactive_days": 60}),
    ("1997年一单平均多少钱", "metric_query", {"measures": ["aov"], "since": "1997-01-01", "until": "1997-12-31"}),
    (
        "今年H1的平均购买间隔是多少天？median呢？",
        "metric_query",
        {"measures": ["days_between_mean", "days_between_median"], "since": "1998-01-01", "until": "1998-06-30"},
    ),
    # an explicit year against a half: that year as named, not the same half a year earlier
    (
        "Avg number of CDs per order, 1997 vs H1 1998?",
        "metric_query",
        {
            "measures": ["units_per_order"],
            "since": "1998-01-01",
            "until": "1998-06-30",
            "compare_since": "1997-01-01",
            "compare_until": "1997-12-31",
        },
    ),
    # both ends asked: every row ranked
    (
        "1997年哪个月卖得最好，哪个月最差",
        "metric_query",
        {"measures": ["revenue"], "grain": "month", "since": "1997-01-01", "until": "1997-12-31", "sort": "desc"},
    ),
    # a spend-ranking phrase next to a top-N is the ranking, not the segment
    (
        "营收是不是太集中在大客户身上了？去年top100客户贡献占比多少",
        "metric_query",
        {
            "measures": ["revenue", "revenue_share"],
            "group_by": "customer",
            "since": "1997-01-01",
            "until": "1997-12-31",
            "sort": "desc",
            "limit": 100,
        },
    ),
    (
        "In March 1997, what share of revenue came from returning customers?",
        "metric_query",
        {
            "measures": ["revenue", "revenue_share"],
            "group_by": "customer_type",
            "since": "1997-03-01",
            "until": "1997-03-31",
        },
    ),
    # the customer spent it: a bound on each customer's spend in the period
    (
        "customers who spent more than 500 in 1998",
        "metric_query",
        {
            "measures": ["buyers"],
            "since": "1998-01-01",
            "until": "1998-06-30",
            "min_customer_spend": 500.0,
            "customer_spend_strict": True,
        },
    ),
    (
        "1998年客户消费超过500的有几个",
        "metric_query",
        {
            "measures": ["buyers"],
            "since": "1998-01-01",
            "until": "1998-06-30",
            "min_customer_spend": 500.0,
            "customer_spend_strict": True,
        },
    ),
    # a first-purchase month's customers one month on: the cohort, not the 新客户 segment
    (
        "1997年2月首购的客户，次月复购率",
        "cohort_retention",
        {"since": "1997-02-01", "until": "1997-02-28", "periods": 1, "grain": "month"},
    ),
    (
        "Of customers who first bought in Feb 1997, what share bought again the following month?",
        "cohort_retention",
        {"since": "1997-02-01", "until": "1997-02-28", "periods": 1, "grain": "month"},
    ),
    # an amount word keeps the order-line amount filter even with rows asked by month
    (
        "1997年每个月金额超过100元的订单数",
        "metric_query",
        {
            "measures": ["orders"],
            "grain": "month",
            "since": "1997-01-01",
            "until": "1997-12-31",
            "min_amount": 100.0,
            "amount_strict": True,
        },
    ),
    # a count of buyers in its own clause next to another measure's clause keeps both
    (
        "1998年5月有多少客户买过？一共多少单？",
        "metric_query",
        {"measures": ["buyers", "orders"], "since": "1998-05-01", "until": "1998-05-31"},
    ),
    (
        "1997年平均多久回购一次",
        "metric_query",
        {"measures": ["days_between_mean", "days_between_median"], "since": "1997-01-01", "until": "1997-12-31"},
    ),
    (
        "top 3 customers by total spend and how much has each of them spent?",
        "metric_query",
        {"measures": ["revenue"], "group_by": "customer", "sort": "desc", "limit": 3},
    ),
    (
        "1998年4月的订单数是多少？MoM变化多少？",
        "metric_query",
        {"measures": ["orders"], "since": "1998-04-01", "until": "1998-04-30", "compare": "previous"},
    ),
    (
        "top 3 accounts in 1997?",
        "metric_query",
        {
            "measures": ["revenue"],
            "group_by": "customer",
            "since": "1997-01-01",
            "until": "1997-12-31",
            "sort": "desc",
            "limit": 3,
        },
    ),
    (
        "1997年消费满500元的客户有几个",
        "metric_query",
        {"measures": ["buyers"], "since": "1997-01-01", "until": "1997-12-31", "min_customer_spend": 500.0},
    ),
    (
        "1997年超过150的订单有多少笔",
        "metric_query",
        {
            "measures": ["orders"],
            "since": "1997-01-01",
            "until": "1997-12-31",
            "min_amount": 150.0,
            "amount_strict": True,
        },
    ),
    (
        "1998年Q2同比增长多少",
        "metric_query",
        {"measures": ["revenue"], "since": "1998-04-01", "until": "1998-06-30", "compare": "year"},
    ),
    ("Q1 1998 rev?", "metric_query", {"measures": ["revenue"], "since": "1998-01-01", "until": "1998-03-31"}),
    (
        "1997年一次性购买的客户占多少",
        "metric_query",
        {"measures": ["one_time_share", "one_time_customers", "buyers"], "since": "1997-01-01", "until": "1997-12-31"},
    ),
    (
        "97年单笔超50美元的订单有多少",
        "metric_query",
        {
            "measures": ["orders"],
            "since": "1997-01-01",
            "until": "1997-12-31",
            "min_amount": 50.0,
            "amount_strict": True,
        },
    ),
    (
        "1997年第三季度的订单数占全年多少",
        "metric_query",
        {
            "measures": ["orders"],
            "since": "1997-07-01",
            "until": "1997-09-30",
            "compare_since": "1997-01-01",
            "compare_until": "1997-12-31",
        },
    ),
    (
        "1997年2月老客户销售额占当月多少",
        "metric_query",
        {
            "measures": ["revenue", "revenue_share"],
            "group_by": "customer_type",
            "since": "1997-02-01",
            "until": "1997-02-28",
        },
    ),
    (
        "97年4月日均销售额",
        "metric_query",
        {"measures": ["revenue_per_day"], "since": "1997-04-01", "until": "1997-04-30"},
    ),
    (
        "1998年平均每天多少单",
        "metric_query",
        {"measures": ["orders_per_day"], "since": "1998-01-01", "until": "1998-06-30"},
    ),
    (
        "1997年2月的老客占比",
        "metric_query",
        {
            "measures": ["returning_customer_share", "returning_customers", "buyers"],
            "since": "1997-02-01",
            "until": "1997-02-28",
        },
    ),
    (
        "what share of revenue did the top 5 customers bring in 1997",
        "metric_query",
        {
            "measures": ["revenue", "revenue_share"],
            "group_by": "customer",
            "since": "1997-01-01",
            "until": "1997-12-31",
            "sort": "desc",
            "limit": 5,
        },
    ),
    (
        "消费最多的前30位客户占总营收的比例",
        "metric_query",
        {"measures": ["revenue", "revenue_share"], "group_by": "customer", "sort": "desc", "limit": 30},
    ),
    (
        "客户500在1997年花了多少钱",
        "metric_query",
        {"measures": ["revenue"], "customers": ["500"], "since": "1997-01-01", "until": "1997-12-31"},
    ),
]


@pytest.mark.parametrize(("text", "tool", "args"), CASES, ids=[c[0] for c in CASES])
def test_reads_the_tool_call(text: str, tool: str, args: dict[str, Any]) -> None:
    spec = _parse(text)
    assert (spec.tool, spec.args) == (tool, args)
    assert spec.answerable


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("按地区的销售额", [("region", "按地区")]),
        ("各品类的销量", [("product", "各品类")]),
        ("哪个渠道的GMV最高", [("channel", "哪个渠道")]),
        ("北京门店上个月的营收", [("region", "北京"), ("store", "门店")]),
        ("销售员业绩排名", [("salesperson", "销售员")]),
        ("revenue by region last year", [("region", "by region")]),
        ("sales by product category", [("product", "by product category")]),
        ("online vs offline revenue", [("channel", "online"), ("channel", "offline")]),
        ("revenue per sales rep", [("salesperson", "per sales rep")]),
        # a named salesperson ("销售小张") narrows to one person's orders, which the data does not record
        ("销售小张上季度业绩多少 排第几", [("salesperson", "销售小张")]),
        ("销售老王的订单数", [("salesperson", "销售老王")]),
        ("销售张伟上个月业绩", [("salesperson", "销售张伟")]),
        ("上季度销售额多少", []),
        ("购买了2件以上商品的订单数", [("quantity", "2件以上商品")]),
        ("每小时的订单数", [("hour", "每小时")]),
        ("晚上的订单多还是白天多", [("hour", "晚上"), ("hour", "白天")]),
        ("女性客户的客单价", [("demographics", "女性")]),
        ("用了优惠券的订单数", [("campaign", "优惠券")]),
        ("下个月的客单价预计多少", [("forecast_measure", "客单价")]),
    ],
)
def test_unsupported_constraints_are_reported_with_their_text(text: str, kinds: list[tuple[str, str]]) -> None:
    spec = _parse(text)
    assert [(u.kind, u.text) for u in spec.unsupported] == kinds


def test_unsupported_keeps_the_rest_of_the_question() -> None:
    # the router answers the revenue part only after saying it cannot split by region
    spec = _parse("按地区的销售额")
    assert spec.args == {"measures": ["revenue"]} and spec.answerable


@pytest.mark.parametrize("text", ["利润是多少", "毛利率趋势", "what is our profit margin", "转化率是多少"])
def test_only_unsupported_measures(text: str) -> None:
    spec = _parse(text)
    assert spec.tool == "metric_query" and spec.args == {"measures": []}
    assert not spec.answerable and spec.unsupported


@pytest.mark.parametrize(
    "text",
    [
        "客户42的资料",
        "Tell me about customer 42",
        "分析这条评论的情感：质量很好",
        "“物流太慢了”是什么情感",
        "高价值客户有什么特点",
        "高价值客户有多少",
        "沉睡客户有多少",
        "哪些客户有流失风险",
        "which customers are at risk of churning",
        "有哪些客户分群",
        "给我一个整体概况",
        "top 10 customers by revenue",
        "前十大客户",
        "有多少条评论提到物流",
        "how many reviews mention shipping",
        "客户42下个月会买吗",
        "客户主要抱怨什么",
        "hello",
        "你能做什么",
        "把上个月的订单导出发邮件给我",
        "给流失客户群发短信",
        "customers we might lose next quarter",
        "把客户300的订单和消费给我看看",
        "show customer 12's orders and spend",
        "客户12还有多大可能回购",
        "Will customer 42 buy again?",
        "How many purchases do we expect from customer 00100 in 8 weeks?",
        "新客户这一类的平均消费",
        "describe the new customers group",
        "各个分群的人数和收入占比",
        "segment list with sizes and revenue share",
        "营收排名靠前的客户",
        "when did the first and last orders happen",
        "any comments about returns",
    ],
)
def test_not_an_analytics_question(text: str) -> None:
    assert parse_metric_question(text, DS, DE) is None


def test_periods_text_echoes_how_periods_were_read() -> None:
    spec = _parse("3月的销售额")
    assert spec.periods_text == "1998-03 (no year given: the latest 3月 in the data)"
    assert spec.periods_text_zh is not None and "未给年份" in spec.periods_text_zh
    assert spec.assumed_year == 1998
    assert _parse("上个月GMV环比").periods_text == "1998-05 vs 1998-04"
    assert _parse("97年销售额").assumed_year is None
    assert _parse("98年销售额").periods_text == "1998 (within the data: 1998-01-01..1998-06-30)"


def test_compare_kind_is_kept_when_dates_carry_the_comparison() -> None:
    spec = _parse("最近30天销售额环比")
    assert spec.compare_kind == "previous" and "compare" not in spec.args
    assert _parse("97年11月跟98年3月的订单数比").compare_kind == "explicit"


def test_period_outside_the_data_is_reported_not_widened() -> None:
    spec = _parse("2005年的销售额")
    assert spec.args["since"] == "2005-01-01" and spec.args["until"] == "2005-12-31"  # the tool says: no data
    assert spec.outside and "outside the data" in spec.outside[0]


def test_missing_inactive_days() -> None:
    spec = _parse("流失了多少客户")
    assert spec.args == {"measures": ["inactive_customers"]} and spec.missing == ("inactive_days",)


def test_rolling_window_as_inactivity_threshold_is_not_a_date_filter() -> None:
    spec = _parse("过去90天没买的客户有多少")
    assert "since" not in spec.args and spec.args["inactive_days"] == 90


def test_a_third_period_is_reported() -> None:
    spec = _parse("97年Q1、97年Q2和98年Q1的销售额对比")
    assert [(u.kind, u.text) for u in spec.unsupported] == [("period", "98年 Q1")]


def test_leap_year_and_year_boundary() -> None:
    spec = parse_metric_question("2000年2月的销售额同比", "1999-01-01", "2001-12-31")
    assert spec is not None and spec.args["until"] == "2000-02-29" and spec.args["compare"] == "year"
    spec = parse_metric_question("上个月的订单数", date(1997, 1, 1), date(1998, 1, 2))
    assert spec is not None and (spec.args["since"], spec.args["until"]) == ("1997-12-01", "1997-12-31")


def test_placeholder_range_still_detects_the_question() -> None:
    # the router parses once against a placeholder range before it knows the data's dates
    spec = parse_metric_question("上个月的销售额", "1900-01-01", "2100-12-31")
    assert spec is not None and spec.args["measures"] == ["revenue"]


@pytest.mark.parametrize(
    ("since", "until", "grain"),
    [
        (date(1997, 1, 1), date(1997, 12, 31), "month"),
        (date(1998, 4, 1), date(1998, 6, 30), "week"),
        (date(1998, 5, 1), date(1998, 5, 31), "day"),
        (None, None, "month"),
    ],
)
def test_default_grain(since: date | None, until: date | None, grain: str) -> None:
    assert default_grain(since, until) == grain


# -- the terms file -------------------------------------------------------------------------------

# Catalogue names the terms file leaves out, and why: parenthesised labels are display names; "件单价" is a price
# per item, not units per order; retention words go to the cohort tool; "星期" is also part of 上星期 (a period);
# bare "segment"/"cluster"/"情感" name a subject, not a breakdown ("分析情感", "describe segment 2"); bare "reviews"
# is a feedback search.
NOT_READ = {
    "revenue (GMV)", "orders (order lines)", "销量（件数）", "件单价", "retention rate of buyers", "平均购买间隔（天）",
    "购买间隔中位数（天）", "reviews", "星期", "客户分群", "segment", "cluster", "情感", "sentiment label", "情感标签",
    "cohort (first-order month)",
    # group_by customer: "客户" alone is in every question, "per customer"/"每个客户" mean an average ("每个客户平均
    # 几单"), and "top customers" unscoped is the overview's list; rankings of customers reach it by the rank rule
    "客户", "customer (external id)", "per customer", "每个客户", "top customers",
    # "daily revenue last month" / "daily orders" ask for a trend by day; "average daily ..." is the per-day measure
    "daily revenue", "daily orders",
    # the first-to-second purchase window needs its number of days: metric_slots.second_within reads the phrase
    "share with a second purchase within N days", "N天内复购占比", "second purchase within N days", "N天内二次购买占比",
    "customers with a second purchase within N days", "N天内复购客户数", "N天内二次购买客户数",
}  # fmt: skip


def test_terms_use_catalogue_keys() -> None:
    data = terms()
    assert set(data["measures"]) <= set(MEASURES)
    assert set(data["grains"]) == set(GRAINS)
    assert set(data["group_by"]) == set(DIMENSIONS)


@pytest.mark.parametrize("key", sorted(MEASURES))
def test_catalogue_measure_names_read_as_their_key(key: str) -> None:
    from crm_insights.agent import metric_slots as ms

    m = MEASURES[key]
    for word in (m.name_zh, m.name_en, *m.synonyms):
        if word not in NOT_READ:
            assert ms._vocab().lookup.get(ms._norm(word)) == ("measures", key), word


@pytest.mark.parametrize("key", sorted(DIMENSIONS))
def test_catalogue_dimension_names_read_as_their_key(key: str) -> None:
    from crm_insights.agent import metric_slots as ms

    d = DIMENSIONS[key]
    for word in (d.name_zh, d.name_en, *d.synonyms):
        if word not in NOT_READ:
            assert ms._vocab().lookup.get(ms._norm(word)) == ("group_by", key), word


def test_measures_joined_by_and_are_all_kept() -> None:
    assert _parse("我们一共有多少客户和订单？").args == {"measures": ["buyers", "orders"]}
    assert _parse("How many customers and orders do we have?").args == {"measures": ["buyers", "orders"]}


@pytest.mark.parametrize(
    ("text", "scoped"),
    [
        ("总收入是多少", False),
        ("好评率", False),
        ("97年的总收入", True),
        ("按地区的销售额", True),
        ("各月的差评数量", True),
    ],
)
def test_scoped(text: str, scoped: bool) -> None:
    assert _parse(text).scoped is scoped


def test_customer_value_with_a_future_word_is_still_value() -> None:
    spec = _parse("how much will customer 42 be worth next year")
    assert spec.tool == "customer_value" and spec.args["customer"] == "42"


def test_forecast_of_a_measure_the_forecast_lacks_is_not_answerable() -> None:
    spec = _parse("明年的复购率")
    assert spec.tool == "forecast_totals" and not spec.answerable
    assert [(u.kind, u.text) for u in spec.unsupported] == [("forecast_measure", "复购率")]
    assert _parse("下个月预计多少买家").answerable


# Misreadings found by outside question sets, each read in several phrasings: (question, tool, the tool's full args).
READINGS: list[tuple[str, str, dict[str, Any]]] = [
    # typos and colloquial synonyms
    (
        "去年复够率多少",
        "metric_query",
        {"measures": ["repeat_rate", "repeat_customers", "buyers"], "since": "1997-01-01", "until": "1997-12-31"},
    ),
    (
        "97年回够率",
        "metric_query",
        {"measures": ["repeat_rate", "repeat_customers", "buyers"], "since": "1997-01-01", "until": "1997-12-31"},
    ),
    ("98年销额多少", "metric_query", {"measures": ["revenue"], "since": "1998-01-01", "until": "1998-06-30"}),
    ("今年一共卖出去多少张CD", "metric_query", {"measures": ["units"], "since": "1998-01-01", "until": "1998-06-30"}),
    ("上个月卖了几张碟", "metric_query", {"measures": ["units"], "since": "1998-05-01", "until": "1998-05-31"}),
    (
        "how many CDs sold in 1997",
        "metric_query",
        {"measures": ["units"], "since": "1997-01-01", "until": "1997-12-31"},
    ),
    (
        "97年下半年一共多少单，平均每单几张碟",
        "metric_query",
        {"measures": ["orders", "units_per_order"], "since": "1997-07-01", "until": "1997-12-31"},
    ),
    ("订单有多少条", "metric_query", {"measures": ["orders"]}),
    (
        "how many order lines in Q1 1998",
        "metric_query",
        {"measures": ["orders"], "since": "1998-01-01", "until": "1998-03-31"},
    ),
    ("平均每人消费多少", "metric_query", {"measures": ["revenue_per_buyer"]}),
    ("客户两次购买之间平均隔多少天", "metric_query", {"measures": ["days_between_mean", "days_between_median"]}),
    (
        "How many days pass between a customer's consecutive purchases?",
        "metric_query",
        {"measures": ["days_between_mean", "days_between_median"]},  # no statistic named: both
    ),
    ("两次下单间隔几天", "metric_query", {"measures": ["days_between_mean", "days_between_median"]}),
    # a year next to a customer word is the year
    (
        "Revenue per buyer: 1997 full year versus H1 1998?",
        "metric_query",
        {
            "measures": ["revenue_per_buyer"],
            "since": "1998-01-01",
            "until": "1998-06-30",
            "compare_since": "1997-01-01",
            "compare_until": "1997-12-31",
        },
    ),  # fmt: skip
    # the same period named twice is one period
    (
        "6月GMV多少？6月买家多少",
        "metric_query",
        {"measures": ["revenue", "buyers"], "since": "1998-06-01", "until": "1998-06-30"},
    ),
    # half a year of inactivity, and its share of all customers
    ("超过半年没下单的客户有多少人", "metric_query", {"measures": ["inactive_customers"], "inactive_days": 180}),
    (
        "半年没买过的客户占总客户多少",
        "metric_query",
        {"measures": ["inactive_customers"], "inactive_days": 180},
    ),
    (
        "how many customers haven't ordered in half a year",
        "metric_query",
        {"measures": ["inactive_customers"], "inactive_days": 180},
    ),
    # the lowest/highest row with its grain
    (
        "1998年销额最低的是哪个月？",
        "metric_query",
        {
            "measures": ["revenue"],
            "grain": "month",
            "since": "1998-01-01",
            "until": "1998-06-30",
            "sort": "asc",
            "limit": 1,
        },
    ),
    (
        "97年订单最多的那天",
        "metric_query",
        {
            "measures": ["orders"],
            "grain": "day",
            "since": "1997-01-01",
            "until": "1997-12-31",
            "sort": "desc",
            "limit": 1,
        },
    ),
    # the week of a day
    ("6月1号那周卖了多少", "metric_query", {"measures": ["revenue"], "since": "1998-06-01", "until": "1998-06-07"}),
    (
        "3月5日所在的那周的订单数",
        "metric_query",
        {"measures": ["orders"], "since": "1998-03-02", "until": "1998-03-08"},
    ),
    # amounts of exactly zero (or any amount)
    ("金额是0的订单有多少条", "metric_query", {"measures": ["orders"], "min_amount": 0.0, "max_amount": 0.0}),
    ("0元订单有多少", "metric_query", {"measures": ["orders"], "min_amount": 0.0, "max_amount": 0.0}),
    ("how many zero-amount orders", "metric_query", {"measures": ["orders"], "min_amount": 0.0, "max_amount": 0.0}),
    ("金额为15元的订单数", "metric_query", {"measures": ["orders"], "min_amount": 15.0, "max_amount": 15.0}),
    # a part as a share of its whole
    (
        "金额超过100的订单占全部订单百分之多少",
        "metric_query",
        {"measures": ["orders"], "min_amount": 100.0, "amount_strict": True},
    ),
    (
        "what share of orders are over $50",
        "metric_query",
        {"measures": ["orders"], "min_amount": 50.0, "amount_strict": True},
    ),
    (
        "周末(周六周日)的订单占总订单多少",
        "metric_query",
        {"measures": ["orders", "orders_share"], "group_by": "weekday"},
    ),
    ("周末的销售额占比", "metric_query", {"measures": ["revenue_share"], "group_by": "weekday"}),
    # rankings of customers, scoped: rows per customer
    (
        "Top 5 customers by revenue in 1998 so far?",
        "metric_query",
        {
            "measures": ["revenue"],
            "group_by": "customer",
            "since": "1998-01-01",
            "until": "1998-06-30",
            "sort": "desc",
            "limit": 5,
        },
    ),  # fmt: skip
    (
        "97年消费前十的客户一共花了多少钱",
        "metric_query",
        {
            "measures": ["revenue"],
            "group_by": "customer",
            "since": "1997-01-01",
            "until": "1997-12-31",
            "sort": "desc",
            "limit": 10,
        },
    ),  # fmt: skip
    (
        "What share of all-time revenue comes from our top 10 customers by spend?",
        "metric_query",
        {"measures": ["revenue", "revenue_share"], "group_by": "customer", "sort": "desc", "limit": 10},
    ),
    (
        "What share of revenue comes from our top customer segment?",
        "metric_query",
        {"measures": ["revenue_share"], "group_by": "segment", "sort": "desc", "limit": 1},
    ),
    # groupings
    ("每类客户各贡献了多少收入", "metric_query", {"measures": ["revenue", "revenue_share"], "group_by": "segment"}),
    (
        "each customer group's revenue in 1997",
        "metric_query",
        {"measures": ["revenue", "revenue_share"], "group_by": "segment", "since": "1997-01-01", "until": "1997-12-31"},
    ),  # fmt: skip
    # cohorts named by their first month, read in a later month
    (
        "2月那批新客，半年后也就是8月还有多少人在买？",
        "cohort_retention",
        {"since": "1997-02-01", "until": "1997-02-28", "periods": 6, "grain": "month"},
    ),
    (
        "1月首购的那批客户，2月回购率多少",
        "cohort_retention",
        {"since": "1998-01-01", "until": "1998-01-31", "periods": 1, "grain": "month"},
    ),
    (
        "97年1月首购的客户，到12月还有多少在买",
        "cohort_retention",
        {"since": "1997-01-01", "until": "1997-01-31", "periods": 11, "grain": "month"},
    ),
    (
        "97年2月首单的客户 3个月后留存率多少",
        "cohort_retention",
        {"since": "1997-02-01", "until": "1997-02-28", "periods": 3, "grain": "month"},
    ),
    (
        "of the customers who first bought in January 1997, what share ordered again in January 1998?",
        "cohort_retention",
        {"since": "1997-01-01", "until": "1997-01-31", "periods": 12, "grain": "month"},
    ),
    (
        "3月那批客户半年后还在买的有多少",
        "cohort_retention",
        {"since": "1997-03-01", "until": "1997-03-31", "periods": 6, "grain": "month"},
    ),
    (
        "按购买次数分层：1次、2次、3-5次、6次及以上，各多少人、各贡献多少营收（全部历史数据）",
        "metric_query",
        {"measures": ["buyers", "revenue"], "group_by": "purchase_count", "purchase_band_starts": [1, 2, 3, 6]},
    ),
    (
        "做对比用：今年上半年月均购买客户数是多少",
        "metric_query",
        {"measures": ["buyers"], "grain": "month", "since": "1998-01-01", "until": "1998-06-30"},
    ),
    (
        "今年有几个月单量过2000的",
        "metric_query",
        {"measures": ["orders"], "grain": "month", "since": "1998-01-01", "until": "1998-06-30", "having": ">2000"},
    ),
    (
        "Orders and revenue for the week of June 22?",
        "metric_query",
        {"measures": ["orders", "revenue"], "since": "1998-06-22", "until": "1998-06-28"},
    ),
    (
        "6.22-6.28那周卖了多少 比前一周涨了还是跌了",
        "metric_query",
        {"measures": ["revenue"], "since": "1998-06-22", "until": "1998-06-28", "compare": "previous"},
    ),
    (
        "去年消费超过1000块的客人有几位？",
        "metric_query",
        {
            "measures": ["buyers"],
            "since": "1997-01-01",
            "until": "1997-12-31",
            "min_customer_spend": 1000.0,
            "customer_spend_strict": True,
        },
    ),
    (
        "今年Q2（4-6月）有多少客人在不同日子买过两次或以上？占Q2 buyers多少%",
        "metric_query",
        {"measures": ["repeat_rate", "repeat_customers", "buyers"], "since": "1998-04-01", "until": "1998-06-30"},
    ),
    (
        # a budget the user will write is their purpose, not a measure the data lacks
        "下个季度营收大概多少？我要报三季度预算",
        "forecast_totals",
        {"period": "next_quarter"},
    ),
    (
        # a quarter past the data's end with a forecast word: the next quarter's forecast
        "顺便predict一下98年Q3整体的buyers、订单和revenue",
        "forecast_totals",
        {"period": "next_quarter"},
    ),
    (
        # "按客户分层": by segment, not per customer
        "按客户分层看，哪一层的差评比例最高？",
        "metric_query",
        {"measures": ["negative_share"], "group_by": "segment", "sort": "desc"},
    ),
    (
        # "累计消费": the spend bound is over all the data, the figure the period's
        "累计消费超过1000的客户今年上半年贡献了多少销售额",
        "metric_query",
        {
            "measures": ["revenue"],
            "since": "1998-01-01",
            "until": "1998-06-30",
            "min_customer_spend": 1000.0,
            "customer_spend_strict": True,
            "filter_since": "1997-01-01",
            "filter_until": "1998-06-30",
        },
    ),
    (
        # the half with no year is the latest; measured against a year written after it, not a part of that year
        "上半年营收相当于去年全年的百分之多少",
        "metric_query",
        {
            "measures": ["revenue"],
            "since": "1998-01-01",
            "until": "1998-06-30",
            "compare_since": "1997-01-01",
            "compare_until": "1997-12-31",
        },
    ),
    (
        # the months before the period measured name the cohorts, rows of the breakdown, not periods to compare
        "Break down H1 1998 revenue by acquisition cohort (Jan / Feb / Mar 97 first-purchasers).",
        "metric_query",
        {"measures": ["revenue"], "group_by": "cohort", "since": "1998-01-01", "until": "1998-06-30"},
    ),
    (
        "98年上半年的营收按首购月份拆：97年1月、2月、3月那几批",
        "metric_query",
        {"measures": ["revenue"], "group_by": "cohort", "since": "1998-01-01", "until": "1998-06-30"},
    ),
    (
        "month-1 and month-6 retention for the Jan, Feb and Mar 1997 acquisition cohorts",
        "cohort_retention",
        {"since": "1997-01-01", "until": "1997-03-31", "periods": 6, "grain": "month"},
    ),
    (
        "What's our annualised run-rate off Q2 (Apr–Jun 98)?",
        "metric_query",
        {
            "measures": ["revenue_annualized", "revenue_annualized_monthly", "revenue"],
            "since": "1998-04-01",
            "until": "1998-06-30",
        },
    ),
    (
        "消费排前二十的大客户 今年还有几个在买",
        "metric_query",
        {
            "measures": ["buyers"],
            "since": "1998-01-01",
            "until": "1998-06-30",
            "filter_since": "1997-01-01",
            "filter_until": "1998-06-30",
            "top_customers": 20,
        },
    ),
    (
        "累计消费前50的客户里，有几个超过90天没下单了",
        "metric_query",
        {"measures": ["buyers"], "inactive_days": 90, "top_customers": 50},
    ),
    (
        "去年上半年有来买、今年上半年都没再来的客人有几位？",
        "metric_query",
        {
            "measures": ["buyers"],
            "since": "1997-01-01",
            "until": "1997-06-30",
            "not_bought_since": "1998-01-01",
            "not_bought_until": "1998-06-30",
        },
    ),
    (
        "6月新会员和老会员各贡献了多少销售额？新客有多少人？",
        "metric_query",
        {
            "measures": ["buyers", "revenue", "revenue_share"],
            "group_by": "customer_type",
            "since": "1998-06-01",
            "until": "1998-06-30",
        },
    ),
    ("June revenue?", "metric_query", {"measures": ["revenue"], "since": "1998-06-01", "until": "1998-06-30"}),
    ("July orders", "metric_query", {"measures": ["orders"], "since": "1997-07-01", "until": "1997-07-31"}),
    (
        "上个月一共卖了多少单 客单价多少",
        "metric_query",
        {"measures": ["orders", "aov"], "since": "1998-05-01", "until": "1998-05-31"},
    ),
    # a spend bound defines who the big customers are, and the share asked is of the whole's revenue
    (
        "累计消费超1k的大客户有几个？占总销售额多少",
        "metric_query",
        {"measures": ["buyers", "revenue"], "min_customer_spend": 1000.0, "customer_spend_strict": True},
    ),
    # the period named right after 同比 is the one compared with; the base is a year later
    (
        "同比去年6月呢",
        "metric_query",
        {"measures": ["revenue"], "since": "1998-06-01", "until": "1998-06-30", "compare": "year"},
    ),
    (
        "营收同比1997年Q2",
        "metric_query",
        {"measures": ["revenue"], "since": "1998-04-01", "until": "1998-06-30", "compare": "year"},
    ),
    # cohorts: months before the words naming the cohort are cohorts, months after them the months to read them in
    (
        "三个 cohort（1997-01/02/03）在 M+12 的留存率各是多少？",
        "cohort_retention",
        {"since": "1997-01-01", "until": "1997-03-31", "periods": 12, "grain": "month"},
    ),
    (
        "跟2月、3月那两批比，一年后的留存谁高",
        "cohort_retention",
        {"since": "1997-02-01", "until": "1997-03-31", "periods": 12, "grain": "month"},
    ),
    (
        "3月那批过了一年还剩多少在买",
        "cohort_retention",
        {"since": "1997-03-01", "until": "1997-03-31", "periods": 12, "grain": "month"},
    ),
    (
        "Jan 97 cohort — what % of them came back and bought in Feb? and in April?",
        "cohort_retention",
        {"since": "1997-01-01", "until": "1997-01-31", "periods": 3, "grain": "month"},
    ),
    # both comparisons in one turn: one call with compare 'both'; periods named as those two are no extra periods
    (
        "Q2营收环比和同比分别是多少",
        "metric_query",
        {"measures": ["revenue"], "since": "1998-04-01", "until": "1998-06-30", "compare": "both"},
    ),
    (
        "1998-06 的 revenue 环比（vs 1998-05）和同比（vs 1997-06）分别是多少？",
        "metric_query",
        {"measures": ["revenue"], "since": "1998-06-01", "until": "1998-06-30", "compare": "both"},
    ),
    (
        "June 1998 revenue, MoM and YoY",
        "metric_query",
        {"measures": ["revenue"], "since": "1998-06-01", "until": "1998-06-30", "compare": "both"},
    ),
]


@pytest.mark.parametrize(("text", "tool", "args"), READINGS, ids=[c[0] for c in READINGS])
def test_readings(text: str, tool: str, args: dict[str, Any]) -> None:
    spec = _parse(text)
    assert (spec.tool, spec.args) == (tool, args)


@pytest.mark.parametrize(
    ("text", "kinds"),
    [
        ("去年摇滚类CD的复购率是多少", [("product", "摇滚")]),
        ("jazz sales in 1997", [("product", "jazz")]),
        ("线下门店来的客户里，最近三个月下过单的有多少人", [("channel", "线下"), ("store", "门店")]),
        ("下午下单的多吗", [("hour", "下午")]),
        ("晚上的销售额是多少", [("hour", "晚上")]),
    ],
)
def test_constraints_the_data_lacks_are_flagged(text: str, kinds: list[tuple[str, str]]) -> None:
    spec = _parse(text)
    assert [(u.kind, u.text) for u in spec.unsupported] == kinds


def test_a_flagged_channel_keeps_the_count_it_asks_for() -> None:
    spec = _parse("线下门店来的客户里，最近三个月下过单的有多少人")
    assert spec.args == {"measures": ["buyers"], "since": "1998-04-01", "until": "1998-06-30"}


@pytest.mark.parametrize(
    ("text", "args"),
    [
        # a time of day that says when the user is busy, not which orders
        (
            "我下午要给老板汇报，上个月销售额多少",
            {"measures": ["revenue"], "since": "1998-05-01", "until": "1998-05-31"},
        ),
        ("今天下午开会前告诉我97年的订单数", {"measures": ["orders"], "since": "1997-01-01", "until": "1997-12-31"}),
        # a document's cadence is not a grain
        (
            "Prepare the quarterly deck: revenue in 1997",
            {"measures": ["revenue"], "since": "1997-01-01", "until": "1997-12-31"},
        ),
        (
            "for the monthly report: orders in Q1 1998",
            {"measures": ["orders"], "since": "1998-01-01", "until": "1998-03-31"},
        ),
        ("季度汇报要用：97年的销售额", {"measures": ["revenue"], "since": "1997-01-01", "until": "1997-12-31"}),
        # 群发 is a mailing, not the segment breakdown
        (
            "给只买过一次的客户群发邮件，这类客户占多少",
            {"measures": ["one_time_share", "one_time_customers", "buyers"]},
        ),
    ],
)
def test_words_that_look_like_slots_but_are_not(text: str, args: dict[str, Any]) -> None:
    spec = _parse(text)
    assert spec.args == args and not spec.unsupported


@pytest.mark.parametrize("text", ["数据是哪年到哪年的", "订单数据从哪天到哪天", "数据的时间范围是什么"])
def test_the_data_range_is_not_a_grain(text: str) -> None:
    assert parse_metric_question(text, DS, DE) is None


@pytest.mark.parametrize("text", ["1月首购的那批客户，2月回购率多少", "97年3月的新客，半年后还有多少人在买"])
def test_a_first_purchase_cohort_is_not_the_new_customer_segment(text: str) -> None:
    spec = _parse(text)
    assert spec.tool == "cohort_retention" and "segment" not in spec.args


@pytest.mark.parametrize(
    ("text", "share"),
    [
        ("金额超过100的订单占全部订单百分之多少", True),
        ("what share of orders are over $50", True),
        ("what percentage of revenue comes from orders over $100", True),
        ("半年没买过的客户占总客户多少", True),
        ("金额超过100的订单有多少", False),
    ],
)
def test_a_share_of_all_is_flagged_on_the_spec(text: str, share: bool) -> None:
    # not a tool argument: metric_query returns share_of_all next to every amount-filtered total
    spec = _parse(text)
    assert spec.share_of_all is share and "share_of_all" not in spec.args


@pytest.mark.parametrize("text", ["占全部订单百分之多少", "占总销售额的比例呢", "那占全部订单多少"])
def test_a_whole_alone_is_no_question_of_its_own(text: str) -> None:
    # the part is the previous question's: the router reads this again with that question's words and filters
    assert parse_metric_question(text, DS, DE) is None


def test_the_parser_imports_on_its_own() -> None:
    # the router imports metric_slots and metric_slots imports the router's slots: either may be imported first
    import subprocess
    import sys

    done = subprocess.run([sys.executable, "-c", "import crm_insights.agent.metric_slots"], capture_output=True)
    assert done.returncode == 0, done.stderr.decode()


# -- follow-ups to an analytics answer (router/metrics.follow_up with this parser) ----------------------------------


def _follow(first: str, then: str) -> dict[str, Any]:
    from crm_insights.agent.router import metrics as rm

    previous = rm.parse(first, str(DS), str(DE))
    assert previous is not None
    new = rm.follow_up(then, previous, str(DS), str(DE))
    assert new is not None
    return new["args"]


@pytest.mark.parametrize(
    ("first", "then", "expected"),
    [
        # one period named with a comparison word: the previous period stays the base, compared with it
        ("1998年6月的客单价", "和4月相比呢", ("1998-06-01", "1998-06-30", "1998-04-01", "1998-04-30")),
        ("revenue in March 1998", "vs January?", ("1998-03-01", "1998-03-31", "1998-01-01", "1998-01-31")),
        # a month after the base month with no year: the one before the base ("跟8月比" after 1998-06 -> 1997-08)
        ("1998年6月的销售额", "跟8月比呢", ("1998-06-01", "1998-06-30", "1997-08-01", "1997-08-31")),
        # two halves with no year after a question about one year: that year's halves, the later as the base
        ("1997年的订单数", "上半年和下半年分别多少", ("1997-07-01", "1997-12-31", "1997-01-01", "1997-06-30")),
        ("What was total revenue in 1997?", "H1 vs H2?", ("1997-07-01", "1997-12-31", "1997-01-01", "1997-06-30")),
        # a part of the previous period as a share: the part, compared with the whole (the answer shows the ratio)
        ("1997年的销售额是多少", "其中第四季度占多少", ("1997-10-01", "1997-12-31", "1997-01-01", "1997-12-31")),
        (
            "revenue over all the data",
            "how much of that was in 1998, as a share?",
            ("1998-01-01", "1998-06-30", "1997-01-01", "1998-06-30"),
        ),
    ],
)
def test_a_follow_up_names_the_period_to_compare_with(first: str, then: str, expected: tuple[str, ...]) -> None:
    args = _follow(first, then)
    got = (args.get("since"), args.get("until"), args.get("compare_since"), args.get("compare_until"))
    assert got == expected
    assert "compare" not in args


@pytest.mark.parametrize("then", ["那去年同期呢？", "and the same period last year?"])
def test_the_same_period_last_year_compares_the_kept_period(then: str) -> None:
    args = _follow("1998年上半年的客单价", then)
    assert (args["since"], args["until"], args["compare"]) == ("1998-01-01", "1998-06-30", "year")


def test_a_named_comparison_in_a_follow_up_is_not_a_period_to_compare_with() -> None:
    args = _follow("1998年6月的销售额", "那3月同比呢")
    assert (args["since"], args["until"], args.get("compare")) == ("1998-03-01", "1998-03-31", "year")


@pytest.mark.parametrize("text", ["一周里周几卖得最好", "星期几下单的人最多", "which weekday sells best"])
def test_a_breakdown_beats_an_out_of_scope_reading(text: str) -> None:
    from crm_insights.agent.router import metrics as rm

    metric = rm.parse(text, str(DS), str(DE))
    assert metric is not None and metric["args"].get("group_by") == "weekday"
    assert not rm.classic_wins(metric, "out_of_scope", {})


def _decided(turns: list[str]) -> dict[str, Any]:
    """The metric slot of the last turn, each turn decided after the previous one (the router's thread state)."""
    from crm_insights.agent.router import OfflineRouter, decide

    router = OfflineRouter()
    previous: dict[str, Any] | None = None
    decision = None
    for question in turns:
        decision = decide(question, previous, router.knowledge, router.index)
        slots = dict(decision.slots)
        slots.update(data_start=str(DS), data_end=str(DE))
        if slots.get("data_range_pending") and "metric" in slots:
            # what the plan does after crm_overview: the question read again against the data's range
            from crm_insights.agent.router.plan import _after_step

            _after_step("reparse_metric", slots, question)
            decision.slots["metric"] = slots["metric"]
        slots.pop("data_range_pending", None)
        previous = {"intent": decision.intent, "slots": slots}
    assert decision is not None
    if "metric" not in decision.slots:
        return {"intent": decision.intent}
    return dict(decision.slots["metric"]["args"])


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        # a growth question with no measure after an analytics answer: the previous measure and period
        # session 11's v1 set: the group pointed at with 他们 / 这批人 stays the group
        (
            ["今年上半年买了3次及以上的会员有几个？", "他们上半年贡献了多少销售额？占上半年总额多少？"],
            {"measures": ["revenue"], "since": "1998-01-01", "min_purchases": 3},
        ),
        (
            ["我们把超过180天没下过单的算沉睡会员，现在这样的会员有多少人？", "这批人历史上一共给我们贡献过多少钱？"],
            {"measures": ["revenue"], "inactive_days": 180, "since": None},
        ),
        # who to win back after a lapsed group: the churn-risk ranking, not the group's figure again
        (
            ["去年买过、今年到现在一单都没下的老会员有多少？", "里面哪些人最值得优先去挽回？按能挽回的价值排一下"],
            {"intent": "at_risk"},
        ),
        # the thread's cohort and the months listed beside it, side by side at the month named
        (
            [
                "97年1月首购的那批用户，次月留存是多少？第3个月呢？",
                "这批人到第12个月（满一年）还有多少在买？顺便把2月、3月cohort第12个月的也列一下",
            ],
            {"since": "1997-01-01", "until": "1997-03-31", "periods": 12},
        ),
        # a target given after the budget was declined: the thread's half-year against it, not the whole year
        (
            [
                "今年上半年实际营收跟预算比差多少？预算完成率多少？",
                "全年预算是一百二十万美元。按这个数，上半年完成了百分之多少？下半年还差多少才能完成？",
            ],
            {"measures": ["revenue"], "since": "1998-01-01", "until": "1998-06-30", "compare": None},
        ),
        # session 11's v2 set
        (
            ["超过半年（180天）没再买的用户有多少？占全部用户的比例？", "这些沉睡用户里，以前买过3次及以上的有多少？"],
            {"measures": ["buyers"], "min_purchases": 3, "inactive_days": 180},
        ),
        (
            ["上个月卖了多少钱啊", "那跟再上一个月比 是多了还是少了 多了多少"],
            {
                "since": "1998-05-01",
                "until": "1998-05-31",
                "compare_since": "1998-04-01",
                "compare_until": "1998-04-30",
            },
        ),
        (["上个月卖了多少钱啊", "克单价呢 上个月的"], {"measures": ["aov"], "since": "1998-05-01"}),
        (
            ["今年上半年新客和老客分别有多少人？", "这有点奇怪，那新客都是哪几个月进来的？每个月多少"],
            {"measures": ["new_customers"], "grain": "month", "since": "1997-01-01", "until": "1998-06-30"},
        ),
        (
            ["最近三个月 来了多少个客人买东西", "里面买了两次以上的有几个 就是服购的"],
            {"measures": ["buyers"], "min_purchases": 2, "since": "1998-04-01"},
        ),
        # a filtered figure's share asked, then another period: the share again
        (
            ["97全年 金额超过100刀的订单有多少单，占全部订单多少", "98上半年呢"],
            {"measures": ["orders"], "min_amount": 100.0, "since": "1998-01-01"},
        ),
        # what is usual is over all the data, and a customer's own gaps have no new/returning rows
        (
            ["那今年Q1有多少买家？里面新客几个", "新客首单到二单一般隔多久，给个中位数"],
            {"measures": ["days_first_to_second", "days_first_to_second_median"], "group_by": None, "since": None},
        ),
        # the first row of a trend against its last
        (
            [
                "Can you give me AOV by quarter from Q1 1997 through Q2 1998?",
                "So what's the relative change from the first of those quarters to the last?",
            ],
            {
                "measures": ["aov"],
                "since": "1998-04-01",
                "until": "1998-06-30",
                "compare_since": "1997-01-01",
                "compare_until": "1997-03-31",
                "grain": None,
            },
        ),
        # "那半个月一共" is the thread's period, though 一共 alone asks for all of the data
        (
            ["去年11月1号到15号那波大促，跟10月1号到15号比，销售额涨了多少？", "另外那半个月一共多少人买过"],
            {"measures": ["buyers"], "since": "1997-11-01", "until": "1997-11-15"},
        ),
        # weekend vs workdays per day after a weekday ranking: the per-day measure by weekday (with its subtotals)
        (
            ["今年以来按星期几看，哪天卖得最好？", "周末平均一天卖多少，工作日平均一天卖多少？"],
            {"measures": ["revenue_per_day"], "group_by": "weekday", "since": "1998-01-01"},
        ),
        (["1998年5月的订单数", "同比呢？"], {"measures": ["orders"], "since": "1998-05-01", "compare": "year"}),
        (["Q1 1998 AOV?", "YoY?"], {"measures": ["aov"], "since": "1998-01-01", "compare": "year"}),
        # an elliptical clause, then a new measure: both measures over the new period
        (
            ["1997年的复购率", "那98年上半年呢？一次性购买的占多少"],
            {
                "measures": ["repeat_rate", "repeat_customers", "one_time_share", "one_time_customers", "buyers"],
                "since": "1998-01-01",
                "until": "1998-06-30",
            },
        ),
        # no period named in the thread: the conversation's period; 累计 asks for all of it
        (
            ["1997年上半年新客多少人", "老客贡献的销售额是多少"],
            {"measures": ["revenue_returning"], "since": "1997-01-01", "until": "1997-06-30"},
        ),
        # a new measure with only a comparison word keeps the thread's period
        (
            ["1998年上半年的订单数", "那客单价 YoY 呢？"],
            {"measures": ["aov"], "since": "1998-01-01", "until": "1998-06-30", "compare": "year"},
        ),
        # "them" after a month's new customers: that month's cohort, read at the month named
        (["1997年3月这批新客有多少人", "它们在1997年9月的留存"], {"since": "1997-03-01", "periods": 6}),
        # a defaulted measure with its own period and a YoY comparison: that period, no grain from the thread
        (
            ["1997年按季度的销售额", "How did Q2 of 98 do against the same quarter last year?"],
            {"since": "1998-04-01", "until": "1998-06-30", "compare": "year", "grain": None},
        ),
        # the period before the previous one, with the same comparison
        (
            ["Q1 1998 revenue vs the same quarter last year", "And the quarter before that — same comparison?"],
            {"since": "1997-10-01", "until": "1997-12-31", "compare": "year"},
        ),
        # a group by lifetime spend, then its figure in a period (who they are is still read over all the data)
        (
            ["累计消费超过1000刀的客户有多少个", "他们今年上半年贡献了多少销售额 占比多少"],
            {
                "since": "1998-01-01",
                "min_customer_spend": 1000.0,
                "filter_since": "1997-01-01",
                "measures": ["revenue"],
            },
        ),
        (
            [
                "What share of total revenue comes from the top 10% of customers?",
                "And what share of 1998 revenue came from those same customers?",
            ],
            {"since": "1998-01-01", "top_share": 0.1, "filter_since": "1997-01-01", "measures": ["revenue"]},
        ),
        # 环比 with the month named: the kept period against that month
        (
            ["98年2月分的定单数和购买人数", "环比一月呢 销售额涨了没"],
            {"since": "1998-02-01", "compare_since": "1998-01-01", "compare_until": "1998-01-31"},
        ),
        # the same quarter written twice beside 环比 is one period compared with the one before
        (
            ["请给一下1998年Q1的营收，以及同比1997年Q1的变化幅度（%）。", "Q2呢？另外Q2环比Q1是多少？"],
            {"since": "1998-04-01", "until": "1998-06-30", "compare": "previous"},
        ),
        # "今年…去年" in a remark beside 去年同期: the thread's period against the same period a year earlier
        (
            ["去年复购率多少？", "今年上半年呢", "今年反而比去年高？去年同期是多少 同口径对比下"],
            {"since": "1998-01-01", "until": "1998-06-30", "compare": "year"},
        ),
        # 新客/老客 after revenue by new vs returning name its rows again; a count of them is a count
        (
            ["上个月销售额 新客老客各贡献多少", "全是老客？那97年2月呢 那会应该新客多吧"],
            {"measures": ["revenue", "revenue_share"], "group_by": "customer_type", "since": "1997-02-01"},
        ),
        (["上个月销售额 新客老客各贡献多少", "那97年2月新客有多少人"], {"measures": ["new_customers"]}),
        # a new measure of one type after revenue by type: each type's figure (the row asked among them)
        (
            ["97年3月的revenue拆一下new vs returning，各多少？", "returning这部分的AOV是多少？"],
            {"measures": ["aov"], "group_by": "customer_type", "since": "1997-03-01"},
        ),
        # two cohorts named with "cohort" right after Chinese months, month-1 of each
        (
            ["97年1月首单的cohort，month-1和month-3的retention分别是多少？", "2月和3月cohort的month-1对比一下"],
            {"since": "1997-02-01", "until": "1997-03-31", "periods": 1},
        ),
        # a run rate projected to the whole year in a thread about this year: the quarter named is measured
        (
            ["今年Q1、Q2收入各多少？Q2环比Q1变了多少", "3月在Q1里占比多少", "按Q2的run-rate年化，全年大概能做多少"],
            {"since": "1998-04-01", "until": "1998-06-30"},
        ),
        # the thread's customer's CLV
        (
            ["19339这个客户好久没动静了，上次下单距今多少天？", "未来半年他大概还能贡献多少价值 CLV"],
            {"customer": "19339", "horizon_weeks": 26},
        ),
        (["帮我看下客户7592，累计消费多少", "他跟同级别的客户比怎么样"], {"intent": "explain_customer_segment"}),
        # a bare new period after a comparison a year apart is compared the same way
        (
            ["What was revenue in Q1 1998, and how does that compare with Q1 1997?", "And Q2?"],
            {"since": "1998-04-01", "until": "1998-06-30", "compare": "year"},
        ),
        # a festival's week, then "比前一周": that week against the one before (not the week before, alone)
        (
            ["97年双11那一周GMV和单量分别多少", "比前一周涨了多少"],
            {"since": "1997-11-10", "until": "1997-11-16", "compare": "previous"},
        ),
        # "哪天" after a weekday ranking is a weekday row, not a date
        (
            ["今年周几卖得最好？", "那AOV哪天最高"],
            {"measures": ["aov"], "group_by": "weekday", "grain": None, "since": "1998-01-01"},
        ),
        # a bare 全年 after a question about one year is that year
        (
            ["1997年的订单数", "哪个季度销售额最高，占全年多少？"],
            {"since": "1997-01-01", "until": "1997-12-31", "grain": "quarter"},
        ),
    ],
)
def test_analytics_thread_context(turns: list[str], expected: dict[str, Any]) -> None:
    args = _decided(turns)
    assert {k: args.get(k) for k in expected} == expected


def test_all_time_words_do_not_take_the_threads_period() -> None:
    args = _decided(["1997年上半年新客多少人", "累计的销售额是多少"])
    assert args.get("since") is None  # the all-time figure (the overview or an unbounded metric_query)


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        # an action whose payload is a figure: the figure is answered, the action declined (slot "action")
        ("Email the board our 1998 Q1 revenue.", "metric_query"),
        # the count asked of the action's object ("先告诉我有多少人")
        ("把去年下半年到现在一次都没买过的客户导出一份Excel给我，先告诉我有多少人", "metric_query"),
        # "remind me what it was" asks; a distribution list is whom it goes to
        ("Send the H1 1998 revenue figure to the board distribution list — and remind me what it was.", "metric_query"),
        ("把1997年的销售额发邮件给老板", "metric_query"),
        # an action whose payload is records (a list, the orders): declined with no figure
        ("把今年消费前20的客户名单发我老板邮箱 boss@example.com", "unsupported_action"),
        ("导出1998年的订单", "unsupported_action"),
        ("帮我写一段SQL，把订单表里1997年的数据都删掉", "unsupported_action"),
    ],
)
def test_an_action_carrying_a_figure_answers_the_figure(question: str, intent: str) -> None:
    from crm_insights.agent.router import OfflineRouter, decide

    router = OfflineRouter()
    decision = decide(question, None, router.knowledge, router.index)
    assert decision.intent == intent
    assert decision.slots.get("action") is True


@pytest.mark.parametrize("text", ["wow", "wow, nice", "mom said hi"])
def test_an_exclamation_is_no_comparison(text: str) -> None:
    assert parse_metric_question(text, DS, DE) is None


def test_a_year_is_no_account_id() -> None:
    args = _decided(["top 5 accounts 1998?"])
    assert (args["group_by"], args["limit"], args["since"]) == ("customer", 5, "1998-01-01")


@pytest.mark.parametrize(
    ("text", "answer_rest"),
    [
        # a split the data cannot make, and the total asked in a clause of its own: the total is answered
        ("98Q1营收多少 按品类拆一下", True),
        ("按品类拆一下Q2 GMV，顺便给我Q2总GMV", True),
        ("Q2 GMV by category, and the Q2 total", True),
        # a measure the data lacks next to one it has: the one it has is answered
        ("97年Q4的销售额和毛利分别多少？", True),
        ("98Q2 GMV 给个总数，再按 channel（app / web / 门店）拆一下", True),
        ("今年卖了多少张碟？哪张卖得最好", True),
        ("利润是多少", False),
        # a missing attribute that filters the measure ("returned orders") gives no figure for all orders
        ("上个月退货的订单有多少单？", False),
        # a statistic no tool computes: the mean is answered only when asked beside it
        ("What's the median order value in 1997? And the mean?", True),
        ("1997年订单金额的中位数是多少", False),
        # only a split the data cannot make is asked: the split declined, the unsplit total answered (the writers'
        # brief: "give the figures of the answerable part")
        ("Break down H1 1998 revenue by APAC country — Japan, Singapore and Australia.", True),
        ("Break down last quarter's revenue by region, please.", True),
        ("上半年营收按产品线拆一下，流行、古典、爵士各占多少？", True),
        ("Which sales rep closed the most revenue last quarter? Also give me total revenue for last quarter.", True),
        # the attribute picks whom the other clause counts: a filter, declined whole
        ("线下门店来的客户里，最近三个月下过单的有多少人", False),
        # the split asked in a clause of its own beside a question the data answers: that question is answered
        ("咱们会员男女比例多少？总共多少会员", True),
        # a budget is no data: the actual figure answered, the budget declined
        ("98年Q2的实际收入和预算比，完成率多少？缺口有多大？", True),
        ("97年Q1每个月的新客数分别多少？最好再按获客渠道拆一下", True),
        # the missing attribute filters (rock CDs, customers in Beijing): no figure for another scope
        ("去年摇滚类CD的复购率是多少", False),
    ],
)
def test_a_total_asked_apart_from_an_unsupported_split_is_answered(text: str, answer_rest: bool) -> None:
    spec = _parse(text)
    assert spec.unsupported
    assert spec.answer_rest is answer_rest


# Session 7: words of the bookstore, ops and owner personas (d1/d2 dev sets)
COLLOQUIAL: list[tuple[str, str, dict[str, Any]]] = [
    # 会员 / 用户 / 顾客 are customers
    (
        "近3个月有多少会员来买过东西？买了不止一次的占多少",
        "metric_query",
        {"measures": ["buyers", "repeat_rate", "repeat_customers"], "since": "1998-04-01", "until": "1998-06-30"},
    ),
    (
        "今年上半年新来的会员有几个",
        "metric_query",
        {"measures": ["new_customers"], "since": "1998-01-01", "until": "1998-06-30"},
    ),
    # the first gap, read both ways
    (
        "会员第一次买完一般隔多少天会来买第二次啊",
        "metric_query",
        {"measures": ["days_first_to_second", "days_first_to_second_median"]},
    ),
    # 老客 names who has a gap, not a split; no statistic named: mean and median
    (
        "我想定沉睡的门槛，老客两次购买之间一般隔多少天？",
        "metric_query",
        {"measures": ["days_between_mean", "days_between_median"]},
    ),
    ("那老客人均下了几单", "metric_query", {"measures": ["orders_per_buyer"], "group_by": "customer_type"}),
    # 最近 with no length: the last three months, by month
    (
        "最近生意怎么样",
        "metric_query",
        {"measures": ["revenue"], "grain": "month", "since": "1998-04-01", "until": "1998-06-30"},
    ),
    # this year so far against the same months of last year
    (
        "今年比去年好吗",
        "metric_query",
        {
            "measures": ["revenue"],
            "since": "1998-01-01",
            "until": "1998-06-30",
            "compare_since": "1997-01-01",
            "compare_until": "1997-06-30",
        },
    ),
    (
        "98年销售额和97全年比",
        "metric_query",
        {
            "measures": ["revenue"],
            "since": "1998-01-01",
            "until": "1998-06-30",
            "compare_since": "1997-01-01",
            "compare_until": "1997-12-31",
        },
    ),
    ("下季度能卖多少", "forecast_totals", {"period": "next_quarter"}),
]


@pytest.mark.parametrize(("text", "tool", "args"), COLLOQUIAL, ids=[c[0] for c in COLLOQUIAL])
def test_colloquial_readings(text: str, tool: str, args: dict[str, Any]) -> None:
    spec = _parse(text)
    assert (spec.tool, spec.args) == (tool, args)


def test_a_membership_tier_is_not_a_customer_word() -> None:
    spec = _parse("金卡会员等级的复购率")
    assert spec.unsupported and spec.unsupported[0].kind != "customer"


def test_a_profit_asked_in_its_own_clause_leaves_the_revenue_answered() -> None:
    spec = _parse("今年上半年赚了多少钱？利润率多少？")
    assert spec.args["measures"] == ["revenue"]
    assert [u.kind for u in spec.unsupported] == ["profit"] and spec.answer_rest


COLLOQUIAL_2: list[tuple[str, str, dict[str, Any]]] = [
    (
        "6.30当天多少单 多少钱",
        "metric_query",
        {"measures": ["orders", "revenue"], "since": "1998-06-30", "until": "1998-06-30"},
    ),
    (
        "累计消费超1w的客户有几个",
        "metric_query",
        {"measures": ["buyers"], "min_customer_spend": 10000.0, "customer_spend_strict": True},
    ),
    (
        "H1 '98 vs H1 '97 revenue — growth %?",
        "metric_query",
        {"measures": ["revenue"], "since": "1998-01-01", "until": "1998-06-30", "compare": "year"},
    ),
    (
        "97年1月那批新客的cohort retention拉一下，M3还有多少比例在回购？",
        "cohort_retention",
        {"since": "1997-01-01", "until": "1997-01-31", "periods": 3, "grain": "month"},
    ),
    (
        "按客户分群看，哪个群差评比例最高",
        "metric_query",
        {"measures": ["negative_share"], "group_by": "segment", "sort": "desc"},
    ),
    (
        "那数据最后一天有多少订单、多少销售额？",
        "metric_query",
        {"measures": ["orders", "revenue"], "since": "1998-06-30", "until": "1998-06-30"},
    ),
]


@pytest.mark.parametrize(("text", "tool", "args"), COLLOQUIAL_2, ids=[c[0] for c in COLLOQUIAL_2])
def test_colloquial_readings_2(text: str, tool: str, args: dict[str, Any]) -> None:
    spec = _parse(text)
    assert (spec.tool, spec.args) == (tool, args)


def test_a_region_share_beside_a_total_leaves_the_total_answered() -> None:
    spec = _parse("这个季度总共卖了多少 华东区占几成")
    assert spec.args == {"measures": ["revenue"], "since": "1998-04-01", "until": "1998-06-30"}
    assert [u.kind for u in spec.unsupported] == ["region"] and spec.answer_rest


def test_the_inactive_customers_other_measures_are_measured_over_that_group() -> None:
    spec = _parse("这批一年多没来的人，以前平均每人花了多少钱？")
    assert spec.args == {"measures": ["inactive_customers", "revenue_per_buyer"], "inactive_days": 365}
    assert not spec.unsupported


def test_a_store_ranking_beside_a_company_total_answers_the_total_only() -> None:
    spec = _parse("去年哪家门店的会员复购率最高？全公司整体复购率是多少")
    assert spec.args == {"measures": ["repeat_rate"], "since": "1997-01-01", "until": "1997-12-31"}
    assert [u.kind for u in spec.unsupported] == ["store"] and spec.answer_rest


def test_a_store_that_will_act_on_a_list_is_no_split() -> None:
    spec = _parse("把一年以上没来买的会员名单导出来发我邮箱，我让门店挨个打电话召回。顺便说下一共有多少人")
    assert not spec.unsupported
    assert _parse("线下门店来的客户里，最近三个月下过单的有多少人").unsupported  # a filter stays one


COLLOQUIAL_3: list[tuple[str, str, dict[str, Any]]] = [
    # a quarter with no year next to the year named and a share of the whole: a row of that year
    (
        "1997年四个季度的营收分别是多少？Q1占全年比重多少？",
        "metric_query",
        {"measures": ["revenue", "revenue_share"], "grain": "quarter", "since": "1997-01-01", "until": "1997-12-31"},
    ),
    # the month compared with takes the year of the one it is compared with
    (
        "97年3月的销售额跟1月比",
        "metric_query",
        {
            "measures": ["revenue"],
            "since": "1997-03-01",
            "until": "1997-03-31",
            "compare_since": "1997-01-01",
            "compare_until": "1997-01-31",
        },
    ),
    (
        "最近90天没有下单的客户有多少？你是以哪天为基准算的？",
        "metric_query",
        {"measures": ["inactive_customers"], "inactive_days": 90},
    ),
    (
        "这两个季度加起来平均一个人买几单",
        "metric_query",
        {"measures": ["orders_per_buyer"], "since": "1998-01-01", "until": "1998-06-30"},
    ),
    # a ratio compares whole years; a total compares the same months
    (
        "AOV 1998 vs 1997?",
        "metric_query",
        {
            "measures": ["aov"],
            "since": "1998-01-01",
            "until": "1998-06-30",
            "compare_since": "1997-01-01",
            "compare_until": "1997-12-31",
        },
    ),
]


@pytest.mark.parametrize(("text", "tool", "args"), COLLOQUIAL_3, ids=[c[0] for c in COLLOQUIAL_3])
def test_colloquial_readings_3(text: str, tool: str, args: dict[str, Any]) -> None:
    spec = _parse(text)
    assert (spec.tool, spec.args) == (tool, args)


@pytest.mark.parametrize(
    ("text", "measure", "kinds"),
    [
        ("上个月投诉最多的是哪个品类？退货率多少？顺便告诉我上个月总单量", "orders", ["product", "profit"]),
        (
            "What's our gross margin and CAC? And revenue per customer in H1 '98.",
            "revenue_per_buyer",
            ["profit", "profit"],
        ),
        ("1998年上半年退款金额是多少？扣除后的净营收呢？", "revenue", ["profit"]),
    ],
)
def test_a_measure_in_its_own_clause_is_answered_beside_missing_ones(text: str, measure: str, kinds: list[str]) -> None:
    spec = _parse(text)
    assert spec.args["measures"] == [measure] and [u.kind for u in spec.unsupported] == kinds and spec.answer_rest


def test_a_missing_measure_alone_is_declined() -> None:
    spec = _parse("利润是多少")
    assert not spec.args["measures"] and not spec.answer_rest


def test_measures_of_a_one_time_group_are_measured_over_that_group() -> None:
    spec = _parse("这些一次性客户平均每人花了多少钱")
    assert spec.args["measures"] == ["buyers", "revenue_per_buyer"]
    assert (spec.args["min_purchases"], spec.args["max_purchases"]) == (1, 1) and not spec.unsupported


@pytest.mark.parametrize(
    ("text", "since", "until", "not_since", "not_until"),
    [
        ("去年Q4买过、但今年上半年一单都没下的客户有多少？", "1997-10-01", "1997-12-31", "1998-01-01", "1998-06-30"),
        ("去年买过今年没买的客户有多少", "1997-01-01", "1997-12-31", "1998-01-01", "1998-06-30"),
        ("97下半年一单没买、98上半年又回来买的客户有多少人", "1998-01-01", "1998-06-30", "1997-07-01", "1997-12-31"),
        ("How many customers bought in 1997 but not in 1998?", "1997-01-01", "1997-12-31", "1998-01-01", "1998-06-30"),
    ],
)
def test_customers_of_one_period_missing_from_another(
    text: str, since: str, until: str, not_since: str, not_until: str
) -> None:
    spec = _parse(text)
    assert spec.args["measures"] == ["buyers"] and not spec.unsupported
    assert (spec.args["since"], spec.args["until"]) == (since, until)
    assert (spec.args["not_bought_since"], spec.args["not_bought_until"]) == (not_since, not_until)
    assert "compare" not in spec.args and "compare_since" not in spec.args


@pytest.mark.parametrize(
    ("text", "lo", "hi"),
    [
        ("复购3次以上的客户有多少", 3, None),
        ("买过3次及以上的客户有多少", 3, None),
        ("how many customers bought more than 3 times", 4, None),
        ("买了两次的客户有多少", 2, 2),
        ("购买3次以下的客户有几个", None, 3),
    ],
)
def test_a_purchase_count_narrows_the_customers(text: str, lo: int | None, hi: int | None) -> None:
    spec = _parse(text)
    assert spec.args["measures"] == ["buyers"] and not spec.unsupported
    assert (spec.args.get("min_purchases"), spec.args.get("max_purchases")) == (lo, hi)


@pytest.mark.parametrize(
    ("text", "bands"),
    [
        ("全部客户里 买过1次、2次、3次及以上的各多少人？", 3),
        ("买过1次、2次、3次、4次以上的客户分别有多少", 4),
        ("客户的购买次数分布", 3),
    ],
)
def test_listed_purchase_counts_band_the_customers(text: str, bands: int) -> None:
    spec = _parse(text)
    assert spec.args["group_by"] == "purchase_count" and spec.args["purchase_bands"] == bands
    assert spec.args["measures"] == ["buyers"] and not spec.unsupported


@pytest.mark.parametrize(
    ("text", "share"),
    [("前10%的客户贡献了多少收入", 0.1), ("top 10% of customers?", 0.1), ("头部20%客户占了多少销售额", 0.2)],
)
def test_a_top_share_of_customers_is_no_top_n_ranking(text: str, share: float) -> None:
    spec = _parse(text)
    assert spec.args["top_share"] == share and spec.args.get("group_by") is None
    assert "revenue" in spec.args["measures"]


def test_the_other_group_asked_with_ne_keeps_the_measure() -> None:
    spec = _parse("去年3月那波拉新，新客贡献了多少销售额？老客呢？")
    assert "revenue_returning" in spec.args["measures"] and "returning_customers" not in spec.args["measures"]


def test_a_music_genre_is_declined_and_the_units_answered() -> None:
    spec = _parse("今年卖了多少张碟？哪类音乐卖得最好")
    assert "units" in spec.args["measures"] and [u.kind for u in spec.unsupported] == ["product"] and spec.answer_rest


@pytest.mark.parametrize(
    ("text", "args"),
    [
        (
            "Any month in '98 above $100k?",
            {
                "measures": ["revenue"],
                "grain": "month",
                "since": "1998-01-01",
                "until": "1998-06-30",
                "having": ">100000",
            },
        ),
        (
            "Any month in 1998 with revenue above $100k?",
            {
                "measures": ["revenue"],
                "grain": "month",
                "since": "1998-01-01",
                "until": "1998-06-30",
                "having": ">100000",
            },
        ),
    ],
)
def test_rows_over_a_money_amount_are_a_revenue_test(text: str, args: dict[str, Any]) -> None:
    assert _parse(text).args == args


@pytest.mark.parametrize(
    ("text", "measures", "kinds"),
    [
        ("98Q2一共卖了多少张碟？各品类动销率分别多少", ["units"], ["product"]),
        ("how many orders did we ship in Q2 and what was our on-time delivery rate?", ["orders"], ["delivery"]),
        (
            "金卡/银卡/普通会员98H1的复购率分别多少？没有等级的话先给个整体的",
            ["repeat_rate", "repeat_customers", "buyers"],
            ["membership"] * 2,
        ),
    ],
)
def test_the_answerable_part_beside_a_split_or_measure_the_data_lacks(
    text: str, measures: list[str], kinds: list[str]
) -> None:
    spec = _parse(text)
    assert spec.args["measures"] == measures and [u.kind for u in spec.unsupported] == kinds and spec.answer_rest
    assert "customers" not in spec.args  # "会员98H1" is a half year, not customer 98


@pytest.mark.parametrize(
    ("text", "measures"),
    [
        ("平均一个客户会买几次呀", ["orders_per_buyer"]),
        ("一单平均买几张CD啊", ["units_per_order"]),
        # 件单价 is the price of one unit (revenue / units), not units per order
        ("97年的件单价是多少", ["revenue_per_unit"]),
        ("一张CD平均卖多少钱", ["revenue_per_unit"]),
        ("What was the average unit price in 1997?", ["revenue_per_unit"]),
    ],
)
def test_plain_words_for_per_order_and_per_customer_measures(text: str, measures: list[str]) -> None:
    assert _parse(text).args["measures"] == measures


def test_every_month_asked_with_the_best_one_lists_every_month() -> None:
    args = _parse("98上半年按月拆下GMV 哪个月最高").args
    assert args["grain"] == "month" and args["sort"] == "desc" and "limit" not in args


def test_repeat_orders_next_quarter_are_the_totals_forecast() -> None:
    spec = _parse("下季度预计会有多少复购单")
    assert spec.tool == "forecast_totals" and not spec.unsupported


HELD_OUT_TUNED: list[tuple[str, dict[str, Any]]] = [
    (
        "618复盘：1998-06-01至06-18的销售额和订单数，跟1997年同期（1997-06-01至06-18）对比。",
        {"measures": ["revenue", "orders"], "since": "1998-06-01", "until": "1998-06-18", "compare": "year"},
    ),
    (
        "1998年1-6月里，月订单数超过2000的月份有哪些？",
        {"measures": ["orders"], "grain": "month", "since": "1998-01-01", "until": "1998-06-30", "having": ">2000"},
    ),
    ("rev per buyer this yr?", {"measures": ["revenue_per_buyer"], "since": "1998-01-01", "until": "1998-06-30"}),
    ("AOV last 3 mos?", {"measures": ["aov"], "since": "1998-04-01", "until": "1998-06-30"}),
    (
        "老客复够情况怎么样？97年全年的复购率多少",
        {"measures": ["repeat_rate", "repeat_customers", "buyers"], "since": "1997-01-01", "until": "1997-12-31"},
    ),
    (
        "去年下半年营收比上半年少了多少？降幅百分比",
        {"measures": ["revenue"], "since": "1997-07-01", "until": "1997-12-31", "compare": "previous"},
    ),
    (
        "啊？那去年1月、2月、3月分别拉了多少新客",
        {"measures": ["new_customers"], "grain": "month", "since": "1997-01-01", "until": "1997-03-31"},
    ),
    ("平均每个客户一共贡献了多少钱？下了几单？", {"measures": ["revenue_per_buyer", "orders_per_buyer"]}),
]


@pytest.mark.parametrize(("text", "args"), HELD_OUT_TUNED, ids=[c[0] for c in HELD_OUT_TUNED])
def test_readings_tuned_on_the_held_out_sets(text: str, args: dict[str, Any]) -> None:
    assert _parse(text).args == args


def test_feedback_complaints_are_no_order_figure() -> None:
    assert parse_metric_question("最近用户反馈里吐槽最多的是哪几类问题", DS, DE) is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [("客服平均首次响应时长是多少？另外这个月有多少客户下过单", "service"), ("need Q1 rev split APAC vs NA", "region")],
)
def test_a_measure_or_split_the_data_lacks_is_named(text: str, kind: str) -> None:
    spec = _parse(text)
    assert spec.args["measures"] and kind in [u.kind for u in spec.unsupported]


def test_yoy_against_last_years_named_half_is_that_half() -> None:
    # "同比去年上半年" names last year's half: it is the comparison period, not a restatement dropped to "上半年"
    assert _parse("今年上半年呢？同比去年上半年变化多少").args == {
        "measures": ["revenue"],
        "since": "1998-01-01",
        "until": "1998-06-30",
        "compare": "year",
    }


def test_first_order_to_second_order_and_a_coupon_rate_we_lack() -> None:
    assert _parse("一般客户第一单到第二单隔多久啊 平均几天").args["measures"][0] == "days_first_to_second"
    spec = _parse("1997-11-11当天的订单数和GMV是多少？优惠券核销率是多少？")
    assert spec.args["measures"] == ["orders", "revenue"] and spec.answer_rest
    assert [u.kind for u in spec.unsupported] == ["profit"]


@pytest.mark.parametrize(
    "text",
    [
        "1997年3月的销售额里，新客（首单在3月）和老客（首单在3月之前）各贡献多少、占比多少？",
        "In March 1997, what share of revenue came from returning customers (first order before March) vs new ones?",
    ],
)
def test_a_bracketed_definition_is_no_period_of_its_own(text: str) -> None:
    assert _parse(text).args == {
        "measures": ["revenue", "revenue_share"],
        "group_by": "customer_type",
        "since": "1997-03-01",
        "until": "1997-03-31",
    }


def test_average_daily_order_volume() -> None:
    assert _parse("what's our avg daily order volume in Q2 '98?").args["measures"] == ["orders_per_day"]


@pytest.mark.parametrize(
    "text",
    [
        "How many customers haven't placed a single order so far in 1998? What % of the base is that?",
        "今年一单都没下的客户有多少",
    ],
)
def test_customers_with_no_order_in_one_period(text: str) -> None:
    spec = _parse(text)
    assert spec.args["measures"] == ["buyers"] and "since" not in spec.args
    assert (spec.args["not_bought_since"], spec.args["not_bought_until"]) == ("1998-01-01", "1998-06-30")


@pytest.mark.parametrize(
    ("text", "measures", "since"),
    [
        (
            "按Q2的run-rate年化，全年大概能做多少",
            ["revenue_annualized", "revenue_annualized_monthly", "revenue"],
            "1998-04-01",
        ),
        ("今年上半年销售额多少？月均多少", ["revenue", "revenue_per_month"], "1998-01-01"),
        ("97年月均营收多少", ["revenue_per_month"], "1997-01-01"),
    ],
)
def test_monthly_averages_and_run_rates(text: str, measures: list[str], since: str) -> None:
    spec = _parse(text)
    assert spec.args["measures"] == measures and spec.args["since"] == since and "compare_since" not in spec.args


def test_the_same_quarter_last_year_is_a_year_over_year_comparison() -> None:
    spec = _parse("这一季（4到6月）业绩多少？跟去年同一季比起来差多少")
    assert spec.args["compare"] == "year" and spec.args["since"] == "1998-04-01" and not spec.unsupported


@pytest.mark.parametrize(
    ("text", "having", "since"),
    [
        ("今年哪几个月订单过两千了", ">2000", "1998-01-01"),
        ("历史上月销售额过10w的月份有几个", ">100000", None),
        ("97年月单量过3k的有哪几个月", ">3000", "1997-01-01"),
    ],
)
def test_guo_before_a_number_is_a_row_test(text: str, having: str, since: str | None) -> None:
    spec = _parse(text)
    assert spec.args["having"] == having and spec.args["grain"] == "month" and spec.args.get("since") == since


def test_two_iso_days_joined_by_dots_are_one_range() -> None:
    spec = _parse("1998-01-01..1998-06-30 按星期几统计 orders，哪天最多？")
    assert (spec.args["since"], spec.args["until"]) == ("1998-01-01", "1998-06-30")


def test_orders_named_beside_another_measure_anywhere_are_asked() -> None:
    spec = _parse("1997-04-01 至 1997-06-30 区间的 AOV（revenue/orders）是多少？请同时给出 revenue 和 orders。")
    assert spec.args["measures"] == ["aov", "revenue", "orders"]


@pytest.mark.parametrize(
    "text", ["给过差评的客户，后来还有多少人继续下单了？比例多少", "给过差评的那些人，后来还有回来下单的吗"]
)
def test_complainers_who_came_back_after_a_comma(text: str) -> None:
    from crm_insights.agent import metric_slots as ms

    assert ms.COMPLAINED_THEN_BOUGHT.search(text)


@pytest.mark.parametrize(
    ("text", "measures"),
    [
        # a filter the data lacks, and the whole asked by name in a clause of its own: the whole is answered
        ("嗯那个帮我看下华东区今年卖了多少钱 然后全国一共卖了多少", ["revenue"]),
        # the salespeople's ranking is declined; only the measure asked apart (orders) is answered
        ("我们组每个销售今年的业绩排个名 还有今年总共多少单", ["orders"]),
        ("What are gross margins and AOV for H1 1998?", ["aov"]),
    ],
)
def test_the_part_asked_apart_is_answered(text: str, measures: list[str]) -> None:
    spec = _parse(text)
    assert spec.answer_rest and spec.unsupported and spec.args["measures"] == measures


@pytest.mark.parametrize(
    ("text", "args"),
    [
        ("最近三个月跟前三个月比 营收涨了还是跌了", {"since": "1998-04-01", "compare": "previous"}),
        ("去年下半年一单没下、今年又回来买的有多少人", {"since": "1998-01-01", "not_bought_since": "1997-07-01"}),
        ("到目前为止人均LTV多少？就按累计消费/总用户数算", {"measures": ["revenue_per_buyer"]}),
    ],
)
def test_more_everyday_readings(text: str, args: dict[str, Any]) -> None:
    spec = _parse(text)
    assert spec.tool == "metric_query" and {k: spec.args.get(k) for k in args} == args


@pytest.mark.parametrize(
    "text", ["What's the predicted value of customer 07592 over the next year?", "预测一下未来客户价值 哪些客户最值钱"]
)
def test_predicted_value_is_the_customer_value_model(text: str) -> None:
    assert _parse(text).tool == "customer_value"


def test_purchases_counted_in_their_own_clause_period() -> None:
    spec = _parse("去年复购过（买了2次及以上）的客户，今年还有多少在买？比例多少")
    assert spec.args["measures"] == ["buyers"] and spec.args["min_purchases"] == 2
    assert (spec.args["since"], spec.args["filter_since"], spec.args["filter_until"]) == (
        "1998-01-01",
        "1997-01-01",
        "1997-12-31",
    )


def test_new_and_returning_revenue_is_split_by_type_with_shares() -> None:
    spec = _parse("今年上半年来了多少新客？新老客销售额各占多少")
    assert spec.args["measures"] == ["buyers", "revenue", "revenue_share"] and spec.args["group_by"] == "customer_type"


def test_a_month_named_with_a_forecast_word_is_the_coming_one() -> None:
    spec = _parse("按现在这个走势，7月销售额大概能做多少？给个预测")
    assert spec.tool == "forecast_totals" and spec.args == {"period": "next_month"}
    assert _parse("7月销售额多少").args["since"] == "1997-07-01"  # no forecast word: the latest July in the data


def test_this_customers_chances_ahead_are_no_metric() -> None:
    text = "Is this customer likely to buy again in the next 3 months?"
    assert parse_metric_question(text, "1997-01-01", "1998-06-30") is None


@pytest.mark.parametrize(
    ("text", "since"),
    [
        ("1998H1 的新客数、老客数分别是多少？老客收入占比？（新客=全周期首单落在区间内）", "1998-01-01"),
        ("1997-03 单月呢？新客数和新客收入占比。", "1997-03-01"),
    ],
)
def test_each_customer_types_count_beside_its_revenue_share(text: str, since: str) -> None:
    spec = _parse(text)
    assert spec.args["measures"] == ["buyers", "revenue", "revenue_share"] and spec.args["since"] == since


def test_a_coming_week_in_a_clause_that_asks_nothing_is_the_users_schedule() -> None:
    spec = _parse("下周要给董事会做QBR，先把今年Q2的核心数给我：营收、订单数、下单客户数")
    assert spec.args == {
        "measures": ["revenue", "orders", "buyers"],
        "since": "1998-04-01",
        "until": "1998-06-30",
    }


def test_what_a_campaign_is_for_is_no_filter() -> None:
    spec = _parse("For the win-back campaign: how many customers haven't ordered in 365+ days?")
    assert not spec.unsupported and spec.args["inactive_days"] == 365
    assert [u.kind for u in _parse("上次营销活动带来了多少订单").unsupported] == ["campaign"]


@pytest.mark.parametrize(
    ("text", "first"),
    [
        ("How many customers only ever made a single purchase? As a share of everyone?", "one_time_customers"),
        ("想check下1998年5月的revenue同order数", "revenue"),
    ],
)
def test_more_measure_words(text: str, first: str) -> None:
    spec = _parse(text)
    assert spec.args["measures"][0] == first and len(spec.args["measures"]) >= 2


@pytest.mark.parametrize(
    ("text", "measures"),
    [
        ("这里面新客贡献多少、老客多少？两个加起来得等于总额", ["revenue_new", "revenue_returning"]),
        ("新客贡献多少销售额，老客有多少人", ["revenue_new", "returning_customers"]),
    ],
)
def test_the_other_customer_type_gets_the_same_measure_unless_counted(text: str, measures: list[str]) -> None:
    assert _parse(text).args["measures"] == measures


def test_an_english_purchase_bound_in_brackets() -> None:
    spec = _parse("How many of those lapsed folks were repeat buyers before they went quiet (2+ purchase days)?")
    assert spec.args.get("min_purchases") == 2 and "purchase_days" not in spec.args["measures"]


@pytest.mark.parametrize(
    ("text", "targets", "fixed"),
    [
        ("Jan 97 cohort — what % of them came back and bought in Feb? and in April?", (1, 3), (None, None)),
        ("97年1月首单的那批客户，次月（2月）的留存率多少？到97年12月还有多少比例在买？", (1, 11), (None, "1997-12")),
        ("1月那批人到98年6月还有多少比例在买", (5,), ("1998-06",)),
        ("97年1月那批cohort，次月retention和3个月后的retention分别多少", (1, 3), (None, None)),
        ("Jan '97 cohort — what's the retention in month 1, month 3 and month 12?", (1, 3, 12), (None, None, None)),
        # a range of months: every month of it
        (
            "For the January 1997 first-purchase cohort, what does retention look like month 1 through month 6?",
            (1, 2, 3, 4, 5, 6),
            (None,) * 6,
        ),
        ("97年1月那批 M1到M6留存", (1, 2, 3, 4, 5, 6), (None,) * 6),
        # months listed before a later cohort word are cohorts too, of the year written first
        ("97年1月首购的用户到第12个月还有多少在买？顺便把2月、3月cohort第12个月的也列一下", (12,), (None,)),
    ],
)
def test_each_month_a_cohort_is_read_in_is_kept(
    text: str, targets: tuple[int, ...], fixed: tuple[str | None, ...]
) -> None:
    spec = _parse(text)
    assert spec.tool == "cohort_retention"
    assert (spec.cohort_targets, spec.cohort_fixed) == (targets, fixed)
    assert spec.args["periods"] == max(targets)


def test_one_customers_last_purchase_is_the_profile_not_a_day_table() -> None:
    assert parse_metric_question("查一下客户00100：总共下了几单、花了多少钱、最后一次是哪天买的？", DS, DE) is None


def test_which_customers_placed_the_orders_counted_is_a_second_call() -> None:
    spec = _parse("就是那个单笔一千块以上的订单有几单然后都是哪几个客户")
    assert spec.args == {"measures": ["orders"], "min_amount": 1000.0}
    assert spec.also == (
        {"measures": ["orders", "revenue"], "min_amount": 1000.0, "group_by": "customer", "sort": "desc", "limit": 20},
    )
    assert _parse("单笔一千块以上的订单有几单").also == ()


def test_the_wholes_how_much_asks_a_share() -> None:
    # "贡献了总营收的多少": the group's revenue as a share of the whole
    assert _parse("消费金额前20%的用户贡献了总营收的多少？").share_of_all
    assert not _parse("消费金额前20%的用户贡献了多少营收？").share_of_all


@pytest.mark.parametrize(
    ("text", "target", "args"),
    [
        (
            "全年预算是一百二十万美元。按这个数，上半年完成了百分之多少？下半年还差多少才能完成？",
            1_200_000.0,
            {"measures": ["revenue"], "since": "1998-01-01", "until": "1998-06-30"},
        ),
        (
            "The full-year budget is $1.2M. What % of it did H1 deliver?",
            1_200_000.0,
            {"measures": ["revenue"], "since": "1998-01-01", "until": "1998-06-30"},
        ),
        (
            "今年目标定在300万，98年Q1做了多少，完成率多少",
            3_000_000.0,
            {"measures": ["revenue"], "since": "1998-01-01", "until": "1998-03-31"},
        ),
    ],
)
def test_a_target_the_user_gives_is_measured_against(text: str, target: float, args: dict[str, Any]) -> None:
    # the data has no budgets; one the user states is the figure to compare with, and the rest of the year it
    # covers is no period to decline
    spec = _parse(text)
    assert (spec.target, spec.args, spec.unsupported) == (target, args, ())


def test_a_budget_compared_without_a_figure_leaves_the_actual_answered() -> None:
    spec = _parse("今年上半年实际营收跟预算比差多少？预算完成率多少？")
    assert spec.answer_rest and spec.target is None and spec.args["measures"] == ["revenue"]
    assert {u.kind for u in spec.unsupported} == {"profit"}


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("这个月哪个歌手的碟卖得最好 一共卖了多少张碟", "哪个歌手"),
        ("Which artist sold best in June, and how many CDs overall?", "artist"),
    ],
)
def test_an_artist_is_a_product_split_the_data_lacks(text: str, part: str) -> None:
    spec = _parse(text)
    assert [(u.kind, u.text) for u in spec.unsupported] == [("product", part)] and "units" in spec.args["measures"]


def test_a_filtered_figure_compared_with_the_whole_shows_the_whole() -> None:
    # "跟整体比差多少": the unfiltered figure beside the filtered one
    assert _parse("今年单笔100刀以上的订单，平均每单几件？跟整体比差多少？").share_of_all
    assert not _parse("今年单笔100刀以上的订单，平均每单几件？").share_of_all


def test_a_filtered_share_is_asked_again_in_the_next_period() -> None:
    from crm_insights.agent.router import metrics as rm

    previous = rm.parse("97全年 金额超过100刀的订单有多少单，占全部订单多少", "1997-01-01", "1998-06-30")
    assert previous is not None and previous["share_of_all"]
    metric = {"tool": "metric_query", "args": {**previous["args"], "since": "1998-01-01", "until": "1998-06-30"}}
    rm.share_again("98上半年呢", metric, previous)
    assert metric["share_of_all"]


# Session 12's dev sets (w1-w4): readings checked on the arguments named
SESSION_12_READINGS: list[tuple[str, dict[str, Any]]] = [
    # the top spenders of "消费金额前10%的老客户" rank over all the data; 老客户 names who they are, not a split
    (
        "消费金额前10%的老客户，最近3个月还有多少人在买",
        {"top_share": 0.1, "filter_since": DS, "filter_until": DE, "since": "1998-04-01", "group_by": None},
    ),
    (
        "Compare our top 20% spenders vs everyone else on AOV in H1 1998",
        {"top_share": 0.2, "filter_since": DS, "measures": ["aov"], "since": "1998-01-01"},
    ),
    # a ranking written onto its period, or the period's concentration, ranks by the period's spend
    ("1998年消费前10%的客户贡献了多少", {"top_share": 0.1, "filter_since": None, "since": "1998-01-01"}),
    ("What share of 1997 revenue came from the top 1% of customers?", {"top_share": 0.01, "filter_since": None}),
    # every gap between purchases, the first one named only to be widened
    ("那不限第一次第二次，平时两次购买之间平均隔几天", {"measures": ["days_between_mean", "days_between_median"]}),
    (
        "那不只看首单到二单，所有相邻两次购买之间平均隔多少天",
        {"measures": ["days_between_mean", "days_between_median"]},
    ),
    (
        "Over the last 3 months, what's the average and median gap between a customer's purchases?",
        {"measures": ["days_between_mean", "days_between_median"], "since": "1998-04-01"},
    ),
    # 哪个款 is a product the data lacks; 几件 the units
    ("上个月哪个款卖的最好 一共卖了几件", {"measures": ["units"], "since": "1998-05-01", "until": "1998-05-31"}),
    # a customer called a big customer is that customer, not the segment too; 买了几次 their purchase days
    ("我负责的大客户7983，今年到现在消费了多少？", {"customers": ["7983"], "segment": None}),
    ("客户14048今年买了几次 一共花了多少", {"measures": ["purchase_days", "revenue"], "customers": ["14048"]}),
    ("平均每个客户买了几次", {"measures": ["orders_per_buyer"]}),
    # returning customers counted beside their revenue
    (
        "这个月回购的老客多少人，贡献多少流水",
        {"measures": ["returning_customers", "revenue_returning"], "since": "1998-06-01"},
    ),
    ("老客贡献了多少收入", {"measures": ["revenue_returning"]}),
    # a run rate projects to its year, compared with the year named
    (
        "按98年上半年的节奏线性外推，98全年营收大概能到多少？跟97全年比降了多少",
        {
            "measures": ["revenue_annualized", "revenue_annualized_monthly", "revenue"],
            "since": "1998-01-01",
            "until": "1998-06-30",
            "compare_since": "1997-01-01",
            "compare_until": "1997-12-31",
        },
    ),
    # a spend bound's count and their spend; "has a second order" is the repeat rate; never came back: one-time
    (
        "以前累计消费满300块的有多少人？他们一共花过多少钱？",
        {"measures": ["buyers", "revenue"], "min_customer_spend": 300.0},
    ),
    ("有第二单的用户占全部用户多少", {"measures": ["repeat_rate", "repeat_customers", "buyers"]}),
    (
        "And what proportion of all customers never came back for a second purchase?",
        {"measures": ["one_time_share", "one_time_customers", "buyers"]},
    ),
    # 上周一共 / 上周日均 are last week (not last Monday / Sunday); 日均几单 the orders per day
    ("上周一共多少单 多少个客户下了单？", {"measures": ["orders", "buyers"], "since": "1998-06-22", "group_by": None}),
    ("上周日均几单", {"measures": ["orders_per_day"], "since": "1998-06-22", "group_by": None}),
    # 按周一到周日 is by weekday, not by week
    ("最近三个月按周一到周日拆一下GMV", {"group_by": "weekday", "grain": None, "since": "1998-04-01"}),
    # a purchase-count funnel is the bands, no sales pipeline
    (
        "帮我做个购买频次漏斗：买过1次、2次、3次、4次、5次及以上的用户各多少",
        {"measures": ["buyers"], "group_by": "purchase_count", "purchase_bands": 5},
    ),
    # 过了10w is a row test; 有几笔 counts the order lines
    ("去年有几个月营业额过了10w", {"grain": "month", "having": ">100000", "since": "1997-01-01"}),
    (
        "98年3月单笔金额超过100美元的订单有几笔？占当月营收多少",
        {"measures": ["orders", "revenue"], "min_amount": 100.0},
    ),
    # two months with 分别 and no comparison word: month by month
    (
        "97年2月和3月，分别拆一下新客和老客的营收",
        {"grain": "month", "group_by": "customer_type", "since": "1997-02-01", "until": "1997-03-31"},
    ),
    # the mean days since the last order, of the group pointed at or of everyone
    ("平均多久没买了", {"measures": ["days_since_last_mean"]}),
    ("How long has it been since they last bought, on average?", {"measures": ["days_since_last_mean"]}),
    # months listed with 、 are their range; month by month when each is asked; brackets restate the period
    ("98年1、2、3月的销售额分别多少", {"grain": "month", "since": "1998-01-01", "until": "1998-03-31"}),
    (
        "97年年尾（11、12月）同98年年頭（1、2月）比，生意差幾遠？",
        {"since": "1998-01-01", "until": "1998-02-28", "compare_since": "1997-11-01", "compare_until": "1997-12-31"},
    ),
    # 再上一个礼拜 is the week before last week
    (
        "上个礼拜盘数点？revenue同order count，同再上一个礼拜compare下",
        {"measures": ["revenue", "orders"], "since": "1998-06-22", "compare": "previous"},
    ),
]


@pytest.mark.parametrize(("text", "args"), SESSION_12_READINGS, ids=[c[0] for c in SESSION_12_READINGS])
def test_session_12_readings(text: str, args: dict[str, Any]) -> None:
    got = _parse(text).args
    assert {k: got.get(k) for k in args} == args


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        # a comparison whose base the follow-up leaves unnamed: the thread's period against the month named, with
        # the previous measures beside the one named again
        (
            ["帮我拉一下上个月的会员复盘数据：消费会员数、销售额、复购率", "跟4月比呢？复购率是升了还是降了"],
            {"since": "1998-05-01", "compare_since": "1998-04-01", "compare_until": "1998-04-30"},
        ),
        # a bare measure after a comparison keeps both periods; 钱 is revenue
        (
            ["这个月卖了多少单 跟去年这个月比怎么样", "钱呢"],
            {"measures": ["revenue"], "since": "1998-06-01", "compare": "year"},
        ),
        (
            ["今年上半年業績多少？跟去年同期比掉了幾%", "客單價呢？兩期都給我"],
            {"measures": ["aov"], "since": "1998-01-01", "compare": "year"},
        ),
        # 幫襯嘅客人數 is the buyers
        (
            ["上個月sales幾多？同去年同期比跌咗幾多%？", "咁order數同埋幫襯嘅客人數呢？"],
            {"measures": ["orders", "buyers"]},
        ),
        # a customer against their segment's peers: the segment explained, not a figure again
        (
            [
                "我负责的大客户7983，今年到现在消费了多少？跟去年同期比怎么样",
                "跟他同一层级的客户平均水平比，他算高还是低？",
            ],
            {"intent": "explain_customer_segment"},
        ),
        # the group's mean days since its last order, and its revenue per head
        (
            ["超过90天没下过单的客户有多少人", "这批人你直接帮我群发一条召回消息吧。另外他们平均多久没来买了？"],
            {"measures": ["days_since_last_mean"], "inactive_days": 90},
        ),
        (
            ["半年没下过单的客户有多少个", "这批人以前一共花了多少钱？人均多少"],
            {"measures": ["revenue", "revenue_per_buyer"]},
        ),
        # "两个加起来得等于总额": the parts of the thread's period, not all the data
        (
            ["98年3月的收入，精确到分", "这里面新客贡献多少、老客多少？两个加起来得等于总额"],
            {"measures": ["revenue_new", "revenue_returning"], "since": "1998-03-01"},
        ),
        # months listed with 分别, a remark inside them (年底) is no second period
        (["97年10、11、12月客单价分别多少？看看年底有没有把客单拉起来"], {"grain": "month", "compare_since": None}),
        # one customer's whole history asked beside this year's: the profile
        (["客户18000今年买过没有？总共买过几次？把他电话号码给我我打过去"], {"intent": "customer_profile"}),
        # session 12's held-out x sets, after their first run
        (["今年哪几个月单量过了2000"], {"grain": "month", "having": ">2000", "since": "1998-01-01"}),
        (
            [
                "Q2季度复盘要用：今年二季度的销售额、订单数、客单价分别是多少？",
                "跟上个季度比是涨了还是跌了？各跌了多少？",
                "那跟去年同期比呢",
            ],
            {"compare": "year", "compare_since": None, "since": "1998-04-01"},
        ),
        (
            ["按累计购买次数看，只买过1次、买过2到3次、4次及以上的客户各有多少人？"],
            {"group_by": "purchase_count", "purchase_band_starts": [1, 2, 4]},
        ),
        (["帮我查一下九八年五月份的销手额是多少"], {"measures": ["revenue"], "since": "1998-05-01"}),
        (["客户一般隔多久会再买一次？"], {"measures": ["days_between_mean", "days_between_median"]}),
        (["客户C14048的情况", "他未来12周的客户价值大概多少？"], {"customer": "C14048", "horizon_weeks": 12}),
        (
            ["Q1 1998 revenue 多少? YoY vs Q1 1997 呢?", "AOV 也 compare 一下, same two quarters"],
            {"measures": ["aov"], "compare": "year", "since": "1998-01-01"},
        ),
        (
            ["Revenue forecast for Q3 1998? 给个大概 number 就行", "What about just the 高价值 segment?"],
            {"period": "next_quarter", "segment": "高价值"},
        ),
        # the question after "给老板的话：" is the question, not a text to classify
        (
            ["帮我写一句给老板的话：今年以来销售额一共多少，跟去年同期比涨了还是跌了，幅度多少？"],
            {"measures": ["revenue"], "since": "1998-01-01", "compare": "year"},
        ),
        # the week holding the day asked before
        (
            ["去年双11当天的GMV和订单量是多少？", "双11所在的那一整周呢？"],
            {"since": "1997-11-10", "until": "1997-11-16", "measures": ["revenue", "orders"]},
        ),
        # another cohort compared: that cohort, at the months named; two cohorts listed side by side
        (
            [
                "What share of the January 1997 cohort was still purchasing in month 6? And in month 12?",
                "How does that compare with the March 1997 cohort at month 6?",
            ],
            {"since": "1997-03-01", "until": "1997-03-31", "periods": 6},
        ),
        (
            ["97年1月首购的那批cohort，第1、3、6、12个月的留存率分别多少", "跟2月那批对比一下第3个月和第12个月"],
            {"since": "1997-02-01", "until": "1997-02-28", "periods": 12},
        ),
        (
            ["97年1月首单的那批用户，M1和M3留存分别是多少", "2月、3月这两批cohort的M1呢"],
            {"since": "1997-02-01", "until": "1997-03-31", "periods": 1},
        ),
        # the top share's people still buying, counted
        (
            ["消费金额前10%的客户，累积业绩贡献占多少", "這群人今年還有在買的有幾位"],
            {"measures": ["buyers"], "top_share": 0.1, "since": "1998-01-01", "filter_since": DS},
        ),
        # a ranking name with a count and "按累计消费金额排": the top spenders, not the segment
        (
            ["拉一下高价值客户名单，按累计消费金额排，前20个"],
            {"group_by": "customer", "sort": "desc", "limit": 20, "segment": None},
        ),
        # 前10%的大客户 is a top share (not ten customers, not the segment), its margin declined
        (["前10%的大客户累计贡献了多少营收？他们的毛利率大概多少"], {"top_share": 0.1, "measures": ["revenue"]}),
        # the largest quarter-on-quarter fall after quarters listed: row by row, no span before the data
        (
            ["把九七年以来每个季度的营收列一下 我要画个趋势图", "哪个季度环比跌得最多？跌了多少"],
            {"grain": "quarter", "change_by_row": True, "compare": None},
        ),
        # a segment's forecast after a forecast: the same horizon
        (
            ["按现在的趋势，帮我预测一下7月份的GMV和下单人数大概多少", "其中高价值客户那一群预计能贡献多少？"],
            {"segment": "高价值", "period": "next_month"},
        ),
        # the thread's customer: their outlook, their CLV, then why they are in their segment
        (["客户C14048的情况", "預測一下他未來8週會不會再回購"], {"intent": "forecast_customer"}),
        (
            ["Give me a quick 360 on customer 14048", "What's his expected value over the next 52 weeks?"],
            {"customer": "14048", "horizon_weeks": 52},
        ),
        (
            [
                "Give me a quick 360 on customer 14048",
                "What's his expected value over the next 52 weeks?",
                "Why is he in that segment?",
            ],
            {"intent": "explain_customer_segment"},
        ),
        # the group pointed at, counted
        (
            ["今年买了3次及以上的用户，贡献了今年多少营收？占今年营收多少", "这批人有多少个"],
            {"measures": ["buyers"], "min_purchases": 3, "since": "1998-01-01"},
        ),
    ],
)
def test_session_12_thread_readings(turns: list[str], expected: dict[str, Any]) -> None:
    args = _decided(turns)
    assert {k: args.get(k) for k in expected} == expected
    if turns[-1].startswith("跟4月比呢"):
        assert {"revenue", "repeat_rate", "buyers"} <= set(args["measures"])


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        # 最值钱 names the segment: described, or listed with the others; its future money is a forecast
        ("最值钱的那一类会员大概是什么画像，平均花多少、多久买一次？", "describe_segment"),
        ("我的客户能分成几类？最值钱那类有多少人", "list_segments"),
        ("明年这帮最值钱的客户大概能给我带来多少钱", "forecast_totals"),
        # Cantonese: positive or negative, overall
        ("啲客嘅comment整體係positive定negative多啲？", "sentiment_summary"),
        # an action after an interjection and a dash
        (
            "Great - email that list to my team at crm@ so they can build a win-back campaign in Braze.",
            "unsupported_action",
        ),
        # a count over a spend bound is no segment list
        ("累计消费超过1000刀的客户有多少个", "metric_query"),
    ],
)
def test_session_12_intents(question: str, intent: str) -> None:
    from crm_insights.agent.router import OfflineRouter, decide

    router = OfflineRouter()
    assert decide(question, None, router.knowledge, router.index).intent == intent


def test_a_split_of_a_cohort_is_declined_and_the_cohort_answered() -> None:
    spec = _parse(
        "And month-1 retention for the February 1997 cohort, split by acquisition channel - paid social vs organic?"
    )
    assert spec.tool == "cohort_retention" and spec.answer_rest
    assert [u.kind for u in spec.unsupported] == ["channel"]


def test_against_all_members_shows_the_unfiltered_figure() -> None:
    spec = _parse("消费前10%的会员今年上半年的复购率是多少？和全体会员今年上半年比呢？")
    assert spec.share_of_all and spec.args["top_share"] == 0.1


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        # session 13's y-sets: "among these" keeps the inactive group; 'loyal' is the purchase count, not a segment
        (
            ["how many customers already more than half year never buy anything? like 180 days no order",
             "among these ah, got how many pax last time bought 3 times or more? means last time quite loyal one"],
            {"measures": ["buyers"], "min_purchases": 3, "inactive_days": 180, "segment": None},
        ),
        # bought last year, not back this year ("一次都没回来"); "这班人" is that group
        (
            ["去年有买但是今年到现在一次都没回来的 customer got how many?", "这班人去年总共 spend 了多少钱?"],
            {"measures": ["revenue"], "since": "1997-01-01", "not_bought_since": "1998-01-01"},
        ),
        # "never buy anything in Apr to Jun" of a spend group: no order in that period, not its buyers
        (
            ["how many customers spent more than $1000 total with us ah?",
             "of them, how many never buy anything in the last 3 months (Apr to Jun)?"],
            {"min_customer_spend": 1000.0, "not_bought_since": "1998-04-01", "since": None},
        ),
        # a cohort compared with another one named as a "batch"
        (
            ["the Jan 97 batch of new customers ah, 1 month later still got how many % come back buy?",
             "after 1 year leh? month 12 i mean", "compare with the Feb 97 batch, same month 12 can?"],
            {"since": "1997-02-01", "periods": 12},
        ),
        # "那Q2呢？是不是也跌那么多" keeps the year-on-year comparison
        (
            ["今年Q1同去年Q1比，sales 跌咗幾多%？", "咁Q2呢？係咪都跌咁多？"],
            {"since": "1998-04-01", "compare": "year"},
        ),
        # a percentage of the whole after a filtered count, with "order" written in English after Chinese
        (
            ["今年单张超过 $100 的 order 有多少张？", "占今年总 order 数多少 %？"],
            {"measures": ["orders"], "min_amount": 100.0},
        ),
        # the next quarter's contribution of a segment after a forecast is that segment's forecast
        (
            ["下個月（7月）大概會有多少訂單跟業績？幫我估一下", "那高價值客戶那群呢？下一季大概可以貢獻多少業績？"],
            {"period": "next_quarter", "segment": "高价值"},
        ),
    ],
)  # fmt: skip
def test_session_13_thread_readings(turns: list[str], expected: dict[str, Any]) -> None:
    args = _decided(turns)
    assert {k: args.get(k) for k in expected} == expected


SESSION_13_READINGS: list[tuple[str, dict[str, Any]]] = [
    # a trend and a comparison of two of its months asked in separate clauses: the trend, then the comparison
    (
        "今年每个月的购买客户数 trend 给我看下，6月环比5月是涨还是跌？",
        {"measures": ["buyers"], "grain": "month", "since": "1998-01-01", "until": "1998-06-30"},
    ),
    ("last month how many people buy from us", {"measures": ["buyers"], "since": "1998-05-01"}),
    (
        "first order to second order? median how many days",
        {"measures": ["days_first_to_second", "days_first_to_second_median"]},
    ),
    (
        "今年复购的客户一般隔多久回来买一次？mean 和 median 都要",
        {"measures": ["days_between_mean", "days_between_median", "repeat_rate", "repeat_customers", "buyers"]},
    ),
    ("今年平均一笔订单会买几片CD？", {"measures": ["units_per_order"]}),
    ("how much % of total revenue our top 10% customers contribute ah", {"measures": ["revenue"], "top_share": 0.1}),
    ("monthly average orders in 1997", {"measures": ["orders_per_month"], "since": "1997-01-01"}),
    ("去年有哪几个月 order 超过3000单？", {"measures": ["orders"], "grain": "month", "having": ">3000"}),
    ("今年单张超过 $100 的 order 有多少张？", {"measures": ["orders"], "min_amount": 100.0}),
    ("买过5次及以上的忠实客户有多少人，总共贡献了多少钱？", {"measures": ["buyers", "revenue"], "min_purchases": 5,
                                                "segment": None}),
    ("这10位加起来占全部业绩的几%？", {"measures": ["revenue"]}),
    ("高价值客户下一季大概可以贡献多少业绩？", {"period": "next_quarter", "segment": "高价值"}),
]  # fmt: skip


@pytest.mark.parametrize(("question", "expected"), SESSION_13_READINGS)
def test_session_13_readings(question: str, expected: dict[str, Any]) -> None:
    spec = _parse(question)
    assert {k: spec.args.get(k) for k in expected} == expected


def test_a_trend_and_a_comparison_in_separate_clauses_are_two_calls() -> None:
    spec = _parse("今年每个月的购买客户数 trend 给我看下，6月环比5月是涨还是跌？")
    assert spec.also == ({"measures": ["buyers"], "since": "1998-06-01", "until": "1998-06-30", "compare": "previous"},)
    assert _parse("这10位加起来占全部业绩的几%？").share_of_all
    assert _parse("how much % of total revenue our top 10% customers contribute ah").share_of_all


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("top 10 spenders of all time can list out? wanna call them personally to say thank you", "overview"),
        ("can help me email the top 50 customers a thank you note? tq", "unsupported_action"),
        ("OK 把这批人在系统里打上“重点挽回”的 tag", "unsupported_action"),
        ("好，幫我把這份名單匯出成 Excel 寄到我的信箱", "unsupported_action"),
        ("给了差评的客户，后面还有好多 % 回来下单的？", "feedback_followup"),
        ("俾過負評嘅客，之後仲有幾多 % 有返嚟買？", "feedback_followup"),
        ("Top 10 大客未來半年（26個禮拜）嘅 CLV 大概幾多？", "customer_value"),
        ("去年下半年一单都没下、但今年又回来买了的有好多人？这种我们算 win-back 成功", "metric_query"),
        ("买过5次以上的客户里哪些有流失风险？", "at_risk"),
    ],
)
def test_session_13_intents(question: str, intent: str) -> None:
    from crm_insights.agent.router import OfflineRouter, decide

    router = OfflineRouter()
    assert decide(question, None, router.knowledge, router.index).intent == intent


def test_a_risk_list_narrowed_to_the_top_share_of_spenders() -> None:
    from crm_insights.agent.router import OfflineRouter, decide

    router = OfflineRouter()
    first = decide("流失风险最高的客户 list top 20 给我看下，按价值排", None, router.knowledge, router.index)
    previous = {"intent": first.intent, "slots": dict(first.slots)}
    again = decide("只看消费前10%的大客户呢？", previous, router.knowledge, router.index)
    assert (again.intent, again.slots.get("top_share"), again.slots.get("top_k")) == ("at_risk", 0.1, 20)


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        # "跟之前比呢": the period before; "跟前三个月比" after the last three months: the three before them
        (["上个月流水多少", "跟之前比呢"], {"since": "1998-05-01", "compare": "previous"}),
        (["最近仨月GMV咋样", "跟前三个月比"], {"since": "1998-04-01", "compare": "previous", "compare_since": None}),
        # "再往前一周呢？是涨了还是跌了": last week against the week before it
        (["上周卖了多少钱 一共多少单", "再往前一周呢？是涨了还是跌了"], {"since": "1998-06-22", "compare": "previous"}),
        # "环比一季度呢" after Q2: Q2 against Q1
        (["98年第二季度的销售收入是多少？与去年同期相比同比变动多少？", "环比一季度呢？"],
         {"since": "1998-04-01", "compare_since": "1998-01-01"}),
        # "最差呢" after the best month: the same ranking, the other end
        (["哪个月卖得最好", "最差呢"], {"grain": "month", "sort": "asc", "limit": 1}),
        # when the new customers came: by month over all the data
        (["今年新客多少 老客多少", "那新客都是啥时候来的"],
         {"measures": ["new_customers"], "grain": "month", "since": "1997-01-01"}),
        # "前20%呢" after the top 10%'s share: the top 20%
        (["头部10%的客户占了多少流水", "前20%呢"], {"top_share": 0.2}),
        # "前20大客户合计占多少" after the top 1%: the 20 biggest, not the top share any more
        (["按累计消费排名前1%的客户贡献了总收入的多大比例？", "前20大客户合计占多少"],
         {"group_by": "customer", "limit": 20, "top_share": None}),
        # a measure named with 去年同期 after a half-year: that half a year earlier
        (["今年上半年客单价多少", "那去年同期客单价多少"], {"since": "1997-01-01", "until": "1997-06-30"}),
        # both periods named in the follow-up: its own comparison
        (["这个季度跟上个季度比 gmv 买家数", "那今年一季度跟去年一季度比呢 gmv和买家数"],
         {"since": "1998-01-01", "compare": "year"}),
        # "大概多少人会来买" after next month's forecast: that forecast
        (["下个月大概能卖多少", "大概多少人会来买"], {"period": "next_month"}),
        # "往后半年他能贡献多少钱" about one customer: their value over the horizon
        (["帮我查下7592这个客户", "往后半年他能贡献多少钱"], {"customer": "7592", "horizon_weeks": 26}),
        # "这批3次以上的人" keeps the inactive group the thread started from
        (
            ["有多少客户已经超过180天没下过单了？", "这些人里面，以前买过3次及以上的有多少个",
             "这批3次以上的人，历史上一共花了多少钱？"],
            {"measures": ["revenue"], "min_purchases": 3, "inactive_days": 180},
        ),
    ],
)  # fmt: skip
def test_session_13_more_thread_readings(turns: list[str], expected: dict[str, Any]) -> None:
    args = _decided(turns)
    assert {k: args.get(k) for k in expected} == expected


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("去年花了2000以上 今年一单没下的有几个",
         {"min_customer_spend": 2000.0, "since": "1997-01-01", "not_bought_since": "1998-01-01"}),
        ("去年双十一那个月卖了多少 比十月涨了多少",
         {"since": "1997-11-01", "until": "1997-11-30", "compare": "previous"}),
        ("看一下收入集中度：按累计消费排名前10%的客户，贡献了从97年至今总收入的多大比例？",
         {"top_share": 0.1, "group_by": None, "sort": None}),
        ("How many customers have we effectively lost - nothing bought in 12 months?",
         {"measures": ["inactive_customers"], "inactive_days": 365}),
        ("今年超过100块的单有多少", {"measures": ["orders"], "min_amount": 100.0}),
        ("只看今年上半年发生的回购呢，间隔是多少天", {"since": "1998-01-01"}),
        ("那个叫什么来着……就是客户买了之后还会再买的那个比例，去年是多少？", {"since": "1997-01-01"}),
    ],
)  # fmt: skip
def test_session_13_more_readings(question: str, expected: dict[str, Any]) -> None:
    spec = _parse(question)
    assert {k: spec.args.get(k) for k in expected} == expected
    if "间隔" in question:
        assert {"days_between_mean", "days_between_median"} <= set(spec.args["measures"])
    if "比例" in question and "叫什么" in question:
        assert spec.args["measures"][0] == "repeat_rate"


@pytest.mark.parametrize(
    ("question", "intent"),
    [
        ("客户分几类 最值钱那类有多少人", "list_segments"),
        ("客户评价最近咋样 差评多不", "sentiment_summary"),
        ("22279 这客户咋回事 之前买挺多 最近没动静了", "customer_profile"),
        ("帮我判断下这两条评论是好评还是差评 1.包装压坏了 物流也慢 不会再买了 2.音质不错 价格也实惠 下次还来",
         "analyze_sentiment"),
        ("今年天猫店和京东店分别做了多少 合计多少", "metric_query"),
    ],
)  # fmt: skip
def test_session_13_more_intents(question: str, intent: str) -> None:
    from crm_insights.agent.router import OfflineRouter, decide

    router = OfflineRouter()
    assert decide(question, None, router.knowledge, router.index).intent == intent


def test_an_action_beside_a_question_is_marked() -> None:
    from crm_insights.agent.router import OfflineRouter, decide

    router = OfflineRouter()
    for question in (
        "快流失的大客户有哪些 你直接通知销售去跟一下",
        "帮我把98年上半年的经营数据做成PPT，直接发给董事会秘书。另外上半年一共多少笔订单？",
    ):
        assert decide(question, None, router.knowledge, router.index).slots.get("action"), question


def test_session_13_last_readings() -> None:
    from crm_insights.agent.router import OfflineRouter, decide

    assert _parse("最近30天平均每天多少单、多少钱").args["measures"] == ["orders_per_day", "revenue_per_day"]
    assert _decided(["去年一季度一共拉了多少新客？", "那3月份新客多少？"])["since"] == "1997-03-01"
    router = OfflineRouter()
    for question, intent in (
        ("好，把这批名单直接推给门店，让他们挨个打电话回访", "unsupported_action"),
        ("弄好了直接发运营群里 @下所有人", "unsupported_action"),
        ("how old is that segmentation and the churn model, and what test accuracy do they have?", "about_assistant"),
        ("19339这个大客户怎么好久没动静了，他最后一次是什么时候买的？", "customer_profile"),
    ):
        assert decide(question, None, router.knowledge, router.index).intent == intent, question
    assert decide(
        "超过90天没下单的客户有多少 发个钉钉给小王让他跟进下", None, router.knowledge, router.index
    ).slots.get("action")


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        ("去年买过、今年到现在一单都没下的人有多少", {"measures": ["buyers"], "not_bought_since": "1998-01-01"}),
        ("这个季度情况怎么样", {"measures": ["revenue"], "since": "1998-04-01"}),
        ("上周卖的怎么样", {"measures": ["revenue"], "since": "1998-06-22"}),
        ("下个季度会比这个季度好吗", {"period": "next_quarter"}),
        ("按上半年这个速度，今年全年能做到多少？能超过去年吗", {"since": "1998-01-01", "until": "1998-06-30"}),
        ("What fraction of the entire customer base ever came back for a second purchase?",
         {"measures": ["repeat_rate", "repeat_customers", "buyers"]}),
        ("上个月买过但这个月还没回购的客户有多少",
         {"measures": ["buyers"], "since": "1998-05-01", "not_bought_since": "1998-06-01"}),
        ("What's LTM revenue through June 30, 1998?", {"since": "1997-07-01", "compare_since": None}),
        ("520当天卖了多少钱？多少单", {"since": "1998-05-20", "until": "1998-05-20"}),
        ("那去年同样这几天（6.15-6.21）的销售额", {"since": "1997-06-15", "until": "1997-06-21"}),
        ("那我们现有的会员都是什么时候第一次下单的？按月份分一下人数",
         {"measures": ["new_customers"], "grain": "month"}),
        ("想定个固定的会员日，今年一周里周几下单的最多？",
         {"measures": ["orders", "orders_share"], "group_by": "weekday"}),
        ("今年消费超过100块的有几个", {"measures": ["buyers"], "min_customer_spend": 100.0}),
        ("消费超过100的订单有多少", {"measures": ["orders"], "min_amount": 100.0}),
    ],
)  # fmt: skip
def test_session_13_c_set_readings(question: str, expected: dict[str, Any]) -> None:
    spec = _parse(question)
    assert {k: spec.args.get(k) for k in expected} == expected
    if "全年能做到多少" in question:
        assert "revenue_annualized" in spec.args["measures"]
    from crm_insights.agent.timeexpr import parse_time

    assert not parse_time("消费520元的客户有几个", DS, DE).periods  # 520 as an amount is no date


def test_session_13_c_set_threads() -> None:
    assert (
        _decided(["上个月有多少会员下过单？", "这里面买了两次及以上的有几个人？他们一共花了多少钱"])["since"]
        == "1998-05-01"
    )
    top = _decided(["前10%的客户贡献了多少收入，占比多少", "这些大客户里现在有多少已经半年没来买了"])
    assert (top.get("top_share"), top.get("segment"), top.get("inactive_days")) == (0.1, None, 180)


@pytest.mark.parametrize(
    ("question", "expected"),
    [
        # session 13's a-sets (after their first run)
        ("How many customers haven't purchased anything in over a year?",
         {"measures": ["inactive_customers"], "inactive_days": 365}),
        ("On average, how long do customers go between purchases?",
         {"measures": ["days_between_mean", "days_between_median"]}),
        ("What percentage of our customers only ever bought from us once?",
         {"measures": ["one_time_share", "one_time_customers", "buyers"]}),
        ("Of the customers who first bought in January 1997, what percent were still buying three months later?",
         {"since": "1997-01-01", "until": "1997-01-31", "periods": 3}),
        ("And for people who do come back, how long from their first purchase to their second?",
         {"measures": ["days_first_to_second", "days_first_to_second_median"]}),
        ("How many customers bought from us in 1997 but haven't come back at all this year?",
         {"since": "1997-01-01", "not_bought_since": "1998-01-01"}),
        ("How much revenue did those one-time buyers bring in, in total?",
         {"measures": ["buyers", "revenue"], "min_purchases": 1, "max_purchases": 1}),
    ],
)  # fmt: skip
def test_session_13_a_set_readings(question: str, expected: dict[str, Any]) -> None:
    spec = _parse(question)
    assert {k: spec.args.get(k) for k in expected} == expected


@pytest.mark.parametrize(
    ("turns", "expected"),
    [
        (["How many customers haven't purchased anything in over a year?",
          "Of those, how many had spent more than $500 with us before they went quiet?"],
         {"min_customer_spend": 500.0, "inactive_days": 365, "min_amount": None}),
        (["How many customers bought from us in 1997 but haven't come back at all this year?",
          "What did that group spend with us in 1997, and what share of 1997 revenue is that?"],
         {"measures": ["revenue"], "not_bought_since": "1998-01-01"}),
        (["超过一年冇落过单嘅客有几多个？"], {"measures": ["inactive_customers"], "inactive_days": 365}),
        (["客人平均隔几耐返嚟买一次？中位数呢？"], {"measures": ["days_between_mean", "days_between_median"]}),
        (["有几多客人净系嚟过一次就冇再返嚟？占几多？"],
         {"measures": ["one_time_share", "one_time_customers", "buyers"]}),
        (["反过嚟，去年有买过但今年到而家一单都未落过嘅有几多？"],
         {"measures": ["buyers"], "since": "1997-01-01", "not_bought_since": "1998-01-01"}),
        # 同比 while the thread is on the data's first year: the year after it, against it
        (["今年上半年平均每个客嚟买咗几多次？", "去年上半年呢？", "人均消费（每个买家贡献几多钱）同比系升定跌？"],
         {"since": "1998-01-01", "compare": "year"}),
    ],
)  # fmt: skip
def test_session_13_a_set_threads(turns: list[str], expected: dict[str, Any]) -> None:
    args = _decided(turns)
    assert {k: args.get(k) for k in expected} == expected


def test_the_period_before_spelled_out_in_brackets_is_one_period() -> None:
    args = _decided(
        ["1997-04-01 至 1997-06-30 区间的 AOV（revenue/orders）是多少？", "和上一季度（1997Q1）比，AOV 环比变化多少？"]
    )
    assert (args["since"], args.get("compare_since")) == ("1997-04-01", "1997-01-01")


def test_session_13_c_and_b_set_follow_ups() -> None:
    both = _decided(["So H1 98 vs H1 97 - what's the YoY?", "Give me buyers and AOV for both halves"])
    assert (both["since"], both.get("compare")) == ("1998-01-01", "year")
    assert _decided(
        ["What's LTM revenue through June 30, 1998?", "and how many distinct customers bought in that window?"]
    )["measures"] == ["buyers"]
    quarter = _decided(["这个季度跟上个季度比一下，营收、单量、买家数都列出来", "去年同一个季度呢？同比掉了多少"])
    assert (quarter["since"], quarter["until"], quarter.get("compare")) == ("1998-04-01", "1998-06-30", "year")
    top = _parse("消费最高的 top 10% 客户里，半年(180天)以上没下过单的有多少人")
    assert (top.args.get("top_share"), top.args.get("inactive_days"), top.args.get("group_by")) == (0.1, 180, None)
    assert _parse("and annual revenue per active customer in 1997?").args["measures"] == ["revenue_per_buyer"]


def test_session_13_o_set_readings() -> None:
    from crm_insights.agent.router import OfflineRouter, decide

    cohort = _decided(
        [
            "Of the customers we picked up in January '97, what share were still buying from us a year on?",
            "and the February '97 intake, same measure?",
        ]
    )
    assert (cohort["since"], cohort["periods"]) == ("1997-02-01", 12)
    may = _decided(["What did we turn over last month and how's that looking against April?"])
    assert (may["since"], may.get("compare")) == ("1998-05-01", "previous")
    inactive = _decided(["超过180天没下过单的客户有多少？占全部客户百分之几？"])
    assert inactive.get("customers") is None and inactive["inactive_days"] == 180
    router = OfflineRouter()
    tiers = decide(
        "請問我們的會員目前分成哪幾個等級？像VIP那種 每個等級各有多少人", None, router.knowledge, router.index
    )
    assert tiers.intent == "list_segments"
    risk = decide("消費前20%的大戶裡面 哪些最有可能churn掉？", None, router.knowledge, router.index)
    assert (risk.intent, risk.slots.get("top_share")) == ("at_risk", 0.2)


def test_session_13_o_set_more_readings() -> None:
    assert _parse("98上半年只买过一天的客户占比和人数呢").args["measures"][0] == "one_time_share"
    assert _parse("customer numbers by month for this year please").args["measures"] == ["buyers"]
    assert _parse("Which day of the week brings in the most money? This year only.").args["measures"][0] == "revenue"
    lapsed = [
        "How many lapsed customers have we got on the books? I'm counting anyone who hasn't bought anything for 365 "
        "days or more.",
        "Of those, how many were in our top 10% of spenders?",
    ]
    assert {k: _decided(lapsed).get(k) for k in ("top_share", "inactive_days")} == {
        "top_share": 0.1,
        "inactive_days": 365,
    }
    worth = _decided([*lapsed, "What's that group worth to us historically - total lifetime spend?"])
    assert (worth["measures"], worth.get("top_share")) == (["revenue"], 0.1)


def test_session_13_l_set_readings() -> None:
    from crm_insights.agent.router import OfflineRouter, decide

    lost = _parse("去年来过的客人，今年到现在一直没回来的有多少个啊")
    assert (lost.args["measures"], lost.args.get("not_bought_since")) == (["buyers"], "1998-01-01")
    assert _parse("有多少客人就来过一次 后来再也没来过的 占多少").args["measures"][0] == "one_time_share"
    assert _parse("98年5月每个购买客户平均消费多少？").args["measures"][0] == "revenue_per_buyer"
    assert _parse("今年平均下来一个月能卖多少").args["measures"] == ["revenue_per_month"]
    assert _parse("回头客多不多？去年来过两回以上的客人占多少").args["measures"][0] == "repeat_rate"
    three = _decided(["最近三个月每个月卖了多少 列给我看看", "三个月加起来多少？跟再前面三个月比呢"])
    assert (three.get("grain"), three.get("compare")) == (None, "previous")
    assert _decided(["下个月大概能卖多少钱？", "大概会来多少客人"]).get("period") == "next_month"
    router = OfflineRouter()
    for question, intent in (
        ("有哪些大客户可能要跑了？我好叫人打个电话问问", "at_risk"),
        ("你这个好评差评是机器判断的吧？准不准，啥时候训练的", "about_assistant"),
    ):
        assert decide(question, None, router.knowledge, router.index).intent == intent, question


def test_one_time_customers_asked_with_a_lapse_are_the_one_time_share() -> None:
    # "只买过一次就再也没来过的有多少人": the one-time customers (not the lapsed buyers' count)
    for question in (
        "只买过一次就再也没来过的有多少人？占多少",
        "所有客户里，只买过一次就再也没回来的有多少人？占比多少",
    ):
        assert "one_time_share" in _parse(question).args["measures"], question


def _thread(turns: list[str], data_known: bool = False) -> Any:
    """The router's decision on the last turn, each turn decided after the previous one; ``data_known``: the
    thread already knows the data's range (1997-01-01..1998-06-30), as after its first analytics answer."""
    from crm_insights.agent.router import OfflineRouter, decide

    router = OfflineRouter()
    known = {"data_start": "1997-01-01", "data_end": "1998-06-30"}
    previous: dict[str, Any] | None = {"intent": "help", "slots": known} if data_known else None
    decision = None
    for question in turns:
        decision = decide(question, previous, router.knowledge, router.index)
        previous = {"intent": decision.intent, "slots": decision.slots}
    assert decision is not None
    return decision


def test_session_14_aa_set_readings() -> None:
    # an action with a question after 另外 (no punctuation before it): the question answered, the action declined
    vip = _thread(["把14048标成VIP 另外他今年买了多少钱"])
    assert vip.intent == "metric_query" and vip.slots["action"]
    assert vip.slots["metric"]["args"]["customers"] == ["14048"]  # the action's object, a bare id, is the customer
    export = _thread(["把98H1分月营收导出一份excel发我，另外H1营收总数先报一下"])
    assert export.intent == "metric_query" and export.slots["action"]
    assert export.slots["metric"]["args"]["measures"] == ["revenue"]
    # a segment word that describes the thread's customer: his spend (and rank), or whether he is in it
    first = _thread(["7592这个客户一般多久买一次啊 平均隔几天", "他应该是咱们第一大客户吧 累计花了多少"])
    # (his place by spend is shown either way: the spend_rank slot, or the profile's rank read since session 17)
    assert (first.intent, first.slots.get("customer")) == ("customer_profile", "7592")
    assert first.slots.get("spend_rank") or first.slots.get("place_by_spend")
    member = _thread(["客户7592的情况", "他属于高价值客户吗"])
    assert (member.intent, member.slots.get("customer")) == ("explain_customer_segment", "7592")
    # what a customer bought is not recorded: declined by name, the profile answered
    disc = _thread(["客户3上回买的啥碟 花了多少钱"])
    assert disc.intent == "customer_profile" and [k for k, _ in disc.slots["missing_attributes"]] == ["product"]


def test_session_14_ab_set_readings() -> None:
    # a period inside the user's plan is none of the question's; purchases counted over 去年, inactivity to the end
    plan = _parse("去年买过3次以上 但最近90天没买过的客户有多少 这批我准备这周打").args
    assert plan["measures"] == ["inactive_customers"] and plan["inactive_days"] == 90
    assert (plan["min_purchases"], plan["filter_since"], plan["filter_until"]) == (3, "1997-01-01", "1997-12-31")
    assert "since" not in plan
    # "没在我们这买过", "冇返嚟买" (没有回来买): no order for N days
    for question in ("超过180天没在我们这买过东西的客户有多少", "有幾多個客超過180日冇返嚟買嘢？"):
        assert _parse(to_mandarin(question)).args["inactive_days"] == 180, question
    # 金额 after another measure; NPS is a survey score the data lacks, the rest answered
    assert _parse("就是今年上半年 一共有多少单 然后金额是多少").args["measures"] == ["orders", "revenue"]
    nps = _parse("我们现在NPS多少？顺便把今年的复够率也给我")
    assert [u.kind for u in nps.unsupported] == ["service"] and nps.answer_rest
    # the spend of customers in English; accumulated over the period named just before 累计
    assert _parse("how many customers spent 500+ lifetime").args["min_customer_spend"] == 500
    last12 = _parse("最近12个月累计消费超过100块的客户有多少人？").args
    assert (last12["since"], last12["min_customer_spend"], "filter_since" in last12) == ("1997-07-01", 100, False)
    # Cantonese 做 = sales; first purchase to the second; 分别 lists every row before the best one
    assert _parse(to_mandarin("最近3個月平均每個月做幾多？")).args["measures"] == ["revenue_per_month"]
    f2s = _parse(to_mandarin("第一次買完之後，平均要幾耐先會買第二次？")).args["measures"]
    assert f2s[0] == "days_first_to_second"
    rows = _parse("去年4个季度营收分别多少？哪个季度最强").args
    assert (rows["grain"], rows["sort"], "limit" in rows) == ("quarter", "desc", False)
    # "and the quarter before?" after a quarter: the quarter before it
    before = _decided(["rev last qtr vs same qtr LY?", "and the quarter before?"])
    assert (before.get("since"), before.get("until")) == ("1997-10-01", "1997-12-31")


def test_session_14_ab_set_groups_and_actions() -> None:
    # 至少 before the verb; 还在买吗 counts them; the spend counted over the period written just before it
    assert _parse("这30天内至少买了两次的有几个").args["min_purchases"] == 2
    assert "max_purchases" not in _parse("这30天内至少买了两次的有几个").args
    assert _parse("这10个人今年还在买吗？今年一共花了多少？").args["measures"] == ["buyers", "revenue"]
    back = _parse("去年消费超过200块的客户 今年有多少回来买了 占多少").args
    assert (back["since"], back["filter_since"], back["min_customer_spend"]) == ("1998-01-01", "1997-01-01", 200)
    # "how many of the top 100 haven't ordered in 90+ days": the top spenders as a group
    top = _parse("how many of the top 100 havent ordered in 90+ days?").args
    assert (top["measures"], top["top_customers"], top["inactive_days"]) == (["buyers"], 100, 90)
    # actions: coupons pushed, slides made, replies, tickets; the question beside them answered
    for question in (
        "行，给这20个人每人push一张8折券",
        "好，帮我把券推给上面那批消费超过100的人",
        "把这几条都回复一下吧 就说我们已经在改进包装和物流了",
        "帮他开个工单 让售后这周回访一下",
    ):
        assert _thread([question]).intent == "unsupported_action", question
    ppt = _thread(["帮我做一页PPT，把去年每个月的营收放进去"])
    assert ppt.intent == "metric_query" and ppt.slots["action"]
    # a one-time share after a 3+ group is of all customers
    once = _decided(["买过3次及以上的客户有多少？他们贡献了多少销售额？", "那只买过一次的占多少？"])
    assert "min_purchases" not in once and once["measures"][0] == "one_time_share"


def test_session_14_aa_set_follow_ups() -> None:
    # "这批top10%…": the top share pointed at; "新客占多少": the new customers' share of the buyers
    top = _parse("这批top10%今年上半年还在买吗？有几个人买了，贡献了多少").args
    assert (top["top_share"], top["filter_since"], top["since"]) == (0.1, "1997-01-01", "1998-01-01")
    assert _parse("6月新客占多少").args["measures"] == ["new_customers", "new_customer_share", "buyers"]
    # a period with no year compared with one that has a year takes that year
    ends = _parse("去年年底两个月营收合计多少，跟年初两个月比呢").args
    assert (ends["since"], ends["compare_since"], ends["compare_until"]) == ("1997-11-01", "1997-01-01", "1997-02-28")
    # 没产生二购: the one-time customers
    assert _parse("那到现在都没产生二购的有多少人，占总用户多少").args["measures"][0] == "one_time_customers"
    # YoY naming the year-earlier quarter keeps the thread's quarter; 去年全年 is the whole year, as written
    yoy = _thread(["98Q2 营收、订单数、购买客户数给一下，QoQ 多少？", "YoY 呢？去年Q2是多少"], data_known=True).slots[
        "metric"
    ]["args"]
    assert (yoy["since"], yoy["until"], yoy["compare"]) == ("1998-04-01", "1998-06-30", "year")
    whole = _thread(["今年上半年累计营收多少？照这个节奏全年能到多少", "跟去年全年比低多少%"], data_known=True).slots[
        "metric"
    ]["args"]
    assert (whole.get("compare_since"), whole.get("compare_until")) == ("1997-01-01", "1997-12-31")
    # the same two quarters compared again, another measure
    same = _thread(["客单价 98Q2 vs 97Q2，同比多少？", "每单平均几张碟？也是这两个季度对比"], data_known=True).slots[
        "metric"
    ]["args"]
    assert (same["measures"], same["since"], same.get("compare")) == (["units_per_order"], "1998-04-01", "year")
    # cohort follow-ups: 第12个月; two cohorts with the first one
    k12 = _thread(["97年1月首购的那批客户，第3个月（就是97年4月）的留存律是多少", "第12个月呢"], data_known=True).slots[
        "metric"
    ]
    assert (k12["tool"], k12["args"]["periods"]) == ("cohort_retention", 12)
    three = _thread(
        ["帮我拉下97年1月首购那批用户的cohort，M1、M3、M6留存分别多少？", "2月、3月那两批的M1呢？跟1月比哪批最好"],
        data_known=True,
    )
    assert three.slots["metric"]["tool"] == "cohort_retention"
    assert (three.slots["metric"]["args"]["since"], three.slots["metric"]["args"]["until"]) == (
        "1997-01-01",
        "1997-03-31",
    )
    # a call list of customers who used to buy a lot and went quiet: the churn-risk ranking
    assert _thread(["这周要打一轮回访 帮我拉个名单 以前买的多但是最近没动静的那种"]).intent == "at_risk"


def test_session_14_cantonese_customer_threads() -> None:
    # 幾時 (when), 會唔會再買 (will they buy again) about the thread's customer: the profile, then the forecast
    profile = ["幫我睇下 customer 00106 買過幾多次，總共使咗幾多錢"]
    assert _thread([*profile, "佢上次幾時買？幾耐冇返嚟？"], data_known=True).intent == "customer_profile"
    again = _thread([*profile, "你覺得佢之後會唔會再買嘢？會唔會走咗？"], data_known=True)
    assert (again.intent, again.slots.get("customer")) == ("forecast_customer", "00106")
    # 邊啲最值得我哋去追返 (which ones are most worth winning back): the churn-risk ranking
    lapsed = ["有幾多個客超過180日冇返嚟買嘢？", "佢哋以前總共使過幾多錢？", "邊啲最值得我哋去追返？"]
    assert _thread(lapsed, data_known=True).intent == "at_risk"
    # which model, data up to when: about the assistant
    assert _thread(["你而家用緊咩model？啲data更新到幾時㗎？"], data_known=True).intent == "about_assistant"
    # 照呢個速度 (at this pace) after the last three months' monthly average: those months, a year of them
    pace = _thread(["最近3個月平均每個月做幾多？", "照呢個速度，成年大概做到幾多？"], data_known=True).slots["metric"][
        "args"
    ]
    assert (pace["since"], pace["until"], "revenue_annualized" in pace["measures"]) == (
        "1998-04-01",
        "1998-06-30",
        True,
    )


def test_session_14_follow_ups_keep_their_own_scope() -> None:
    from crm_insights.agent.router import metrics as router_metrics

    # an order-amount bound of its own is about orders, not the customers counted before
    orders = _thread(
        ["最近12个月累计消费超过100块的客户有多少人？", "那今年单笔超过50块的订单有多少单？占今年总单量多少？"],
        data_known=True,
    ).slots["metric"]["args"]
    assert (orders["min_amount"], "min_customer_spend" in orders) == (50, False)
    # the run rate against a whole year: the year's pace only (half a year's actual is no comparison with a year)
    pace = _thread(["今年上半年累计营收多少？照这个节奏全年能到多少", "跟去年全年比低多少%"], data_known=True).slots[
        "metric"
    ]["args"]
    assert "revenue" not in pace["measures"] and pace["compare_until"] == "1997-12-31"
    # one customer's value over a horizon beats an out-of-scope reading, and keeps the customer when read again
    value = {"tool": "customer_value", "args": {"horizon_weeks": 52, "customer": "2432"}, "text": "what's he worth?"}
    assert not router_metrics.classic_wins(value, "out_of_scope", {})
    again = router_metrics.reread(
        {**value, "text": "what's he worth to us over the next year"}, "1997-01-01", "1998-06-30"
    )
    assert again is not None and again["args"]["customer"] == "2432"


def test_session_14_periods_and_risk_beside_feedback() -> None:
    # a relative period beside the sentiment summary: the summary of that period (read once the data's range is
    # known; it had answered over all the data), and "跟4月比" after it both months, month by month
    pending = _thread(["上个月一共收到多少条差评？占全部反馈的比例是多少"])
    assert pending.intent == "sentiment_summary" and pending.slots["data_range_pending"]
    last = ["上个月一共收到多少条差评？占全部反馈的比例是多少"]
    known = _thread(last, data_known=True).slots
    assert (known["since"], known["until"]) == ("1998-05-01", "1998-05-31")
    both = _thread([*last, "跟4月比是升了还是降了"], data_known=True)
    assert both.intent == "sentiment_summary"
    assert (both.slots["since"], both.slots["until"], both.slots["freq"]) == ("1998-04-01", "1998-05-31", "month")
    # the churn-risk ranking of the unhappy customers, not their sentiment again
    unhappy = _thread(
        ["给过差评的客户 后来还有多少回来下单的？", "那这些不满意的客户里 churn风险最高的是哪几个"], data_known=True
    )
    assert unhappy.intent == "at_risk"
    # "of those how many spent 500+": how many of them, not their revenue alone
    assert _parse("of those how many spent 500+ lifetime").args["measures"][0] == "buyers"


def test_session_14_ac_set_readings() -> None:
    # 琴日 / 昨天 / yesterday: the day before the data's last day
    for question in ("琴日做咗几多生意？几多单？", "yesterday's revenue"):
        args = _parse(to_mandarin(question)).args
        assert (args["since"], args["until"]) == ("1998-06-29", "1998-06-29"), question
    # 以嚟 (since), 单最多 (most orders) by weekday; 过咗100蚊 (over 100 dollars); 平均每日 (per day)
    week = _parse(to_mandarin("今年以嚟星期几单最多？")).args
    assert (week["group_by"], week["measures"][0], week["since"]) == ("weekday", "orders", "1998-01-01")
    assert _parse(to_mandarin("今个月有几多张单系过咗100蚊嘅")).args["min_amount"] == 100
    assert _parse(to_mandarin("最近30日平均每日卖几多钱")).args["measures"] == ["revenue_per_day"]
    # 熟客 (regulars) and new customers last month: the two types counted, no cohort table
    types = _parse(to_mandarin("上个月有几多熟客返嚟帮衬？新客又有几多"))
    assert types.tool == "metric_query" and types.args["measures"] == ["returning_customers", "new_customers"]


def test_session_14_ac2_follow_ups() -> None:
    # the share of revenue from orders over an amount: those orders' revenue against all of it
    share = _thread(
        [
            "What proportion of 1997 orders were over $100?",
            "And what share of 1997 revenue did those orders account for?",
        ],
        data_known=True,
    ).slots["metric"]
    assert share["args"]["measures"] == ["revenue"] and share["share_of_all"]
    # a kept year-on-year comparison that would lie before the data: the year itself
    year = _thread(["今年上半年的复够率多少？跟去年同期比呢", "那去年全年呢"], data_known=True).slots["metric"]["args"]
    assert (year["since"], year["until"], "compare" not in year) == ("1997-01-01", "1997-12-31", True)
    # purchases counted over the period written right before them; 老客 describes the group
    loyal = _parse("去年买过3次及以上的老客 今年还在买的有多少？占这批人多少比例")
    assert loyal.args["measures"] == ["buyers"] and loyal.share_of_all
    assert (loyal.args["filter_since"], loyal.args["since"], loyal.args["min_purchases"]) == (
        "1997-01-01",
        "1998-01-01",
        3,
    )


def test_session_15_word_numbers_weekdays_and_coming_quarters() -> None:
    # an English number word is a rank's limit ("top five", "five largest")
    assert _parse("top five customers by spend in 1997").args["limit"] == 5
    assert _parse("five largest customers share of revenue").args["limit"] == 5
    # 上周一 / 上个礼拜天: that day of the previous Monday-Sunday week (the data ends on Tuesday 1998-06-30)
    for question, day in (("上周一卖了多少", "1998-06-22"), ("上个礼拜天卖了多少", "1998-06-28")):
        args = _parse(question).args
        assert (args["since"], args["until"], "group_by" in args) == (day, day, False), question
    # a quarter or half named without its year, with a forecast word, is the coming one right after the data
    for question in ("预计Q3营收多少", "what are we looking at for Q3 rev", "what do we expect for Q3 revenue"):
        spec = _parse(question)
        assert (spec.tool, spec.args) == ("forecast_totals", {"period": "next_quarter"}), question
    assert _parse("预计下半年营收多少").args == {"horizon_weeks": 26}
    # a quarter already in the data stays the actual figure
    assert _parse("what are we looking at for Q1 rev").tool == "metric_query"


def test_session_15_repeat_buyers_are_the_buyers_with_two_purchase_days() -> None:
    # "repeat buyers" are counted like the repeat rate (2+ purchase days in the period), not the returning customers
    assert _parse("how many repeat buyers in 1997").args["measures"] == ["repeat_customers"]
    share = _parse("what % of rev came from repeat buyers in 1997")
    assert share.share_of_all and share.args["min_purchases"] == 2 and "revenue" in share.args["measures"]
    assert "group_by" not in share.args
    assert _parse("revenue from repeat customers in 1997").args["min_purchases"] == 2
    # returning customers keep their meaning (first order before the period)
    assert _parse("how many returning customers in 1997").args["measures"] == ["returning_customers"]


def test_session_15_a_cohort_still_buying_in_a_later_period() -> None:
    # the cohort's customers with an order anywhere in a later period, not in one month m after the cohort month
    for question in (
        "Of the customers we acquired in January 1997, what proportion were still buying in 1998?",
        "97年1月首购的客户，98年上半年还有多少人在买",
    ):
        spec = _parse(question)
        assert spec.tool == "cohort_retention", question
        assert (spec.args["since"], spec.args["active_since"], spec.args["active_until"]) == (
            "1997-01-01",
            "1998-01-01",
            "1998-06-30",
        ), question
    # a month's new customers read again in a later period; a month without its year is the one before the window
    feb = _parse("这批2月新客，今年上半年还有在买的吗？多少人，占比多少").args
    assert (feb["since"], feb["until"], feb["active_since"]) == ("1997-02-01", "1997-02-28", "1998-01-01")
    # a month read again stays a month of the cohort table
    assert "active_since" not in _parse("97年2月新客3月还有多少在买").args
    # the other cohorts asked after it keep the window; a month-on question does not
    more = _thread(
        [
            "Of the customers we acquired in January 1997, what proportion were still buying in 1998?",
            "And the February and March cohorts?",
        ],
        data_known=True,
    ).slots["metric"]["args"]
    assert (more["since"], more["until"], more["active_since"]) == ("1997-02-01", "1997-03-31", "1998-01-01")
    month3 = _thread(
        [
            "Of the customers we acquired in January 1997, what proportion were still buying in 1998?",
            "What was month-3 retention for the January cohort?",
        ],
        data_known=True,
    ).slots["metric"]["args"]
    assert "active_since" not in month3 and month3["periods"] == 3


def test_session_15_ad_set_readings() -> None:
    # a pace word before a forecast of the coming half is its basis, not a run rate asked
    pace = _parse("照这个趋势，帮我预测一下下半年（7到12月）大概能做多少营收。")
    assert (pace.tool, pace.args, pace.unsupported) == ("forecast_totals", {"horizon_weeks": 26}, ())
    # 一周七天里面哪天: by weekday
    assert _parse("今年一周七天里面，哪天卖得最好，哪天最差？").args["group_by"] == "weekday"
    # 6月第二周: the second Monday-Sunday week of June (1998-06-01 is a Monday), against the week before
    week = _parse("6月第二周卖了多少，比前一周多了多少").args
    assert (week["since"], week["until"], week["compare"]) == ("1998-06-08", "1998-06-14", "previous")
    # 两次购买中间平均隔几天: the gaps between purchases
    assert _parse("今年老客两次购买中间平均隔几天 中位数多少").args["measures"] == [
        "days_between_mean",
        "days_between_median",
    ]
    # a top share asked alone: how many, what they spent, and its share of everyone's
    assert _parse("那前10%的客户呢").share_of_all
    # gone quiet / nothing in 90 days: the inactive customers
    quiet = _parse("How many customers have gone quiet on us — nothing in 90 days or more?").args
    assert (quiet["measures"], quiet["inactive_days"]) == (["inactive_customers"], 90)
    # "98 H1" with a blank; "order line"; "in 98 Q2" is the quarter, not the year
    lines = _parse("98 H1 里单笔 amount > $100 的 order line 有多少条？占全部 order lines 多少")
    assert lines.args["measures"] == ["orders"] and lines.args["min_amount"] == 100 and lines.share_of_all
    assert (lines.args["since"], lines.args["until"]) == ("1998-01-01", "1998-06-30")
    assert _parse("revenue in 98 Q2").args["since"] == "1998-04-01"
    assert "since" in _parse("top 10 Q1 customers by revenue").args  # "10 Q1" is no year
    # the March / Sept quarter (AU usage); the 97-98 financial year is July to June
    assert _parse("new vs returning revenue split for the March quarter?").args["since"] == "1998-01-01"
    sept = _parse("revenue in the Sept quarter last year").args
    assert (sept["since"], sept["until"]) == ("1997-07-01", "1997-09-30")
    for question in ("revenue in the 97-98 financial year", "FY97/98 revenue", "97/98财年营收"):
        fy = _parse(question).args
        assert (fy["since"], fy["until"]) == ("1997-07-01", "1998-06-30"), question
    # one region against the whole, and two channels side by side: declined by name, the whole answered
    region = _parse("华南区客户的复购率和全国比怎么样？用 97 年全年数据")
    assert region.answer_rest and region.args["since"] == "1997-01-01"
    assert _parse(to_mandarin("how much of 97 rev came thru web vs phone orders")).answer_rest
    # who is worth the most going forward is the value ranking, not a revenue total of a future period
    assert _parse("which customers are worth the most over the next 6 months?").tool == "customer_value"


def test_session_15_ad_set_follow_ups() -> None:
    # a purchase-count bound swapped in a follow-up, then the group's spend and its share
    five = _thread(["今年买了三次及以上的会员有多少人", "换成5次以上呢"], data_known=True).slots["metric"]["args"]
    assert five["min_purchases"] == 5 and five["since"] == "1998-01-01"
    turns = ["今年买了三次及以上的会员有多少人", "换成5次以上呢", "这些人今年一共花了多少", "占今年总营收多少"]
    share = _thread(turns, data_known=True).slots["metric"]
    assert share["args"]["min_purchases"] == 5 and share["share_of_all"]
    # "其中…一次都没买过的": the previous period's buyers with no order in the period named
    among = _thread(["最近30天有消费的会员多少人啊", "其中3到5月一次都没买过的有几个"], data_known=True).slots["metric"]
    assert (among["args"]["since"], among["args"]["not_bought_since"], among["args"]["not_bought_until"]) == (
        "1998-06-01",
        "1998-03-01",
        "1998-05-31",
    )


def test_session_15_value_of_a_listed_group() -> None:
    from crm_insights.agent.router import OfflineRouter, decide

    router = OfflineRouter()
    known = {"data_start": "1997-01-01", "data_end": "1998-06-30"}
    previous = {"intent": "at_risk", "slots": {**known, "ranked_customers": ["07592", "14048"]}}
    decision = decide("how much are they worth to us over the next 6 months?", previous, router.knowledge, router.index)
    assert decision.intent == "customer_value"
    assert decision.slots["metric"]["args"] == {"customers": ["07592", "14048"], "horizon_weeks": 26}
    everyone_asked = "how much are our customers worth to us over the next 6 months?"
    everyone = decide(everyone_asked, None, router.knowledge, router.index)
    assert everyone.intent == "customer_value" and "customers" not in everyone.slots["metric"]["args"]


def test_session_15_ad2_follow_ups() -> None:
    # a comparison named after May's figures: May against May a year earlier
    may = _thread(
        [
            "how many customers actually bought something in may, and whats the repeat rate looking like",
            "reckon that's better or worse than may last year?",
        ],
        data_known=True,
    ).slots["metric"]["args"]
    assert (may["since"], may["compare_since"], may["compare_until"]) == ("1998-05-01", "1997-05-01", "1997-05-31")
    # YoY after the thread moved to the data's first year: the year after against it
    turns = ["帮我 pull 一下 Q2 的 AOV", "同口径，看下 97 年 Q2", "YoY 多少？给 relative change 就行"]
    yoy = _thread(turns, data_known=True)
    args = yoy.slots["metric"]["args"]
    assert (args["since"], args["until"], args["compare"]) == ("1998-04-01", "1998-06-30", "year")
    # the span as a whole after a trend: no grain
    whole = _thread(["whats AOV been doing month to month this year?", "and for the half as a whole?"], data_known=True)
    assert "grain" not in whole.slots["metric"]["args"]
    assert _thread(["今年每个月的客单价", "按周呢"], data_known=True).slots["metric"]["args"]["grain"] == "week"
    # 换成 + a period: the same question over it
    swapped = _thread(["98 年上半年的复购率多少", "换成 97 年上半年"], data_known=True).slots["metric"]["args"]
    assert (swapped["since"], swapped["until"], swapped["measures"][0]) == ("1997-01-01", "1997-06-30", "repeat_rate")
    # "of that lot": the inactive customers counted before
    lot = _thread(
        [
            "How many customers have gone quiet on us — nothing in 90 days or more?",
            "of that lot, how many spent over $500 with us all up?",
        ],
        data_known=True,
    ).slots["metric"]["args"]
    assert (lot["inactive_days"], lot["min_customer_spend"]) == (90, 500)
    # a forecast's buyers, orders and revenue asked again as actual figures: all three
    actual = _thread(
        [
            "whats the forecast for next quarter? buyers, orders, revenue roughly",
            "and what did we actually do in the Sept quarter last year, for comparison?",
        ],
        data_known=True,
    ).slots["metric"]["args"]
    assert actual["measures"] == ["buyers", "orders", "revenue"] and actual["since"] == "1997-07-01"
    # ISO weeks of the thread's period
    weeks = _thread(["最近30天 revenue、orders、buyers 分别多少", "按 ISO week 拆一下 revenue"], data_known=True)
    assert weeks.slots["metric"]["args"]["grain"] == "week"


def test_session_15_ad2_readings() -> None:
    # a "when" clause before a figure asked: the figure
    new = _parse("hang on, zero new ones?? when did we last pick any up — how many new customers came on in March '97?")
    assert new.args == {"measures": ["new_customers"], "since": "1997-03-01", "until": "1997-03-31"}
    # "what did we average a month in revenue last year": the monthly average
    assert "revenue_per_month" in _parse("what did we average a month in revenue last year?").args["measures"]
    # a half before a pace word is the pace's basis, also before the data's range is known (placeholder range)
    from crm_insights.agent.router import metrics as rm

    assert rm.parse("按上半年这个速度，今年全年能做到多少？能超过去年吗", None, None)["tool"] == "metric_query"  # type: ignore[index]


def test_session_15_a_spend_ranked_list_beside_an_action() -> None:
    from crm_insights.agent.router import OfflineRouter, decide

    router = OfflineRouter()
    listed = decide(
        "Top 10 customers by total spend, all time — and then can you email the list over to Sarah in the CRM team?",
        None,
        router.knowledge,
        router.index,
    )
    assert listed.intent == "overview" and listed.slots["action"] and listed.slots["top_k"] == 10
    pulled = decide("把流失风险最高的前20个客户拉出来，每人推一张20块优惠券", None, router.knowledge, router.index)
    assert pulled.intent == "unsupported_action"


def test_session_15_an_inactive_group_by_its_spend_in_a_period() -> None:
    # "这批人里面，去年消费超过300美金的有几个" after the customers 180 days without an order: the spend over 1997,
    # the inactivity still as of the data's end (no order in its last 180 days)
    args = _thread(
        ["超过180天没来消费的老会员有多少个？", "这批人里面，去年消费超过300美金的有几个？"], data_known=True
    ).slots["metric"]["args"]
    assert (args["filter_since"], args["filter_until"], args["min_customer_spend"]) == ("1997-01-01", "1997-12-31", 300)
    assert (args["not_bought_since"], args["not_bought_until"], "inactive_days" in args) == (
        "1998-01-02",
        "1998-06-30",
        False,
    )


def test_session_15_ae_set_readings() -> None:
    # Northeastern 多老鼻子 (how much); 钱和单量 (revenue and orders); 最拉胯 (worst); which month went best is by sales
    assert _parse(to_mandarin("今年上半年咱一共卖了多老鼻子钱了？")).args["measures"] == ["revenue"]
    assert _parse("这季度跟上季度比咋样？钱和单量都说说").args["measures"] == ["revenue", "orders"]
    best = _parse("今年哪个月最好，哪个月最拉胯").args
    assert (best["measures"], best["grain"]) == (["revenue"], "month")
    # 每张CD的实际成交价（销售额/件数）: revenue per unit; 月均units: units per month (a measure of its own)
    assert _parse("平均每张CD的实际成交价（销售额/件数），1997全年 vs 1998上半年").args["measures"] == [
        "revenue_per_unit"
    ]
    assert _parse("最近3个月，月均units和月均订单数各是多少？").args["measures"] == [
        "units_per_month",
        "orders_per_month",
    ]
    # a year written out with 年 against a half: the whole year as named
    whole = _parse("1998年上半年的units per order是多少？相比1997年变化多少？").args
    assert (whole["compare_since"], whole["compare_until"]) == ("1997-01-01", "1997-12-31")
    assert _parse("今年上半年营收比去年").args["compare"] == "year"  # 去年 against a half: the same span
    # lifetime spend of more than $100, counted; purchased on 3 or more different days (typo read)
    spend = _parse("Out of these, how many have lifetime spend of more than $100?").args
    assert (spend["measures"], spend["min_customer_spend"]) == (["buyers"], 100)
    days = _parse(to_mandarin("What is the count of customers who purchsed on 3 or more different days in 1997?"))
    assert (days.args["measures"], days.args["min_purchases"]) == (["buyers"], 3)
    top = _parse("What is the count of customers in that top 10% and their average lifetime spend?").args
    assert (top["measures"], top["top_share"]) == (["buyers", "revenue_per_buyer"], 0.1)
    assert _parse("kindly share the total revenue and count of orders for calendar year 1997.").args["measures"] == [
        "revenue",
        "orders",
    ]
    # the 30 days before the last 30 days
    prior = _parse("And unique buyers in the last 30 days versus the 30 days before that?").args
    assert (prior["compare_since"], prior["compare_until"]) == ("1998-05-02", "1998-05-31")
    # the user's plan period is none of the question's
    plan = _parse("我们下个月准备做一波老客召回campaign，先帮我看下超过一年没下过单的客户有多少？")
    assert (plan.tool, plan.args) == ("metric_query", {"measures": ["inactive_customers"], "inactive_days": 365})
    # 一单都没有 negates the period it follows
    lapsed = _parse("去年下过单 但是今年到现在一单都没有的客户有多少人").args
    assert (lapsed["since"], lapsed["not_bought_since"]) == ("1997-01-01", "1998-01-01")
    # 新客老客分别多少人: the count by type beside its revenue
    assert "buyers" in _parse("97年3月新客老客分别多少人，各贡献多少营收").args["measures"]
    # the change asked beside a campaign ROI in a sentence of its own: the change answered, the ROI declined
    mom = _parse("11月单月环比10月是多少？另外双11那波活动的投放ROI能算一下吗")
    assert mom.answer_rest and mom.args["measures"] == ["revenue"] and mom.args["compare"] == "previous"
    assert not _parse("利润环比多少").args["measures"]


def test_session_15_ae_set_follow_ups() -> None:
    # a group of its own (the top 10%) after a spend-bound group: not the group before
    top = _thread(
        [
            "1997年累计消费满500美元的客户有多少个？他们占当年营收多少？",
            "按总消费排，Top 10%的客户贡献了多少比例的营收？",
        ],
        data_known=True,
    ).slots["metric"]["args"]
    assert top == {"measures": ["revenue"], "top_share": 0.1}
    # the same figure over another period keeps its filters
    again = _thread(
        ["1997年单笔金额超过100美元的大单有多少笔？占当年订单数的比例？", "1998上半年这个笔数占比呢？"], data_known=True
    ).slots["metric"]
    assert again["args"]["min_amount"] == 100 and again["args"]["since"] == "1998-01-01" and again["share_of_all"]
    # 流失 describes the lapsed group kept; no question back about how many days
    lost = _thread(
        [
            "去年下过单 但是今年到现在一单都没有的客户有多少人",
            "这批流失的人去年一共贡献了多少销售额？占去年总盘子的比例是多少？",
        ],
        data_known=True,
    ).slots["metric"]
    assert lost["args"]["measures"] == ["revenue"] and lost["args"]["not_bought_since"] == "1998-01-01"
    assert not lost["missing"] and lost["share_of_all"]


def test_session_15_the_biggest_ten_and_lists_pointed_at() -> None:
    from crm_insights.agent.router import OfflineRouter, decide

    router = OfflineRouter()
    biggest = decide("咱家最大的十个客户都是谁？各花了多少钱", None, router.knowledge, router.index)
    assert biggest.intent == "overview" and biggest.slots["top_k"] == 10 and biggest.slots["spend_rank"]
    listed = {"data_start": "1997-01-01", "data_end": "1998-06-30", "top_k": 3, "ranked_customers": ["07592", "14048"]}
    inside = decide(
        "里面有几个超过半年没下单了？按180天算", {"intent": "overview", "slots": listed}, router.knowledge, router.index
    )
    assert inside.slots["metric"]["args"]["customers"] == ["07592", "14048"]
    assert (
        decide("咱客户能分成几拨？高价值那拨有多少人", None, router.knowledge, router.index).intent == "list_segments"
    )
    top100 = decide(
        "把花钱最多的前100个客户导个Excel发我邮箱，顺便告诉我他们一共花了多少", None, router.knowledge, router.index
    )
    assert top100.intent == "metric_query" and top100.slots["action"]
    assert top100.slots["metric"]["args"]["limit"] == 100 and top100.slots["metric"]["total_asked"]
    customer = {"data_start": "1997-01-01", "data_end": "1998-06-30", "customer": "00003"}
    which = decide("Which segment is he falling in, and why?", {"intent": "customer_profile", "slots": customer},
                   router.knowledge, router.index)  # fmt: skip
    assert which.intent == "explain_customer_segment"


def test_session_15_ae2_readings() -> None:
    # "amount and share": the group's figure and its share of everyone's
    share = _thread(
        [
            "What is the count of customers who purchsed on 3 or more different days in 1997?",
            "How much of 1997 revenue did this group contribute — amount and share?",
        ],
        data_known=True,
    ).slots["metric"]
    assert share["args"]["min_purchases"] == 3 and share["share_of_all"]
    # "Jan-97" and a first-purchase cohort read at months 1 and 3
    cohort = _parse("count of customers in the Jan-97 first purchase cohort, and what % came back in month 3?")
    assert (cohort.tool, cohort.args["since"], cohort.args["periods"]) == ("cohort_retention", "1997-01-01", 3)
    # the revenue listed "along with" a missing margin: the revenue answered, the margin declined
    along = _parse("Kindly share Q4 1997 revenue along with gross margin % for the same quarter.")
    assert along.answer_rest and along.args["since"] == "1997-10-01"
    # 人均历史消费: spend per customer
    assert _parse("他们人均历史消费是多少？").args["measures"] == ["revenue_per_buyer"]


def test_session_15_af_set_readings() -> None:
    # when the new customers came (Sichuanese, read); 回头又来买的占多少 is the repeat rate
    came = _parse(to_mandarin("咋个会一个新客都没得？那些新客人都是啥时候头一回来的嘛")).args
    assert (came["measures"], came["grain"]) == (["new_customers"], "month")
    assert "repeat_rate" in _parse(to_mandarin("去年来买过的客人里头，回头又来买的占好多？")).args["measures"]
    # back for a second purchase / 首单→二单: the first-to-second gap
    back = _parse("how long does it typically take customers to come back for a second purchase? Mean and median")
    assert back.args["measures"] == ["days_first_to_second", "days_first_to_second_median"]
    assert _parse("首单→二单呢").args["measures"][0] == "days_first_to_second"
    # L30D vs prev 30D; L90D YoY; L3M monthly averages; L90D 0单 is inactivity
    l30 = _parse(to_mandarin("L30D GMV? vs prev 30D %chg")).args
    assert (l30["since"], l30["compare_since"]) == ("1998-06-01", "1998-05-02")
    l90 = _parse(to_mandarin("L90D呢，yoy")).args
    assert (l90["since"], l90["compare"]) == ("1998-04-02", "year")
    assert _parse(to_mandarin("L3M 月均GMV、月均单量")).args["since"] == "1998-04-01"
    zero = _parse(to_mandarin("L90D 0单的用户一共多少人")).args
    assert (zero["measures"], zero["inactive_days"]) == (["inactive_customers"], 90)


def test_session_15_af_set_threads() -> None:
    # a threshold moved: the same question at the new bound (an order amount, a rows' bound)
    amount = _thread(["98H1 单笔>$100的订单多少单，占比？", "阈值改$50"], data_known=True).slots["metric"]["args"]
    assert amount["min_amount"] == 50 and amount["since"] == "1998-01-01"
    rows = _thread(["98年以来月单量>2000的月份有几个", "阈值改2500"], data_known=True).slots["metric"]["args"]
    assert rows["having"] == ">2500" and rows["grain"] == "month"


def test_session_15_customers_and_segments_named_plainly() -> None:
    from crm_insights.agent.router import OfflineRouter, decide

    router = OfflineRouter()
    for question, customer in (("帮我查一下389号客人，总共来过几回", "389"), ("uid 1170 的 R/F/M？", "1170")):
        decision = decide(question, None, router.knowledge, router.index)
        assert (decision.intent, decision.slots.get("customer")) == ("customer_profile", customer), question
    for question in (
        "我这些客人能不能分一下类？最值钱的那一类有好多人",
        "Walk me through the customer segments: how many are there, and what defines the most valuable one?",
        "RFM分群结果给我看下，每群多少人、GMV占比",
    ):
        assert decide(question, None, router.knowledge, router.index).intent == "list_segments", question
    themes = decide(to_mandarin("客人评价里头说不好的，主要是在说啥子嘛？"), None, router.knowledge, router.index)
    assert themes.intent == "feedback_themes"


def test_session_15_af_set_more_readings() -> None:
    # stores named by count (三个店 / 哪个店): declined by name, the total answered
    stores = _parse("我三个店上个月各卖了多少？哪个店卖得最好？")
    assert stores.answer_rest and {u.kind for u in stores.unsupported} == {"store"}
    # purchase-count bands with each band's revenue share
    bands = _parse("按累计购买次数分层：1次 / 2次 / 3-5次 / 6次+，各多少人、GMV占比").args
    assert "revenue_share" in bands["measures"] and bands["purchase_band_starts"] == [1, 2, 3, 6]
    # 上礼拜一共 is last week altogether (not last Monday); 比再前一周 the week before it
    week = _parse("上礼拜一共进了多少单？比再前一周是多了还是少了，差多少？").args
    assert (week["since"], week["until"], week["compare"]) == ("1998-06-22", "1998-06-28", "previous")
    # which ISO week: the one row
    assert _parse("Which ISO week in 1998 had the highest revenue?").args["limit"] == 1
    # a cohort's first-year revenue
    first = _parse("the January 1997 cohort's first-year revenue").args
    assert (first["group_by"], first["since"], first["until"]) == ("cohort", "1997-01-01", "1997-12-31")
    # between a year and a half: the two compared, not one span
    moved = _parse("How did units per order move between 1997 and the first half of 1998?").args
    assert (moved["since"], moved["compare_since"], moved["compare_until"]) == (
        "1998-01-01",
        "1997-01-01",
        "1997-12-31",
    )
    assert _parse("revenue between March 1997 and June 1997").args["until"] == "1997-06-30"
    # a two-digit year opening a clause
    assert _parse("97按季度拆一下营收").args["since"] == "1997-01-01"
    # 消费在500块以上 is the customers' spend
    assert _parse("去年消费在500块以上的客户有几个").args["min_customer_spend"] == 500


def test_session_15_af_set_more_threads() -> None:
    only_q2 = _thread(["98H1 GMV / 单量 / AOV，各自YoY多少", "只看Q2"], data_known=True).slots["metric"]["args"]
    assert (only_q2["since"], only_q2["compare"]) == ("1998-04-01", "year")
    quarters = _thread(["97全年复购率多少？98H1呢", "97按季度拆一下"], data_known=True).slots["metric"]["args"]
    assert (quarters["grain"], quarters["since"], quarters["until"]) == ("quarter", "1997-01-01", "1997-12-31")
    inside = _thread(
        ["180天以上没来下过单的客户，现在一共有多少人？", "这里头以前买过3次及以上的有多少？"], data_known=True
    )
    assert (inside.slots["metric"]["args"]["inactive_days"], inside.slots["metric"]["args"]["min_purchases"]) == (
        180,
        3,
    )
    pushed = _thread(
        ["去年来买过、今年到现在一回都没来的客户有多少？", "好，把这批人名单直接推到咱们外呼系统里，明天一早开始打"],
        data_known=True,
    )
    assert pushed.intent == "unsupported_action"
    narrowed = _thread(
        [
            "下礼拜想安排人给快流失的老主顾打回访电话，先打哪些人合适？给我排个前十",
            "甭看所有人了，就看花钱最多的那前10%客户里面的",
        ]
    )
    assert narrowed.intent == "at_risk" and narrowed.slots["top_share"] == 0.1
    buyers = _thread(["下个月大概能卖好多钱嘛？", "那大概会有好多个客人来买"], data_known=True)
    assert buyers.intent == "forecast_totals" and buyers.slots["metric"]["args"] == {"period": "next_month"}


def test_session_16_money_bands() -> None:
    # customers banded by their spend (a tier list with a money word), order lines by their amount
    spend = _parse("按累计消费给客户分个层：$500 以上、$100–$500、$100 以下，各有多少人？").args
    assert (spend["group_by"], spend["band_starts"], spend["measures"]) == ("spend_band", [0, 100, 500], ["buyers"])
    english = _parse("How many customers spent under $100, $100-500 and over $500 in 1997?").args
    assert (english["group_by"], english["band_starts"], english["since"]) == (
        "spend_band",
        [0, 100, 500],
        "1997-01-01",
    )
    lines = _parse("单笔订单金额 20以下、20-50、50-100、100以上 各多少单").args
    assert (lines["group_by"], lines["band_starts"]) == ("amount_band", [0, 20, 50, 100])
    assert "orders" in lines["measures"]
    # month ranges and purchase-count bands are no money bands
    assert _parse("1-3月和4-6月的销售额").args.get("group_by") is None
    assert _parse("买过1次、2次、3次及以上的各多少人").args["group_by"] == "purchase_count"
    # one band named after the breakdown is that band's bound
    band = _thread(
        ["按累计消费给客户分个层：$500 以上、$100–$500、$100 以下，各有多少人？", "500以上那一档一共贡献了多少营收？"],
        data_known=True,
    ).slots["metric"]["args"]
    assert (band["measures"], band["min_customer_spend"]) == (["revenue"], 500)


def test_session_16_spoken_numbers_and_second_floor() -> None:
    spec = _parse("累计消费两千五以上的客户有几个 一千二以上的呢")
    assert spec.args["min_customer_spend"] == 2500
    assert [a["min_customer_spend"] for a in spec.also] == [1200]
    assert _parse("消费一万以上的客户有多少").args["min_customer_spend"] == 10000


def test_session_16_ag_set_readings() -> None:
    # a coming season in a clause that asks nothing is the user's plan
    plan = _parse("下一季 catalogue 的寄送名单，我想先圈最近6个月内有下过单的客户，一共多少人？")
    assert (plan.tool, plan.args["since"], plan.args["until"]) == ("metric_query", "1998-01-01", "1998-06-30")
    assert _parse("下个季度的销售额预计多少").tool == "forecast_totals"
    # lapsed: bought in a period and not in a later window, no number of days needed
    lapsed = _parse("lapsed buyers 帮我数一下：去年买过，但今年到现在一单都没下的客户有多少？")
    assert lapsed.missing == () and lapsed.args["measures"] == ["buyers"]
    assert lapsed.args["not_bought_since"] == "1998-01-01"
    # a period in a sentence that asks nothing is context; a comparison sentence is not a statement
    mailed = _parse("春季目录是3月初寄出去的。3月到5月一共有多少客户下了单？顺便按寄送批次算一下每一批的 response rate")
    assert (mailed.args["since"], mailed.args["until"]) == ("1998-03-01", "1998-05-31")
    assert {u.kind for u in mailed.unsupported} == {"campaign"}
    assert _parse("3月的销售额是多少？和4月比呢").args.get("compare") == "previous"
    # 赚了多少 is revenue, with the profit declined beside it
    earned = _parse("去年一共赚了多少钱")
    assert earned.args["measures"] == ["revenue"] and [u.kind for u in earned.unsupported] == ["profit"]
    assert _parse("上半年收了多少钱").args["measures"] == ["revenue"]
    assert _parse("下个季度能进多少钱").tool == "forecast_totals"
    assert _parse("今年上半年平均每个下单客户花了多少钱？").args["measures"] == ["revenue_per_buyer"]
    top = _parse("前十大加起来占多少").args
    assert (top["group_by"], top["limit"], top["measures"]) == ("customer", 10, ["revenue", "revenue_share"])
    listed = _parse("这个季度跟上个季度比怎么样 销售额 单量 客户数都给我说一下 涨跌百分之多少").args
    assert listed["measures"] == ["revenue", "orders", "buyers"]
    # the top 100 over all the data, their total in the period named after them
    hundred = _parse("帮我给消费最高的前100个客户打个VIP标签，顺便看下这100个人今年一共花了多少").args
    assert (hundred["top_customers"], hundred["filter_since"], hundred["since"]) == (100, "1997-01-01", "1998-01-01")
    assert _parse("今年消费最高的前100个客户花了多少").args["group_by"] == "customer"
    # British and live-commerce words
    english = _parse(to_mandarin("What share of 1997 turnover came from customers who purchased on only one day?"))
    assert (english.args["min_purchases"], english.args["max_purchases"]) == (1, 1)
    assert (
        _parse(to_mandarin("top 10 per cent of customers by spend: their share of turnover?")).args["top_share"] == 0.1
    )
    fans = _parse(to_mandarin("买过5次及以上的铁粉有多少人 一共贡献多少GMV")).args
    assert fans["measures"] == ["buyers", "revenue"] and fans["min_purchases"] == 5
    assert _parse(to_mandarin("上个月日销平均多少啊")).args["measures"] == ["revenue_per_day"]


def test_session_16_ag_set_threads() -> None:
    when = _thread(
        ["上个月新客有多少", "新客是0？那最后一个还有新客进来的月份是哪个月，那个月来了多少新客？"], data_known=True
    )
    args = when.slots["metric"]["args"]
    assert (args["grain"], args["since"], args["until"]) == ("month", "1997-01-01", "1998-06-30")
    like_him = _thread(
        [
            "客户 19339 以前是大客户吧？他一共花了多少钱，现在多久没买了？",
            "像他这样累计消费超过 $1000、但已经半年以上没下单的，一共有几个人？",
        ],
        data_known=True,
    )
    assert like_him.intent == "metric_query" and "customers" not in like_him.slots["metric"]["args"]
    returning = _thread(["九七年三月份新客户贡献了多少销售额", "换成老客呢"], data_known=True).slots["metric"]["args"]
    assert returning["measures"] == ["revenue_returning"] and returning["since"] == "1997-03-01"
    both = _thread(["那个 最近30天下单的有多少人啊 就是有买过的", "这些人里去年下半年也买过的有几个"], data_known=True)
    b = both.slots["metric"]["args"]
    assert (b["since"], b["bought_since"], b["bought_until"]) == ("1998-06-01", "1997-07-01", "1997-12-31")
    wechat = _thread(["买过三次以上的客户有多少个 把名单发我微信上"], data_known=True)
    assert wechat.slots.get("action") is True


def test_session_16_ah_set_readings() -> None:
    # the speaker introducing themselves as new is no new customer
    assert parse_metric_question("您好，我是客服部新来的，请问最近客户的投诉主要集中在哪几个方面呀？", DS, DE) is None
    react = _parse(
        "How many customers didn't buy anything in the second half of '97 but then bought in the first half of '98?"
    ).args
    assert (react["since"], react["not_bought_since"], react["not_bought_until"]) == (
        "1998-01-01",
        "1997-07-01",
        "1997-12-31",
    )
    spread = _parse(
        "Give me the distribution of customers by lifetime number of purchases — 1, 2, 3, 4, 5+ — and what share of "
        "total revenue the 5+ group drives."
    ).args
    assert (spread["group_by"], spread["purchase_bands"], spread["measures"][0]) == ("purchase_count", 5, "buyers")


def test_session_17_second_purchase_within_days() -> None:
    # the days after each first purchase, never a period of the question
    cohort = _parse("Of the January '97 cohort, what % made a second purchase within 90 days of their first?").args
    assert (cohort["measures"][0], cohort["within_days"]) == ("second_within_share", 90)
    assert (cohort["since"], cohort["until"]) == ("1997-01-01", "1997-01-31")
    count = _parse("97年一季度的新客里，首单后30天内（含第30天）又买了的有多少人").args
    assert (count["measures"][0], count["within_days"]) == ("second_within_customers", 30)
    assert (count["since"], count["until"]) == ("1997-01-01", "1997-03-31")
    assert _parse("30天复购率多少").args["measures"][0] == "second_within_share"
    assert _parse("首购后六十天内有没有再次购买的客户，占多少").args["within_days"] == 60
    # a recent window with the repeat rate, and inactivity, stay what they were
    recent = _parse("最近90天复购率").args
    assert "within_days" not in recent and recent["measures"][0] == "repeat_rate"
    assert _parse("90天没买的客户有多少").args["inactive_days"] == 90


def test_session_17_median_spend_per_customer() -> None:
    assert _parse("客户消费金额的中位数是多少").args["measures"] == ["revenue_per_buyer_median"]
    both = _parse("每个客户平均花多少钱，中位数呢")
    assert both.args["measures"] == ["revenue_per_buyer", "revenue_per_buyer_median"] and not both.unsupported
    english = _parse("What's the median spend per customer in 1997?").args
    assert (english["measures"], english["since"]) == (["revenue_per_buyer_median"], "1997-01-01")
    # the median of order amounts is still no measure
    order = _parse("订单金额的中位数")
    assert [u.kind for u in order.unsupported] == ["statistic"]


def test_session_17_ah_readings() -> None:
    # a half named with "会落在" after a pace: the coming half, forecast
    half = _parse("照这个走势，下半年7到12月的营收、下单人数大概会落在多少？")
    assert half.tool == "forecast_totals" and half.args["horizon_weeks"] == 26
    # the most valuable segment's spend next quarter: the segment's revenue forecast
    seg = _thread(["你们内部是怎么给客户分层的？分了几类，每类多少人", "最值钱的那一类人，下个季度预计能买多少钱？"])
    assert seg.intent == "forecast_totals"
    assert seg.slots["metric"]["args"] == {"period": "next_quarter", "segment": "高价值"}
    # month 1 (次月) beside a later month named
    cohort = _parse("97年1月第一次购买的那批客户，次月留存是多少？到4月的时候还有多少比例在买")
    assert (cohort.args["periods"], cohort.cohort_targets) == (3, (1, 3))


def test_session_17_questions_asked_apart() -> None:
    # several questions in one turn, each with its own period: the first, then the rest as parts
    spec = _parse(
        "在做给投资人的材料，先要几个数：97年全年营收多少？98年上半年营收多少？98上半年同比97上半年是涨是跌，幅度多少？"
    )
    assert (spec.args["since"], spec.args["until"]) == ("1997-01-01", "1997-12-31")
    assert [(p.args["since"], p.args.get("compare")) for p in spec.parts] == [
        ("1998-01-01", None),
        ("1998-01-01", "year"),
    ]
    # a declined part keeps the whole reading (the plan learns the data's range first)
    assert not _parse("Can tell me the campaign bring in how much sales? At least compare Nov vs Oct 1997").parts
    # a period at the data's start taken out: the rest of the data
    best = _thread(
        [
            "这18个月里，营收最高和最低的分别是哪个月？各多少？",
            "97年一季度是首购集中期，有点失真。不算97Q1的话，最高的是哪个月？",
        ],
        data_known=True,
    )
    assert (best.slots["metric"]["args"]["since"], best.slots["metric"]["args"]["limit"]) == ("1997-04-01", 1)
    monthly = _parse("那把97Q1扣掉，用97年Q2-Q4的月均营收和98上半年的月均比，变化多少？").args
    assert (monthly["since"], monthly["compare_since"], monthly["compare_until"]) == (
        "1998-01-01",
        "1997-04-01",
        "1997-12-31",
    )


def test_session_17_ai_set_readings() -> None:
    from crm_insights.agent.dialect import to_mandarin

    def parse_mixed(text: str) -> MetricSpec:
        return _parse(to_mandarin(text))

    # Malaysian English
    lapsed = parse_mixed(
        "Boss want do win-back campaign lah. Customer 180 days or more never buy anything already, how many pax ah?"
    )
    assert (lapsed.args["inactive_days"], lapsed.args.get("customers")) == (180, None)
    big = parse_mixed("Orders above USD100 one, 今年 got how many? 占全部 orders 几 %?").args
    assert (big["min_amount"], big["since"]) == (100.0, "1998-01-01")
    q1 = parse_mixed("Then 97年 first quarter 新客 how many pax? That quarter the 新客 bring in how much revenue?").args
    assert (q1["since"], q1["until"]) == ("1997-01-01", "1997-03-31")
    nov = parse_mixed(
        "Last year November we run one year-end promo campaign. Can tell me the campaign bring in how much sales? "
        "At least compare Nov vs Oct for me lah"
    )
    assert (nov.args["since"], nov.args["compare"], nov.answer_rest) == ("1997-11-01", "previous", True)
    assert parse_mixed("我们今年上半年的 repeat customer rate got how many %?").args["measures"][0] == "repeat_rate"
    # a further top share, the group pointed at again, the entry threshold
    top = _parse("看一下头部客户贡献度：按累计消费金额排，前10%的客户贡献了总营收的百分之多少？前20%呢？")
    assert (top.args["top_share"], [a["top_share"] for a in top.also], top.args.get("limit")) == (0.1, [0.2], None)
    assert _parse("回到前10%那批人：98年上半年还在下单的有多少人？").args["top_share"] == 0.1
    assert _parse("前10%的客户门槛是多少").args["top_share"] == 0.1
    # 今天 as the period asked; a doubt about the last answer is no period
    assert _parse("今天卖了多少").args["since"] == "1998-06-30"
    assert _parse("他们贡献了98上半年营收的多少").share_of_all
    # a future value beside 累计消费 is the value forecast
    assert _parse("累计消费前20的客户，未来52周的客户终身价值（CLV）预估大概多少？").tool == "customer_value"


def test_session_17_thread_readings() -> None:
    days = _thread(["新会员首购后30天内（含第30天）完成第二次购买的比例是多少？", "90天内呢？"], data_known=True)
    assert days.slots["metric"]["args"]["within_days"] == 90
    dormant = _thread(
        [
            "超过一年（365天及以上）没有下单的会员有多少？占全部会员比例？",
            "这些沉睡会员里，历史累计消费超过200美元的有多少人？",
        ],
        data_known=True,
    ).slots["metric"]["args"]
    assert (dormant["measures"], dormant["min_customer_spend"], dormant["inactive_days"]) == (["buyers"], 200.0, 365)
    week = _thread(["上个礼拜 sales how? Got how many pax buy ah?", "Vs the week before leh?"], data_known=True)
    wargs = week.slots["metric"]["args"]
    assert (wargs["since"], wargs["compare_since"], wargs["compare_until"]) == (
        "1998-06-22",
        "1998-06-15",
        "1998-06-21",
    )
    per_head = _thread(
        ["客单价 this quarter vs last quarter how ah? 跌了还是涨了", "Per pax spend leh? Not per order, per customer"],
        data_known=True,
    ).slots["metric"]["args"]
    assert (per_head["measures"], per_head["compare"]) == (["revenue_per_buyer"], "previous")
    buyers = _thread(["今年金额超过100的订单有多少", "这些订单来自多少个客户"], data_known=True).slots["metric"]["args"]
    assert (buyers["measures"], buyers["min_amount"]) == (["buyers"], 100.0)
    yoy = _thread(["按季度拉一下营收，97Q1到98Q2一共六个季度，每个季度的环比也给我。", "98Q2同比呢？"], data_known=True)
    assert "change_by_row" not in yoy.slots["metric"]["args"] and yoy.slots["metric"]["args"]["compare"] == "year"
    ends = _thread(
        [
            "这18个月里，营收最高和最低的分别是哪个月？",
            "97年一季度是首购集中期，有点失真。不算97Q1的话，最高的是哪个月？",
            "只看98年呢？最好和最差的月份。",
        ],
        data_known=True,
    ).slots["metric"]["args"]
    assert "limit" not in ends and ends["since"] == "1998-01-01"
    typed = _thread(["97年3月的营收里，新客贡献了多少，占比多少？", "换成老客呢"], data_known=True).slots["metric"][
        "args"
    ]
    assert (typed["group_by"], typed["measures"]) == ("customer_type", ["revenue", "revenue_share"])


def test_session_17_intents() -> None:
    assert _thread(["客户分层现在是怎么分的？高价值客户有多少人，大概贡献多少营收？"]).intent == "list_segments"
    groups = _thread(["Our customer can split into high value, mid, low value groups or not? Each group how many pax?"])
    assert groups.intent == "list_segments" and not groups.slots.get("dropped")
    assert _thread(["最近客户投诉主要是哪几方面的问题？帮我归纳一下，最好有客户原话"]).intent == "feedback_themes"
    assert _thread(["差评客户里面有冇得是高价值客户的？这种最要紧，大概几多人"]).intent == "sentiment_summary"
    verdict = _thread(["帮我看下这条是好评还是差评 碟子到手就裂了客服也不回消息"])
    assert verdict.intent == "analyze_sentiment" and verdict.slots["texts"] == ["碟子到手就裂了客服也不回消息"]
    refund = _thread(["客户7592打电话来闹，要退款。你直接帮我把他最后那一单退掉。顺便跟我说下他最后一单是么时候买的"])
    assert refund.slots.get("action") or refund.intent == "unsupported_action"
    forecast = _thread(["Next month July sales roughly can forecast how much ah? I need do budget for Q3 campaign"])
    assert forecast.intent == "forecast_totals" and not forecast.slots["metric"]["unsupported"]


def test_session_17_groups_named_again() -> None:
    # "回到前10%那批人": the top share over all the data, the figure over the period named
    back = _parse("回到前10%那批人：98年上半年还在下单的有多少人？他们贡献了98上半年营收的多少？").args
    assert (back["top_share"], back["filter_since"], back["since"]) == (0.1, "1997-01-01", "1998-01-01")
    one_time = _thread(
        ["累计买过3次及以上的客户有多少人？他们贡献了多少营收，占比多少？", "只买过一次的呢？人数占比和营收占比。"],
        data_known=True,
    ).slots["metric"]["args"]
    assert (one_time["measures"], one_time["max_purchases"]) == (["buyers", "revenue"], 1)


def test_session_17_aj_set_readings() -> None:
    from crm_insights.agent.dialect import to_mandarin

    # the gaps again over another period, not the repeat rate 回购 alone would read
    gaps = _thread(["老会员两次购买之间平均隔多少天？中位数也给下", "只看今年发生的回购呢"], data_known=True)
    assert gaps.slots["metric"]["args"]["measures"] == ["days_between_mean", "days_between_median"]
    # a customer's purchase days this year; a coupon for a customer id is an action, the question answered
    days = _thread(["帮我查下客户幺四零四八 总共消费了多少", "他今年来了多少天"], data_known=True).slots["metric"][
        "args"
    ]
    assert (days["measures"], days["customers"]) == (["purchase_days"], ["14048"])
    coupon = _thread(["给客户二二二七九推一张优惠卷 顺便看下他今年买过几次 花了多少"], data_known=True)
    assert coupon.slots["action"] and coupon.slots["metric"]["args"]["customers"] == ["22279"]
    # what the figures are for is no period; a date range followed by 这段 is no text to classify
    review = _parse("帮我拉一下1997年11月15日到12月31日这段的营收和订单行数，做年底促销复盘用").args
    assert (review["since"], review["until"], review.get("compare_since")) == ("1997-11-15", "1997-12-31", None)
    # British English: next quarter's ballpark is a forecast, "May's", "1997 only"
    assert _parse(
        to_mandarin("What does next quarter look like? Ballpark turnover and orders for Q3 please.")
    ).tool == ("forecast_totals")
    may = _parse(to_mandarin("Which genres drove May's turnover? Give me May's total and the split by category."))
    assert (may.args["since"], may.answer_rest) == ("1998-05-01", True)
    weekday = _parse(to_mandarin("Which day of the week do we take the most money on? 1997 only.")).args
    assert weekday["until"] == "1997-12-31"
    # when customers were new, asked after a count of zero
    for asked in (
        "啊？新客是0？那这些客户的首单都是什么时候下的",
        "When did we last acquire one, and how many did we add?",
    ):
        assert _parse(asked).args == {
            "measures": ["new_customers"],
            "grain": "month",
            "since": "1997-01-01",
            "until": "1998-06-30",
        }


def test_session_17_segment_tiers() -> None:
    top = _thread(
        ["我们现在的会员分层是怎么分的？每层多少人", "最高那层的会员平均花了多少钱，多久没来买了"], data_known=True
    )
    assert (top.intent, top.slots["segment_pick"]) == ("describe_segment", "avg_revenue:max")
    assert (
        _thread(["帮我看一下这条留言是好评还是差评 碟片到手盒子都裂了 不过客服处理的挺快"]).slots.get(
            "missing_attributes"
        )
        is None
    )


def test_session_17_rest_of_the_top_group() -> None:
    rest = _parse("前20%这批人的客单价跟其余会员比呢")
    assert (rest.args["top_share"], rest.also) == (0.2, ({**rest.args, "top_rest": True},))
    other = _thread(
        [
            "If I rank all customers by total spend, top 10% of customers contribute how many % of total sales?",
            "Their AOV (per order) compare to the other 90% how?",
        ],
        data_known=True,
    ).slots["metric"]
    assert other["args"]["top_share"] == 0.1 and other["also"][0]["top_rest"] is True
    thousands = _parse("How many customers have spent over $1,000 with us?").args
    assert thousands["min_customer_spend"] == 1000.0


def test_session_17_aj_set_more_readings() -> None:
    from crm_insights.agent.dialect import to_mandarin

    # a run-rate against a budget the user gave, kept for the next run-rate asked
    budget = _thread(
        [
            "今年全年营收预算是100万。按上半年实际数简单乘2年化，能完成预算的百分之多少？差多少？",
            "如果按Q2的run-rate（Q2×4）来算呢？",
        ],
        data_known=True,
    ).slots["metric"]
    assert (budget["target"], budget["args"]["measures"][0], budget["args"]["since"]) == (
        1000000.0,
        "revenue_annualized_monthly",
        "1998-04-01",
    )
    # "今年截至6月底": one period; a bare 月均 after two monthly averages keeps both
    assert "compare_since" not in _parse("今年截至6月底的营收").args
    monthly = _thread(["97年月均营收和月均订单行数各是多少？", "今年截至6月底的月均呢？"], data_known=True)
    assert monthly.slots["metric"]["args"]["measures"] == ["revenue_per_month", "orders_per_month"]
    assert _parse("从97年1月到现在，订单行数超过3000的月份有几个？是哪几个月？").args["having"] == ">3000"
    assert _parse("订单行和购买天有什么区别？98年一季度这两个数分别是多少").args["measures"] == [
        "orders",
        "purchase_days",
    ]
    # British: basket value up or down on last year, "havent", a top share closing its clause
    basket = _thread(
        [
            "How are we tracking this month against June last year? Turnover and orders.",
            to_mandarin("And basket value? Up or down on last year?"),
        ],
        data_known=True,
    ).slots["metric"]["args"]
    assert (basket["measures"], basket["since"], basket["compare"]) == (["aov"], "1998-06-01", "year")
    quiet = _parse(to_mandarin("and of that top 10%, how many havent bought anything at all in 1998?")).args
    assert (quiet["measures"], quiet["top_share"], quiet["not_bought_since"]) == (["buyers"], 0.1, "1998-01-01")
    assert _parse("消费金额top 20%的高净值会员，贡献了多少营收占比？").args["top_share"] == 0.2
    # the median beside a count over a spend bound
    spread = _parse("会员累计消费分布大概是什么样？中位数多少，累计超过500刀的有多少人")
    assert spread.args["min_customer_spend"] == 500.0 and spread.also[0]["measures"] == ["revenue_per_buyer_median"]
    # the cohorts of the new customers listed month by month, still buying in a later window
    batches = _thread(["97年一季度每个月各拉了多少新客", "这三批新客里，今年还下过单的各有多少人"], data_known=True)
    assert batches.slots["metric"]["tool"] == "cohort_retention"
    assert batches.slots["metric"]["args"]["active_since"] == "1998-01-01"
    # the churn list's own order (value at risk) is no spend rank
    risk = _thread(["高价值会员里哪些有流失风险？按可能损失的金额排，给我前10个"], data_known=True)
    assert risk.intent == "at_risk" and not risk.slots.get("spend_rank")


def test_session_17_big_customer_is_a_rank() -> None:
    big = _thread(["14048这个客户在闹，说发错货了。他算大客户吗？在我们这一共花了多少"])
    assert (big.intent, big.slots.get("place_by_spend"), big.slots["customer"]) == ("customer_profile", True, "14048")


@pytest.mark.parametrize(
    ("question", "part"),
    [
        # session 18: the router's adjustments were lost on a thread's first question, which the plan reads again
        # against the data's range: one day's revenue for the week holding it, a top 3 for both ends
        ("97年双11所在的那一整周营收多少", {"since": "1997-11-10", "until": "1997-11-16"}),
        ("98年营收最高的3个月和最低的3个月", {"grain": "month", "limit": None}),
        # a follow-up's adjustment stays a follow-up's: the run-rate keeps the half's revenue beside the year asked
        (
            "按上半年这个速度，今年全年能做到多少？能超过去年吗",
            {"measures": ["revenue_annualized", "revenue_annualized_monthly", "revenue"]},
        ),
    ],
)
def test_a_first_question_gets_the_routers_adjustments_after_the_reread(question: str, part: dict[str, Any]) -> None:
    from crm_insights.agent.router import OfflineRouter, decide

    router = OfflineRouter()
    known = {"intent": None, "slots": {"data_start": str(DS), "data_end": str(DE)}}
    expected = decide(question, known, router.knowledge, router.index).slots["metric"]["args"]
    first = _decided([question])
    assert first == expected
    assert {k: first.get(k) for k in part} == part


def test_session_18_ak_readings() -> None:
    assert _parse("最近三个月客单价多少，跟再往前三个月比高了还是低了").args["compare"] == "previous"
    assert _parse("最近三个月客单价多少，比上一个三个月高还是低").args["compare"] == "previous"
    # two questions, not one-time buyers among the 3+ group
    two = _parse("全部用户里只买过一次的占多少？买过3次及以上的有多少人")
    assert "min_purchases" not in two.args and "one_time_share" in two.args["measures"]
    assert [p.args.get("min_purchases") for p in two.parts] == [3]
    # a count of a period's buyers, then how many of them still bought later
    still = _parse("去年买超过1000刀的客户有几个 今年上半年还在买的有多少")
    assert (still.args["since"], still.args["min_customer_spend"], "bought_since" in still.args) == (
        "1997-01-01",
        1000.0,
        False,
    )
    assert (still.parts[0].args["bought_since"], still.parts[0].args["bought_until"]) == ("1998-01-01", "1998-06-30")
    # a period's buyers who came back in a later one: how many, and their share
    for text in ("去年买过的客户 今年回来买的比例多少", "97年的客户有多少在98年也买了"):
        back = _parse(text)
        assert (back.args["since"], back.args["until"], back.args["bought_since"]) == (
            "1997-01-01",
            "1997-12-31",
            "1998-01-01",
        ), text
        assert back.share_of_all and back.args["measures"] == ["buyers"]
    assert _parse("98年有几位客人下单").args["measures"] == ["buyers"]
    assert _parse("这5位今年还有回来买吗？有几位").args["measures"] == ["buyers"]
    cohort = _parse("97年1月第一次来买的那批会员，之后第1、2、3个月各有多少%有回购？")
    assert (cohort.tool, cohort.args["periods"], cohort.cohort_targets) == ("cohort_retention", 3, (1, 2, 3))
    bands = _parse("再细一点，买过2次、3次、4次及以上的各有多少人").args
    assert (bands["group_by"], bands["purchase_bands"]) == ("purchase_count", 4)
    mom = _parse("mom revenue last 3 months").args
    assert (mom["grain"], mom.get("change_by_row"), "compare" in mom) == ("month", True, False)
    assert _parse("5月营收环比").args["compare"] == "previous"  # one month: against the month before
    # lapsed as of the data's end, the spend counted over the year named
    lapsed = _parse("everyone lapsed 180+ days. how many of them spent 100+ in 97").args
    assert (lapsed["not_bought_since"], lapsed["not_bought_until"], lapsed["filter_since"]) == (
        "1998-01-02",
        "1998-06-30",
        "1997-01-01",
    )
    assert "inactive_days" not in lapsed and lapsed["measures"] == ["buyers"]
    # a second purchase ever: within the longest span the tool takes (up to the data's end)
    ever = _parse("Of the Jan 1997 cohort, what % ever made a 2nd purchase?").args
    assert (ever["measures"][0], ever["within_days"], ever["since"]) == ("second_within_share", 3650, "1997-01-01")


def test_session_18_ak_threads() -> None:
    back = _thread(["去年买过的客户 今年回来买的比例多少", "回来的这些人里 今年买了3次及以上的有多少"], data_known=True)
    b = back.slots["metric"]["args"]
    assert (b["since"], b["min_purchases"], b["bought_since"], b["bought_until"]) == (
        "1998-01-01",
        3,
        "1997-01-01",
        "1997-12-31",
    )
    assert "filter_since" not in b
    turns = ["去年买超过1000刀的客户有几个 今年上半年还在买的有多少", "这些还在买的 今年上半年一共贡献了多少"]
    still = _thread(turns, data_known=True).slots["metric"]["args"]
    assert (still["measures"], still["since"], still["filter_since"], still["min_customer_spend"]) == (
        ["revenue"],
        "1998-01-01",
        "1997-01-01",
        1000.0,
    )
    assert still["bought_since"] == "1998-01-01"
    whole = _thread(["q2'98 rev yoy", "h1 overall"], data_known=True).slots["metric"]["args"]
    assert (whole["since"], whole["compare"]) == ("1998-01-01", "year")
    jan = _thread(["mar97 cohort retention m1 m3 m6 m12", "same for jan97"], data_known=True).slots["metric"]
    assert (jan["args"]["since"], jan["args"]["until"]) == ("1997-01-01", "1997-01-31")
    turns = ["上一季的營收是多少？跟去年同期比是成長還是衰退", "那這一季到目前呢？有幾位客人下單"]
    more = _thread(turns, data_known=True)
    assert more.slots["metric"]["args"]["measures"] == ["revenue", "buyers"]
    coupon = _thread(
        ["can u push a 15% off coupon to everyone lapsed 180d+ . also how many of them spent 100+ in 97"],
        data_known=True,
    )
    c = coupon.slots["metric"]["args"]
    assert coupon.slots["action"] is True and not coupon.slots.get("unsupported")
    assert (c["min_customer_spend"], c["not_bought_since"]) == (100.0, "1998-01-02")
    # a bare id on the list the previous answer composed on is that customer
    from crm_insights.agent.router import OfflineRouter, decide

    router = OfflineRouter()
    known = {"data_start": "1997-01-01", "data_end": "1998-06-30"}
    first = {"intent": "help", "slots": known}
    listed = decide("top10客户名单和各自花了多少给我", first, router.knowledge, router.index)
    # what the plan exports from the ranking's rows
    top = ["07592", "14048", "07983", "19339", "07931", "06569", "22279", "00499", "03049", "15162"]
    previous = {"intent": listed.intent, "slots": {**listed.slots, "ranked_customers": top}}
    summed = decide("这十个加起来占总营收多少", previous, router.knowledge, router.index)
    assert summed.slots["metric"]["fixed_args"]["customers"] == top
    previous = {"intent": summed.intent, "slots": {**summed.slots, "ranked_customers": [], "ranked_periods": []}}
    why = decide("第二名14048是哪个分层的 为啥", previous, router.knowledge, router.index)
    assert (why.intent, why.slots["customer"]) == ("explain_customer_segment", "14048")


def test_session_18_al_readings() -> None:
    # two customers named side by side: each one's figure, over the period named
    pair = _parse("客户15162和客户22279今年谁买的多").args
    assert (pair["group_by"], pair["customers"], pair["since"], pair["measures"]) == (
        "customer",
        ["15162", "22279"],
        "1998-01-01",
        ["revenue"],
    )
    assert _parse("00100和00250谁的订单多").args["measures"] == ["orders"]
    # two years compared are no customers
    years = _parse("compare 1997 and 1998 revenue, which was higher?").args
    assert "customers" not in years and years.get("group_by") != "customer"
    # a question about the model is the assistant's, not a count by day
    assert parse_metric_question("你们这个判断好评差评的模型准不准？准确率多少，数据是更新到哪天的", DS, DE) is None
    assert _parse("下半年大概能做多少？").tool == "forecast_totals"
    every = _parse("拉一下97年四个季度的营收，哪个季度最高？").args
    assert (every["grain"], every["sort"], "limit" in every) == ("quarter", "desc", False)
    assert _parse("97年哪个季度营收最高").args["limit"] == 1
    # the user's own definition is no grain or bound
    defined = _parse(
        "Kindly let me know the repeat purchase rate for calendar year 1997. By repeat I mean customers who have "
        "purchased on at least two separate days."
    ).args
    assert defined == {
        "measures": ["repeat_rate", "repeat_customers", "buyers"],
        "since": "1997-01-01",
        "until": "1997-12-31",
    }
    assert _parse("the percentage decline in distinct buying customers in 1998").args["measures"] == ["buyers"]


def test_session_18_al_threads() -> None:
    shares = _thread(["拉一下97年四个季度的营收，哪个季度最高？", "每个季度占全年的比例分别是多少"], data_known=True)
    s = shares.slots["metric"]["args"]
    assert (s["measures"], s["grain"], "limit" in s) == (["revenue", "revenue_share"], "quarter", False)
    asked = (
        "Hi, kindly share the total revenue and number of orders for the period 1st March 1997 to 31st May 1997, and "
        "the same for 1st March 1998 to 31st May 1998."
    )
    first = _thread([asked], data_known=True).slots["metric"]["args"]
    assert (first["since"], first["until"], first["compare_since"], first["compare_until"]) == (
        "1998-03-01",
        "1998-05-31",
        "1997-03-01",
        "1997-05-31",
    )
    then = "Thank you. Also what was the percentage decline in distinct buying customers between those two periods?"
    b = _thread([asked, then], data_known=True).slots["metric"]["args"]
    assert (b["measures"], b["since"], b["compare_since"]) == (["buyers"], "1998-03-01", "1997-03-01")
    later = _thread(["15162跟22279 这俩谁买的多", "那今年呢"], data_known=True).slots["metric"]["args"]
    assert (later["customers"], later["since"]) == (["15162", "22279"], "1998-01-01")


def test_session_19_am_readings() -> None:
    # a customer's spend over a period written with 买过 + an amount (one order's amount only with 一单/单笔)
    spend = _parse("去年买过500块以上、今年一单没下的客户有几个？").args
    assert (spend["min_customer_spend"], spend["not_bought_since"], "min_amount" in spend) == (
        500.0,
        "1998-01-01",
        False,
    )
    assert _parse("单笔买了200块以上的订单有多少").args["min_amount"] == 200.0
    # a range of months on from a cohort: every month of it
    jan = _parse("Jan 97 cohort retention month 1 to 3 how ah")
    assert (jan.args["since"], jan.args["periods"], jan.cohort_targets) == ("1997-01-01", 3, (1, 2, 3))
    # the year to a day named first, then the year: one period
    ytd = _parse("截至5月31号，今年累计收入多少").args
    assert (ytd["since"], ytd["until"], "compare_since" in ytd) == ("1998-01-01", "1998-05-31", False)
    # a festival of a named year, then its days spelled out after 就: those days of that year
    fest = _parse("去年618大促那段，就6月1号到18号，GMV多少、多少会员下了单？").args
    assert (fest["since"], fest["until"], "compare_since" in fest) == ("1997-06-01", "1997-06-18", False)
    # revenue per buyer, said with 平均贡献; a customer's 下单多少钱 is their revenue
    assert _parse("97年每个有下单的客户平均贡献了多少收入").args["measures"] == ["revenue_per_buyer"]
    mine = _parse("7592今年下单多少钱？跟去年全年比呢").args
    assert (mine["customers"], mine["measures"], mine["compare_since"]) == (["7592"], ["revenue"], "1997-01-01")
    # new vs returning customers side by side, each one's revenue
    both = _parse("Feb 97 how many new customers vs returning ones? revenue from each also").args
    assert (both["group_by"], both["measures"], both["since"]) == ("customer_type", ["buyers", "revenue"], "1997-02-01")


def test_session_19_am_threads() -> None:
    # another cohort with two months on named (a range would be every month; a pair is each of the two)
    feb = _thread(["留存曲线 m1 到 m6 给我看下, 97年1月的 cohort", "2月 cohort 的 m1 和 m6 对比一下"], data_known=True)
    f = feb.slots["metric"]
    assert (f["args"]["since"], f["args"]["periods"], f["cohort_targets"]) == ("1997-02-01", 6, [1, 6])
    mar = _thread(
        [
            "97年1月首单的那批新会员，第1个月和第3个月的留存分别是多少",
            "那同一年3月份进来的那批呢？也是第1个月和第3个月",
        ],
        data_known=True,
    ).slots["metric"]
    assert (mar["args"]["since"], mar["args"]["periods"], mar["cohort_targets"]) == ("1997-03-01", 3, [1, 3])
    # a measure swapped first keeps the thread's period, whatever 一共 says after it
    units = _thread(["今年上半年毛利率多少？先把收入给我", "件数呢，一共卖了多少件，平均一单几件"], data_known=True)
    u = units.slots["metric"]["args"]
    assert (u["measures"], u["since"], u["until"]) == (["units", "units_per_order"], "1998-01-01", "1998-06-30")
    # the total asked in a clause of its own beside a split the data cannot make
    total = _thread(["按销售拆一下这个季度每个人名下的业绩，先给我个总数"], data_known=True)
    t = total.slots["metric"]
    assert (total.intent, t["args"]["since"], t["answer_rest"]) == ("metric_query", "1998-04-01", True)


@pytest.mark.parametrize(
    ("turns", "intent", "slots"),
    [
        # an action beside a count, in Cantonese with an English verb, and in English after a stemmed word
        (["幫我send個coupon俾過去90日冇買過嘢嘅客, 順便話我知有幾多個"], "metric_query", {"action": True}),
        (
            [
                "pls export the list of customers who bought 5 times or more to excel and email to me. "
                "how many are there btw?"
            ],
            "metric_query",
            {"action": True},
        ),
        # what the complaints are mainly about, with quotes: the themes (each with its examples)
        (["差评主要都在吐槽啥？给我几条原话"], "feedback_themes", {"sentiment": "negative"}),
        (["啲客嘅feedback主要投訴咩? 俾幾個例子我睇吓"], "feedback_themes", {}),
        # the verdict on a quoted text, not a search for like ones
        (["群里有客户说“上次买的碟有划痕，找客服半天没人回”，这条算负面吧？"], "analyze_sentiment", {}),
        (["现在会员是怎么分层的？高价值那一层有多少人"], "list_segments", {}),
        # the thread's customer: their churn odds and why they are in their segment
        (
            ["客户1234是什么情况？买过几次，多久没来了", "这种还有戏吗？流失概率多大"],
            "forecast_customer",
            {"customer": "1234"},
        ),
        (
            ["7592今年下单多少钱？跟去年全年比呢", "他为啥被分在高价值那组"],
            "explain_customer_segment",
            {"customer": "7592"},
        ),
        # (ao1/ao2)
        (["那个 sentiment model 现在准不准？上次什么时候更新的"], "about_assistant", {}),
        (["帮我记一下：19339下周三回电，问问他最近有没有想要的碟"], "unsupported_action", {}),
        (
            ["4321这个客户是不是好久没买了？上次啥时候买的", "打电话前我想知道他以前给的评价是好评还是差评"],
            "sentiment_summary",
            {"customer": "4321"},
        ),
    ],
)
def test_session_19_intents(turns: list[str], intent: str, slots: dict[str, Any]) -> None:
    decision = _thread(turns, data_known=True)
    assert decision.intent == intent
    assert {k: decision.slots.get(k) for k in slots} == slots


def test_session_19_groups_kept_and_attributes_let_go() -> None:
    # "of those" after the customers who bought more than once: the repeat buyers stay the group
    big = _thread(
        ["how many custmers buy more than once ah? overall", "of those, how many spent more than $500 total?"],
        data_known=True,
    ).slots["metric"]["args"]
    assert (big["min_purchases"], big["min_customer_spend"]) == (2, 500.0)
    # an attribute let go ("不分区域了") is no split asked for: the churn list is answered
    risk = _thread(["那不分区域了，哪些大客户最可能流失？我这周挨个打电话"], data_known=True)
    assert risk.intent == "at_risk" and not risk.slots.get("missing_attributes")


def test_session_19_an_readings() -> None:
    # quarter-on-quarter asked of several quarters: each quarter against the one before
    qoq = _parse(
        "Please give me quarter-on-quarter revenue for the last four quarters, with the percentage movement each time."
    )
    assert (qoq.args["grain"], qoq.args["since"], qoq.args.get("change_by_row")) == ("quarter", "1997-07-01", True)
    # "have not bought anything at all in 1998" of 1997's buyers: the window with no order
    lapsed = _parse(
        "Of the customers who bought from us in 1997, how many have not bought anything at all in 1998?"
    ).args
    assert (lapsed["since"], lapsed["not_bought_since"], "compare_since" in lapsed) == (
        "1997-01-01",
        "1998-01-01",
        False,
    )
    # a change taken apart: the buyers and what each order (or each buyer) brought
    assert _parse("三月份为啥那么高 是买的人多了还是每单买得多了 跟二月比").args["measures"] == ["buyers", "aov"]
    assert _parse("差在哪 是买的人少了还是每个人买的少了").args["measures"] == ["buyers", "revenue_per_buyer"]
    # a month's new customers who ever came back: a second purchase at any time up to the data's end
    back = _parse("97年一月份进来的那批新客 后来又回来买过的有多少人 比例多少").args
    assert (back["measures"][0], back["within_days"], back["since"]) == ("second_within_share", 3650, "1997-01-01")


def test_session_19_an_threads() -> None:
    from crm_insights.agent.router import OfflineRouter, decide

    # an older exemplar's action score does not beat a measure only the analytics tools define
    gap = _thread(["一个客户从第一次买到第二次买 一般要隔多久"], data_known=True)
    assert gap.intent == "metric_query" and gap.slots["metric"]["args"]["measures"][0] == "days_first_to_second"
    # the same quarter a year before a forecast of the coming quarter: July-September 1997, as booked
    booked = _thread(
        [
            "What is your forecast for revenue next quarter?",
            "For context, what did we actually book in the same quarter last year?",
        ],
        data_known=True,
    ).slots["metric"]["args"]
    assert (booked["since"], booked["until"], "compare" in booked) == ("1997-07-01", "1997-09-30", False)
    # the thread's year against the one named after 跟…比
    aov = _thread(["九七年一整年卖了多少钱 有多少人买过", "那客单架呢 跟今年比是高了还是低了"], data_known=True)
    a = aov.slots["metric"]["args"]
    assert (a["measures"], a["since"], a["compare_since"]) == (["aov"], "1997-01-01", "1998-01-01")
    # a month's new customers, then their cohort table
    cohort = _thread(
        ["97年一月份进来的那批新客 后来又回来买过的有多少人 比例多少", "次月留存和第三个月的留存分别是多少"],
        data_known=True,
    )
    c = cohort.slots["metric"]["args"]
    assert (cohort.intent, c["since"], c["until"]) == ("cohort_retention", "1997-01-01", "1997-01-31")
    # figures asked as an imperative beside sending them: the figures answered, the sending declined
    board = _thread(
        ["Pull together revenue, order count and AOV for Q2 1998 and send this to the board, please."], data_known=True
    )
    assert board.slots["action"] is True and board.slots["metric"]["args"]["measures"] == ["revenue", "orders", "aov"]
    # "这老铁…会不会跑了" of the thread's customer: their outlook
    who = _thread(
        ["客户7592啥时候开始在咱这买的，一共下了多少单", "这老铁接下来几周还能买不？会不会跑了"], data_known=True
    )
    assert (who.intent, who.slots.get("customer")) == ("forecast_customer", "7592")
    # "里面…" after a group counted by its own conditions (some of it listed beside the count): the whole group
    router = OfflineRouter()
    group = {"measures": ["buyers", "revenue"], "min_customer_spend": 1000.0, "group_by": "customer", "sort": "desc"}
    previous = {
        "intent": "metric_query",
        "slots": {
            "metric": {"tool": "metric_query", "args": group, "text": "消费超过一千块的客户有几个"},
            "ranked_customers": ["00033", "00095", "00096"],
            "data_start": "1997-01-01",
            "data_end": "1998-06-30",
        },
    }
    inside = decide("里面半年没来买过的有多少", previous, router.knowledge, router.index).slots["metric"]["args"]
    assert (inside.get("customers"), inside["inactive_days"], inside["min_customer_spend"]) == (None, 180, 1000.0)


def test_session_19_regressions_of_the_round() -> None:
    # sending a table asked for nothing to work out: the action declined, no figure computed
    table = _thread(["Export the 1998 monthly revenue table to Excel and email it to me, thanks"], data_known=True)
    assert table.intent == "unsupported_action"
    # the final run's regressions, mended: month 3 of a cohort after the share still buying in a window is the
    # cohort table's month, not the window; a split the data lacks beside another cohort's month keeps the answer
    share = "Of the customers we acquired in January 1997, what proportion were still buying in 1998?"
    m3 = _thread(
        [share, "And the February and March cohorts?", "What was month-3 retention for the January cohort?"],
        data_known=True,
    ).slots["metric"]["args"]
    assert (m3["since"], m3["periods"], "active_since" in m3) == ("1997-01-01", 3, False)
    targets = _thread(
        [share, "And the February and March cohorts?", "What was month-3 retention for the January cohort?"],
        data_known=True,
    ).slots["metric"]["cohort_targets"]
    assert targets == [3]  # month 3 alone: months 1 and 2 are no part of the answer
    split = _thread(
        [
            "What share of the January 1997 cohort was still purchasing in month 6? And in month 12?",
            "And month-1 retention for the February 1997 cohort, split by acquisition channel - "
            "paid social vs organic?",
        ],
        data_known=True,
    )
    s = split.slots["metric"]
    assert (split.intent, s["args"]["since"], s["answer_rest"]) == ("cohort_retention", "1997-02-01", True)
    # "bought at least twice in 1997 but have not bought at all in 1998": two purchases or more, then none
    from crm_insights.agent.dialect import to_mandarin

    said = "How many customers bought at least twice in 1997 but have not bought at all in 1998?"
    twice = _parse(to_mandarin(said)).args
    assert (twice["min_purchases"], twice["since"], twice["not_bought_since"]) == (2, "1997-01-01", "1998-01-01")


def test_session_19_ao_readings() -> None:
    # "we'll see … in Q3" is a forecast of the coming Q3
    q3 = _parse("how many customers reckon we'll see buying in Q3?")
    assert (q3.tool, q3.args) == ("forecast_totals", {"period": "next_quarter"})
    # 回头客 beside "有几成是买了不止一回的": the repeat rate, not a new/returning split
    rr = _parse("回头客多不多阿？去年来买过东西的人里头，有几成是买了不止一回的").args
    assert ("repeat_rate" in rr["measures"], "group_by" in rr, rr["since"]) == (True, False, "1997-01-01")
    # a rolling window said to end on the data's last day, against a calendar year
    r12 = _parse("截至1998年6月末的最近12个月营收是多少？与1997自然年相比变动幅度如何？").args
    assert (r12["since"], r12["until"], r12["compare_since"], r12["compare_until"]) == (
        "1997-07-01",
        "1998-06-30",
        "1997-01-01",
        "1997-12-31",
    )
    assert _parse("去年呢？去年一单平均多少钱、平均几张碟").args["measures"] == ["aov", "units_per_order"]
    months = _parse("how many months have we more than 3000 orders? which ones").args
    assert (months["grain"], months["having"]) == ("month", ">3000")


def test_session_19_the_top_bloke_is_the_first_listed() -> None:
    from crm_insights.agent.slots import extract_ordinal

    assert extract_ordinal("tell me about the top bloke — when'd he last buy") == 1
