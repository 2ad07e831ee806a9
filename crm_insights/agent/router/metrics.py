"""Analytics questions: the router's side of ``parse_metric_question`` (crm_insights/agent/metric_slots.py).

The parser reads measures, grains, groupings, periods (against the data's range), comparisons, thresholds and
ranks, and says which constraints no tool can take (``unsupported``: a product category, a region, a channel,
a margin; the data has none of them). This module turns its spec into the router's ``metric`` slot, a plain
JSON-able dict that travels in the thread::

    {"tool": "metric_query" | "cohort_retention" | "forecast_totals" | "customer_value",
     "args": {...the tool's arguments...}, "unsupported": ["by region", ...], "periods_text": "...",
     "assumed_year": 1998 | None}

Until the parser is installed (ImportError) every question routes as before.
"""

from __future__ import annotations

import dataclasses
import logging
import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from crm_insights.agent import metric_slots
from crm_insights.numerals import to_int

log = logging.getLogger(__name__)

METRIC_TOOLS = ("metric_query", "cohort_retention", "forecast_totals", "customer_value")
# Before the data's range is known (the first analytics question of a thread) the question is parsed against
# this placeholder only to learn whether it is an analytics question; the plan then reads the real range
# (crm_overview's orders_period) and parses again.
PLACEHOLDER_RANGE = ("1900-01-01", "2100-12-31")

Parser = Callable[[str, str, str], Any]


def _parser() -> Parser | None:
    try:
        from crm_insights.agent.metric_slots import parse_metric_question
    except ImportError:
        return None
    return parse_metric_question  # type: ignore[no-any-return]


def _as_dict(obj: Any) -> dict[str, Any]:
    if obj is None:
        return {}
    if isinstance(obj, Mapping):
        return dict(obj)
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        # shallow: a spec's parsed time expressions (dates, spans) stay out of the thread's JSON
        return {f.name: getattr(obj, f.name) for f in dataclasses.fields(obj) if f.name != "time"}
    dump = getattr(obj, "model_dump", None)
    if callable(dump):
        return dict(dump())
    return {k: v for k, v in vars(obj).items() if not k.startswith("_")}


def _text(part: Any) -> str:
    """An unsupported constraint as the user would read it (a string, or a dict with a text/what field)."""
    if dataclasses.is_dataclass(part) and not isinstance(part, type):
        part = _as_dict(part)
    if isinstance(part, Mapping):
        for key in ("text", "what", "phrase", "constraint", "reason"):
            if part.get(key):
                return str(part[key])
    return str(part)


def _length(question: str) -> int:
    """The characters of a question, blanks not counted (the reading spaces Latin words from Chinese)."""
    return len("".join(question.split()))


def normalise_spec(spec: Any) -> dict[str, Any] | None:
    """The parser's spec as the ``metric`` slot (see the module doc); None when it names no tool."""
    raw = _as_dict(spec)
    tool = raw.get("tool") or raw.get("intent")
    args = raw.get("args")
    if not tool:
        # a spec holding one block per tool ({"metric_query": {...}}): the block that is set
        tool = next((t for t in METRIC_TOOLS if raw.get(t) is not None), None)
        args = raw.get(tool) if tool else None
    if tool not in METRIC_TOOLS:
        return None
    clean_args = {k: v for k, v in _as_dict(args).items() if v is not None and v != []}
    unsupported = [_text(u) for u in raw.get("unsupported") or []]
    kinds = [str(_as_dict(u).get("kind") or "") for u in raw.get("unsupported") or [] if not isinstance(u, str)]
    if tool == "metric_query" and not clean_args.get("measures") and not unsupported:
        return None  # nothing to compute and nothing to decline: not an analytics question after all
    periods, periods_zh = raw.get("periods_text"), raw.get("periods_text_zh")
    return {
        "tool": str(tool),
        "args": clean_args,
        "unsupported": unsupported,
        "periods_text": str(periods) if periods else None,
        "periods_text_zh": str(periods_zh or periods) if (periods_zh or periods) else None,
        "assumed_year": raw.get("assumed_year"),
        "outside": [str(x) for x in raw.get("outside") or []],
        "missing": [str(x) for x in raw.get("missing") or []],
        "terms": {str(k): str(v) for k, v in (raw.get("terms") or {}).items()},
        "answer_rest": bool(raw.get("answer_rest")),
        "share_of_all": bool(raw.get("share_of_all")),
        "why": bool(raw.get("why")),
        "unsupported_kinds": kinds,
        "also": [{k: v for k, v in _as_dict(a).items() if v is not None and v != []} for a in raw.get("also") or []],
        # further questions of the turn, each a metric slot of its own (answered after this one)
        "parts": [part for p in raw.get("parts") or [] if (part := normalise_spec(p)) is not None],
        "row_mean": bool(raw.get("row_mean")),
        "total_asked": bool(raw.get("total_asked")),
        "target": raw.get("target"),
        "cohort_targets": [int(k) for k in raw.get("cohort_targets") or []],
        "cohort_fixed": [None if m is None else str(m) for m in raw.get("cohort_fixed") or []],
        "implicit_base": bool(raw.get("implicit_base")),
        "total_hidden": bool(raw.get("total_hidden")),
    }


def parse(
    question: str, data_start: str | None, data_end: str | None, parser: Parser | None = None
) -> dict[str, Any] | None:
    """The ``metric`` slot of ``question`` (None: not an analytics question, or no parser installed)."""
    parser = parser or _parser()
    if parser is None:
        return None
    start, end = data_start or PLACEHOLDER_RANGE[0], data_end or PLACEHOLDER_RANGE[1]
    try:
        spec = parser(question, start, end)
    except Exception as exc:  # a parser bug must not take the whole router down: route as before, say why
        log.warning("parse_metric_question failed on %r: %s: %s", question, type(exc).__name__, exc)
        return None
    metric = normalise_spec(spec) if spec is not None else None
    if metric is not None:
        metric["text"] = question
    return metric


_PERIOD_ARGS = ("since", "until", "compare_since", "compare_until", "compare")
# What the router's older intents already answer in full: (measures, groupings, arguments beyond those) each
# answers with the same figure and more context ("总收入是多少": the overview's all-time revenue and top customers;
# "每个群的收入占比": the segment list; "1998年的差评比例": the sentiment distribution of 1998 with its trend;
# "顾客7一共花了多少钱、下了几单": the customer's profile), so the analytics route is not needed for them.
_FEEDBACK = frozenset({"feedback_count", "positive_share", "neutral_share", "negative_share"})
CLASSIC_MEASURES: dict[str, tuple[frozenset[str], frozenset[str | None], frozenset[str]]] = {
    # (not revenue per buyer: the overview prints the AOV beside it, a per-order figure to a per-customer question)
    "overview": (frozenset({"revenue", "orders", "buyers", "aov", "units", "feedback_count"}),
                 frozenset({None}), frozenset()),
    "list_segments": (frozenset({"revenue_share"}), frozenset({None, "segment"}), frozenset({"sort", "limit"})),
    "sentiment_summary": (_FEEDBACK, frozenset({None, "sentiment", "segment"}),
                          frozenset({"since", "until", "segment", "sentiment", "grain", "sort", "limit"})),
    "customer_profile": (frozenset({"revenue", "orders"}), frozenset({None}), frozenset({"customers"})),
}  # fmt: skip
# Model and text intents (forecasts, risk lists, feedback search, one customer): a spec next to them with no period,
# grain, comparison or amount is a false reading of their words ("客户100接下来一个季度大概会下几单" is a forecast;
# "找几条关于退款的差评": 退款 is a topic to search for; "who should the retention team call first" is a risk list).
TEXT_INTENTS = frozenset(
    {"search_feedback", "feedback_themes", "analyze_sentiment", "forecast_customer", "explain_customer_segment",
     "describe_segment", "at_risk", "customer_profile"}
)  # fmt: skip
_FEEDBACK_TEXT_INTENTS = frozenset({"search_feedback", "feedback_themes", "analyze_sentiment"})
# A retention *rate* or a cohort is the cohort table's, even next to a churn intent's word (留存).
_COHORT_WORDS = re.compile(
    r"留存率|留存曲线|同期群|cohort (?:retention|analysis|table)|retention (?:rate|curve|table)|月留存|复购留存",
    re.IGNORECASE,
)
_EXPLICIT = (
    "since", "until", "grain", "compare", "compare_since", "min_amount", "max_amount", "inactive_days",
    "min_customer_spend", "max_customer_spend", "having", "top_share", "min_purchases", "max_purchases",
    "not_bought_since", "bought_since",
)  # fmt: skip


# What makes a clause a question (or a request to be told something) rather than the content of an action
# ("帮我回复客户5000的投诉，就说我们给他全额退款": the second clause is what the reply would say).
ASKS = re.compile(
    r"[?？]|多少|几[个位名笔单天次月年成]?|多久|多长时间|吗|呢|什么|哪|怎么|如何|是否|有没有|告诉我|说下|说一下|讲下|报一下|报下|报个数|给一下|列出|查|看看|看下|算|统计|占比"
    r"|\b(?:how|what|which|who|whom|when|why|where|list|show|tell me|give me|is|are|was|were|does|did|do)\b",
    re.IGNORECASE,
)


# Older intents whose tool takes a period: a relative period the analytics reading resolves is passed to them
# ("上个月负面反馈有多少条？占比多少": the sentiment summary of last month)
PERIOD_CARRIED = frozenset({"sentiment_summary"})
_VAGUE_RECENT = re.compile(r"最近|近期|近来|\brecent(?:ly)?\b|\blately\b", re.I)
_NAMED_PERIOD = re.compile(
    r"最近\s*(?:\d|[一二两三四五六七八九十半])|上个?月|上周|上个?季度|去年|今年|本月|这个月|\d+\s*月|[Qq][1-4]|半年|\d{2,4}\s*年"
    r"|\b(?:last|this)\s+(?:month|week|quarter|year)\b|\b(?:19|20)\d{2}\b",
    re.I,
)


def classic_wins(metric: Mapping[str, Any], intent: str, slots: Mapping[str, Any]) -> bool:
    """Whether the older intent's reading beats the analytics spec (see classic_answers, plus: a question the
    older router finds out of scope or an action, with no period or grain in it, is no analytics question; a
    question about one customer the spec does not name is that customer's; a segment question the spec reads
    without its grouping is the segment list's)."""
    args = {k: v for k, v in (metric.get("args") or {}).items() if v not in (None, [], "")}
    explicit = any(k in args for k in _EXPLICIT)
    named = len(args.get("customers") or []) >= 2 and args.get("group_by") == "customer"
    if named and metric.get("tool") == "metric_query" and not metric.get("fixed_args"):
        return False  # "客户15162跟客户22279 这俩谁买的多": the customers named, side by side
    if intent in ("out_of_scope", "unsupported_action", "help"):
        # "What was our profit margin in 1997?": naming the part that cannot be answered beats "out of scope"
        if explicit or metric.get("unsupported"):
            return False
        if "base_args" in metric and intent != "unsupported_action":
            # read as a follow-up to an analytics answer ("最低的是周几，差多少" after the best weekday): its words
            # are the previous question's, not an off-topic request
            return False
        # A measure only the analytics tools define ("两次购买之间平均隔多少天", repeat rate, units per order) is
        # an analytics question even where the older vocabulary sees nothing it knows; the everyday words
        # (revenue, orders, feedback) are too common in off-topic sentences to overrule it.
        measures = set(args.get("measures") or [])
        specific = measures - CLASSIC_MEASURES["overview"][0] - _FEEDBACK - {"revenue_share"}
        asks = ASKS.search(str(metric.get("text") or ""))  # "帮我写首诗送给老客户" names a measure, asks nothing
        if metric.get("tool") == "forecast_totals" and asks and intent == "out_of_scope":
            return False  # "下个季度能卖多少": a measure in a future period is the totals forecast
        if metric.get("tool") == "customer_value" and asks and intent == "out_of_scope":
            # "what's he worth to us over the next yr" about the thread's customer: their value; "how much are they
            # worth to us over the next 6 months" after a list: theirs
            return False
        # a breakdown (by weekday, segment, cohort, customer) is no off-topic sentence's ("周几卖得最好")
        grouped = args.get("group_by") is not None
        # a part of the whole ("这10位加起来占全部业绩的几%") or a listed group's figure: no off-topic sentence's
        shared = bool(metric.get("share_of_all") or args.get("customers"))
        analytic = metric.get("tool") == "metric_query" and (specific or grouped or shared)
        # ("一个客户从第一次买到第二次买 一般要隔多久": the older scores' nearest exemplar an action's; the action gate
        # before them found no action word)
        return not (intent in ("out_of_scope", "unsupported_action") and analytic and asks)
    cohort_words = metric.get("tool") == "cohort_retention" and _COHORT_WORDS.search(str(metric.get("text") or ""))
    year_id = re.fullmatch(r"(?:19|20)\d{2}", str(slots.get("customer") or "")) and str(slots.get("customer")) in str(
        args.get("since") or ""
    )  # "top 5 accounts 1998?": the year the older reading took for an account id
    if (
        slots.get("customer")
        and not (args.get("customers") or args.get("customer"))
        and not cohort_words
        and not year_id
    ):
        # ("97年2月首单的客户 3个月后留存率多少": the "客户 3" the older reading sees is a month count of a cohort)
        return True
    if intent == "about_assistant" and not explicit:
        return True  # "你这个好评差评是机器判断的吧？准不准": the model's accuracy, not the shares again
    if intent == "list_segments" and not explicit and _HOW_MANY_SEGMENTS.search(str(metric.get("text") or "")):
        return True  # "我们现在分了几个客群？每个多少人，各自贡献多少收入": the segment list answers it all
    # "how much are our customers worth over the next 6 months", "那大概会有多少个客人来买" after next month's forecast:
    # the value and forecast tools answer what the segment list cannot
    valued = metric.get("tool") in ("customer_value", "forecast_totals")
    if intent == "list_segments" and not args.get("group_by") and not explicit and not valued:
        return set(args.get("measures") or []) <= {"revenue", "revenue_share", "buyers"}
    text = str(metric.get("text") or "")
    vague = _VAGUE_RECENT.search(text) and not _NAMED_PERIOD.search(text)  # "最近差评多不多": the trend answers it
    carried = intent in PERIOD_CARRIED  # the older reading takes the analytics reading's period (decide)
    if args.get("since") and not slots.get("since") and intent != "customer_profile" and not vague and not carried:
        # "上个月一共收到多少条差评？占全部反馈的比例是多少" read before the data's range is known: the older reading
        # has no period to pass on (it would answer over all the data); the analytics reading carries it
        return False
    return classic_answers(metric, intent)


def classic_answers(metric: Mapping[str, Any], intent: str) -> bool:
    """Whether the router's older ``intent`` answers this analytics question in full (see CLASSIC_MEASURES)."""
    args = {k: v for k, v in (metric.get("args") or {}).items() if v not in (None, [], "")}
    if metric.get("unsupported") and intent not in TEXT_INTENTS:
        return False
    # a cohort table is always by month: its grain says nothing about the question
    explicit = [k for k in _EXPLICIT if k in args and not (k == "grain" and metric.get("tool") == "cohort_retention")]
    cohort_words = metric.get("tool") == "cohort_retention" and _COHORT_WORDS.search(str(metric.get("text") or ""))
    if intent in TEXT_INTENTS and not explicit and not cohort_words:
        # feedback texts say nothing of a purchase measure ("只买过一次的客户有多少人" is no feedback search)
        asked = set(args.get("measures") or [])
        specific = asked - CLASSIC_MEASURES["overview"][0] - _FEEDBACK - {"revenue_share"}
        if intent in _FEEDBACK_TEXT_INTENTS and specific:
            return False
        if any(m.startswith(("days_between", "days_first_to_second")) for m in asked):
            return False  # "会员第一次买完一般隔多少天会来买第二次": a gap between purchases, no risk list or forecast
        return metric.get("tool") in ("metric_query", "cohort_retention")
    if metric.get("tool") != "metric_query" or intent not in CLASSIC_MEASURES:
        return False
    measures, groups, allowed = CLASSIC_MEASURES[intent]
    wanted = set(args.get("measures") or [])
    extra = set(args) - {"measures", "group_by"} - allowed
    if intent == "customer_profile" and len(args.get("customers") or []) != 1:
        return False
    return bool(wanted) and wanted <= measures and args.get("group_by") in groups and not extra


_ELLIPTICAL_CLAUSE = re.compile(
    r"^\s*(?:那|那么|and|what about|how about)?[^，,。；;？?]{0,16}?(?:呢|\?)\s*[？?]?", re.IGNORECASE
)


_PER_CUSTOMER_HISTORY = frozenset({"repeat_rate", "repeat_customers", "one_time_share", "one_time_customers"})


