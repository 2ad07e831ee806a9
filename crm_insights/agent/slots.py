"""Slot extractors: small pure functions that pull tool arguments out of a question (zh and en).

Each takes the question (and, where words vary by deployment, a lexicon from prompts/router.yaml) and
returns the value or None. They never guess: a bare number is not a customer id unless something says
so ("客户100", "customer 100", "C100", "00100"), so "top 10" and "13 weeks" stay what they are.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from crm_insights.agent.router.terms import find_terms as _find_terms
from crm_insights.agent.router.terms import has_any, normalise
from crm_insights.numerals import EN_NUMBERS, to_int

__all__ = ["has_any", "normalise"]  # the term engine moved to router/terms.py; callers still find it here

_CN_NUM = r"[零〇一二两三四五六七八九十百]+"
_NUM = rf"(?:\d+|{_CN_NUM})"
_EN_NUM = r"(?:\d+|" + "|".join(EN_NUMBERS) + r")"


# -- customer ids -----------------------------------------------------------------------------------

_CUSTOMER_PATTERNS = [
    # 客户100 / 客户 00100 / 客户编号 C100 / 顾客#42 / 用户ID: 7
    re.compile(
        r"(?:客户|顾客|用户|会员|买家|\b[Uu][Ii][Dd])\s*(?:编号|号码|ID|id|Id|号)?\s*(?:为|是)?\s*[:：#＃]?\s*([A-Za-z]{0,2}\d+)"
        # "首购的客户3个月后": a length of time, not customer 3
        r"(?![\d.]|\s*(?:个月|个|天|周|年|月|次|位|名|人|%|笔|单))"
        # "普通会员98H1的复购率": a year's half or quarter, not customer 98
        r"(?!(?<=\d)[HhQq][1-4])"
    ),
    # 100号客户 / 7592这个客户 / 7592这位顾客
    re.compile(
        r"(?<![\d.])(\d+)\s*(?:号|这个|这位|那个|那位|这|那)\s*(?:大|老|重点|VIP|vip)?\s*(?:客户|顾客|用户|会员|买家|客人)"
    ),
    # customer 100 / customer id 00100 / client #42 / customer no. 7 / customer C100
    re.compile(
        # "active buyers H1 1998", "customers Q2", "buyers 1998 vs 1997": a period, not an id
        r"\b(?:customer|cust|cus|client|user|member|buyer|account|acct)(?:s(?!\s*(?:19|20)\d\d\b))?\.?\s*"
        r"(?:id|no\.?|number|#)?\s*[:#]?\s*(?![HhQqMmWw][1-4]?\d?\b|FY|fy)([A-Za-z]{0,2}\d+)\b"
        # "Customer 180 days or more never buy": a length of time, not customer 180
        r"(?!\s*(?:days?|weeks?|months?|years?|times|%|percent)\b)",
        re.IGNORECASE,
    ),
    # "7592是不是我们最大的客户": an id opening the question, said of the customer (never a year)
    # ("7592今年下单多少钱？跟去年全年比呢", "7592最近一次啥时候买的": one customer's doings)
    re.compile(
        r"^\s*(?!(?:19|20)\d\d(?!\d))(\d{3,6})(?=\s*(?:是不是|是否|算不算|这个人|这人|他|她"
        r"|(?:今年|去年|前年|这个月|上个月|最近|一共|总共|累计)?\s*(?:下单|下过|下了|买了|买过|花了|消费|最后一次|最近一次|上次|多久"
        r"|还会|有没有|的(?:情况|消费|订单|购买|记录))))"
    ),
    # C100 / c00100 standing alone
    re.compile(r"(?<![A-Za-z0-9])([Cc]\d{1,10})(?![A-Za-z0-9])"),
    # id 100 / ID: 00100 / 编号100
    re.compile(r"(?:\bid\b|\bID\b|编号)\s*[:：#]?\s*(\d+)\b", re.IGNORECASE),
    # a zero-padded id such as 00100 (no count or year starts with 0)
    re.compile(r"(?<![\d.,])(0\d{3,9})(?![\d.,])"),
]


def extract_customer(text: str) -> str | None:
    """The customer id a question names, as written (``"100"``, ``"00100"``, ``"C100"``); None if none."""
    for pattern in _CUSTOMER_PATTERNS:
        m = pattern.search(text)
        if m:
            return m.group(1)
    return None


# -- counts and horizons ----------------------------------------------------------------------------

_TOP_K_PATTERNS = [
    re.compile(rf"(?:前|排名前|最高的|最多的|最大的|top\s*-?\s*)\s*({_NUM})", re.IGNORECASE),
    re.compile(rf"({_NUM})\s*(?:个|位|名|家|条|项|大|类|组)(?!月|星期|礼拜|周|小时|季度|客户|群|细分|分群)"),
    re.compile(
        rf"\b(?:top|first|best|largest|biggest|worst|riskiest)\s+({_EN_NUM})\b",
        re.IGNORECASE,
    ),
    re.compile(
        # "5 negative reviews": one adjective may stand between the count and its noun.
        rf"\b({_EN_NUM})\s+(?:(?!weeks?|months?|days?|years?|quarters?)[a-z-]+\s+)?(?:most|biggest|largest|highest|riskiest|top|customers|clients|accounts|buyers|people|"
        r"reviews|comments|examples|quotes|results|themes|topics|complaints|pieces|items|records|groups|categories|"
        r"clusters|buckets)\b",
        re.IGNORECASE,
    ),
    re.compile(r"\bk\s*=\s*(\d+)\b", re.IGNORECASE),
]


def extract_top_k(text: str) -> int | None:
    """How many items the user wants (前10 / 5位 / top 5 / 3 themes); None when unsaid."""
    for pattern in _TOP_K_PATTERNS:
        for m in pattern.finditer(text):
            if m.group(1) == "一" and not re.match(r"[前第]|top", m.group(0), re.IGNORECASE):
                continue  # "给我一个概况": 一个 is an article, not a count
            if re.match(r"\s*%", text[m.end(1) :]):
                continue  # "前10%的大客户": a share of the customers, not ten of them
            n = to_int(m.group(1))
            if n and 0 < n <= 1000:
                return n
    return None


_WEEKS_PER = {"week": 1.0, "month": 52 / 12, "day": 1 / 7, "quarter": 13.0, "year": 52.0}
_HORIZON_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"({_NUM})\s*个?\s*(?:周|星期|礼拜)"), "week"),
    (re.compile(rf"({_NUM})\s*个\s*月"), "month"),
    (re.compile(rf"({_NUM})\s*(?:天|日)(?![期志])"), "day"),
    (re.compile(rf"({_NUM})\s*个?\s*季度"), "quarter"),
    (re.compile(rf"({_NUM})\s*年(?!\d|前|度?的?[一二三四五六七八九十\d]+月)"), "year"),
    (re.compile(rf"\b({_EN_NUM})[\s-]*(?:weeks?|wks?)\b", re.IGNORECASE), "week"),
    (re.compile(rf"\b({_EN_NUM})[\s-]*months?\b", re.IGNORECASE), "month"),
    (re.compile(rf"\b({_EN_NUM})[\s-]*days?\b", re.IGNORECASE), "day"),
    (re.compile(rf"\b({_EN_NUM})[\s-]*quarters?\b", re.IGNORECASE), "quarter"),
    (re.compile(rf"\b({_EN_NUM})[\s-]*years?\b", re.IGNORECASE), "year"),
]
_HORIZON_WORDS: list[tuple[re.Pattern[str], int]] = [
    (re.compile(r"半年|half\s+(?:a\s+)?year|six\s+months", re.IGNORECASE), 26),
    (re.compile(r"下个?季度|本季度|这个季度|一个季度|next\s+quarter|this\s+quarter|a\s+quarter", re.IGNORECASE), 13),
    (re.compile(r"明年|下一年|一年内|未来一年|next\s+year|a\s+year|twelve\s+months|coming\s+year", re.IGNORECASE), 52),
    (re.compile(r"下个月|next\s+month|a\s+month", re.IGNORECASE), 4),
    (re.compile(r"下周|next\s+week", re.IGNORECASE), 1),
]


def extract_horizon_weeks(text: str) -> int | None:
    """A forecast horizon in weeks (8周 / 三个月 / next quarter / 26 weeks / half a year); None when unsaid."""
    for pattern, weeks in _HORIZON_WORDS:
        if pattern.search(text):
            return weeks
    for pattern, unit in _HORIZON_PATTERNS:
        m = pattern.search(text)
        if m:
            n = to_int(m.group(1))
            if n:
                if unit == "year" and n > 20:  # "1998年" is a date, not 1998 years
                    continue
                return max(1, round(n * _WEEKS_PER[unit]))
    return None


_FREQ_WORDS = {
    "day": ("按天|每天|逐日|每日|日度", "daily|by day|day[- ]by[- ]day|per day|each day"),
    "week": ("按周|每周|逐周|周度|按星期", "weekly|by week|week[- ](?:by|on|over)[- ]week|per week|each week"),
    "month": ("按月|每月|逐月|月度", "monthly|by month|month[- ](?:by|on|over)[- ]month|per month|each month"),
    "quarter": (
        "按季度?|每季度?|逐季|季度趋势|季度变化",
        "quarterly|by quarter|quarter[- ](?:by|on|over)[- ]quarter|per quarter|each quarter",
    ),
    "year": ("按年|每年|逐年|年度", "yearly|annual(?:ly)?|by year|year[- ](?:by|on|over)[- ]year|per year"),
}
_FREQ_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(rf"{zh}|\b(?:{en})\b", re.IGNORECASE), freq) for freq, (zh, en) in _FREQ_WORDS.items()
]


def extract_freq(text: str) -> str | None:
    """The period of a trend (按月 / weekly / quarter by quarter); None when unsaid (not a horizon: "next month")."""
    for pattern, freq in _FREQ_PATTERNS:
        if pattern.search(text):
            return freq
    return None


_RISK_THRESHOLD = re.compile(
    r"(?:churn|risk|probability|chance|流失|风险|概率)[^0-9%]{0,24}?"
    r"(?:above|over|greater than|more than|higher than|at least|exceeds?|>=?|超过|大于|高于|不低于|至少|以上|≥)\s*"
    r"(0?\.\d+|\d{1,3}(?:\.\d+)?\s*%|百分之[零〇一二两三四五六七八九十]+|[一二三四五六七八九]成)",
    re.IGNORECASE,
)


def extract_min_churn_risk(text: str) -> float | None:
    """A churn-risk threshold ("churn probability above 0.7", "流失概率超过70%", "风险高于七成"); None if unsaid."""
    m = _RISK_THRESHOLD.search(text)
    if not m:
        return None
    raw = m.group(1).replace(" ", "")
    if raw.startswith("百分之"):
        n = to_int(raw[3:])
        value = None if n is None else n / 100
    elif raw.endswith("成"):
        n = to_int(raw[:-1])
        value = None if n is None else n / 10
    elif raw.endswith("%"):
        value = float(raw[:-1]) / 100
    else:
        value = float(raw)
    return value if value is not None and 0.0 <= value <= 1.0 else None


_EN_ORDINALS = {
    "first": 1, "1st": 1, "top": 1, "second": 2, "2nd": 2, "third": 3, "3rd": 3, "fourth": 4, "4th": 4,
    "fifth": 5, "5th": 5, "sixth": 6, "6th": 6, "seventh": 7, "7th": 7, "eighth": 8, "8th": 8,
    "ninth": 9, "9th": 9, "tenth": 10, "10th": 10, "last": -1,
}  # fmt: skip
_ORDINAL_PATTERNS = [
    # 排第一的 / 第二个 / 第3位 / 第五名 (not 第2类 / 第2群, segments; not 第3周, time)
    re.compile(
        rf"排(?:名)?第\s*({_NUM})|第\s*({_NUM})\s*(?:个|位|名)(?!类|群|组|细分|分群|周|月|季度|年|天)"
        # "第一那个人", "第二那位客户": the one at that place in the list
        rf"|第\s*({_NUM})\s*(?:的)?(?:那|这)(?:个|位)"
    ),
    re.compile(r"(?:排|排名)?(最后)(?:一)?(?:个|位|名)"),
    re.compile(
        r"\b(?:the\s+)?("
        + "|".join(_EN_ORDINALS)
        + r")\s+(?:one|customer|client|person|guy|bloke|fella|chap|account|entry|name|buyer)\b",
        re.IGNORECASE,
    ),
    # "#1's lifetime value?", "No. 2's orders", "number 3": a place in the list written as a number
    re.compile(r"(?<![\w#])(?:#|no\.\s?|number\s+)(\d{1,2})(?!\d)(?=\s*(?:'s|’s|\b|$))", re.IGNORECASE),
]


def extract_ordinal(text: str) -> int | None:
    """A position in the previous answer's list ("排第一的那个人", "the second one", "最后一个"); -1 = the last."""
    for pattern in _ORDINAL_PATTERNS:
        m = pattern.search(text)
        if not m:
            continue
        token = next(g for g in m.groups() if g)
        if token == "最后":
            return -1
        n = _EN_ORDINALS.get(token.lower()) if token.isascii() and not token.isdigit() else to_int(token)
        if n:
            return n
    return None


