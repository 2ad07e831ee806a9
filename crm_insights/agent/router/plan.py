"""Plan execution: replay an intent's plan against the tool calls done so far this turn; the next call, or the
final answer."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from crm_insights.agent.language import user_error
from crm_insights.agent.router import metrics
from crm_insights.agent.router.answers import render_answer, render_shared
from crm_insights.agent.router.decide import Decision, _pick_segment
from crm_insights.agent.router.decide import has_slots as _has
from crm_insights.agent.router.knowledge import DERIVED_SLOTS, Knowledge, PlanStep
from crm_insights.agent.timeexpr import shift_year


@dataclass
class Step:
    """One executed tool call of this turn."""

    name: str
    args: dict[str, Any]
    result: Any = None
    error: str | None = None


def _path(obj: Any, dotted: str) -> Any:
    """``data.segment`` -> that value; ``data.customers[].customer_id`` -> the list of each item's value."""
    parts = dotted.split(".")
    for i, part in enumerate(parts):
        if not isinstance(obj, Mapping):
            return None
        if part.endswith("[]"):
            items = obj.get(part[:-2])
            if not isinstance(items, list):
                return None
            rest = ".".join(parts[i + 1 :])
            values = [_path(item, rest) if rest else item for item in items]
            return [v for v in values if v is not None]
        obj = obj.get(part)
    return obj


def _wholly_outside(args: Mapping[str, Any], slots: Mapping[str, Any]) -> bool:
    """Whether the period of a metric call lies wholly before or after the data's orders."""
    since, until = str(args.get("since") or ""), str(args.get("until") or "")
    start, end = str(slots.get("data_start") or ""), str(slots.get("data_end") or "")
    if not (since and until and start and end):
        return False
    return since[:10] > end[:10] or until[:10] < start[:10]


def _ranks_spend(slots: Mapping[str, Any]) -> bool:
    return slots.get("rank_by") == "spend" or bool(slots.get("spend_rank"))


def _derived(slots: Mapping[str, Any], question: str = "") -> dict[str, Any]:
    seg = slots.get("segment")
    # A segment written as a phrase is resolved to its id first; an id needs no resolution.
    phrase = isinstance(seg, str) and not seg.strip().isdigit()
    # A superlative with no segment list to pick from: the segments are listed first.
    pending = bool(slots.get("segment_pick")) and seg in (None, "")
    return {
        **slots,
        "segment_phrase": True if phrase else None,
        "segment_pick_pending": True if pending else None,
        "question": question or None,
        # "消费最高的10个客户里有几个有流失风险": the top-N spenders are the population of the risk list.
        "among_top_spenders": slots.get("top_k")
        if slots.get("rank_by") == "spend" or slots.get("spend_rank")
        else None,
        # "客户3都反馈过什么": one customer's feedback with no topic to search for; the profile says how much there is
        "customer_feedback": True if slots.get("customer") and not slots.get("query") and not seg else None,
        # a first-purchase cohort month read in the latest year had no cohort: asked again a year earlier
        "cohort_retry": True if (slots.get("metric") or {}).get("retried") and slots.get("cohort_rows") == [] else None,
    }


def _schema_type(schema: Mapping[str, Any]) -> set[str]:
    types: set[str] = set()
    if "type" in schema:
        t = schema["type"]
        types.update(t if isinstance(t, list) else [t])
    for key in ("anyOf", "oneOf"):
        for sub in schema.get(key, []) or []:
            types |= _schema_type(sub)
    return types


def _coerce(value: Any, schema: Mapping[str, Any]) -> Any:
    """Make a slot value fit the tool's JSON schema type (a segment id 0 -> "0" for a string argument)."""
    types = _schema_type(schema)
    if not types:
        return value
    if isinstance(value, int | float) and not isinstance(value, bool) and "string" in types and "integer" not in types:
        return str(int(value)) if float(value).is_integer() else str(value)
    if isinstance(value, str) and value.strip().isdigit() and "integer" in types and "string" not in types:
        return int(value)
    if isinstance(value, str) and "array" in types and "string" not in types:
        return [value]
    return value


def _tool_args(
    step: PlanStep, slots: Mapping[str, Any], params: Mapping[str, Any] | None, refused: list[str] | None = None
) -> dict[str, Any]:
    """The step's arguments from the slots; an argument of ``args_from`` the bound tool does not take is added to
    ``refused`` (the plan then says so rather than answer without it)."""
    props: Mapping[str, Any] = (params or {}).get("properties", {}) or {}
    args: dict[str, Any] = {}
    if step.args_from:
        spec = _path(slots, step.args_from)
        for arg, value in (spec if isinstance(spec, Mapping) else {}).items():
            if value in (None, "", []):
                continue
            if props and arg not in props:
                if refused is not None:
                    refused.append(arg)
                continue
            args[arg] = _coerce(value, props.get(arg, {}))
    for arg, source in step.args.items():
        names = source if isinstance(source, list) else [source]
        value = next((slots[n] for n in names if slots.get(n) not in (None, "", [])), None)
        if value is None:
            continue
        if props and arg not in props:
            continue  # the bound tool has no such argument: leave it out rather than fail validation
        args[arg] = _coerce(value, props.get(arg, {}))
    for arg, value in step.const.items():
        if not props or arg in props:
            args[arg] = value
    return args