def share_again(question: str, metric: dict[str, Any] | None, previous: Mapping[str, Any] | None) -> None:
    """ "98上半年呢" after "97全年金额超过100刀的订单有多少单，占全部订单多少": the same filtered figure in the new
    period, with its share of all again (in place)."""
    if not metric or not previous or not previous.get("share_of_all") or metric.get("share_of_all"):
        return
    if metric.get("tool") != "metric_query" or previous.get("tool") != "metric_query":
        return
    args, base = metric.get("args") or {}, previous.get("args") or {}
    # the amount filter, the inactivity threshold and the customer group (GROUP_ARGS) are what "the same" keeps
    filters = ("min_amount", "max_amount", "amount_strict", "inactive_days", *GROUP_ARGS)
    filtered = [k for k in filters if base.get(k) is not None]
    # ("前20%呢" after the top 10%'s share: the same filter with a new value, its share again)
    if filtered and all(args.get(k) is not None for k in filtered) and _ELLIPTICAL_CLAUSE.match(question):
        metric["share_of_all"] = True


_EACH_ROW = re.compile(r"每个|每一个|各个|各(?=季度|月|周|年|天)|分别|\beach\b|\brespectively\b", re.IGNORECASE)


def row_shares_again(question: str, metric: dict[str, Any] | None, previous: Mapping[str, Any] | None) -> None:
    """ "每个季度占全年的比例分别是多少" after the quarters (ranked, with the top one asked): every row again, each with
    its share of the whole (in place)."""
    if not metric or not previous or metric.get("tool") != "metric_query" or previous.get("tool") != "metric_query":
        return
    args = metric.get("args") or {}
    if not (args.get("grain") or args.get("group_by")) or not (_EACH_ROW.search(question)):
        return
    if not metric_slots.share_asked(question) or metric_slots.measures_named(question):
        return
    measures = list(args.get("measures") or [])
    shares = [f"{m}_share" for m in measures if f"{m}_share" in _ROW_SHARES]
    if not shares:
        return
    args["measures"] = list(dict.fromkeys([*measures, *shares]))
    args.pop("limit", None)


def with_previous_measures(question: str, metric: dict[str, Any], previous: Mapping[str, Any]) -> dict[str, Any]:
    """ "那今年上半年呢？一次性购买的占多少": an elliptical clause about the previous measures, then a new measure:
    both, over the period named."""
    m = _ELLIPTICAL_CLAUSE.match(question)
    if not m or not m.group(0).strip() or len(m.group(0).strip()) == len(question.strip()):
        return metric
    clause = parse(m.group(0), None, None)
    if clause is not None and clause["args"].get("measures") and not measure_defaulted(clause):
        return metric  # the first clause names its own measure ("跟4月比呢" names none: revenue is its default)
    if previous.get("tool") != metric.get("tool") or metric.get("tool") != "metric_query":
        return metric
    named = metric["args"].get("measures") or []
    before = [x for x in (previous.get("args") or {}).get("measures") or [] if x not in named]
    if before:
        metric["args"]["measures"] = before + list(metric["args"].get("measures") or [])
        metric["terms"] = {**dict(previous.get("terms") or {}), **dict(metric.get("terms") or {})}
    return metric


_WHICH_DAY = re.compile(r"哪天|哪一天|哪日|\bwhich\s+day\b|\bwhat\s+day\b", re.IGNORECASE)
# A follow-up that names only a measure: "AOV呢", "那单量占比呢 也是那天最高吗", "and orders?", "人均消费分别呢"
_ONLY_MEASURE = re.compile(
    r"(?:那|那么|and|what\s+about|how\s+about)?\s*[^，,。；;？?\d]{1,14}?(?:分别|各自|也)?(?:呢|\?|？)"
    r"(?:\s*[^，,。；;？?\d]{0,12}(?:那天|那一天|最高|最多|最低|吗|分别多少|分别是多少|各是多少|各多少)[？?]?)?",
    re.IGNORECASE,
)
_TYPE_WORD = re.compile(
    r"新客|老客|新用户|老用户|回头客|(?<![A-Za-z])(?:new|returning|repeat)(?![A-Za-z])", re.IGNORECASE
)
# "这批人有多少个", "他们一共几位", "how many of them are there": the group pointed at, counted
_COUNT_OF_THEM = re.compile(
    r"(?:这批|那批|这些|那些|这群|那群|他们|她们)(?:人|客户|用户|会员)?(?:里|中)?(?:一共|总共|共)?(?:有)?(?:多少|几)(?:个|位|人|名)?(?:人)?(?:[？?呢]|$)"
    r"|how\s+many\s+(?:of\s+them|people|customers)\s+(?:are\s+there|is\s+that|are\s+they)",
    re.IGNORECASE,
)
# a count of people asked ("多少人", "几个新客", "how many")
_PEOPLE_COUNTED = re.compile(
    r"多少(?:个|位)?(?:人|客户|新客|老客)|几(?:个|位)|人数|客户数|新客数|老客数|\bhow\s+many\b", re.I
)
_ALL_CUSTOMERS = re.compile(
    r"全部客户|全部会员|全部用户|所有客户|所有会员|总客户|总会员|总用户|客户总数|全体客户|\beveryone\b|\ball\s+(?:our\s+)?customers\b"
    r"|\btotal\s+customers\b|\bcustomer\s+base\b|\bever\s+acquired\b",
    re.IGNORECASE,
)
# Words that point back at a group of customers named before ("这批人", "those customers"); decide reads them too
THEM = re.compile(
    r"它们|他们|她们|这批|那批|这些|那些|\bthem\b|\bthey\b|\bthose\b|\bthis cohort\b"
    r"|\bthese\s+(?:customers|people|clients)\b|\b(?:these|those)\s+\d+\b|\b(?:that|this)\s+(?:lot|bunch|crowd|mob)\b|这\s*(?:\d+|[两二三四五六七八九十百]+)\s*(?:个|位|名)"
    # "这几个人以前加起来一共花了多少": a few people the previous answer counted
    r"|(?:这|那)几(?:个|位|名)(?:人|客户|会员|用户|顾客|客人)",
    re.IGNORECASE,
)
_YEAR_NAMED = re.compile(r"(?:19|20)?\d{2}\s*年|\b(?:19|20)\d{2}\b|今年|去年|前年|明年|this\s+year|last\s+year", re.I)
_ALL_TIME = re.compile(
    # ("两个加起来得等于总额": the parts add up to the figure asked, no other period)
    r"(?<!等于)(?<!加起来)总|累计|全部|历史|所有|一共|至今|迄今|到目前|截至目前|整体|全量"
    # "新客首单到二单一般隔多久": what is usual, over all the data
    r"|一般(?!般)|通常|\btypically\b|\busually\b|\bin\s+general\b"
    # "那新客都是哪几个月进来的": when they came, over all the data
    r"|哪几?个?月(?:份)?(?:进来|来的|加入|注册|首购|首单)|(?:什么|啥)时候(?:进来|来的|加入|开始买|第一次|首次)|(?:最后|最近)一次有"
    r"|\bto\s+date\b|\ball[- ]time\b|\boverall\b|\bever\b|\bin\s+total\b|\blifetime\b",
    re.IGNORECASE,
)


# "件数呢，…": a follow-up that opens by swapping the measure
_SWAPPED_FIRST = re.compile(r"^\s*(?:那)?[^\s，,。？?]{1,6}呢\s*[，,？?]")
# words that ask for all the data even among the thread's customers ("这些人历史上一共花了多少")
_SAID_ALL_TIME = re.compile(r"累计|历史|至今|迄今|到目前|截至目前|从来|\ball[- ]time\b|\bever\b|\blifetime\b", re.I)


def _year_earlier(question: str, previous: Mapping[str, Any]) -> dict[str, Any] | None:
    """ "去年同期也是周五最忙吗" after a weekday ranking, "去年同期那3个月呢" after a monthly trend: the same rows a
    year earlier (not a comparison table; "同比"/"对比" asks for the comparison)."""
    base = previous.get("args") or {}
    if previous.get("tool") != "metric_query" or not (base.get("since") and base.get("until")):
        return None
    rows = base.get("group_by") in ("weekday", "segment", "customer_type") or base.get("grain")
    # "那去年同期平均一单几张" after 1998 H1's: a measure named, a year earlier (a bare "去年同期呢" compares)
    if not (rows or metric_slots.measures_named(question)):
        return None
    if not _SAME_LAST_YEAR.search(question) or _VERSUS.search(question) or _NAMED_COMPARE.search(question):
        return None
    if re.search(r"对比|比较|变化|增长|下降|涨|跌", question):
        return None
    from datetime import date

    from crm_insights.agent.timeexpr import shift_year

    s0, e0 = shift_year(date.fromisoformat(str(base["since"])[:10]), date.fromisoformat(str(base["until"])[:10]))
    kept = {k: v for k, v in base.items() if k not in ("since", "until", "compare", "compare_since", "compare_until")}
    new = _relaid(previous, question, {**kept, "since": s0.isoformat(), "until": e0.isoformat()}, base)
    new["periods_text"] = new["periods_text_zh"] = f"{s0.isoformat()}..{e0.isoformat()}"
    new["assumed_year"] = None
    return new


# "and for the half as a whole?", "合起来呢", "整个上半年呢" after a trend: the span's one figure, not its rows again
_AS_A_WHOLE = re.compile(
    r"\bas\s+a\s+whole\b|\boverall\b|\baltogether\b|\bin\s+total\b|\ball\s+up\b|合起来|加起来|加总|合计|整体|总的|整个|一共",
    re.IGNORECASE,
)


def whole_span(question: str, metric: dict[str, Any] | None, previous: Mapping[str, Any] | None) -> None:
    """A follow-up to a trend asking for the span as a whole: the trend's grain dropped (in place)."""
    args, base = (metric or {}).get("args") or {}, (previous or {}).get("args") or {}
    if not (
        args.get("grain")
        and args.get("grain") == base.get("grain")
        and _AS_A_WHOLE.search(question)
        and not metric_slots.measures_named(question)
        and not re.search(r"按|每|各|逐|\bby\b|\beach\b|\bper\b|trend|走势|趋势", question, re.IGNORECASE)
    ):
        return
    for key in ("grain", "sort", "limit", "change_by_row"):
        args.pop(key, None)


def rebase_comparison(metric: dict[str, Any], previous: Mapping[str, Any]) -> None:
    """A comparison whose base the question left unnamed ("跟4月比呢？复购率是升了还是降了" after last month's
    figures): the base is the conversation's period, not the data's last month."""
    args, base = metric.get("args") or {}, previous.get("args") or {}
    if not (
        metric.get("tool") == previous.get("tool") == "metric_query"
        and args.get("compare_since")
        and base.get("since")
        and not (base.get("grain") or args.get("grain"))
        and metric.get("implicit_base")
    ):
        return
    if (base.get("since"), base.get("until")) == (args.get("compare_since"), args.get("compare_until")):
        return
    args["since"], args["until"] = base["since"], base.get("until")
    for key, sep in (("periods_text", " vs "), ("periods_text_zh", " 对比 ")):
        own, before = str(metric.get(key) or ""), str(previous.get(key) or previous.get("periods_text") or "")
        if sep in own and before:
            metric[key] = f"{_first_period_text(before)}{sep}{own.split(sep, 1)[1]}"
    metric["assumed_year"] = previous.get("assumed_year") or metric.get("assumed_year")


_TYPED_REVENUE = {"returning_customers": "revenue_returning", "new_customers": "revenue_new"}
_OTHER_TYPE_REVENUE = {"revenue_returning": "revenue_new", "revenue_new": "revenue_returning"}


def typed_revenue_again(question: str, metric: dict[str, Any] | None, previous: Mapping[str, Any] | None) -> None:
    """ "换成老客呢" after "三月份新客户贡献了多少销售额": the other type's revenue, not its count (in place)."""
    if not metric or not previous or not (metric.get("tool") == previous.get("tool") == "metric_query"):
        return
    args = metric.get("args") or {}
    measures = args.get("measures") or []
    if (
        len(measures) == 1
        and _OTHER_TYPE_REVENUE.get(_TYPED_REVENUE.get(measures[0], ""))
        in ((previous.get("args") or {}).get("measures") or [])
        and not _PEOPLE_COUNTED.search(question)
    ):
        args["measures"] = [_TYPED_REVENUE[measures[0]]]
    base = previous.get("args") or {}
    if (
        measures in (["returning_customers"], ["new_customers"])
        and base.get("group_by") == "customer_type"
        and "revenue" in (base.get("measures") or [])
        and not _PEOPLE_COUNTED.search(question)
    ):
        # "换成老客呢" after "97年3月的营收里，新客贡献了多少，占比多少" (new vs returning side by side): the same
        # revenue and share, read on the other type's row
        args["measures"] = list(base["measures"])


def both_ends(question: str, metric: dict[str, Any] | None) -> None:
    """ "只看98年呢？最好和最差的月份" after the best month alone: both ends asked, so the whole ranking (in place)."""
    args = (metric or {}).get("args") if metric and metric.get("tool") == "metric_query" else None
    if not args or not args.get("limit") or not (args.get("grain") or args.get("group_by") not in (None, "customer")):
        return
    desc, asc = metric_slots.rank_words()
    if desc.search(question) and asc.search(question):
        args.pop("limit")


def gaps_again(question: str, metric: dict[str, Any] | None, previous: Mapping[str, Any] | None) -> None:
    """ "只看98年发生的回购呢" after the days between purchases: the same gaps over the period named, not the repeat
    rate that 回购 alone would read (in place)."""
    if not metric or not previous or not (metric.get("tool") == previous.get("tool") == "metric_query"):
        return
    args, base = metric.get("args") or {}, previous.get("args") or {}
    gaps = [m for m in base.get("measures") or [] if m.startswith(("days_between", "days_first_to_second"))]
    asked = set(args.get("measures") or [])
    if gaps and asked and asked <= _REPEAT_WORDS and _length(question) <= 24 and _REPEAT_AGAIN.search(question):
        args["measures"] = gaps


_REPEAT_WORDS = frozenset({"repeat_rate", "repeat_customers", "buyers", "purchase_days"})
_REPEAT_AGAIN = re.compile(r"(?:复购|回购|再买|repeat|repurchase)[^，,。？?]{0,3}(?:呢|吗|[？?]|$)", re.IGNORECASE)


def rest_of_top(question: str, metric: dict[str, Any] | None, previous: Mapping[str, Any] | None) -> None:
    """ "Their AOV compared to the other 90%?" after the top 10%'s share: the top group's figure, then the same for
    every customer outside it (a further call with top_rest; in place; metric_slots reads it in one question)."""
    if not metric or metric.get("tool") != "metric_query" or not metric_slots.REST_OF_TOP.search(question):
        return
    args, base = metric.setdefault("args", {}), (previous or {}).get("args") or {}
    if not (args.get("top_share") or args.get("top_customers")) and (previous or {}).get("tool") == "metric_query":
        for key in ("top_share", "top_customers", "filter_since", "filter_until"):
            if base.get(key) is not None and args.get(key) is None:
                args[key] = base[key]
    if (args.get("top_share") or args.get("top_customers")) and not args.get("top_rest") and not metric.get("also"):
        metric["also"] = [{**args, "top_rest": True}]


def bare_monthly_again(metric: dict[str, Any] | None, previous: Mapping[str, Any] | None) -> None:
    """ "今年截至6月底的月均呢？" after "97年月均营收和月均订单行数": the same monthly averages, not the revenue one
    that a bare 月均 reads alone (in place)."""
    if not metric or not previous or not (metric.get("tool") == previous.get("tool") == "metric_query"):
        return
    args, base = metric.get("args") or {}, previous.get("args") or {}
    before = list(base.get("measures") or [])
    bare = (metric.get("terms") or {}).get("revenue_per_month", "").strip() == "月均"
    per_month = all(m.endswith("_per_month") for m in before)
    if args.get("measures") == ["revenue_per_month"] and bare and len(before) > 1 and per_month:
        args["measures"] = before


def keep_target(metric: dict[str, Any] | None, previous: Mapping[str, Any] | None) -> None:
    """ "如果按Q2的run-rate（Q2×4）来算呢？" after the half's run-rate against a budget the user gave: the same target
    (in place); the run-rate is the figure held against it."""
    if not metric or not previous or not (metric.get("tool") == previous.get("tool") == "metric_query"):
        return
    if metric.get("target") is not None or previous.get("target") is None:
        return
    measures = list((metric.get("args") or {}).get("measures") or [])
    if "revenue_annualized_monthly" not in measures and "revenue" not in measures:
        return
    metric["target"] = previous["target"]
    metric["args"]["measures"] = metric_slots.run_rate_first(measures)


def drop_orphans(metric: dict[str, Any] | None) -> None:
    """Arguments a follow-up carried that no longer apply (in place): change_by_row or having without the trend or
    breakdown they read ("98Q2同比呢" after a quarterly trend with its QoQ changes)."""
    args = (metric or {}).get("args") if metric and metric.get("tool") == "metric_query" else None
    if not args:
        return
    if args.get("change_by_row") and not args.get("grain"):
        args.pop("change_by_row")
    if args.get("having") and not (args.get("grain") or args.get("group_by")):
        args.pop("having")