# -- dates ------------------------------------------------------------------------------------------

_MONTHS = {
    name: i
    for i, names in enumerate(
        [
            (),
            ("january", "jan"),
            ("february", "feb"),
            ("march", "mar"),
            ("april", "apr"),
            ("may",),
            ("june", "jun"),
            ("july", "jul"),
            ("august", "aug"),
            ("september", "sep", "sept"),
            ("october", "oct"),
            ("november", "nov"),
            ("december", "dec"),
        ]
    )
    for name in names
}
_DATE_PATTERNS = [
    re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})[-/.](?P<m>\d{1,2})(?:[-/.](?P<d>\d{1,2}))?(?!\d)"),
    re.compile(
        r"(?<!\d)(?P<y>(?:19|20)\d{2})\s*年\s*(?:(?P<m>\d{1,2}|[一二三四五六七八九十]+)\s*月\s*(?:(?P<d>\d{1,2})\s*[日号])?)?"
    ),
    re.compile(
        r"\b(?:(?P<d>\d{1,2})\s+)?(?P<mname>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?\s+"
        r"(?:(?P<d2>\d{1,2}),?\s+)?(?P<y>(?:19|20)\d{2})\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:in|during|for|since|from|after|before|until|till|through|of)\s+(?P<y>(?:19|20)\d{2})\b", re.IGNORECASE
    ),
    # not glued to letters: "C2048" is a customer id
    re.compile(r"(?<![\dA-Za-z-])(?P<y>(?:19|20)\d{2})(?![\d-])"),
]
_SINCE_WORDS = re.compile(r"since|after|starting|from|以来|之后|以后|起|开始|从", re.IGNORECASE)
_BEFORE_WORDS = re.compile(r"before|prior to|之前|以前", re.IGNORECASE)
_UNTIL_WORDS = re.compile(r"until|till|up to|through|by the end|截至|截止|为止|以内", re.IGNORECASE)
_RANGE_SEP = re.compile(r"\s*(?:到|至|~|–|—|-|and|to|through|until|till)\s*", re.IGNORECASE)


