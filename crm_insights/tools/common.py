"""Shared plumbing of the tools: the decorator that makes a LangChain tool, argument types, evidence.

Every tool is a plain function over validated keyword arguments that returns
``{"data": ..., "evidence": {"tool", "args", "rows_considered", ...}}``. :func:`crm_tool` turns
it into a ``StructuredTool`` whose errors the model can fix or relay (a project ``InputError`` such as
an unknown customer, bad arguments, or an ``ArtifactError``/``NotReadyError`` naming the command that
builds or rebuilds a model) come back as a tool message with ``status="error"``; anything else (a bug,
an unreachable store) propagates.
"""

from __future__ import annotations

import functools
import inspect
import math
import re
from collections.abc import Callable, Set
from datetime import date, datetime, timedelta
from typing import Annotated, Any

import numpy as np
from langchain_core.tools import BaseTool, StructuredTool, ToolException
from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError

from crm_insights.errors import ArtifactError, InputError
from crm_insights.jsonable import jsonable as to_jsonable
from crm_insights.labels import SENTIMENT_LABELS, SentimentLabel
from crm_insights.labels import sentiment_label as sentiment_alias
from crm_insights.tools.context import ToolContext, get_context
from crm_insights.tools.ids import ResolvedCustomer, resolve_customer

# Feedback texts are customers' words: long ones are cut so a handful of quotes fit in a prompt.
QUOTE_CHARS = 300


def _to_str(value: Any) -> Any:
    # Models often send ids and segment numbers as JSON numbers; the tools take them as text.
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        return str(int(value)) if float(value).is_integer() else str(value)
    return value


def _blank_to_none(value: Any) -> Any:
    # "" / "null" / "none" from a model mean "no filter".
    value = _to_str(value)
    if isinstance(value, str) and value.strip().lower() in ("", "null", "none", "all", "any"):
        return None
    return value


CustomerArg = Annotated[
    str,
    BeforeValidator(_to_str),
    Field(
        description="The customer's id as the user wrote it, e.g. '00100', '100', 'customer 100', '客户100'.",
        min_length=1,
        max_length=100,
    ),
]
OptCustomerArg = Annotated[
    Annotated[str, Field(max_length=100)] | None,
    BeforeValidator(_blank_to_none),
    Field(None, description="Only this customer (id as the user wrote it, e.g. '00100'). Omit for all customers."),
]
MAX_CUSTOMERS = 200


def as_list(value: Any) -> Any:
    """A bare string as a list: a model asked for one item often sends it so ("revenue,aov" is split too)."""
    if isinstance(value, str):
        return [v.strip() for v in value.split(",") if v.strip()]
    return value


OptCustomersArg = Annotated[
    Annotated[list[Annotated[str, Field(min_length=1, max_length=100)]], Field(max_length=MAX_CUSTOMERS)] | None,
    BeforeValidator(lambda v: as_list(_blank_to_none(v))),
    Field(None, description="Only these customers (ids as the user wrote them, at most 200)."),
]
SegmentArg = Annotated[
    str,
    BeforeValidator(_to_str),
    Field(
        description="The segment: its number ('0' = most valuable), its English or Chinese name, or a phrase "
        "such as 'high value', 'at risk', '高价值'.",
        min_length=1,
        max_length=100,
    ),
]
OptSegmentArg = Annotated[
    Annotated[str, Field(max_length=100)] | None,
    BeforeValidator(_blank_to_none),
    Field(
        None,
        description="Only customers of this segment: its number ('0' is the most valuable), its English or "
        "Chinese name, or a phrase such as 'high value'. Omit for all customers.",
    ),
]


def _sentiment_alias(value: Any) -> Any:
    # "neg", "负面", "差评" ... -> the label; anything else is left for the enum to refuse.
    value = _blank_to_none(value)
    if isinstance(value, str):
        return sentiment_alias(value) or value.strip().lower()
    return value


