"""Time expressions (zh + en) resolved against the data range: every row of the jionlp probe's table and more."""

from __future__ import annotations

from datetime import date

import pytest

from crm_insights.agent.timeexpr import TimeParse, add_months, parse_time, period_label, previous_span, shift_year

DS, DE = date(1997, 1, 1), date(1998, 6, 30)  # the CDNOW demo: data_end 1998-06-30 is a Tuesday


def _spans(res: TimeParse) -> list[tuple[str, str]]:
    return [(p.start.isoformat(), p.end.isoformat()) for p in res.periods]


def _cmp(res: TimeParse) -> tuple[str, str, str, str, str] | None:
    c = res.comparison
    if c is None:
        return None
    base, other = (c.base.since or c.base.start, c.base.until or c.base.end), (c.other.start, c.other.end)
    return (c.kind, base[0].isoformat(), base[1].isoformat(), other[0].isoformat(), other[1].isoformat())


# shared/reference/time-expressions.md, rows 1-36: (text, periods as resolved, comparison or None).
# Where the probe lists the analyst's meaning as a rule to pick (21, 23, 24, 26), the module docstring's rule applies.
REFERENCE_ROWS = [
    ("上个月", [("1998-05-01", "1998-05-31")], None),
    ("本月", [("1998-06-01", "1998-06-30")], None),
    ("去年同期", [("1997-06-01", "1997-06-30")], None),
    ("98年上半年", [("1998-01-01", "1998-06-30")], None),
    ("97年下半年", [("1997-07-01", "1997-12-31")], None),
    ("97年Q1", [("1997-01-01", "1997-03-31")], None),
    ("1998年第一季度", [("1998-01-01", "1998-03-31")], None),
    ("98年一季度", [("1998-01-01", "1998-03-31")], None),
    ("上季度", [("1998-01-01", "1998-03-31")], None),
    ("3月", [("1998-03-01", "1998-03-31")], None),
    ("97年11月", [("1997-11-01", "1997-11-30")], None),
    ("98年4到6月", [("1998-04-01", "1998-06-30")], None),
    ("1997年3月到5月", [("1997-03-01", "1997-05-31")], None),
    ("去年", [("1997-01-01", "1997-12-31")], None),
    ("今年", [("1998-01-01", "1998-12-31")], None),
    ("最近三个月", [("1998-04-01", "1998-06-30")], None),
    ("近半年", [("1998-01-01", "1998-06-30")], None),
    ("过去一年", [("1997-07-01", "1998-06-30")], None),
    ("上周", [("1998-06-22", "1998-06-28")], None),
    ("97年双十一", [("1997-11-11", "1997-11-11")], None),
    ("98年春节前后", [("1998-01-21", "1998-02-04")], None),
    ("97年全年", [("1997-01-01", "1997-12-31")], None),
    ("97年底", [("1997-11-01", "1997-12-31")], None),
    ("98年初", [("1998-01-01", "1998-02-28")], None),
    ("第二季度", [("1998-04-01", "1998-06-30")], None),
    ("前三个月", [("1998-04-01", "1998-06-30")], None),
    ("97年每个月销售额", [("1997-01-01", "1997-12-31")], None),
    (
        "98年上半年跟97年同期比怎么样",
        [("1998-01-01", "1998-06-30"), ("1997-01-01", "1997-06-30")],
        ("year", "1998-01-01", "1998-06-30", "1997-01-01", "1997-06-30"),
    ),
    (
        "3月GMV环比是涨了还是跌了",
        [("1998-03-01", "1998-03-31")],
        ("previous", "1998-03-01", "1998-03-31", "1998-02-01", "1998-02-28"),
    ),
    (
        "98年Q1订单量 vs 97年Q4",
        [("1998-01-01", "1998-03-31"), ("1997-10-01", "1997-12-31")],
        ("previous", "1998-01-01", "1998-03-31", "1997-10-01", "1997-12-31"),
    ),
    ("最近3个月流失了多少客户", [("1998-04-01", "1998-06-30")], None),
    ("last month", [("1998-05-01", "1998-05-31")], None),
    ("Q1 1998", [("1998-01-01", "1998-03-31")], None),
    ("H2 1998", [("1998-07-01", "1998-12-31")], None),
    ("in March 1997", [("1997-03-01", "1997-03-31")], None),
    ("the last 3 months", [("1998-04-01", "1998-06-30")], None),
]


