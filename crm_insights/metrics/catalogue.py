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
Family = Literal[
    "orders", "repeat", "gaps", "first_second", "second_within", "buyer_spend", "inactive", "feedback", "followup"
]


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
    definition_zh: str = ""  # the definition in Chinese, for zh answers (口径)


@dataclass(frozen=True)
class Dimension:
    key: str
    name_en: str
    name_zh: str
    definition: str
    synonyms: tuple[str, ...] = ()
    families: frozenset[str] = field(default_factory=frozenset)
    definition_zh: str = ""


_ORDER_FAMILIES = frozenset(
    {"orders", "repeat", "gaps", "first_second", "second_within", "buyer_spend", "inactive", "followup"}
)

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
            definition_zh="期间内订单行金额之和。",
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
            definition_zh="期间内的订单行数（CDNOW：每条购买记录为一行）。",
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
            definition_zh="订单行商品件数之和。",
        ),
        Measure(
            "buyers",
            "orders",
            "count",
            "buyers",
            "购买客户数",
            "Distinct customers with at least one order line in the period.",
            ("active customers", "purchasing customers", "买家数", "下单客户数"),
            definition_zh="期间内至少有一条订单行的不同客户数。",
        ),
        Measure(
            "new_customers",
            "orders",
            "count",
            "new customers",
            "新客户数",
            "Buyers whose first-ever order falls in the period (in the row's period for a trend).",
            ("first-time buyers", "acquired customers", "新客", "新增客户"),
            definition_zh="首次下单日期落在该期间（趋势中为该行所在期间）内的购买客户。",
        ),
        Measure(
            "returning_customers",
            "orders",
            "count",
            "returning customers",
            "老客户数",
            "Buyers in the period whose first-ever order is before the period (the row's period).",
            ("existing customers", "returning buyers", "回头客", "老客"),
            definition_zh="期间内购买、且首次下单早于该期间（趋势中为该行所在期间）的客户。",
        ),
        Measure(
            "revenue_new",
            "orders",
            "currency",
            "revenue from new customers",
            "新客户销售额",
            "Revenue of order lines by customers who are new in the period.",
            ("新客收入",),
            definition_zh="期间内新客户的订单行金额之和。",
        ),
        Measure(
            "revenue_returning",
            "orders",
            "currency",
            "revenue from returning customers",
            "老客户销售额",
            "Revenue of order lines by customers who are returning in the period.",
            ("老客收入",),
            definition_zh="期间内老客户的订单行金额之和。",
        ),
        Measure(
            "aov",
            "orders",
            "currency",
            "average order value",
            "客单价",
            "revenue / orders (per order line).",
            ("AOV", "average order", "平均订单金额", "平均客单价"),
            definition_zh="销售额 / 订单数（按订单行计）。",
        ),
        Measure(
            "units_per_order",
            "orders",
            "ratio",
            "units per order",
            "每单件数",
            "units / orders.",
            ("items per order",),
            definition_zh="件数 / 订单数。",
        ),
        Measure(
            "revenue_per_unit",
            "orders",
            "currency",
            "revenue per unit",
            "件单价",
            "revenue / units: the average price of one unit sold.",
            ("average unit price", "ASP", "平均单件价格"),
            definition_zh="销售额 / 件数：平均每件商品的价格。",
        ),
        Measure(
            "revenue_per_buyer",
            "orders",
            "currency",
            "revenue per buyer",
            "人均消费",
            "revenue / buyers.",
            ("ARPU", "spend per customer", "人均销售额"),
            definition_zh="销售额 / 购买客户数。",
        ),
        Measure(
            "orders_per_buyer",
            "orders",
            "ratio",
            "orders per buyer",
            "人均订单数",
            "orders / buyers: order lines per customer who bought in the period.",
            ("purchase frequency", "人均购买次数"),
            definition_zh="订单数（按订单行计）/ 购买客户数。",
        ),
        Measure(
            "revenue_share",
            "orders",
            "share",
            "share of revenue",
            "销售额占比",
            "A row's revenue / the revenue of all rows under the same filters (for breakdowns).",
            ("revenue contribution", "收入占比", "贡献占比"),
            definition_zh="某一行的销售额 / 相同筛选条件下所有行的销售额（用于分组）。",
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
            definition_zh=(
                "某一行的订单数（订单行）/ 相同筛选条件下所有行的订单数（用于分组，例如每个星期几占订单的比例；"
                "合计行为 1）。"
            ),
        ),
        Measure(
            "units_share",
            "orders",
            "share",
            "share of units",
            "销量占比",
            "A row's units / the units of all rows under the same filters (for breakdowns).",
            ("unit share", "件数占比"),
            definition_zh="某一行的件数 / 相同筛选条件下所有行的件数（用于分组）。",
        ),
        Measure(
            "revenue_per_day",
            "orders",
            "currency",
            "revenue per day",
            "日均销售额",
            "revenue / the number of calendar days in the row's period (within since..until); for a weekday "
            "row, the days of that weekday in it; for the weekend/workdays subtotals, the days of those weekdays.",
            ("daily revenue", "average daily revenue", "revenue a day", "每日销售额", "日均营收", "日均GMV"),
            definition_zh="销售额 / 该行期间（限于统计期间内）的自然日天数；按星期分组时为期间内该星期几的天数；"
            "周末/工作日小计为期间内这些星期几的天数。",
        ),
        Measure(
            "orders_per_day",
            "orders",
            "ratio",
            "orders per day",
            "日均订单数",
            "orders (order lines) / the number of calendar days in the row's period, counted as for revenue_per_day.",
            ("daily orders", "average daily orders", "orders a day", "每日订单数", "日均单量"),
            definition_zh="订单数（订单行）/ 该行期间的自然日天数，天数的算法同日均销售额。",
        ),
        Measure(
            "revenue_per_month",
            "orders",
            "currency",
            "revenue per month",
            "月均销售额",
            "revenue / the number of calendar months in the row's period (within since..until and the data's range); "
            "a month the period covers in part counts as its covered days / the days of that month.",
            (
                "monthly average revenue",
                "average monthly revenue",
                "revenue a month",
                "月均营收",
                "月均GMV",
                "月均收入",
                "每月平均销售额",
                "平均每月销售额",
                "平均每个月销售额",
            ),
            definition_zh="销售额 / 该行期间（限于统计期间和数据范围）的自然月数；只覆盖部分天数的月份按覆盖天数 / "
            "当月天数计。",
        ),
        Measure(
            "orders_per_month",
            "orders",
            "ratio",
            "orders per month",
            "月均订单数",
            "orders (order lines) / the number of calendar months in the row's period, counted as for "
            "revenue_per_month.",
            (
                "average monthly orders",
                "orders a month",
                "月均单量",
                "平均每月订单数",
            ),
            definition_zh="订单数（订单行）/ 该行期间的自然月数，月数的算法同月均销售额。",
        ),
        Measure(
            "units_per_month",
            "orders",
            "ratio",
            "units per month",
            "月均件数",
            "units / the number of calendar months in the row's period, counted as for revenue_per_month.",
            ("average monthly units", "units a month", "月均销量", "平均每月件数"),
            definition_zh="件数 / 该行期间的自然月数，月数的算法同月均销售额。",
        ),
        Measure(
            "revenue_annualized",
            "orders",
            "currency",
            "annualized revenue",
            "年化销售额",
            "revenue_per_day x 365: the row's revenue over the calendar days it covers (counted as for "
            "revenue_per_day), scaled to a year.",
            ("run-rate", "run rate", "annualized revenue", "annualised revenue", "年化营收", "年化收入"),
            definition_zh="日均销售额 × 365：该行销售额 / 覆盖的自然日天数（算法同日均销售额），折算为一年。",
        ),
        Measure(
            "revenue_annualized_monthly",
            "orders",
            "currency",
            "annualized monthly average",
            "月均年化销售额",
            "revenue_per_month x 12: the row's revenue per calendar month (counted as for revenue_per_month), "
            "scaled to a year; a quarter's run-rate is then its revenue x 4 and a half-year's x 2. The finance "
            "convention beside revenue_annualized (per day x 365).",
            ("monthly average x 12", "月均乘12"),
            definition_zh="月均销售额 × 12：该行销售额 / 覆盖的自然月数（算法同月均销售额），折算为一年；"
            "一个季度即其销售额 × 4，半年即 × 2。与按日折算的年化销售额（日均 × 365）并列的财务口径。",
        ),
        Measure(
            "new_customer_share",
            "orders",
            "share",
            "new-customer share",
            "新客占比",
            "new_customers / buyers: the share of the period's buyers whose first-ever order is in the period "
            "(the row's period for a trend).",
            ("share of new customers", "new customer ratio", "新客户占比", "新客比例"),
            definition_zh="新客户数 / 购买客户数：期间（趋势中为该行期间）内的购买客户中，首次下单也在该期间的占比。",
        ),
        Measure(
            "returning_customer_share",
            "orders",
            "share",
            "returning-customer share",
            "老客占比",
            "returning_customers / buyers (1 - new_customer_share over the same buyers).",
            ("share of returning customers", "returning customer ratio", "老客户占比", "老客比例"),
            definition_zh="老客户数 / 购买客户数（同一批购买客户中 1 - 新客占比）。",
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
            definition_zh=(
                "期间内有订单行的不同（客户, 日期）组合数：同一天的多条订单行算一个购买日（按客户：其购买的天数）。"
            ),
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
            definition_zh=(
                "期间内的购买客户中，在期间内有 2 个及以上不同购买日的客户占比（同一天的多条订单行算一次购买）。"
            ),
        ),
        Measure(
            "one_time_share",
            "repeat",
            "share",
            "one-time-buyer share",
            "一次性购买客户占比",
            "1 - repeat_rate over the same buyers: share with exactly one purchase day in the period.",
            ("single-purchase share", "一次性客户占比", "只买一次"),
            definition_zh="同一批购买客户中 1 - 复购率：期间内只有一个购买日的客户占比。",
        ),
        Measure(
            "repeat_customers",
            "repeat",
            "count",
            "multi-purchase buyers",
            "多次购买客户数",
            "Buyers of the period with >= 2 distinct purchase days in the period (the repeat rate's numerator).",
            ("buyers with 2+ purchase days", "repeat customers", "repeat buyers", "多次购买的客户数"),
            definition_zh="期间内有 2 个及以上不同购买日的购买客户数（复购率的分子）。",
        ),
        Measure(
            "one_time_customers",
            "repeat",
            "count",
            "one-time buyers",
            "一次性购买客户数",
            "Buyers of the period with exactly one purchase day in the period (buyers - repeat buyers).",
            ("single-purchase customers", "只买过一次的客户数"),
            definition_zh="期间内只有一个购买日的购买客户数（购买客户数 - 复购客户数）。",
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
            definition_zh=(
                "客户相邻两个购买日之间间隔天数的平均值，只计后一个购买日落在期间内的间隔（前一个可早于期间）。"
            ),
        ),
        Measure(
            "days_between_median",
            "gaps",
            "days",
            "median days between purchases",
            "购买间隔中位数（天）",
            "Median of the same gaps as days_between_mean.",
            ("中位购买间隔",),
            definition_zh="与平均购买间隔相同的间隔的中位数。",
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
            definition_zh="首次购买日落在期间内、且第二个购买日不晚于期间结束的客户，从首次到第二次购买日的平均天数。",
        ),
        Measure(
            "days_first_to_second_median",
            "first_second",
            "days",
            "median days from first to second purchase",
            "首购到复购天数中位数",
            "Median of the same first-to-second purchase gaps as days_first_to_second (whole days).",
            ("median time to second purchase",),
            definition_zh="与首购到复购天数相同的客户，从首次到第二次购买日天数的中位数。",
        ),
        Measure(
            "second_within_share",
            "second_within",
            "share",
            "share with a second purchase within N days",
            "N天内复购占比",
            "Of the customers whose first-ever purchase day is in the period, the share whose second purchase day "
            "is at most within_days days after the first (the second may fall after the period's end, up to the "
            "data's end).",
            ("second purchase within N days", "N天内二次购买占比"),
            definition_zh="首次购买日落在期间内的客户中，第二个购买日距首次购买日不超过 within_days 天的客户占比"
            "（第二次购买可晚于期间结束，以数据截止日为限）。",
        ),
        Measure(
            "second_within_customers",
            "second_within",
            "count",
            "customers with a second purchase within N days",
            "N天内复购客户数",
            "The customers of second_within_share's numerator: first-ever purchase day in the period and a second "
            "purchase day at most within_days days after it.",
            ("N天内二次购买客户数",),
            definition_zh="首次购买日落在期间内、且第二个购买日距首次购买日不超过 within_days 天的客户数。",
        ),
        Measure(
            "revenue_per_buyer_median",
            "buyer_spend",
            "currency",
            "median spend per buyer",
            "人均消费中位数",
            "Median, over the customers who bought in the period, of each one's spend in it (sum of their "
            "order-line amounts).",
            ("median spend per customer", "median revenue per customer", "客户消费中位数"),
            definition_zh="期间内下过单的客户各自在期间内的消费金额（订单行金额之和）的中位数。",
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
            definition_zh=(
                "在 `until` 当天或之前下过单、且最后一次下单距 `until` 已有 inactive_days 天及以上的客户（截至 "
                "`until` 的快照；`since` 不适用）。"
            ),
        ),
        Measure(
            "days_since_last_mean",
            "inactive",
            "days",
            "mean days since last purchase",
            "平均距上次购买天数",
            "Mean days from each customer's last order on or before `until` to `until`, over the customers counted "
            "(with inactive_days: the inactive ones; else every customer who had ordered by `until`).",
            ("average recency", "days since last order", "平均多久没买", "平均多少天没买"),
            definition_zh=(
                "每位客户最后一次下单（`until` 当天或之前）到 `until` 的天数的平均值；"
                "给了 inactive_days 时只算沉睡客户，否则算截至 `until` 下过单的全部客户。"
            ),
        ),
        Measure(
            "feedback_count",
            "feedback",
            "count",
            "feedback count",
            "反馈条数",
            "Number of feedback texts created in the period.",
            ("reviews", "评价数", "评论数"),
            definition_zh="期间内创建的反馈条数。",
        ),
        Measure(
            "positive_share",
            "feedback",
            "share",
            "positive share",
            "正面占比",
            "Share of scored feedback labelled positive.",
            ("好评率", "正面评价占比"),
            definition_zh="已打分反馈中标为正面的占比。",
        ),
        Measure(
            "neutral_share",
            "feedback",
            "share",
            "neutral share",
            "中性占比",
            "Share of scored feedback labelled neutral.",
            ("中性评价占比",),
            definition_zh="已打分反馈中标为中性的占比。",
        ),
        Measure(
            "negative_share",
            "feedback",
            "share",
            "negative share",
            "负面占比",
            "Share of scored feedback labelled negative.",
            ("差评率", "负面评价占比", "complaint share"),
            definition_zh="已打分反馈中标为负面的占比。",
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
            definition_zh=(
                "首条负面反馈（期间内）日期落在该行的客户中，在该反馈之后（严格晚于）又下过单的客户占比"
                "（计入库中任何后续订单）。"
            ),
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
            definition_zh="下单时间的 ISO 星期几（1 = 周一 …… 7 = 周日）。",
        ),
        Dimension(
            "segment",
            "segment",
            "客户分群",
            "The customer's segment in the latest segmentation model.",
            ("cluster", "分群", "客群"),
            frozenset(_ORDER_FAMILIES | {"feedback"}),
            definition_zh="客户在最新分群模型中的分群。",
        ),
        Dimension(
            "sentiment",
            "sentiment label",
            "情感",
            "The feedback's sentiment label.",
            ("情感标签", "好评差评"),
            frozenset({"feedback"}),
            definition_zh="反馈的情感标签。",
        ),
        Dimension(
            "customer_type",
            "new vs returning",
            "新老客户",
            "'new' when the customer's first-ever order is in the row's period, else 'returning'.",
            ("new or returning", "新客老客"),
            frozenset({"orders"}),
            definition_zh="客户首次下单在该行期间内为“新客户”，否则为“老客户”。",
        ),
        Dimension(
            "cohort",
            "cohort (first-order month)",
            "首购月份队列",
            "Month of the customer's first-ever order ('YYYY-MM').",
            ("acquisition month", "同期群"),
            frozenset({"orders", "repeat", "gaps", "inactive"}),
            definition_zh="客户首次下单的月份（'YYYY-MM'）。",
        ),
        Dimension(
            "customer",
            "customer (external id)",
            "客户",
            "One row per customer, keyed by the customer's external id; rows are ranked by the first "
            "measure (sort, default 'desc') and cut to `limit` (default 10, at most 100). No grain.",
            ("per customer", "by customer", "top customers", "按客户", "每个客户"),
            frozenset({"orders", "repeat"}),
            definition_zh=(
                "每位客户一行，以客户外部编号为键；按第一个指标排序（sort，默认降序），取前 `limit` 位（默认 10，"
                "最多 100）。不能按时间粒度。"
            ),
        ),
    )
}