def carry_period(
    question: str,
    metric: dict[str, Any],
    previous: Mapping[str, Any],
    data_start: str | None = None,
    data_end: str | None = None,
) -> dict[str, Any]:
    """A question in an analytics thread that names no period ("老客贡献的销售额是多少？" after "今年上半年新客多少人",
    "那客单价 YoY 呢？") is about the period of the conversation, not all the data; words such as 累计 / to date ask
    for all of it. A cohort question about "them" after a cohort's table is that cohort read at the month named."""
    args, base = metric.setdefault("args", {}), previous.get("args") or {}
    rebase_comparison(metric, previous)
    if _versus_named(question, metric, previous):
        return metric
    if _both_against_named(question, metric, previous):
        return metric
    if metric.get("tool") == "metric_query" and metric_slots.asks_when_new(question):
        return metric  # "那最后一个还有新客进来的月份是哪个月": new customers month by month over all the data
    if (
        metric.get("tool") == "metric_query"
        and previous.get("tool") == "forecast_totals"
        and not args.get("since")
        and (base.get("period") or base.get("horizon_weeks"))
        and metric_slots.asks_future(question)
    ):
        # "大概多少人会来买" after next month's forecast: the same forecast's buyers, not the figure to date
        kept = {k: base[k] for k in ("period", "horizon_weeks", "segment") if base.get(k)}
        if args.get("segment"):
            kept["segment"] = args["segment"]
        return {**_relaid(previous, question, kept, base), "assumed_year": None}
    if (
        metric.get("tool") == previous.get("tool") == "forecast_totals"
        and not (args.get("period") or args.get("horizon_weeks"))
        and (base.get("period") or base.get("horizon_weeks"))
    ):
        # "其中高价值客户那一群预计能贡献多少" after July's forecast: the same horizon, for the segment named
        args.update({k: base[k] for k in ("period", "horizon_weeks") if base.get(k)})
        return metric
    if (
        metric.get("tool") == previous.get("tool") == "metric_query"
        and args.get("inactive_days")
        and base.get("inactive_days")
        and previous.get("share_of_all")
        and _ELLIPTICAL_CLAUSE.match(question)
    ):
        metric["share_of_all"] = True  # "一年以上没买的呢？" after "半年没来的有多少，占全部几成": the share again
    earlier = _year_earlier(question, previous) if metric.get("tool") == "metric_query" else None
    if earlier is not None:
        return earlier
    if (
        metric.get("tool") == previous.get("tool") == "metric_query"
        and base.get("group_by") == "customer_type"
        and args.get("measures")
        and set(args["measures"]) <= {"new_customers", "returning_customers", "buyers"}
        and not _PEOPLE_COUNTED.search(question)
    ):
        # "全是老客？那97年2月呢 那会应该新客多吧" after revenue by new vs returning: 新客/老客 name the rows again,
        # the measures stay the previous ones (not a count of customers)
        args["measures"] = list(base.get("measures") or [])
        args["group_by"] = "customer_type"
    elif (
        metric.get("tool") == previous.get("tool") == "metric_query"
        and base.get("group_by") == "customer_type"
        and not args.get("group_by")
        and not args.get("grain")
        and _TYPE_WORD.search(question)
        # "新客首单到二单一般隔多久": a customer's own gaps and repeat figures have no new/returning rows
        and not any(m.startswith("days_") or m in _PER_CUSTOMER_HISTORY for m in args.get("measures") or [])
    ):
        # "returning这部分的AOV是多少？" after revenue by new vs returning: the new measure for each type (the row asked
        # among them), over the same period
        args["group_by"] = "customer_type"
    bounds = ("min_amount", "max_amount", "amount_strict")
    if (
        metric.get("tool") == previous.get("tool") == "metric_query"
        and THEM.search(question)
        and any(base.get(k) is not None for k in bounds[:2])
        and all(args.get(k) is None for k in bounds[:2])
    ):
        # "这些大单是多少个客户下的" after the orders over 100: the same order lines, counted by customer
        args.update({k: base[k] for k in bounds if base.get(k) is not None})
        if metric_slots.HOW_MANY_CUSTOMERS.search(question):
            args["measures"] = ["buyers"]
        for key in ("since", "until"):
            if base.get(key) and not args.get(key):
                args[key] = base[key]
    if (
        metric.get("tool") == previous.get("tool") == "metric_query"
        and args.get("inactive_days")
        and args.get("inactive_days") == base.get("inactive_days")
        and _STRICTLY.search(question)
    ):
        args["inactive_days"] += 1  # "如果严格要求超过90天（正好90天的不算）呢": more than 90 days = 91 or more
    swapped_measure = (
        set(k for k, v in args.items() if v) <= {"measures", "since", "until"}
        and args.get("since") in (None, base.get("since"))
        and args.get("until") in (None, base.get("until"))
        and args.get("measures") != base.get("measures")
        and _length(question) <= 60
        and _ONLY_MEASURE_SWAP.search(question) is not None
    )
    if (
        metric.get("tool") == previous.get("tool") == "metric_query"
        and (_SAME_COMPARISON.search(question) or swapped_measure)
        and not any(args.get(k) for k in _PERIOD_ARGS if k not in ("since", "until") or not swapped_measure)
        and any(base.get(k) for k in ("compare", "compare_since"))
    ):
        # ("Per pax spend leh? Not per order, per customer" after AOV this quarter vs last: the other measure, compared
        # the same way)
        # "Same comparison for units per order." after AOV Q2 98 vs Q2 97: the new measure, compared the same way
        for key in _PERIOD_ARGS:
            if base.get(key):
                args[key] = base[key]
        for key in ("periods_text", "periods_text_zh", "assumed_year"):
            metric[key] = previous.get(key)
        return metric
    if (
        metric.get("tool") == previous.get("tool") == "cohort_retention"
        and base.get("active_since")
        and not args.get("active_since")
        and not metric.get("cohort_targets")
        and args.get("periods") == 12
    ):
        # "And the February and March cohorts?" after the January cohort's share still buying in 1998: the same window
        args.update(active_since=base["active_since"], active_until=base.get("active_until"))
    if metric.get("tool") == previous.get("tool") == "cohort_retention" and data_start and data_end:
        other = _other_cohort(question, previous, data_start, data_end)
        # ("那同一年3月份进来的那批呢？也是第1个月和第3个月": longer, with the months on named)
        named_on = not _COHORTS_LISTED.search(question) and (_nth_months(question) or months_on(question))
        moved = other is not None and (other.get("args") or {}).get("since") != base.get("since")
        if other is not None and _length(question) <= 24:
            return other  # "2月cohort呢" after January 1997's cohort: February 1997's, as many months on
        if other is not None and named_on and moved and not metric.get("unsupported"):
            # the months on named are the cohort table's, not the window of a share still buying ("What was
            # month-3 retention for the January cohort?" after the Feb/Mar cohorts' share in 1998)
            for key in ("active_since", "active_until"):
                other["args"].pop(key, None)
            if not other.get("cohort_targets"):
                # only the months named, not every month up to them
                asked = _nth_months(question) or sorted({k for k in months_on(question) if 1 <= k <= 36})
                other.update(cohort_targets=asked, cohort_fixed=[None] * len(asked))
            return other
    if (
        metric.get("tool") == "cohort_retention"
        and previous.get("tool") == "cohort_retention"
        and data_start
        and data_end
        and THEM.search(question)
    ):
        return (
            _more_cohorts(question, previous, data_start, data_end)
            or _cohort_month(question, previous, data_start, data_end)
            or metric
        )
    if metric.get("tool") == "cohort_retention" and previous.get("tool") == "metric_query" and THEM.search(question):
        # "1997年2月这批新客有多少人？" then "它们在1997年12月的留存？": the earlier month's cohort, read at that month
        b0, b1, named = str(base.get("since") or ""), str(base.get("until") or ""), str(args.get("since") or "")
        if b0[:7] and b0[:7] == b1[:7] and named[:7] > b0[:7]:
            months = (int(named[:4]) - int(b0[:4])) * 12 + int(named[5:7]) - int(b0[5:7])
            args.update(since=b0, until=b1, periods=months)
            metric["cohort_from_thread"] = True
        return metric
    if (
        metric.get("tool") == "cohort_retention"
        and previous.get("tool") == "metric_query"
        and not args.get("since")
        and set(base.get("measures") or []) & _COHORT_MEASURES
    ):
        # "97年一月份进来的那批新客 后来又回来买过的有多少人" then "次月留存和第三个月的留存分别是多少": that
        # month's cohort
        b0, b1 = str(base.get("since") or ""), str(base.get("until") or "")
        if b0[:7] and b0[:7] == b1[:7]:
            args.update(since=b0, until=b1)
            metric["cohort_from_thread"] = True
        return metric
    if metric.get("tool") != "metric_query" or previous.get("tool") != "metric_query":
        return metric
    back = one_more_back(question, previous, metric)
    if back is not None:
        return back
    versus = _against_earlier(question, args, base, data_start, data_end)
    if versus is not None:
        # "跟97年上半年比，销售额同比降了多少？" after 1998 H1: the thread's period stays the base, compared with the
        # earlier one named
        args.pop("compare", None)
        args["since"], args["until"] = base["since"], base.get("until")
        args["compare_since"], args["compare_until"] = versus
        metric["periods_text"] = metric["periods_text_zh"] = (
            f"{base['since']}..{base.get('until')} vs {versus[0]}..{versus[1]}"
        )
        metric["assumed_year"] = None
        return metric
    if (
        base.get("group_by") == "weekday"
        and args.get("grain") == "day"
        and not args.get("group_by")
        and _WHICH_DAY.search(question)
        and set(args) <= {"measures", "grain", "sort", "limit", "since", "until"}
        and (not args.get("since") or (args.get("since"), args.get("until")) == (base.get("since"), base.get("until")))
    ):
        # "那AOV哪天最高" after "今年周几卖得最好": the day is a weekday row of the same breakdown, not a date
        args.pop("grain")
        args.update(group_by="weekday", since=base.get("since"), until=base.get("until"))
        for key in ("periods_text", "periods_text_zh", "assumed_year", "outside"):
            metric[key] = previous.get(key)
        return metric
    only_measure = _ONLY_MEASURE.fullmatch(question.strip()) or (
        _BOTH_PERIODS.search(question) and (base.get("compare") or base.get("compare_since"))
    )
    if only_measure and set(args) <= {"measures", "grain", "sort", "limit"}:
        # "AOV呢" after "5月GMV多少 MoM涨还是跌", "人均消费分别呢" after two halves side by side: the new measure over
        # the previous question's scope (period, comparison, breakdown); "那天" after a weekday ranking is its row
        kept = {k: v for k, v in base.items() if k not in ("measures", "having", "inactive_days")}
        if args.get("grain") and args.get("grain") != "day":
            kept["grain"] = args["grain"]
        measures = list(args.get("measures") or [])
        share = metric_slots.SHARE_OF.get(measures[0]) if measures else None
        if kept.get("group_by") in ("weekday", "segment") and share and share not in measures:
            measures.append(share)  # a breakdown of a sum shows each row's share, as the first question's did
        args.clear()
        args.update(kept, measures=measures)
        for key in ("periods_text", "periods_text_zh", "assumed_year", "outside"):
            metric[key] = previous.get(key)
        return metric
    if data_start and data_end and base.get("since") and not _ALL_TIME.search(question):
        own = _own_periods(metric_slots.expand_abbreviations(question), data_start, data_end)
        if not own and not args.get("compare_since"):
            # the period the parser stood in for ("YoY" alone: the data-end month) is the thread's period here
            args["since"], args["until"] = base["since"], base.get("until")
            for key in ("periods_text", "periods_text_zh"):
                metric[key] = _first_period_text(previous.get(key))
            metric["assumed_year"] = previous.get("assumed_year")
            return metric
        year = str(base["since"])[:4]
        if (
            len(own) == 1
            and own[0].assumed_year
            and str(base.get("until") or base["since"])[:4] == year
            and int(year) != own[0].start.year
            and not (args.get("compare") or args.get("compare_since"))
        ):
            # "那3月份单看…" after a question about 1997: March 1997, not the latest March in the data
            from datetime import date

            from crm_insights.agent.timeexpr import shift_year

            start, end = shift_year(own[0].start, own[0].end, int(year) - own[0].start.year)
            if date.fromisoformat(data_start[:10]) <= start <= date.fromisoformat(data_end[:10]):
                args["since"], args["until"] = start.isoformat(), end.isoformat()
                metric["periods_text"] = metric["periods_text_zh"] = f"{start.isoformat()}..{end.isoformat()}"
                metric["assumed_year"] = None
                return metric
    projects = "revenue_annualized" in (args.get("measures") or [])
    if (
        base.get("since")
        and metric_slots.BARE_YEAR.search(question)
        and not _YEAR_NAMED.search(question)
        # "按Q2的run-rate年化，全年大概能做多少": the year is what Q2's run rate projects to, not the period measured
        and not projects
        # "全年预算是120万": the year the user's target covers, not the period measured
        and not metric.get("target")
    ):
        # "哪个季度营收最高，占全年多少？" after a question about 1997: that whole year, not the latest one
        year = str(base["since"])[:4]
        if str(base.get("until") or base["since"])[:4] == year and metric.get("assumed_year"):
            args["since"], args["until"] = f"{year}-01-01", f"{year}-12-31"
            args.pop("compare", None)
            metric["periods_text"] = metric["periods_text_zh"] = year
            metric["assumed_year"] = None
            return metric
    all_time = _ALL_TIME.search(question) and not _THAT_PERIOD.search(question)  # "那半个月一共": that period's total
    if all_time and _SWAPPED_FIRST.match(question) and not _SAID_ALL_TIME.search(question):
        all_time = None  # "件数呢，一共卖了多少件": another measure of the same period, its total
    if all_time and _AMONG_THEM.search(question) and not _SAID_ALL_TIME.search(question):
        all_time = None  # "这里面买了两次及以上的有几个人？他们一共花了多少钱": those buyers, in that period
    if any(args.get(k) for k in _PERIOD_ARGS) or not base.get("since") or all_time:
        return metric
    if "inactive_customers" in (args.get("measures") or []):
        return metric
    if metric.get("unsupported") and not _THAT_PERIOD.search(question):
        return metric
    args["since"], args["until"] = base["since"], base.get("until")
    for key in ("periods_text", "periods_text_zh", "assumed_year"):
        metric[key] = _first_period_text(previous.get(key)) if key != "assumed_year" else previous.get(key)
    return metric


def year_comparison_in_data(
    question: str, metric: dict[str, Any] | None, data_start: str | None, data_end: str | None
) -> None:
    """ "人均消费同比是升是降" asked while the thread is on the data's first year (1997 H1): a year earlier lies before
    the data, so the comparison is the same span a year later against it (in place). Only for a period the question
    did not name itself."""
    args = (metric or {}).get("args") or {}
    if args.get("compare") != "year" or not (args.get("since") and args.get("until") and data_start and data_end):
        return
    from datetime import date

    from crm_insights.agent.timeexpr import shift_year

    if _own_periods(question, data_start, data_end):
        return
    s0, e0 = date.fromisoformat(str(args["since"])[:10]), date.fromisoformat(str(args["until"])[:10])
    first, last = date.fromisoformat(data_start[:10]), date.fromisoformat(data_end[:10])
    before, _ = shift_year(s0, e0, -1)
    later, later_end = shift_year(s0, e0, 1)
    if before < first and later_end <= last:
        args["since"], args["until"] = later.isoformat(), later_end.isoformat()
        assert metric is not None
        metric["periods_text"] = metric["periods_text_zh"] = f"{later.isoformat()}..{later_end.isoformat()}"
        metric["assumed_year"] = None


def _against_earlier(
    question: str,
    args: Mapping[str, Any],
    base: Mapping[str, Any],
    data_start: str | None = None,
    data_end: str | None = None,
) -> tuple[str, str] | None:
    """The period a follow-up names to compare the thread's period with ("跟97年上半年比"), when it lies before it."""
    # "跟97年上半年比", "vs Q1", or the period named right after 环比/同比 ("环比一月呢")
    if not (base.get("since") and base.get("until")) or base.get("compare_since"):
        return None
    if not (_VERSUS.search(question) or _NAMED_TARGET.search(question)):
        return None
    since, until = str(args.get("since") or ""), str(args.get("until") or "")
    if not since or args.get("compare_since") or not until < str(base["since"]):
        return None
    if args.get("compare") not in (None, "year", "previous"):
        return None
    named = [
        p for p in _own_periods(question, data_start or since, data_end or until) if not _BEFORE_THAT.search(p.text)
    ]
    if len(named) >= 2 and not _PREV_NAMED.search(question):
        return None  # "那今年一季度跟去年一季度比呢": both sides named, the question's own comparison
    return since, until


def lacks_measure(metric: Mapping[str, Any]) -> bool:
    """A metric_query spec with no measure (the question only names a period, a grain or a comparison)."""
    return metric.get("tool") == "metric_query" and not (metric.get("args") or {}).get("measures")


def measure_defaulted(metric: Mapping[str, Any]) -> bool:
    """Whether the spec's measure was supplied because the question named none ("YoY?", "同比增长多少"): after an
    analytics answer such a question is about the previous measures."""
    terms = metric.get("terms") or {}
    measures = (metric.get("args") or {}).get("measures") or []
    return bool(measures) and all(terms.get(m) == "" for m in measures)