def _date_bounds(m: re.Match[str]) -> tuple[str, str]:
    year = int(m.group("y"))
    groups = m.groupdict()
    month_tok = groups.get("m") or None
    month = to_int(month_tok) if month_tok else None
    if groups.get("mname"):
        month = _MONTHS[m.group("mname").lower()]
    day_tok = groups.get("d") or groups.get("d2")
    if month and day_tok:
        day = int(day_tok)
        return f"{year:04d}-{month:02d}-{day:02d}", f"{year:04d}-{month:02d}-{day:02d}"
    if month:
        last = calendar.monthrange(year, month)[1]
        return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}"
    return f"{year:04d}-01-01", f"{year:04d}-12-31"


def extract_dates(text: str) -> tuple[str | None, str | None]:
    """(since, until) as ISO dates from absolute dates in the question; (None, None) when none.

    One date: "since/之后" -> since only, "before/之前" -> until the day before it, "until/截至" -> until
    its end, else the whole period it names
    (1998 -> the year, 1998年3月 -> the month). Two dates: the range between them.
    """
    found: list[tuple[int, int, str, str]] = []
    taken: list[tuple[int, int]] = []
    for pattern in _DATE_PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.span()
            if any(s < end and start < e for s, e in taken):
                continue
            try:
                lo, hi = _date_bounds(m)
            except (ValueError, KeyError, TypeError):
                continue
            if not (1 <= int(lo[5:7]) <= 12):
                continue
            taken.append((start, end))
            found.append((start, end, lo, hi))
    if not found:
        return None, None
    found.sort()
    if len(found) >= 2:
        first, second = found[0], found[1]
        between = text[first[1] : second[0]]
        if _RANGE_SEP.fullmatch(between) or len(between.strip()) <= 3:
            return first[2], second[3]
    start, end, lo, hi = found[0]
    before = text[max(0, start - 12) : start]
    after = text[end : end + 6]
    if _BEFORE_WORDS.search(before) or _BEFORE_WORDS.search(after):
        return None, (date.fromisoformat(lo) - timedelta(days=1)).isoformat()
    if _UNTIL_WORDS.search(before) or _UNTIL_WORDS.search(after):
        return None, hi
    if _SINCE_WORDS.search(before) or _SINCE_WORDS.search(after):
        return lo, None
    return lo, hi


