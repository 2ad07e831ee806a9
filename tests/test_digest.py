"""The weekly digest: real segment models (two versions, trained here on a tiny store), fake risk/theme tools."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from langchain_core.tools import tool
from typer.testing import CliRunner

from crm_insights.config import get_settings
from crm_insights.digest import build_digest, save_state, to_slack_mrkdwn

AS_OF = datetime(2024, 1, 1)

RISK = {
    "customers": [
        {"customer_id": "00001", "churn_risk": 0.81, "value_at_risk": 1200.0, "spend": 1481.5},
        {"customer_id": "00002", "churn_risk": 0.66, "value_at_risk": 800.25, "spend": 1212.5},
    ]
}
THEMES = {
    "themes": [
        {"theme": "物流太慢", "size": 42, "keywords": ["物流", "慢", "快递"],
         "quotes": [{"feedback_id": 7, "customer_id": "00002", "quote": "快递一周才到，太慢了"}]},
        {"theme": "质量问题", "size": 17, "keywords": ["质量", "坏"], "quotes": []},
    ]
}  # fmt: skip


@tool
def at_risk_customers(top_n: int = 10, segment: str | None = None, horizon_weeks: int = 13) -> dict:
    """Fake at-risk list."""
    return {"data": {**RISK, "customers": RISK["customers"][:top_n]}, "evidence": {"tool": "at_risk_customers"}}


@tool
def feedback_themes(sentiment: str | None = None, n_themes: int | None = None) -> dict:
    """Fake negative themes."""
    assert sentiment == "negative"
    return {"data": THEMES, "evidence": {"tool": "feedback_themes"}}


FAKES = {"at_risk_customers": at_risk_customers, "feedback_themes": feedback_themes}


def _train_two_versions() -> None:
    from crm_insights.analytics.segmentation import train_segments
    from crm_insights.store import Customer, Order, init_store, session_scope

    rng = np.random.default_rng(5)
    engine = init_store(get_settings())
    with session_scope(engine) as s:
        for i in range(45):
            cust = Customer(external_id=f"{i:05d}")
            s.add(cust)
            s.flush()
            group = i % 3  # frequent big spenders, lapsed one-off buyers, recent small buyers
            n = [12, 1, 2][group]
            for j in range(n):
                days = (
                    int(rng.integers(0, 360)) if group == 0 else int(rng.integers(0, 40)) + (320 if group == 2 else 0)
                )
                amount = float(rng.uniform(80, 200) if group == 0 else rng.uniform(5, 30))
                s.add(Order(external_id=f"o{i}-{j}", customer_id=cust.id, amount=amount, quantity=1,
                            ordered_at=AS_OF - timedelta(days=365) + timedelta(days=days)))  # fmt: skip
    settings = get_settings()
    train_segments(engine, settings, k=3, as_of=AS_OF - timedelta(days=30), progress=False)
    train_segments(engine, settings, k=3, as_of=AS_OF, progress=False)


def test_digest_sections_and_newly_at_risk() -> None:
    _train_two_versions()
    first = build_digest(tools=FAKES)
    assert first.problems == {}
    sc = first.segment_changes
    assert sc is not None and sc["previous_version"] != sc["current_version"]
    assert len(sc["segments"]) == 3 and all(r["size_now"] for r in sc["segments"])
    assert sum(r["size_now"] for r in sc["segments"]) == 45
    assert all(m["from"] != m["to"] and m["customers"] > 0 for m in sc["movers"])
    assert first.first_digest and first.newly_at_risk == ["00001", "00002"]
    md = first.markdown
    assert "Segment changes" in md and sc["current_version"] in md
    assert "| 00001 | 81.0% | 1,200.00 | 1,481.50 | ✅ |" in md
    assert "物流太慢" in md and "> 快递一周才到，太慢了 — customer 00002" in md
    save_state(first)
    # Next week one customer is still at risk and one is new.
    RISK["customers"].append({"customer_id": "00003", "churn_risk": 0.5, "value_at_risk": 100.0, "spend": 200.0})
    try:
        second = build_digest(tools=FAKES)
    finally:
        RISK["customers"].pop()
    assert not second.first_digest and second.newly_at_risk == ["00003"]
    mrkdwn = to_slack_mrkdwn(second.markdown)
    assert "*Segment changes" in mrkdwn.replace("*分群变化 · Segment changes*", "*Segment changes") and "```" in mrkdwn


def test_digest_without_models_reports_why() -> None:
    d = build_digest(tools={})
    assert d.empty
    assert set(d.problems) == {"segments", "at_risk", "themes"}


def test_cli_digest_writes_file_and_fails_cleanly_when_empty(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from crm_insights import digest as digest_mod
    from crm_insights.cli import app

    runner = CliRunner()
    monkeypatch.setattr(digest_mod, "_tools", lambda: {})
    empty = runner.invoke(app, ["digest", "--out", str(tmp_path / "d.md")])
    assert empty.exit_code == 1 and not (tmp_path / "d.md").exists()

    monkeypatch.setattr(digest_mod, "_tools", lambda: FAKES)
    out = tmp_path / "weekly" / "digest.md"
    ok = runner.invoke(app, ["digest", "--out", str(out)])
    assert ok.exit_code == 0, ok.output
    text = out.read_text(encoding="utf-8")
    assert "Customers newly at risk" in text and "00002" in text
    assert (get_settings().home_dir / "digest" / "state.json").exists()


def test_digest_posts_to_slack(monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    sys.path.insert(0, str(Path(__file__).parent / "server"))
    from slack_recorder import SlackRecorder

    from crm_insights import digest as digest_mod
    from crm_insights.cli import app

    monkeypatch.setattr(digest_mod, "_tools", lambda: FAKES)
    with SlackRecorder() as slack:
        monkeypatch.setenv("CRM_INSIGHTS_SLACK__BOT_TOKEN", "xoxb-test")
        monkeypatch.setenv("CRM_INSIGHTS_SLACK__BASE_URL", slack.base_url)
        get_settings.cache_clear()
        res = CliRunner().invoke(app, ["digest", "--slack-channel", "C0DIGEST"])
        assert res.exit_code == 0, res.output
        posts: list[dict[str, Any]] = slack.calls("chat.postMessage")
    assert len(posts) == 1 and posts[0]["channel"] == "C0DIGEST"
    assert "物流太慢" in posts[0]["text"]