def _spend_bounded(args: Mapping[str, Any]) -> bool:
    """Whether a metric call counts customers over or under a spend bound."""
    return args.get("min_customer_spend") is not None or args.get("max_customer_spend") is not None


# "1998上半年这个笔数占比呢？" after the share of order lines over $100 in 1997: the same figure (its filters too)
_THIS_FIGURE = re.compile(
    r"(?:这个|同样的?|同一个|一样的)\s*(?:笔数|单数|单量|数|指标|口径|比例|占比)|\bsame\s+(?:figure|metric|number|measure)\b",
    re.I,
)


def same_figure_again(question: str, metric: Mapping[str, Any] | None, previous: Mapping[str, Any] | None) -> bool:
    """Whether ``question`` asks the previous figure again ("这个笔数占比呢") over another period: read as a
    follow-up, so the previous filters stay."""
    args, base = (metric or {}).get("args") or {}, (previous or {}).get("args") or {}
    measures = [m for m in args.get("measures") or [] if not m.endswith("_share")]
    return bool(
        _THIS_FIGURE.search(question)
        and _ELLIPTICAL_CLAUSE.match(question)
        and (metric or {}).get("tool") == (previous or {}).get("tool") == "metric_query"
        and measures
        and set(measures) <= set(base.get("measures") or [])
    )


def asks_who(question: str, previous: Mapping[str, Any] | None, metric: Mapping[str, Any] | None = None) -> bool:
    """ "都是谁" or "what share of revenue is that" after a count of customers over a spend bound: the follow-up is
    about those customers (follow_up); not a question with an order-amount bound of its own ("那今年单笔超过50块的订单
    有多少单？占今年总单量多少？" is about orders)."""
    own_args = (metric or {}).get("args") or {}
    if own_args.get("min_amount") is not None or own_args.get("max_amount") is not None:
        return False
    if any(own_args.get(k) is not None for k in GROUP_ARGS):
        return False  # "按总消费排，Top 10%的客户贡献了多少比例的营收": a group of its own, not the one counted before
    spend_bound = _spend_bounded((previous or {}).get("args") or {})
    about_them = _WHO.search(question) or metric_slots.SHARE_WORDS.search(question)
    risk = metric_slots.CHURN_RISK.search(question)  # "高价值客户里有流失风险的有哪些人": the risk list's question
    # "这些人历史上一共贡献了多少营收？占总营收多少": a measure of their own, asked of the same group (keep_group)
    own = [m for m in metric_slots.measures_named(question) if m not in ("buyers", "revenue_share")]
    own_measure = bool(own) and _AMONG_GROUP.search(question) is not None
    return spend_bound and bool(about_them) and not risk and not own_measure and _length(question) <= 48


def follow_up(
    question: str, previous: Mapping[str, Any], data_start: str | None, data_end: str | None
) -> dict[str, Any] | None:
    """An elliptical follow-up to an analytics answer ("那98年呢？", "按月看呢", "and vs last year?"): the question
    read with the previous measures' words, its arguments laid over the previous ones."""
    swapped = _SWAP_TO.match(question)
    moved = _new_threshold(question, previous) if swapped else None
    if moved is not None:
        return moved  # "阈值改$50" after orders over $100: the same question at the new threshold
    if swapped and not metric_slots.measures_named(question):
        # "换成 97 年上半年": what follows the swap word, asked as "那…呢"
        question = f"那{swapped.group(1).strip()}呢"
    if metric_slots.CHURN_RISK.search(question):
        return None  # "那高价值客户里现在有流失风险的有哪些人": the risk list's question, whatever came before
    base_args = dict(previous.get("args") or {})
    if (
        _ORDERS_FROM_WHOM.search(question)
        and previous.get("tool") == "metric_query"
        and "orders" in (base_args.get("measures") or [])
    ):
        # "These big orders come from how many pax?", "这些订单来自多少个客户": the buyers of the same order lines
        return _relaid(previous, question, {**base_args, "measures": ["buyers"]}, base_args)
    other_days = _OTHER_WITHIN.match(question)
    if other_days and (previous.get("args") or {}).get("within_days") and previous.get("tool") == "metric_query":
        # "90天内呢？" after the share who bought again within 30 days of their first purchase: the same, within 90
        days = to_int(next(g for g in other_days.groups() if g))
        if days and 1 <= days <= 3650:
            before = dict(previous.get("args") or {})
            return _relaid(previous, question, {**before, "within_days": days}, before)
    if previous.get("tool") == "forecast_totals":
        named_segment = metric_slots.segment_named(question)
        if named_segment and _length(question) <= 40:
            # "What about just the 高价值 segment?" after a forecast: the same forecast for that segment
            before = dict(previous.get("args") or {})
            return _relaid(previous, question, {**before, "segment": named_segment}, before)
    if previous.get("tool") == "cohort_retention" and data_start and data_end:
        cohort = _other_cohort(question, previous, data_start, data_end) or _cohort_month(
            question, previous, data_start, data_end
        )
        if cohort is not None:
            return cohort
    if previous.get("tool") == "cohort_retention" and data_start and data_end:
        other = _other_cohort(question, previous, data_start, data_end)
        if other is not None:
            return other
        later = months_on(question)
        if later and (previous.get("args") or {}).get("since"):
            # "6个月后、12个月后呢" after a cohort's retention 3 months on: the same cohort followed that far
            prev_args = dict(previous.get("args") or {})
            followed = _relaid(previous, question, {**prev_args, "periods": min(max(later), 36)}, prev_args)
            asked = sorted({k for k in later if 1 <= k <= 36})
            return {**followed, "cohort_targets": asked, "cohort_fixed": [None] * len(asked)}
    days = metric_slots.duration_days(question)
    base = dict(previous.get("args") or {})
    if _WHY.search(question) and previous.get("tool") == "metric_query" and base.get("measures"):
        # "为啥掉这么多？" after a comparison: the data records no causes; the same comparison split into buyers,
        # new customers, orders and AOV shows where the change came from (the answer says which part it cannot say)
        parts = [m for m in ("buyers", "new_customers", "orders", "aov") if m not in base["measures"]]
        return {**_relaid(previous, question, {**base, "measures": [*base["measures"], *parts]}, base), "why": True}
    earlier = _year_earlier(question, previous)
    if earlier is not None:
        return earlier
    top = _TOP_N.search(question)
    short = bool(_ELLIPTICAL_CLAUSE.match(question) or SWITCH_MEASURE.search(question) or _length(question) <= 12)
    if base.get("limit") and top and short and not metric_slots.duration_days(question):
        # "And the top 100?" after the top 10 customers: the same ranking, longer
        return _relaid(previous, question, {**base, "limit": int(top.group(1))}, base)
    if base.get("inactive_days") and (
        (days and (_ELLIPTICAL_CLAUSE.match(question) or _STRICTLY.search(question)))
        or (not days and (_PART_OF.search(question) or metric_slots.SHARE_WORDS.search(question)))
    ):
        # "180天的呢？" / "一年以上的呢" after "90天没买过的客户有多少": the same count at the new threshold;
        # "占总客户多少": the same count, whose answer states its share of all customers
        threshold = days or base["inactive_days"]
        if _STRICTLY.search(question) and threshold == base["inactive_days"]:
            threshold += 1  # "如果严格要求超过90天（正好90天的不算）呢": more than 90 days = 91 days or more
        new = _relaid(previous, question, {**base, "inactive_days": threshold}, base)
        # "一年以上没买的呢？" after "半年没来的有多少，占全部几成": the share asked before is asked again
        new["share_of_all"] = not days or bool(previous.get("share_of_all"))
        return new
    if (
        previous.get("tool") == "metric_query"
        and _COUNT_OF_THEM.search(question)
        and not metric_slots.measures_named(question)
        and not (base.get("group_by") or base.get("grain"))
        # the customer filter, or the inactive / top / segment group the previous figure was about
        and any(base.get(k) is not None for k in (*GROUP_ARGS, "inactive_days", "top_customers", "segment"))
    ):
        # "这批人有多少个" after the revenue of customers who bought 3+ times: the same customers, counted
        counted = "inactive_customers" if base.get("inactive_days") else "buyers"
        return _relaid(previous, question, {**base, "measures": [counted]}, base)
    bound = metric_slots.bare_bound(question)
    spend_bound = _spend_bounded(base)
    if bound is not None and spend_bound and base.get("min_amount") is None and base.get("max_amount") is None:
        # "5k以上呢" after "累计消费超1w的客户有几个": the customers' spend bound replaced
        bounded = {
            k: v
            for k, v in base.items()
            if k not in ("min_customer_spend", "max_customer_spend", "customer_spend_strict")
        }
        bounded["min_customer_spend" if bound[0] == "min" else "max_customer_spend"] = bound[1]
        return _relaid(previous, question, bounded, base)
    if (
        previous.get("tool") == "metric_query"
        and "buyers" in (base.get("measures") or [])
        and not (base.get("group_by") or base.get("grain") or spend_bound)
        and metric_slots.SHARE_WORDS.search(question)
        and _ALL_CUSTOMERS.search(question)
    ):
        # "占全部客户的比例呢", "as a % of everyone we ever acquired?" after a count of buyers: the same count, whose
        # answer states its share of every customer who had ordered by then
        new = _relaid(previous, question, {**base, "customers_share": True}, base)
        new["share_of_all"] = True
        return new
    if spend_bound and metric_slots.SHARE_WORDS.search(question) and previous.get("tool") == "metric_query":
        # "and what share of total revenue is that?" after customers who spent over $1,000: their revenue, with its
        # share of everyone's
        named = metric_slots.measures_named(question) or ["revenue"]
        base_measure = [m for m in named if m in ("revenue", "orders", "units")][:1] or ["revenue"]
        listed = {k: v for k, v in base.items() if k not in ("measures", "grain", "compare", "having", "group_by")}
        own_args = (parse(question, data_start, data_end) or {}).get("args") or {}
        if own_args.get("since") and data_start and data_end:
            # "他们今年上半年贡献了多少销售额 占比多少" after customers who spent 1000+ (all data): their revenue in
            # the period named now; who they are is still read over the previous period
            listed.update(
                since=own_args["since"],
                until=own_args.get("until"),
                filter_since=listed.get("filter_since") or base.get("since") or data_start,
                filter_until=listed.get("filter_until") or base.get("until") or data_end,
            )
        new = _relaid(previous, question, {**listed, "measures": base_measure}, base)
        new["share_of_all"] = True
        if own_args.get("since"):
            new["periods_text"] = new["periods_text_zh"] = f"{own_args['since']}..{own_args.get('until')}"
            new["assumed_year"] = None
        return new
    if spend_bound and _WHO.search(question) and previous.get("tool") == "metric_query":
        # "都是谁 各花了多少" after a count of customers over a spend bound: those customers, by spend
        listed = {k: v for k, v in base.items() if k not in ("measures", "grain", "compare", "having")}
        return _relaid(
            previous, question, {**listed, "measures": ["revenue"], "group_by": "customer", "limit": 20}, base
        )
    if bound is not None and (base.get("min_amount") is not None or base.get("max_amount") is not None):
        # "超200的呢" after orders over 100, "and over $100?" after orders under $20: the amount bound replaced
        bounded = {k: v for k, v in base.items() if k not in ("min_amount", "max_amount")}
        bounded["min_amount" if bound[0] == "min" else "max_amount"] = bound[1]
        return _relaid(previous, question, bounded, base)
    named = metric_slots.measures_named(question)
    if named and previous.get("tool") == "metric_query" and _ONLY_MEASURE.fullmatch(question.strip()):
        # "客户数呢" after "今年比去年好吗": the measure named over the previous scope (period, comparison, grouping)
        kept = {k: v for k, v in base.items() if k not in ("measures", "having", "inactive_days")}
        return _relaid(previous, question, {**kept, "measures": named}, base)
    # the previous measures' words; a measure the question left to the default (revenue in "今年比去年好吗") by key
    words = [str(t) for t in (previous.get("terms") or {}).values()]
    if metric_slots.ranks(question):
        # "最差呢" after "哪个月卖得最好": the measure's word, not its old direction
        words = [metric_slots.without_rank_words(w) for w in words]
    if any(w.strip() for w in words):
        # with the keys of the measures whose word reads only in its place ("总 order 数": "order" after Chinese)
        keys = list((previous.get("terms") or {}).keys())
        unread = [k for k, w in zip(keys, words, strict=True) if metric_slots.measures_named(w) != [k]]
        # (listed with commas: "orders revenue" would read as one phrase, the revenue of orders)
        terms = ", ".join(dict.fromkeys([*words, *unread]))
    else:
        terms = " ".join(base.get("measures") or [])
    if not terms:
        return None
    # a switched measure replaces the previous ones instead of joining them
    text = question if SWITCH_MEASURE.search(question) else f"{question} {terms}"
    again = reread(
        {"text": text, "base_args": previous.get("args") or {}, "base_tool": previous.get("tool")},
        data_start,
        data_end,
    )
    if again is None or not (data_start and data_end):
        return again
    own = parse(question, data_start, data_end)
    if (
        again.get("tool") == previous.get("tool") == "metric_query"
        and not SWITCH_MEASURE.search(question)
        and not ((own or {}).get("args") or {}).get("measures")
        and not metric_slots.measures_named(question)
        and base.get("measures")
    ):
        # "and the weakest day?": the question names no measure, so the previous ones stay (shares included)
        again["args"]["measures"] = list(base["measures"])
    held = again.get("args") or {}
    if held.get("group_by") == "customer" and held.get("limit") and held.get("top_share") and "%" not in question:
        # "前20大客户合计占多少" after the top 1%'s share: the top 20 by count replace the top share
        held.pop("top_share")
    direction = metric_slots.rank_direction(question)
    own_sort = ((own or {}).get("args") or {}).get("sort")  # (a sort the question reads itself stands)
    if again.get("tool") == "metric_query" and base.get("sort") and direction and not own_sort:
        # "最差呢" after "哪个月卖得最好": the same ranking, the other end
        again["args"]["sort"] = direction
    kept = _keep_scope(again, question, previous, data_start, data_end)
    if kept is not None and not _versus_named(question, kept, previous):
        _both_against_named(question, kept, previous)
    return kept


def _both_against_named(question: str, metric: dict[str, Any], previous: Mapping[str, Any]) -> bool:
    """ "跟一季度比环比多少？跟97年Q2比同比呢？" after 98Q2: the thread's quarter against the quarter before and the
    same quarter a year earlier (the periods named are what it is compared with); ``metric`` changed in place."""
    args, base = metric.setdefault("args", {}), previous.get("args") or {}
    if not (
        metric.get("tool") == previous.get("tool") == "metric_query"
        and args.get("compare") == "both"
        and base.get("since")
        and not base.get("compare_since")
        and _AGAINST_NAMED.search(question)
        and (args.get("since"), args.get("until")) != (base.get("since"), base.get("until"))
    ):
        return False
    args["since"], args["until"] = base["since"], base.get("until")
    metric["periods_text"] = metric["periods_text_zh"] = None
    return True


def _versus_named(question: str, metric: dict[str, Any], previous: Mapping[str, Any]) -> bool:
    """ "Vs the week before leh?" after last week's figures: the thread's period stays, compared with the one named
    (``metric`` changed in place; True when it was)."""
    args, base = metric.setdefault("args", {}), previous.get("args") or {}
    if not (
        metric.get("tool") == previous.get("tool") == "metric_query"
        and _VERSUS_OPENING.match(question)
        and args.get("since")
        and base.get("since")
        and not (args.get("compare") or args.get("compare_since"))
        and (args.get("since"), args.get("until")) != (base.get("since"), base.get("until"))
    ):
        return False
    args["compare_since"], args["compare_until"] = args["since"], args["until"]
    args["since"], args["until"] = base["since"], base.get("until")
    if not args.get("measures"):
        args["measures"] = base.get("measures")
    metric["periods_text"] = metric["periods_text_zh"] = None
    return True


_MONTHS_ON = re.compile(
    r"(?P<n>\d{1,2}|[一二三四五六七八九十两]{1,3}|半)\s*(?P<u>个?月|年)(?:后|之后|以后)"
    r"|(?<![A-Za-z])(?:M\s?\+?\s?|month[\s-]+)(?P<m>\d{1,2})(?![\d.])"
    r"|(?<![\d])(?P<en>\d{1,2}|one|two|three|six|nine|twelve)\s+(?P<eu>months?|years?)\s+(?:later|after|on)"
    # "第12个月呢" after a cohort's month 3: month 12 of the cohort table
    r"|第\s*(?P<k>\d{1,2}|[一二三四五六七八九十两]{1,3})\s*个?月",
    re.I,
)
# "下一个月有多少%回来" of a cohort: month 1 of its table (not the month after the data)
_NEXT_MONTH_BACK = re.compile(r"(?:下一个月|下个月|次月)\S{0,8}?(?:回来|返嚟|留存|还在买|复购|再买|回购)", re.I)