@pytest.mark.parametrize(("text", "spans", "comparison"), REFERENCE_ROWS, ids=[r[0] for r in REFERENCE_ROWS])
def test_reference_table(
    text: str, spans: list[tuple[str, str]], comparison: tuple[str, str, str, str, str] | None
) -> None:
    res = parse_time(text, DS, DE)
    assert _spans(res) == spans
    assert _cmp(res) == comparison


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        # years: 2 and 4 digits, Chinese digits, relative words
        ("1997年的销售额", "1997-01-01", "1997-12-31"),
        ("九七年", "1997-01-01", "1997-12-31"),
        ("一九九七年", "1997-01-01", "1997-12-31"),
        ("前年", "1996-01-01", "1996-12-31"),
        ("明年", "1999-01-01", "1999-12-31"),
        ("去年Q4", "1997-10-01", "1997-12-31"),
        ("去年四季度", "1997-10-01", "1997-12-31"),
        # months: Chinese numerals, ISO forms, days, parts of a month
        ("十二月", "1997-12-01", "1997-12-31"),
        ("九七年十一月", "1997-11-01", "1997-11-30"),
        ("1998-03", "1998-03-01", "1998-03-31"),
        ("1998/03的订单", "1998-03-01", "1998-03-31"),
        ("1998.3", "1998-03-01", "1998-03-31"),
        ("1998-03-05", "1998-03-05", "1998-03-05"),
        ("1998年3月5日", "1998-03-05", "1998-03-05"),
        # days of one month, the second without its month
        ("去年11月1号到15号那波大促", "1997-11-01", "1997-11-15"),
        ("5月3到15号", "1998-05-03", "1998-05-15"),
        ("11月1号-15号", "1997-11-01", "1997-11-15"),
        ("6月份", "1998-06-01", "1998-06-30"),
        ("98年3月底", "1998-03-21", "1998-03-31"),
        ("上月底", "1998-05-21", "1998-05-31"),
        ("上上个月", "1998-04-01", "1998-04-30"),
        ("这个月", "1998-06-01", "1998-06-30"),
        # month ranges within and across years
        ("1-3月", "1998-01-01", "1998-03-31"),
        ("3月到5月", "1998-03-01", "1998-05-31"),
        ("97年9月-12月", "1997-09-01", "1997-12-31"),
        ("11月到2月", "1997-11-01", "1998-02-28"),
        ("97年11月至98年2月", "1997-11-01", "1998-02-28"),
        ("97年11月到2月", "1997-11-01", "1998-02-28"),
        ("1998年3月5日到3月20日", "1998-03-05", "1998-03-20"),
        ("98年前三个月", "1998-01-01", "1998-03-31"),
        ("今年前两个月", "1998-01-01", "1998-02-28"),
        # quarters
        ("本季度", "1998-04-01", "1998-06-30"),
        ("这个季度", "1998-04-01", "1998-06-30"),
        ("上个季度", "1998-01-01", "1998-03-31"),
        ("第3季度", "1997-07-01", "1997-09-30"),
        ("四季度", "1997-10-01", "1997-12-31"),
        ("Q4", "1997-10-01", "1997-12-31"),
        ("q2", "1998-04-01", "1998-06-30"),
        ("98Q1", "1998-01-01", "1998-03-31"),
        ("1998Q1", "1998-01-01", "1998-03-31"),
        ("1998 Q2", "1998-04-01", "1998-06-30"),
        ("Q1 '98", "1998-01-01", "1998-03-31"),
        ("97年Q1到Q2", "1997-01-01", "1997-06-30"),
        ("第一季度到第二季度", "1998-01-01", "1998-06-30"),
        ("一到三季度", "1998-01-01", "1998-09-30"),
        ("前三季度", "1998-01-01", "1998-09-30"),
        # halves, whole years, 年初/年底
        ("上半年", "1998-01-01", "1998-06-30"),
        ("下半年", "1997-07-01", "1997-12-31"),
        ("H1", "1998-01-01", "1998-06-30"),
        ("1997H2", "1997-07-01", "1997-12-31"),
        ("97年H2", "1997-07-01", "1997-12-31"),
        ("全年", "1998-01-01", "1998-12-31"),
        ("年底", "1997-11-01", "1997-12-31"),
        ("去年底", "1997-11-01", "1997-12-31"),
        ("今年初", "1998-01-01", "1998-02-28"),
        ("98年年中", "1998-06-01", "1998-07-31"),
        # weeks (Monday to Sunday) and rolling windows
        ("本周", "1998-06-29", "1998-07-05"),
        ("这周", "1998-06-29", "1998-07-05"),
        ("上上周", "1998-06-15", "1998-06-21"),
        ("近30天", "1998-06-01", "1998-06-30"),
        ("最近7天", "1998-06-24", "1998-06-30"),
        ("过去90天", "1998-04-02", "1998-06-30"),
        ("近两周", "1998-06-17", "1998-06-30"),
        ("过去12个月", "1997-07-01", "1998-06-30"),
        ("近一年", "1997-07-01", "1998-06-30"),
        ("最近半年", "1998-01-01", "1998-06-30"),
        ("过去半年", "1998-01-01", "1998-06-30"),
        ("近两年", "1996-07-01", "1998-06-30"),
        ("最近一个季度", "1998-04-01", "1998-06-30"),
        ("前30天", "1998-06-01", "1998-06-30"),
        ("前一个月", "1998-06-01", "1998-06-30"),
        # year to date
        ("年初至今", "1998-01-01", "1998-06-30"),
        ("今年以来", "1998-01-01", "1998-06-30"),
        ("本月至今", "1998-06-01", "1998-06-30"),
        # festivals: fixed, lunar (from the table), moving
        ("双十一", "1997-11-11", "1997-11-11"),
        ("双11", "1997-11-11", "1997-11-11"),
        ("双十二", "1997-12-12", "1997-12-12"),
        ("618大促", "1998-06-18", "1998-06-18"),
        ("97年618", "1997-06-18", "1997-06-18"),
        ("春节", "1998-01-28", "1998-01-28"),
        ("97年春节", "1997-02-07", "1997-02-07"),
        ("98年春节期间", "1998-01-27", "1998-02-02"),
        ("98年元宵节", "1998-02-11", "1998-02-11"),
        ("97年中秋", "1997-09-16", "1997-09-16"),
        ("98年端午", "1998-05-30", "1998-05-30"),
        ("国庆", "1997-10-01", "1997-10-07"),
        ("圣诞", "1997-12-25", "1997-12-25"),
        ("圣诞节前后", "1997-12-18", "1998-01-01"),
        ("元旦", "1998-01-01", "1998-01-01"),
        ("情人节", "1998-02-14", "1998-02-14"),
        ("黑五", "1997-11-28", "1997-11-28"),
        # open-ended: since / before / until
        ("98年3月以来", "1998-03-01", "1998-06-30"),
        ("97年以后", "1998-01-01", "1998-06-30"),
        ("1998年之前", "1997-01-01", "1997-12-31"),
        ("截至97年底", "1997-01-01", "1997-12-31"),
        ("从97年10月起", "1997-10-01", "1998-06-30"),
    ],
)
def test_chinese_forms(text: str, start: str, end: str) -> None:
    res = parse_time(text, DS, DE)
    assert _spans(res) == [(start, end)], res


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("this month", "1998-06-01", "1998-06-30"),
        ("previous month", "1998-05-01", "1998-05-31"),
        ("the month before last", "1998-04-01", "1998-04-30"),
        ("last quarter", "1998-01-01", "1998-03-31"),
        ("this quarter", "1998-04-01", "1998-06-30"),
        ("last year", "1997-01-01", "1997-12-31"),
        ("this year", "1998-01-01", "1998-12-31"),
        ("last week", "1998-06-22", "1998-06-28"),
        ("revenue in Q3", "1997-07-01", "1997-09-30"),
        ("Q1 of 1998", "1998-01-01", "1998-03-31"),
        ("second quarter of 1998", "1998-04-01", "1998-06-30"),
        ("the first half of 1997", "1997-01-01", "1997-06-30"),
        ("second half of last year", "1997-07-01", "1997-12-31"),
        ("H1 1998", "1998-01-01", "1998-06-30"),
        ("March 1997", "1997-03-01", "1997-03-31"),
        ("sales in Dec 1997", "1997-12-01", "1997-12-31"),
        ("revenue in May", "1998-05-01", "1998-05-31"),
        ("orders in September", "1997-09-01", "1997-09-30"),
        ("Mar 5, 1998", "1998-03-05", "1998-03-05"),
        ("in 1997", "1997-01-01", "1997-12-31"),
        ("sales for '97", "1997-01-01", "1997-12-31"),
        ("past 90 days", "1998-04-02", "1998-06-30"),
        ("in the last 30 days", "1998-06-01", "1998-06-30"),
        ("the past six months", "1998-01-01", "1998-06-30"),
        ("over the last 12 weeks", "1998-04-08", "1998-06-30"),
        ("the past year", "1997-07-01", "1998-06-30"),
        ("last two years", "1996-07-01", "1998-06-30"),
        ("TTM revenue", "1997-07-01", "1998-06-30"),
        ("YTD", "1998-01-01", "1998-06-30"),
        ("year-to-date revenue", "1998-01-01", "1998-06-30"),
        ("so far this year", "1998-01-01", "1998-06-30"),
        ("from March to May 1998", "1998-03-01", "1998-05-31"),
        ("between Jan and Mar 1998", "1998-01-01", "1998-03-31"),
        ("Q1-Q2 1998", "1998-01-01", "1998-06-30"),
        ("since March 1998", "1998-03-01", "1998-06-30"),
        ("before 1998", "1997-01-01", "1997-12-31"),
        ("Christmas 1997", "1997-12-25", "1997-12-25"),
        ("around Black Friday 1997", "1997-11-21", "1997-12-05"),
        ("Singles' Day", "1997-11-11", "1997-11-11"),
        ("Chinese New Year 1997", "1997-02-07", "1997-02-07"),
        # terse English: a bare two-digit year of the data, after a preposition or at a clause's end
        ("repeat rate 97?", "1997-01-01", "1997-12-31"),
        ("how many accts spent over $1k in 97", "1997-01-01", "1997-12-31"),
        ("what % of 97 rev is that", "1997-01-01", "1997-12-31"),
        ("top 5 accts by spend 97", "1997-01-01", "1997-12-31"),
    ],
)
def test_english_forms(text: str, start: str, end: str) -> None:
    res = parse_time(text, DS, DE)
    assert _spans(res) == [(start, end)], res


