"""Traditional Chinese and written Cantonese read as the Mandarin the router's vocabulary is written in.

"97年有幾多個月 orders 多過 2500？" -> "97年有多少个月 orders 超过 2500？": Hong Kong and Taiwan users write Traditional
characters, and Hong Kong users often write Cantonese ("幾多" how many, "邊個" which, "佢" he, "冇" not have). The
characters go through OpenCC's Traditional -> Simplified table (opencc-python-reimplemented, pure Python, Apache-2.0)
and the common Cantonese words through the short table below; quoted text (customer feedback, a name) is left as
written. Only the router reads the result: answers quote the question as the user wrote it.
"""

from __future__ import annotations

import re
from datetime import date
from functools import cache
from typing import Any

from crm_insights.numerals import to_int

# Written Cantonese -> Mandarin, longest first where one contains another. Applied only to text that has a
# character of written Cantonese (below), so Mandarin text is never rewritten by these words.
_CANTONESE: tuple[tuple[str, str], ...] = (
    ("幾多日", "多少天"),
    ("几多日", "多少天"),
    ("嗰日", "那天"),
    ("兩日", "两天"),
    ("两日", "两天"),
    ("點解", "为什么"),
    ("点解", "为什么"),
    ("點分", "怎么分"),
    ("点分", "怎么分"),
    ("幾多", "多少"),
    ("几多", "多少"),
    ("多過", "超过"),
    ("多过", "超过"),
    ("少過", "少于"),
    ("少过", "少于"),
    ("邊個", "哪个"),
    ("边个", "哪个"),
    ("邊日", "哪天"),
    ("边日", "哪天"),
    ("邊度", "哪里"),
    ("边度", "哪里"),
    ("佢哋", "他们"),
    ("我哋", "我们"),
    ("你哋", "你们"),
    ("而家", "现在"),
    ("乜嘢", "什么"),
    ("點樣", "怎么样"),
    ("点样", "怎么样"),
    ("幫襯", "光顾"),
    ("帮衬", "光顾"),
    ("好耐", "很久"),
    ("幾耐", "多久"),
    ("舊年", "去年"),
    ("旧年", "去年"),
    ("今個月", "这个月"),
    ("今个月", "这个月"),
    ("今季度", "这季度"),
    ("今季", "这季"),
    ("几耐", "多久"),
    ("淨係", "只"),
    ("净系", "只"),
    ("淨系", "只"),
    ("嗰個", "那个"),
    ("嗰个", "那个"),
    ("呢個", "这个"),
    ("呢个", "这个"),
    ("係咪", "是不是"),
    ("系咪", "是不是"),
    ("呢班人", "这批人"),
    ("呢班", "这批"),
    ("呢批", "这批"),
    ("呢啲", "这些"),
    ("呢句", "这句"),
    ("呢條", "这条"),
    ("呢条", "这条"),
    ("呢度", "这里"),
    ("落咗", "下了"),
    ("落單", "下单"),
    ("落過單", "下过单"),
    ("落过单", "下过单"),
    ("落单", "下单"),
    ("張單", "单"),
    ("张单", "单"),
    ("同埋", "和"),
    ("定係", "还是"),
    ("定系", "还是"),
    ("使過", "花过"),
    ("使过", "花过"),
    ("使咗", "花了"),
    ("咁", "那"),
    ("咩", "什么"),
    ("嘢", "东西"),
    ("嗰", "那"),
    ("佢", "他"),
    ("冇", "没有"),
    ("唔", "不"),
    ("嘅", "的"),
    ("咗", "了"),
    ("啲", "些"),
    ("喺", "在"),
    ("返嚟", "回来"),
    ("返来", "回来"),
    ("嚟", "来"),
    ("睇", "看"),
    ("畀", "给"),
    ("俾", "给"),
    ("搵", "找"),
    ("揾", "找"),
    ("仲", "还"),
    ("係", "是"),
    ("入面", "里面"),
    # session 14 (set ab1): when, which (ones), win back, in use, the whole year
    ("幾時", "什么时候"),
    ("几时", "什么时候"),
    ("邊啲", "哪些"),
    ("边啲", "哪些"),
    ("邊隻", "哪只"),
    ("边只", "哪只"),
    ("邊間", "哪间"),
    ("边间", "哪间"),
    ("邊類", "哪类"),
    ("边类", "哪类"),
    ("追返", "追回"),
    ("用緊", "在用"),
    ("用紧", "在用"),
    ("成年", "全年"),
    ("㗎", ""),
    # set ac1: yesterday, since, regulars, dollars, tell me, or (in a choice)
    ("琴日", "昨天"),
    ("尋日", "昨天"),
    ("寻日", "昨天"),
    ("以嚟", "以来"),
    ("熟客", "老客"),
    ("蚊", "元"),
    ("話我知", "告诉我"),
    ("话我知", "告诉我"),
    ("系升定跌", "是升还是跌"),
    ("升定跌", "升还是跌"),
    ("多咗定少咗", "多了还是少了"),
    ("多了定少了", "多了还是少了"),
    ("系过", "是过"),
)
_CANTONESE_MARK = re.compile(
    "[嘅佢冇唔咗啲嗰喺嚟睇畀俾搵揾係哋乜咩嘢咁]|幾多|几多|邊個|边个|邊日|边日|入面|幾耐|几耐|淨係|净系|舊年|旧年|今個月|今个月|今季|多過|多过|而家|幫襯|帮衬|系咪|呢班|呢批|呢句|呢條|呢条|落單|落单|同埋"
)
# "describe下": 下 after an English verb is 一下 (elsewhere 下 is 下个月, 下单 ...); the one match not in the table
_VERB_XIA = r"|(?<=[A-Za-z])下(?![A-Za-z\u4e00-\u9fff])"
_CANTONESE_RE = re.compile("|".join(re.escape(a) for a, _ in _CANTONESE) + _VERB_XIA)
_CANTONESE_MAP = dict(_CANTONESE)