# -- lexicon slots ----------------------------------------------------------------------------------


def extract_sentiment(text: str, lexicon: Mapping[str, Sequence[str]]) -> str | None:
    """The one sentiment label the question asks about (负面/complaints -> negative); None if none or several."""
    all_terms = [(term, label) for label, terms in lexicon.items() for term in terms]
    hits = _find_terms(text, [t for t, _ in all_terms])
    labels = {label for _, _, hit in hits for term, label in all_terms if term == hit}
    if len(labels) == 1:
        return labels.pop()
    return None


@lru_cache(maxsize=256)
def _stem_pattern(stem: str, heads_en: tuple[str, ...], heads_zh: tuple[str, ...]) -> re.Pattern[str]:
    en = "|".join(re.escape(h) for h in sorted(heads_en, key=len, reverse=True))
    zh = "|".join(re.escape(h) for h in sorted(heads_zh, key=len, reverse=True))
    head = rf"\s*(?:的\s*)?(?:(?:{en})(?![a-z])|(?:{zh}))"
    start = r"(?<![a-z0-9])" if stem.isascii() else ""
    return re.compile(start + re.escape(stem.lower()) + head)


# A count standing on a segment name: right before it ("top10大客户", "前十大客户", "10个VIP", "top 15 vips",
# "the 10 most valuable") or right after it ("VIP top5", "大户top 20", "价值最高的8个客户"). Not an ordinal (第10个),
# not a bare 一 ("一个大客户说" is an article), not a duration after it ("高价值客户10个月").
_COUNT_BEFORE = re.compile(
    rf"(?:(?<![第a-z0-9])(?:top|first|前|排名前)\s*-?\s*(?:{_NUM}|{_EN_NUM})"
    # a bare number: Chinese, or up to 3 digits ("in 1998 vip ..." is a year; "c100" an id)
    rf"|(?<![第\da-z零〇一二两三四五六七八九十百])(?!一(?![十百]))(?:{_CN_NUM}|\d{{1,3}}))"
    r"\s*(?:个|位|名|家)?\s*(?:的\s*)?(?:most\s+)?$"  # "our 10 most valuable customers"
)
_COUNT_AFTER = re.compile(
    rf"(?P<de>\s*的)?\s*(?:(?:top|前|排名前)\s*-?\s*(?:{_NUM}|{_EN_NUM})|(?!一(?![十百]))(?:\d+|{_CN_NUM})\s*(?:个|位|名|家))"
    r"(?!\s*(?:个\s*)?(?:月|星期|礼拜|周|小时|季度|天|年))"
)


