"""Time expressions in analytics questions (Chinese and English), resolved against the data's date range.

``parse_time(text, data_start, data_end)`` finds every period a question names ("上个月", "98年上半年",
"Q1 1998", "对比97年3月到5月和98年3月到5月", "the last 3 months") and the comparison it asks for (同比, 环比,
去年同期, vs, 跟...比), and returns them as typed, clipped periods with the text they came from. Pure: no I/O.

Why a grammar of our own and not jionlp (see shared/reference/time-expressions.md, the probe of jionlp 1.5.29/1.5.31):

- weight: jionlp pulls about 296 MB (jiojio's 145 MB of segmentation models it never uses for time, numpy,
  requests) and unzips 51 MB into its own package folder on first import; too much for a few regexes' worth of work;
- licence: jiojio, imported unconditionally, is GPLv3; shipping it would need a stand-in module or vendoring;
- errors: the current release (1.5.30+) raises on every month without a year (上个月, 本月, 3月) and cuts month
  ranges short; even 1.5.29 drops Q1/Q4 silently to the whole year (97年Q1 -> 1997), places year-less periods in
  the future (9月 -> 1998-09 with data ending 1998-06), ignores 同期/同比/环比, and has no English at all;
- the adapter the probe prescribes (Q/H and English pre-normalisation, data-end anchoring, month-aligned rolling
  windows, comparisons, fuzzy-word rules, silent-drop checks) is most of a grammar already.
So this module is a small table of regular expressions plus resolution rules, tested case by case.

Rules (each resolved period is echoed back in the answer, so a rule that guesses is visible):

- "now" is ``data_end``. Relative words (今年/去年/上个月/上季度/上周/this month/last quarter) count from it;
  weeks run Monday to Sunday.
- A month, quarter, half or festival with no year is its latest occurrence that starts on or before the data end
  (9月 -> 1997-09 when the data ends 1998-06-30), marked ``assumed_year=True``; one joined to a dated mention by
  和/与/、/and ("98年3月和4月") takes that mention's year instead.
- Rolling windows (最近/近/过去 N 个月/年, 半年, the last N months) are whole calendar months ending with the
  data-end month; N days or weeks end on the data end, inclusive (N x 7 days for weeks).
- 前N个月/前N天 with no year = the N months/days up to the data end; "98年前三个月"/"今年前N个月" and
  "前三季度" (no 个) = the first N months/quarters of that year.
- 年初 = January-February, 年中 = June-July, 年底/年末 = November-December; 月初/上旬 = days 1-10, 中旬 = 11-20,
  月底/月末/下旬 = 21 to the end; festival 前后/左右 = 7 days either side; 春节期间 = 除夕 to 初六 (7 days);
  国庆 = October 1-7.
- Two-digit years take the century that puts them nearest the data end (97年 -> 1997 for data in 1998).
- Comparisons: 同比/YoY = the same period a year earlier (a month-end stays a month-end: 2000-02 <-> 1999-02);
  环比/MoM/QoQ = the preceding period of equal length (whole months shift by months, other spans by days);
  two explicit periods with a comparison word = those two, the later one as the base ("change" reads
  later minus earlier); "YY年同期"/"去年同期" = the base period moved to that year; 去年同期 with no other period
  = the data-end month a year back; a sub-year period compared with a bare year (今年上半年比去年) = 同比.
- Every period is clipped to [data_start, data_end]; a period wholly outside keeps its dates and is marked
  ``outside`` instead of being clipped to nothing.
- Groupings (每月, 按季度, by month) and durations without a window word (90天没买, 30天内复购) are not periods.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Literal

from crm_insights.numerals import EN_NUMBERS, to_int

CompareKind = Literal["previous", "year", "explicit"]

# -- public types -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Period:
    """One period the question names, resolved (``start``/``end``) and clipped to the data (``since``/``until``)."""

    text: str  # as written in the question
    start: date  # resolved, before clipping
    end: date
    since: date | None  # clipped to the data range; None when the period lies wholly outside it
    until: date | None
    # day|week|month|quarter|half|year|range|rolling|ytd|festival|since|until|same_period; comparison (derived by
    # 同比/环比); implicit (no period named: the data-end month or year, as the base of a comparison)
    kind: str
    assumed_year: bool = False  # no year was written: the latest occurrence starting by the data end
    year_from: str = ""  # the text the year was taken from when it was borrowed from a neighbour ("98年")
    rolling_days: int | None = None  # length of a rolling window (最近90天), for callers that need a threshold
    rolling_unit: str = ""  # day|week|month|quarter|year for rolling windows: 环比 of "30 days" is 30 days
    span: tuple[int, int] = (0, 0)  # character offsets in the question
    basis: str = ""  # for 同期 and derived comparison periods: the label of the period it was moved from
    data_start: date | None = None
    data_end: date | None = None

    @property
    def outside(self) -> bool:
        return self.since is None

    @property
    def clipped(self) -> bool:
        return not self.outside and (self.since != self.start or self.until != self.end)

    @property
    def label(self) -> str:
        """``1998-03``, ``1998-Q1``, ``1998-H2``, ``1998``, ``1998-06-30`` or ``1998-04-01..1998-06-30``."""
        return period_label(self.start, self.end)

    def describe(self, lang: str = "en") -> str:
        """The label plus why it was read so: "1998-03 (no year given: the latest March in the data)"."""
        notes: list[str] = []
        zh = lang == "zh"
        if self.kind == "implicit":
            notes.append("未指定时段：取到数据截止日" if zh else "no period named: taken up to the data end")
        if self.basis and self.basis != "listed_months":  # (months listed one by one: no period it was moved from)
            notes.append(f"与{self.basis}同期" if zh else f"the same period as {self.basis}")
        if self.assumed_year:
            notes.append(
                f"未给年份：取数据中最近的{self.text}" if zh else f"no year given: the latest {self.text} in the data"
            )
        if self.outside:
            rng = f"{self.data_start}..{self.data_end}"
            notes.append(f"不在数据范围内（{rng}）" if zh else f"outside the data ({rng})")
        elif self.clipped:
            rng = f"{self.since}..{self.until}"
            notes.append(f"数据内为{rng}" if zh else f"within the data: {rng}")
        if not notes:
            return self.label
        return f"{self.label}（{'；'.join(notes)}）" if zh else f"{self.label} ({'; '.join(notes)})"


@dataclass(frozen=True)
class Comparison:
    """The comparison a question asks for: ``base`` against ``other`` (both clipped like any period)."""

    kind: CompareKind  # previous = preceding equal span; year = a year earlier; explicit = two named periods
    text: str  # the comparison word(s) as written ("同比", "vs", "去年同期")
    base: Period
    other: Period


@dataclass(frozen=True)
class TimeParse:
    """Everything time-related read from one question."""

    periods: tuple[Period, ...] = ()  # in text order, ranges merged ("97年3月到5月" is one period)
    comparison: Comparison | None = None
    compare_kind: CompareKind | None = None  # asked for even when no base period was named ("环比怎么样")
    compare_text: str = ""
    unresolved: tuple[str, ...] = ()  # date words read but not resolvable (a lunar festival outside the table)

    @property
    def primary(self) -> Period | None:
        """The period the question is about: the comparison's base, else the first period named."""
        if self.comparison is not None:
            return self.comparison.base
        return self.periods[0] if self.periods else None

    def describe(self, lang: str = "en") -> str:
        parts = [p.describe(lang) for p in self.periods]
        if self.comparison is not None and self.comparison.other not in self.periods:
            word = "对比" if lang == "zh" else "compared with"
            parts.append(f"{word} {self.comparison.other.describe(lang)}")
        return "; ".join(parts)


# -- date helpers -----------------------------------------------------------------------------------


