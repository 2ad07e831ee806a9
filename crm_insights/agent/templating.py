"""Prompt files (package-data YAML) and the Jinja environment that renders them (StrictUndefined)."""

from __future__ import annotations

import math
import re
from functools import cache, lru_cache
from importlib import resources
from typing import Any

import yaml
from jinja2 import Environment, StrictUndefined, Template

from crm_insights.errors import ConfigError

_LABELS = {
    "zh": {"positive": "正面", "neutral": "中性", "negative": "负面"},
    "en": {"positive": "positive", "neutral": "neutral", "negative": "negative"},
}


class _UniqueKeyLoader(yaml.SafeLoader):
    """SafeLoader that refuses a key written twice in one mapping (YAML would silently keep the last)."""


# The same with libyaml's parser when PyYAML was built with it: the prompt files parse ~10x faster (0.3 s of
# a cold `crm-insights ask` in pure Python), into the same objects. libyaml refuses a few plain scalars that
# PyYAML reads (router.yaml's `system:` inside a flow list, which PyYAML reads as a mapping): such a file is
# read by the pure-Python loader, as before.
_CUniqueKeyLoader: Any = (
    type("_CUniqueKeyLoader", (yaml.CSafeLoader,), {}) if getattr(yaml, "__with_libyaml__", False) else None
)


def _unique_mapping(loader: Any, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    seen: set[Any] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=deep)  # type: ignore[no-untyped-call]
        if key in seen:
            raise ConfigError(f"duplicate key {key!r} at line {key_node.start_mark.line + 1}")
        seen.add(key)
    return loader.construct_mapping(node, deep=deep)


_UniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)
if _CUniqueKeyLoader is not None:
    _CUniqueKeyLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _unique_mapping)


def _parse_yaml(text: str) -> Any:
    if _CUniqueKeyLoader is not None:
        try:
            return yaml.load(text, Loader=_CUniqueKeyLoader)  # noqa: S506 - a CSafeLoader subclass
        except yaml.YAMLError:
            pass  # a scalar libyaml refuses: the pure-Python loader decides, as it always did
    return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass


@cache
def load_prompt(name: str) -> dict[str, Any]:
    """``crm_insights/prompts/<name>.yaml`` as a dict (cached; the files ship with the package)."""
    try:
        text = resources.files("crm_insights.prompts").joinpath(f"{name}.yaml").read_text(encoding="utf-8")
    except FileNotFoundError as exc:
        raise ConfigError(f"prompt file {name}.yaml is missing from crm_insights/prompts") from exc
    data = _parse_yaml(text)
    if not isinstance(data, dict):
        raise ConfigError(f"prompt file {name}.yaml must hold a mapping")
    return data


def _finite(value: Any) -> float | None:
    if value is None or isinstance(value, bool):
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def fmt_num(value: Any) -> str:
    f = _finite(value)
    if f is None:
        return "—"
    return f"{f:,.0f}" if float(f).is_integer() else f"{f:,.2f}"


def fmt_money(value: Any) -> str:
    f = _finite(value)
    return "—" if f is None else f"{f:,.2f}"


def fmt_pct(value: Any) -> str:
    """A fraction (0.123) as a percentage with one decimal (12.3%)."""
    f = _finite(value)
    return "—" if f is None else f"{f * 100:.1f}%"


def fmt_dec(value: Any) -> str:
    """Up to two decimals, trailing zeros dropped (3.50 -> 3.5)."""
    f = _finite(value)
    if f is None:
        return "—" if value is None else str(value)
    text = f"{f:,.2f}".rstrip("0").rstrip(".")
    return text or "0"


def fmt_day(value: Any) -> str:
    """An ISO date or datetime as YYYY-MM-DD."""
    if value is None:
        return "—"
    return str(value)[:10]


def fmt_label(value: Any, language: str = "en") -> str:
    return _LABELS.get(language, _LABELS["en"]).get(str(value), str(value))


def fmt_feature(entry: Any, language: str = "en") -> str:
    """A feature's label in ``language`` from an entry with label_zh/label_en (or its raw name)."""
    if isinstance(entry, dict):
        label = entry.get(f"label_{language}")
        if label:
            return str(label)
        name = entry.get("feature")
    else:
        name = entry
    try:
        from crm_insights.analytics.features import FEATURE_LABELS

        return FEATURE_LABELS[str(name)][language]
    except (ImportError, KeyError):
        return str(name)


# How a measure's value reads (metric_query's catalogue keys): shares as percentages with two decimals (a share
# of 3.17% shown as 3.2% is 1% off), money with two decimals, counts whole, the rest up to two decimals.
_SHARE_MEASURES = (
    "repeat_rate",
    "one_time_share",
    "positive_share",
    "neutral_share",
    "negative_share",
    "revenue_share",
)
_MONEY_MEASURES = (
    "revenue",
    "revenue_new",
    "revenue_returning",
    "aov",
    "revenue_per_unit",
    "revenue_per_buyer",
    "expected_revenue",
    "clv",
)
_COUNT_MEASURES = (
    "orders", "units", "buyers", "new_customers", "returning_customers", "inactive_customers", "feedback_count",
)  # fmt: skip