# Homophone typos of pinyin input methods in business words ("6月业积多少", "同必呢", "发我油箱") and a few
# colloquial words: read as meant.
_TYPOS: tuple[tuple[str, str], ...] = (
    # live-commerce slang: 铁粉 (loyal fans), 老铁 counted ("前100个老铁"), 日销 (daily sales)
    ("铁粉", "忠实客户"),
    ("个老铁", "个客户"),
    ("日销平均", "日均销售额"),
    ("平均日销", "日均销售额"),
    ("业积", "业绩"),
    ("赢收", "营收"),
    ("营受", "营收"),
    ("销受额", "销售额"),
    ("客单家", "客单价"),
    ("同必", "同比"),
    ("环必", "环比"),
    ("复够", "复购"),
    ("覆购", "复购"),
    ("服购", "复购"),
    ("课单价", "客单价"),
    ("消售额", "销售额"),
    ("消售", "销售"),
    ("留失", "流失"),
    ("流试", "流失"),
    ("上各月", "上个月"),
    ("回够", "回购"),
    ("在往前", "再往前"),
    ("克单价", "客单价"),
    ("刻单价", "客单价"),
    ("服购", "复购"),
    ("腹购", "复购"),
    ("油箱", "邮箱"),
    # voice input ("作天一共卖了多少钱", "上州卖了多少钱", "客护三号", "发张优惠卷", "会原等级")
    ("作天", "昨天"),
    ("客蛋价", "客单价"),
    ("客户蛋价", "客单价"),
    ("上州", "上周"),
    ("这州", "这周"),
    ("本州", "本周"),
    ("客护", "客户"),
    ("优惠卷", "优惠券"),
    ("会原", "会员"),
    # voice input again (an1): 客单架, 流逝 (流失), 懂事会 (董事会), 还比 before a question word (环比)
    ("客单架", "客单价"),
    ("流逝", "流失"),
    ("懂事会", "董事会"),
    ("还比怎么样", "环比怎么样"),
    ("还比多少", "环比多少"),
    ("还比呢", "环比呢"),
    # Wuhan: 有冇得 (is there any; 冇 is read as 没有 first), 是么时候 (when)
    ("有没有得", "有没有"),
    ("是么时候", "是什么时候"),
    # colloquial group words ("这班人去年总共花了多少", "那帮客户"): the group the thread pointed at, like 这批人
    ("这班人", "这批人"),
    ("那班人", "那批人"),
    ("这帮人", "这批人"),
    ("那帮人", "那批人"),
    ("这帮客户", "这批客户"),
    ("那帮客户", "那批客户"),
    # "滚动12个月营收" (a finance analyst's rolling window): the last 12 months
    ("滚动12个月", "最近12个月"),
    ("滚动十二个月", "最近12个月"),
    ("滚动一年", "最近12个月"),
    ("仨月", "三个月"),
    ("俩月", "两个月"),
    ("仨季度", "三个季度"),
    # Sichuanese question words and verbs ("主要是在说啥子嘛", "咋个会一个新客都没得", "我想晓得个大概")
    ("啥子", "什么"),
    ("咋个", "怎么"),
    ("晓得", "知道"),
    ("没得", "没有"),
    ("啥时候", "什么时候"),
    # Northeastern "how much" said as "how very much" ("一共卖了多老鼻子钱了"): the question word
    ("多老鼻子", "多少"),
    ("老鼻子", "很多"),
)
_TYPO_RE = re.compile("|".join(re.escape(a) for a, _ in _TYPOS))
_TYPO_MAP = dict(_TYPOS)