@pytest.mark.parametrize(
    "text",
    [
        "每月销售额趋势",
        "每个月的订单数",
        "按季度看营收",
        "每周的买家数",
        "按年统计",
        "revenue by month",
        "monthly revenue trend",
        "90天没买的客户有多少",
        "流失超过90天的客户",
        "首单后30天内复购率",
        "前10名客户",
        "复购3次以上的客户",
        "客单价超过100元",
        "购买了2件以上商品",
        "金额超过1998元的订单",
        "客户42的资料",
        "客户618的订单",
        "customer 1998 profile",
        "top 10 customers",
        "分析这条评论的情感",
        "May I see the revenue?",
        "you may and should check",
        "mar the record",
        "一年中哪个月最好",
        "3个客群的对比",
        "哪个客群的客单价较高",
        "同期群的留存",
        "which segment has the highest AOV",
        # a two-digit number that is no year of the data, or an amount
        "customers who bought in 30 days",
        "customers who spend 97 dollars",
        "orders over 97",
    ],
)
def test_not_periods(text: str) -> None:
    res = parse_time(text, DS, DE)
    assert res.periods == ()
    assert res.comparison is None


@pytest.mark.parametrize(
    ("text", "assumed"),
    [
        ("3月", True),
        ("9月", True),
        ("第四季度", True),
        ("下半年", True),
        ("双十一", True),
        ("Q1", True),
        ("97年3月", False),
        ("上个月", False),
        ("最近三个月", False),
        ("去年", False),
        ("March 1997", False),
    ],
)
def test_assumed_year_flag(text: str, assumed: bool) -> None:
    (period,) = parse_time(text, DS, DE).periods
    assert period.assumed_year is assumed


