"""Charts: one PNG per chartable tool result, Chinese labels drawn with a real CJK font (no empty boxes)."""

from __future__ import annotations

import os
import warnings
from pathlib import Path
from typing import Any

import pytest

from crm_insights import charts
from crm_insights.charts import chart_for, cjk_font, font_covers

# Shaped like the real tools' results (crm_insights/tools/*): {"data": ..., "evidence": ...}.
SEGMENTS = [
    {"segment": 0, "name_zh": "高价值忠诚客户", "name_en": "High-value loyal", "size": 1200, "share_customers": 0.12,
     "revenue_share": 0.55},
    {"segment": 1, "name_zh": "潜力客户", "name_en": "Promising", "size": 3100, "share_customers": 0.31,
     "revenue_share": 0.27},
    {"segment": 2, "name_zh": "沉睡客户", "name_en": "Dormant", "size": 5700, "share_customers": 0.57,
     "revenue_share": 0.18},
]  # fmt: skip
RESULTS: dict[str, dict[str, Any]] = {
    "list_segments": {"data": {"segments": SEGMENTS, "customers": 10000}},
    "describe_segment": {"data": {**SEGMENTS[0], "distinguishing": [
        {"feature": "monetary", "value": 820.0, "overall": 110.0, "direction": "higher"},
        {"feature": "recency_days", "value": 20.0, "overall": 160.0, "direction": "lower"}]}},
    "at_risk_customers": {"data": {"customers": [
        {"customer_id": "00042", "churn_risk": 0.82, "value_at_risk": 1450.0, "spend": 1768.0},
        {"customer_id": "00007", "churn_risk": 0.64, "value_at_risk": 990.5, "spend": 1547.6},
        {"customer_id": "01234", "churn_risk": 0.47, "value_at_risk": 410.0, "spend": 872.3}]}},
    "sentiment_summary": {"data": {"counts": {"positive": 50, "neutral": 10, "negative": 40}, "freq": "month",
        "trend": [{"period": f"1997-{m:02d}", "n": 20, "positive": 10 + m, "neutral": 2, "negative": 8 - m // 2}
                  for m in range(1, 13)]}},
    "feedback_themes": {"data": {"themes": [
        {"theme": "物流太慢", "size": 42, "keywords": ["物流", "慢", "快递"]},
        {"theme": "质量问题", "size": 17, "keywords": ["质量", "坏了"]},
        {"theme": "", "size": 9, "keywords": ["客服", "态度"]}]}},
    "crm_overview": {"data": {"top_customers": [
        {"customer_id": "00042", "name": "张三", "spend": 1768.0}, {"customer_id": "00007", "spend": 1547.6}]}},
}  # fmt: skip
LABELS = (
    "各分群客户数客户占比与收入占比高价值忠诚客户潜力沉睡流失风险分布风险价值最高的反馈情感趋势条数"
    "正面中性负面主题规模物流太慢质量问题坏了客服态度消费金额特征相对全体均值的倍数"
)


def _require_cjk_font() -> tuple[str, Path]:
    font = cjk_font()
    if font is None:
        if os.environ.get("CI") == "true":
            pytest.fail("no CJK font: the setup path installs fonts-noto-cjk")
        pytest.skip("no CJK font installed (apt-get install fonts-noto-cjk)")
    return font


def test_a_cjk_font_covers_every_label() -> None:
    family, path = _require_cjk_font()
    assert family in charts.CJK_FAMILIES
    assert font_covers(path, LABELS, family), f"{family} ({path}) lacks glyphs for some labels"


@pytest.mark.parametrize("tool", sorted(RESULTS))
def test_chart_renders_without_missing_glyphs(tool: str, tmp_path: Path) -> None:
    _require_cjk_font()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        path = chart_for(tool, RESULTS[tool], tmp_path)
    missing = [str(w.message) for w in caught if "missing from font" in str(w.message) or "Glyph" in str(w.message)]
    assert not missing, missing
    assert path is not None and path.parent == tmp_path and path.name.startswith(tool)
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000
    # Same result -> same file, not a second render.
    mtime = path.stat().st_mtime_ns
    assert chart_for(tool, RESULTS[tool], tmp_path) == path and path.stat().st_mtime_ns == mtime
    if tool == "list_segments":
        artifacts = Path(__file__).parent / "artifacts"  # git-ignored
        artifacts.mkdir(exist_ok=True)
        (artifacts / "chart-list_segments.png").write_bytes(data)


def test_same_data_in_another_folder_is_copied_not_redrawn(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = chart_for("list_segments", RESULTS["list_segments"], tmp_path / "thread-a")
    assert first is not None
    monkeypatch.setitem(charts.RENDERERS, "list_segments", lambda *a: pytest.fail("redrawn"))
    second = chart_for("list_segments", RESULTS["list_segments"], tmp_path / "thread-b")
    assert second is not None and second.parent.name == "thread-b" and second.read_bytes() == first.read_bytes()
    assert not list(tmp_path.rglob("*.tmp"))


def test_concurrent_answers_with_the_same_chart_draw_it_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under load every answer of the first second misses the cache at once; one drawing must serve them all."""
    import threading
    from concurrent.futures import ThreadPoolExecutor

    drawn = []
    real = charts.RENDERERS["crm_overview"]
    gate = threading.Barrier(8)

    def counting(*args: Any) -> bool:
        drawn.append(1)
        return real(*args)

    monkeypatch.setitem(charts.RENDERERS, "crm_overview", counting)
    monkeypatch.setattr(charts, "_rendered", {})
    result = {"data": {**RESULTS["crm_overview"]["data"], "note": "concurrent"}}  # a chart no other test drew

    def answer(n: int) -> Path | None:
        gate.wait()  # all eight past the cache check together
        return chart_for("crm_overview", result, tmp_path / f"thread-{n}")

    with ThreadPoolExecutor(8) as pool:
        paths = list(pool.map(answer, range(8)))
    assert len(drawn) == 1
    assert all(p is not None and p.exists() for p in paths)
    assert len({p.read_bytes() for p in paths if p is not None}) == 1
    assert not list(tmp_path.rglob("*.tmp"))


def test_english_labels_when_no_cjk_font(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(charts, "cjk_font", lambda: None)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        paths = [chart_for(t, r, tmp_path) for t, r in RESULTS.items()]
    assert all(p is not None for p in paths)
    assert not [w for w in caught if "Glyph" in str(w.message)]


def test_no_chart_for_other_tools_or_odd_shapes(tmp_path: Path) -> None:
    assert chart_for("customer_profile", {"data": {"customer_id": "1"}}, tmp_path) is None
    assert chart_for("list_segments", {"data": "not a table"}, tmp_path) is None
    assert chart_for("at_risk_customers", {"data": {"customers": []}}, tmp_path) is None
    assert chart_for("sentiment_summary", {"data": {"counts": {"positive": 0}}}, tmp_path) is None
    assert chart_for("feedback_themes", "an error message", tmp_path) is None
    assert not list(tmp_path.glob("*.png"))


@pytest.mark.parametrize("tool", sorted(RESULTS))
def test_chart_drawn_later_is_the_same_picture(tool: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An answer's charts are laid out at once and drawn in the background (the same rc: CJK tick labels)."""
    monkeypatch.setattr(charts, "_rendered", {})
    now = chart_for(tool, RESULTS[tool], tmp_path / "now")
    monkeypatch.setattr(charts, "_rendered", {})  # no file to link: the background thread draws it
    later = charts.chart_later(tool, RESULTS[tool], tmp_path / "later")
    assert now is not None and later is not None and later.name == now.name
    assert charts.wait_for_chart(later)
    assert later.read_bytes() == now.read_bytes()
    assert not list(tmp_path.rglob("*.tmp")) and not list(tmp_path.rglob("*" + charts.DRAWING_SUFFIX))


def test_no_chart_later_when_the_data_has_none(tmp_path: Path) -> None:
    # The layout runs before the answer returns, so a chart that would be empty is never promised.
    assert charts.chart_later("at_risk_customers", {"data": {"customers": []}}, tmp_path) is None
    assert charts.chart_later("list_segments", {"data": "not a table"}, tmp_path) is None
    assert charts.chart_later("customer_profile", {"data": {"customer_id": "1"}}, tmp_path) is None
    charts.drawing_done()
    assert not list(tmp_path.iterdir())


def test_the_answer_does_not_wait_for_the_drawing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import threading

    release = threading.Event()
    real_save = charts._save

    def slow_save(*args: Any) -> Path:
        assert release.wait(10), "the test never released the drawing"
        return real_save(*args)

    monkeypatch.setattr(charts, "_save", slow_save)
    monkeypatch.setattr(charts, "_rendered", {})
    result = {"data": {**RESULTS["crm_overview"]["data"], "note": "later"}}
    path = charts.chart_later("crm_overview", result, tmp_path)
    assert path is not None and not path.exists()  # returned while the drawing is held
    marker = path.with_name(path.name + charts.DRAWING_SUFFIX)
    assert marker.exists()
    assert charts.chart_later("crm_overview", result, tmp_path) == path  # the same promise, not a second drawing
    assert not charts.wait_for_chart(path, timeout=0.05)  # still drawing: not there yet
    release.set()
    assert charts.wait_for_chart(path) and path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert not marker.exists()


def test_wait_sees_another_process_drawing_through_its_marker(tmp_path: Path) -> None:
    """A second server worker serves /charts/...: it waits on the marker the drawing process left."""
    import threading

    path = tmp_path / "crm_overview-0123456789abcdef.png"
    marker = path.with_name(path.name + charts.DRAWING_SUFFIX)
    marker.touch()

    def other_process() -> None:
        path.write_bytes(b"\x89PNG\r\n\x1a\n")
        marker.unlink()

    timer = threading.Timer(0.2, other_process)
    timer.start()
    try:
        assert charts.wait_for_chart(path, timeout=10)
    finally:
        timer.join()
    assert not charts.wait_for_chart(tmp_path / "never-promised.png", timeout=0.05)  # no marker: no wait
