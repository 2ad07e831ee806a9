"""Charts for tool results: matplotlib PNGs where people would rather look than read.

:func:`chart_for` maps a tool's result (``{"data": ..., "evidence": ...}``) to a PNG in ``out_dir``
and returns its path, or None when a picture would add nothing (a single customer's profile, a
search hit list). The agent calls :func:`chart_later` after each tool result and lists the paths in
``Answer.charts``: it lays the chart out at once (so it knows whether there is one) and leaves the
drawing and PNG encoding (~80% of a chart's time) to one background thread, so the answer's text does not
wait for its picture. :func:`wait_for_chart` waits for such a file (the server's ``/charts/{name}``, the
Slack upload and the CLI call it; it also sees another process's drawing through a ``.drawing`` marker).

Labels are Chinese where the data is: :func:`cjk_font` finds a CJK-capable font (Debian's
fonts-noto-cjk or fonts-wqy-microhei) through matplotlib's font manager, registering the file
explicitly when the cache predates the install. Without one, charts fall back to English labels
rather than draw empty boxes.

Figures are built with the object API (``Figure`` + Agg canvas), never pyplot, because pyplot's
global state is not thread-safe and the server renders from worker threads.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shutil
import threading
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from functools import lru_cache
from pathlib import Path
from typing import Any

from crm_insights.labels import SENTIMENT_CLASSES, SENTIMENT_LABELS, SENTIMENT_ZH

logger = logging.getLogger(__name__)

# Families known to cover CJK Unified Ideographs, in order of preference.
CJK_FAMILIES = (
    "Noto Sans CJK SC",
    "Noto Sans CJK JP",
    "Noto Sans CJK TC",
    "Noto Sans CJK KR",
    "Noto Sans SC",
    "Source Han Sans SC",
    "Source Han Sans CN",
    "WenQuanYi Micro Hei",
    "WenQuanYi Zen Hei",
    "Microsoft YaHei",
    "PingFang SC",
    "SimHei",
    "AR PL UMing CN",
)
# Where Debian (and most Linux distributions) put them, for a font cache built before the install.
CJK_FONT_GLOBS = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK*.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/**/*CJK*.tt[cf]",
    "/usr/share/fonts/**/*CJK*.otf",
)

COLORS = {"positive": "#2e7d32", "neutral": "#9e9e9e", "negative": "#c62828"}
PALETTE = ["#1565c0", "#ef6c00", "#2e7d32", "#6a1b9a", "#c62828", "#00838f", "#5d4037", "#ad1457"]

_render_lock = threading.Lock()  # FreeType font objects and rcParams are shared between figures
_rendered: dict[str, Path] = {}  # chart name (a hash of its data) -> a file already holding it
_drawing: dict[Path, Future[Path | None]] = {}  # a path chart_later promised -> its drawing in the background
_drawing_lock = threading.Lock()
_drawer: ThreadPoolExecutor | None = None
DRAWING_SUFFIX = ".drawing"  # marker beside a promised PNG while a process draws it


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


@lru_cache(maxsize=1)
def cjk_font() -> tuple[str, Path] | None:
    """(family, file) of the first CJK-capable font matplotlib can use, or None when none is installed."""
    from matplotlib import font_manager

    def find() -> tuple[str, Path] | None:
        families = {entry.name for entry in font_manager.fontManager.ttflist}
        for family in CJK_FAMILIES:
            if family in families:
                # The file matplotlib will actually render with (regular weight), not just any face.
                path = font_manager.findfont(font_manager.FontProperties(family=family), fallback_to_default=False)
                return family, Path(path)
        return None

    found = find()
    if found:
        return found
    # The font cache may predate `apt-get install fonts-noto-cjk`: register the files directly.
    root = Path("/")
    for pattern in CJK_FONT_GLOBS:
        for path in sorted(root.glob(pattern.lstrip("/"))):
            try:
                font_manager.fontManager.addfont(str(path))
            except (OSError, RuntimeError, ValueError) as exc:  # unreadable font file: try the next
                logger.debug("cannot register font %s: %s", path, exc)
    found = find()
    if not found:
        logger.warning("no CJK font found; charts use English labels. Install one: apt-get install fonts-noto-cjk")
    return found


def font_covers(path: Path, text: str, family: str | None = None) -> bool:
    """True when the font at ``path`` has a glyph for every non-space character of ``text``.

    For a collection (.ttc) the face named ``family`` is checked (else the first face).
    """
    from fontTools.ttLib import TTCollection, TTFont

    if path.suffix.lower() == ".ttc":
        faces = TTCollection(str(path), lazy=True).fonts
        face = next((f for f in faces if family and f["name"].getDebugName(1) == family), faces[0])
    else:
        face = TTFont(str(path), lazy=True)
    cmap = face.getBestCmap() or {}
    return all(ord(ch) in cmap for ch in text if not ch.isspace())


class _Labels:
    """Chooses Chinese or English labels depending on whether a CJK font exists."""

    def __init__(self) -> None:
        self.font = cjk_font()
        self.zh = self.font is not None

    def pick(self, zh: str, en: str) -> str:
        return zh if self.zh else en

    def name(self, row: Mapping[str, Any], zh_key: str = "name_zh", en_key: str = "name_en") -> str:
        zh, en = row.get(zh_key), row.get(en_key)
        if self.zh and zh:
            return str(zh)
        if en:
            return str(en)
        text = str(zh or row.get("name") or row.get("segment", "?"))
        return text if self.zh or not _has_cjk(text) else f"#{row.get('segment', '?')}"

    def safe(self, text: str) -> str:
        """Strip CJK from free text when no CJK font can draw it."""
        if self.zh or not _has_cjk(text):
            return text
        cleaned = re.sub(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff00-\uffef]+", " ", text).strip()
        return cleaned or "?"


def _new_figure(width: float = 7.0, height: float = 4.2) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(width, height), dpi=110, layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _rc(labels: _Labels) -> dict[str, Any]:
    rc: dict[str, Any] = {"axes.unicode_minus": False, "axes.spines.top": False, "axes.spines.right": False}
    if labels.font:
        rc["font.family"] = [labels.font[0], "DejaVu Sans"]
    return rc


def _records(data: Any, *keys: str) -> list[dict[str, Any]]:
    """The list of dict rows in a tool's ``data``: the data itself, or the first list under ``keys``."""
    if isinstance(data, list):
        return [r for r in data if isinstance(r, dict)]
    if isinstance(data, dict):
        for key in keys:
            value = data.get(key)
            if isinstance(value, list):
                return [r for r in value if isinstance(r, dict)]
    return []