def test_latest_occurrence_starting_by_data_end() -> None:
    # A year-less period lies in the past: September, Q4, H2 and 双十一 of 1998 are after the data end.
    assert _spans(parse_time("9月", DS, DE)) == [("1997-09-01", "1997-09-30")]
    assert _spans(parse_time("6月", DS, DE)) == [("1998-06-01", "1998-06-30")]
    assert _spans(parse_time("7月", DS, DE)) == [("1997-07-01", "1997-07-31")]
    assert _spans(parse_time("双十一", DS, DE)) == [("1997-11-11", "1997-11-11")]


def test_describe_says_how_a_period_was_read() -> None:
    march = parse_time("3月", DS, DE).periods[0]
    assert march.describe() == "1998-03 (no year given: the latest 3月 in the data)"
    assert "未给年份" in march.describe("zh")
    this_year = parse_time("今年", DS, DE).periods[0]
    assert this_year.clipped and (this_year.since, this_year.until) == (date(1998, 1, 1), DE)
    assert "1998-01-01..1998-06-30" in this_year.describe()
    same = parse_time("去年同期", DS, DE).periods[0]
    assert same.describe() == "1997-06 (the same period as 1998-06)"


def test_clipping_and_outside() -> None:
    two_years = parse_time("过去两年", DS, DE).periods[0]
    assert (two_years.since, two_years.until) == (DS, DE) and two_years.clipped
    for text in ("明年", "H2 1998", "下个月", "next quarter", "1996年"):
        (p,) = parse_time(text, DS, DE).periods
        assert p.outside and p.since is None and p.until is None, text
        assert "outside the data" in p.describe()
        assert p.start <= p.end  # the resolved dates are kept, not clipped to nothing