OptSentimentArg = Annotated[
    SentimentLabel | None,
    BeforeValidator(_sentiment_alias),
    Field(None, description="Only feedback with this sentiment label: 'positive', 'neutral' or 'negative'."),
]
SinceArg = Annotated[
    str | None,
    BeforeValidator(_blank_to_none),
    Field(None, description="Start date, inclusive: 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY'. Omit for no lower bound."),
]
UntilArg = Annotated[
    str | None,
    BeforeValidator(_blank_to_none),
    Field(
        None,
        description="End date, inclusive: 'YYYY-MM-DD', 'YYYY-MM' (the whole month) or 'YYYY' (the whole year). "
        "Omit for no upper bound.",
    ),
]


class ToolArgs(BaseModel):
    """Base of the tools' argument schemas: unknown arguments are refused so a typo gets a message."""

    model_config = ConfigDict(extra="forbid")


def _validation_message(exc: ValidationError) -> str:
    problems = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err.get("loc", ())) or "arguments"
        problems.append(f"{loc}: {err.get('msg', 'invalid')}")
    return "invalid arguments: " + "; ".join(problems)


def _description(fn: Callable[..., Any]) -> str:
    """The docstring with its hard line wraps undone (paragraphs kept): what the model reads."""
    paragraphs = inspect.cleandoc(fn.__doc__ or "").split("\n\n")
    return "\n\n".join(" ".join(line.strip() for line in p.splitlines()) for p in paragraphs)


def crm_tool(args_schema: type[ToolArgs]) -> Callable[[Callable[..., dict[str, Any]]], BaseTool]:
    """Make a LangChain tool of ``fn(**args) -> dict``: the docstring is what the model reads.

    ``fn`` receives every argument (defaults from the schema filled in). Project input errors and
    missing models become ``ToolException`` -> a tool message with status "error".
    """

    def wrap(fn: Callable[..., dict[str, Any]]) -> BaseTool:
        @functools.wraps(fn)
        def run(**kwargs: Any) -> dict[str, Any]:
            try:
                params = args_schema.model_validate(kwargs)
            except ValidationError as exc:
                raise ToolException(_validation_message(exc)) from exc
            try:
                return fn(**{name: getattr(params, name) for name in type(params).model_fields})
            except (InputError, ArtifactError) as exc:
                # A missing, stale or corrupt model is the operator's to fix, and the message says how
                # (`crm-insights train ...`); the model relays it instead of the turn failing.
                raise ToolException(str(exc)) from exc

        return StructuredTool.from_function(
            func=run,
            name=fn.__name__,
            description=_description(fn),
            args_schema=args_schema,
            handle_tool_error=True,
            handle_validation_error=_validation_message,
        )

    return wrap


def ctx() -> ToolContext:
    return get_context()


def evidence(tool: str, args: dict[str, Any], rows_considered: int, **extra: Any) -> dict[str, Any]:
    """The evidence block: tool, arguments as used, rows considered, plus model/index versions."""
    out: dict[str, Any] = {"tool": tool, "args": jsonable(args), "rows_considered": int(rows_considered)}
    out.update({k: v for k, v in extra.items() if v is not None})
    return out


def result(tool: str, args: dict[str, Any], data: Any, rows_considered: int, **extra: Any) -> dict[str, Any]:
    return {"data": jsonable(data), "evidence": evidence(tool, args, rows_considered, **extra)}


def rnd(value: Any, digits: int = 2) -> float | None:
    """A float rounded for a prompt; None for missing / NaN."""
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    if math.isnan(f) or math.isinf(f):
        return None
    return round(f, digits)


def jsonable(value: Any) -> Any:
    """Plain JSON types (:func:`crm_insights.jsonable.jsonable`), floats rounded to 4 digits for a prompt."""
    return to_jsonable(value, digits=4)


def quote(text: str | None, limit: int = QUOTE_CHARS) -> str:
    """Feedback text as data, cut to ``limit`` characters."""
    text = (text or "").strip()
    return text if len(text) <= limit else text[: limit - 1] + "…"