def month_end(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def add_months(d: date, n: int) -> date:
    """``d`` moved by ``n`` months, the day capped at the month's length (a month end stays a month end)."""
    idx = d.year * 12 + d.month - 1 + n
    y, m = divmod(idx, 12)
    last = calendar.monthrange(y, m + 1)[1]
    day = last if d.day == calendar.monthrange(d.year, d.month)[1] else min(d.day, last)
    return date(y, m + 1, day)


def _is_month_start(d: date) -> bool:
    return d.day == 1


def _is_month_end(d: date) -> bool:
    return d == month_end(d.year, d.month)


def _months_between(start: date, end: date) -> int:
    return (end.year - start.year) * 12 + end.month - start.month + 1


def period_label(start: date, end: date) -> str:
    if start == end:
        return start.isoformat()
    if _is_month_start(start) and _is_month_end(end):
        n = _months_between(start, end)
        y = start.year
        if n == 12 and start.month == 1:
            return f"{y}"
        if n == 6 and start.month in (1, 7):
            return f"{y}-H{1 if start.month == 1 else 2}"
        if n == 3 and start.month % 3 == 1:
            return f"{y}-Q{(start.month + 2) // 3}"
        if n == 1:
            return f"{y}-{start.month:02d}"
        return f"{y}-{start.month:02d}..{end.year}-{end.month:02d}"
    return f"{start.isoformat()}..{end.isoformat()}"


def shift_year(start: date, end: date, years: int = -1) -> tuple[date, date]:
    """The same span ``years`` years away; month ends stay month ends (2000-02-29 <-> 1999-02-28)."""
    return _cap(start, years), add_months(end, 12 * years)


def _cap(d: date, years: int) -> date:
    y = d.year + years
    return date(y, d.month, min(d.day, calendar.monthrange(y, d.month)[1]))


def previous_span(start: date, end: date, by_days: bool = False) -> tuple[date, date]:
    """The span of equal length just before: whole months shift by months, anything else (or ``by_days``) by days."""
    if not by_days and _is_month_start(start) and _is_month_end(end):
        n = _months_between(start, end)
        return add_months(start, -n), start - timedelta(days=1)
    days = (end - start).days + 1
    return start - timedelta(days=days), start - timedelta(days=1)


# -- lunar and moving festivals ---------------------------------------------------------------------

# Chinese New Year (正月初一), Gregorian date. Other lunar festivals: 元宵 = +14 days (正月十五; 正月 is never
# shorter than 29 days). 端午/中秋 only for the years below; elsewhere they are reported as unresolved.
_CNY = {
    1990: (1, 27), 1991: (2, 15), 1992: (2, 4), 1993: (1, 23), 1994: (2, 10), 1995: (1, 31), 1996: (2, 19),
    1997: (2, 7), 1998: (1, 28), 1999: (2, 16), 2000: (2, 5), 2001: (1, 24), 2002: (2, 12), 2003: (2, 1),
    2004: (1, 22), 2005: (2, 9), 2006: (1, 29), 2007: (2, 18), 2008: (2, 7), 2009: (1, 26), 2010: (2, 14),
    2011: (2, 3), 2012: (1, 23), 2013: (2, 10), 2014: (1, 31), 2015: (2, 19), 2016: (2, 8), 2017: (1, 28),
    2018: (2, 16), 2019: (2, 5), 2020: (1, 25), 2021: (2, 12), 2022: (2, 1), 2023: (1, 22), 2024: (2, 10),
    2025: (1, 29), 2026: (2, 17), 2027: (2, 6), 2028: (1, 26), 2029: (2, 13), 2030: (2, 3),
}  # fmt: skip
_DUANWU = {1996: (6, 20), 1997: (6, 9), 1998: (5, 30), 1999: (6, 18)}
_ZHONGQIU = {1996: (9, 27), 1997: (9, 16), 1998: (10, 5), 1999: (9, 24)}


def _nth_weekday(year: int, month: int, weekday: int, n: int) -> date:
    first = date(year, month, 1)
    return first + timedelta(days=(weekday - first.weekday()) % 7 + 7 * (n - 1))


def _festival(key: str, year: int) -> tuple[date, date] | None:
    fixed = {
        "d11": ((11, 11), 0),
        "d12": ((12, 12), 0),
        "618": ((6, 18), 0),
        "520": ((5, 20), 0),
        "newyear": ((1, 1), 0),
        "valentine": ((2, 14), 0),
        "national": ((10, 1), 6),
        "christmas": ((12, 25), 0),
        "xmaseve": ((12, 24), 0),
    }
    if key in fixed:
        (m, d), extra = fixed[key]
        day = date(year, m, d)
        return day, day + timedelta(days=extra)
    if key == "thanksgiving":
        day = _nth_weekday(year, 11, 3, 4)
        return day, day
    if key == "blackfriday":
        day = _nth_weekday(year, 11, 3, 4) + timedelta(days=1)
        return day, day
    table = {"cny": _CNY, "duanwu": _DUANWU, "zhongqiu": _ZHONGQIU}.get(key)
    if key in ("cnyeve", "lantern", "cnyholiday"):
        table = _CNY
    if table is None or year not in table:
        return None
    day = date(year, *table[year])
    if key == "cnyeve":
        day -= timedelta(days=1)
    elif key == "lantern":
        day += timedelta(days=14)
    elif key == "cnyholiday":
        return day - timedelta(days=1), day + timedelta(days=5)
    return day, day


_FESTIVAL_WORDS = [
    (r"双十一|双11|光棍节|singles'?\s*day|double\s*11|11\.11", "d11"),
    (r"双十二|双12|double\s*12|12\.12", "d12"),
    (r"(?<![\d.$¥#A-Za-z])(?:618|6·18|六一八)(?![\d.%])", "618"),
    # "520当天", "去年520呢": 5月20日 (said "I love you"), only as a day, not an amount or an id
    (r"(?<![\d.$¥#A-Za-z])520(?=\s*(?:当天|那天|节|期间|大促|活动|前后|呢|[？?，,]|$))", "520"),
    (r"春节(?:期间|假期|长假)", "cnyholiday"),
    (r"春节|过年|农历新年|chinese\s+new\s+year|lunar\s+new\s+year|spring\s+festival", "cny"),
    (r"除夕|年三十", "cnyeve"),
    (r"元宵节?|lantern\s+festival", "lantern"),
    (r"端午节?|dragon\s+boat(?:\s+festival)?", "duanwu"),
    (r"中秋节?|mid-?autumn(?:\s+festival)?", "zhongqiu"),
    (r"元旦|new\s+year'?s\s+day", "newyear"),
    (r"情人节|valentine'?s(?:\s+day)?", "valentine"),
    (r"国庆(?:节|黄金周|长假|假期)?|十一黄金周|national\s+day", "national"),
    (r"平安夜|christmas\s+eve", "xmaseve"),
    (r"圣诞节?|christmas(?:\s+day)?|xmas", "christmas"),
    (r"感恩节|thanksgiving(?:\s+day)?", "thanksgiving"),
    (r"黑五|黑色星期五|black\s+friday", "blackfriday"),
]

# -- lexical pieces ---------------------------------------------------------------------------------

_CN = "〇零一二三四五六七八九"
_CN_NUM = rf"[{_CN}十百两]+"
_Y_ZH = (
    rf"(?:(?P<y>(?<![\d.])(?:\d{{4}}|\d{{2}})|(?<![{_CN}十])(?:[{_CN}]{{4}}|[{_CN}]{{2}})"
    r"|今|去|前|明|本|上一?|下一?)\s*年度?"
    # "97全年", "98上半年", "97一季度": a year written without 年, touching the part of it that follows
    r"|(?P<yb>(?<![\d.])(?:(?:19|20)\d{2}|\d{2}))(?=\s*(?:上半年|下半年|全年|整年|一整年|第?\s*[一二三四1-4]\s*季)))"
)
_M_ZH = rf"(?<![\d.{_CN}十])(?P<m>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
_M2_ZH = r"(?P<m2>1[0-2]|0?[1-9]|十[一二]?|[一二三四五六七八九])"
# A day followed by its week ("6月1号那周", "1998-06-01所在的一周"): the Monday-Sunday week holding it.
_WEEK_OF = (
    r"(?P<wk>\s*(?:所在的?\s*(?:那|这)?|那|这|当)\s*(?:一\s*)?(?:个\s*)?(?:周|星期|礼拜)(?![一二三四五六日天几末]))"
)
_RANGE_SEP_ZH = r"(?:到|至|-|~|～|—|–)"
_EN_NUM = r"(?:\d+|" + "|".join(EN_NUMBERS) + r"|a|an)"
_MONTH_NAMES = {
    "january": 1, "jan": 1, "february": 2, "feb": 2, "march": 3, "mar": 3, "april": 4, "apr": 4, "may": 5,
    "june": 6, "jun": 6, "july": 7, "jul": 7, "august": 8, "aug": 8, "september": 9, "sept": 9, "sep": 9,
    "october": 10, "oct": 10, "november": 11, "nov": 11, "december": 12, "dec": 12,
}  # fmt: skip
_MN = "|".join(sorted(_MONTH_NAMES, key=len, reverse=True))
_EN_PREP = r"(?:in|during|for|of|since|from|to|until|till|through|and|vs\.?|versus|between|than|before|after)"
_EN_ORD = {"first": 1, "1st": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4, "latter": 2}
_EN_ORD_RE = "|".join(_EN_ORD)
_YEAR_EN = r"(?P<yt>(?:19|20)\d{2})|'(?P<yt2>\d{2})"
# (再上一个礼拜 / 再上个月: the one before the previous, like 上上)
_REL_ZH = r"(?P<rel>上上个?|再上一?个?|上一?个?|本|这一?个?|下一?个?)"
_NOT_A_DAY = r"[共起下直般样些点次个天周]"  # "上礼拜一共", "这周一直": 一 starts a word, names no weekday
_REL_EN = r"(?P<rel>the\s+previous|previous|prior|last|this|current|the\s+current|next|the\s+next)"

_CONJ = re.compile(r"\s*(?:和|与|及|以及|跟|、|,|，|或|或者|还有|and|or|&|vs\.?|versus)\s*", re.IGNORECASE)
_RANGE_JOIN = re.compile(r"\s*(?:到|至|-|~|～|—|–|to|through|thru|until|till)\s*", re.IGNORECASE)
_BETWEEN_AND = re.compile(r"\s*and\s*", re.IGNORECASE)

# The words for the two comparisons, used alone (anywhere in a question) and right before a period they point at.
_YEAR_WORD = r"同比|(?<![A-Za-z])yoy(?![A-Za-z])|\by/y\b|year[- ]over[- ]year|year[- ]on[- ]year"
_PREV_WORD = (
    r"环比|环必|环笔|(?<![A-Za-z])(?:mom|m/m|qoq|q/q|wow|w/w)(?![A-Za-z])|month[- ]over[- ]month|month[- ]on[- ]month|"
    r"quarter[- ]over[- ]quarter|quarter[- ]on[- ]quarter|week[- ]over[- ]week"
)
_CMP_YEAR = re.compile(
    rf"{_YEAR_WORD}|去年同月|去年同季度?|去年同周|(?:the\s+)?same\s+(?:month|quarter|week)\s+(?:of\s+)?"
    r"(?:last|the\s+previous|a)\s+year|"
    r"vs\.?\s+(?:the\s+)?same\s+period|比去年同期",
    re.IGNORECASE,
)
_CMP_PREV = re.compile(
    rf"{_PREV_WORD}|(?:和|跟|与|比|较|对比)\s*(?:再)?(?:往)?(?:前|上)一(?:个)?(?:月|期|周|季度|年|星期|礼拜)|"
    # "比再前面一个月多还是少": the period before the one just asked
    r"(?:和|跟|与|比|较|对比)\s*(?:再)?(?:前面|之前|更早)的?一?个?(?:月|期|周|季度)|"
    r"(?:compar\w*|vs\.?|versus|against|than)\s+(?:\w+\s+){0,2}(?:the\s+)?(?:month|quarter|week)\s+before\b|"
    r"(?:和|跟|与|比|较|对比)\s*(?:之前|前面)一?(?:个)?(?:月|季度|周)|"
    # "跟之前比呢", "比以前咋样": the period before, of the same length
    r"(?:和|跟|与|较|对比)\s*(?:之前|以前|前面)(?=\s*(?:比|相比|对比)?\s*(?:呢|怎么样|咋样|如何|[？?，,。]|$))|"
    r"(?:比|较|对比|相比|vs\.?|versus|compared\s+(?:to|with)|against)\s*(?:the\s+)?(?:上一?期|前一?期|上个?周期|"
    r"previous\s+period|prior\s+period|period\s+before)|"
    # "the last 30 days versus the 30 days before that", "vs the previous 30 days", "跟再之前30天比": the same length
    # just before
    r"(?:compar\w*|vs\.?|versus|against|than)\s+(?:to\s+|with\s+)?(?:the\s+)?(?:(?:previous|prior|preceding)\s+\d+\s+days"
    r"|\d+\s+days\s+(?:before|prior)(?:\s+(?:that|it|then))?)|"
    r"(?:和|跟|与|比|较|对比)\s*(?:再)?(?:之前|前面|往前)的?\s*\d+\s*天",
    re.IGNORECASE,
)
# A year said to be whole ("1997 full year", "97年全年", "the whole of 1997"): never narrowed to the base's span.
_WHOLE_YEAR = re.compile(r"\s*(?:年)?\s*(?:full\s+year|whole\s+year|entire\s+year|全年|整年|一整年)", re.IGNORECASE)
_WHOLE_YEAR_BEFORE = re.compile(r"(?:full\s+year|whole\s+(?:of\s+)?|entire\s+|全年|整个)\s*$", re.IGNORECASE)


_PREV_TARGET = re.compile(rf"(?:{_PREV_WORD})\s*(?:vs\.?|于|跟|和|比|对比)?\s*$", re.IGNORECASE)
_YEAR_TARGET = re.compile(rf"(?:{_YEAR_WORD})\s*(?:vs\.?|于|跟|和|比|对比)?\s*$", re.IGNORECASE)


def both_comparisons_base(text: str, periods: Sequence[Period]) -> tuple[date, date] | None:
    """The base period of "环比5月、同比去年6月" when the periods named are what it is compared with: the span after the
    one named right after 环比, or a year after the one named right after 同比; None when no period is named so."""
    # a period written with its own year first: a bare month may have borrowed its neighbour's ("环比5月、同比去年6月")
    for p in sorted(periods, key=lambda p: bool(p.assumed_year or p.year_from)):
        before = text[: p.span[0]]
        start, end = p.since or p.start, p.until or p.end
        if _PREV_TARGET.search(before):
            n = (end - start).days + 1
            if _is_month_start(start) and _is_month_end(end):
                months = _months_between(start, end)
                return add_months(start, months), add_months(end, months)
            return start + timedelta(days=n), end + timedelta(days=n)
        if _YEAR_TARGET.search(before):
            return shift_year(start, end, 1)
    return None


def names_comparison_target(text: str, period: Period) -> bool:
    """Whether ``period`` is written right after 环比 / 同比 (MoM, YoY): what the base is compared with."""
    before = text[: period.span[0]]
    return bool(_PREV_TARGET.search(before) or _YEAR_TARGET.search(before))


def compared_with(text: str, period: Period) -> bool:
    """Whether ``period`` is written right after a comparison word ("跟今年比", "vs last year"): compared with."""
    return bool(_CMP_LEAD.search(text[: period.span[0]]))


def asks_both_comparisons(text: str) -> bool:
    """Whether ``text`` asks for the previous period AND the same period a year earlier ("环比和同比分别",
    "MoM and YoY")."""
    return bool(_CMP_PREV.search(text) and _CMP_YEAR.search(text))


_CMP_ANY = re.compile(
    r"对比|比较|相比|比起|(?<![占对])比(?![例率重如较])|\bvs\.?|\bversus\b|\bcompar(?:e|ed|ing|ison)\b|\bagainst\b",
    re.IGNORECASE,
)

# A comparison word right before the only period names the period to compare WITH ("跟上个月比", "vs last year").
_CMP_LEAD = re.compile(
    r"(跟|和|与|同|比|较|对比|相比|比起|\bvs\.?|\bversus|\bcompared?\s+(?:to|with)|\bagainst|\bthan)\s*(?:the\s+)?$",
    re.IGNORECASE,
)
_SINCE_AFTER = re.compile(r"^\s*(?:以来|至今|迄今|到现在|到目前|到今天|起|开始|onwards?|on)", re.IGNORECASE)
_SINCE_BEFORE = re.compile(r"(?:从|自从?|since|from|starting(?:\s+in)?|beginning(?:\s+in)?)\s*$", re.IGNORECASE)
_AFTER_AFTER = re.compile(r"^\s*(?:之后|以后)")
_AFTER_BEFORE = re.compile(r"\bafter\s*$", re.IGNORECASE)
_BEFORE_AFTER = re.compile(r"^\s*(?:之前|以前)")
_BEFORE_BEFORE = re.compile(r"\bbefore\s*$", re.IGNORECASE)
_UNTIL_AFTER = re.compile(r"^\s*为止")
_UNTIL_BEFORE = re.compile(r"(?:截至|截止到?|until|till|up\s+to|through)\s*$", re.IGNORECASE)


# -- mentions ---------------------------------------------------------------------------------------

Bounds = Callable[[int], "tuple[date, date] | None"]


@dataclass
class _Mention:
    start: int
    end: int
    kind: str
    bounds: Bounds | None = None  # year -> (start, end) for kinds whose year may be missing
    year: int | None = None  # the year written, if any
    fixed: tuple[date, date] | None = None  # relative and absolute periods that need no year
    rolling_days: int | None = None
    rolling_unit: str = ""
    same_year: int | None = None  # 同期 target year (None: a year before the base)
    year_from: str = ""
    texts: list[str] = field(default_factory=list)


class _Ctx:
    def __init__(self, data_start: date, data_end: date) -> None:
        self.start = data_start
        self.end = data_end

    def year(self, tok: str) -> int:
        tok = tok.strip()
        rel = {"今": 0, "本": 0, "去": -1, "上": -1, "上一": -1, "前": -2, "明": 1, "下": 1, "下一": 1}
        if tok in rel:
            return self.end.year + rel[tok]
        if tok.startswith("'"):
            tok = tok[1:]
        if not tok.isdigit():
            tok = "".join(str(to_int(ch)) for ch in tok)
        n = int(tok)
        if len(tok) == 4:
            return n
        base = self.end.year - self.end.year % 100 + n
        return min((base - 100, base, base + 100), key=lambda y: abs(y - self.end.year))

    def latest_year(self, bounds: Bounds) -> int | None:
        """The latest year whose occurrence starts on or before the data end."""
        for y in (self.end.year, self.end.year - 1, self.end.year - 2):
            b = bounds(y)
            if b is not None and b[0] <= self.end:
                return y
        return None

    def months_back(self, n: int) -> tuple[date, date]:
        end = month_end(self.end.year, self.end.month)
        return add_months(date(self.end.year, self.end.month, 1), -(n - 1)), end

    def days_back(self, n: int) -> tuple[date, date]:
        return self.end - timedelta(days=n - 1), self.end


def _month_bounds(m: int, part: str = "", day: int = 0) -> Bounds:
    def b(y: int) -> tuple[date, date] | None:
        if day:
            try:
                d = date(y, m, day)
            except ValueError:
                return None
            if part == "week":  # "6月1号那周": the Monday-Sunday week holding that day
                monday = d - timedelta(days=d.weekday())
                return monday, monday + timedelta(days=6)
            return d, d
        last = month_end(y, m)
        if part in ("初", "上旬"):
            return date(y, m, 1), date(y, m, 10)
        if part == "中旬":
            return date(y, m, 11), date(y, m, 20)
        if part in ("底", "末", "下旬"):
            return date(y, m, 21), last
        return date(y, m, 1), last

    return b


def _months_bounds(m1: int, m2: int) -> Bounds:
    def b(y: int) -> tuple[date, date]:
        y2 = y + 1 if m2 < m1 else y
        return date(y, m1, 1), month_end(y2, m2)

    return b


def _quarter_bounds(q1: int, q2: int | None = None) -> Bounds:
    q2 = q2 or q1
    return lambda y: (date(y, 3 * q1 - 2, 1), month_end(y, 3 * q2))


def _half_bounds(h: int) -> Bounds:
    return lambda y: (date(y, 1, 1), date(y, 6, 30)) if h == 1 else (date(y, 7, 1), date(y, 12, 31))


def _year_bounds(part: str = "") -> Bounds:
    def b(y: int) -> tuple[date, date]:
        if part == "初":
            return date(y, 1, 1), month_end(y, 2)
        if part == "中":
            return date(y, 6, 1), date(y, 7, 31)
        if part in ("底", "末"):
            return date(y, 11, 1), date(y, 12, 31)
        return date(y, 1, 1), date(y, 12, 31)

    return b


def _festival_bounds(key: str, window: str) -> Bounds:
    def b(y: int) -> tuple[date, date] | None:
        got = _festival(key, y)
        if got is None:
            return None
        if window in ("前后", "左右", "around"):
            return got[0] - timedelta(days=7), got[1] + timedelta(days=7)
        if window == "week":  # "双11那一周": the Monday-Sunday week holding the festival's first day
            monday = got[0] - timedelta(days=got[0].weekday())
            return monday, monday + timedelta(days=6)
        if window == "month":  # "双十一那个月": the calendar month holding the festival's first day
            return date(got[0].year, got[0].month, 1), month_end(got[0].year, got[0].month)
        return got

    return b


def _num(tok: str | None) -> int | None:
    if tok is None:
        return None
    tok = tok.strip().lower()
    if tok in ("a", "an"):
        return 1
    return to_int(tok)


def _rel_offset(rel: str) -> int:
    rel = re.sub(r"\s+", " ", rel.lower()).replace("the ", "")
    if rel.startswith(("上上", "再上")):
        return -2
    if rel.startswith("上") or rel in ("previous", "prior", "last"):
        return -1
    if rel.startswith("下") or rel == "next":
        return 1
    return 0


# Each rule: a pattern and a handler turning its match into a mention (or None to discard it).
_Rule = tuple[re.Pattern[str], Callable[[re.Match[str], _Ctx], _Mention | None]]


def _m(match: re.Match[str], kind: str, **kw: object) -> _Mention:
    return _Mention(match.start(), match.end(), kind, **kw)  # type: ignore[arg-type]


def _opt_year(match: re.Match[str], ctx: _Ctx) -> int | None:
    g = match.groupdict()
    for key in ("y", "yb", "y4", "y2", "y2s", "yt", "yt2", "yt3", "yt4", "ym2"):
        if g.get(key):
            return ctx.year(g[key])
    return None


def _named_or_rel_year(match: re.Match[str], ctx: _Ctx) -> int | None:
    """The year a period names ("Q2 1998") or points at ("Q2 last year", "may last year": group ``rel``)."""
    rel = match.groupdict().get("rel")
    return ctx.end.year + _rel_offset(rel) if rel else _opt_year(match, ctx)


def _h_month_zh(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    m = to_int(match.group("m"))
    if not m or m > 12:
        return None
    day = int(match.group("d")) if match.groupdict().get("d") else 0
    part = match.groupdict().get("part") or ""
    if day and match.groupdict().get("wk"):
        part = "week"
    kind = ("week" if part == "week" else "day") if day else "month"
    return _m(match, kind, bounds=_month_bounds(m, part, day), year=_opt_year(match, ctx))


def _h_month_week(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    """ "6月第二周": the N-th Monday-Sunday week of the month, week 1 being the first with at least four of its
    days in the month (as ISO weeks belong to a year), so a month starting on Friday begins its weeks on the 4th."""
    m, n = to_int(match.group("m")), to_int(match.group("wn"))
    if not m or m > 12 or not n:
        return None

    def b(y: int) -> tuple[date, date]:
        first = date(y, m, 1)
        monday = first - timedelta(days=first.weekday())
        if first.weekday() > 3:  # Friday-Sunday: that week has under four days in the month
            monday += timedelta(days=7)
        start = monday + timedelta(days=7 * (n - 1))
        return start, start + timedelta(days=6)

    return _m(match, "week", bounds=b, year=_opt_year(match, ctx))


def _h_iso(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    m = int(match.group("m"))
    day = int(match.group("d")) if match.group("d") else 0
    week = bool(day and match.groupdict().get("wk"))
    kind = "week" if week else "day" if day else "month"
    return _m(match, kind, bounds=_month_bounds(m, "week" if week else "", day), year=int(match.group("y")))


def _h_day_range_zh(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    """11月1号到15号: days of one month, the second written without its month."""
    m, d1, d2 = to_int(match.group("m")), int(match.group("d")), int(match.group("d2"))
    if not m or m > 12 or d2 <= d1:
        return None

    def b(y: int) -> tuple[date, date] | None:
        try:
            return date(y, m, d1), date(y, m, d2)
        except ValueError:
            return None

    return _m(match, "range", bounds=b, year=_opt_year(match, ctx))


def _h_month_range_zh(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    m1, m2 = to_int(match.group("m")), to_int(match.group("m2"))
    if not m1 or not m2 or m1 > 12 or m2 > 12:
        return None
    return _m(match, "range", bounds=_months_bounds(m1, m2), year=_opt_year(match, ctx))


def _h_quarter(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    q = _num(match.group("q")) if match.group("q").strip().lower() not in _EN_ORD else _EN_ORD[match.group("q").lower()]
    q2_tok = match.groupdict().get("q2")
    q2 = _num(q2_tok) if q2_tok else None
    if not q or q > 4 or (q2 is not None and not 1 <= q2 <= 4):
        return None
    return _m(match, "quarter", bounds=_quarter_bounds(q, q2), year=_named_or_rel_year(match, ctx))


def _h_month_quarter(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    q = {"mar": 1, "jun": 2, "sep": 3, "dec": 4}[match.group("qm").lower()[:3]]
    return _m(match, "quarter", bounds=_quarter_bounds(q, None), year=_named_or_rel_year(match, ctx))


def _h_half(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    tok = match.group("h").lower()
    h = {"上": 1, "前": 1, "下": 2, "后": 2, "1": 1, "2": 2}.get(tok) or _EN_ORD.get(tok)
    if h not in (1, 2):
        return None
    year = _opt_year(match, ctx)
    rel = match.groupdict().get("rel")
    if rel:
        year = ctx.end.year + _rel_offset(rel)
    return _m(match, "half", bounds=_half_bounds(h), year=year)


def _h_year_zh(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    part = (match.groupdict().get("part") or "").lstrip("年")
    return _m(match, "year", bounds=_year_bounds(part), year=_opt_year(match, ctx))


def _h_fy_span(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    a, b = match.group("fa") or match.group("fa2"), match.group("fb") or match.group("fb2")
    y1, y2 = ctx.year(a), ctx.year(b)
    if y2 != y1 + 1:
        return None
    return _m(match, "range", fixed=(date(y1, 7, 1), date(y2, 6, 30)))


def _h_year_plain(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    before = match.string[max(0, match.start() - 12) : match.start()].lower()
    if re.search(r"(?:客户|顾客|用户|会员|编号|customer|client|id|#|no\.)\s*$", before):
        return None
    if re.search(r"(?:过|超过|超|高于|大于|不到|低于|少于|满|over|above|under|below|than|[>＞<＜≥≤]=?)\s*$", before):
        return None  # "单量过2000的月份", "over 2000 orders": a bound, not the year 2000
    if re.search(r"(?:花了|花过|花|消费了|消费过|消费|spent|spend)\s*\$?\s*$", before) or re.match(
        r"\s*(?:以上|以下|及以上|多|块|元|刀|美元|美金|dollars?)", match.string[match.end() :]
    ):
        return None  # "去年花了2000以上": an amount, not the year 2000
    year = _opt_year(match, ctx)
    if _COUNT_NOUN_AFTER.match(match.string, match.end()) and not (year and ctx.start.year <= year <= ctx.end.year):
        return None
    return _m(match, "year", bounds=_year_bounds(), year=year)


def _h_year_2d(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    """A bare two-digit year in English ("in 97", "rate 97?"): only a year the data covers."""
    year = _opt_year(match, ctx)
    if year is None or not ctx.start.year <= year <= ctx.end.year:
        return None
    if re.search(r"\b(?:end|start|beginning|middle)\s+of\s*$", match.string[: match.start("yt2")], re.I):
        return None  # "a holiday bump at the end of 97? Compare Nov-Dec with Sep-Oct": the months name the periods
    if re.search(r"\bby\s+(?:spend|revenue|sales)\s*$", match.string[: match.start()], re.I):
        return _m(match, "year", bounds=_year_bounds(), year=year)  # "top 5 accts by spend 97": a ranking's year
    return _h_year_plain(match, ctx)


def _h_rel_year_en(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    y = ctx.end.year + _rel_offset(match.group("rel"))
    return _m(match, "year", bounds=_year_bounds(), year=y)


def _h_first_n(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    n = _num(match.group("n"))
    unit = match.group("u")
    limit = 4 if "季" in unit else 12
    if not n or n > limit:
        return None
    bounds = _quarter_bounds(1, n) if "季" in unit else _months_bounds(1, n)
    return _m(match, "range", bounds=bounds, year=_opt_year(match, ctx))


def _h_rel_month(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    d = add_months(date(ctx.end.year, ctx.end.month, 1), _rel_offset(match.group("rel")))
    part = match.groupdict().get("part") or ""
    got = _month_bounds(d.month, part)(d.year)
    return _m(match, "month", fixed=got)


def _h_rel_quarter(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    q0 = date(ctx.end.year, 3 * ((ctx.end.month - 1) // 3) + 1, 1)
    s = add_months(q0, 3 * _rel_offset(match.group("rel")))
    return _m(match, "quarter", fixed=(s, add_months(s, 3) - timedelta(days=1)))


def _h_rel_week(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    monday = ctx.end - timedelta(days=ctx.end.weekday()) + timedelta(days=7 * _rel_offset(match.group("rel")))
    return _m(match, "week", fixed=(monday, monday + timedelta(days=6)))


def _h_rel_weekday(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    """ "上周一" / "这个礼拜五": that day of the previous / this week (Monday-Sunday)."""
    monday = ctx.end - timedelta(days=ctx.end.weekday()) + timedelta(days=7 * _rel_offset(match.group("rel")))
    d = monday + timedelta(days="一二三四五六日天".index(match.group("wd")) if match.group("wd") != "天" else 6)
    return _m(match, "day", fixed=(d, d))


def _h_rel_day(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    """ "昨天" / "琴日" / "yesterday": the day before the data's last day ("now" is the data's end); "前天" two days."""
    word = match.group(0).lower()
    back = 2 if word in ("前天", "前日") else 0 if word in ("今天", "今日", "today", "so far today") else 1
    d = ctx.end - timedelta(days=back)
    return _m(match, "day", fixed=(d, d))


def _h_rel_en(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    unit = match.group("u").lower()
    handler = {"month": _h_rel_month, "quarter": _h_rel_quarter, "week": _h_rel_week, "year": _h_rel_year_en}
    if unit == "day":
        d = ctx.end + timedelta(days=_rel_offset(match.group("rel")))
        return _m(match, "day", fixed=(d, d))
    return handler[unit](match, ctx)


def _rolling(match: re.Match[str], ctx: _Ctx, n: int, unit: str, future: bool = False) -> _Mention | None:
    # A window longer than a century is a misreading ("前2000年"), and would leave the calendar.
    if n <= 0 or n * {"day": 1, "week": 7, "month": 31, "quarter": 92, "year": 366}[unit] > 36600:
        return None
    if unit in ("day", "week"):
        days = n * (7 if unit == "week" else 1)
        if future:
            s = ctx.end + timedelta(days=1)
            return _m(match, "rolling", fixed=(s, s + timedelta(days=days - 1)), rolling_days=days, rolling_unit=unit)
        s, e = ctx.days_back(days)
        return _m(match, "rolling", fixed=(s, e), rolling_days=days, rolling_unit=unit)
    months = n * {"month": 1, "quarter": 3, "year": 12}[unit]
    if future:
        s = add_months(date(ctx.end.year, ctx.end.month, 1), 1)
        e = add_months(s, months) - timedelta(days=1)
    else:
        s, e = ctx.months_back(months)
    return _m(match, "rolling", fixed=(s, e), rolling_days=(e - s).days + 1, rolling_unit=unit)


def _unit(tok: str) -> str:
    tok = tok.lower()
    for key, unit in (("天", "day"), ("日", "day"), ("day", "day"), ("周", "week"), ("星期", "week"), ("礼拜", "week")):
        if key in tok:
            return unit
    for key, unit in (("week", "week"), ("季", "quarter"), ("quarter", "quarter"), ("月", "month"), ("month", "month")):
        if key in tok:
            return unit
    return "year"


def _h_rolling_zh(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    n_tok = match.group("n")
    before = match.string[max(0, match.start() - 4) : match.start()]
    if (
        match.group(0).startswith("前")
        and n_tok == "一"
        and re.search(r"(?:和|跟|与|比|较|对比)\s*(?:再)?(?:往)?$", before)
    ):
        return None  # "和前一个月比": the period before the one named, a comparison (_CMP_PREV), not a window
    if n_tok == "半":
        return _rolling(match, ctx, 6, "month")
    n = _num(n_tok)
    return _rolling(match, ctx, n, _unit(match.group("u"))) if n else None


def _h_rolling_en(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    n = _num(match.group("n")) if match.group("n") else 1
    pre = match.group("pre").lower()
    return _rolling(match, ctx, n or 0, _unit(match.group("u")), future=pre in ("next", "coming"))


def _h_iso_short_range(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    y, m = int(match.group("y")), int(match.group("m"))
    m2 = int(match.group("m2")) if match.group("m2") else m
    try:
        s, e = date(y, m, int(match.group("d"))), date(y, m2, int(match.group("d2")))
    except ValueError:
        return None
    return _m(match, "range", fixed=(s, e)) if s <= e else None


def _h_data_day(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    """数据最后一天 / the first day of the data: that one day."""
    day = ctx.start if re.search(r"第一|首日|头一|first", match.group(0), re.IGNORECASE) else ctx.end
    return _m(match, "day", fixed=(day, day))


def _h_recent(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    """最近 / 近期 / lately with no length: the last three whole months (said in the answer as that window)."""
    mention = _rolling(match, ctx, 3, "month")
    if mention is not None:
        mention.kind = "recent"
    return mention


def _h_half_year_rolling(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    return _rolling(match, ctx, 6, "month")


def _h_ttm(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    return _rolling(match, ctx, 12, "month")


def _h_ytd(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    tok = match.group(0).lower()
    if "月" in tok or "mtd" in tok or "month" in tok:
        s = date(ctx.end.year, ctx.end.month, 1)
    elif "季" in tok or "qtd" in tok or "quarter" in tok:
        s = date(ctx.end.year, 3 * ((ctx.end.month - 1) // 3) + 1, 1)
    else:
        s = date(ctx.end.year, 1, 1)
    return _m(match, "ytd", fixed=(s, ctx.end))


def _h_festival(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    name = match.group("f")
    key = next((k for pat, k in _FESTIVAL_WORDS if re.fullmatch(pat, name, re.IGNORECASE)), None)
    if key is None:
        return None
    if key in ("618", "520"):
        before = match.string[max(0, match.start("f") - 12) : match.start("f")].lower()
        after = match.string[match.end("f") : match.end("f") + 3]
        if re.search(r"(?:客户|顾客|用户|会员|编号|customer|client|id|#|no\.)\s*$", before) or re.match(
            r"\s*(?:元|块|美元|件|个|单|笔|位|名|人|次|号|\$|dollars?|usd)", after, re.IGNORECASE
        ):
            return None
    window = (match.groupdict().get("w") or match.groupdict().get("around") or "").lower()
    window = "around" if window.startswith("around") else window
    window = "week" if re.search(r"周|星期|礼拜", window) else "month" if window.endswith(("月", "月份")) else window
    kind = "festival"
    return _m(match, kind, bounds=_festival_bounds(key, window), year=_opt_year(match, ctx))


def _h_month_en(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    name = match.group("mn")
    m = _MONTH_NAMES[name.lower().rstrip(".")]
    year = _named_or_rel_year(match, ctx)
    day = int(match.group("d")) if match.group("d") else 0
    prep = match.group("prep")
    # "May I ..." / "mar" / "dec" as words: a bare "may" or abbreviation needs a year, a day, a preposition or
    # another month name it is listed with ("Jan, Feb and Mar 1997", "Apr–Jun 98").
    # ("June" and "July" are full names, only four letters long)
    if (
        year is None
        and not day
        and not prep
        and (name.lower() == "may" or (len(name) <= 4 and name.lower() not in ("june", "july")))
        and not _MONTH_LIST_NEXT.match(match.string, match.end())
        and not _MONTH_LIST_PREV.search(match.string[: match.start()])
    ):
        return None
    # "the week of June 22": the Monday-Sunday week holding that day, as "6月22号那周"
    part, kind = ("week", "week") if day and match.group("wk") else ("", "day" if day else "month")
    if prep and not match.group("wk"):  # the preposition is context, not part of the period's text
        return _Mention(match.start("mn"), match.end(), kind, bounds=_month_bounds(m, part, day), year=year)
    return _m(match, kind, bounds=_month_bounds(m, part, day), year=year)


# a month name listed with another: what may follow it, or precede it
_MONTH_LIST_SEP = r"\s*(?:,|/|&|-|–|—|~|\band\b|\bor\b|\bto\b|\bthrough\b|\bvs\.?)\s*(?:and\s+)?"
_MONTH_LIST_NEXT = re.compile(rf"{_MONTH_LIST_SEP}(?:{_MN})\b", re.IGNORECASE)
_MONTH_LIST_PREV = re.compile(rf"\b(?:{_MN})\b\.?{_MONTH_LIST_SEP}$", re.IGNORECASE)


def _h_month_yy(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    return _m(match, "month", bounds=_month_bounds(int(match.group("m")), "", 0), year=_opt_year(match, ctx))


def _h_same(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    year = _opt_year(match, ctx)
    rel = match.groupdict().get("rel")
    if rel:
        year = ctx.end.year - 1
    return _m(match, "same_period", same_year=year)


def _c(pattern: str, flags: int = re.IGNORECASE) -> re.Pattern[str]:
    return re.compile(pattern, flags)


_FEST_RE = "|".join(p for p, _ in _FESTIVAL_WORDS)

_Y_PRE = rf"(?:{_Y_ZH}\s*的?\s*)"  # an optional "98年" / "今年" before a month, quarter, half or festival


def _y_digits_pre(letters: str) -> str:
    """ "1998Q1" / "1998 H1" / "98Q1": a year written before a Q or H token (2 digits only when touching it)."""
    return (
        rf"|(?<![\d.])(?P<y4>(?:19|20)\d{{2}})\s*[-/]?\s*|(?<![\d.])(?P<y2>\d{{2}})(?=[{letters}])"
        # "98 H1": one blank between, not after a rank word ("top 10 Q1 customers")
        rf"|(?<![\d.$#])(?<!top )(?<!bottom )(?<!first )(?<!last )(?<!前)(?P<y2s>\d{{2}})\s(?=[{letters}][1-4]\b)"
    )


# "Q1 1998", "Q1 '98", "H1 of 1998", and "Q2 of 98" (a bare two-digit year only after "of")
_Y_EN_POST = (
    rf"(?:\s*[,/]?\s*(?:of\s+)?(?:{_YEAR_EN})"
    r"|\s+of\s+(?P<yt3>\d{2})(?![\d%])(?!\s*(?:customers?|orders?|units?|items?|dollars?|usd|people)\b)"
    # "Q4 97", "H2 98": two digits that cannot be a count of days or months are the year
    r"|\s+(?P<yt4>3[2-9]|[4-9]\d)(?![\d%.,])(?!\s*(?:customers?|orders?|units?|items?|dollars?|usd|people|days?)\b)"
    # "Q2 last year", "H1 of this year"
    r"|\s+(?:of\s+)?(?:the\s+)?(?P<rel>last|this|next|previous|prior|current)\s+year)?"
)
_NOT_A_YEAR = (
    r"(?!\s*(?:年|[-/.]\d|\d|%|元|块|美元|件|个|单|笔|位|名|人|次|\$|[QqHh][1-4]"
    r"|dollars?|usd))"
)
# "1997 orders": a count unless 1997 is a year of the data ("what share of 1997 orders")
_COUNT_NOUN_AFTER = re.compile(r"\s*(?:orders?|customers?|units?|items?)\b", re.IGNORECASE)
_YTD = (
    r"(?:今|本)年(?:以来|至今|迄今|到现在|到目前为止|到今天)|年初(?:以来|至今|迄今|到现在|到目前为止|到今天)"
    r"|本月(?:至今|以来)|月初至今|本季度?(?:至今|以来)|\b(?:ytd|mtd|qtd)\b|\b(?:year|month|quarter)[- ]to[- ]date\b"
    r"|so\s+far\s+this\s+year|this\s+year\s+so\s+far"
)


def _h_month_before_last(match: re.Match[str], ctx: _Ctx) -> _Mention | None:
    d = add_months(date(ctx.end.year, ctx.end.month, 1), -2)
    return _m(match, "month", fixed=(d, month_end(d.year, d.month)))


_RULES: list[_Rule] = [
    # 1998-06-01至06-18 / 1998-06-01 to 06-18: a range whose end leaves out the year (and maybe the month)
    (
        _c(
            r"(?<![\d.])(?P<y>(?:19|20)\d{2})-(?P<m>1[0-2]|0?[1-9])-(?P<d>3[01]|[12]\d|0?[1-9])\s*(?:至|到|~|～|–|—|to|-)\s*"
            r"(?:(?P<m2>1[0-2]|0?[1-9])-)?(?P<d2>3[01]|[12]\d|0?[1-9])(?![\d\-/.])"
        ),
        _h_iso_short_range,
    ),
    # 1998-03-05 / 1998/3 / 1998.3
    (
        _c(
            r"(?<![\d.])(?P<y>(?:19|20)\d{2})\s*[-/.]\s*(?P<m>1[0-2]|0?[1-9])"
            r"(?:\s*[-/.]\s*(?P<d>3[01]|[12]\d|0?[1-9]))?(?![\d])"
            rf"{_WEEK_OF}?"
        ),
        _h_iso,
    ),
    # 去年11月1号到15号 / 6月8日-14日: days of one month, the second day written without its month
    (
        _c(
            rf"{_Y_PRE}?{_M_ZH}\s*月\s*(?P<d>3[01]|[12]\d|0?[1-9])\s*[日号]?\s*{_RANGE_SEP_ZH}\s*"
            r"(?P<d2>3[01]|[12]\d|0?[1-9])\s*[日号](?!\s*[至到\-~～—–]|\d)"
        ),
        _h_day_range_zh,
    ),
    # 6月第二周 / 98年6月的第3个星期: the N-th Monday-Sunday week of the month
    (
        _c(rf"{_Y_PRE}?{_M_ZH}\s*月份?\s*的?\s*第\s*(?P<wn>[1-5一二三四五])\s*(?:周|个?星期|个?礼拜)"),
        _h_month_week,
    ),
    # 98年3月 / 3月 / 1998年3月5日 / 3月底
    (
        _c(
            rf"{_Y_PRE}?{_M_ZH}\s*月份?(?:\s*(?P<d>3[01]|[12]\d|0?[1-9])\s*[日号]{_WEEK_OF}?)?"
            r"(?P<part>初|底|末|上旬|中旬|下旬)?"
        ),
        _h_month_zh,
    ),
    # 98年4到6月 / 1-3月 / 3月到5月 / 11月至2月
    (_c(rf"{_Y_PRE}?{_M_ZH}\s*(?:月份?)?\s*{_RANGE_SEP_ZH}\s*{_M2_ZH}\s*月份?"), _h_month_range_zh),
    # 98年第一季度 / 一季度 / 第3季度 / 一到三季度
    (
        _c(
            rf"{_Y_PRE}?(?:第\s*)?(?<![\d{_CN}十])(?P<q>[1-4一二三四])\s*"
            rf"(?:(?:季度?)?\s*{_RANGE_SEP_ZH}\s*(?:第\s*)?(?P<q2>[1-4一二三四])\s*)?季度?(?![\d节])"
        ),
        _h_quarter,
    ),
    # 98年Q1 / 1998Q1 / 98Q1 / Q1 1998 / Q1 '98 / Q1-Q2
    (
        _c(
            rf"(?:{_Y_PRE}{_y_digits_pre('Qq')})?(?<![A-Za-z])[Qq](?P<q>[1-4])"
            rf"(?:\s*(?:-|~|到|至|to)\s*[Qq](?P<q2>[1-4]))?(?![\d]){_Y_EN_POST}"
        ),
        _h_quarter,
    ),
    # the March quarter / June quarter '98 / Sept quarter last year: the quarter named by its last month (AU/NZ usage)
    (
        _c(
            r"\b(?:the\s+)?(?P<qm>march|mar|june|jun|september|sept|sep|december|dec)(?:[- ]end(?:ing)?)?\s+quarter"
            rf"{_Y_EN_POST}"
        ),
        _h_month_quarter,
    ),
    # first quarter of 1998 / the 2nd quarter
    (_c(rf"\b(?:the\s+)?(?P<q>{_EN_ORD_RE})\s+quarter(?:\s+(?:of\s+)?(?:{_YEAR_EN}))?"), _h_quarter),
    # 98年上半年 / 下半年 / H1 1998 / 1998H2 / first half of 1997
    (_c(rf"{_Y_PRE}?(?P<h>上|下)半年度?"), _h_half),
    (
        _c(
            rf"(?:{_Y_PRE}{_y_digits_pre('Hh')})?(?<![A-Za-z])[Hh](?P<h>[12])(?![\d])"
            rf"{_Y_EN_POST}"
        ),
        _h_half,
    ),
    (
        _c(
            rf"\b(?:the\s+)?(?P<h>first|second|1st|2nd|latter)\s+half(?:\s+of\s+(?:(?:{_YEAR_EN})"
            r"|(?:the\s+)?(?P<rel>this|last|next|previous)\s+year|the\s+year))?"
        ),
        _h_half,
    ),
    # 98年 / 今年 / 去年底 / 98年初 / 1998年全年 ; bare 年初/年底/全年
    (_c(rf"{_Y_ZH}(?:\s*的?\s*(?P<part>初|底|末|年初|年中|年底|年末))?(?:全年|整年|一整年)?"), _h_year_zh),
    (_c(rf"(?<![\d{_CN}十今去前明本上下整全每])年(?P<part>初|中|底|末)|全年|整年"), _h_year_zh),
    # 98-03 / 97-12: a two-digit year and a two-digit month
    (_c(r"(?<![\d.\-/])(?P<yt2>[4-9]\d)-(?P<m>0[1-9]|1[0-2])(?![\d\-/])"), _h_month_yy),
    # "the 97-98 financial year" / FY97/98 / 97/98财年: a year spanning two calendar years, July to June (the AU/NZ
    # financial year; the answer states the dates)
    (
        _c(
            r"(?:\bFY\s*'?|\b(?:the\s+)?'?)(?P<fa>(?:19|20)?\d{2})\s*[-/–]\s*'?(?P<fb>(?:19|20)?\d{2})"
            r"(?:\s+(?:financial|fiscal)\s+year|\s*(?:财年|财政年度|会计年度))"
            r"|\bFY\s*'?(?P<fa2>(?:19|20)?\d{2})\s*[-/–]\s*'?(?P<fb2>(?:19|20)?\d{2})\b"
        ),
        _h_fy_span,
    ),
    # FY1997 / FY97 / FY '98: the calendar year (the data has no fiscal calendar)
    (_c(r"\bFY\s*'?(?:(?P<yt>(?:19|20)\d{2})|(?P<yt2>\d{2}))(?!\d)"), _h_year_plain),
    # 1998 / in 1997 / in '97
    # "订单数超过2000的月份", "over 2000 orders": a bound, not a year
    (
        _c(
            rf"(?<![\d.$¥#A-Za-z'])(?<!超过)(?<!大于)(?<!多于)(?<!少于)(?<!低于)(?<!高于)(?<!不到)(?<!超)(?<!过了)(?<!过)"
            rf"(?<!over )(?<!above )(?<!than )(?<!under )(?<!below )(?P<yt>(?:19|20)\d{{2}}){_NOT_A_YEAR}"
        ),
        _h_year_plain,
    ),
    (_c(r"\b(?:in|during|for|of|since|from|until|through|to|vs\.?)\s+'(?P<yt2>\d{2})\b"), _h_year_plain),
    # terse English with no apostrophe: "repeat rate 97?", "top 5 accts by spend 97", "spent over $1k in 97" (only a
    # year of the data: "in 30 days" is no year)
    (
        _c(
            r"\b(?:in|during|for|of|since|from|until|through|vs\.?)\s+(?P<yt2>\d{2})\b(?![.,]\d)"
            r"(?!\s*(?:%|percent|days?|weeks?|months?|years?|customers?|accts?|orders?|people|times|x\b|k\b|\+|[QqHh][1-4]\b))"
        ),
        _h_year_2d,
    ),
    # "97按季度拆一下", "98的呢": a two-digit year opening a clause, before 按 / 的 / 呢
    (
        _c(r"(?:^|(?<=[，,。？?；;：:\s]))(?P<yt2>[4-9]\d)(?=\s*(?:按|的(?![\d])|呢|每个?月|各个?月|分月|分季))"),
        _h_year_2d,
    ),
    (
        _c(
            r"(?<=[A-Za-z?])\s+(?P<yt2>\d{2})(?=\s*(?:[?？.!,;，。]|$|\b(?:vs|and|or|ytd|so\s+far|only|alone|total"
            r"|rev|revenue|sales|gmv)\b))"
        ),
        _h_year_2d,
    ),
    # 98年前三个月 / 今年前两个季度 / 前三季度
    (_c(rf"{_Y_PRE}前\s*(?P<n>\d+|{_CN_NUM})\s*(?P<u>个月|个?季度)"), _h_first_n),
    (_c(r"(?<!最近)(?<!近)(?<!过去)前\s*(?P<n>[1-4一二三四两])\s*(?P<u>季度)"), _h_first_n),
    # 上个月 / 本月 / 上上个月 / 上月底 ; 上季度 ; 上周 ; last month / this quarter
    (_c(rf"{_REL_ZH}月份?(?P<part>初|底|末)?"), _h_rel_month),
    (_c(rf"{_REL_ZH}季度?(?!节)"), _h_rel_quarter),
    (_c(rf"{_REL_ZH}(?:周|星期|礼拜)(?!\d|[一二三四五六日天](?!{_NOT_A_DAY}))"), _h_rel_week),
    # 上周一 / 上个礼拜五 / 这周日: that day of the week named ("上礼拜一共…" is last week, altogether)
    (_c(rf"{_REL_ZH}(?:周|星期|礼拜)(?P<wd>[一二三四五六日天])(?!{_NOT_A_DAY})"), _h_rel_weekday),
    (_c(rf"\b{_REL_EN}\s+(?P<u>month|quarter|week|year|day)\b"), _h_rel_en),
    # 昨天 / 昨日 / 前天 / yesterday: days before the data's last day
    (_c(r"昨天|昨日|前天|前日|\byesterday\b"), _h_rel_day),
    # 今天 as the period asked ("今天到现在呢", "今天卖了多少"), never "今天帮我看下上个月…"
    (
        _c(
            r"(?:今天|今日)(?=\s*(?:到现在|截至目前|为止|一共|总共|的)?\s*(?:卖|销售|订单|多少|几单|营收|流水|成交|下了|呢|[？?]|$))"
            r"|\btoday\b(?=\s*(?:so\s+far|[?]|$))|\bso\s+far\s+today\b"
        ),
        _h_rel_day,
    ),
    (_c(r"\bthe\s+month\s+before\s+last\b"), _h_month_before_last),
    # 最近三个月 / 近30天 / 过去一年 / 前30天 / 近半年 / last 3 months / past 90 days
    (
        _c(
            rf"(?:最近|近来|近|过去的?|前|这)\s*(?P<n>\d+|{_CN_NUM}|半)\s*"
            r"(?P<u>个?(?:自然)?(?:天|日(?![期志])|周|星期|礼拜|月|季度|年))(?:来|以来|内|里)?"
        ),
        _h_rolling_zh,
    ),
    (_c(r"(?:最近|近|过去的?)\s*半年(?:来|以来|内|里)?|半年以来|半年来"), _h_half_year_rolling),
    # 数据最后一天 / 第一天呢 / the last day of the data: the data's own first or last day
    (
        _c(
            r"(?:数据(?:的|里的|里)?)(?:最后一天|最后1天|最末一天|第一天|首日|头一天)"
            r"|(?<![的买购单次])(?:最后一天|第一天)(?=\s*(?:呢|的|有|[？?]|$))"
            r"|\bthe\s+(?:first|last|final)\s+day\s+(?:of|in)\s+the\s+data(?:set)?\b"
        ),
        _h_data_day,
    ),
    # 最近生意怎么样 / how are sales lately: no length named, the last three months ("最近一次", "最近的X" excepted)
    (
        _c(
            r"(?:最近|近期|近来)(?!\s*(?:\d|[一二三四五六七八九十两几半]|的|次|时候?))"
            r"|\b(?:lately|recently|these\s+days)\b"
        ),
        _h_recent,
    ),
    (
        _c(
            r"\b(?:in\s+|over\s+|during\s+)?(?:the\s+)?(?P<pre>last|past|previous|prior|trailing|recent|next|coming)"
            rf"\s+(?:(?P<n>{_EN_NUM})\s+)?(?P<u>days?|weeks?|months?|quarters?|years?)\b"
        ),
        _h_rolling_en,
    ),
    (_c(r"\b(?:ltm|ttm)\b"), _h_ttm),
    # 年初至今 / 今年以来 / YTD / MTD / QTD
    (_c(_YTD), _h_ytd),
    # festivals, optionally with a year and a window
    (
        _c(
            rf"{_Y_PRE}?(?P<f>{_FEST_RE})(?P<w>前后|左右|期间|当天|(?:所在的?)?(?:那|这|当)\s*(?:一\s*)?(?:个\s*)?(?:周|星期|礼拜)"
            rf"(?![一二三四五六日天几末])|(?:所在的?)?(?:那|这|当)\s*(?:一\s*)?个?\s*月(?:份)?)?(?:\s+(?:{_YEAR_EN}))?"
        ),
        _h_festival,
    ),
    (_c(rf"(?P<around>around)\s+(?P<f>{_FEST_RE})(?:\s+(?:{_YEAR_EN}))?"), _h_festival),
    # March 1997 / in March / Mar 5, 1998
    (
        _c(
            r"(?P<wk>\b(?:the\s+)?week\s+of\s+(?:the\s+)?)?"
            rf"(?:\b(?P<prep>{_EN_PREP})\s+(?:the\s+(?:month\s+of\s+)?)?)?\b(?P<mn>{_MN})\b\.?"
            rf"(?:\s+(?P<d>3[01]|[12]\d|0?[1-9])(?:st|nd|rd|th)?\b)?(?:,?\s*(?:{_YEAR_EN}))?"
            # "Feb 97", "Mar 98": two digits that cannot be a day are the year
            r"(?:(?<=[A-Za-z.])(?:\s+|-|\s*')(?P<ym2>3[2-9]|[4-9]\d)\b(?!\s*(?:%|customers?|orders?|units?|dollars?|usd)))?"
            # "may last year", "June of this year"
            r"(?:\s+(?:of\s+)?(?P<rel>last|this|previous|prior)\s+year\b)?"
        ),
        _h_month_en,
    ),
    # 去年同期 / 97年同期 / 同期 / same period last year
    (_c(rf"{_Y_PRE}?(?:同期(?!群)|同月|同季度?)"), _h_same),
    (
        _c(
            r"\b(?:the\s+)?same\s+(?:(?:\d{1,2}|two|three|four|six|twelve)\s+)?(?:period|time|months?|quarter|weeks?)\s+(?:(?:of|in)\s+)?"
            rf"(?:(?P<rel>last\s+year|a\s+year\s+(?:ago|earlier|before)|the\s+(?:previous|prior)\s+year)|(?:{_YEAR_EN}))"
        ),
        _h_same,
    ),
]


# -- scanning and resolution ------------------------------------------------------------------------


def _scan(text: str, ctx: _Ctx) -> list[_Mention]:
    found: list[tuple[int, int, int, _Mention]] = []
    for order, (pattern, handler) in enumerate(_RULES):
        for match in pattern.finditer(text):
            if match.end() == match.start():
                continue
            try:
                got = handler(match, ctx)
            except (ValueError, OverflowError):  # a date off the calendar ("9999年下个月"): not a period
                continue
            if got is not None:
                found.append((got.end - got.start, -order, got.start, got))
    # Longest match first: "98年前三个月" beats "98年" and "前三个月"; "上上个月" beats "上个月".
    found.sort(key=lambda t: (-t[0], t[2], -t[1]))
    taken: list[_Mention] = []
    for _, _, _, mention in found:
        if all(mention.end <= t.start or mention.start >= t.end for t in taken):
            taken.append(mention)
    taken.sort(key=lambda t: t.start)
    for mention in taken:
        mention.texts = [text[mention.start : mention.end].strip()]
    return taken


def _resolve_one(m: _Mention, ctx: _Ctx, year: int | None) -> tuple[date, date] | None:
    if m.fixed is not None:
        return m.fixed
    if m.bounds is None:
        return None
    y = year if year is not None else m.year
    try:
        if y is None:
            y = ctx.latest_year(m.bounds)
            if y is None:
                return None
        return m.bounds(y)
    except (ValueError, OverflowError):  # year 0 or 10000: reported as unresolved
        return None


def _needs_year(m: _Mention) -> bool:
    return m.fixed is None and m.bounds is not None and m.year is None


@dataclass
class _Resolved:
    mention: _Mention
    start: date
    end: date
    kind: str
    assumed: bool
    year_from: str = ""


# A comparison word right before a period with no year, after a period with one ("…，跟年初两个月比")
_COMPARED_WITH_END = re.compile(r"[，,]\s*(?:跟|和|与|对比|比)\s*$|\b(?:vs\.?|versus|compared\s+(?:to|with))\s*$", re.I)


def _resolve(text: str, mentions: list[_Mention], ctx: _Ctx) -> tuple[list[_Resolved], list[str]]:
    out: list[_Resolved] = []
    unresolved: list[str] = []
    i = 0
    while i < len(mentions):
        m = mentions[i]
        nxt = mentions[i + 1] if i + 1 < len(mentions) else None
        if m.kind == "same_period":
            out.append(_Resolved(m, date.min, date.min, "same_period", False))
            i += 1
            continue
        if nxt is not None and nxt.kind != "same_period" and _joins_range(text, m, nxt):
            rng = _resolve_range(m, nxt, ctx)
            if rng is not None:
                s, e, assumed = rng
                merged = _Mention(m.start, nxt.end, "range", texts=[text[m.start : nxt.end].strip()])
                out.append(_Resolved(merged, s, e, "range", assumed))
                i += 2
                continue
        year_from = ""
        year: int | None = None
        if _needs_year(m) and out:
            prev = out[-1]
            between = text[prev.mention.end : m.start]
            if (
                prev.kind != "same_period"
                and not prev.assumed
                and (_CONJ.fullmatch(between) or _COMPARED_WITH_END.search(between))
                and prev.mention.fixed is None
            ):
                # "97年12月跟3月比", "去年年底两个月营收合计多少，跟年初两个月比呢": the compared period's year
                year, year_from = prev.start.year, prev.mention.texts[0]
        got = _resolve_one(m, ctx, year)
        if got is None:
            unresolved.append(m.texts[0])
        else:
            assumed = _needs_year(m) and year is None
            out.append(_Resolved(m, got[0], got[1], m.kind, assumed, year_from))
        i += 1
    _year_from_list_end(text, out, ctx)
    return out, unresolved


# A year written after the last month of a list ("Jan, Feb and Mar 1997", "Jan/Feb/Mar '97"): English puts the
# year once, at the end, for the whole list.
_YEAR_AT_END = re.compile(r"(?:(?:19|20)\d{2}|'?\d{2})$")


def _year_from_list_end(text: str, out: list[_Resolved], ctx: _Ctx) -> None:
    for j in range(len(out) - 2, -1, -1):
        cur, nxt = out[j], out[j + 1]
        if not cur.assumed or nxt.assumed or cur.kind != nxt.kind or nxt.kind == "same_period":
            continue
        between = text[cur.mention.end : nxt.mention.start]
        if not (_CONJ.fullmatch(between) or between.strip() == "/"):
            continue
        if not (nxt.year_from or _YEAR_AT_END.search(nxt.mention.texts[0])):
            continue
        got = _resolve_one(cur.mention, ctx, nxt.start.year)
        if got is not None:
            out[j] = _Resolved(cur.mention, got[0], got[1], cur.kind, False, nxt.year_from or nxt.mention.texts[0])


def _joins_range(text: str, a: _Mention, b: _Mention) -> bool:
    between = text[a.end : b.start]
    if _RANGE_JOIN.fullmatch(between):
        return True
    if a.kind in ("year", "half", "quarter") and b.kind in ("year", "half", "quarter") and a.kind != b.kind:
        # "How did units per order move between 1997 and the first half of 1998?": two periods of different kinds,
        # compared, not one span
        return False
    return (
        bool(_BETWEEN_AND.fullmatch(between)) and re.search(r"between\s*$", text[: a.start], re.IGNORECASE) is not None
    )


def _resolve_range(a: _Mention, b: _Mention, ctx: _Ctx) -> tuple[date, date, bool] | None:
    assumed = False
    if _needs_year(a) and _needs_year(b):
        ra = _resolve_one(a, ctx, None)
        assumed = True
        if ra is None:
            return None
        rb = _resolve_one(b, ctx, ra[0].year)
        if rb is not None and rb[1] < ra[0]:
            rb = _resolve_one(b, ctx, ra[0].year + 1)
    elif _needs_year(b):
        ra = _resolve_one(a, ctx, None)
        if ra is None:
            return None
        rb = _resolve_one(b, ctx, ra[1].year)
        if rb is not None and rb[1] < ra[0]:
            rb = _resolve_one(b, ctx, ra[1].year + 1)
    elif _needs_year(a):
        rb = _resolve_one(b, ctx, None)
        if rb is None:
            return None
        ra = _resolve_one(a, ctx, rb[0].year)
        if ra is not None and ra[0] > rb[1]:
            ra = _resolve_one(a, ctx, rb[0].year - 1)
    else:
        ra, rb = _resolve_one(a, ctx, None), _resolve_one(b, ctx, None)
    if ra is None or rb is None or rb[1] < ra[0]:
        return None
    return ra[0], rb[1], assumed


def clip_to_data(s: date, e: date, data_start: date, data_end: date) -> tuple[date | None, date | None]:
    """A span clipped to the data's range (``since``/``until`` of a Period); ``(None, None)`` when wholly outside."""
    return _clip(s, e, _Ctx(data_start, data_end))


def _clip(s: date, e: date, ctx: _Ctx) -> tuple[date | None, date | None]:
    if e < ctx.start or s > ctx.end:
        return None, None
    return max(s, ctx.start), min(e, ctx.end)


def _period(r: _Resolved, ctx: _Ctx, start: date, end: date, kind: str, text: str | None = None) -> Period:
    since, until = _clip(start, end, ctx)
    return Period(
        text=text if text is not None else r.mention.texts[0],
        start=start,
        end=end,
        since=since,
        until=until,
        kind=kind,
        assumed_year=r.assumed,
        year_from=r.year_from,
        rolling_days=r.mention.rolling_days,
        rolling_unit=r.mention.rolling_unit,
        span=(r.mention.start, r.mention.end),
        data_start=ctx.start,
        data_end=ctx.end,
    )


def _apply_modifier(text: str, r: _Resolved, ctx: _Ctx) -> tuple[date, date, str, str]:
    """since/after/before/until words around a single mention turn it into an open-ended span."""
    m = r.mention
    before, after = text[max(0, m.start - 12) : m.start], text[m.end : m.end + 6]
    if r.kind in ("rolling", "ytd", "range"):
        return r.start, r.end, r.kind, ""
    if _SINCE_AFTER.match(after) and not re.match(r"^\s*on\b", after, re.IGNORECASE):
        word = _SINCE_AFTER.match(after)
        return r.start, max(ctx.end, r.start), "since", word.group(0) if word else ""
    if _AFTER_AFTER.match(after) or _AFTER_BEFORE.search(before):
        return r.end + timedelta(days=1), max(ctx.end, r.end + timedelta(days=1)), "since", ""
    if _BEFORE_AFTER.match(after) or _BEFORE_BEFORE.search(before):
        return min(ctx.start, r.start - timedelta(days=1)), r.start - timedelta(days=1), "until", ""
    if _UNTIL_AFTER.match(after) or _UNTIL_BEFORE.search(before):
        return min(ctx.start, r.start), r.end, "until", ""
    if _SINCE_BEFORE.search(before):
        return r.start, max(ctx.end, r.start), "since", ""
    return r.start, r.end, r.kind, ""


def compare_spans(text: str) -> list[tuple[int, int]]:
    """Where the comparison words are (同比, 环比, 和前一个月比, YoY), so other readers can skip them."""
    return [m.span() for pat in (_CMP_YEAR, _CMP_PREV) for m in pat.finditer(text)]


def as_date(value: date | str) -> date:
    """A date or its ISO text (``"1998-06-30"``, or a timestamp whose first 10 characters are one)."""
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def parse_time(text: str, data_start: date | str, data_end: date | str) -> TimeParse:
    """Every period and the comparison a question names, resolved against ``[data_start, data_end]`` (inclusive;
    dates or ISO strings; ``data_end`` is "now")."""
    start, end = as_date(data_start), as_date(data_end)
    try:
        listed = _month_lists_as_ranges(text)
        parsed = _parse_time(listed, start, end)
        if listed == text:
            return parsed
        # the periods say what the question wrote ("11、12月"), not the range it was read as
        return replace(parsed, periods=tuple(_as_written(p, listed, text) for p in parsed.periods))
    except (ValueError, OverflowError):
        # Only a comparison that leaves the calendar (a year before year 1) gets here: nothing is guessed.
        return TimeParse(unresolved=(text.strip(),))


# "11、12月", "1、2、3月": consecutive months listed are the range they span (same length: spans stay valid)
_MONTH_LIST = re.compile(r"(?<!\d)(1[0-2]|0?[1-9])((?:\s*[、,，]\s*(?:1[0-2]|0?[1-9])){1,2})\s*月")


def _month_lists_as_ranges(text: str) -> str:
    def joined(m: re.Match[str]) -> str:
        first, inner = m.group(1), m.group(2)
        months = [int(first), *(int(x) for x in re.findall(r"\d+", inner))]
        if any(b != a + 1 for a, b in zip(months, months[1:], strict=False)):
            return m.group(0)
        # the same length: "1、2、3月" is read as "1  -3月"
        return first + f"-{months[-1]}".rjust(len(inner)) + m.group(0)[len(first) + len(inner) :]

    return _MONTH_LIST.sub(joined, text)


def _as_written(period: Period, read: str, written: str) -> Period:
    a, b = period.span
    if period.text == read[a:b].strip() and read[a:b] != written[a:b]:
        return replace(period, text=written[a:b].strip())
    return period


def _parse_time(text: str, data_start: date, data_end: date) -> TimeParse:
    ctx = _Ctx(data_start, data_end)
    mentions = _scan(text, ctx)
    resolved, unresolved = _resolve(text, mentions, ctx)

    periods: list[Period] = []
    same: list[tuple[int, _Resolved]] = []
    for r in resolved:
        if r.kind == "same_period":
            same.append((len(periods), r))
            periods.append(_period(r, ctx, data_end, data_end, "same_period"))  # placeholder, replaced below
            continue
        s, e, kind, extra = _apply_modifier(text, r, ctx)
        p = _period(r, ctx, s, e, kind)
        if extra:
            p = replace(p, text=text[r.mention.start : r.mention.end + len(extra)].strip())
        periods.append(p)

    cmp_year = _CMP_YEAR.search(text)
    cmp_prev = _CMP_PREV.search(text)
    cmp_any = _CMP_ANY.search(text)
    compare_kind: CompareKind | None = None
    compare_text = ""
    if cmp_prev:
        compare_kind, compare_text = "previous", cmp_prev.group(0)
    elif cmp_year:
        compare_kind, compare_text = "year", cmp_year.group(0)

    comparison: Comparison | None = None
    # 同期: the base is the nearest other period (before it, else after it), else the data-end month.
    for idx, r in same:
        others = [p for p in periods if p.kind != "same_period"]
        base = _nearest_base(periods, idx)
        if base is None:
            ms, me = date(data_end.year, data_end.month, 1), month_end(data_end.year, data_end.month)
            base = Period("", ms, me, *_clip(ms, me, ctx), "implicit", data_start=data_start, data_end=data_end)
        target = r.mention.same_year if r.mention.same_year is not None else base.start.year - 1
        if target == base.start.year:
            target -= 1
        bs, be = base.since or base.start, base.until or base.end
        s, e = shift_year(bs, be, target - bs.year)
        periods[idx] = replace(_period(r, ctx, s, e, "same_period"), basis=period_label(bs, be))
        if others or cmp_any or compare_kind:  # "去年同期的销售额" alone is a period, not a comparison
            comparison = _make_comparison(base, periods[idx], r.mention.texts[0])
            compare_kind = comparison.kind
            compare_text = compare_text or r.mention.texts[0]

    named = [p for p in periods if p.kind != "same_period"]
    # "Q2呢？另外Q2环比Q1是多少": the same span written twice is one period to compare
    distinct = [p for i, p in enumerate(periods) if all((q.start, q.end) != (p.start, p.end) for q in periods[:i])]
    if comparison is None and len(distinct) >= 2 and (cmp_any or compare_kind):
        a, b = distinct[0], distinct[1]
        base, other = (b, a) if a.start < b.start or (a.start == b.start and a.end < b.end) else (a, b)
        whole = (
            _WHOLE_YEAR.search(other.text)
            or _WHOLE_YEAR.match(text, other.span[1])
            or _WHOLE_YEAR_BEFORE.search(text, 0, other.span[0])
        )
        if not whole:  # "1997 full year versus H1 1998": the whole year, as written
            base, other = _year_compare_bare(base, other, ctx)
        word = compare_text or (cmp_any.group(0) if cmp_any else "")
        comparison = _make_comparison(base, other, word)
        compare_kind = comparison.kind
        compare_text = word
    elif (
        comparison is None
        and len(named) == 1
        and compare_kind == "year"
        and cmp_year is not None
        and named[0].span[0] >= cmp_year.end()
        and not text[cmp_year.end() : named[0].span[0]].strip()
        and shift_year(named[0].start, named[0].end, 1)[0] <= data_end
    ):
        # "同比去年6月呢", "同比1997年6月": the period named right after 同比 is the one compared with; the base is the
        # same span a year later
        other = named[0]
        s, e = shift_year(other.since or other.start, other.until or other.end, 1)
        since, until = _clip(s, e, ctx)
        base = Period("", s, e, since, until, "implicit", data_start=data_start, data_end=data_end)
        comparison = Comparison(compare_kind, compare_text, base, replace(other, kind="same_period"))
    elif comparison is None and named and compare_kind is not None:
        base = named[0]
        bs, be = base.since or base.start, base.until or base.end
        by_days = base.rolling_unit in ("day", "week")
        s, e = shift_year(bs, be) if compare_kind == "year" else previous_span(bs, be, by_days)
        since, until = _clip(s, e, ctx)
        other = Period(compare_text, s, e, since, until, "comparison", data_start=data_start, data_end=data_end)
        comparison = Comparison(compare_kind, compare_text, base, other)
    elif comparison is None and len(named) == 1 and len(periods) == 1:
        wanted = named[0]
        lead = _CMP_LEAD.search(text[: wanted.span[0]])
        if lead:
            # "销售额跟上个月比怎么样": the named period is what to compare with; the base is the data-end month
            # ("vs last year": this year to the data end against the same span a year earlier)
            whole_year = wanted.start == date(wanted.start.year, 1, 1) and wanted.end == date(wanted.start.year, 12, 31)
            if whole_year:
                ms, me = date(data_end.year, 1, 1), date(data_end.year, 12, 31)
            else:
                ms, me = date(data_end.year, data_end.month, 1), month_end(data_end.year, data_end.month)
            base = Period("", ms, me, *_clip(ms, me, ctx), "implicit", data_start=data_start, data_end=data_end)
            if (base.since, base.until) != (wanted.since, wanted.until):
                # "跟去年全年比": the whole year, as written (not the same span a year earlier)
                as_written = _WHOLE_YEAR.search(wanted.text) or _WHOLE_YEAR.match(text, wanted.span[1])
                if whole_year and not as_written and base.since is not None and base.until is not None:
                    s, e = shift_year(base.since, base.until)
                    wanted = replace(wanted, start=s, end=e, since=_clip(s, e, ctx)[0], until=_clip(s, e, ctx)[1],
                                     kind="same_period", basis=period_label(base.since, base.until))  # fmt: skip
                    periods[0] = wanted
                comparison = _make_comparison(base, wanted, lead.group(1))
                compare_kind, compare_text = comparison.kind, lead.group(1)

    return TimeParse(
        periods=tuple(periods),
        comparison=comparison,
        compare_kind=compare_kind,
        compare_text=compare_text,
        unresolved=tuple(unresolved),
    )


def _nearest_base(periods: list[Period], idx: int) -> Period | None:
    for j in range(idx - 1, -1, -1):
        if periods[j].kind != "same_period":
            return periods[j]
    for j in range(idx + 1, len(periods)):
        if periods[j].kind != "same_period":
            return periods[j]
    return None


def _year_compare_bare(base: Period, other: Period, ctx: _Ctx) -> tuple[Period, Period]:
    """今年上半年比去年: a sub-year base against a bare whole year means the same span a year earlier."""
    whole_year = other.kind == "year" and other.start.month == 1 and other.end == date(other.start.year, 12, 31)
    sub_year = base.kind != "year" and (base.end - base.start).days < 360
    # "1997 vs H1 1998", "1998年上半年…相比1997年": a four-digit year written out is the year as named
    written_out = bool(re.fullmatch(r"\s*(?:19|20)\d{2}\s*(?:年(?:全年)?)?\s*", other.text or ""))
    if whole_year and sub_year and base.start.year == other.start.year + 1 and not written_out:
        bs, be = base.since or base.start, base.until or base.end
        s, e = shift_year(bs, be)
        since, until = _clip(s, e, ctx)
        return base, replace(other, start=s, end=e, since=since, until=until, kind="same_period",
                             basis=period_label(bs, be))  # fmt: skip
    return base, other


def _make_comparison(base: Period, other: Period, word: str) -> Comparison:
    bs, be = base.since or base.start, base.until or base.end
    os_, oe = other.since or other.start, other.until or other.end
    if (os_, oe) == shift_year(bs, be):
        kind: CompareKind = "year"
    elif (os_, oe) == previous_span(bs, be, base.rolling_unit in ("day", "week")):
        kind = "previous"
    else:
        kind = "explicit"
    return Comparison(kind, word, base, other)