@lru_cache(maxsize=256)
def _heads_patterns(heads_en: tuple[str, ...], heads_zh: tuple[str, ...]) -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(a head noun at a position, after spaces; a name that ends with a head noun)."""
    en = "|".join(re.escape(h) for h in sorted(heads_en, key=len, reverse=True)) or "(?!)"
    zh = "|".join(re.escape(h) for h in sorted(heads_zh, key=len, reverse=True)) or "(?!)"
    head = rf"(?:(?<![a-z])(?:{en})(?![a-z])|(?:{zh}))"
    return re.compile(rf"\s*{head}"), re.compile(rf"{head}$")


def _counted(text: str, start: int, end: int, heads: tuple[re.Pattern[str], re.Pattern[str]]) -> bool:
    """Whether a count stands on the name at ``text[start:end]`` (see _COUNT_BEFORE / _COUNT_AFTER).

    After the name, 的 joins an adjective to its count ("价值最高的8个客户": the 8 most valuable) but makes a noun
    a possessive ("高价值客户的前10个流失风险最高的": the first 10 of that segment), which is not a count on it.
    """
    if _COUNT_BEFORE.search(text[:start]):
        return True
    head_at, ends_with_head = heads
    head = head_at.match(text, end)
    m = _COUNT_AFTER.match(text, head.end() if head else end)
    if m is None:
        return False
    noun = head is not None or ends_with_head.search(text[start:end]) is not None
    return not (m.group("de") and noun)


def _segment_mentions(
    text: str, lexicon: Sequence[Mapping[str, Any]], heads: Mapping[str, Sequence[str]] | None, stems: bool
) -> list[tuple[int, bool, Mapping[str, Any]]]:
    """(length, counted, entry) for each of the lexicon's patterns (or, ``stems``, stem + head noun) in ``text``."""
    heads = heads or {}
    heads_en, heads_zh = tuple(heads.get("en", ())), tuple(heads.get("zh", ()))
    head_re = _heads_patterns(heads_en, heads_zh)
    found: list[tuple[int, bool, Mapping[str, Any]]] = []
    if not stems:
        norm = normalise(text)
        for entry in lexicon:
            for i, j, term in _find_terms(text, list(entry["patterns"])):
                found.append((len(term), _counted(norm, i, j, head_re), entry))
    elif heads_en or heads_zh:
        lowered = text.lower()
        for entry in lexicon:
            for stem in entry.get("stems", ()) or ():
                m = _stem_pattern(str(stem), heads_en, heads_zh).search(lowered)
                if m:
                    found.append((m.end() - m.start(), _counted(lowered, m.start(), m.end(), head_re), entry))
    return found