# A customer id spoken digit by digit and typed by voice input ("客户零七五九二" = 07592): read as the digits. Only
# after a customer noun and four or more digits long, so "三四个月" or "一二月" stay words.
_SPOKEN_DIGITS = "零〇一二三四五六七八九幺"  # 幺 is 1 said over the phone ("幺四零四八")
_DIGIT_OF = {c: str(i) for i, c in enumerate("零一二三四五六七八九")} | {"〇": "0", "幺": "1"}
_SPOKEN_ID = re.compile(
    rf"(?<=客户|会员|用户|顾客|买家)(\s*(?:编号|号|id|ID)?\s*)([{_SPOKEN_DIGITS}]{{4,}})(?![个月年天周次])"
    # ... or before one ("一六八八八这个客人", "七五九二是不是我们最大的客户"): five or more digits anywhere, four
    # before a pointing word or a customer noun
    rf"|()(?<![{_SPOKEN_DIGITS}十百千万])([{_SPOKEN_DIGITS}]{{5,}})(?![{_SPOKEN_DIGITS}个月年天周次号])"
    rf"|()(?<![{_SPOKEN_DIGITS}十百千万])([{_SPOKEN_DIGITS}]{{4}})(?=\s*(?:这|那|是|号)?\s*(?:个|位)?\s*"
    r"(?:客户|客人|顾客|会员|用户|买家|是不是|的))"
)
# "客户三号", "客护三号": a small customer number said with 号
_SPOKEN_SMALL_ID = re.compile(r"(?<=客户|会员|用户|顾客|买家|客人)(\s*)([一二两三四五六七八九十百]{1,4})(?=\s*号)")


# "帮我查下客户一百": an id said as a number with place values (百, 千), not a count ("客户一百多个", "一百位")
_SPOKEN_NUMBER_ID = re.compile(
    r"(?<=客户|会员|用户|顾客|买家)(\s*(?:编号|号)?\s*)([零〇一二两三四五六七八九十百千]*[百千][零〇一二两三四五六七八九十百千]*)"
    r"(?![多个位名人家次天月年周笔单块元万分])"
)