def cohort_follow_up_asked(question: str) -> bool:
    """Whether a question after a cohort's retention names another cohort or months on ("2月、3月那两批的M1呢",
    "第12个月呢", "下一个月有多少%回来"): the cohort table's follow-up, before any other reading."""
    return bool(_COHORT_REF.search(question) or _M_K.search(question) or months_on(question))


_EN_NUMBERS = {"one": 1, "two": 2, "three": 3, "six": 6, "nine": 9, "twelve": 12}


def months_on(question: str) -> list[int]:
    """Months after a cohort's first month the question names: "3个月后" 3, "三个月后" 3, "半年后" 6, "一年后" 12,
    "6 months later" 6, "第12个月" 12, "下一个月有多少%回来" 1."""
    out: list[int] = [1] if _NEXT_MONTH_BACK.search(question) else []
    for m in _MONTHS_ON.finditer(question):
        if m.group("m"):
            out.append(min(int(m.group("m")), 36))  # "M3": month 3 of the cohort table
            continue
        if m.group("k"):
            k = to_int(m.group("k"))
            if k:
                out.append(min(k, 36))
            continue
        tok, unit = (m.group("n"), m.group("u")) if m.group("n") else (m.group("en").lower(), m.group("eu").lower())
        if tok == "半":
            n: int | None = 1 if unit.startswith("月") else 6  # 半年 = 6 months
            unit = "月"
        else:
            n = int(tok) if tok.isdigit() else _EN_NUMBERS.get(tok) or to_int(tok)
        if n:
            out.append(min(n * (12 if unit.startswith(("年", "year")) else 1), 36))
    return out


_HOW_MANY_SEGMENTS = re.compile(
    r"(?:分了|分成|分为|(?<=客户)分|(?<=会员)分)(?:几|多少)(?:个|类|种|拨|波|伙|档)(?:客群|分群|群体|群|细分|类)?(?=[？?，,。\s]|$)"
    r"|(?:能不能|可不可以|能否|帮我)?(?:分一下类|分个类|分分类|分类一下)|每(?:个|一)?群(?:有)?(?:多少|几)(?:个)?人"
    r"|\bwalk\s+me\s+through\s+(?:the\s+|our\s+)?(?:customer\s+)?segments\b|\bsegments\s*:\s*how\s+many\b"
    r"|(?:分了|分成|分为|一共有?|共有|有)(?:几|多少)(?:个|类|种)(?:客群|分群|群体|群|细分|类)|how\s+many\s+segments"
    r"|(?:会员|客户|用户)?(?:分层|分群)(?:是)?(?:什么样|怎么样|怎样|情况|结构)|每(?:一)?层(?:多少|有多少|各)"
    # "客户分层现在是怎么分的", "分层是按什么分的"
    r"|(?:分层|分群|分类|客群)[^，,。？?]{0,4}?(?:是)?(?:怎么|如何|怎样|按什么|按啥)(?:分|划分|定)的?"
    # "现在会员是怎么分层的"
    r"|(?:会员|客户|用户|顾客)(?:是)?(?:怎么|如何|怎样|按什么|按啥)(?:分层|分群|分类|划分)的?"
    r"|(?:分成|分为|分了)哪几?(?:个|种|类)(?:等级|层级|级别|类|层)|每个(?:等级|层级|级别)(?:各)?(?:有)?(?:多少|几)"
    r"|\bwhat\s+(?:customer\s+)?segments\s+(?:do|does|are)\b"
    r"|(?:segments?|分群|客群|细分)\s*(?:是)?(?:怎么分|如何分|怎样分|怎么划分)|每个\s*(?:segment|分群|客群|细分)\s*(?:有)?(?:多少|几)个?人"
    r"|how\s+(?:are|do)\s+(?:we|our|the)?\s*(?:customers?\s+)?segment",
    re.I,
)


def asks_segment_list(question: str) -> bool:
    """Whether ``question`` asks how the customers are segmented ("会员分层是什么样的", "分了几个客群")."""
    return bool(_HOW_MANY_SEGMENTS.search(question))


_AMONG_THEM = re.compile(
    r"这里面|这里头|那里头|这些人里|这批人里|这些里面|其中|他们当中|他们里面|^\s*(?:那)?(?:里面|里头|当中)"
    r"|among\s+(?:them|those|these)|of\s+(?:them|those|these)\b"
    # "of that lot, how many spent over $500" (AU/UK)
    r"|\b(?:of|among|from)\s+(?:that|this|the)\s+(?:lot|bunch|crowd|mob|group)\b",
    re.I,
)
# "这里面", "这批人", "of those": the customers the previous answer counted
_AMONG_GROUP = re.compile(
    _AMONG_THEM.pattern
    + r"|(?:这|那)(?:批|些|部分|群|帮|几个|几位)[^，,。？?]{0,6}?(?:人|客户|会员|用户|顾客|客人)|这层|他们|她们"
    # "这些还在买的 今年上半年一共贡献了多少": the group named by what it did
    + r"|(?:这|那)(?:批|些)[^，,。？?\s]{1,8}?的(?=[\s，,]|$)"
    + r"|\bthose\s+customers\b|\btheir\b|\bthey\b|\b(?:that|this)\s+(?:\w+\s+)?group\b|\bthose\s+people\b"
    + r"|\b(?:those|these|the)\s+same\s+(?:customers|people|clients|ones|buyers)\b",
    re.I,
)
# the arguments that pick customers by what they did (the tool's customer filter)
GROUP_ARGS = (
    "min_purchases", "max_purchases", "min_customer_spend", "max_customer_spend", "customer_spend_strict",
    "bought_since", "bought_until", "not_bought_since", "not_bought_until", "top_share",
)  # fmt: skip


_BARE_YEAR_FOLLOW_UP = re.compile(
    r"^\s*(?:那|那么)?\s*(?:去年|前年|今年|(?:19)?9[78]\s*年)\s*(?:的|同期)?\s*(?:呢|的呢|怎么样|如何)?\s*[?？]?\s*$"
)


def same_span_in_year(question: str, metric: dict[str, Any] | None, previous: Mapping[str, Any] | None) -> None:
    """ "那去年呢？" after 今年3月: the same month (quarter, half) in that year, not the whole year (in place). After a
    whole year or the year to date, the whole other year stays."""
    if not metric or not previous or not (metric.get("tool") == previous.get("tool") == "metric_query"):
        return
    if not _BARE_YEAR_FOLLOW_UP.match(question):
        return
    args, base = metric.get("args") or {}, previous.get("args") or {}
    since, until = str(args.get("since") or ""), str(args.get("until") or "")
    b0, b1 = str(base.get("since") or ""), str(base.get("until") or "")
    # the year as read (its first day may be the data's first day)
    if not (since[5:7] == "01" and until.endswith("-12-31") and since[:4] == until[:4] and b0 and b1):
        return
    if b0[:4] != b1[:4] or (b0[5:] == "01-01" and b1[5:] in ("12-31", "06-30")) or base.get("grain"):
        return  # a span across years, a whole year or the year so far: the whole other year is what is asked
    from datetime import date

    from crm_insights.agent.timeexpr import shift_year

    years = int(since[:4]) - int(b0[:4])
    s0, e0 = shift_year(date.fromisoformat(b0), date.fromisoformat(b1), years)
    args["since"], args["until"] = s0.isoformat(), e0.isoformat()
    metric["periods_text"] = metric["periods_text_zh"] = f"{s0.isoformat()}..{e0.isoformat()}"
    metric["assumed_year"] = None


# "双11所在的那一整周", "the whole week around it": the Monday-to-Sunday week holding the day
_WEEK_OF_DAY = re.compile(
    r"所在的?(?:那|这)?一?整?(?:个)?(?:周|星期|礼拜)|(?:那|这)一?整(?:个)?(?:周|星期|礼拜)"
    r"|\b(?:the\s+)?(?:whole|full|entire)\s+week\b|\bthat\s+whole\s+week\b|\bweek\s+(?:of|around|containing)\s+(?:it|that)",
    re.I,
)


def week_of_day(question: str, metric: dict[str, Any] | None) -> None:
    """The week (Monday to Sunday) holding the one day a question or its thread names, when the week is asked
    ("双11所在的那一整周呢" after Double 11), in place."""
    if not metric or metric.get("tool") != "metric_query" or not _WEEK_OF_DAY.search(question):
        return
    args = metric.get("args") or {}
    since, until = str(args.get("since") or ""), str(args.get("until") or "")
    if not since or since != until or args.get("grain"):
        return
    from datetime import date, timedelta

    day = date.fromisoformat(since[:10])
    monday = day - timedelta(days=day.weekday())
    sunday = monday + timedelta(days=6)
    args["since"], args["until"] = monday.isoformat(), sunday.isoformat()
    for key in ("compare", "compare_since", "compare_until"):
        args.pop(key, None)
    metric["periods_text"] = metric["periods_text_zh"] = f"{monday.isoformat()}..{sunday.isoformat()}"
    metric["assumed_year"] = None


# "那个月", "that day": the one row a ranking answered
_TOP_ROW_REF = re.compile(
    r"那个?(?:月|季度|周|天|年)|那一(?:天|周|个月|年)|这个?(?:月|季度|周)|\bthat\s+(?:month|day|week|quarter|year)\b",
    re.I,
)


def _row_bounds(label: str, grain: str) -> tuple[str, str] | None:
    """The first and last day of a trend row from its label ("1998-03", "1998-Q1", a week's Monday, a day, "1997")."""
    from datetime import date, timedelta

    from crm_insights.agent.timeexpr import month_end

    try:
        if grain == "day":
            return label, label
        if grain == "week":
            monday = date.fromisoformat(label)
            return label, (monday + timedelta(days=6)).isoformat()
        if grain == "month":
            y, m = int(label[:4]), int(label[5:7])
            return f"{label}-01", month_end(y, m).isoformat()
        if grain == "quarter":
            y, q = int(label[:4]), int(label.split("Q")[1])
            return date(y, 3 * q - 2, 1).isoformat(), month_end(y, 3 * q).isoformat()
        if grain == "year":
            return f"{int(label)}-01-01", f"{int(label)}-12-31"
    except (ValueError, IndexError):
        return None
    return None


# "the relative change from the first of those quarters to the last", "从第一个月到最后一个月变化多少", "首尾对比"
_FIRST_TO_LAST = re.compile(
    r"\bfirst\b[^.?!]{0,30}\b(?:to|and|vs\.?|versus)\s+(?:the\s+)?(?:last|latest|final)\b"
    r"|第一个?(?:月|季度|周|年)?[^，,。？?]{0,10}(?:到|和|与|跟|比|对比)\s*最后一个?(?:月|季度|周|年)?|首尾|头尾",
    re.IGNORECASE,
)


def _row_label(day: str, grain: str) -> str:
    from datetime import date, timedelta

    d = date.fromisoformat(day[:10])
    if grain == "week":
        return (d - timedelta(days=d.weekday())).isoformat()
    return {"day": d.isoformat(), "month": day[:7], "quarter": f"{d.year}-Q{(d.month - 1) // 3 + 1}", "year": day[:4]}[
        grain
    ]