def extract_segment(
    text: str, lexicon: Sequence[Mapping[str, Any]], heads: Mapping[str, Sequence[str]] | None = None
) -> str | None:
    """A segment reference: a number ("segment 2", "第2类", "细分2") or a lexicon phrase ("高价值" -> "高价值").

    An entry's ``stems`` ("dormant", "沉睡") name the segment when a head noun follows ("the dormant group",
    "loyal 那群人", "沉睡的那批"): ``heads`` gives the head nouns by language (both follow either stem).
    A name of an entry with ``ranks`` that carries a count ("top10大客户", "VIP top5") is not the segment but a
    ranking of customers (:func:`extract_rank_by`).
    """
    m = re.search(
        # "分群一共几类": 一共/一起/一下 are words, not segment 1.
        # "segment 0." ends a sentence: only a digit after the dot makes it a decimal.
        rf"(?:细分|分群|群组|客群|群体|segment|cluster|group)\s*(?:#|no\.?|number)?\s*({_NUM})(?!\d|\.\d)"
        r"(?!(?<=[一两])[共起下些样般直定致种])"
        rf"|第\s*({_NUM})\s*(?:类|个细分|个群|群|组|个分群)"
        # "2号群" / "5号分群" / "3号细分"
        rf"|(?<![\d.])({_NUM})\s*号\s*(?:细分|分群|群组|客群|群体|群|类)",
        text,
        re.IGNORECASE,
    )
    if m:
        n = to_int(m.group(1) or m.group(2) or m.group(3))
        if n is not None:
            return str(n)
    for stems in (False, True):  # a pattern names the segment before any stem does
        names = [
            (n, e)
            for n, counted, e in _segment_mentions(text, lexicon, heads, stems)
            if not (counted and e.get("ranks"))
        ]
        if names:
            return str(max(names, key=lambda x: x[0])[1]["phrase"])  # the longest; the first of equals
    return None


def extract_rank_by(
    text: str, lexicon: Sequence[Mapping[str, Any]], heads: Mapping[str, Sequence[str]] | None = None
) -> str | None:
    """What customers are ranked by when a count stands on a ranking segment name: "top10大客户", "前十大客户",
    "VIP top5", "our 10 most valuable customers" -> the entry's ``ranks`` ("spend"); None otherwise."""
    for stems in (False, True):
        for _, counted, entry in _segment_mentions(text, lexicon, heads, stems):
            if counted and entry.get("ranks"):
                return str(entry["ranks"])
    return None


_SUPERLATIVE_TO_GROUP = re.compile(r"\s*(?:的\s*)?(?:[那这]\s*)?(?:一\s*)?(?:个\s*)?|\s+(?:[a-z-]+\s+)?")
_GROUP_TO_SUPERLATIVE = re.compile(
    r"\s+(?:with|that has|that have|which has|that brings in|that brings|bringing in|having)\s+(?:the\s+)?"
)


def extract_segment_pick(text: str, spec: Mapping[str, Any]) -> str | None:
    """A superlative that names one segment of a list, as ``"<metric>:max"`` or ``"<metric>:min"``.

    "收入占比最高的那个群" -> "revenue_share:max", "the biggest segment" -> "size:max", "the segment with the
    smallest revenue share" -> "revenue_share:min". ``spec`` (router.yaml lexicons.segment_superlatives) gives
    the superlatives per metric and direction, the group nouns one must stand next to (so "收入最高的客户" is
    about customers), and the question words that make it a question about the list ("哪个群人数最多").
    """
    if not spec or has_any(text, list(spec.get("questions") or [])):
        return None
    terms = {
        str(term): f"{metric}:{direction}"
        for metric, directions in (spec.get("metrics") or {}).items()
        for direction, words in directions.items()
        for term in words
    }
    superlatives = _find_terms(text, list(terms))
    if not superlatives:
        return None
    norm = normalise(text)
    groups = _find_terms(text, list(spec.get("group_nouns") or []))
    for i, j, term in superlatives:
        for gi, gj, _ in groups:
            before = gi >= j and _SUPERLATIVE_TO_GROUP.fullmatch(norm[j:gi])
            after = gj <= i and _GROUP_TO_SUPERLATIVE.fullmatch(norm[gj:i])
            if before or after:
                return terms[term]
    return None


def pick_ranked(ids: Any, values: Any, direction: str) -> str | None:
    """The id whose value is the largest (``"max"``) or smallest (``"min"``); the first on ties; None when the
    lists do not line up or hold no numbers."""
    if not isinstance(ids, list) or not isinstance(values, list) or not ids or len(ids) != len(values):
        return None
    if not all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
        return None
    best = max(range(len(values)), key=lambda k: values[k] if direction == "max" else -values[k])
    return str(ids[best])


# '…' quotes a text, except an apostrophe year ("H1 '98 vs H1 '97" is two years, not a quote)
_QUOTES = re.compile(
    r"“([^”]+)”|「([^」]+)」|『([^』]+)』|\"([^\"]+)\"|(?<![A-Za-z])'(?!\d{2}(?!\d))([^']{4,})'(?![A-Za-z]|\d{2}(?!\d))"
)
_AFTER_COLON = re.compile(r"[:：]\s*(.{2,})$", re.S)
# "1.包装压坏了 2.音质不错", "1) slow 2) great": a numbered item after a blank or the start
_NUMBERED_ITEM = re.compile(r"(?:^|(?<=\s))\d{1,2}\s*[.、．)）]\s*(?!\d)")
_ANNOUNCES_TEXT = re.compile(
    r"句|段|条|评论|评价|反馈|留言|话|文字|内容|情感|情绪|分析|判断|text|sentence|review|comment|message|feedback|quote|"
    r"tweet|sentiment|tone|classify|analy[sz]e|label|said|says|wrote|writes",
    re.IGNORECASE,
)