# group_by customer is a ranking, never a full listing: the default and the most rows it returns.
CUSTOMER_LIMIT_DEFAULT = 10
CUSTOMER_LIMIT_MAX = 100
# second_within_share: the longest first-to-second purchase window one may ask about (ten years)
WITHIN_DAYS_MAX = 3650

# Measures divided by calendar days (the row's period; a weekday's days for a weekday row).
PER_DAY_MEASURES = frozenset(
    {
        "revenue_per_day",
        "orders_per_day",
        "revenue_per_month",
        "orders_per_month",
        "units_per_month",
        "revenue_annualized",
        "revenue_annualized_monthly",
    }
)
# Measures that are sums or counts, so an amount-filtered figure is a part of the unfiltered one and
# `share_of_all` (filtered / unfiltered, same period) means "what share of all orders/revenue ...".
SHARE_OF_ALL_MEASURES = (
    frozenset(
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
    | PER_DAY_MEASURES
)  # per-day figures divide by the same days with and without the amount filter

# Of those, the ones divided by calendar months (a partly covered month counts as its share of days).
PER_MONTH_MEASURES = frozenset(
    {"revenue_per_month", "orders_per_month", "units_per_month", "revenue_annualized_monthly"}
)
# A row's part of the breakdown's total: rows' shares add up.
ROW_SHARE_MEASURES = frozenset({"revenue_share", "orders_share", "units_share"})
# The weekday subtotals a weekday breakdown carries: ISO weekdays of each part.
WEEK_PARTS: dict[str, tuple[int, ...]] = {"weekend": (6, 7), "workdays": (1, 2, 3, 4, 5)}

# Fields a result carries besides its measures, defined once for the tool's notes and the catalogue.
RESULT_FIELDS: dict[str, dict[str, str]] = {
    "total_unfiltered": {
        "name_en": "total without the amount filter",
        "name_zh": "不含金额条件的总计",
        "definition": "With min_amount/max_amount: the same measures for the same period and the other filters, "
        "without the amount filter (totals only).",
        "definition_zh": "有金额条件（min_amount/max_amount）时：相同期间、其他筛选条件不变、去掉金额条件后的同一指标"
        "（仅合计）。",
    },
    "share_of_all": {
        "name_en": "share of all",
        "name_zh": "占全部的比例",
        "definition": "With min_amount/max_amount: total / total_unfiltered for sums and counts (e.g. orders over "
        "100 as a share of all orders in the period); ratios such as aov have none.",
        "definition_zh": "有金额条件时：合计 / 不含金额条件的总计，仅适用于求和与计数指标"
        "（例如金额超过 100 的订单占期间内全部订单的比例）；客单价等比值指标没有此项。",
    },
    "subtotals": {
        "name_en": "weekend and workday subtotals",
        "name_zh": "周末与工作日小计",
        "definition": "With group_by weekday: {'weekend': {measure: value}, 'workdays': {...}} over Saturday+Sunday "
        "and Monday-Friday: sums and counts are summed, a row share is the sum of the rows' shares, ratios of sums "
        "(aov, feedback shares) are recomputed from the summed parts, per-day measures divide by the days of those "
        "weekdays in the period; distinct counts (buyers, new customers, repeat rate ...) have none.",
        "definition_zh": "按星期分组时：周末（周六、周日）与工作日（周一至周五）的小计。求和与计数直接相加，"
        "行占比为各行占比之和，客单价、反馈占比等比值由相加后的分子分母重新计算，日均指标除以期间内这些星期几的天数；"
        "去重计数（购买客户数、新客户数、复购率等）没有小计。",
    },
    "ranked_total": {
        "name_en": "total of the listed customers",
        "name_zh": "所列客户合计",
        "definition": "With group_by customer: each sum or count (and row share) added up over the customers listed "
        "(the top `limit`).",
        "definition_zh": "按客户排名时：所列客户（前 `limit` 位）的求和与计数指标（及行占比）之和。",
    },
    "ranked_share": {
        "name_en": "listed customers' share of all customers",
        "name_zh": "所列客户占全部客户的比例",
        "definition": "With group_by customer: ranked_total / the same measure over all customers under the same "
        "filters and period.",
        "definition_zh": "按客户排名时：所列客户合计 / 相同筛选条件和期间下全部客户的同一指标。",
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
                "definition_zh": m.definition_zh,
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
                "definition_zh": d.definition_zh,
                "synonyms": list(d.synonyms),
            }
            for d in DIMENSIONS.values()
        ],
        "grains": list(GRAINS),
        "result_fields": [{"key": k, **v} for k, v in RESULT_FIELDS.items()],
    }


def _norm(text: str) -> str:
    return " ".join(text.strip().lower().replace("_", " ").replace("-", " ").split())


# A key is itself before it is anyone's synonym ("new_customers" is that measure whatever another's synonyms say).
_BY_NAME: dict[str, str] = {_norm(_m.key): _m.key for _m in MEASURES.values()}
for _m in MEASURES.values():
    for _name in (_m.name_en, _m.name_zh, *_m.synonyms):
        _BY_NAME.setdefault(_norm(_name), _m.key)


def measure_key(name: str) -> str | None:
    """The catalogue key whose key, zh/en name or synonym is exactly ``name`` (case and _/- ignored)."""
    return _BY_NAME.get(_norm(name))
