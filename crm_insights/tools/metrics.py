"""Metric tools over the governed metrics layer: metric_query, cohort_retention, feedback_followup.

The tools resolve what the user named (dates, a segment, customers) and leave the SQL to
:mod:`crm_insights.metrics`. Every result states its period and the definitions it used; bad input
(an unknown measure, reversed dates, a period outside the data) is a tool error naming the valid
options or the data's date range, never a guess. Charts: :func:`register_charts` adds renderers to
``crm_insights.charts.RENDERERS`` (a line chart for a trend, bars for a breakdown or a comparison).
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field

from crm_insights.background import training_message
from crm_insights.errors import InputError, NotReadyError
from crm_insights.metrics import (
    CUSTOMER_LIMIT_DEFAULT,
    CUSTOMER_LIMIT_MAX,
    DIMENSIONS,
    GRAINS,
    MEASURES,
    PER_DAY_MEASURES,
    SHARE_OF_ALL_MEASURES,
    WEEKDAYS,
    WITHIN_DAYS_MAX,
    CustomerFilter,
    MetricRequest,
    cohort_matrix,
    cohort_window,
    data_range,
    derive,
    families,
    feedback_totals,
    measure_key,
    run,
    segment_assignment_count,
    top_share_of_spenders,
    with_days,
)
from crm_insights.tools.common import (
    OptCustomersArg,
    OptSegmentArg,
    SinceArg,
    ToolArgs,
    UntilArg,
    _blank_to_none,
    _sentiment_alias,
    as_list,
    crm_tool,
    ctx,
    parse_day,
    resolve,
    resolve_segment,
    result,
)
from crm_insights.tools.context import ToolContext

# Measures over sentiment labels: without any scored feedback they would be empty, not zero.
_LABEL_MEASURES = frozenset({"positive_share", "neutral_share", "negative_share", "repurchase_after_negative"})
_NOT_SCORED = "no stored feedback has a sentiment label yet; run `crm-insights sentiment score`"

# A breakdown longer than this stops being readable in a chat answer; `limit` keeps the top rows.


def _lower(value: Any) -> Any:
    value = _blank_to_none(value)
    return value.strip().lower() if isinstance(value, str) else value


Grain = Literal["day", "week", "month", "quarter", "year"]
GroupBy = Literal[
    "weekday", "segment", "sentiment", "customer_type", "cohort", "customer", "purchase_count", "spend_band",
    "amount_band",
]  # fmt: skip
# group_by "purchase_count": bands of customers by their purchase days in the period (1, 2, ..., N or more).
PURCHASE_BANDS_DEFAULT = 3
PURCHASE_BANDS_MAX = 10
# group_by "spend_band" / "amount_band": customers by their spend in the period, order lines by their amount,
# in bands from band_starts (each band from its start up to the next start, the last one open).
AMOUNT_BANDED = ("spend_band", "amount_band")


class MetricQueryArgs(ToolArgs):
    measures: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=40)]],
        BeforeValidator(as_list),
        Field(
            min_length=1,
            max_length=8,
            description="Measure keys (1-8), e.g. ['revenue'] or ['orders', 'aov']. Valid: "
            + ", ".join(MEASURES)
            + ".",
        ),
    ]
    grain: Annotated[
        Grain | None,
        BeforeValidator(_lower),
        Field(None, description="Trend grain: day, week, month, quarter or year. Omit for one total per group."),
    ]
    group_by: Annotated[
        GroupBy | None,
        BeforeValidator(_lower),
        Field(
            None,
            description="Break down by: weekday, segment (all segments side by side), sentiment, customer_type "
            "(new vs returning), cohort (month of the first order) or customer (top customers by the first "
            f"measure, keyed by external id; limit defaults to {CUSTOMER_LIMIT_DEFAULT}, at most "
            f"{CUSTOMER_LIMIT_MAX}; no grain) or purchase_count (customers banded by their purchase days in the "
            "period: 1, 2, ..., purchase_bands or more; '买过1次、2次、3次及以上的各多少人' -> measures ['buyers'], "
            "group_by 'purchase_count', purchase_bands 3; no grain, no comparison) or spend_band (customers banded "
            "by their spend in the period at band_starts: '累计消费500以上、100-500、100以下各多少人' -> measures "
            "['buyers'], group_by 'spend_band', band_starts [0, 100, 500]) or amount_band (order lines banded by "
            "their amount at band_starts: 'orders under $20, $20-50, $50+' -> measures ['orders'], band_starts "
            "[0, 20, 50]). The others combine with grain.",
        ),
    ]
    since: SinceArg
    until: UntilArg
    segment: OptSegmentArg
    customers: OptCustomersArg
    min_amount: float | None = Field(
        None, description="Only order lines with amount >= this (> this with amount_strict: 'orders over 100')."
    )
    max_amount: float | None = Field(None, description="Only order lines with amount <= this.")
    amount_strict: bool = Field(
        False,
        description="True: min_amount / max_amount exclude the bound itself ('over 100' = amount > 100, 'under 10' "
        "= amount < 10); false (default): include it ('100 or more', '100元以上', 'at least 100').",
    )
    sentiment: Annotated[
        Literal["positive", "neutral", "negative"] | None,
        BeforeValidator(_sentiment_alias),
        Field(None, description="Only feedback with this label (feedback measures only)."),
    ]
    inactive_days: int | None = Field(
        None,
        ge=1,
        le=3650,
        description="N days without an order as of `until`. For inactive_customers: the count of those customers. "
        "With any other measure: only those customers count ('90天没买的客户以前人均花了多少' -> measures "
        "['inactive_customers', 'revenue_per_buyer'], inactive_days 90, the whole data as the period).",
    )
    within_days: int | None = Field(
        None,
        ge=1,
        le=WITHIN_DAYS_MAX,
        description="For second_within_share / second_within_customers: the most days from a customer's first "
        "purchase day to the second ('Jan 97 cohort: what % bought again within 90 days of their first' -> "
        "measures ['second_within_share'], within_days 90, since/until 1997-01).",
    )
    min_purchases: int | None = Field(
        None,
        ge=1,
        le=10000,
        description="Only customers with at least this many purchase days (distinct days with an order) in the "
        "period: '买过3次及以上的客户' -> min_purchases 3; 'one-time customers' -> min_purchases 1, max_purchases 1.",
    )
    max_purchases: int | None = Field(
        None, ge=1, le=10000, description="Only customers with at most this many purchase days in the period."
    )
    bought_since: Annotated[
        str | None,
        BeforeValidator(_blank_to_none),
        Field(None, description="With bought_until: only customers who also ordered in that window."),
    ]
    bought_until: Annotated[
        str | None, BeforeValidator(_blank_to_none), Field(None, description="The bought window's end, inclusive.")
    ]
    not_bought_since: Annotated[
        str | None,
        BeforeValidator(_blank_to_none),
        Field(
            None,
            description="With not_bought_until: only customers with no order in that window ('去年买过、今年没买的"
            "客户' -> measures ['buyers'], since/until '1997', not_bought_since/until '1998').",
        ),
    ]
    not_bought_until: Annotated[
        str | None,
        BeforeValidator(_blank_to_none),
        Field(None, description="The not_bought window's end, inclusive."),
    ]
    top_share: float | None = Field(
        None,
        gt=0,
        le=1,
        description="Only the top fraction of the period's customers by their spend in it (0.1 = the top 10%, "
        "round(n x share) customers): 'top 10% 客户贡献了多少收入' -> measures ['buyers', 'revenue'], top_share "
        "0.1; read share_of_all.",
    )
    top_customers: int | None = Field(
        None,
        ge=1,
        le=1000,
        description="Only the top N customers by their spend (over filter_since/filter_until, else the period): "
        "'消费排前二十的客户今年还有几个在买' -> measures ['buyers'], top_customers 20, filter window all data, "
        "period 1998. Not for listing the top customers (group_by 'customer').",
    )
    top_rest: bool = Field(
        False,
        description="With top_share or top_customers: the customers outside that top group instead ('Their AOV "
        "compared to the other 90%' -> the same call again with top_rest true).",
    )
    customers_share: bool = Field(
        False,
        description="With buyers and no customer filter: also the buyers' share of every customer who had ordered "
        "by `until` (result customers_share): '今年下过单的客户占全部客户多少' -> measures ['buyers'], "
        "customers_share true.",
    )
    filter_since: Annotated[
        str | None,
        BeforeValidator(_blank_to_none),
        Field(
            None,
            description="The window the customer conditions (min/max_purchases, min/max_customer_spend, top_share, "
            "and inactive_days with other measures: as of its end) are read over; default the period. 'Of the "
            "customers who spent 500+ in total, how many bought in 1998' -> measures ['buyers'], since/until "
            "'1998', min_customer_spend 500, filter_since/until the whole data.",
        ),
    ]
    filter_until: Annotated[
        str | None, BeforeValidator(_blank_to_none), Field(None, description="The filter window's end, inclusive.")
    ]
    purchase_bands: int | None = Field(
        None,
        ge=2,
        le=PURCHASE_BANDS_MAX,
        description=f"group_by 'purchase_count' only: the last band, N or more purchase days (default "
        f"{PURCHASE_BANDS_DEFAULT}).",
    )
    purchase_band_starts: list[int] | None = Field(
        None,
        description="group_by 'purchase_count' only, instead of purchase_bands: each band's first purchase-day count, "
        "ascending from 1; the last band is open ('1次、2次、3-5次、6次及以上' -> [1, 2, 3, 6]).",
    )
    band_starts: list[float] | None = Field(
        None,
        description="group_by 'spend_band' or 'amount_band' only (and needed there): each band's lowest amount, "
        "ascending from 0; a band runs from its start up to (not including) the next start, the last one is open.",
    )
    compare: Annotated[
        Literal["previous", "year", "both"] | None,
        BeforeValidator(_lower),
        Field(
            None,
            description="Compare with the previous period of equal length ('previous'; whole months compare with "
            "the same number of months before), the same period a year earlier ('year'; a Monday-Sunday week: "
            "the same week 52 weeks earlier), or both ('both': 'MoM and YoY', '环比和同比分别'; the year-earlier "
            "comparison is then in compare_year).",
        ),
    ]
    compare_since: Annotated[
        str | None,
        BeforeValidator(_blank_to_none),
        Field(None, description="The other period's start (any two periods)."),
    ]
    compare_until: Annotated[
        str | None, BeforeValidator(_blank_to_none), Field(None, description="The other period's end, inclusive.")
    ]
    sort: Annotated[
        Literal["asc", "desc"] | None,
        BeforeValidator(_lower),
        Field(None, description="Rank rows by the first measure: 'desc' for the best first (e.g. the best day)."),
    ]
    limit: int | None = Field(None, ge=1, le=1000, description="Keep only the first N rows (after sort).")
    min_customer_spend: float | None = Field(
        None,
        description="Only customers whose spend in the period (sum of their order-line amounts) is >= this: "
        "'customers who spent over 1000 in 1997' -> measures ['buyers', 'revenue'], min_customer_spend 1000; "
        "the result's share_of_all compares with all customers.",
    )
    max_customer_spend: float | None = Field(None, description="Only customers whose spend in the period is <= this.")
    customer_spend_strict: bool = Field(
        False,
        description="True: min/max_customer_spend exclude the bound itself ('spent over 1000' = spend > 1000, "
        "'under 50' = spend < 50); False (default): '1000 or more', '1000以上'.",
    )
    change_by_row: bool = Field(
        False,
        description="With grain: each row also gets its change from the row before (month over month in a monthly "
        "trend, quarter over quarter in a quarterly one; the first row against the period just before it) and the "
        "result names the biggest rise and fall: '98年每月销售额环比', 'which month fell most MoM'.",
    )
    having: Annotated[
        Annotated[str, Field(max_length=40)] | None,
        BeforeValidator(_blank_to_none),
        Field(
            None,
            description="Keep only the rows (periods of a trend, groups of a breakdown) whose first measure passes "
            "this test: '>100', '>=100000', '<50', '<=0.3' (a share as a fraction or '30%'). 'Months with more "
            "than 100 orders in 1997' -> measures ['orders'], grain 'month', since/until '1997', having '>100'; the "
            "result's having says how many rows passed of how many. Needs grain or group_by.",
        ),
    ]


# -- periods ----------------------------------------------------------------------------------------


def _shift_year(d: date, years: int) -> date:
    """The same day ``years`` later, month ends kept as month ends (1996-02-29 -> 1995-02-28)."""
    last = calendar.monthrange(d.year, d.month)[1]
    y = d.year + years
    new_last = calendar.monthrange(y, d.month)[1]
    return date(y, d.month, new_last if d.day == last else min(d.day, new_last))


def _months_back(d: date, months: int) -> date:
    idx = d.year * 12 + d.month - 1 - months
    return date(idx // 12, idx % 12 + 1, 1)


# A filtered group this small is listed by name in the result ("members").
GROUP_MEMBERS_MAX = 10


def previous_period(since: date, until: date) -> tuple[date, date]:
    """The period just before: as many whole months when the period is whole months, else as many days."""
    after = until + timedelta(days=1)
    if since.day == 1 and after.day == 1:
        months = (after.year * 12 + after.month) - (since.year * 12 + since.month)
        return _months_back(since, months), since - timedelta(days=1)
    days = (until - since).days
    prev_until = since - timedelta(days=1)
    return prev_until - timedelta(days=days), prev_until


def year_earlier(since: date, until: date) -> tuple[date, date]:
    """The same period a year earlier; a Monday-to-Sunday week is the same week 52 weeks earlier (the same weekdays:
    retail's comparable week), any other period the same calendar days."""
    if since.weekday() == 0 and (until - since).days == 6:
        return since - timedelta(weeks=52), until - timedelta(weeks=52)
    return _shift_year(since, -1), _shift_year(until, -1)


def _bounds(context: ToolContext, measures: list[str]) -> tuple[date | None, date | None, str]:
    """The data's first and last day for these measures (feedback-only queries use the feedback dates)."""
    with context.engine.connect() as conn:
        ranges = data_range(conn)
    fams = families(measures)
    which = "feedback" if all(f == "feedback" for f in fams) else "orders"
    lo, hi = ranges[which]
    if which == "orders" and ("feedback" in fams or "followup" in fams):
        flo, fhi = ranges["feedback"]
        lo = min((d for d in (lo, flo) if d), default=None)
        hi = max((d for d in (hi, fhi) if d), default=None)
        which = "orders and feedback"
    return lo, hi, which


_WHICH_ZH = {"orders": "订单", "feedback": "反馈", "orders and feedback": "订单和反馈"}


def resolve_period(
    context: ToolContext,
    measures: list[str],
    since: str | None,
    until: str | None,
    notes_zh: list[str] | None = None,
) -> tuple[date, date, tuple[date, date], list[str]]:
    """(since, until, data range, notes): defaults from the data; InputError for a period outside it.
    ``notes_zh``, when given, gets the same notes in Chinese."""
    lo, hi, which = _bounds(context, measures)
    if lo is None or hi is None:
        raise InputError(
            f"the store has no {which} yet; import some (`crm-insights import`) or run `crm-insights demo`"
        )
    given_start, given_stop = parse_day(since, "since"), parse_day(until, "until", end=True)
    if given_start and given_stop and given_start > given_stop:
        raise InputError(f"since ({given_start}) is after until ({given_stop})")
    start, stop = given_start or lo, given_stop or hi
    if start > stop:  # one bound given, beyond the other end of the data
        raise InputError(f"the period from {start} to {stop} is empty: {which} run from {lo} to {hi}")
    if stop < lo or start > hi:
        raise InputError(f"the period {start} to {stop} is outside the data: {which} run from {lo} to {hi}")
    notes = []
    if start < lo or stop > hi:
        notes.append(f"the data ({which}) runs from {lo} to {hi}; days outside it count as empty")
        if notes_zh is not None:
            notes_zh.append(f"数据（{_WHICH_ZH.get(which, which)}）从 {lo} 到 {hi}；范围之外的日子按没有数据计")
    return start, stop, (lo, hi), notes


# -- naming rows ------------------------------------------------------------------------------------


def _segment_names(context: ToolContext) -> dict[int, dict[str, Any]]:
    try:
        return {int(s["segment"]): s for s in context.segments.segments()}
    except Exception:  # names are a courtesy; the ids stand on their own
        return {}


def _name_rows(rows: list[dict[str, Any]], group_by: str | None, seg_names: dict[int, dict[str, Any]]) -> None:
    for row in rows:
        if group_by == "segment" and row.get("segment") is not None:
            info = seg_names.get(int(row["segment"]), {})
            row["segment_name_zh"] = info.get("name_zh")
            row["segment_name_en"] = info.get("name_en")
        elif group_by == "weekday" and row.get("weekday") is not None:
            en, zh = WEEKDAYS[int(row["weekday"])]
            row["weekday_name_en"], row["weekday_name_zh"] = en, zh


def _change(now: Any, before: Any) -> tuple[float | None, float | None]:
    if now is None or before is None:
        return None, None
    diff = float(now) - float(before)
    return diff, (diff / float(before) if float(before) else None)


def _ratio(now: Any, other: Any) -> float | None:
    """this / other (None when either is missing or other is 0)."""
    if now is None or other is None or not float(other):
        return None
    return float(now) / float(other)


def _group_key(row: dict[str, Any], group_by: str | None) -> Any:
    return row.get(group_by) if group_by else None


# -- the tool ---------------------------------------------------------------------------------------


@crm_tool(MetricQueryArgs)
def metric_query(
    measures: list[str],
    grain: str | None = None,
    group_by: str | None = None,
    since: str | None = None,
    until: str | None = None,
    segment: str | None = None,
    customers: list[str] | None = None,
    min_amount: float | None = None,
    max_amount: float | None = None,
    amount_strict: bool = False,
    sentiment: str | None = None,
    inactive_days: int | None = None,
    within_days: int | None = None,
    compare: str | None = None,
    compare_since: str | None = None,
    compare_until: str | None = None,
    sort: str | None = None,
    limit: int | None = None,
    min_customer_spend: float | None = None,
    max_customer_spend: float | None = None,
    customer_spend_strict: bool = False,
    change_by_row: bool = False,
    having: str | None = None,
    min_purchases: int | None = None,
    max_purchases: int | None = None,
    bought_since: str | None = None,
    bought_until: str | None = None,
    not_bought_since: str | None = None,
    not_bought_until: str | None = None,
    top_share: float | None = None,
    top_customers: int | None = None,
    top_rest: bool = False,
    customers_share: bool = False,
    purchase_bands: int | None = None,
    purchase_band_starts: list[int] | None = None,
    band_starts: list[float] | None = None,
    filter_since: str | None = None,
    filter_until: str | None = None,
) -> dict[str, Any]:
    """Business metrics over orders and feedback for any period: totals, trends, breakdowns and comparisons.
    Returns rows, totals, the exact period used and the definitions behind each figure.

    Measures: revenue (GMV, 销售额), orders (order lines, 订单数), units, buyers (购买客户数), new_customers
    (first-ever order in the period, 新客户), returning_customers (老客户), revenue_new, revenue_returning,
    aov (average order value, 客单价), units_per_order, revenue_per_unit (件单价), revenue_per_buyer (人均消费),
    revenue_per_day /
    orders_per_day (日均销售额 / 日均订单数: over the calendar days of the row's period, a weekday row's days
    of that weekday), new_customer_share / returning_customer_share (新客占比 / 老客占比 of buyers), revenue_share /
    orders_share / units_share (a row's share of the total, for breakdowns: one segment's share of
    revenue, each weekday's share of orders), purchase_days (distinct customer-days), repeat_rate (share of
    buyers with >= 2 purchase days in the period, 复购率), one_time_share (一次性购买客户占比),
    days_between_mean / days_between_median (days between purchases, 购买间隔), days_first_to_second,
    second_within_share / second_within_customers (needs within_days: of the customers whose first-ever purchase
    is in the period, the share / number whose second purchase came within N days of the first, N天内复购),
    revenue_per_buyer_median (人均消费中位数: the median of the buyers' own spends in the period),
    inactive_customers (needs inactive_days: customers with no order for >= N days as of `until`),
    days_since_last_mean (平均多久没买: mean days since the last order as of `until`, over the inactive customers
    with inactive_days, else every customer who had ordered), feedback_count, positive_share, neutral_share,
    negative_share, repurchase_after_negative (share of customers with negative feedback who ordered again after it).

    Use it with grain for trends ("revenue month by month", "每月新客户数", "quarterly AOV"); group_by for
    breakdowns (segment side by side, weekday, sentiment, customer_type = new vs returning, cohort =
    first-order month); since/until for one year, quarter or month ("1997年的销售额" -> since '1997',
    until '1997'; "Q1 1998" -> since '1998-01', until '1998-03'); compare='previous' for month over month
    or quarter over quarter, compare='year' for the same period a year earlier, or compare_since /
    compare_until for any other period (absolute and % change); min_amount / max_amount for orders over
    or under an amount (0 is a real bound: min_amount=0, max_amount=0 counts zero-amount orders); with an
    amount filter the result also has total_unfiltered (same measures and period without it) and
    share_of_all ("金额超过100的订单占全部订单多少" -> measures ['orders'], min_amount 100: read
    share_of_all.orders); group_by='weekday' with orders_share for "周末的订单占多少" (add the Saturday
    and Sunday rows); sort='desc' with limit=1 for "the best day/weekday". group_by='customer' ranks
    customers by the first measure ("top 5 customers by revenue in 1998" -> measures ['revenue'],
    group_by 'customer', since/until '1998', limit 5): rows keyed by external id, sort defaults to
    'desc', limit defaults to 10 and is at most 100, no grain. "Now" is the last order date in the data.
    Not for one customer's history (customer_profile) or forecasts of future purchases.

    Result (data): measure, measures, period {since, until}, grain, group_by, rows (keys + one value per
    measure; weekday rows add weekday_name_zh/en, segment rows segment_name_zh/en; with a comparison and a
    group_by, each row adds compare and change_pct), total, filters, unit, names, data_range, notes (English
    definitions) and notes_zh (the same in Chinese). With min_amount/max_amount: total_unfiltered and
    share_of_all (else null). With group_by 'weekday': subtotals {weekend: {measure: value}, workdays: {...}}
    (sums, row shares summed, per-day measures over those weekdays' days; none for distinct counts such as
    buyers). With group_by 'customer': ranked_total {measure: sum over the listed customers} and ranked_share
    {measure: ranked_total / the same measure over all customers under the same filters and period} (sums and
    counts). With compare/compare_since: compare {period, total, total_unfiltered, share_of_all, change,
    change_pct, ratio (this period / the other, e.g. 1998 as a share of the whole data), subtotals,
    ranked_total, rows}; with compare='both', compare is the previous period and compare_year (same keys) the
    same period a year earlier.
    """
    context = ctx()
    asked = list(measures)
    # Exact catalogue names only ("GMV", "客单价", "repeat rate"); anything else is refused, never guessed.
    measures = [measure_key(m) or m.strip() for m in asked]
    unknown = [m for m in measures if m not in MEASURES]
    if unknown:
        raise InputError(f"unknown measure(s) {', '.join(map(repr, unknown))}; valid measures: {', '.join(MEASURES)}")
    if set(measures) & _LABEL_MEASURES:
        # While the background runner scores the stored feedback, labels are partial: no figure from them yet.
        if busy := training_message(context.settings, "sentiment"):
            raise NotReadyError(busy)
        with context.engine.connect() as conn:
            if not feedback_totals(conn)["scored"]:
                raise NotReadyError(_NOT_SCORED)
    notes_zh: list[str] = []
    row_test = parse_having(having, measures[0]) if having is not None else None
    if change_by_row and not grain:
        raise InputError("change_by_row compares each row of a trend with the one before: give grain")
    if row_test is not None and not grain and not group_by:
        raise InputError(f"having ({having!r}) filters the rows of a trend or a breakdown: give grain or group_by")
    start, stop, bounds, notes = resolve_period(context, measures, since, until, notes_zh)
    if (compare_since is None) != (compare_until is None):
        raise InputError("give both compare_since and compare_until for a comparison with another period")
    if compare is not None and compare_since is not None:
        raise InputError("give either compare ('previous', 'year' or 'both') or compare_since/compare_until, not both")
    args: dict[str, Any] = {
        "measures": measures,
        "grain": grain,
        "group_by": group_by,
        "since": start,
        "until": stop,
        "segment": segment,
        "customers": customers,
        "min_amount": min_amount,
        "max_amount": max_amount,
        "amount_strict": amount_strict or None,
        "sentiment": sentiment,
        "inactive_days": inactive_days,
        "within_days": within_days,
        "compare": compare,
        "compare_since": compare_since,
        "compare_until": compare_until,
        "sort": sort,
        "limit": limit,
        "min_customer_spend": min_customer_spend,
        "max_customer_spend": max_customer_spend,
        "customer_spend_strict": customer_spend_strict or None,
        "change_by_row": change_by_row or None,
        "having": having,
        "min_purchases": min_purchases,
        "max_purchases": max_purchases,
        "bought_since": bought_since,
        "bought_until": bought_until,
        "not_bought_since": not_bought_since,
        "not_bought_until": not_bought_until,
        "top_share": top_share,
        "top_customers": top_customers,
        "customers_share": customers_share or None,
        "top_rest": top_rest or None,
        "purchase_bands": purchase_bands,
        "purchase_band_starts": purchase_band_starts,
        "band_starts": band_starts,
        "filter_since": filter_since,
        "filter_until": filter_until,
    }
    amount_banded = group_by in AMOUNT_BANDED
    banded = group_by == "purchase_count" or amount_banded
    if band_starts is not None and not amount_banded:
        raise InputError("band_starts apply to group_by 'spend_band' or 'amount_band' only")
    if amount_banded:
        cuts = list(band_starts or [])
        if len(cuts) < 2 or cuts[0] < 0 or any(b <= a for a, b in zip(cuts, cuts[1:], strict=False)):
            raise InputError(
                f"group_by {group_by!r} needs band_starts rising from 0 with at least two bands, e.g. [0, 100, 500]; "
                f"got {band_starts}"
            )
        if len(cuts) > PURCHASE_BANDS_MAX:
            raise InputError(f"at most {PURCHASE_BANDS_MAX} bands; got {len(cuts)}")
    if group_by == "amount_band" and (min_amount is not None or max_amount is not None):
        raise InputError("group_by 'amount_band' bands the order lines by amount; drop min_amount / max_amount")
    if (purchase_bands is not None or purchase_band_starts is not None) and group_by != "purchase_count":
        raise InputError("purchase_bands and purchase_band_starts apply to group_by 'purchase_count' only")
    if purchase_band_starts is not None:
        starts = list(purchase_band_starts)
        if purchase_bands is not None:
            raise InputError("give purchase_bands or purchase_band_starts, not both")
        if not starts or starts[0] != 1 or any(b <= a for a, b in zip(starts, starts[1:], strict=False)):
            raise InputError(f"purchase_band_starts must rise from 1, e.g. [1, 2, 3, 6]; got {starts}")
        if len(starts) > PURCHASE_BANDS_MAX:
            raise InputError(f"at most {PURCHASE_BANDS_MAX} purchase bands; got {len(starts)}")
    if banded and grain:
        raise InputError(f"group_by {group_by!r} bands the customers or orders of one period; drop grain")
    if banded and (compare is not None or compare_since is not None or change_by_row):
        raise InputError(f"group_by {group_by!r} takes no comparison; ask each period on its own")
    if min_purchases is not None and max_purchases is not None and min_purchases > max_purchases:
        raise InputError(f"min_purchases ({min_purchases}) is above max_purchases ({max_purchases})")
    window = _window(filter_since, filter_until, "filter", bounds)
    cfilter = CustomerFilter(
        min_purchases=min_purchases,
        max_purchases=max_purchases,
        min_spend=min_customer_spend,
        max_spend=max_customer_spend,
        spend_strict=customer_spend_strict,
        window=window,
        # inactive_days counts inactive customers as a measure, and narrows every other measure to them
        inactive_days=inactive_days if any(m != "inactive_customers" for m in measures) else None,
        bought=_window(bought_since, bought_until, "bought", bounds),
        not_bought=_window(not_bought_since, not_bought_until, "not_bought", bounds),
    )
    filters: dict[str, Any] = {}
    seg_id: int | None = None
    seg_version: str | None = None
    extra: dict[str, Any] = {}
    if segment is not None or group_by == "segment":
        model = context.segments
        seg_version = str(model.version)
        extra["segment_model_version"] = seg_version
        with context.engine.connect() as conn:
            if not segment_assignment_count(conn, seg_version):
                raise InputError(
                    f"segment model {seg_version} has no stored assignments in this store; "
                    "run `crm-insights train segments` against it"
                )
        if segment is not None:
            _, info = resolve_segment(context, segment)
            seg_id = int(info["segment"])
            filters["segment"] = {"segment": seg_id, "name_en": info.get("name_en"), "name_zh": info.get("name_zh")}
    pks: list[int] | None = None
    if customers:
        resolved = [resolve(context, c) for c in customers]
        pks = [r.pk for r in resolved]
        filters["customers"] = [r.external_id for r in resolved]
        args["resolved_customers"] = filters["customers"]
    named_pks = pks
    if top_share is not None and top_customers is not None:
        raise InputError("give top_share or top_customers, not both")
    if top_customers is not None and group_by == "customer":
        raise InputError("top_customers narrows to a group; to list the top customers use group_by 'customer' + limit")
    spend_ranked = top_share is not None or top_customers is not None  # a group picked by its spend rank
    if top_rest and not spend_ranked:
        raise InputError("top_rest counts the customers outside a top group: give top_share or top_customers too")
    excluded: list[int] | None = None
    if spend_ranked:
        # "top 10% 客户贡献了多少收入": the period's customers ranked by their spend in it, the top share kept
        lo, hi = window or (start, stop)
        with context.engine.connect() as conn:
            top, of, floor = top_share_of_spenders(conn, lo, hi, top_share, top_customers)
        if top_rest:
            # "the other 90%": every customer but the top group
            excluded = top
            filters["top_rest"] = {"customers_left_out": len(top), "of": of}
            notes.append(f"top_rest: the customers outside the top group ({len(top)} of {of} left out)")
            notes_zh.append(f"其余客户：不含消费最高的这 {len(top)} 位（共 {of} 位）")
        else:
            pks = top if pks is None else sorted(set(pks) & set(top))
        # "Top 10% 的门槛 is how much": the lowest spend inside the group (the last customer kept)
        if top_share is not None:
            filters["top_share"] = {"share": top_share, "customers": len(top), "of": of, "min_spend": floor}
            notes.append(
                f"top_share {top_share:g}: the {len(top)} of {of} customers with the highest spend in the period"
                + (f" (spend {floor:,.2f} or more)" if floor is not None else "")
            )
            notes_zh.append(
                f"前 {top_share:.0%}：期间内消费最高的 {len(top)} 位客户（共 {of} 位）"
                + (f"，门槛（组内最低消费）{floor:,.2f}" if floor is not None else "")
            )
        else:
            filters["top_customers"] = {"customers": len(top), "of": of, "min_spend": floor}
            notes.append(f"top_customers: the {len(top)} of {of} customers with the highest spend in {lo}..{hi}")
            notes_zh.append(f"消费最高的前 {len(top)} 位客户（{lo} 至 {hi}，共 {of} 位）")
    # "去年消费超过1000的客户": the customers whose spend in the period passes the bound (cfilter); every measure
    # over them
    for name, value in (
        ("min_customer_spend", min_customer_spend),
        ("max_customer_spend", max_customer_spend),
        ("customer_spend_strict", customer_spend_strict or None),
        ("min_amount", min_amount),
        ("max_amount", max_amount),
        ("amount_strict", amount_strict or None),
        ("sentiment", sentiment),
        ("inactive_days", inactive_days),
        ("within_days", within_days),
        ("min_purchases", min_purchases),
        ("max_purchases", max_purchases),
        ("filter_window", window),
        ("bought", cfilter.bought),
        ("not_bought", cfilter.not_bought),
    ):
        if value is not None:
            filters[name] = value

    def request(a: date, b: date) -> MetricRequest:
        return MetricRequest(
            measures=list(measures),
            since=a,
            until=b,
            grain=grain,
            group_by=None if banded else group_by,
            segment=seg_id,
            segment_version=seg_version,
            customer_pks=pks,
            exclude_customer_pks=excluded,
            min_amount=min_amount,
            max_amount=max_amount,
            amount_strict=amount_strict,
            sentiment=sentiment,
            inactive_days=inactive_days,
            within_days=within_days,
            customer_filter=cfilter or None,
            sort=sort if group_by == "customer" else None,
            limit=limit if group_by == "customer" else None,
            # Per-day measures divide by the days the data covers, never by days it has no record of.
            day_range=bounds if set(measures) & PER_DAY_MEASURES else None,
        )

    def execute(req: MetricRequest) -> Any:
        key = ("metric", repr(req), context.store_fingerprint())
        return context.cached(key, lambda: _run(context, req))

    read_as = [(a, m) for a, m in zip(asked, measures, strict=True) if a.strip() != m]
    notes += [f"measure {a!r} read as {m}" for a, m in read_as]
    notes_zh += [f"指标“{a.strip()}”按{MEASURES[m].name_zh}（{m}）计算" for a, m in read_as]
    res = execute(request(start, stop))
    total_unfiltered, share_of_all = res.total_unfiltered, res.share_of_all
    listed = bool(named_pks) and not cfilter and not spend_ranked and not group_by and not grain
    inactive_base = False
    if (cfilter or spend_ranked or listed) and min_amount is None and max_amount is None:
        # the same measures over every customer (of the other filters): what share the narrowed customers are;
        # for customers listed by id ("those five"), what share of everyone's
        # "Of those lapsed customers, what proportion spent over $100?": a count of customers under inactivity and
        # another condition is a share of the inactive customers (their revenue stays a share of all revenue:
        # "这些人一共贡献了多少营收？占总营收多少")
        inactive_base = (
            measures == ["buyers"]
            and cfilter.inactive_days is not None
            and bool(replace(cfilter, inactive_days=None, window=None))
        )
        base_filter = (
            CustomerFilter(inactive_days=cfilter.inactive_days, window=cfilter.window) if inactive_base else None
        )
        whole_req = replace(
            request(start, stop),
            customer_pks=None if listed else named_pks,
            exclude_customer_pks=None,
            customer_filter=base_filter,
            group_by=None,
        )
        whole = execute(replace(whole_req, grain=None))
        total_unfiltered = dict(whole.total)
        share_of_all = {
            m: (res.total.get(m) / whole.total[m] if whole.total.get(m) and res.total.get(m) is not None else None)
            for m in measures
            if m in SHARE_OF_ALL_MEASURES or m == "buyers"
        }
    inactive_share = None
    if "inactive_customers" in measures and inactive_days is not None and not grain and not group_by:
        # "180天没买的客户占总客户多少": the inactive customers over every customer who had ordered by `until` (under
        # the same segment and customer filters)
        base = replace(request(bounds[0], stop), measures=["buyers"], inactive_days=None, day_range=None)
        everyone = execute(replace(base, customer_filter=replace(cfilter, inactive_days=None) or None))
        whole = everyone.total.get("buyers")
        part = res.total.get("inactive_customers")
        if whole and part is not None:
            inactive_share = {"customers": whole, "share": round(part / whole, 4)}
    customers_share_of = None
    plain = not (cfilter or spend_ranked or named_pks or group_by or grain)
    if customers_share and "buyers" in measures and plain and "inactive_customers" not in measures:
        # "今年下过单的客户占全部客户多少": the period's buyers over every customer who had ordered by `until`
        base = replace(request(bounds[0], stop), measures=["buyers"], day_range=None)
        everyone = execute(base).total.get("buyers")
        got = res.total.get("buyers")
        if everyone and got is not None:
            customers_share_of = {"customers": everyone, "share": round(got / everyone, 4)}
    group = None
    if window is not None and window != (start, stop) and "buyers" in measures:
        # "这批人今年还有多少在买": the group as read over its window, and the share of it that bought in the period
        size = execute(replace(request(*window), measures=["buyers"], grain=None, group_by=None, day_range=None))
        n = size.total.get("buyers")
        got = res.total.get("buyers")
        if n:
            group = {"customers": n, "buyers": got, "share": round(got / n, 4) if got is not None else None}
    members = None
    few = res.total.get("buyers") if "buyers" in measures else None
    if (cfilter or spend_ranked) and not group_by and not grain and few and few <= GROUP_MEMBERS_MAX:
        # "累计消费超1w的客户有几个": a handful of customers is named, each with the period's spend
        ranked_req = replace(
            request(start, stop), measures=["revenue"], group_by="customer", sort="desc", limit=GROUP_MEMBERS_MAX
        )
        members = [{"customer": r.get("customer"), "revenue": r.get("revenue")} for r in execute(ranked_req).rows]
    seg_names = _segment_names(context) if group_by == "segment" else {}
    rows = [dict(r) for r in res.rows]
    if group_by == "customer" and customers and not grain and limit is None and not cfilter:
        # "他们今年各花了多少" of five listed customers: one who bought nothing in the period is an empty row (sums 0,
        # ratios None), not left out
        have = {str(r.get("customer")) for r in rows}
        for cid in filters.get("customers") or []:
            if str(cid) not in have:
                rows.append({"customer": cid, **{m: derive(m, {}) for m in measures}})
    if amount_banded:
        # one row per band of spend (customers) or amount (order lines), each the same measures over that band
        assert band_starts is not None
        cuts = [float(c) for c in band_starts]
        rows = []
        for i, cut_lo in enumerate(cuts):
            cut_hi = cuts[i + 1] if i + 1 < len(cuts) else None
            if group_by == "spend_band":
                floor = cut_lo if cfilter.min_spend is None else max(cut_lo, cfilter.min_spend)
                band_filter = replace(cfilter, min_spend=floor, spend_below=cut_hi)
                band_req = replace(request(start, stop), customer_filter=band_filter)
            else:
                band_req = replace(request(start, stop), min_amount=cut_lo, amount_below=cut_hi)
            got = execute(band_req).total
            label = f"{cut_lo:g}+" if cut_hi is None else (f"<{cut_hi:g}" if cut_lo == 0 else f"{cut_lo:g}-{cut_hi:g}")
            row = {group_by: label, **got}
            row["share"] = _band_share(got, res.total, measures)
            rows.append(row)
        labels = ", ".join(str(r[group_by]) for r in rows)
        if group_by == "spend_band":
            notes.append(f"spend_band: customers by their spend in the period, lower bound included ({labels})")
            notes_zh.append(f"按客户在期间内的消费金额分档（含下限、不含上限）：{labels}")
        else:
            notes.append(f"amount_band: order lines by their amount, lower bound included ({labels})")
            notes_zh.append(f"按订单行金额分档（含下限、不含上限）：{labels}")
    elif banded:
        # one row per band of purchase days, each the same measures over that band's customers
        last_band = purchase_bands or PURCHASE_BANDS_DEFAULT
        starts = list(purchase_band_starts or range(1, last_band + 1))
        last_band = starts[-1]
        rows = []
        for i, n in enumerate(starts):
            band_top = starts[i + 1] - 1 if i + 1 < len(starts) else None
            band_lo = n if cfilter.min_purchases is None else max(n, cfilter.min_purchases)
            band_hi = band_top if band_top is not None else cfilter.max_purchases
            if band_hi is not None and cfilter.max_purchases is not None:
                band_hi = min(band_hi, cfilter.max_purchases)
            if band_hi is not None and band_lo > band_hi:
                continue
            band = replace(cfilter, min_purchases=band_lo, max_purchases=band_hi)
            band_res = execute(replace(request(start, stop), customer_filter=band))
            label = f"{n}+" if band_top is None else (str(n) if band_top == n else f"{n}-{band_top}")
            row = {"purchase_count": label, **band_res.total}
            got = band_res.total
            row["share"] = _band_share(got, res.total, measures)
            rows.append(row)
        if "buyers" in measures and cfilter.min_purchases is None and rows:
            # the bands as a funnel: customers with at least that many purchase days, their share of all the
            # period's buyers, and the step from the band before ("二购到三购的转化率" = reached 3 / reached 2)
            reached = 0
            for row in reversed(rows):
                reached += row.get("buyers") or 0
                row["reached"] = reached
            first = rows[0]["reached"]
            for before, row in zip([None, *rows], rows, strict=False):
                row["reached_share"] = round(row["reached"] / first, 6) if first else None
                prior = before["reached"] if before else None
                row["step_rate"] = round(row["reached"] / prior, 6) if prior else None
        labels = ", ".join(str(r["purchase_count"]) for r in rows)
        notes.append(f"purchase_count bands: customers by purchase days in the period ({labels})")
        notes_zh.append(f"按期间内购买日数分组：{labels}（次，N+ 为 N 次及以上）")
    _name_rows(rows, group_by, seg_names)

    def compared_with(c_start: date, c_stop: date, keyed_rows: bool) -> dict[str, Any]:
        if c_stop < bounds[0] or c_start > bounds[1]:
            raise InputError(
                f"the comparison period {c_start} to {c_stop} is outside the data, which runs from "
                f"{bounds[0]} to {bounds[1]}"
            )
        other_req = request(c_start, c_stop)
        if group_by == "customer" and res.customer_pks:
            # The same customers in the other period, not that period's own top list.
            other_req.customer_pks = list(res.customer_pks)
        other = execute(other_req)
        change, change_pct, ratio = {}, {}, {}
        for m in measures:
            change[m], change_pct[m] = _change(res.total.get(m), other.total.get(m))
            ratio[m] = _ratio(res.total.get(m), other.total.get(m))
        other_rows = [dict(r) for r in other.rows]
        _name_rows(other_rows, group_by, seg_names)
        if keyed_rows and group_by and not grain:
            before = {_group_key(r, group_by): r for r in other_rows}
            for row in rows:
                prior = before.get(_group_key(row, group_by), {})
                row["compare"] = {m: prior.get(m) for m in measures}
                row["change_pct"] = {m: _change(row.get(m), prior.get(m))[1] for m in measures}
        if c_start < bounds[0] or c_stop > bounds[1]:
            notes.append(f"the comparison period extends beyond the data ({bounds[0]} to {bounds[1]})")
            notes_zh.append(f"对比期超出了数据范围（{bounds[0]} 至 {bounds[1]}）")
        return {
            "period": {"since": c_start, "until": c_stop},
            "total": other.total,
            "total_unfiltered": other.total_unfiltered,
            "share_of_all": other.share_of_all,
            "change": change,
            "change_pct": change_pct,
            "ratio": ratio,
            "subtotals": other.subtotals,
            "ranked_total": other.ranked_total,
            "rows": other_rows,
        }

    comparison = year_comparison = None
    if compare in ("previous", "both"):
        comparison = compared_with(*previous_period(start, stop), keyed_rows=True)
    if compare == "year":
        comparison = compared_with(*year_earlier(start, stop), keyed_rows=True)
    if compare == "both":
        # "环比和同比分别是多少": the previous period in `compare`, the same period a year earlier in `compare_year`
        year_comparison = compared_with(*year_earlier(start, stop), keyed_rows=False)
    if compare_since is not None:
        c_start = parse_day(compare_since, "compare_since")
        c_stop = parse_day(compare_until, "compare_until", end=True)
        assert c_start is not None and c_stop is not None  # both given: checked above
        if c_start > c_stop:
            raise InputError(f"compare_since ({c_start}) is after compare_until ({c_stop})")
        comparison = compared_with(c_start, c_stop, keyed_rows=True)

    extremes = None
    if change_by_row and grain:
        # each row against the row before; the first against the grain period just before the range
        ext = execute(request(_grain_back(start, grain), stop))
        extremes = _row_changes(rows, [dict(r) for r in ext.rows], measures, group_by)
    passed = None
    if row_test is not None:
        # a filter on the rows ("订单数超过100的月份", SQL's HAVING): the total stays the whole period's
        of = len(rows)
        rows = [r for r in rows if row_test.passes(r.get(measures[0]))]
        passed = {**row_test.as_dict(), "kept": len(rows), "of": of}
        notes.append(f"rows kept where {measures[0]} {row_test.op} {row_test.value:g}: {len(rows)} of {of}")
        notes_zh.append(
            f"只保留{MEASURES[measures[0]].name_zh} {row_test.op} {row_test.value:g} 的行：{of} 行中的 {len(rows)} 行"
        )
    if sort is not None:
        first = measures[0]
        present = [r for r in rows if r.get(first) is not None]
        present.sort(key=lambda r: r[first], reverse=(sort == "desc"))
        rows = present + [r for r in rows if r.get(first) is None]
    truncated = limit is not None and len(rows) > limit
    if limit is not None:
        rows = rows[:limit]

    data = {
        "measure": measures[0],
        "measures": list(measures),
        "period": {"since": start, "until": stop},
        "grain": grain,
        "group_by": group_by,
        "rows": rows,
        "total": res.total,
        "total_unfiltered": total_unfiltered,
        "share_of_all": share_of_all,
        "compare": comparison,
        "compare_year": year_comparison,
        "filters": filters,
        "notes": res.notes + notes + (["rows cut to the first `limit`"] if truncated else []),
        "notes_zh": res.notes_zh + notes_zh + ([f"只列出前 {limit} 行"] if truncated else []),
        "subtotals": res.subtotals,
        "ranked_total": res.ranked_total,
        "ranked_share": res.ranked_share,
        "having": passed,
        "row_change": extremes,
        "inactive_share": inactive_share,
        # with customers_share asked: the buyers' share of every customer who had ordered by `until`
        "customers_share": customers_share_of,
        # a customer filter that leaves at most GROUP_MEMBERS_MAX customers: who they are, with their spend
        "members": members,
        # with a filter window: the group's size over its window and the share of it counted in the period
        "group": group,
        # what share_of_all divides by: the same measures over every customer ("customers": a spend, purchase,
        # inactivity or window filter narrowed the customers) or over every order line ("amount")
        # or, for customers listed by id, over every customer ("listed": shown when the share is asked)
        # or, with inactivity and another customer condition, over the inactive customers ("inactive")
        "share_base": "amount"
        if min_amount is not None or max_amount is not None
        else ("listed" if listed else ("inactive" if inactive_base else "customers")),
        "unit": {m: MEASURES[m].unit for m in measures},
        "names": {
            m: {"zh": with_days(MEASURES[m].name_zh, within_days), "en": with_days(MEASURES[m].name_en, within_days)}
            for m in measures
        },
        "data_range": {"first": bounds[0], "last": bounds[1]},
    }
    return result("metric_query", args, data, res.rows_considered, **extra)


def _band_share(got: dict[str, Any], total: dict[str, Any], measures: list[str]) -> dict[str, float | None]:
    """A band's part of the whole for each additive measure (its row's ``share``)."""
    return {
        m: (got[m] / total[m] if total.get(m) and got.get(m) is not None else None)
        for m in measures
        if m in SHARE_OF_ALL_MEASURES
    }


def _window(since: str | None, until: str | None, name: str, bounds: tuple[date, date]) -> tuple[date, date] | None:
    """A bought / not_bought window from its two ends (one end alone runs to the data's first or last day)."""
    if since is None and until is None:
        return None
    lo = parse_day(since, f"{name}_since") if since is not None else bounds[0]
    hi = parse_day(until, f"{name}_until", end=True) if until is not None else bounds[1]
    assert lo is not None and hi is not None
    if lo > hi:
        raise InputError(f"{name}_since ({lo}) is after {name}_until ({hi})")
    return lo, hi


def _grain_back(d: date, grain: str) -> date:
    """The start of the grain period just before the one holding ``d``."""
    if grain == "day":
        return d - timedelta(days=1)
    if grain == "week":
        return d - timedelta(days=d.weekday() + 7)
    months = {"month": 1, "quarter": 3, "year": 12}[grain]
    first = date(d.year, d.month, 1) if grain == "month" else date(d.year, (d.month - 1) // 3 * 3 + 1, 1)
    if grain == "year":
        first = date(d.year, 1, 1)
    return _months_back(first, months)


def _row_changes(
    rows: list[dict[str, Any]], extended: list[dict[str, Any]], measures: list[str], group_by: str | None
) -> dict[str, Any]:
    """Adds ``prev`` and ``change_pct`` (per measure) to each row from the row before it in ``extended`` (the same
    rows with one grain period more at the start; with a group_by, the row before of the same group); returns the
    biggest rise and fall of the first measure ``{"measure", "max": {period, change_pct, ...}, "min": {...}}``."""
    group = (lambda r: r.get(group_by)) if group_by else (lambda r: None)
    labels: list[str] = []
    for r in extended:
        if r["period"] not in labels:
            labels.append(r["period"])
    by_key = {(r["period"], group(r)): r for r in extended}
    first = measures[0]
    changed: list[dict[str, Any]] = []
    for row in rows:
        i = labels.index(row["period"]) if row["period"] in labels else -1
        prior = by_key.get((labels[i - 1], group(row))) if i > 0 else None
        row["prev"] = {m: (prior or {}).get(m) for m in measures}
        row["change_pct"] = {m: _change(row.get(m), (prior or {}).get(m))[1] for m in measures}
        if row["change_pct"][first] is not None:
            changed.append(row)
    if not changed:
        return {"measure": first, "max": None, "min": None}

    def pick(r: dict[str, Any]) -> dict[str, Any]:
        out = {
            "period": r["period"],
            "value": r.get(first),
            "prev": r["prev"][first],
            "change_pct": r["change_pct"][first],
        }
        if group_by:
            out[group_by] = r.get(group_by)
        return out

    top = max(changed, key=lambda r: r["change_pct"][first])
    low = min(changed, key=lambda r: r["change_pct"][first])
    return {"measure": first, "max": pick(top), "min": pick(low)}


_HAVING = re.compile(r"\s*(>=|<=|>|<|=|≥|≤)\s*(-?\d+(?:\.\d+)?)\s*(%?)\s*")


@dataclass(frozen=True)
class RowTest:
    """``having``: one comparison of a row's first measure with a number."""

    measure: str
    op: str  # > >= < <= =
    value: float

    def passes(self, x: Any) -> bool:
        if x is None:
            return False
        v = float(x)
        return {
            ">": v > self.value,
            ">=": v >= self.value,
            "<": v < self.value,
            "<=": v <= self.value,
            "=": v == self.value,
        }[self.op]

    def as_dict(self) -> dict[str, Any]:
        return {"measure": self.measure, "op": self.op, "value": self.value}


def parse_having(text: str, measure: str) -> RowTest:
    """``having`` read: ``'>100'``, ``'>=100000'``, ``'<=30%'``; a share (a measure in 0..1) also takes ``'>30'`` as
    30%. Anything else (no operator, words, an exponent) is an input error that shows the accepted forms."""
    m = _HAVING.fullmatch(text)
    if m is None:
        raise InputError(
            f"having {text!r} is not a comparison with a number; write it like '>100', '>=100000', '<50' or '<=30%'"
        )
    op = {"≥": ">=", "≤": "<="}.get(m.group(1), m.group(1))
    value = float(m.group(2))
    if m.group(3) or (MEASURES[measure].unit == "share" and abs(value) > 1):
        value /= 100.0
    return RowTest(measure, op, value)


def _run(context: ToolContext, req: MetricRequest) -> Any:
    with context.engine.connect() as conn:
        return run(conn, req)


def simple_json(res: dict[str, Any]) -> dict[str, Any]:
    """The CLI's and GET /v1/metrics' shape of a metric_query result.

    ``{"measure", "period": {"since", "until"}, "rows": [{"period", "value", ...}], "total"}``: each row's
    ``value`` is the first measure; ``period`` is the row's period, or the whole period for a breakdown
    without a grain. Other measures, the group key, compare, unit and notes ride along.
    """
    data = res["data"]
    m = data["measure"]
    whole = f"{data['period']['since']}..{data['period']['until']}"
    rows = []
    for r in data["rows"]:
        row = {"period": r.get("period", whole), "value": r.get(m)}
        row.update({k: v for k, v in r.items() if k not in ("period", m)})
        if isinstance(row.get("share"), dict):  # a purchase_count band: its share of the first measure
            row["share"] = row["share"].get(m)
        rows.append(row)
    out: dict[str, Any] = {
        "measure": m,
        "period": data["period"],
        "rows": rows,
        "total": data["total"].get(m),
    }
    for key in ("compare", "compare_year"):
        if data.get(key):
            out[key] = {k: v for k, v in data[key].items() if k != "rows"}
    if data.get("share_of_all") is not None:  # an amount filter: "what share of all orders"
        out["total_unfiltered"] = data["total_unfiltered"].get(m)
        out["share_of_all"] = data["share_of_all"].get(m)
    if data.get("subtotals"):  # a weekday breakdown: weekend and workdays
        out["subtotals"] = {part: vals.get(m) for part, vals in data["subtotals"].items()}
    if data.get("ranked_total") is not None:  # a customer ranking: the listed customers together
        out["ranked_total"] = data["ranked_total"].get(m)
        out["ranked_share"] = (data.get("ranked_share") or {}).get(m)
    if data.get("having") is not None:  # a filter on the rows: how many passed of how many
        out["having"] = data["having"]
    if data.get("row_change") is not None:  # each row against the one before: the biggest rise and fall
        out["row_change"] = data["row_change"]
    out.update(
        {"unit": data["unit"].get(m), "measures": data["measures"], "notes": data["notes"], "evidence": res["evidence"]}
    )
    return out


# -- cohort retention -------------------------------------------------------------------------------


class CohortArgs(ToolArgs):
    since: SinceArg
    until: UntilArg
    periods: int = Field(12, ge=1, le=36, description="Months after the cohort month to follow (default 12).")
    grain: Literal["month"] = Field("month", description="Cohorts and periods are months (the only grain).")
    segment: OptSegmentArg
    active_since: Annotated[
        str | None,
        BeforeValidator(_blank_to_none),
        Field(
            None,
            description="With active_until: also count each cohort's customers with an order in this window "
            "('still buying in 1998'): 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY'.",
        ),
    ] = None
    active_until: Annotated[
        str | None,
        BeforeValidator(_blank_to_none),
        Field(None, description="End of that window, inclusive (same forms)."),
    ] = None


@crm_tool(CohortArgs)
def cohort_retention(
    since: str | None = None,
    until: str | None = None,
    periods: int = 12,
    grain: str = "month",
    segment: str | None = None,
    active_since: str | None = None,
    active_until: str | None = None,
) -> dict[str, Any]:
    """Cohort retention: customers grouped by the month of their first-ever order (the cohort), and for
    each later month the share of the cohort who ordered in it (month 0 = the cohort month = 100%).
    since/until pick the cohort months to include; periods = how many months after to follow.

    Use it for "do customers acquired in January still buy a year later?", "新客户的留存率",
    "cohort retention by month", "1997年1月的新客户第二个月还有多少人购买？". Retention is null for
    months after the end of the data.

    Result (data): period, grain, periods, notes and rows [{cohort ('YYYY-MM'), size (customers in the
    cohort), active [count of the cohort's customers buying in month m after it, m = 0..periods], retention
    [active[m] / size]}]; both lists are null after the data's end. With active_since/active_until (a window
    of any length: "what share of the January 1997 customers were still buying in 1998?") data also has
    window {since, until} and each row window_active (customers of the cohort with an order in the window)
    and window_share (window_active / size).
    """
    context = ctx()
    notes_zh: list[str] = []
    start, stop, bounds, notes = resolve_period(context, ["new_customers"], since, until, notes_zh)
    seg_id = None
    seg_version = None
    extra: dict[str, Any] = {}
    if segment is not None:
        model, info = resolve_segment(context, segment)
        seg_id, seg_version = int(info["segment"]), str(model.version)
        extra["segment_model_version"] = seg_version
    with context.engine.connect() as conn:
        matrix = cohort_matrix(conn, start, stop, periods, seg_id, seg_version, data_end=bounds[1])
    rows = [
        {
            "cohort": c["cohort"],
            "size": c["size"],
            "active": c["active"],
            "retention": [None if a is None else a / c["size"] for a in c["active"]],
        }
        for c in matrix
    ]
    window: dict[str, date] | None = None
    if active_since is not None or active_until is not None:
        w_start, w_stop = parse_day(active_since, "active_since"), parse_day(active_until, "active_until", end=True)
        w_start, w_stop = max(w_start or bounds[0], bounds[0]), min(w_stop or bounds[1], bounds[1])
        if w_start > w_stop:
            raise InputError(
                f"the window {active_since}..{active_until} is outside the data ({bounds[0]} to {bounds[1]})"
            )
        window = {"since": w_start, "until": w_stop}
        with context.engine.connect() as conn:
            counts = cohort_window(conn, start, stop, w_start, w_stop, seg_id, seg_version)
        for row in rows:
            row["window_active"] = counts.get(row["cohort"], 0)
            row["window_share"] = row["window_active"] / row["size"] if row["size"] else None
    data: dict[str, Any] = {
        "period": {"since": start, "until": stop},
        "grain": grain,
        "periods": periods,
        "rows": rows,
        "notes": [
            "cohort = month of the customer's first-ever order; active[m] = customers of the cohort with an order "
            "in the m-th month after it, retention[m] = active[m] / size (m = 0 is the cohort month)",
            f"data ends {bounds[1]}: later months are null",
            *notes,
        ],
        "notes_zh": [
            "首购月份 = 客户首次下单的月份；active[m] = 该月份的客户中在其后第 m 个月有订单的人数，"
            "retention[m] = active[m] / 人数（m = 0 为首购当月）",
            f"数据截至 {bounds[1]}：之后的月份为空",
            *notes_zh,
        ],
    }
    if window is not None:
        data["window"] = window
        data["notes"].append(
            f"window_active = customers of the cohort with an order from {window['since']} to {window['until']}, "
            "window_share = window_active / size"
        )
        data["notes_zh"].append(
            f"window_active = 该月份的客户中在 {window['since']} 至 {window['until']} 有订单的人数，window_share = "
            "window_active / 人数"
        )
    args = {"since": start, "until": stop, "periods": periods, "grain": grain, "segment": segment}
    if window is not None:
        args.update(active_since=window["since"], active_until=window["until"])
    return result("cohort_retention", args, data, sum(r["size"] for r in rows), **extra)


# -- repurchase after negative feedback -------------------------------------------------------------


class FollowupArgs(ToolArgs):
    since: SinceArg
    until: UntilArg
    segment: OptSegmentArg
    group_by: Annotated[
        Literal["segment"] | None,
        BeforeValidator(_lower),
        Field(None, description="'segment' for every segment side by side."),
    ]


@crm_tool(FollowupArgs)
def feedback_followup(
    since: str | None = None, until: str | None = None, segment: str | None = None, group_by: str | None = None
) -> dict[str, Any]:
    """Repurchase after negative feedback: of the customers who left negative feedback in the period, how
    many and what share ordered again after their first negative feedback (any later order in the data).

    Use it for "do customers who complain still buy?", "差评客户后来还买吗？", "what share of unhappy
    customers came back?". Counts only feedback already scored by the sentiment model.
    """
    context = ctx()
    if busy := training_message(context.settings, "sentiment"):  # labels being written: partial until done
        raise NotReadyError(busy)
    with context.engine.connect() as conn:
        scored = feedback_totals(conn)["scored"]
    if not scored:
        raise NotReadyError(_NOT_SCORED)
    res = metric_query.func(  # type: ignore[attr-defined]
        measures=["repurchase_after_negative"],
        since=since,
        until=until,
        segment=segment,
        group_by=group_by,
    )
    return {**res, "evidence": {**res["evidence"], "tool": "feedback_followup"}}


# -- charts -----------------------------------------------------------------------------------------


def _row_label(row: dict[str, Any], group_by: str | None, labels: Any) -> str:
    if group_by == "segment":
        return labels.name({"name_zh": row.get("segment_name_zh"), "name_en": row.get("segment_name_en"), **row})
    if group_by == "weekday" and row.get("weekday") is not None:
        en, zh = WEEKDAYS[int(row["weekday"])]
        return labels.pick(zh, en)
    if group_by == "customer_type":
        return labels.pick(
            {"new": "新客户", "returning": "老客户"}.get(str(row.get("customer_type")), "?"),
            str(row.get("customer_type")),
        )
    if group_by == "sentiment":
        value = str(row.get("sentiment"))
        zh = {"positive": "正面", "neutral": "中性", "negative": "负面", "unscored": "未评分"}.get(value, value)
        return labels.pick(zh, value)
    if group_by == "purchase_count":
        band = str(row.get("purchase_count"))
        return labels.pick(band.replace("+", "次及以上") if band.endswith("+") else f"{band}次", band)
    return str(row.get(group_by or "period", "?"))


def _metric_chart(result: Any, fig: Any, labels: Any) -> bool:
    data = result.get("data") or {}
    rows = data.get("rows") or []
    m = data.get("measure")
    if not m or m not in MEASURES:
        return False
    meta = MEASURES[m]
    title = labels.pick(meta.name_zh, meta.name_en)
    grain, group_by, comparison = data.get("grain"), data.get("group_by"), data.get("compare")
    ax = fig.subplots()
    if grain:
        series: dict[Any, list[tuple[str, float]]] = {}
        for r in rows:
            if r.get(m) is not None:
                series.setdefault(_group_key(r, group_by), []).append((str(r["period"]), float(r[m])))
        if not series:
            return False
        for i, (key, points) in enumerate(series.items()):
            name = (
                _row_label(next(r for r in rows if _group_key(r, group_by) == key), group_by, labels)
                if group_by
                else title
            )
            ax.plot(
                [p[0] for p in points], [p[1] for p in points], marker="o", markersize=3, label=name, color=_palette(i)
            )
        if comparison and not group_by:
            before = [r.get(m) for r in comparison.get("rows") or []]
            xs = [p[0] for p in next(iter(series.values()))][: len(before)]
            ys = [float(v) if v is not None else float("nan") for v in before[: len(xs)]]
            ax.plot(xs, ys, linestyle="--", color="#9e9e9e", label=labels.pick("对比期", "compared period"))
        if group_by or comparison:
            ax.legend(fontsize=8)
        ticks = ax.get_xticks()
        step = max(1, len(ticks) // 12)
        ax.set_xticks(ticks[::step])
        ax.tick_params(axis="x", rotation=45, labelsize=8)
        ax.set_title(labels.pick(f"{title}趋势", f"{title} trend"))
    elif group_by:
        shown = [r for r in rows if r.get(m) is not None][:30]
        if not shown:
            return False
        names = [_row_label(r, group_by, labels) for r in shown]
        values = [float(r[m]) for r in shown]
        if comparison:
            import numpy as np

            pos = np.arange(len(shown))
            prior = [float((r.get("compare") or {}).get(m) or 0.0) for r in shown]
            ax.bar(pos - 0.2, values, 0.4, label=_period_text(data["period"]), color=_palette(0))
            ax.bar(pos + 0.2, prior, 0.4, label=_period_text(comparison["period"]), color="#9e9e9e")
            ax.set_xticks(pos, names)
            ax.legend(fontsize=8)
        else:
            ax.bar(names, values, color=[_palette(i) for i in range(len(shown))])
        ax.tick_params(axis="x", rotation=30, labelsize=8)
        by_zh = DIMENSIONS[group_by].name_zh if group_by in DIMENSIONS else "购买次数"
        ax.set_title(labels.pick(f"{title}（按{by_zh}）", f"{title} by {group_by.replace('_', ' ')}"))
    elif comparison:
        now, before = data["total"].get(m), comparison["total"].get(m)
        if now is None or before is None:
            return False
        ax.bar(
            [_period_text(comparison["period"]), _period_text(data["period"])],
            [float(before), float(now)],
            color=["#9e9e9e", _palette(0)],
        )
        pct = comparison.get("change_pct", {}).get(m)
        change = "" if pct is None else f" ({pct:+.1%})"
        ax.set_title(labels.pick(f"{title}对比{change}", f"{title} compared{change}"))
    else:
        return False
    ax.set_ylabel(labels.pick(meta.name_zh, meta.name_en))
    return True


def _period_text(period: dict[str, Any]) -> str:
    return f"{period['since']}~{period['until']}"


def _palette(i: int) -> str:
    from crm_insights.charts import PALETTE

    return PALETTE[i % len(PALETTE)]


def _cohort_chart(result: Any, fig: Any, labels: Any) -> bool:
    rows = (result.get("data") or {}).get("rows") or []
    rows = [r for r in rows if r.get("size")][:12]
    if not rows:
        return False
    ax = fig.subplots()
    for i, r in enumerate(rows):
        points = [(k, v * 100) for k, v in enumerate(r["retention"]) if v is not None and k > 0]
        if points:
            ax.plot(
                [p[0] for p in points],
                [p[1] for p in points],
                marker="o",
                markersize=3,
                color=_palette(i),
                label=f"{r['cohort']} (n={r['size']})",
            )
    ax.set_xlabel(labels.pick("首购后第几个月", "months after the first order"))
    ax.set_ylabel(labels.pick("仍在购买的比例 (%)", "still buying (%)"))
    ax.set_title(labels.pick("按首购月份的客户留存", "Retention by first-order month"))
    ax.legend(fontsize=7)
    return True


def register_charts() -> None:
    """Add the metric tools' renderers to crm_insights.charts (idempotent)."""
    from crm_insights import charts

    charts.RENDERERS.setdefault("metric_query", _metric_chart)
    charts.RENDERERS.setdefault("feedback_followup", _metric_chart)
    charts.RENDERERS.setdefault("cohort_retention", _cohort_chart)


register_charts()

__all__ = [
    "GRAINS",
    "CohortArgs",
    "FollowupArgs",
    "MetricQueryArgs",
    "cohort_retention",
    "feedback_followup",
    "metric_query",
    "previous_period",
    "simple_json",
    "year_earlier",
]