def _spoken_number_id(m: re.Match[str]) -> str:
    n = to_int(m.group(2))
    return m.group(0) if n is None else m.group(1) + str(n)


def _spoken_id(m: re.Match[str]) -> str:
    lead, digits = next((m.group(i), m.group(i + 1)) for i in (1, 3, 5) if m.group(i + 1))
    return lead + "".join(_DIGIT_OF[c] for c in digits)


# A Latin word glued to Chinese ("上个quarter的revenue", "3月cohort", "GMV环比") is read as a word of its own: the
# router's English patterns look for whole words (\b or an ASCII look-around), and Python's \b sees no boundary
# between a Chinese character and a letter. Digits stay glued ("Q1季度", "98年", "双11").
_CJK_LATIN = re.compile(r"(?<=[\u3400-\u9fff])(?=[A-Za-z])|(?<=[A-Za-z])(?=[\u3400-\u9fff])")


def space_latin(text: str) -> str:
    """``text`` with a space between a Chinese character and a Latin letter next to it ("上个quarter" ->
    "上个 quarter"): the analytics reading (the metric parser and the router's follow-up rules) reads this form.
    The intent keywords are matched in the unspaced text, which their patterns are written for ("导成excel发给")."""
    return _CJK_LATIN.sub(" ", text)


# Southwestern Mandarin (Sichuan, Chongqing) asks "how many / how long" with 好多 / 好久 ("有好多人？",
# "贡献了好多营收？", "隔好久回来买一次？"); in standard Mandarin the same words mean "a lot / a long time"
# ("好多客户说物流慢"). Read as the question word only after a verb, before a measure word or noun, in a text that
# asks (a question mark, no 吗).
_SW_HOW = re.compile(
    r"(?<=[有了是共计花卖赚到隔要贡献还占去出，,])(\s*)好(多|久)(?=\s*(?:%|％|[A-Za-z？?，,]|[人钱张单个位天次块元笔件营收销回]))"
)


def _southwestern(text: str) -> str:
    # (a question: a question mark, or the Sichuanese particle 嘛 ending it, "下个月大概能卖好多钱嘛"; never 吗)
    # ("那大概会有好多个客人来买": an estimate asked for, 大概/大约 + 好多)
    if not re.search(r"[？?]|嘛\s*[。！!]?\s*$|(?:大概|大约|估计)[^，,。]{0,6}好多", text) or re.search(r"吗", text):
        return text
    return _SW_HOW.sub(lambda m: m.group(1) + ("多少" if m.group(2) == "多" else "多久"), text)


_LONE_KE = re.compile(r"(?<=[的个些位名大])客(?![户人服单群流诉气观])|(?<![顾访游乘房宾])客(?=\s*\d{3,})")
# Cantonese 同 is "and / with" ("新客同舊客", "今年Q1同去年Q1比"); only before the start of a noun phrase, so 同比,
# 同期 and 同一 stay
_CANTONESE_TONG = re.compile(r"同(?=\s*(?:旧|舊|老|新|去年|今年|这|今|上|前|\d|[一二三四五六七八九十]+月))")


# "11 12月", "9 10月份" typed on a phone: two months listed with a space for the 、
_MONTHS_SPACED = re.compile(r"(?<![\d.])(1[0-2]|0?[1-9])[ \u3000]+(1[0-2]|0?[1-9])(?=\s*月)")


@cache
def _t2s() -> Any:
    from opencc import OpenCC  # ~4 ms to load its tables

    return OpenCC("t2s")