def test_original_text_and_span() -> None:
    text = "对比97年3月到5月和98年3月到5月的客单价"
    res = parse_time(text, DS, DE)
    assert [p.text for p in res.periods] == ["97年3月到5月", "98年3月到5月"]
    for p in res.periods:
        assert text[p.span[0] : p.span[1]] == p.text
    # the later period is the base, so "change" reads 1998 against 1997
    assert _cmp(res) == ("year", "1998-03-01", "1998-05-31", "1997-03-01", "1997-05-31")


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        ("97年和98年的销售额", [("1997-01-01", "1997-12-31"), ("1998-01-01", "1998-12-31")]),
        ("98年3月和4月", [("1998-03-01", "1998-03-31"), ("1998-04-01", "1998-04-30")]),
        ("97年3月、5月", [("1997-03-01", "1997-03-31"), ("1997-05-01", "1997-05-31")]),
        ("上个月和上上个月", [("1998-05-01", "1998-05-31"), ("1998-04-01", "1998-04-30")]),
        ("Q1 vs Q4", [("1998-01-01", "1998-03-31"), ("1997-10-01", "1997-12-31")]),
        # English writes the year once, after the last month of a list; bare abbreviations are months in a list
        (
            "the Jan, Feb and Mar 1997 cohorts",
            [("1997-01-01", "1997-01-31"), ("1997-02-01", "1997-02-28"), ("1997-03-01", "1997-03-31")],
        ),
        ("Jan/Feb '97", [("1997-01-01", "1997-01-31"), ("1997-02-01", "1997-02-28")]),
        ("revenue in May vs June 1997", [("1997-05-01", "1997-05-31"), ("1997-06-01", "1997-06-30")]),
        ("Apr–Jun 98 revenue", [("1998-04-01", "1998-06-30")]),
        ("Jan-Mar", [("1998-01-01", "1998-03-31")]),
        # the week of a day is the Monday-Sunday week holding it, as 6月24号那周
        ("orders for the week of June 22", [("1998-06-22", "1998-06-28")]),
        ("the week of Jun 24th 1998", [("1998-06-22", "1998-06-28")]),
        # a festival's week: the Monday-Sunday week holding it
        ("97年双11那一周", [("1997-11-10", "1997-11-16")]),
        ("618当周的单量", [("1998-06-15", "1998-06-21")]),
    ],
)
def test_several_periods(text: str, spans: list[tuple[str, str]]) -> None:
    assert _spans(parse_time(text, DS, DE)) == spans


def test_year_borrowed_from_a_joined_mention() -> None:
    first, second = parse_time("98年3月和4月", DS, DE).periods
    assert not second.assumed_year and second.year_from == "98年3月"
    # not joined: the second month is read on its own and says so
    _, march = parse_time("97年11月的销售额和3月比", DS, DE).periods
    assert march.assumed_year and march.start == date(1998, 3, 1)
    # a year written after the last month of an English list holds for the months before it
    jan, _ = parse_time("Jan and Feb 1997", DS, DE).periods
    assert not jan.assumed_year and jan.year_from == "Feb 1997"
    # a Chinese year goes before its month: "3月和98年5月" leaves 3月 to the usual rule
    march, _ = parse_time("3月和97年5月", DS, DE).periods
    assert march.assumed_year and march.start == date(1998, 3, 1)


@pytest.mark.parametrize(
    ("text", "comparison"),
    [
        ("本月GMV同比", ("year", "1998-06-01", "1998-06-30", "1997-06-01", "1997-06-30")),
        ("今年的销售额同比", ("year", "1998-01-01", "1998-06-30", "1997-01-01", "1997-06-30")),
        ("上季度环比", ("previous", "1998-01-01", "1998-03-31", "1997-10-01", "1997-12-31")),
        ("最近30天环比", ("previous", "1998-06-01", "1998-06-30", "1998-05-02", "1998-05-31")),
        ("过去90天环比", ("previous", "1998-04-02", "1998-06-30", "1998-01-02", "1998-04-01")),
        ("本月跟去年同期比", ("year", "1998-06-01", "1998-06-30", "1997-06-01", "1997-06-30")),
        ("跟去年同期比呢", ("year", "1998-06-01", "1998-06-30", "1997-06-01", "1997-06-30")),
        ("2月份营收和去年同期相比", ("year", "1998-02-01", "1998-02-28", "1997-02-01", "1997-02-28")),
        ("今年上半年比去年怎么样", ("year", "1998-01-01", "1998-06-30", "1997-01-01", "1997-06-30")),
        ("上个月比上上个月", ("previous", "1998-05-01", "1998-05-31", "1998-04-01", "1998-04-30")),
        ("97年和98年的销售额对比", ("explicit", "1998-01-01", "1998-06-30", "1997-01-01", "1997-12-31")),
        ("97年11月跟98年3月比", ("explicit", "1998-03-01", "1998-03-31", "1997-11-01", "1997-11-30")),
        ("MoM growth in May 1998", ("previous", "1998-05-01", "1998-05-31", "1998-04-01", "1998-04-30")),
        ("year over year revenue for Q1 1998", ("year", "1998-01-01", "1998-03-31", "1997-01-01", "1997-03-31")),
        ("YoY for March 1998", ("year", "1998-03-01", "1998-03-31", "1997-03-01", "1997-03-31")),
        (
            "上个月的客单价是多少，和前一个月比呢？",
            ("previous", "1998-05-01", "1998-05-31", "1998-04-01", "1998-04-30"),
        ),
        ("this month vs last month", ("previous", "1998-06-01", "1998-06-30", "1998-05-01", "1998-05-31")),
        ("H1 1998 vs H1 1997", ("year", "1998-01-01", "1998-06-30", "1997-01-01", "1997-06-30")),
        (
            "the last 3 months compared with the same period last year",
            ("year", "1998-04-01", "1998-06-30", "1997-04-01", "1997-06-30"),
        ),
        ("Q1 1998 compared to Q3 1997", ("explicit", "1998-01-01", "1998-03-31", "1997-07-01", "1997-09-30")),
    ],
)
def test_comparisons(text: str, comparison: tuple[str, str, str, str, str]) -> None:
    assert _cmp(parse_time(text, DS, DE)) == comparison