_DATE_RE = re.compile(r"^(\d{4})(?:[-/.年](\d{1,2}))?(?:[-/.月](\d{1,2}))?日?$")


def parse_day(value: str | None, field: str, end: bool = False) -> date | None:
    """'YYYY-MM-DD' / 'YYYY-MM' / 'YYYY' -> a date: the first day, or with ``end`` the last day it covers."""
    if value is None:
        return None
    text = str(value).strip()
    if "T" in text:
        text = text.split("T", 1)[0]
    m = _DATE_RE.match(text)
    if not m:
        raise InputError(f"{field}: {value!r} is not a date; use 'YYYY-MM-DD', 'YYYY-MM' or 'YYYY'")
    year, month, day = int(m.group(1)), m.group(2), m.group(3)
    try:
        if day is not None:
            return date(year, int(month or 1), int(day))
        if month is not None:
            first = date(year, int(month), 1)
            if not end:
                return first
            nxt = date(year + (first.month == 12), first.month % 12 + 1, 1)
            return nxt - timedelta(days=1)
        return date(year, 12, 31) if end else date(year, 1, 1)
    except ValueError as exc:
        raise InputError(f"{field}: {value!r} is not a valid date ({exc})") from exc


def date_range(since: str | None, until: str | None) -> tuple[date | None, date | None]:
    """Both bounds inclusive; InputError when since is after until."""
    start, stop = parse_day(since, "since"), parse_day(until, "until", end=True)
    if start and stop and start > stop:
        raise InputError(f"since ({start}) is after until ({stop})")
    return start, stop


def day_start(d: date | None) -> datetime | None:
    return datetime(d.year, d.month, d.day) if d else None


def day_after(d: date | None) -> datetime | None:
    """The exclusive upper bound of an inclusive end day."""
    return datetime(d.year, d.month, d.day) + timedelta(days=1) if d else None


def sentiment_label(value: str | None) -> str | None:
    if value is None:
        return None
    label = sentiment_alias(value)
    if label is None:
        raise InputError(f"sentiment: {value!r} is not one of {', '.join(SENTIMENT_LABELS)}")
    return label


def resolve(context: ToolContext, customer: str) -> ResolvedCustomer:
    return resolve_customer(context.engine, customer)


def segment_names(model: Any) -> str:
    """The segments as "0 (Champions / 高价值客户), 1 (...)", for error messages."""
    try:
        return ", ".join(f"{s['segment']} ({s.get('name_en', '')} / {s.get('name_zh', '')})" for s in model.segments())
    except Exception:  # a hint only; never hide the real error behind this one
        return ""


def resolve_segment(context: ToolContext, segment: str) -> tuple[Any, dict[str, Any]]:
    """(SegmentModel, describe() dict) for a reference; InputError listing the segments when unknown."""
    model = context.segments
    ref: int | str = int(segment) if segment.strip().isdigit() else segment
    try:
        info = model.describe(ref)
    except InputError:
        raise  # the model's own message already lists the segments
    except (KeyError, ValueError, IndexError) as exc:
        names = segment_names(model)
        raise InputError(f"no segment matches {segment!r}" + (f"; segments: {names}" if names else "")) from exc
    return model, info


def is_member(values: Any, members: Set[str]) -> np.ndarray:
    """A boolean mask of ``values`` (an Index or Series of ids) in ``members``.

    A plain set lookup per id: pandas' isin on Arrow strings took 55 ms for 23k ids against 3k members (measured).
    """
    # tolist() first: iterating an Arrow-backed pandas array element by element is slow too.
    items = values.tolist() if hasattr(values, "tolist") else list(values)
    return np.fromiter((str(v) in members for v in items), dtype=bool, count=len(items))


def segment_members(context: ToolContext, segment: str) -> tuple[Any, dict[str, Any], frozenset[str]]:
    model, info = resolve_segment(context, segment)
    return model, info, context.segment_members(model, int(info["segment"]))
