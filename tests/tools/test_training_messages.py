"""While the quickstart's background runner builds a model, the tools needing it say so plainly (no figure)."""

from __future__ import annotations

import os
from typing import Any

import pytest

from crm_insights.agent.language import user_error
from crm_insights.background import write_state
from crm_insights.errors import NotReadyError
from crm_insights.tools import TOOLS_BY_NAME
from crm_insights.tools.context import ToolContext


def _training(settings: Any, **jobs: dict[str, Any]) -> None:
    write_state(settings, {"pid": os.getpid(), "started_at": "now", "finished_at": None, "jobs": jobs})


def call(name: str, args: dict[str, Any]) -> Any:
    return TOOLS_BY_NAME[name].invoke({"type": "tool_call", "id": "c1", "name": name, "args": args})


def test_a_missing_model_being_trained_says_still_training(bare: ToolContext) -> None:
    _training(
        bare.settings, forecast={"state": "running", "blocking": True}, index={"state": "queued", "blocking": True}
    )
    with pytest.raises(NotReadyError, match="^the forecast model is still training in the background"):
        _ = bare.forecaster
    with pytest.raises(NotReadyError, match="^the feedback search index is still training"):
        _ = bare.index
    with pytest.raises(NotReadyError, match="crm-insights train sentiment"):  # no job for it: the usual hint
        _ = bare.sentiment
    msg = call("at_risk_customers", {})
    assert msg.status == "error" and "still training in the background" in msg.content
    zh = user_error(msg.content, "zh")
    assert zh.startswith("预测模型还在后台训练中") and "forecast" not in zh
    assert user_error(msg.content, "en") == msg.content


def test_stored_sentiment_figures_wait_while_feedback_is_being_scored(fakes: Any) -> None:
    # The tiny store has labelled feedback, but the runner is (re)scoring it: the labels are partial.
    _training(fakes.store.settings, sentiment={"state": "running", "blocking": True})
    for name, args in (
        ("sentiment_summary", {}),
        ("metric_query", {"measures": ["negative_share"]}),
        ("feedback_followup", {}),
    ):
        msg = call(name, args)
        assert msg.status == "error", name
        assert "the sentiment model" in msg.content and "still training in the background" in msg.content, name
        assert user_error(msg.content, "zh").startswith("情感模型还在后台训练中")
    # Metrics that need no model answer meanwhile.
    revenue = call("metric_query", {"measures": ["revenue"]})
    assert revenue.status != "error" and "revenue" in revenue.content


def test_once_done_the_tools_answer_from_the_labels(fakes: Any) -> None:
    _training(fakes.store.settings, sentiment={"state": "done", "blocking": True})
    msg = call("sentiment_summary", {})
    assert msg.status != "error"