QUOTES = _QUOTES  # quoted spans (the router leaves them uncorrected)


def extract_quoted(text: str) -> list[str]:
    """Texts the user quoted (“…”, 「…」, "…", '…'), in order."""
    return [next(g for g in m.groups() if g).strip() for m in _QUOTES.finditer(text)]


_VERDICT_THEN_TEXT = re.compile(
    r"(?:这条|这句|这个评价|这段|这条评论|这条评价|这条反馈)[^，,。？?\s]{0,4}?(?:是)?(?:好评还是差评|差评还是好评|正面还是负面|负面还是正面)"
    r"(?:吗|呢|啊)?[\s，,]+([^\s].{3,})$"
)


def extract_texts(text: str) -> list[str] | None:
    """Texts to analyse: the quoted ones, else what follows a colon ("分析这句话：质量很好"); None if none."""
    quoted = extract_quoted(text)
    if quoted:
        return quoted
    m = _AFTER_COLON.search(text)
    # Only when what precedes the colon announces a text ("分析这句话：", "classify this review:"), not a
    # heading ("NPS-style view: what share of our feedback is positive?").
    if m and _ANNOUNCES_TEXT.search(text[: m.start()]):
        tail = m.group(1).strip()
        parts = [p.strip() for p in re.split(r"\n+|(?<=[。！？!?])\s*", tail) if p.strip()]
        return parts or None
    spoken = _VERDICT_THEN_TEXT.search(text)
    if spoken:
        # "帮我看下这条是好评还是差评 碟子到手就裂了客服也不回消息" (voice input, no colon): the text after the ask
        return [spoken.group(1).strip()]
    first = _NUMBERED_ITEM.search(text)
    if first and first.start() > 0 and _ANNOUNCES_TEXT.search(text[: first.start()]):
        # "判断下这两条评论是好评还是差评 1.包装压坏了… 2.音质不错…": the numbered items are the texts
        items = [p.strip() for p in _NUMBERED_ITEM.split(text[first.start() :]) if p.strip()]
        return items if len(items) >= 2 else None
    return None


_TOPIC_PATTERNS = [
    re.compile(
        r"(?:关于|有关|提到|提及|说到|谈到|讲到|写到|说过|抱怨|投诉|吐槽|说)\s*(.+?)"
        # "提到物流的差评": the topic is 物流; the sentiment is a slot of its own.
        r"(?:的(?:反馈|评论|评价|意见|投诉|原话|例子|内容|差评|好评|负评|中评)|[吗嘛呢？?。!！]|$)"
    ),
    re.compile(
        # "what about next year?" is a follow-up, not a topic
        r"(?<!what )(?<!how )\b(?:about|mentioning|mentions?|mentioned|regarding|concerning|"
        r"complain(?:ing|ts?)?\s+about|said about|saying about|talk(?:ing)? about|on the topic of)\s+(.+?)(?:[?.!]|$)",
        re.IGNORECASE,
    ),
]


# Not topics: question words, pronouns, and the company itself ("what did customer 7 say about us").
_NOT_TOPICS = {
    "什么",
    "啥",
    "哪些",
    "些什么",
    "什么呢",
    "what",
    "anything",
    "it",
    "that",
    "this",
    "them",
    "us",
    "we",
    "our company",
    "the company",
    "我们",
    "咱们",
    "公司",
    "我们公司",
}


_ASKS_TOPICS = re.compile(r"哪几|哪些|哪方面|什么方面|几方面|几类|什么问题|啥问题|主要是")


def extract_query(text: str) -> str:
    """What to search feedback for: the quoted text, else the topic after 关于/提到/about/mentioning, else all."""
    quoted = extract_quoted(text)
    if quoted:
        return quoted[0]
    for pattern in _TOPIC_PATTERNS:
        m = pattern.search(text)
        topic = m.group(1).strip() if m else ""
        # ("投诉主要是哪几方面的问题": a question about the topics, not a topic to search for)
        if len(topic) >= 2 and topic.lower() not in _NOT_TOPICS and not _ASKS_TOPICS.search(topic):
            return topic
    return text.strip()


