"""The metric catalogue: every measure and dimension as data (names, definition, unit, zh/en names, synonyms).

Nothing here is SQL. :mod:`crm_insights.metrics.query` compiles a request naming these keys to
SQLAlchemy Core; a router or a model picks measures by key, and the zh/en names and synonyms let it
match a user's words to a key. A measure belongs to one *family*: the fact rows it aggregates
(order lines, per-customer purchase days, feedback rows ...). A request may mix families; each
family is one query and the rows are merged on their keys.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

Unit = Literal["currency", "count", "share", "days", "ratio"]
Family = Literal["orders", "repeat", "gaps", "first_second", "inactive", "feedback", "followup"]


@dataclass(frozen=True)
class Measure:
    key: str
    family: Family
    unit: Unit
    name_en: str
    name_zh: str
    definition: str
    synonyms: tuple[str, ...] = ()
    # True when summing the rows of any breakdown gives the total (sums and counts of order lines).
    additive: bool = False


@dataclass(frozen=True)
class Dimension:
    key: str
    name_en: str
    name_zh: str
    definition: str
    synonyms: tuple[str, ...] = ()
    families: frozenset[str] = field(default_factory=frozenset)


_ORDER_FAMILIES = frozenset({"orders", "repeat", "gaps", "first_second", "inactive", "followup"})

MEASURES: dict[str, Measure] = {
    m.key: m
    for m in (
        Measure(
            "revenue",
            "orders",
            "currency",
            "revenue (GMV)",
            "销售额",
            "Sum of order-line amounts in the period.",
            ("GMV", "sales", "turnover", "收入", "营收", "成交额", "总销售额"),
            additive=True,
        ),
        Measure(
            "orders",
            "orders",
            "count",
            "orders (order lines)",
            "订单数",
            "Number of order lines in the period (CDNOW: one line per purchase record).",
            ("order count", "purchases", "订单量", "单量"),
            additive=True,
        ),
        Measure(
            "units",
            "orders",
            "count",
            "units",
            "销量（件数）",
            "Sum of order-line quantities.",
            ("items sold", "quantity", "件数", "销量"),
            additive=True,
        ),
        Measure(
            "buyers",
            "orders",
            "count",
            "buyers",
            "购买客户数",
            "Distinct customers with at least one order line in the period.",
            ("active customers", "purchasing customers", "买家数", "下单客户数"),
        ),
        Measure(
            "new_customers",
            "orders",
            "count",
            "new customers",
            "新客户数",
            "Buyers whose first-ever order falls in the period (in the row's period for a trend).",
            ("first-time buyers", "acquired customers", "新客", "新增客户"),
        ),
        Measure(
            "returning_customers",
            "orders",
            "count",
            "returning customers",
            "老客户数",
            "Buyers in the period whose first-ever order is before the period (the row's period).",
            ("repeat customers", "existing customers", "回头客", "老客"),
        ),
        Measure(
            "revenue_new",
            "orders",
            "currency",
            "revenue from new customers",
            "新客户销售额",
            "Revenue of order lines by customers who are new in the period.",
            ("新客收入",),
        ),
        Measure(
            "revenue_returning",
            "orders",
            "currency",
            "revenue from returning customers",
            "老客户销售额",
            "Revenue of order lines by customers who are returning in the period.",
            ("老客收入",),
        ),
        Measure(
            "aov",
            "orders",
            "currency",
            "average order value",
            "客单价",
            "revenue / orders (per order line).",
            ("AOV", "average order", "平均订单金额", "平均客单价"),
        ),
        Measure(
            "units_per_order",
            "orders",
            "ratio",
            "units per order",
            "每单件数",
            "units / orders.",
            ("items per order", "件单价"),
        ),
        Measure(
            "revenue_per_buyer",
            "orders",
            "currency",
            "revenue per buyer",
            "人均消费",
            "revenue / buyers.",
            ("ARPU", "spend per customer", "人均销售额"),
        ),
        Measure(
            "revenue_share",
            "orders",
            "share",
            "share of revenue",
            "销售额占比",
            "A row's revenue / the revenue of all rows under the same filters (for breakdowns).",
            ("revenue contribution", "收入占比", "贡献占比"),
        ),
        Measure(
            "orders_share",
            "orders",
            "share",
            "share of orders",
            "订单数占比",
            "A row's orders (order lines) / the orders of all rows under the same filters (for breakdowns, "
            "e.g. each weekday's share of orders; the total row is 1).",
            ("order share", "订单占比", "单量占比"),
        ),
        Measure(
            "units_share",
            "orders",
            "share",
            "share of units",
            "销量占比",
            "A row's units / the units of all rows under the same filters (for breakdowns).",
            ("unit share", "件数占比"),
        ),
        Measure(
            "purchase_days",
            "repeat",
            "count",
            "purchase days",
            "购买天数",
            "Distinct (customer, day) pairs with an order line in the period: several lines on one day are "
            "one purchase day (per customer: the days they bought on).",
            ("purchase occasions", "购买次数", "下单天数"),
            additive=True,
        ),
        Measure(
            "repeat_rate",
            "repeat",
            "share",
            "repeat-purchase rate",
            "复购率",
            "Share of the period's buyers with >= 2 distinct purchase DAYS in the period "
            "(several order lines on one day are one purchase).",
            ("repurchase rate", "retention rate of buyers", "重复购买率", "回购率"),
        ),
        Measure(
            "one_time_share",
            "repeat",
            "share",
            "one-time-buyer share",
            "一次性购买客户占比",
            "1 - repeat_rate over the same buyers: share with exactly one purchase day in the period.",
            ("single-purchase share", "一次性客户占比", "只买一次"),
        ),
        Measure(
            "days_between_mean",
            "gaps",
            "days",
            "mean days between purchases",
            "平均购买间隔（天）",
            "Mean gap in days between a customer's consecutive purchase days, over gaps whose later "
            "purchase day falls in the period (the earlier one may be before it).",
            ("purchase interval", "平均回购周期", "购买间隔"),
        ),
        Measure(
            "days_between_median",
            "gaps",
            "days",
            "median days between purchases",
            "购买间隔中位数（天）",
            "Median of the same gaps as days_between_mean.",
            ("中位购买间隔",),
        ),
        Measure(
            "days_first_to_second",
            "first_second",
            "days",
            "days from first to second purchase",
            "首购到复购天数",
            "Mean days from a customer's first to second purchase day, for customers whose first-ever "
            "purchase day is in the period and whose second is on or before the period's end.",
            ("time to second purchase", "二次购买间隔", "首次复购间隔"),
        ),
        Measure(
            "inactive_customers",
            "inactive",
            "count",
            "inactive customers",
            "沉睡客户数",
            "Customers with an order on or before `until` whose last order is >= inactive_days days "
            "before `until` (a snapshot as of `until`; `since` does not apply).",
            ("lapsed customers", "dormant customers", "流失客户数", "不活跃客户"),
        ),
        Measure(
            "feedback_count",
            "feedback",
            "count",
            "feedback count",
            "反馈条数",
            "Number of feedback texts created in the period.",
            ("reviews", "评价数", "评论数"),
        ),
        Measure(
            "positive_share",
            "feedback",
            "share",
            "positive share",
            "正面占比",
            "Share of scored feedback labelled positive.",
            ("好评率", "正面评价占比"),
        ),
        Measure(
            "neutral_share",
            "feedback",
            "share",
            "neutral share",
            "中性占比",
            "Share of scored feedback labelled neutral.",
            ("中性评价占比",),
        ),
        Measure(
            "negative_share",
            "feedback",
            "share",
            "negative share",
            "负面占比",
            "Share of scored feedback labelled negative.",
            ("差评率", "负面评价占比", "complaint share"),
        ),
        Measure(
            "repurchase_after_negative",
            "followup",
            "share",
            "repurchase after negative feedback",
            "差评后复购率",
            "Of the customers whose first negative feedback in the period is dated in the row, the share "
            "who ordered again strictly after that feedback (any later order in the store).",
            ("ordered after a complaint", "差评后回购", "投诉后再购买"),
        ),
    )
}

GRAINS: tuple[str, ...] = ("day", "week", "month", "quarter", "year")
GRAIN_NAMES = {"day": "日", "week": "周", "month": "月", "quarter": "季度", "year": "年"}

DIMENSIONS: dict[str, Dimension] = {
    d.key: d
    for d in (
        Dimension(
            "weekday",
            "weekday",
            "星期",
            "ISO weekday of the order (1 = Monday ... 7 = Sunday).",
            ("day of week", "周几"),
            frozenset({"orders", "feedback"}),
        ),
        Dimension(
            "segment",
            "segment",
            "客户分群",
            "The customer's segment in the latest segmentation model.",
            ("cluster", "分群", "客群"),
            frozenset(_ORDER_FAMILIES | {"feedback"}),
        ),
        Dimension(
            "sentiment",
            "sentiment label",
            "情感",
            "The feedback's sentiment label.",
            ("情感标签", "好评差评"),
            frozenset({"feedback"}),
        ),
        Dimension(
            "customer_type",
            "new vs returning",
            "新老客户",
            "'new' when the customer's first-ever order is in the row's period, else 'returning'.",
            ("new or returning", "新客老客"),
            frozenset({"orders"}),
        ),
        Dimension(
            "cohort",
            "cohort (first-order month)",
            "首购月份队列",
            "Month of the customer's first-ever order ('YYYY-MM').",
            ("acquisition month", "同期群"),
            frozenset({"orders", "repeat", "gaps", "inactive"}),
        ),
        Dimension(
            "customer",
            "customer (external id)",
            "客户",
            "One row per customer, keyed by the customer's external id; rows are ranked by the first "
            "measure (sort, default 'desc') and cut to `limit` (default 10, at most 100). No grain.",
            ("per customer", "by customer", "top customers", "按客户", "每个客户"),
            frozenset({"orders", "repeat"}),
        ),
    )
}

# group_by customer is a ranking, never a full listing: the default and the most rows it returns.
CUSTOMER_LIMIT_DEFAULT = 10
CUSTOMER_LIMIT_MAX = 100

# Measures that are sums or counts, so an amount-filtered figure is a part of the unfiltered one and
# `share_of_all` (filtered / unfiltered, same period) means "what share of all orders/revenue ...".
SHARE_OF_ALL_MEASURES = frozenset(
    {
        "revenue",
        "orders",
        "units",
        "buyers",
        "new_customers",
        "returning_customers",
        "revenue_new",
        "revenue_returning",
        "purchase_days",
    }
)

# Fields a result carries besides its measures, defined once for the tool's notes and the catalogue.
RESULT_FIELDS: dict[str, dict[str, str]] = {
    "total_unfiltered": {
        "name_en": "total without the amount filter",
        "name_zh": "不含金额条件的总计",
        "definition": "With min_amount/max_amount: the same measures for the same period and the other filters, "
        "without the amount filter (totals only).",
    },
    "share_of_all": {
        "name_en": "share of all",
        "name_zh": "占全部的比例",
        "definition": "With min_amount/max_amount: total / total_unfiltered for sums and counts (e.g. orders over "
        "100 as a share of all orders in the period); ratios such as aov have none.",
    },
}

WEEKDAYS = {
    1: ("Monday", "周一"),
    2: ("Tuesday", "周二"),
    3: ("Wednesday", "周三"),
    4: ("Thursday", "周四"),
    5: ("Friday", "周五"),
    6: ("Saturday", "周六"),
    7: ("Sunday", "周日"),
}


def catalogue() -> dict[str, list[Any]]:
    """The catalogue as plain data: what a router, an LLM or `crm-insights metrics --list` reads."""
    return {
        "measures": [
            {
                "key": m.key,
                "name_en": m.name_en,
                "name_zh": m.name_zh,
                "unit": m.unit,
                "definition": m.definition,
                "synonyms": list(m.synonyms),
            }
            for m in MEASURES.values()
        ],
        "dimensions": [
            {
                "key": d.key,
                "name_en": d.name_en,
                "name_zh": d.name_zh,
                "definition": d.definition,
                "synonyms": list(d.synonyms),
            }
            for d in DIMENSIONS.values()
        ],
        "grains": list(GRAINS),
        "result_fields": [{"key": k, **v} for k, v in RESULT_FIELDS.items()],
    }


def _norm(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


_BY_NAME: dict[str, str] = {}
for _m in MEASURES.values():
    for _name in (_m.key, _m.name_en, _m.name_zh, *_m.synonyms):
        _BY_NAME.setdefault(_norm(_name), _m.key)


def measure_key(name: str) -> str | None:
    """The catalogue key whose key, zh/en name or synonym is exactly ``name`` (case and _/- ignored)."""
    return _BY_NAME.get(_norm(name))