def first_to_last(question: str, previous: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """ "So what's the relative change from the first of those quarters to the last?" after a trend: the last row
    against the first (clipped to the trend's period), the trend's measures; None when it is no such question."""
    if not previous or previous.get("tool") != "metric_query" or not _FIRST_TO_LAST.search(question):
        return None
    base = previous.get("args") or {}
    grain = str(base.get("grain") or "")
    if not grain or grain not in ("day", "week", "month", "quarter", "year") or not base.get("since"):
        return None
    since, until = str(base["since"])[:10], str(base.get("until") or base["since"])[:10]
    first, last = _row_bounds(_row_label(since, grain), grain), _row_bounds(_row_label(until, grain), grain)
    if first is None or last is None or first == last:
        return None
    args = {k: v for k, v in base.items() if k not in ("grain", "sort", "limit", "having", "change_by_row", "compare")}
    args.update(
        since=max(last[0], since), until=min(last[1], until), compare_since=max(first[0], since),
        compare_until=min(first[1], until),
    )  # fmt: skip
    label = f"{_row_label(until, grain)} vs {_row_label(since, grain)}"
    return {**previous, "args": args, "periods_text": label, "periods_text_zh": label, "assumed_year": None}


def with_target(question: str, metric: dict[str, Any] | None) -> None:
    """ "全年预算是一百二十万美元。按这个数，上半年完成了百分之多少？" after H1's revenue: the figure the thread asks,
    against the target the user now gives (in place); the rest of the year the target covers is no period to decline."""
    target = metric_slots.given_target(question)
    if not metric or target is None or metric.get("tool") != "metric_query" or metric.get("target"):
        return
    kinds = list(metric.get("unsupported_kinds") or [])
    parts = list(metric.get("unsupported") or [])
    keep = [i for i, part in enumerate(parts) if (kinds[i] if i < len(kinds) else "") != "period"]
    metric["unsupported"] = [parts[i] for i in keep]
    metric["unsupported_kinds"] = [kinds[i] for i in keep if i < len(kinds)]
    for key in ("compare", "compare_since", "compare_until"):
        (metric.get("args") or {}).pop(key, None)
    for key, joint in (("periods_text", " vs "), ("periods_text_zh", " 对比 ")):
        if metric.get(key):
            metric[key] = str(metric[key]).split(joint)[0]
    metric["target"] = target


def one_more_back(
    question: str, previous: Mapping[str, Any] | None, metric: dict[str, Any] | None = None
) -> dict[str, Any] | None:
    """ "那跟再上一个月比 是多了还是少了" after last month's revenue: the thread's period against the one just before
    it (``metric``'s measures when it names any, else the thread's); None when it is no such question."""
    from datetime import date

    from crm_insights.agent.timeexpr import previous_span

    base = (previous or {}).get("args") or {}
    if (
        not previous
        or previous.get("tool") != "metric_query"
        or not _ONE_MORE_BACK.search(question)
        or not base.get("since")
        or not base.get("until")
        or base.get("grain")
    ):
        return None
    b0, b1 = previous_span(date.fromisoformat(str(base["since"])[:10]), date.fromisoformat(str(base["until"])[:10]))
    own = ((metric or {}).get("args") or {}).get("measures") if (metric or {}).get("tool") == "metric_query" else None
    args = {k: v for k, v in base.items() if k not in ("compare", "compare_since", "compare_until", "sort", "limit")}
    args.update(compare_since=b0.isoformat(), compare_until=b1.isoformat(), measures=own or base.get("measures"))
    label = f"{base['since']}..{base['until']} vs {b0.isoformat()}..{b1.isoformat()}"
    return {**previous, "args": args, "periods_text": label, "periods_text_zh": label, "assumed_year": None}


def top_row(
    question: str, metric: dict[str, Any] | None, previous: Mapping[str, Any] | None, labels: Sequence[Any] | None
) -> None:
    """ "今年哪个月单量最多？" then "环比和同比各涨了多少" / "那个月客单价呢": the follow-up is about the one row the
    ranking answered (March 1998), not the ranking's whole period (in place)."""
    if not metric or not previous or not labels or metric.get("tool") != "metric_query":
        return
    base, args = previous.get("args") or {}, metric.get("args") or {}
    grain = str(base.get("grain") or "")
    if previous.get("tool") != "metric_query" or not grain or not base.get("sort") or base.get("limit") != 1:
        return
    if args.get("grain") or args.get("group_by") or args.get("compare_since"):
        return
    if (args.get("since"), args.get("until")) != (base.get("since"), base.get("until")):
        return  # a period of its own
    if not (args.get("compare") or _TOP_ROW_REF.search(question)):
        return
    bounds = _row_bounds(str(labels[0]), grain)
    if bounds is None:
        return
    args["since"], args["until"] = bounds
    for key in ("sort", "limit"):
        args.pop(key, None)
    metric["periods_text"] = metric["periods_text_zh"] = str(labels[0])
    metric["assumed_year"] = None


def same_comparison_asked(question: str) -> bool:
    """Whether the question asks for the previous comparison again ("same comparison?", "同样对比一下")."""
    return bool(_SAME_COMPARISON.search(question))


_THESE_TWO = re.compile(r"(?:这|那)两个?(?:季度|月|年|周|半年|期)|\b(?:those|these|the\s+same)\s+two\b", re.I)


def same_two_periods(question: str, metric: dict[str, Any] | None, previous: Mapping[str, Any] | None) -> None:
    """ "每单平均几张碟？也是这两个季度对比" after 98Q2 vs 97Q2: the previous question's two periods and comparison, in
    place (the words "这两个季度" are no rolling period of their own)."""
    if not metric or not previous or metric.get("tool") != "metric_query" or previous.get("tool") != "metric_query":
        return
    if not (_SAME_COMPARISON.search(question) and _THESE_TWO.search(question)):
        return
    base, args = previous.get("args") or {}, metric.get("args")
    if args is None or not base.get("since") or not (base.get("compare") or base.get("compare_since")):
        return
    for key in ("since", "until", "compare", "compare_since", "compare_until"):
        if base.get(key):
            args[key] = base[key]
        else:
            args.pop(key, None)
    for key in ("periods_text", "periods_text_zh"):
        if previous.get(key):
            metric[key] = previous[key]
    metric["assumed_year"] = None


# "500以上那一档", "the $500+ tier": one band of a spend or order-amount band breakdown
_BAND_REF = re.compile(
    r"(?P<lo>[$＄]?\d+(?:\.\d+)?)\s*(?:(?:-|–|~|～|到|至)\s*(?P<hi>[$＄]?\d+(?:\.\d+)?))?\s*(?P<dir>及以上|以上|\+|以下|以内)?"
    r"\s*(?:的)?\s*(?:那|这)\s*(?:一)?\s*(?:个)?\s*(?:档|层|组|批|级|段|部分)"
    r"|(?:the\s+)?(?P<lo2>[$]?\d+(?:\.\d+)?)\s*(?P<dir2>\+|and\s+(?:up|above)|or\s+more)?\s*(?:tier|band|bracket)",
    re.IGNORECASE,
)


def name_band(question: str, previous: Mapping[str, Any] | None) -> str:
    """``question`` with a band of the previous spend or amount breakdown written out as the bound it is ("500以上那
    一档一共贡献了多少营收" after spend bands -> "消费500以上的客户一共贡献了多少营收"); else unchanged."""
    group_by = ((previous or {}).get("args") or {}).get("group_by")
    m = _BAND_REF.search(question) if group_by in ("spend_band", "amount_band") else None
    if m is None:
        return question
    lo = (m.group("lo") or m.group("lo2")).lstrip("$＄")
    hi = (m.group("hi") or "").lstrip("$＄")
    below = (m.group("dir") or "") in ("以下", "以内")
    bound = f"{lo}到{hi}" if hi else (f"{lo}以下" if below else f"{lo}以上")
    named = f"消费{bound}的客户" if group_by == "spend_band" else f"金额{bound}的订单"
    return question[: m.start()] + named + question[m.end() :]


_ALSO_BOUGHT = re.compile(r"也(?:买过|下过单|下单|购买过|来买过|买了)|\balso\s+(?:bought|ordered|purchased)\b", re.I)


def also_bought_then(question: str, metric: dict[str, Any] | None, previous: Mapping[str, Any] | None) -> None:
    """ "这些人里去年下半年也买过的有几个" after a count of a period's buyers: those buyers who also ordered in the
    period now named (in place: the previous period, and the new one as the bought window)."""
    if not metric or not previous or not (metric.get("tool") == previous.get("tool") == "metric_query"):
        return
    args, base = metric.get("args") or {}, previous.get("args") or {}
    if not (_AMONG_THEM.search(question) and _ALSO_BOUGHT.search(question)):
        return
    if args.get("measures") != ["buyers"] or "buyers" not in (base.get("measures") or []):
        return
    if not (args.get("since") and base.get("since")) or args.get("since") == base.get("since"):
        return
    args.update(
        since=base["since"], until=base.get("until"), bought_since=args["since"], bought_until=args.get("until")
    )
    for key in ("periods_text", "periods_text_zh", "assumed_year"):
        metric[key] = previous.get(key)


def keep_group(
    question: str,
    metric: dict[str, Any] | None,
    previous: Mapping[str, Any] | None,
    data_start: str | None,
    data_end: str | None,
) -> None:
    """Carry the previous question's customer group into ``metric`` (in place) when the question is about them."""
    if not metric or not previous or not (metric.get("tool") == previous.get("tool") == "metric_query"):
        return
    if previous.get("parts"):
        # "…有几个 今年上半年还在买的有多少" then "这些还在买的…": the group the last part counted
        previous = {**previous, "args": previous["parts"][-1].get("args") or {}}
    args, base = metric.get("args") or {}, previous.get("args") or {}
    if (
        _AMONG_THEM.search(question)
        and args.get("measures") == ["buyers"]
        and "buyers" in (base.get("measures") or [])
        and any(args.get(k) is not None for k in GROUP_ARGS if base.get(k) is None)
    ):
        # "最近三个月来了多少客人" then "里面买了两次以上的有几个": the count, and its share of the customers counted
        # before (the same period's buyers)
        metric["share_of_all"] = True
    if (
        _AMONG_THEM.search(question)
        and args.get("measures") == ["buyers"]
        and base.get("measures") == ["inactive_customers"]
        and base.get("inactive_days")
        and metric_slots.share_asked(question)
    ):
        # "Of those lapsed customers, what proportion had a lifetime spend above $100?": the share of the lapsed
        metric["share_of_all"] = True
    if _AMONG_GROUP.search(question) and metric.get("args") is not None:
        before = set(metric["args"])
        _keep_group(metric["args"], previous.get("args") or {}, data_start, data_end)
        if set(metric["args"]) != before:
            group_share_of_all(metric)  # "what share of 1998 revenue came from those same customers?"
        described = "inactive_customers" not in (metric["args"].get("measures") or [])
        if (metric["args"].get("inactive_days") or described) and metric.get("missing"):
            # "How many of those lapsed folks…": the group's days, not a question back about how many days
            metric["missing"] = [m for m in metric["missing"] if m != "inactive_days"]


# A row's part of its breakdown's total (the metrics catalogue's ROW_SHARE_MEASURES; the agent reaches the metrics
# layer only through its tools)
_ROW_SHARES = frozenset({"revenue_share", "orders_share", "units_share"})


def group_share_of_all(metric: dict[str, Any]) -> None:
    """A row share asked of a group of customers with no breakdown ("what share of 1998 revenue came from those
    customers?") is the group's figure as a share of everyone's (the result's share_of_all), not the group's share of
    its own total (100%): the share measures become their base measures, in place."""
    args = metric.get("args") or {}
    if args.get("group_by") or args.get("grain"):
        return
    measures = list(args.get("measures") or [])
    bases = [m.removesuffix("_share") if m in _ROW_SHARES else m for m in measures]
    if bases != measures:
        args["measures"] = list(dict.fromkeys(bases))
        metric["share_of_all"] = True


def _keep_group(args: dict[str, Any], base: Mapping[str, Any], data_start: str | None, data_end: str | None) -> None:
    """ "这里面以前买过3次以上的有多少人" after the customers inactive 90 days, "这批人今年还有多少在买" after the
    customers who spent 500+: the previous question's customers stay the group, read over the previous period (the
    filter window) whatever period the new question names; its own conditions add to theirs."""
    group = {k: base[k] for k in GROUP_ARGS if base.get(k) is not None}
    if base.get("inactive_days"):
        group["inactive_days"] = base["inactive_days"]
    if "repeat_customers" in (base.get("measures") or []) and base.get("min_purchases") is None:
        group["min_purchases"] = 2  # "how many customers buy more than once" then "of those, …": the repeat buyers
    if not group:
        return
    if base.get("filter_since"):
        group.update(filter_since=base["filter_since"], filter_until=base.get("filter_until"))
    added = {k: v for k, v in group.items() if args.get(k) is None}
    args.update(added)
    if "inactive_customers" in (args.get("measures") or []) and not args.get("inactive_days"):
        # "这批流失的人去年一共贡献了多少销售额" after the customers who bought last year and not this year: 流失
        # describes the group kept, it asks no count of inactive customers
        args["measures"] = [m for m in args["measures"] if m != "inactive_customers"] or ["buyers"]
    if group.get("top_share") and args.get("segment") in metric_slots.ranking_segments():
        args.pop("segment")  # "这些大客户里…" after the top 10%: the big customers are the top share, not a segment
    b0, b1 = str(base.get("since") or data_start or "")[:10], str(base.get("until") or data_end or "")[:10]
    own = args.get("since") is not None and (args.get("since"), args.get("until")) != (b0, b1)
    spend_keys = ("min_customer_spend", "max_customer_spend")
    spend_own = any(args.get(k) is not None and base.get(k) is None for k in spend_keys)
    if own and spend_own and "inactive_days" in added and not base.get("filter_since") and b1:
        # "这批人里面，去年消费超过300美金的有几个" after the customers 180 days without an order: the spend is
        # counted over the period named, the inactivity stays as of the thread's end (no order in its last N days)
        from datetime import date, timedelta

        n = int(args.pop("inactive_days"))
        args["not_bought_since"] = (date.fromisoformat(b1) - timedelta(days=n - 1)).isoformat()
        args["not_bought_until"] = b1
        args["filter_since"], args["filter_until"] = args["since"], args.get("until")
        return
    window = (base.get("bought_since"), base.get("bought_until"))
    if own and window == (args.get("since"), args.get("until")) and set(group) <= {"bought_since", "bought_until"}:
        # "回来的这些人里 今年买了3次及以上的有多少" after last year's buyers who came back this year: this year's
        # buyers (its own conditions read over this year) who also bought last year
        args["bought_since"], args["bought_until"] = b0, b1
        return
    if own and not args.get("filter_since") and b0 and b1:
        args["filter_since"], args["filter_until"] = b0, b1
    if args.get("measures") == ["inactive_customers"] and "inactive_days" in added:
        args["measures"] = ["buyers"]  # the group's own count, its other conditions applied


# "跟再上一个月比", "比再往前一个季度": the period just before the thread's one
# (compared with it: "再上一个月呢" alone moves the thread to that month)
_ONE_MORE_BACK = re.compile(
    r"(?:跟|和|与|比|对比)\s*再(?:上|往前|前)一?个?(?:月|季度|周|星期|年)|再(?:上|往前)一?个?(?:月|季度|周|星期|年)\s*(?:比|相比|对比)"
)
# "那半个月一共多少人买过", "during that period": the thread's period, pointed at
_THAT_PERIOD = re.compile(
    r"那(?:半个月|段时间|段日子|几天|一周|周|个月|几个月|个季度|半年|一年|期间)|这段(?:时间|期间)|同一?期间|大促期间|活动期间"
    r"|\b(?:during\s+)?(?:that|this|the\s+same)\s+(?:period|window|fortnight|stretch)\b",
    re.I,
)
_SAME_LAST_YEAR = re.compile(r"去年同期|上年同期|same\s+period\s+last\s+year|a\s+year\s+(?:earlier|before|ago)", re.I)
_STRICTLY = re.compile(r"严格|正好\S{0,6}不算|不含\S{0,4}当天|\bstrictly\b|\bexcluding\s+exactly\b", re.IGNORECASE)
# "兩期都給我", "both periods": the previous comparison's two periods again
_BOTH_PERIODS = re.compile(
    r"[两兩]期|两个(?:时间段|时期|期间)|两个半年|\bboth\s+(?:periods|halves|years|quarters|months)\b"
    r"|\beach\s+(?:period|half|year|quarter)\b",
    re.I,
)
_VERSUS_OPENING = re.compile(
    r"^\s*(?:vs\.?|versus|compared?\s+(?:to|with)|against|跟|和|与|对比|比起)\s*\S", re.IGNORECASE
)
_AGAINST_NAMED = re.compile(
    r"(?:跟|和|与|对比|比起)[^，,。？?]{1,10}?比|\b(?:vs\.?|versus|against|compared?\s+(?:to|with))\b", re.I
)
# A follow-up that only swaps the measure ("Not per order, per customer", "那人均呢", "换成订单数")
_ONLY_MEASURE_SWAP = re.compile(
    r"^\s*(?:那|那么|换成|改成|改看|看)?\s*\S{1,12}?\s*(?:呢|leh|lah|ah)?\s*[?？]|\bnot\s+per\s+\w+\b|\binstead\b|换成|改成|改看",
    re.IGNORECASE,
)
_SAME_COMPARISON = re.compile(
    r"same\s+comparison|same\s+(?:for|thing\s+for)|compared?\s+the\s+same\s+way|同样\S{0,4}?(?:对比|比较|比一下|比法|比)"
    r"|一样(?:的)?(?:对比|比较|比一下)|也(?:这样|同样)?(?:对比|比较|比)一下|也(?:这样)?对比"
    # "revenue for those same two weeks?", "同样这两个月的销售额": the same two periods again
    r"|(?:(?:those|the)\s+)?same\s+(?:two|2)\s+(?:weeks|months|quarters|halves|years|periods)|同样(?:的)?(?:这)?两(?:周|个月|段|个季度|年)"
    # "the percentage decline in buying customers between those two periods"
    r"|\bbetween\s+(?:those|these|the)\s+(?:two|2)\s+(?:periods|windows|ranges|quarters|months|years|halves)\b"
    r"|(?:这|那)两(?:个)?(?:时间段|期间|区间)(?:之间)?(?:的)?(?:对比|比较|变化)?"
    # "每单平均几张碟？也是这两个季度对比": the same two periods, compared
    r"|也是?(?:这|那)?两个?(?:季度|月|年|周|半年|期)(?:的)?(?:对比|比较|比)",
    re.I,
)
_WHO = re.compile(r"都是谁|是谁|有谁|有哪些人|是哪些|哪几个|哪几位|名单|\bwho\b|\blist\s+them\b|\bwhich\s+ones\b", re.I)
_WHY = re.compile(r"为啥|为什么|为何|什么原因|啥原因|原因是|怎么回事|\bwhy\b|\bwhat caused\b|\bhow come\b", re.I)
_TOP_N = re.compile(r"(?:(?<![A-Za-z])top|前)\s*(\d{1,3})(?!\d)", re.IGNORECASE)
_NTH_MONTH = re.compile(r"第\s*(\d{1,2})\s*个?月|(?<!\d)(\d{1,2})\s*个?月(?:后|之后|以后)")
# "第3个月和第12个月" / "第3和第12个月": every month-on number named with 第, also before a list
_NTH_LISTED = re.compile(r"第\s*(\d{1,2})(?=\s*(?:个?月|[和、,，及与]|$))")


def _nth_months(question: str) -> list[int]:
    """The months on from the cohort month that ``question`` names ("第3和第12个月", "6个月后"), in order."""
    named = {int(a or b) for a, b in _NTH_MONTH.findall(question)} | {int(x) for x in _NTH_LISTED.findall(question)}
    return sorted(k for k in named if 1 <= k <= 36)


_COHORTS_COMPARED = re.compile(r"跟|和|与|比|对比|\bvs\.?\b|\bversus\b|\bcompared?\b", re.IGNORECASE)
# "2月、3月这两批", "those two cohorts": cohorts listed side by side
_COHORTS_LISTED = re.compile(r"[两三几]批|月\s*[、,，/]\s*\d{1,2}\s*月|\b(?:both|two|three)\s+cohorts\b", re.I)
_M_K = re.compile(r"(?<![A-Za-z])M\s*(\d{1,2})(?!\d)", re.I)
_COHORT_REF = re.compile(
    r"cohort|batch|那批|这批|一批|[两三几]批|首购|首单|首次购买|first[- ]time"
    r"|^\s*(?:same\s+(?:for|with)|what\s+about|how\s+about|and)\b",  # "same for jan97" after a cohort's months
    re.IGNORECASE,
)


def _other_cohort(question: str, previous: Mapping[str, Any], data_start: str, data_end: str) -> dict[str, Any] | None:
    """ "2月cohort呢" / "那2月那批 5月的呢" after a cohort's retention: another first-purchase month (in the previous
    cohort's year when none is written), read as many months on as before, or at the second month named."""
    from datetime import date

    from crm_insights.agent.timeexpr import month_end, parse_time

    args = dict(previous.get("args") or {})
    if not args.get("since") or not _COHORT_REF.search(question):
        return None
    months = [p for p in parse_time(question, data_start, data_end).periods if p.kind == "month"]
    if not months:
        return None
    before = date.fromisoformat(str(args["since"])[:10])
    first = months[0]
    year = before.year if first.assumed_year else first.start.year
    cohort = date(year, first.start.month, 1)
    periods = int(args.get("periods") or 12)
    nth = _NTH_MONTH.search(question)
    later = months_on(question)
    listed = _COHORTS_LISTED.search(question)
    if (
        len(months) >= 2
        and (later or (listed and _M_K.search(question)))
        and (_COHORTS_COMPARED.search(question) or listed)
    ):
        later = later or [int(_M_K.search(question).group(1))]  # type: ignore[union-attr]
        # "3月那批的M1跟1月的M1比差多少": two cohorts side by side, the same months on: the cohort months between them
        # ("2月、3月那两批的M1呢？跟1月比": every cohort month named, the earliest to the latest)
        firsts = sorted(date(year if p.assumed_year else p.start.year, p.start.month, 1) for p in months)
        last = firsts[-1]
        both = {**args, "since": firsts[0].isoformat(), "until": month_end(last.year, last.month).isoformat()}
        return {**_relaid(previous, question, {**both, "periods": later[0]}, args), "assumed_year": None}
    if nth or later:
        # "2月那批同样看第3个月", "2月那批半年后呢": that many months on from the new cohort month
        periods = int(nth.group(1) or nth.group(2)) if nth else later[0]
    elif len(months) >= 2:
        target = months[1].start
        t_year = target.year if not months[1].assumed_year else (year if target.month >= cohort.month else year + 1)
        periods = (t_year - cohort.year) * 12 + target.month - cohort.month
        if periods < 1:
            return None
    cohort_args = {**args, "since": cohort.isoformat(), "until": month_end(cohort.year, cohort.month).isoformat()}
    nths = _nth_months(question)
    if len(nths) < 2 and len(set(later)) >= 2:
        nths = sorted({k for k in later if 1 <= k <= 36})  # "2月 cohort 的 m1 和 m6 对比一下"
    if len(nths) >= 2:
        # "跟2月那批对比一下第3个月和第12个月": the new cohort at each month named
        relaid = _relaid(previous, question, {**cohort_args, "periods": max(nths)}, args)
        return {**relaid, "assumed_year": None, "cohort_targets": nths, "cohort_fixed": [None] * len(nths)}
    return {**_relaid(previous, question, {**cohort_args, "periods": periods}, args), "assumed_year": None}


_BATCHES_STILL = re.compile(
    r"(?:这|那)(?:几|三|两|些)?批(?:新客|新客户|客户|人)?[^。？?]{0,12}?(?:还|仍|也)(?:有)?(?:在)?(?:下过单|下单|买过|买|购买|消费)"
)


def batches_still(
    question: str, previous: Mapping[str, Any] | None, data_start: str | None, data_end: str | None
) -> dict[str, Any] | None:
    """ "这三批新客里，今年还下过单的各有多少人" after new customers month by month: each month's new customers (a
    cohort) with an order in the window named (the cohort table's window reading); None when not that question."""
    base_args = dict((previous or {}).get("args") or {})
    if not (
        previous
        and _BATCHES_STILL.search(question)
        and previous.get("tool") == "metric_query"
        and base_args.get("measures") == ["new_customers"]
        and base_args.get("grain") == "month"
        and base_args.get("since")
        and data_start
        and data_end
    ):
        return None
    window = [p for p in _own_periods(question, data_start, data_end) if p.since is not None]
    if not window:
        return None
    w = window[0]
    args = {
        "since": base_args["since"],
        "until": base_args.get("until") or data_end,
        "periods": 12,
        "grain": "month",
        "active_since": w.since.isoformat(),
        "active_until": (w.until or w.end).isoformat(),
    }
    new = _relaid(previous, question, args, base_args)
    new["tool"] = "cohort_retention"
    new["periods_text"] = new["periods_text_zh"] = None
    return new


_ORDERS_FROM_WHOM = re.compile(
    r"(?:这些|那些|这批|这几)[^，,。？?]{0,4}(?:订单|单子?)[^，,。？?]{0,6}(?:来自|是|出自|分布在)?[^，,。？?]{0,4}(?:多少|几)(?:个|位|名)?(?:客户|人|买家)"
    r"|\b(?:these|those)\s+(?:\w+\s+)?orders\b.{0,20}\b(?:from|by|placed\s+by)\s+how\s+many\s+(?:customers|people|buyers)\b",
    re.IGNORECASE,
)
_OTHER_WITHIN = re.compile(
    r"^\s*(?:那|那么|换成|改成|如果是|要是)?\s*(\d{1,4}|[一二两三四五六七八九十百]{1,5})\s*天(?:之内|以内|内)?(?:的话)?(?:呢|吗|的呢)?\s*[？?]?\s*$"
    r"|^\s*(?:and|what\s+about|how\s+about)?\s*(?:within\s+)?(\d{1,4})\s+days\s*[?]?\s*$",
    re.IGNORECASE,
)


# "what did we actually book in the same quarter last year?" after a forecast of the coming quarter
_SAME_WINDOW_LAST_YEAR = re.compile(
    r"\bsame\s+(?:quarter|period|months?|time|window)\s+(?:of\s+|in\s+)?(?:last\s+year|a\s+year\s+(?:ago|earlier|before))"
    r"|去年同期|上年同期|去年的?(?:同一个?|这个|那个)(?:季度|时期|时段|月)",
    re.IGNORECASE,
)
_FORECAST_MONTHS = {"next_month": 1, "next_quarter": 3, "next_year": 12}


def forecast_year_before(
    question: str, metric: dict[str, Any] | None, previous: Mapping[str, Any] | None, data_end: Any
) -> None:
    """The actual figures of the forecast's window a year earlier ("For context, what did we actually book in the same
    quarter last year?" after next quarter's forecast: July-September 1997), in place."""
    from datetime import date, timedelta

    from crm_insights.agent.timeexpr import add_months

    if not metric or metric.get("tool") != "metric_query" or not previous or previous.get("tool") != "forecast_totals":
        return
    months = _FORECAST_MONTHS.get(str((previous.get("args") or {}).get("period") or ""))
    if not (months and data_end and _SAME_WINDOW_LAST_YEAR.search(question)):
        return
    start = date.fromisoformat(str(data_end)[:10]) + timedelta(days=1)
    if start.day != 1:
        return  # the forecast window starts after a whole month only
    a, b = add_months(start, -12), add_months(start, months - 12) - timedelta(days=1)
    args = metric.setdefault("args", {})
    for key in ("compare", "compare_since", "compare_until"):
        args.pop(key, None)
    args.update(since=a.isoformat(), until=b.isoformat())
    label = f"{a:%Y-%m}..{b:%Y-%m}" if months > 1 else f"{a:%Y-%m}"
    metric.update(periods_text=label, periods_text_zh=label, assumed_year=None, implicit_base=False)


def compare_with_thread(
    question: str, metric: dict[str, Any] | None, previous: Mapping[str, Any] | None, data_start: Any, data_end: Any
) -> None:
    """ "那客单价呢 跟今年比是高了还是低了" after questions about 1997: the thread's period against the one named after
    the comparison word (in place); the parser alone takes the named period as the base, with nothing to compare."""
    from crm_insights.agent.timeexpr import compared_with, parse_time

    if not metric or not previous or not (metric.get("tool") == previous.get("tool") == "metric_query"):
        return
    args, base = metric.get("args") or {}, previous.get("args") or {}
    if any(args.get(k) for k in ("compare", "compare_since", "grain", "group_by")) or not args.get("since"):
        return
    if not (base.get("since") and base.get("until")) or base.get("grain") or base.get("compare_since"):
        return
    if (base["since"], base["until"]) == (args.get("since"), args.get("until")) or not (data_start and data_end):
        return
    periods = parse_time(question, str(data_start), str(data_end)).periods
    if len(periods) != 1 or not compared_with(question, periods[0]):
        return
    args["compare_since"], args["compare_until"] = args["since"], args.get("until")
    args["since"], args["until"] = base["since"], base["until"]
    for key, sep in (("periods_text", " vs "), ("periods_text_zh", " 对比 ")):
        own, before = str(metric.get(key) or ""), _first_period_text(previous.get(key) or previous.get("periods_text"))
        if own and before:
            metric[key] = f"{before}{sep}{own}"


# measures of one month's new customers: a cohort table asked next is theirs
_COHORT_MEASURES = frozenset({"new_customers", "second_within_share", "second_within_customers"})


def _relaid(
    previous: Mapping[str, Any], question: str, args: dict[str, Any], base: Mapping[str, Any]
) -> dict[str, Any]:
    """The previous question's spec with new arguments laid over ``base`` (its arguments): what a follow-up that
    changes one thing asks ("180天的呢", "换成TOP20", "2月cohort呢")."""
    new = {k: v for k, v in previous.items() if k not in ("base_args", "fixed_args")}
    new.update(args=args, text=question, base_args=dict(base), unsupported=[], missing=[])
    return new


_LISTED_COHORTS = re.compile(
    r"(?:(?:19|20)?\d{2}\s*年\s*)?(?:1[0-2]|0?[1-9])\s*月(?:\s*[、,，/和与及跟]\s*(?:(?:19|20)?\d{2}\s*年\s*)?(?:1[0-2]|0?[1-9])\s*月)*"
    r"\s*(?:的)?\s*(?:cohort|那批|这批|那两批|那几批|首购|首单)",
    re.IGNORECASE,
)


def _more_cohorts(question: str, previous: Mapping[str, Any], data_start: str, data_end: str) -> dict[str, Any] | None:
    """ "这批人到第12个月还有多少在买？顺便把2月、3月cohort第12个月的也列一下" after January 1997's cohort: that cohort
    and the months listed beside it (the same year when none is written), side by side at the month named."""
    from datetime import date

    from crm_insights.agent.timeexpr import month_end, parse_time

    listed = _LISTED_COHORTS.search(question)
    args = dict(previous.get("args") or {})
    if listed is None or not args.get("since"):
        return None
    first = date.fromisoformat(str(args["since"])[:10])
    months = [p for p in parse_time(listed.group(0), data_start, data_end).periods if p.kind == "month"]
    if not months:
        return None
    ends = [
        date(first.year if p.start.month >= first.month else first.year + 1, p.start.month, 1) if p.assumed_year
        else p.start
        for p in months
    ]  # fmt: skip
    last = max([first, *ends])
    if last == first:
        return None
    nth = _NTH_MONTH.search(question)
    later = months_on(question)
    periods = int(nth.group(1) or nth.group(2)) if nth else (later[0] if later else int(args.get("periods") or 1))
    new_args = {**args, "since": first.isoformat(), "until": month_end(last.year, last.month).isoformat()}
    new_args["periods"] = periods
    new = _relaid(previous, question, new_args, args)
    return {**new, "assumed_year": None, "cohort_targets": [periods], "cohort_fixed": [None]}


def _cohort_month(question: str, previous: Mapping[str, Any], data_start: str, data_end: str) -> dict[str, Any] | None:
    """ "到12月呢" after a cohort's retention: the same cohort, read at that month (the first such month from the
    cohort month on when no year is written)."""
    from datetime import date

    args = dict(previous.get("args") or {})
    if not args.get("since"):
        return None
    own = _own_periods(metric_slots.expand_abbreviations(question), data_start, data_end)
    if len(own) != 1 or own[0].kind != "month":
        return None
    cohort = date.fromisoformat(str(args["since"])[:10])
    year = own[0].start.year
    if own[0].assumed_year:
        year = cohort.year if own[0].start.month >= cohort.month else cohort.year + 1
    months = (year - cohort.year) * 12 + own[0].start.month - cohort.month
    if months < 0:
        return None
    return _relaid(previous, question, {**args, "periods": months}, args)


_THRESHOLD_WORD = re.compile(r"阈值|门槛|标准|threshold|cut-?off|bar\b", re.IGNORECASE)
_BARE_NUMBER = re.compile(r"^[^\d]*?[$¥￥]?\s*(\d+(?:\.\d+)?)\s*(k|K|千|万)?\s*(?:块|元|刀|美元|美金|dollars?)?[^\d]*$")


def _new_threshold(question: str, previous: Mapping[str, Any]) -> dict[str, Any] | None:
    """ "阈值改$50" / "threshold 2500": the previous question's one threshold (an order-amount bound, a customer-spend
    bound or a rows' bound) moved to the number given; None when the question is no such change."""
    number = _BARE_NUMBER.match(question)
    base = dict(previous.get("args") or {})
    if not (_THRESHOLD_WORD.search(question) and number and previous.get("tool") == "metric_query"):
        return None
    value = float(number.group(1)) * {"k": 1e3, "K": 1e3, "千": 1e3, "万": 1e4}.get(number.group(2) or "", 1)
    bounds = ("min_amount", "max_amount", "min_customer_spend", "max_customer_spend")
    keys = [k for k in bounds if base.get(k) is not None]
    if len(keys) == 1:
        moved = {**base, keys[0]: value}
    elif not keys and (op := re.match(r"^\s*([<>]=?)", str(base.get("having") or ""))):
        moved = {**base, "having": f"{op.group(1)}{value:g}"}
    else:
        return None
    return _relaid(previous, question, moved, base)


_SWAP_ZH = r"换成|改成|换为|改为|改看|换看"  # "换成订单数", "换成 97 年上半年": the words that swap one thing
_SWAP_TO = re.compile(
    rf"^\s*(?:那)?(?:(?:阈值|门槛|标准|条件)\s*(?:改|换|调)(?:成|为|到)?|{_SWAP_ZH}|换到|改到|只看|仅看|光看)"
    r"\s*([^，,。？?]{1,24}?)\s*(?:呢|吧|看看)?\s*[？?。]?\s*$"
)

# Periods a follow-up's own words name; the others are derived from the base period ("去年同期", "the same month
# last year") or stand in for a period the question does not name.
# "换成订单数", "switch to orders": the measure changes, the rest of the previous question stays.
SWITCH_MEASURE = re.compile(rf"{_SWAP_ZH}|\bswitch(?:ed)?\s+(?:it\s+)?to\b|\binstead\b", re.I)
_DERIVED_PERIODS = ("implicit", "same_period", "comparison")


def _own_periods(text: str, data_start: str, data_end: str) -> list[Any]:
    """The periods ``text`` names itself (not one derived from another: implicit, same period, comparison)."""
    from crm_insights.agent.timeexpr import parse_time

    return [p for p in parse_time(text, data_start, data_end).periods if p.kind not in _DERIVED_PERIODS]


# "跟5月比呢", "vs May?", "compared with Q1": a follow-up naming the period to compare the previous one with
# "其中98年占多少", "how much of that came in 1998, as a share": a part of the previous figure's period
_PART_OF = re.compile(
    r"占(?:了)?(?:多少|几|百分之|比例|比重)|占比|其中|\bas\s+a\s+(?:share|percentage|proportion)\b"
    r"|\b(?:share|percentage|proportion|fraction)\b|\bhow\s+much\s+of\s+(?:that|it|this)\b",
    re.IGNORECASE,
)
# "和上一季度（1997Q1）比": the period before, spelled out in brackets (one period, said twice)
_PREV_NAMED = re.compile(r"(?:上一?个?|前一?个?)(?:季度|月|周|年|期)\s*[（(]", re.I)
_CHANGE_ASKED = re.compile(r"涨|跌|增长|下降|变化|升了|降了|\bup\s+or\s+down\b|\bchange[ds]?\b|\bgr[eo]w", re.I)
_BEFORE_THAT = re.compile(
    r"\b(?:the\s+)?(?:quarter|month|year|week|period|half)\s+before\s+(?:that|it|this)\b|\bprevious\s+one\b"
    r"|\b(?:the\s+)?(?:quarter|month|year|week|half)\s+before\s*(?:[?？.!]|$)"
    r"|(?:再)?(?:往前|上)一个?(?:季度|月|周|星期|礼拜|年|期)(?:呢|的)?(?:[？?，,]|$)|前一个?(?:季度|月|周|期)(?:呢)?",
    re.IGNORECASE,
)
# 环比 / 同比 with a period named right after it ("环比一月呢", "MoM vs Jan"): the period to compare with
_NAMED_TARGET = re.compile(
    r"(?:环比|同比|\bmom\b|\bqoq\b|\byoy\b)\s*(?:vs\.?|于|跟|和|比|对比)?\s*(?:(?:19|20)?\d{2}\s*年\s*)?"
    r"(?:[一二三四五六七八九十]{1,3}|\d{1,2})\s*月|(?:环比|同比)\s*(?:上|去|前)?(?:一|二|三|四|[1-4])?\s*(?:季度|Q[1-4])",
    re.IGNORECASE,
)
_NAMED_COMPARE = re.compile(r"环比|同比|\b(?:yoy|mom|qoq|wow)\b|year over year|month over month", re.IGNORECASE)
_VERSUS = re.compile(r"(?<![同环占])比(?!例|重|率)|\bvs\.?|\bversus\b|\bcompared?\b|\bagainst\b", re.IGNORECASE)
_GRAIN_MONTHS = {"month": 1, "quarter": 3, "year": 12}


def _first_period_text(text: Any) -> str | None:
    """The base period of a periods text ("1998-05 vs 1998-04" -> "1998-05")."""
    if not text:
        return None
    return re.split(r" vs | 对比 ", str(text))[0]


def _keep_scope(
    new: dict[str, Any], question: str, previous: Mapping[str, Any], data_start: str, data_end: str
) -> dict[str, Any]:
    """A follow-up keeps the previous question's period unless it names its own ("环比呢", "按季度看呢", "and by
    month?" keep it; "那3月呢" after February 1997 is March of the same year); a grain that would give one row of
    the kept period widens it to its whole year(s), so the breakdown has rows to compare."""
    from datetime import date

    from crm_insights.agent.timeexpr import (
        asks_both_comparisons,
        names_comparison_target,
        parse_time,
        period_label,
        previous_span,
        shift_year,
    )

    base = dict(previous.get("args") or {})
    args = new["args"]
    if new.get("tool") != previous.get("tool"):
        return new
    # "再往前一周呢" names the week before the thread's, not the last seven days
    timed = _BEFORE_THAT.sub(lambda m: " " * len(m.group(0)), question)
    tp = parse_time(metric_slots.comparison_words_read(metric_slots.expand_abbreviations(timed)), data_start, data_end)
    own = [p for p in tp.periods if p.kind not in _DERIVED_PERIODS]
    first, last = date.fromisoformat(data_start[:10]), date.fromisoformat(data_end[:10])
    if len(own) == 1 and tp.compare_kind == "previous" and base.get("since") and base.get("until"):
        before = previous_span(date.fromisoformat(str(base["since"])[:10]), date.fromisoformat(str(base["until"])[:10]))
        if (own[0].start, own[0].end) == before:
            # "环比一季度呢？" after Q2's figures: Q2 against the quarter named, the one just before it
            args["since"], args["until"] = base["since"], base["until"]
            args["compare_since"], args["compare_until"] = before[0].isoformat(), before[1].isoformat()
            args.pop("compare", None)
            new["periods_text"] = new["periods_text_zh"] = (
                f"{base['since']}..{base['until']} vs {period_label(*before)}"
            )
            new["assumed_year"] = None
            return new
    if own and base.get("since") and any(p.kind == "same_period" for p in tp.periods):
        b0 = date.fromisoformat(str(base["since"])[:10])
        if all(p.kind == "year" and p.start.year in (b0.year, b0.year - 1) for p in own):
            # "今年反而比去年高？去年同期是多少" after 1998 H1: the years are the remark's; the thread's period is
            # compared with the same period a year earlier
            own = []
    if len(own) == 1 and own[0].since is not None and _PART_OF.search(question) and not base.get("compare"):
        # "How much of that came in 1998, as a share?" after the all-time total: the part's figure, compared with
        # the previous period (the whole), so the answer carries the part as a share of it
        b_since = str(base.get("since") or data_start)[:10]
        b_until = str(base.get("until") or data_end)[:10]
        start, end = own[0].since, own[0].until or own[0].end
        if (
            b_since <= start.isoformat()
            and end.isoformat() <= b_until
            and (start.isoformat(), end.isoformat())
            != (
                b_since,
                b_until,
            )
        ):
            args["since"], args["until"] = start.isoformat(), end.isoformat()
            args.pop("compare", None)
            args["compare_since"], args["compare_until"] = b_since, b_until
            whole = _first_period_text(previous.get("periods_text")) or period_label(
                date.fromisoformat(b_since), date.fromisoformat(b_until)
            )
            new["periods_text"] = new["periods_text_zh"] = f"{period_label(start, end)} vs {whole}"
            new["assumed_year"] = None
            new["part_of_whole"] = True
            return new
    if not base.get("since"):
        return new
    if not own:
        for key in ("since", "until"):
            if base.get(key):
                args[key] = base[key]
            else:
                args.pop(key, None)
        for key in ("compare", "compare_since", "compare_until"):
            args.pop(key, None)
        if _BEFORE_THAT.search(question) and base.get("since") and base.get("until") and tp.compare_kind is None:
            # "And the quarter before that?": the period of equal length just before the previous one
            b0, b1 = previous_span(
                date.fromisoformat(str(base["since"])[:10]), date.fromisoformat(str(base["until"])[:10])
            )
            if b1 >= first and _CHANGE_ASKED.search(question):
                # "再往前一周呢？是涨了还是跌了": the thread's period against the one before it
                args["since"], args["until"], args["compare"] = base["since"], base["until"], "previous"
                return new
            if b1 >= first:
                args["since"], args["until"] = max(b0, first).isoformat(), b1.isoformat()
                new["periods_text"] = new["periods_text_zh"] = period_label(max(b0, first), b1)
                new["assumed_year"] = None
                if _SAME_COMPARISON.search(question) and base.get("compare") in ("previous", "year"):
                    args["compare"] = base["compare"]  # "… — same comparison?"
                return new
        if _SAME_COMPARISON.search(question) and base.get("compare") in ("previous", "year"):
            args["compare"] = base["compare"]
        elif (
            (_BOTH_PERIODS.search(question) or _ONLY_MEASURE.fullmatch(question.strip()))
            and (base.get("compare") or base.get("compare_since"))
            # ("那跟去年同期比呢" names its own comparison)
            and not (tp.compare_kind or _VERSUS.search(question) or _NAMED_COMPARE.search(question))
            and not any(p.kind == "same_period" for p in tp.periods)
        ):
            # "钱呢" after this month's orders against the same month last year, "客單價呢？兩期都給我": the new
            # measure over the same two periods
            args.update({k: base[k] for k in ("compare", "compare_since", "compare_until") if base.get(k)})
        if asks_both_comparisons(question):
            args["compare"] = "both"  # "环比和同比各涨了多少": both comparisons of the kept period
        elif tp.compare_kind in ("previous", "year"):
            args["compare"] = tp.compare_kind  # the comparison asked now, on the kept period
        elif any(p.kind == "same_period" for p in tp.periods):
            args["compare"] = "year"  # "那去年同期呢？": the kept period against the same period a year earlier
        for key in ("periods_text", "periods_text_zh"):
            new[key] = _first_period_text(previous.get(key))
        new["assumed_year"] = previous.get("assumed_year")
        new["outside"] = list(previous.get("outside") or [])
        months = _GRAIN_MONTHS.get(str(args.get("grain") or ""))
        if months and args.get("grain") != base.get("grain"):
            since, until = date.fromisoformat(args["since"]), date.fromisoformat(args["until"])
            span = (until.year - since.year) * 12 + until.month - since.month + 1
            if span < 2 * months:
                since = max(date(since.year, 1, 1), first)
                until = min(date(until.year, 12, 31), last)
                args["since"], args["until"] = since.isoformat(), until.isoformat()
                new["periods_text"] = new["periods_text_zh"] = period_label(since, until)
                new["assumed_year"] = None
    elif (
        len(own) == 1
        and (_VERSUS.search(question) or names_comparison_target(question, own[0]))
        and own[0].since is not None
        and base.get("until")
        and (not _NAMED_COMPARE.search(tp.compare_text or "") or _VERSUS.search(question))
        # "跟97年上半年比，同比降了多少" after 1998 H1: the named earlier period is the comparison, 同比 or not
        and (tp.compare_kind != "year" or own[0].end < date.fromisoformat(str(base["since"])[:10]))
        and not any(p.kind == "same_period" for p in tp.periods)
    ):
        # "跟5月比呢" after June's AOV: the previous period stays the base, compared with the one named now
        start, end = own[0].since, own[0].until or own[0].end
        if own[0].assumed_year and own[0].start >= date.fromisoformat(str(base["since"])[:10]):
            start, end = shift_year(start, end, -1)  # "跟3月比" after June 1998 with no year: the March before it
        args["since"], args["until"] = base["since"], base["until"]
        args.pop("compare", None)
        args["compare_since"], args["compare_until"] = start.isoformat(), end.isoformat()
        label = _first_period_text(previous.get("periods_text")) or f"{base['since']}..{base['until']}"
        new["periods_text"] = new["periods_text_zh"] = f"{label} vs {period_label(start, end)}"
        new["assumed_year"] = None
    elif len(own) == 2 and all(p.assumed_year and p.since is not None for p in own):
        # "split H1 vs H2?" after 1997's revenue: both halves of that year, not the latest H1 and H2 in the data
        year = int(str(base["since"])[:4])
        spans = []
        for p in own:
            start, end = shift_year(p.start, p.end, year - p.start.year)
            spans.append((max(start, first), min(end, last)))
        if all(a <= b for a, b in spans):
            (b0, b1), (o0, o1) = sorted(spans, reverse=True)  # the later one is the base
            args["since"], args["until"] = b0.isoformat(), b1.isoformat()
            args.pop("compare", None)
            args["compare_since"], args["compare_until"] = o0.isoformat(), o1.isoformat()
            new["periods_text"] = new["periods_text_zh"] = f"{period_label(b0, b1)} vs {period_label(o0, o1)}"
            new["assumed_year"] = None
    elif len(own) == 1 and own[0].assumed_year and own[0].since is not None:
        # "那3月呢" read alone is the latest March in the data; after a question about 1997 it is March 1997
        shift = int(str(base["since"])[:4]) - own[0].start.year
        start, end = shift_year(own[0].start, own[0].end, shift)
        if first <= start <= last:
            end = min(end, last)
            args["since"], args["until"] = start.isoformat(), end.isoformat()
            new["periods_text"] = new["periods_text_zh"] = period_label(start, end)
            new["assumed_year"] = None
    if len(own) == 1 and not tp.compare_kind and not args.get("compare") and not args.get("compare_since"):
        kind = _kept_comparison(base)
        rest = question[: own[0].span[0]] + question[own[0].span[1] :]
        if kind is not None and _BARE_FOLLOW_UP.fullmatch(rest.strip()):
            # "And Q2?" after "Q1 1998 vs Q1 1997": the new period, compared the same way (a year earlier)
            args["compare"] = kind
    return new


# What is left of "And Q2?" / "那Q2呢" / "Q2的呢" once its period is taken out
_BARE_FOLLOW_UP = re.compile(
    r"(?:and|what\s+about|how\s+about|same\s+for|那|那么|那再看|再看看?)?\s*(?:the\s+)?(?:的)?\s*"
    # "h1 overall", "上半年整体呢": the whole of the period named, asked the same way
    r"(?:overall|as\s+a\s+whole|in\s+total|整体|总体|整个|全部)?\s*(?:的)?\s*(?:呢|吗)?\s*[?？.。!！]*"
    # "那Q2呢？是不是也跌那么多？", "And Q2, did it fall as much?": the change asked again
    r"(?:[，,]?\s*(?:是不是|是否|有没有)?\s*(?:也|都|一样)?\s*(?:跌|涨|降|增长|下降|下跌|上涨|掉)了?\s*(?:那么|这么|那|这)?\s*(?:多|厉害)?"
    r"\s*(?:吗|呢)?\s*[?？.。!！]*"
    r"|[,;]?\s*(?:did\s+it|was\s+it|is\s+it)?\s*(?:also\s+)?(?:down|up|fall|drop|rise|grow)\w*\s+(?:as\s+much|the\s+same)\s*[?.!]*)?",
    re.IGNORECASE,
)


def _kept_comparison(base: Mapping[str, Any]) -> str | None:
    """The comparison a previous metric question made, as a kind a new period can take: "year" for 同比 or two
    periods a year apart, "previous" for 环比; None for other comparisons or none."""
    from datetime import date

    from crm_insights.agent.timeexpr import shift_year

    if base.get("compare") in ("year", "previous"):
        return str(base["compare"])
    keys = ("since", "until", "compare_since", "compare_until")
    if not all(base.get(k) for k in keys):
        return None
    s, e, cs, ce = (date.fromisoformat(str(base[k])[:10]) for k in keys)
    return "year" if shift_year(s, e, -1) == (cs, ce) else None


def reread(metric: Mapping[str, Any], data_start: str | None, data_end: str | None) -> dict[str, Any] | None:
    """``metric`` parsed again from its text (against the data's range once known), over its ``base_args``."""
    text = str(metric.get("text") or "")
    new = parse(text, data_start, data_end)
    if new is None:
        return None
    base = dict(metric.get("base_args") or {})
    if metric.get("base_tool") and metric.get("base_tool") != new["tool"]:
        base = {}  # another tool's arguments (a cohort's months after a metric question) do not carry over
    if base:
        if any(k in new["args"] for k in ("since", "until")):
            for k in _PERIOD_ARGS:
                base.pop(k, None)
            if any(new["args"].get(k) for k in ("compare", "compare_since")):
                base.pop("grain", None)  # "How did Q2 of 98 do against the same quarter last year?": two totals
        new["args"] = {**base, **new["args"]}
        merged = new["args"]
        if merged.get("group_by") == "weekday" and merged.get("grain") == "day" and base.get("grain") != "day":
            merged.pop("grain")  # "and the weakest day?" after a weekday ranking: its weekday row
        new["base_args"] = dict(metric.get("base_args") or {})
    composed = (metric.get("args") or {}).get("customers")
    if composed and not new["args"].get("customers"):
        new["args"]["customers"] = list(composed)  # "他今年买了多少": the customer the router picked from the thread
    one = (metric.get("args") or {}).get("customer")
    if one and new["tool"] == metric.get("tool") and not new["args"].get("customer"):
        new["args"]["customer"] = one  # "what's he worth to us over the next yr": the thread's customer's value
    fixed = dict(metric.get("fixed_args") or {})
    if fixed:  # arguments composed from an earlier answer (the customers of a list)
        new["args"].update(fixed)
        new["fixed_args"] = fixed
    new["text"] = text
    return new


def settle(
    original: str,
    metric: dict[str, Any] | None,
    prev_metric: Mapping[str, Any] | None,
    start: Any,
    end: Any,
    ranked_periods: Sequence[Any] | None = None,
) -> None:
    """The reading of ``original`` (``metric``, in place) settled against the question's own wording and the thread:
    run after the router's parse, and again after the plan re-reads a thread's first question against the data's
    range (``reread``), so a first turn gets the same adjustments as any other."""
    # ("YoY 多少" after 97年Q2 read alone, as after 1997 H1 with a measure named: the year after against it)
    year_comparison_in_data(original, metric, start, end)
    forecast_year_before(original, metric, prev_metric, end)
    compare_with_thread(original, metric, prev_metric, start, end)
    keep_group(original, metric, prev_metric, start, end)
    typed_revenue_again(original, metric, prev_metric)
    also_bought_then(original, metric, prev_metric)
    same_two_periods(original, metric, prev_metric)
    same_span_in_year(original, metric, prev_metric)
    week_of_day(original, metric)
    whole_span(original, metric, prev_metric)
    top_row(original, metric, prev_metric, ranked_periods)
    with_target(original, metric)
    share_again(original, metric, prev_metric)
    row_shares_again(original, metric, prev_metric)
    drop_orphans(metric)
    gaps_again(original, metric, prev_metric)
    rest_of_top(original, metric, prev_metric)
    keep_target(metric, prev_metric)
    bare_monthly_again(metric, prev_metric)
    both_ends(original, metric)
    held = (metric or {}).get("args") or {}
    if held.get("change_by_row") and held.get("grain") and held.get("compare") == "previous":
        # "哪个季度环比跌得最多" after quarters listed: each row against the one before it, not the whole span
        # against the span before it (which lies before the data)
        held.pop("compare")
    _settle_follow_up(held, metric, prev_metric, original, start)
    if held.get("having") and not (held.get("grain") or held.get("group_by")):
        held.pop("having")  # "12月环比11月下降了多少" after months over 10万: one period has no rows to test


# "照这个速度", "at this rate": the pace of the thread's period
_THIS_PACE = re.compile(
    r"(?:照|按|以)(?:这个|这|目前的?|现在的?)(?:速度|节奏|势头|趋势)|\bat\s+(?:this|that|the\s+current)\s+(?:rate|pace)\b",
    re.I,
)


def _settle_follow_up(
    held: dict[str, Any],
    metric: dict[str, Any] | None,
    prev_metric: Mapping[str, Any] | None,
    original: str,
    start: Any,
) -> None:
    """The analytics arguments of a follow-up (``held``, in place), settled against the thread's previous question:
    shares of filtered orders, year-on-year comparisons, run rates and one-time shares."""
    if held.get("min_amount") is not None or held.get("max_amount") is not None:
        # "这些大单贡献的营收占比呢", "what share of 1997 revenue did those orders account for": the filtered
        # orders' figure against all orders (a row share of no breakdown would be 100%)
        group_share_of_all(metric or {})

    from datetime import date

    from crm_insights.agent.timeexpr import shift_year

    def day(value: Any) -> date:
        return date.fromisoformat(str(value)[:10])

    before = (prev_metric or {}).get("args") or {}
    if (
        held.get("compare") == "year"
        and start
        and held.get("since")
        and shift_year(day(held["since"]), day(held["since"]))[0] < day(start)
        and before.get("compare") == "year"
        and not same_comparison_asked(original)  # "…— same comparison?": asked, answered as out of data
    ):
        # "那去年全年呢" after H1 98 vs H1 97: the kept year-on-year comparison would lie before the data; the
        # year itself is asked
        held.pop("compare")
    if (
        held.get("compare") == "year"
        and before.get("since")
        and before.get("until")
        and (held.get("since"), held.get("until"))
        == tuple(d.isoformat() for d in shift_year(day(before["since"]), day(before["until"])))
    ):
        # "YoY 呢？去年Q2是多少" after 98Q2: the thread's quarter against the year before it, not 97Q2 against 96Q2
        held["since"], held["until"] = before["since"], before["until"]
    run_rate = {"revenue_annualized", "revenue_annualized_monthly"} & set(held.get("measures") or [])
    if run_rate and _THIS_PACE.search(original) and before.get("since") and before.get("until"):
        # "照呢個速度，成年大概做到幾多？" after the last three months' monthly average: their pace, a year of it
        # (a comparison the question names stays: "照这个速度今年全年能做多少？能赶上去年吗")
        held["since"], held["until"] = before["since"], before["until"]
    if run_rate and prev_metric and "revenue" in held["measures"] and held.get("compare_since") and held.get("since"):
        # "跟去年全年比低多少%" after H1's run rate: the year's pace against the whole year; half a year's actual
        # revenue against a whole year's is no comparison
        span = day(held["until"]) - day(held["since"])
        if day(held["compare_until"]) - day(held["compare_since"]) > 1.5 * span:
            held["measures"] = [m for m in held["measures"] if m != "revenue"]
    if (
        prev_metric
        and {"one_time_share", "one_time_customers"} & set(held.get("measures") or [])
        and (held.get("min_purchases") or 0) > 1
    ):
        # "那只买过一次的占多少" after 买过3次及以上的客户: the one-time customers, not a share within the 3+ group
        held.pop("min_purchases")
        held.pop("max_purchases", None)
