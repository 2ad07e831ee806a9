"""Every figure in a final answer must come from a tool result: extract, compare, report.

The check is lenient about formatting (thousands separators, percentages of fractions, rounding to the
shown precision, 万/亿/k/M multipliers) and strict about values: a number that no tool returned, and
that the user did not write, is reported. Dates are compared as dates (``1997-03-01``, ``1997年3月1日``).
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

_DATE = re.compile(r"(?<!\d)(?P<y>(?:19|20)\d{2})(?:[-/.年](?P<m>\d{1,2})(?:[-/.月](?P<d>\d{1,2})日?)?月?)")
_PERIOD_LABEL = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*-?\s*[HhQq][1-4](?![0-9])")
_NUMBER = re.compile(
    r"(?<![0-9A-Za-z_])(?<!\d\.)(?P<sign>[-+−])?(?P<num>\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
    r"\s?(?P<suffix>%|％|个百分点|万|亿|[kK](?![a-zA-Z])|M(?![a-zA-Z]))?"
)
# "1. ", "2) " at the start of a line are list markers, not figures.
_LIST_MARKER = re.compile(r"(?m)^\s*(?:\d+[.)、]|#+)\s")
_MULTIPLIER = {"万": 1e4, "亿": 1e8, "k": 1e3, "K": 1e3, "M": 1e6}


@dataclass(frozen=True)
class Figure:
    text: str
    value: float
    decimals: int
    percent: bool
    multiplier: float = 1.0


@dataclass
class CheckResult:
    """``ok`` when every figure in the answer is supported; ``unsupported`` lists the ones that are not."""

    ok: bool
    checked: int
    unsupported: list[str] = field(default_factory=list)

    def findings(self, language: str = "en") -> str:
        figures = ", ".join(self.unsupported)
        if language == "zh":
            return f"以下数字在工具结果中找不到：{figures}。请只使用工具结果中出现的数字。"
        return f"These figures are not in any tool result: {figures}. Use only figures that appear in the tool results."


def _dates(text: str) -> list[tuple[str, str]]:
    """(matched text, normalised YYYY-MM[-DD]) for each date in ``text``."""
    out = []
    for m in _DATE.finditer(text):
        month = int(m.group("m"))
        if not 1 <= month <= 12:
            continue
        norm = f"{m.group('y')}-{month:02d}"
        if m.group("d"):
            day = int(m.group("d"))
            if not 1 <= day <= 31:
                continue
            norm += f"-{day:02d}"
        out.append((m.group(0), norm))
    return out


def extract_figures(text: str, skip_list_markers: bool = True) -> list[Figure]:
    """Numbers written in ``text`` (dates, list markers and HTML character references excluded)."""
    text = html.unescape(text)  # "&#34;" is a quote, not the figure 34
    if skip_list_markers:
        text = _LIST_MARKER.sub(" ", text)
    text = _DATE.sub(" ", text)
    text = _PERIOD_LABEL.sub(" ", text)  # "1997-H1", "1998-Q2": a period's name, not the figure 1997
    figures = []
    for m in _NUMBER.finditer(text):
        raw = m.group("num")
        value = float(raw.replace(",", ""))
        decimals = len(raw.split(".", 1)[1]) if "." in raw else 0
        suffix = m.group("suffix") or ""
        percent = suffix in ("%", "％", "个百分点")
        figures.append(Figure(m.group(0).strip(), value, decimals, percent, _MULTIPLIER.get(suffix, 1.0)))
    return figures


def _numbers_in(obj: Any, out: set[float], texts: list[str]) -> None:
    if isinstance(obj, bool) or obj is None:
        return
    if isinstance(obj, int | float):
        if math.isfinite(obj):
            out.add(float(obj))
        return
    if isinstance(obj, str):
        texts.append(obj)
        # A result's own "3、…" is text an answer may quote: every number in it counts as a source.
        for fig in extract_figures(obj, skip_list_markers=False):
            out.add(fig.value * fig.multiplier)
        for _, norm in _dates(obj):
            texts.append(norm)
        return
    if isinstance(obj, dict):
        for key, value in obj.items():
            _numbers_in(key, out, texts)
            _numbers_in(value, out, texts)
        return
    if isinstance(obj, list | tuple):
        out.add(float(len(obj)))  # "5 customers" may count a list the tool returned
        for item in obj:
            _numbers_in(item, out, texts)


def _supported(fig: Figure, allowed: Iterable[float]) -> bool:
    tol = 0.5 * 10 ** (-fig.decimals) * fig.multiplier + 1e-9
    shown = fig.value * fig.multiplier
    for r in allowed:
        candidates = [abs(r)]
        if fig.percent:
            candidates.append(abs(r) * 100)  # 0.123 shown as 12.3%
        for c in candidates:
            if abs(c - shown) <= tol:
                return True
    return False


def check_figures(answer: str, sources: Iterable[Any]) -> CheckResult:
    """Check that each figure and date in ``answer`` appears in ``sources`` (tool results, args, the question)."""
    allowed: set[float] = set()
    texts: list[str] = []
    for src in sources:
        _numbers_in(src, allowed, texts)
    haystack = "\n".join(texts)
    unsupported: list[str] = []
    checked = 0
    for raw, norm in _dates(answer):
        checked += 1
        if norm not in haystack:
            unsupported.append(raw)
    for fig in extract_figures(answer):
        checked += 1
        if not _supported(fig, allowed):
            unsupported.append(fig.text)
    return CheckResult(ok=not unsupported, checked=checked, unsupported=unsupported)