def strip_slot_text(text: str) -> str:
    """``text`` without the spans any slot extractor recognises (ids, counts, horizons, dates, quotes)."""
    patterns: list[re.Pattern[str]] = [
        *_CUSTOMER_PATTERNS,
        *(p for p, _ in _HORIZON_WORDS),
        *(p for p, _ in _HORIZON_PATTERNS),
        *_TOP_K_PATTERNS,
        *_DATE_PATTERNS,
        *(p for p, _ in _FREQ_PATTERNS),
        *_ORDINAL_PATTERNS,
        _RISK_THRESHOLD,
        _QUOTES,
    ]
    for pattern in patterns:
        text = pattern.sub(" ", text)
    return text


# -- composition slots --------------------------------------------------------------------------------

_SPEND_RANK = re.compile(
    # ("按可能损失的金额排": the value at risk, the churn list's own order, not a spend rank)
    r"(?:消费|花钱|花费|花得|买得|购买金额|消费金额|贡献|(?<!损失的)(?<!损失)金额)(?:最高|最多|最大|排名|排行|排序|排|前)"
    r"|大客户|大户|最大的客户"
    r"|最大的\s*(?:\d+|[一二两三四五六七八九十]+)\s*(?:个|位|家|名)\s*(?:客户|会员|买家|顾客)"
    r"|\btop\s*-?\s*\d+\s*(?:spenders|buyers|customers by (?:spend|revenue))|\bspenders\b|\bby spend\b"
    r"|\bbiggest customers?\b|\bhighest[- ]spending\b|\bspent the most\b|\bspend the most\b",
    re.IGNORECASE,
)
_GROUP_BY_SEGMENT = re.compile(
    r"(?:按|各|每个|每一个|不同)\s*(?:个)?\s*(?:客户|会员)?\s*(?:细分|分群|客群|群体|群|分层|层级)"
    r"|哪(?:一)?层(?:的)?[^，,。？?]{0,6}(?:最高|最低|最多|最少)|每(?:一)?层"
    r"|哪(?:个|一个)(?:群|分群|细分|客群)(?:的)?[^，,。？?]{0,6}(?:最高|最低|最多|最少)"
    r"|\b(?:by|per|each|across|for every|for each)\s+(?:customer\s+)?(?:segments?|clusters?)\b|segment by segment"
    r"|\bwhich\s+(?:customer\s+)?(?:segment|cluster)s?\b[^,.;?]{0,40}\b(?:most|least|highest|lowest|worst|best)\b",
    re.IGNORECASE,
)
# "哪个客群差评最多", "which segment complains most": the segments ranked against each other on one figure
WHICH_SEGMENT_MOST = re.compile(
    r"哪(?:个|一个|一)?(?:群|分群|细分|客群|层)(?:的)?[^，,。？?]{0,8}(?:最高|最低|最多|最少)"
    r"|\bwhich\s+(?:customer\s+)?(?:segment|cluster)s?\b[^,.;?]{0,40}\b(?:most|least|highest|lowest|worst|best)\b",
    re.IGNORECASE,
)


def extract_spend_rank(text: str) -> bool:
    """Whether the question ranks customers by what they spent ("消费最高的10个客户", "top 10 spenders")."""
    return _SPEND_RANK.search(text) is not None


def extract_group_by(text: str) -> str | None:
    """``"segment"`` when the question asks for every segment side by side ("按细分", "各细分", "by segment")."""
    return "segment" if _GROUP_BY_SEGMENT.search(text) else None


_THEME_ORDINAL = [
    re.compile(rf"第\s*({_NUM})\s*(?:个|类|项|条|点)?\s*(?:主题|话题|问题|方面|类|点)"),
    re.compile(
        r"\b(?:the\s+)?("
        + "|".join(k for k in _EN_ORDINALS if k != "top")
        + r")\s+(?:theme|topic|cluster|one|issue)\b",
        re.IGNORECASE,
    ),
    re.compile(r"(?:主题|话题|theme|topic)\s*#?\s*(\d+)", re.IGNORECASE),
]
_THEME_WORDS = re.compile(r"主题|话题|类|theme|topic|cluster|issue|问题|方面", re.IGNORECASE)


def extract_theme_ordinal(text: str) -> int | None:
    """A position in the previous answer's list of themes ("第二个主题", "the second theme", "最后一类"); -1 = last."""
    if not _THEME_WORDS.search(text):
        return None
    if re.search(r"最后(?:一)?(?:个|类)?\s*(?:主题|话题|类)|\bthe last (?:theme|topic|one)\b", text, re.IGNORECASE):
        return -1
    for pattern in _THEME_ORDINAL:
        m = pattern.search(text)
        if m:
            token = m.group(1)
            n = _EN_ORDINALS.get(token.lower()) if token.isascii() and not token.isdigit() else to_int(token)
            if n:
                return n
    return None