_INTERNAL = re.compile(r"^[a-z]+(?:_[a-z]+)+$|^(?:measures|periods|grain|sort|limit|segment|customers)$")


@dataclass
class Action:
    kind: str  # "call" or "answer"
    tool: str | None = None
    args: dict[str, Any] = field(default_factory=dict)
    text: str = ""
    slots: dict[str, Any] = field(default_factory=dict)
    intent: str = ""


def _data(result: Any) -> Any:
    return result.get("data", result) if isinstance(result, Mapping) else result


def _after_step(hook: str | None, slots: dict[str, Any], question: str) -> None:
    """A named slot update after a step (knowledge.STEP_HOOKS)."""
    if hook == "reparse_metric" and slots.get("data_start") and slots.get("data_end"):
        # The first analytics question of a thread was read against a placeholder range: read it again against
        # the data's real range ("上个月", a month with no year = the latest such month in the data).
        before = slots.get("metric") or {"text": question}
        metric = metrics.reread(before, str(slots["data_start"]), str(slots["data_end"]))
        if metric is not None:
            # the router's adjustments to its reading, made again on the re-read (the thread has no earlier question)
            metrics.settle(str(metric.get("text") or question), metric, None, slots["data_start"], slots["data_end"])
            if slots.get("after_forecast"):
                forecast = {"tool": "forecast_totals", "args": slots["after_forecast"]}
                metrics.forecast_year_before(str(metric.get("text") or question), metric, forecast, slots["data_end"])
            if before.get("answer_rest"):
                metric["answer_rest"] = True  # the clause read apart from a declined one stays the one answered
                if "apart" in (before.get("unsupported_kinds") or []):
                    metric["unsupported_kinds"] = ["apart"]
            slots["metric"] = metric
            # the parts the placeholder reading declined that the real range answers are no longer declined
            gone = set(before.get("unsupported") or []) - set(metric["unsupported"])
            kept = [u for u in slots.get("unsupported") or [] if u not in gone]
            if metric["unsupported"]:
                slots["unsupported"] = metric["unsupported"]
            elif kept:
                slots["unsupported"] = kept
            else:
                slots.pop("unsupported", None)
        slots.pop("data_range_pending", None)
    elif hook == "period_from_metric" and slots.get("data_start") and slots.get("data_end"):
        # an older intent's relative period ("上个月"), resolved by the analytics reading against the data's range
        metric = metrics.reread(
            slots.get("metric") or {"text": question}, str(slots["data_start"]), str(slots["data_end"])
        )
        args = (metric or {}).get("args") or {}
        if args.get("since") and not slots.get("since"):
            slots["since"], slots["until"] = args["since"], args.get("until")
        slots.pop("data_range_pending", None)
    elif hook == "earlier_cohort_year":
        _earlier_cohort_year(slots)


def _earlier_cohort_year(slots: dict[str, Any]) -> None:
    """ "1月首购的那批客户，2月回购率多少": a month with no year is the latest such month in the data, but when no
    customer's first order falls in it (the cohort is empty) the question means the latest such month that has a
    cohort; the same months a year earlier are asked, once, while they lie in the data."""
    metric = slots.get("metric") or {}
    args = metric.get("args") or {}
    if slots.get("cohort_rows") != [] or not metric.get("assumed_year") or metric.get("retried"):
        return
    try:
        since, until = date.fromisoformat(str(args["since"])), date.fromisoformat(str(args["until"]))
    except (KeyError, ValueError):
        return
    since, until = shift_year(since, until)
    if str(slots.get("data_start") or "")[:7] > since.isoformat()[:7]:
        return  # no order data that month
    shifted = {**args, "since": since.isoformat(), "until": until.isoformat()}
    targets = list(metric.get("cohort_targets") or [])
    for i, month in enumerate(metric.get("cohort_fixed") or []):
        if month is not None and i < len(targets):  # "到98年6月": a calendar month stays put, so more months on
            targets[i] = (int(month[:4]) - since.year) * 12 + int(month[5:7]) - since.month
    if targets:
        shifted["periods"] = max(1, min(36, max(targets)))
    retried = {**metric, "args": shifted, "assumed_year": since.year, "retried": True, "cohort_targets": targets}
    slots["metric"] = retried