def _num(row: Mapping[str, Any], *keys: str) -> float | None:
    for key in keys:
        value = row.get(key)
        if isinstance(value, int | float) and not isinstance(value, bool):
            return float(value)
    return None


# -- one renderer per tool --------------------------------------------------------------------------


def _segments(result: Mapping[str, Any], fig: Any, labels: _Labels) -> bool:
    rows = _records(result.get("data"), "segments")
    rows = [r for r in rows if _num(r, "size", "customers") is not None]
    if not rows:
        return False
    names = [labels.name(r) for r in rows]
    sizes = [_num(r, "size", "customers") or 0.0 for r in rows]
    cust_share = [_num(r, "share_customers") for r in rows]
    rev_share = [_num(r, "revenue_share") for r in rows]
    ax1, ax2 = fig.subplots(1, 2)
    ax1.barh(names, sizes, color=PALETTE[: len(rows)] * (len(rows) // len(PALETTE) + 1))
    ax1.invert_yaxis()
    ax1.set_title(labels.pick("各分群客户数", "Customers per segment"))
    ax1.set_xlabel(labels.pick("客户数", "customers"))
    for i, v in enumerate(sizes):
        ax1.text(v, i, f" {int(v):,}", va="center", fontsize=8)
    if all(v is not None for v in cust_share + rev_share):
        import numpy as np

        y = np.arange(len(rows))
        ax2.barh(
            y - 0.2, [100 * (v or 0) for v in cust_share], 0.4, label=labels.pick("客户占比", "share of customers")
        )
        ax2.barh(y + 0.2, [100 * (v or 0) for v in rev_share], 0.4, label=labels.pick("收入占比", "share of revenue"))
        ax2.set_yticks(y, names)
        ax2.invert_yaxis()
        ax2.set_xlabel("%")
        ax2.set_title(labels.pick("客户占比与收入占比", "Customers vs revenue share"))
        ax2.legend(fontsize=8, loc="lower right")
    else:
        fig.delaxes(ax2)
    return True


def _describe_segment(result: Mapping[str, Any], fig: Any, labels: _Labels) -> bool:
    data = result.get("data")
    rows = _records(data, "distinguishing")
    rows = [r for r in rows if _num(r, "value") is not None and _num(r, "overall")]
    if not rows:
        return False
    feats = [labels.safe(str(r.get("feature", "?"))) for r in rows]
    ratios = [(_num(r, "value") or 0.0) / (_num(r, "overall") or 1.0) for r in rows]
    ax = fig.subplots()
    colors = [PALETTE[0] if v >= 1 else PALETTE[1] for v in ratios]
    ax.barh(feats, ratios, color=colors)
    ax.axvline(1.0, color="#424242", lw=1, ls="--")
    ax.invert_yaxis()
    title = labels.name(data) if isinstance(data, dict) else ""
    ax.set_title(labels.pick(f"{title}：特征相对全体均值的倍数", f"{title}: feature / overall average"))
    ax.set_xlabel(labels.pick("倍数（1 = 与全体相同）", "ratio (1 = same as everyone)"))
    return True


def _at_risk(result: Mapping[str, Any], fig: Any, labels: _Labels) -> bool:
    rows = _records(result.get("data"), "customers", "at_risk", "items")
    rows = [r for r in rows if r.get("customer_id") is not None]
    risks = []
    for r in rows:
        risk = _num(r, "churn_risk", "risk")
        if risk is None and _num(r, "p_active") is not None:
            risk = 1.0 - (_num(r, "p_active") or 0.0)
        risks.append(risk)
    if not rows or any(v is None for v in risks):
        return False
    values = [_num(r, "value_at_risk", "expected_value_lost", "monetary", "spend") for r in rows]
    ids = [str(r["customer_id"]) for r in rows]
    if all(v is not None for v in values):
        ax1, ax2 = fig.subplots(1, 2, width_ratios=[3, 2])
        ax1.barh(ids, [v or 0.0 for v in values], color=[_risk_color(v or 0.0) for v in risks])
        ax1.invert_yaxis()
        ax1.set_title(labels.pick("风险价值最高的客户", "Customers with most value at risk"))
        ax1.set_xlabel(labels.pick("风险价值", "value at risk"))
        ax = ax2
    else:
        ax = fig.subplots()
    ax.hist([100 * (v or 0.0) for v in risks], bins=min(10, max(3, len(rows))), range=(0, 100), color=PALETTE[4])
    ax.set_title(labels.pick("流失风险分布", "Churn risk distribution"))
    ax.set_xlabel(labels.pick("流失风险 %", "churn risk %"))
    ax.set_ylabel(labels.pick("客户数", "customers"))
    from matplotlib.ticker import MaxNLocator

    ax.yaxis.set_major_locator(MaxNLocator(integer=True))  # counts of customers: no 1.25
    return True


def _risk_color(risk: float) -> str:
    return "#c62828" if risk >= 0.7 else "#ef6c00" if risk >= 0.4 else "#f9a825"


def _sentiment(result: Mapping[str, Any], fig: Any, labels: _Labels) -> bool:
    data = result.get("data")
    trend = _records(data, "trend", "by_period", "series")
    names: dict[str, str] = {label: labels.pick(SENTIMENT_ZH[label], label) for label in SENTIMENT_LABELS}
    periods = [str(r.get("period") or r.get("date") or r.get("month") or "") for r in trend]
    if len(trend) >= 2 and all(periods):
        import numpy as np

        ax = fig.subplots()
        bottom = np.zeros(len(trend))
        for label in SENTIMENT_CLASSES:
            counts = np.array([_num(r, label) or 0.0 for r in trend])
            if not counts.any():
                continue
            ax.bar(periods, counts, bottom=bottom, color=COLORS[label], label=names[label])
            bottom += counts
        ax.set_title(labels.pick("反馈情感趋势", "Feedback sentiment over time"))
        ax.set_ylabel(labels.pick("条数", "feedback count"))
        ax.legend(fontsize=8)
        step = max(1, len(periods) // 12)
        ax.set_xticks(range(0, len(periods), step), periods[::step], rotation=45, ha="right", fontsize=8)
        return True
    dist = (data.get("counts") or data.get("distribution")) if isinstance(data, dict) else None
    if isinstance(dist, dict):
        items = [(k, _num(dist, k)) for k in SENTIMENT_LABELS]
        items = [(k, v) for k, v in items if v]
        if items:
            ax = fig.subplots()
            ax.pie(
                [v for _, v in items],
                labels=[names[k] for k, _ in items],
                colors=[COLORS[k] for k, _ in items],
                autopct="%1.0f%%",
            )
            ax.set_title(labels.pick("反馈情感分布", "Feedback sentiment"))
            return True
    return False


def _themes(result: Mapping[str, Any], fig: Any, labels: _Labels) -> bool:
    rows = _records(result.get("data"), "themes")
    rows = [r for r in rows if _num(r, "size") is not None]
    if not rows:
        return False
    names = []
    for r in rows:
        name = str(r.get("theme") or r.get("label") or "")
        if not name or name.isdigit():
            name = " / ".join(str(k) for k in (r.get("keywords") or [])[:3])
        names.append(labels.safe(name) or "?")
    ax = fig.subplots()
    ax.barh(names, [_num(r, "size") or 0.0 for r in rows], color=PALETTE[3])
    ax.invert_yaxis()
    ax.set_title(labels.pick("反馈主题规模", "Feedback themes by size"))
    ax.set_xlabel(labels.pick("反馈条数", "feedback count"))
    return True


def _overview(result: Mapping[str, Any], fig: Any, labels: _Labels) -> bool:
    rows = _records(result.get("data"), "top_customers")
    rows = [r for r in rows if r.get("customer_id") is not None and _num(r, "spend", "revenue", "monetary")]
    if len(rows) < 2:
        return False
    ax = fig.subplots()
    ax.barh(
        [str(r["customer_id"]) for r in rows],
        [_num(r, "spend", "revenue", "monetary") or 0.0 for r in rows],
        color=PALETTE[0],
    )
    ax.invert_yaxis()
    ax.set_title(labels.pick("消费最高的客户", "Top customers by spend"))
    ax.set_xlabel(labels.pick("消费金额", "spend"))
    return True


Renderer = Callable[[Mapping[str, Any], Any, _Labels], bool]
RENDERERS: dict[str, Renderer] = {
    "list_segments": _segments,
    "describe_segment": _describe_segment,
    "at_risk_customers": _at_risk,
    "sentiment_summary": _sentiment,
    "feedback_themes": _themes,
    "crm_overview": _overview,
}


def _chart_name(tool_name: str, result: Mapping[str, Any], labels: _Labels) -> str:
    payload = json.dumps({"tool": tool_name, "data": result.get("data"), "zh": labels.zh}, sort_keys=True, default=str)
    return f"{tool_name}-{hashlib.sha256(payload.encode()).hexdigest()[:16]}.png"


def _target(
    tool_name: str, result: Mapping[str, Any] | Any, out_dir: Path
) -> tuple[Renderer, _Labels, str, Path] | None:
    """(renderer, labels, file name, path) of a tool result's chart; None when the tool has no chart."""
    renderer = RENDERERS.get(tool_name)
    if renderer is None or not isinstance(result, Mapping):
        return None
    labels = _Labels()
    name = _chart_name(tool_name, result, labels)
    return renderer, labels, name, Path(out_dir) / name


def _laid_out(renderer: Renderer, result: Mapping[str, Any], labels: _Labels) -> Any | None:
    """A figure with the chart's artists (call under ``_render_lock``); None when the data has no chart."""
    import matplotlib

    with matplotlib.rc_context(_rc(labels)):  # type: ignore[arg-type]
        fig = _new_figure()
        return fig if renderer(result, fig, labels) else None


def _save(fig: Any, labels: _Labels, name: str, path: Path) -> Path:
    """Draw ``fig`` and write it to ``path`` atomically (call under ``_render_lock``)."""
    import matplotlib

    # Tick labels are made at drawing time from rcParams: the same rc as the layout.
    with matplotlib.rc_context(_rc(labels)):  # type: ignore[arg-type]
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        fig.savefig(tmp, format="png")
        tmp.replace(path)  # atomic: a concurrent reader never sees half a PNG
    _rendered[name] = path
    while len(_rendered) > 2048:
        _rendered.pop(next(iter(_rendered)))
    return path


def chart_for(tool_name: str, result: Mapping[str, Any] | Any, out_dir: Path) -> Path | None:
    """Render the chart for one tool result into ``out_dir``; None when the tool has no chart.

    Names are a hash of the tool and its result, so the same answer reuses the same file.
    Never raises on an unexpected result shape (a chart is a bonus, not the answer): it logs and
    returns None.
    """
    target = _target(tool_name, result, out_dir)
    if target is None:
        return None
    renderer, labels, name, path = target
    if path.exists() or _reuse(name, path):
        return path
    try:
        with _render_lock:
            # Concurrent answers with the same chart all miss the cache and queue here: the first draws it
            # (~0.5 s a chart on a small CPU), the others link its file instead of drawing it again each.
            if _reuse(name, path):
                return path
            fig = _laid_out(renderer, result, labels)
            return None if fig is None else _save(fig, labels, name, path)
    except (TypeError, ValueError, KeyError, IndexError) as exc:
        logger.warning("no chart for %s: unexpected result shape (%s)", tool_name, exc)
        return None


def chart_later(tool_name: str, result: Mapping[str, Any] | Any, out_dir: Path) -> Path | None:
    """:func:`chart_for` with the drawing left to a background thread: the PNG's path, or None (no chart).

    The chart is laid out here (the renderer decides whether the data has one, and a bad result shape
    is caught here too); drawing and encoding run on one background thread in order. Until the file
    exists a ``<name>.png.drawing`` marker lies beside it; :func:`wait_for_chart` waits for it.
    """
    target = _target(tool_name, result, out_dir)
    if target is None:
        return None
    renderer, labels, name, path = target
    with _drawing_lock:
        if path in _drawing or path.exists() or _reuse(name, path):
            return path
    try:
        with _render_lock:
            fig = _laid_out(renderer, result, labels)
    except (TypeError, ValueError, KeyError, IndexError) as exc:
        logger.warning("no chart for %s: unexpected result shape (%s)", tool_name, exc)
        return None
    if fig is None:
        return None
    marker = path.with_name(path.name + DRAWING_SUFFIX)
    path.parent.mkdir(parents=True, exist_ok=True)
    marker.touch()

    def draw() -> Path | None:
        try:
            with _render_lock:
                # The same chart drawn meanwhile (another thread's folder): link its file instead.
                return path if _reuse(name, path) else _save(fig, labels, name, path)
        except Exception as exc:  # a chart is a bonus: log, never raise into the drawing thread
            logger.warning("chart %s not drawn: %s", name, exc)
            return None
        finally:
            marker.unlink(missing_ok=True)
            with _drawing_lock:
                _drawing.pop(path, None)

    global _drawer
    with _drawing_lock:
        if _drawer is None:
            _drawer = ThreadPoolExecutor(max_workers=1, thread_name_prefix="charts")
        _drawing[path] = _drawer.submit(draw)
    return path


def wait_for_chart(path: str | Path, timeout: float = 30.0) -> bool:
    """Wait until a chart :func:`chart_later` promised is written; True when the file exists.

    A drawing in this process is waited on directly; one in another process (a second server worker)
    through its ``.drawing`` marker, polled until it goes or ``timeout`` seconds pass.
    """
    import time

    path = Path(path)
    with _drawing_lock:
        job = _drawing.get(path)
    if job is not None:
        try:
            job.result(timeout=timeout)
        except TimeoutError:
            return path.is_file()
    marker = path.with_name(path.name + DRAWING_SUFFIX)
    deadline = time.monotonic() + timeout
    while not path.is_file() and marker.exists() and time.monotonic() < deadline:
        time.sleep(0.02)
    return path.is_file()


def drawing_done(timeout: float = 60.0) -> None:
    """Wait for every chart this process is drawing (tests, benchmarks, a CLI about to exit)."""
    with _drawing_lock:
        jobs = list(_drawing.values())
    for job in jobs:
        try:
            job.result(timeout=timeout)
        except TimeoutError:
            logger.warning("a chart was still drawing after %.0f s", timeout)


def _reuse(name: str, path: Path) -> bool:
    """Put the file of an earlier drawing of chart ``name`` (another thread's folder) at ``path``, if any."""
    prior = _rendered.get(name)
    if prior is None or not prior.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        os.link(prior, tmp)  # same bytes, no copy; charts are never rewritten in place
    except OSError:  # another filesystem, or links not allowed
        shutil.copyfile(prior, tmp)
    tmp.replace(path)
    return True


def warm_up() -> None:
    """Import matplotlib's Agg canvas and find the CJK font now (a server's start-up), not in the first answers.

    Done lazily, the first answers of a process pay about a second for it, all at once under load.
    """
    _new_figure()
    cjk_font()


def charts_for(results: Iterable[tuple[str, Mapping[str, Any]]], out_dir: Path) -> list[Path]:
    """Charts for several (tool_name, result) pairs, skipping those without one."""
    paths = []
    for name, result in results:
        path = chart_for(name, result, out_dir)
        if path is not None and path not in paths:
            paths.append(path)
    return paths