def measure_kind(measure: Any) -> str:
    name = str(measure)
    if name in _SHARE_MEASURES or name.endswith(("_share", "_rate", "retention")):
        return "share"
    if name in _MONEY_MEASURES or name.startswith("revenue") or name.endswith(("_revenue", "clv")):
        return "money"
    if name in _COUNT_MEASURES:
        return "count"
    return "number"


def fmt_pct2(value: Any) -> str:
    """A fraction (0.12345) as a percentage with two decimals (12.35%)."""
    f = _finite(value)
    return "—" if f is None else f"{f * 100:.2f}%"


def fmt_measure(value: Any, measure: Any) -> str:
    """``value`` as the measure ``measure`` reads (see measure_kind)."""
    kind = measure_kind(measure)
    if kind == "share":
        return fmt_pct2(value)
    if kind == "money":
        return fmt_money(value)
    if kind == "count":
        return fmt_num(value)
    return fmt_dec(value)


def fmt_change(value: Any, measure: Any) -> str:
    """An absolute change with its sign (+1,234.50; a share's in percentage points and basis points: -3.20 pp
    (-320 bps))."""
    f = _finite(value)
    if f is None:
        return "—"
    sign = "+" if f > 0 else ("-" if f < 0 else "±")
    if measure_kind(measure) == "share":
        return f"{sign}{abs(f) * 100:.2f} pp ({sign}{abs(f) * 10000:,.0f} bps)"
    return sign + fmt_measure(abs(f), measure)


def fmt_change_pct(value: Any) -> str:
    f = _finite(value)
    if f is None:
        return "—"
    return f"{'+' if f > 0 else ''}{f * 100:.2f}%"


# Markdown's inline syntax characters: customer-written text (a feedback quote, a name) passed through md_escape
# reads as the characters written, never as a link, an image, emphasis, HTML or a table cell border.
_MD_SPECIAL = re.compile(r"([\\`*_\[\]()#|~!<>])")
_NEWLINES = re.compile(r"\s*[\r\n]+\s*")


def md_escape(value: Any) -> str:
    """``value`` as literal Markdown text: syntax characters backslash-escaped, line breaks folded to one space
    (a quote stays inside its list item or table cell)."""
    if value is None:
        return "—"
    return _MD_SPECIAL.sub(r"\\\1", _NEWLINES.sub(" ", str(value)))


_WEEKDAYS = {
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
}
_CUSTOMER_TYPES = {"zh": {"new": "新客户", "returning": "老客户"}, "en": {"new": "new", "returning": "returning"}}


def key_label(value: Any, key: Any, language: str = "en") -> str:
    """A breakdown row's key as the user reads it: ISO weekday 1..7 -> 周一..周日 / Mon..Sun, sentiment and customer
    type labels in ``language``; anything else as it is."""
    lang = language if language in _WEEKDAYS else "en"
    if key == "weekday":
        try:
            day = int(value)
        except (TypeError, ValueError):
            return str(value)
        return f"{_WEEKDAYS[lang][day - 1]}" if 1 <= day <= 7 else str(value)
    if key == "sentiment":
        return fmt_label(value, lang)
    if key == "customer_type":
        return _CUSTOMER_TYPES[lang].get(str(value), str(value))
    if key == "purchase_count" and value is not None:
        n = str(value).rstrip("+")
        more = str(value).endswith("+")
        if lang == "zh":
            return f"{n}次及以上" if more else f"{n}次"
        return f"{n} or more" if more else n
    if key in ("spend_band", "amount_band") and value is not None:
        band = str(value)  # "<100", "100-500", "500+" (the tool's labels)
        if band.endswith("+"):
            return f"{band[:-1]} 及以上" if lang == "zh" else f"{band[:-1]} or more"
        if band.startswith("<"):
            return f"低于 {band[1:]}" if lang == "zh" else f"under {band[1:]}"
        return band.replace("-", " 至 不足 ") if lang == "zh" else band.replace("-", " to under ")
    return "—" if value is None else str(value)


def measure_label(measure: Any, language: str = "en", names: Any = None) -> str:
    """A measure's display name from answers.yaml ``measure_labels``, else from ``names`` (a metric result's
    ``names``: {measure: {"zh", "en"}}), else its key."""
    labels = load_prompt("answers").get("measure_labels") or {}
    entry = labels.get(str(measure)) or (names or {}).get(str(measure)) or {}
    return str(entry.get(language) or str(measure).replace("_", " "))


@lru_cache(maxsize=1)
def environment() -> Environment:
    """Jinja with StrictUndefined (a template naming a missing field fails loudly) and the answer filters."""
    env = Environment(undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True, autoescape=False)
    env.filters.update(
        num=fmt_num, money=fmt_money, pct=fmt_pct, dec=fmt_dec, day=fmt_day, label=fmt_label, feat=fmt_feature
    )
    env.filters.update(
        pct2=fmt_pct2, mval=fmt_measure, mchange=fmt_change, mchange_pct=fmt_change_pct, mlabel=measure_label
    )
    env.filters.update(md=md_escape, keylabel=key_label)
    return env


@lru_cache(maxsize=1024)
def _compiled(template: str) -> Template:
    # Compiling a template costs ~15 ms (measured on the answer templates); the set of templates is fixed
    # (prompts/*.yaml), so each is compiled once per process.
    return environment().from_string(template)


def render(template: str, **context: Any) -> str:
    """Render a Jinja template string (compiled once and cached) with the answer filters."""
    return _compiled(template).render(**context).strip()