def _segment(text: str) -> str:
    text = _singlish(text)
    if _CANTONESE_MARK.search(text):
        text = _CANTONESE_RE.sub(lambda m: _CANTONESE_MAP.get(m.group(0), "一下"), text)  # default: the verb's 下
        text = _CANTONESE_TONG.sub("和", text)
    if re.search(r"[\u4e00-\u9fff]", text):
        text = str(_t2s().convert(text))
    # "幾多個客", "top 10% 嘅客": 客 alone after a measure word or 的 is a customer (not 客单价, 客服, 客群, 客人)
    text = _southwestern(_LONE_KE.sub("客户", text))
    text = _TYPO_RE.sub(lambda m: _TYPO_MAP[m.group(0)], text)
    text = _MONTHS_SPACED.sub(r"\1、\2", text)
    text = _SPOKEN_SMALL_ID.sub(_spoken_number_id, text)
    return _SPOKEN_NUMBER_ID.sub(_spoken_number_id, _SPOKEN_ID.sub(_spoken_id, text))


_MONTHS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
_MONTH_NUMBER = {m: i for i, m in enumerate(_MONTHS, start=1)}
# a month's name or its abbreviation, the abbreviation captured ("March" -> "mar"; never "market", "decline")
_MONTH_WORD = (
    r"(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)"
    r"(?:(?<=jan)uary|(?<=feb)ruary|(?<=mar)ch|(?<=apr)il|(?<=jun)e|(?<=jul)y|(?<=aug)ust|(?<=sep)t(?:ember)?"
    r"|(?<=oct)ober|(?<=nov)ember|(?<=dec)ember)?(?![a-z])"
)


def _iso_day(m: re.Match[str]) -> str:
    year = int(m.group(3)) if len(m.group(3)) == 4 else 1900 + int(m.group(3))
    day, month = int(m.group(1)), _MONTH_NUMBER[m.group(2).lower()]
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return m.group(0)  # "31st June 1997": no such day, left as written