@pytest.mark.parametrize(
    ("text", "comparison"),
    [
        # the only period follows a comparison word: it is the one compared WITH; the base is the data-end month
        ("销售额跟上个月比怎么样", ("previous", "1998-06-01", "1998-06-30", "1998-05-01", "1998-05-31")),
        (
            "how does revenue compare with last month",
            ("previous", "1998-06-01", "1998-06-30", "1998-05-01", "1998-05-31"),
        ),
        ("比3月多吗", ("explicit", "1998-06-01", "1998-06-30", "1998-03-01", "1998-03-31")),
        # ... or this year to the data end when that period is a whole year, against the same span a year earlier
        ("跟去年比呢", ("year", "1998-01-01", "1998-06-30", "1997-01-01", "1997-06-30")),
        ("revenue vs last year", ("year", "1998-01-01", "1998-06-30", "1997-01-01", "1997-06-30")),
    ],
)
def test_compared_with_a_period_and_no_base(text: str, comparison: tuple[str, str, str, str, str]) -> None:
    res = parse_time(text, DS, DE)
    assert _cmp(res) == comparison
    assert res.comparison is not None and "no period named" in res.comparison.base.describe()


def test_explicit_compare_of_a_clipped_year_uses_the_clipped_base() -> None:
    # "97年和98年对比": 1998 holds data to 06-30 only; the base is clipped, the other year kept whole
    c = parse_time("97年和98年的销售额对比", DS, DE).comparison
    assert c is not None and c.base.until == DE and c.other.until == date(1997, 12, 31)


def test_compare_asked_without_a_period() -> None:
    res = parse_time("环比怎么样", DS, DE)
    assert res.comparison is None and res.compare_kind == "previous" and res.compare_text == "环比"
    assert parse_time("year over year", DS, DE).compare_kind == "year"
    assert parse_time("去年同期的销售额是多少", DS, DE).comparison is None  # a period, not a comparison


# -- leap years and year boundaries -----------------------------------------------------------------

LEAP_DS, LEAP_DE = date(1999, 1, 1), date(2001, 12, 31)


@pytest.mark.parametrize(
    ("text", "span", "comparison"),
    [
        ("2000年2月", ("2000-02-01", "2000-02-29"), None),
        ("2000年2月同比", ("2000-02-01", "2000-02-29"), ("year", "1999-02-01", "1999-02-28")),
        ("2001年2月同比", ("2001-02-01", "2001-02-28"), ("year", "2000-02-01", "2000-02-29")),
        ("2000年3月环比", ("2000-03-01", "2000-03-31"), ("previous", "2000-02-01", "2000-02-29")),
        ("2000年2月29日同比", ("2000-02-29", "2000-02-29"), ("year", "1999-02-28", "1999-02-28")),
        ("2000年Q1环比", ("2000-01-01", "2000-03-31"), ("previous", "1999-10-01", "1999-12-31")),
    ],
)
def test_leap_years(text: str, span: tuple[str, str], comparison: tuple[str, str, str] | None) -> None:
    res = parse_time(text, LEAP_DS, LEAP_DE)
    assert _spans(res) == [span]
    c = res.comparison
    got = None if c is None else (c.kind, c.other.start.isoformat(), c.other.end.isoformat())
    assert got == comparison


def test_rolling_days_over_a_leap_day() -> None:
    res = parse_time("最近30天", LEAP_DS, date(2000, 3, 1))
    assert _spans(res) == [("2000-02-01", "2000-03-01")] and res.periods[0].rolling_days == 30


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [
        ("上个月", "1997-12-01", "1997-12-31"),
        ("上季度", "1997-10-01", "1997-12-31"),
        ("本季度", "1998-01-01", "1998-03-31"),
        ("本周", "1997-12-29", "1998-01-04"),
        ("上周", "1997-12-22", "1997-12-28"),
        ("最近三个月", "1997-11-01", "1998-01-31"),
        ("近7天", "1997-12-27", "1998-01-02"),
        ("12月", "1997-12-01", "1997-12-31"),
        ("11月到2月", "1997-11-01", "1998-02-28"),
        ("春节", "1997-02-07", "1997-02-07"),
        ("年初至今", "1998-01-01", "1998-01-02"),
        ("去年", "1997-01-01", "1997-12-31"),
    ],
)
def test_year_boundary(text: str, start: str, end: str) -> None:
    # data ending on Friday 1998-01-02: "this week" straddles the new year, 春节 1998 (01-28) is still ahead
    assert _spans(parse_time(text, DS, date(1998, 1, 2))) == [(start, end)]