# Analytics tools with an intent of their own, that a question re-read against the data's range may turn out to ask
_RETARGETS = ("forecast_totals", "customer_value", "cohort_retention")


def _retarget(intent: str, slots: Mapping[str, Any], knowledge: Knowledge) -> str | None:
    tool = (slots.get("metric") or {}).get("tool")
    if intent != "metric_query" or tool == intent or tool not in _RETARGETS or tool not in knowledge.intents:
        return None
    return str(tool)


def next_action(
    decision: Decision, steps: Sequence[Step], tools: Mapping[str, Mapping[str, Any]], knowledge: Knowledge
) -> Action:
    """Replay the plan against the steps done so far: the next tool call, or the final answer."""
    plan = knowledge.plan(decision.intent)
    slots = dict(decision.slots)
    lang = decision.language

    def answer(text: str) -> Action:
        if slots.get("action") and decision.intent != "unsupported_action":
            text = f"{render_shared(knowledge, 'action_declined', lang)}\n\n{text}"
        if decision.injection:
            text = f"{render_shared(knowledge, 'injection_note', lang)}\n\n{text}"
        clean = {k: v for k, v in slots.items() if k not in DERIVED_SLOTS}
        return Action("answer", text=text, slots=clean, intent=decision.intent)

    def cannot(parts: Sequence[str]) -> Action:
        # Faithfulness: a constraint no tool can carry is named, and no figure for a wider scope is given.
        # a part given as an internal name (an argument, "share_of_all") is said in words
        named = [render_shared(knowledge, "refused_arg", lang, arg=p) if _INTERNAL.match(p) else p for p in parts]
        unique = list(dict.fromkeys(named))
        return answer(render_shared(knowledge, "unsupported", lang, parts=unique, slots=slots))

    def contact_only() -> bool:
        # "C14048电话多少 …顺便看下他今年买了多少钱": contact details are not recorded, the figure beside them is;
        # "00499 这个客户是哪个城市的？一共买了多少钱": one customer's city is not recorded, their profile is
        # (nor "客户3上回买的啥碟": what they bought)
        missing = slots.get("missing_attributes") or []
        own = (
            ("contact", "region", "demographics", "product") if decision.intent == "customer_profile" else ("contact",)
        )
        return bool(missing) and all(kind in own for kind, _ in missing) and not slots.get("unsupported")

    def answered_rest() -> bool:
        # "98Q1营收多少 按品类拆一下": the split is declined by name, the total asked in its own clause answered
        if contact_only():
            return True
        return bool((slots.get("metric") or {}).get("answer_rest")) and not slots.get("missing_attributes")

    def with_declined(text: str) -> str:
        if (slots.get("metric") or {}).get("why"):
            text = f"{render_shared(knowledge, 'why_decomposed', lang)}\n\n{text}"
        if not answered_rest():
            return text
        if contact_only():
            declined = [
                render_shared(knowledge, "missing_attribute", lang, kind=kind, text=part)
                for kind, part in slots.get("missing_attributes") or []
            ]
            return f"{render_shared(knowledge, 'unsupported_contact', lang, parts=declined)}\n\n{text}"
        parts = list(dict.fromkeys(str(p) for p in slots.get("unsupported") or []))
        kinds = set((slots.get("metric") or {}).get("unsupported_kinds") or [])
        keys = {
            "statistic": "unsupported_statistic",
            "profit": "unsupported_measure",
            "traffic": "unsupported_measure",
            "of_group": "unsupported_of_group",
            "apart": "unsupported_apart",
        }
        key = keys.get(next(iter(kinds)) if len(kinds) == 1 else "", "unsupported_split")
        if kinds & {"delivery", "service", "pipeline"} or (len(kinds) > 1 and kinds & {"profit", "traffic"}):
            # "哪个品类？退货率多少？顺便告诉我总单量": the data lacks them; the rest answered
            key = "unsupported_measure"
        return f"{render_shared(knowledge, key, lang, parts=parts)}\n\n{text}"

    # Read against a placeholder range, a part may look unanswerable only for that ("H1 last year" beside "the H1
    # total"): the plan first learns the data's range and reads the question again, then declines what is left.
    periods_pending = slots.get("data_range_pending") and "period" in (slots.get("metric") or {}).get(
        "unsupported_kinds", []
    )
    declined_now = slots.get("unsupported") and not answered_rest() and not periods_pending
    if declined_now or (slots.get("missing_attributes") and not contact_only()):
        attributes = [
            render_shared(knowledge, "missing_attribute", lang, kind=kind, text=text)
            for kind, text in slots.get("missing_attributes") or []
        ]
        return cannot([*(str(p) for p in slots.get("unsupported") or []), *attributes])
    if slots.get("dropped"):
        dropped = [k for k in slots["dropped"] if not (k == "until" and "since" in slots["dropped"])]
        return cannot([render_shared(knowledge, f"scope_names.{k}", lang, slots=slots) for k in dropped])

    metric = slots.get("metric") or {}
    if metric.get("missing"):
        return answer(render_shared(knowledge, f"missing.{metric['missing'][0]}", lang))

    # A requirement is a slot or a list of slots of which any one will do.
    required = [r if isinstance(r, list) else [r] for r in plan.requires]
    missing = [names for names in required if not _has(slots, names)]
    if missing:
        return answer(render_shared(knowledge, f"missing.{missing[0][0]}", lang))

    done = iter(steps)
    results: dict[str, Any] = {}
    for spec in plan.steps:
        cond = spec.when
        if cond and not _derived(slots, decision.question).get(cond):
            continue
        tool = spec.tool
        if tool not in tools:
            if cond:
                continue  # an optional resolution step; the next tool resolves the reference itself
            return answer(render_shared(knowledge, "tool_unavailable", lang, tool=tool))
        step = next(done, None)
        if step is None:
            refused: list[str] = []
            args = _tool_args(spec, _derived(slots, decision.question), tools[tool], refused)
            if refused:
                return cannot([render_shared(knowledge, "refused_arg", lang, arg=a) for a in refused])
            return Action("call", tool=tool, args=args, intent=decision.intent)
        if step.error is not None and spec.optional:
            continue  # context only: the next step answers (or says what is wrong)
        if tool in ("metric_query", "cohort_retention") and _wholly_outside(step.args, slots):
            # "1998年7月的销售额", "1996年12月新增了多少客户": no order data then; said plainly, no zero figure
            since, until = step.args["since"], step.args["until"]
            return answer(render_shared(knowledge, "outside_data", lang, since=since, until=until, slots=slots))
        if step.error is not None:
            error = user_error(step.error, lang)
            return answer(render_shared(knowledge, "tool_error", lang, tool=step.name, error=error))
        results[tool] = _data(step.result)
        for slot, dotted in spec.export.items():
            value = _path(step.result, dotted)
            if value is not None:
                slots[slot] = value
        _after_step(spec.then, slots, decision.question)
        retarget = _retarget(decision.intent, slots, knowledge)
        if retarget is not None:
            # "预测一下98年Q3的营收": read against the data's real range the question asks another analytics tool (a
            # forecast past the data's end); that intent's plan answers it, with the steps still to come
            moved = Decision(**{**decision.__dict__, "intent": retarget, "slots": slots})
            return next_action(moved, list(done), tools, knowledge)
        if slots.get("unsupported") and not answered_rest():
            return cannot([str(p) for p in slots["unsupported"]])
        if slots.get("segment_pick") and not _has(slots, ["segment"]):
            picked = _pick_segment(slots["segment_pick"], slots)  # the segments were just listed
            if picked is not None:
                slots["segment"] = picked

    text = render_answer(knowledge, decision.intent, lang, results, slots, decision.question)
    for extra in (slots.get("metric") or {}).get("also") or []:
        # "90天没下单的多少人？180天、365天的呢": the same tool again for each further reading, answered in turn
        tool = str(slots["metric"]["tool"])
        step = next(done, None)
        if step is None:
            return Action("call", tool=tool, args=dict(extra), intent=decision.intent)
        if step.error is not None:
            error = user_error(step.error, lang)
            text += "\n\n" + render_shared(knowledge, "tool_error", lang, tool=step.name, error=error)
            continue
        again = {**slots, "metric": {**slots["metric"], "args": dict(extra), "periods_text": None, "also": []}}
        again["metric"]["periods_text_zh"] = None
        text += "\n\n---\n\n" + render_answer(
            knowledge, decision.intent, lang, {**results, tool: _data(step.result)}, again, decision.question
        )
    for part in (slots.get("metric") or {}).get("parts") or []:
        # "97年全年营收多少？98年上半年营收多少？": each further question of the turn, read on its own, answered in turn
        tool = str(part["tool"])
        step = next(done, None)
        if step is None:
            return Action("call", tool=tool, args=dict(part["args"]), intent=decision.intent)
        if step.error is not None:
            error = user_error(step.error, lang)
            text += "\n\n" + render_shared(knowledge, "tool_error", lang, tool=step.name, error=error)
            continue
        again = {**slots, "metric": {**part, "also": [], "parts": []}}
        text += "\n\n---\n\n" + render_answer(
            knowledge, decision.intent, lang, {**results, tool: _data(step.result)}, again, decision.question
        )
    return answer(with_declined(text))