# Singapore / Malaysian English ("last month got how many pax buy from us ah", "can list out?", "same month 12 can?"):
# the head-count word, the "got" of existence and the sentence particles, read as standard English. Only whole words;
# the particles only before a clause end.
_SINGLISH: tuple[tuple[str, Any], ...] = (
    # thousands written with commas ("$1,000", "2,357 customers"): one number
    (r"(?<=\d),(?=\d{3}(?!\d))", ""),
    # US Slack shorthand: "mar97", "jan '98" (a month and a two-digit year), "cust", "180d+"
    (rf"\b{_MONTH_WORD}\s*'?(9\d)\b(?![%.,]\d|%)", r"\1 19\2"),
    (r"\bcusts?\b", "customers"),
    # "1st March 1997", "31st May 1998", "15th Mar '97": a day written out, as an ISO date
    (
        rf"\b(\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH_WORD}\.?,?\s+'?((?:19)?9\d)\b(?!%)",
        _iso_day,
    ),
    # Indian English "till date" (so far)
    (r"\b(?:till|until|upto|up\s+to)\s+date\b", "so far"),
    (r"\b(\d+)\s*d\s*\+", r"\1+ days"),
    (r"\bper\s+pax\b", "per customer"),
    (r"\bpax\b", "customers"),
    # Malaysian English: "which month lowest one", "never buy anything already", a typed "revenu"
    (
        r"(?<=\w)(?<!\bthe)(?<!\bthis)(?<!\bthat)(?<!\bwhich)(?<!\bany)(?<!\beach)(?<!\bevery)(?<!\bno)(?<!\bother)"
        r"(?<!\bsame)(?<!first)(?<!second)(?<!third)(?<!fourth)(?<!fifth)(?<!last)(?<!next)(?<!\bbig)(?<!\bnew)(?<!\bold)"
        r"\s+one\b(?=\s*(?:[,.!?，。！？;；]|$))",
        "",
    ),
    (r"(?<=\w)\s+already\b(?=\s*(?:[,.!?，。！？;；]|$))", ""),
    (r"\brevenu\b", "revenue"),
    # "customers who bought at least twice in 1997": two purchases or more, as the purchase-count bound reads it
    # (only before a "but …" of the same sentence: "what share bought at least twice" stays the repeat rate)
    (r"\b(?:at\s+least\s+twice|twice\s+or\s+more)\b(?=[^.?!]{0,40}\bbut\b)", "2 times or more"),
    # Australian "a hundred bucks", "500 bucks"; "revenue + orders"; "no. of customers"; "L30" (the last 30 days)
    (r"\b(?:a|one)\s+hundred\s+bucks\b", "$100"),
    (r"\b(?:a|one)\s+thousand\s+bucks\b", "$1000"),
    (r"\b(\d+(?:\.\d+)?)\s*bucks\b", r"$\1"),
    (r"(?<=[A-Za-z])\s+\+\s+(?=[A-Za-z])", " and "),
    (r"\bno\.\s+of\b", "number of"),
    # "is that up or down on april?" (compared with April), "cracked 3,000 orders" (more than), "all up" (in total),
    # "of em" (of them)
    (
        r"\b((?:up|down|better|worse)(?:\s+or\s+(?:up|down|better|worse))?)\s+on\s+(?!last\s+year\b)(?=[a-z])",
        r"\1 compared with ",
    ),
    (r"\bcrack(?:ed)?\s+(?=\$?\d)", "more than "),
    (r"\ball\s+up\b", "in total"),
    (r"\b(of|among)\s+em\b", r"\1 them"),
    (r"(?<![A-Za-z0-9])L(30|60|90|180|365)(?![A-Za-z0-9])", r"last \1 days"),
    # "the top decile of customers by spend" (a CFO's word): the top 10%
    (r"\btop\s+decile\b", "top 10%"),
    (r"\btop\s+quintile\b", "top 20%"),
    (r"\btop\s+quartile\b", "top 25%"),
    # "ok nvm the margin. split that quarter by month can?": a topic let go is no part of the question
    (r"\b(?:nvm|never\s*mind|forget(?:\s+about)?)\s+(?:the\s+|that\s+)?[a-z]+(?:\s+[a-z]+)?\s*[.,;!]", ""),
    (r"\b(?:USD|US\$)\s*(?=\d)", "$"),
    # British "up or down on last year": compared with the same period a year earlier
    (r"\b((?:up|down|better|worse)(?:\s+or\s+(?:up|down|better|worse))?)\s+on\s+last\s+year\b", r"\1 year on year"),
    (r"\bhavent\b", "haven't"),
    # "1997 only" (a year, not "from 1997 on"), "May's turnover" (the month's)
    (r"\b((?:19|20)\d\d)\s+only\b", r"\1"),
    (
        r"\b(January|February|March|April|May|June|July|August|September|October|November|December|Jan|Feb|Mar|Apr|"
        r"Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)'s\b",
        r"in \1",
    ),
    # "97年 first quarter", "the second half": the quarter or half written short
    (r"\b(?:the\s+)?first\s+quarter\b", "Q1"),
    (r"\b(?:the\s+)?second\s+quarter\b", "Q2"),
    (r"\b(?:the\s+)?third\s+quarter\b", "Q3"),
    (r"\b(?:the\s+)?fourth\s+quarter\b", "Q4"),
    (
        r"\b(\d+\s*days?(?:\s+(?:or|and)\s+(?:more|above|longer))?)\s+never\s+(?:buy|bought|purchase|order)(?:\s+anything)?\b",
        r"have not bought anything for \1",
    ),
    # "Last year November we run one promo": the month of last year; "year-end promo" names an event, no grain;
    # "At least compare Nov vs Oct": a hedge, not the smallest
    (r"\b(last|this)\s+year\s+((?:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*)\b", r"\2 \1 year"),
    (r"\byear[- ]end\s+(?=promo|sale|campaign|event|push)", "holiday "),
    (r"\bat\s+least\b(?!\s*(?:\d|one|two|three|four|five|six|seven|eight|nine|ten|once|twice|a\b|an\b|\$))", ""),
    (r"\bgot\s+(?=how\s+(?:many|much)\b)", ""),
    (r"\bcan\s+list\s+out\b", "list"),
    (r"\blist\s+out\b", "list"),
    (r"\b(?:can|got|is|have)\s+or\s+not\b", ""),
    (r"(?<=\w)\s+(?:ah|lah|leh|lor|hor|meh)\b(?=\s*(?:[,.!?，。！？;；]|$))", ""),
    (r"(?<=[\w\s])\bcan\s*(?=[?？])", ""),
    # British trading English: "what did we turn over last month" asks the revenue (not "over last month")
    (r"\bturn(?:ed)?\s+over\b", "revenue"),
    # terse business English on chat ("rev last qtr vs same qtr LY?", "top 5 accts by spend 97", "vs same wk LY",
    # "how does that compare w H1 97"): the abbreviations written out
    (r"\bq(?:tr|trs)\b", "quarter"),
    # growth-team shorthand: L30D / L90D / L3M / L12M (the last N days / months), prev 30D, %chg, WoW/MoM stay
    (r"(?<![A-Za-z0-9])L(\d{1,3})D(?![A-Za-z0-9])", r"last \1 days"),
    (r"(?<![A-Za-z0-9])L(\d{1,2})M(?![A-Za-z0-9])", r"last \1 months"),
    (r"(?<![A-Za-z0-9])L(\d{1,2})W(?![A-Za-z0-9])", r"last \1 weeks"),
    (r"\bprev(?:ious)?\s+(\d{1,3})\s*D\b", r"previous \1 days"),
    (r"%\s*chg\b", "% change"),
    # common English typos of the business verbs ("purchsed on 3 or more different days")
    (r"\bpurch(?:sed|ased|ashed|aced)\b", "purchased"),
    # British "per cent" (one word in the readings); "purchased on only one day" is a purchase count of one
    (r"(\d)\s*per\s*cent\b", r"\1%"),
    (r"\bper\s+cent\b", "percent"),
    (
        r"\b(bought|ordered|purchased|shopped)\s+on\s+(?:only\s+|just\s+|exactly\s+)?(?:one|a\s+single|1)\s+(?:day|date)\b",
        r"\1 1 times",
    ),  # fmt: skip
    (r"(?-i:\bLY\b)", "last year"),
    (r"(?-i:\bTY\b)", "this year"),
    (r"\byrs\b", "years"),
    (r"\byr\b", "year"),
    (r"\bwks\b", "weeks"),
    (r"\bwk\b", "week"),
    (r"\bmths?\b|\bmos\b", "month"),
    (r"\baccts\b|\bcusts\b|\baccounts\b", "customers"),
    (r"\bacct\b|\bcust\b", "customer"),
    (r"\bavg\b", "average"),
    (r"\bthru\b", "through"),
    (
        r"\bw/(?!o\b)\s*|\bw\s+(?=(?:[A-Za-z]+\s+)?(?:H[12]|Q[1-4]|\d{2,4}|last|this|the|same|prior|previous)\b)",
        "with ",
    ),
)
_SINGLISH_RE = tuple((re.compile(a, re.IGNORECASE), b) for a, b in _SINGLISH)


def _singlish(text: str) -> str:
    for pattern, plain in _SINGLISH_RE:
        text = pattern.sub(plain, text)
    return text


def to_mandarin(text: str, quoted: list[tuple[int, int]] | None = None) -> str:
    """``text`` with Traditional characters simplified, written Cantonese and Sichuanese question words read as
    Mandarin and Singlish read as standard English, outside the ``quoted`` spans (offsets into ``text``), which
    stay as written."""
    if not re.search(r"[\u4e00-\u9fff]", text):
        return text if quoted else _singlish(text)
    out: list[str] = []
    at = 0
    for s, e in sorted(quoted or []):
        out.append(_segment(text[at:s]))
        out.append(text[s:e])
        at = e
    out.append(_segment(text[at:]))
    return "".join(out)