@pytest.mark.parametrize(("text", "year"), [("98年", 1998), ("05年", 2005), ("25年", 2025), ("九八年", 1998)])
def test_two_digit_years_nearest_the_data_end(text: str, year: int) -> None:
    (p,) = parse_time(text, date(1995, 1, 1), date(2026, 6, 30)).periods
    assert p.start == date(year, 1, 1)


def test_lunar_festival_outside_the_table_is_reported() -> None:
    res = parse_time("2005年端午", DS, DE)
    assert res.periods == () and res.unresolved == ("2005年端午",)


# -- helpers --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "end", "label"),
    [
        (date(1998, 1, 1), date(1998, 12, 31), "1998"),
        (date(1998, 7, 1), date(1998, 12, 31), "1998-H2"),
        (date(1998, 4, 1), date(1998, 6, 30), "1998-Q2"),
        (date(1998, 3, 1), date(1998, 3, 31), "1998-03"),
        (date(1997, 11, 1), date(1998, 2, 28), "1997-11..1998-02"),
        (date(1998, 3, 5), date(1998, 3, 5), "1998-03-05"),
        (date(1998, 3, 5), date(1998, 3, 20), "1998-03-05..1998-03-20"),
    ],
)
def test_period_label(start: date, end: date, label: str) -> None:
    assert period_label(start, end) == label


def test_date_arithmetic() -> None:
    assert add_months(date(1998, 1, 31), 1) == date(1998, 2, 28)
    assert add_months(date(2000, 2, 29), -12) == date(1999, 2, 28)
    assert add_months(date(1999, 2, 28), 12) == date(2000, 2, 29)  # a month end stays a month end
    assert shift_year(date(2000, 2, 1), date(2000, 2, 29)) == (date(1999, 2, 1), date(1999, 2, 28))
    assert previous_span(date(1998, 1, 1), date(1998, 6, 30)) == (date(1997, 7, 1), date(1997, 12, 31))
    assert previous_span(date(1998, 6, 10), date(1998, 6, 19)) == (date(1998, 5, 31), date(1998, 6, 9))


def test_iso_strings_are_accepted() -> None:
    res = parse_time("上个月", "1997-01-01", "1998-06-30")
    assert _spans(res) == [("1998-05-01", "1998-05-31")]


@pytest.mark.parametrize("text", ["前2000年", "0001年同比", "9999年下个月", "13月", "32日", "", "？"])
def test_junk_never_raises(text: str) -> None:
    res = parse_time(text, date(1, 1, 1), date(1998, 6, 30))
    assert all(p.start <= p.end for p in res.periods)


def test_a_window_longer_than_a_century_is_not_a_period() -> None:
    # "前2000年" is read as the year 2000 (outside the data), not as a 2000-year window
    assert [(p.kind, p.label, p.outside) for p in parse_time("前2000年", DS, DE).periods] == [("year", "2000", True)]


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("6月1号那周卖了多少", ("1998-06-01", "1998-06-07")),  # a Monday: that Monday to Sunday
        ("3月5日那一周的订单", ("1998-03-02", "1998-03-08")),
        ("97年12月25号所在的那周", ("1997-12-22", "1997-12-28")),
        ("1998-05-20这周的销售额", ("1998-05-18", "1998-05-24")),
    ],
)
def test_the_week_of_a_day_is_its_monday_to_sunday(text: str, span: tuple[str, str]) -> None:
    (p,) = parse_time(text, DS, DE).periods
    assert (p.kind, p.start.isoformat(), p.end.isoformat()) == ("week", *span)


def test_a_day_before_a_weekday_name_stays_a_day() -> None:
    (p,) = parse_time("6月1号周一的订单", DS, DE).periods
    assert (p.kind, p.start, p.end) == ("day", date(1998, 6, 1), date(1998, 6, 1))


