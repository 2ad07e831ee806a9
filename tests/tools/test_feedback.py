from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from crm_insights.tools import feedback_themes, search_feedback


def call(tool: Any, args: dict[str, Any]) -> Any:
    return tool.invoke({"type": "tool_call", "id": "c1", "name": tool.name, "args": args})


def test_search_feedback(fakes: Any) -> None:
    out = search_feedback.invoke({"query": "物流慢", "k": 2})
    hits = out["data"]["hits"]
    assert len(hits) == 2
    assert hits[0]["quote"] == "物流太慢了，差评" and hits[0]["customer_id"] == "00002"
    assert set(hits[0]) == {"feedback_id", "customer_id", "created_at", "sentiment", "score", "quote"}
    ev = out["evidence"]
    assert ev["index_version"] == "index-test" and ev["embedding_model"] == "fake-embedder"
    assert ev["rows_considered"] == 7


def test_search_feedback_filters_reach_the_index(fakes: Any) -> None:
    out = search_feedback.invoke(
        {"query": "quality", "customer": "客户1", "sentiment": "负面", "since": "1997", "until": "1997-07"}
    )
    assert fakes.index.last == {
        "query": "quality",
        "k": 5,
        "customer_ids": ["00001"],
        "sentiment": "negative",
        "since": date(1997, 1, 1),
        "until": date(1997, 7, 31),
    }
    assert [h["quote"] for h in out["data"]["hits"]] == ["包装破损，很失望"]
    assert out["evidence"]["args"]["resolved_customer_id"] == "00001"
    seg = search_feedback.invoke({"query": "x", "segment": "高价值"})
    assert fakes.index.last["customer_ids"] == ["00001", "00003", "00100"]
    assert seg["data"]["segment"]["name_zh"] == "高价值客户"


def test_search_feedback_errors(fakes: Any) -> None:
    msg = call(search_feedback, {"query": "x", "sentiment": "angry"})
    assert msg.status == "error" and "sentiment" in msg.content and "'negative'" in msg.content
    msg = call(search_feedback, {"query": "x", "customer": "2", "segment": "0"})
    assert msg.status == "error" and "not in segment" in msg.content
    assert call(search_feedback, {"query": ""}).status == "error"
    assert call(search_feedback, {"query": "x", "k": 100}).status == "error"


def test_search_without_an_index(bare: Any) -> None:
    msg = call(search_feedback, {"query": "x"})
    assert msg.status == "error" and "crm-insights index build" in msg.content


def test_feedback_themes(fakes: Any) -> None:
    out = feedback_themes.invoke({"segment": "1", "sentiment": "negative", "since": "1997-02-01", "n_themes": 3})
    assert fakes.themes.calls == [
        {
            "customer_ids": ["00002", "00004", "00005"],
            "sentiment": "negative",
            "since": date(1997, 2, 1),
            "until": None,
            "n_themes": 3,
        }
    ]
    themes = out["data"]["themes"]
    assert themes[0]["theme"] == "物流 / delivery" and themes[0]["size"] == 2
    assert len(themes[0]["keywords"]) == 8 and len(themes[0]["quotes"]) == 2
    assert themes[0]["quotes"][0] == {"feedback_id": 1, "customer_id": "00002", "quote": "物流太慢了，差评"}
    assert themes[0]["share"] == round(2 / 3, 4)
    assert out["evidence"]["rows_considered"] == 3
    assert out["evidence"]["args"]["resolved_segment"] == 1
    assert call(feedback_themes, {"n_themes": 1}).status == "error"


@pytest.mark.slow
def test_feedback_tools_on_a_real_index_and_themes(real_text_store: Any) -> None:
    out = search_feedback.invoke({"query": "快递送得太慢", "k": 2})
    hits = out["data"]["hits"]
    assert hits[0]["quote"] == "物流太慢了，差评"
    assert out["evidence"]["index_version"] and out["evidence"]["rows_considered"] == 7
    assert out["evidence"]["embedding_model"]
    only = search_feedback.invoke({"query": "质量", "customer": "客户1", "sentiment": "negative"})["data"]["hits"]
    assert [h["quote"] for h in only] == ["包装破损，很失望"]
    themes = feedback_themes.invoke({"n_themes": 2})
    data = themes["data"]
    assert len(data["themes"]) == 2 and sum(t["size"] for t in data["themes"]) == 7
    assert all(t["quotes"] and t["keywords"] for t in data["themes"])
    assert themes["evidence"]["rows_considered"] == 7
    assert themes["evidence"]["index_version"] == out["evidence"]["index_version"]