@pytest.mark.parametrize(
    ("text", "comparison"),
    [
        ("上个月销售额环必多少", ("previous", "1998-05-01", "1998-05-31", "1998-04-01", "1998-04-30")),
        (
            "last month's revenue, and how does it compare with the month before?",
            ("previous", "1998-05-01", "1998-05-31", "1998-04-01", "1998-04-30"),
        ),
        (
            "Revenue per buyer: 1997 full year versus H1 1998?",
            ("explicit", "1998-01-01", "1998-06-30", "1997-01-01", "1997-12-31"),
        ),
        ("97年全年对比98年上半年的客单价", ("explicit", "1998-01-01", "1998-06-30", "1997-01-01", "1997-12-31")),
        # a bare year next to a half is still the same half a year earlier
        ("今年上半年比去年", ("year", "1998-01-01", "1998-06-30", "1997-01-01", "1997-06-30")),
    ],
)
def test_comparison_words_and_whole_years(text: str, comparison: tuple[str, str, str, str, str]) -> None:
    assert _cmp(parse_time(text, DS, DE)) == comparison


@pytest.mark.parametrize(
    "text", ["那去年同月呢", "And against the same month last year?", "vs the same quarter a year"]
)
def test_same_month_last_year_is_a_year_on_year_comparison(text: str) -> None:
    assert parse_time(text, DS, DE).compare_kind == "year"


@pytest.mark.parametrize(
    ("text", "start", "end"),
    [("Q2 of 98", "1998-04-01", "1998-06-30"), ("H2 of 97?", "1997-07-01", "1997-12-31")],
)
def test_a_two_digit_year_after_of(text: str, start: str, end: str) -> None:
    from crm_insights.agent.timeexpr import parse_time

    (period,) = parse_time(text, "1997-01-01", "1998-06-30").periods
    assert (str(period.start), str(period.end), period.assumed_year) == (start, end, False)


def test_a_count_after_of_is_no_year() -> None:
    from crm_insights.agent.timeexpr import parse_time

    (period,) = parse_time("Q3 of 50 customers", "1997-01-01", "1998-06-30").periods
    assert period.assumed_year  # "Q3" alone; 50 counts customers


@pytest.mark.parametrize(
    ("text", "spans"),
    [
        # a year written without 年, touching the part of it that follows
        ("97全年金额超过100刀的订单", [("1997-01-01", "1997-12-31")]),
        ("98上半年的日均呢？跟97上半年比", [("1998-01-01", "1998-06-30"), ("1997-01-01", "1997-06-30")]),
        ("97下半年和98上半年分别有多少购买客户", [("1997-07-01", "1997-12-31"), ("1998-01-01", "1998-06-30")]),
        # FY: the calendar year (the data has no fiscal calendar)
        ("What was total revenue for FY1997?", [("1997-01-01", "1997-12-31")]),
        ("FY97 vs FY98 orders", [("1997-01-01", "1997-12-31"), ("1998-01-01", "1998-12-31")]),
        ("And QoQ vs Q4 97?", [("1997-10-01", "1997-12-31")]),
        ("same for Q2 last year", [("1997-04-01", "1997-06-30")]),
        ("H2 97 revenue", [("1997-07-01", "1997-12-31")]),
        # a two-digit number with no year part after it stays a number
        ("top 97 customers", []),
    ],
)
def test_years_without_the_year_word(text: str, spans: list[tuple[str, str]]) -> None:
    assert _spans(parse_time(text, DS, DE)) == spans


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # consecutive months listed with 、 are the range they span, said as written
        ("97年11、12月", [("97年11、12月", "1997-11-01", "1997-12-31")]),
        ("98年1、2、3月", [("98年1、2、3月", "1998-01-01", "1998-03-31")]),
        # months not consecutive stay apart
        ("1、3月", [("3月", "1998-03-01", "1998-03-31")]),
        # 再上一个礼拜 / 再上个月: the period before the previous one
        (
            "上个礼拜收入多少，同再上一个礼拜比",
            [("上个礼拜", "1998-06-22", "1998-06-28"), ("再上一个礼拜", "1998-06-15", "1998-06-21")],
        ),
        ("上个月跟再上个月比", [("上个月", "1998-05-01", "1998-05-31"), ("再上个月", "1998-04-01", "1998-04-30")]),
    ],
)
def test_listed_months_and_one_more_back(text: str, expected: list[tuple[str, str, str]]) -> None:
    got = parse_time(text, "1997-01-01", "1998-06-30").periods
    assert [(p.text, p.start.isoformat(), p.end.isoformat()) for p in got] == expected


def test_a_festival_month_and_an_amount_that_looks_like_a_year() -> None:
    # "双十一那个月": the calendar month holding the festival; "那一周" stays the week
    month = parse_time("去年双十一那个月卖了多少", DS, DE).periods[0]
    assert (month.start, month.end) == (date(1997, 11, 1), date(1997, 11, 30))
    week = parse_time("双11那一周卖了多少", DS, DE).periods[0]
    assert (week.start, week.end) == (date(1997, 11, 10), date(1997, 11, 16))
    # "花了2000以上": an amount, not the year 2000
    assert [p.start.year for p in parse_time("去年花了2000以上的客户", DS, DE).periods] == [1997]
