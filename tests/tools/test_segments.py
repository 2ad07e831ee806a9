from __future__ import annotations

from typing import Any

import pytest

from crm_insights.tools import describe_segment, explain_customer_segment, list_segments


def test_list_segments(fakes: Any) -> None:
    out = list_segments.invoke({})
    segs = out["data"]["segments"]
    assert [s["segment"] for s in segs] == [0, 1]
    assert segs[0]["name_zh"] == "高价值客户" and segs[0]["size"] == 3
    assert segs[0]["centroid"] == {"recency_days": 30.12, "frequency": 3.0, "monetary_total": 123.46}
    assert segs[0]["distinguishing"][0]["value"] == 123.46
    assert out["data"]["customers"] == 6
    assert out["evidence"] == {
        "tool": "list_segments",
        "args": {},
        "rows_considered": 6,
        "model_version": "segments-test",
    }


def test_describe_segment_by_id_name_and_phrase(fakes: Any) -> None:
    for ref in ("0", 0, "High value", "高价值客户", "high-value", "高价值"):
        out = describe_segment.invoke({"segment": ref})
        assert out["data"]["segment"] == 0, ref
        assert out["evidence"]["args"]["resolved_segment"] == 0
    data = describe_segment.invoke({"segment": "0"})["data"]
    # top customers by spend among members 00001 (135.5), 00003 (140), 00100 (165)
    assert [c["customer_id"] for c in data["top_customers"]] == ["00100", "00003", "00001"]
    assert data["top_customers"][0]["spend"] == 165.0
    assert data["matched"] == {"query": 0}


def test_describe_unknown_segment_lists_segments(fakes: Any) -> None:
    msg = describe_segment.invoke(
        {"type": "tool_call", "id": "c", "name": "describe_segment", "args": {"segment": "x"}}
    )
    assert msg.status == "error"
    assert "no segment matches 'x'" in msg.content and "High value" in msg.content


def test_explain_customer_segment(fakes: Any) -> None:
    out = explain_customer_segment.invoke({"customer": "客户1"})
    data = out["data"]
    assert data["customer_id"] == "00001" and data["segment"] == 0
    # strongest reason first
    assert [r["feature"] for r in data["reason"]] == ["monetary_total", "frequency"]
    assert data["margin"] == 0.5
    assert out["evidence"]["model_version"] == "segments-test"


def test_segment_tools_without_a_model(bare: Any) -> None:
    for tool, args in (
        (list_segments, {}),
        (describe_segment, {"segment": "0"}),
        (explain_customer_segment, {"customer": "1"}),
    ):
        msg = tool.invoke({"type": "tool_call", "id": "c", "name": tool.name, "args": args})
        assert msg.status == "error"
        assert "crm-insights train segments" in msg.content


def test_segment_tools_on_a_trained_model(behaviour_store: Any) -> None:
    from crm_insights.analytics.segmentation import train_segments

    info = train_segments(behaviour_store.engine, behaviour_store.settings, k=3, progress=False)
    listing = list_segments.invoke({})
    segs = listing["data"]["segments"]
    assert len(segs) == 3 and sum(s["size"] for s in segs) == 45
    assert listing["evidence"]["model_version"] == info.version
    assert all(s["name_en"] and s["name_zh"] for s in segs)
    top = describe_segment.invoke({"segment": "0"})["data"]
    # segment 0 is the most valuable: the frequent big spenders (ids 000xx)
    assert top["size"] == 15
    assert all(c["customer_id"].isdigit() for c in top["top_customers"])
    by_name = describe_segment.invoke({"segment": top["name_zh"]})["data"]
    assert by_name["segment"] == 0
    why = explain_customer_segment.invoke({"customer": "客户3"})
    assert why["data"]["customer_id"] == "00003" and why["data"]["segment"] == 0
    assert why["data"]["reason"] and {"feature", "z"} <= set(why["data"]["reason"][0])
    msg = describe_segment.invoke(
        {"type": "tool_call", "id": "c", "name": "describe_segment", "args": {"segment": "7"}}
    )
    assert msg.status == "error" and "does not exist" in msg.content
    # a newer model is picked up without restarting: the context watches the registry's LATEST
    newer = train_segments(behaviour_store.engine, behaviour_store.settings, k=2, progress=False)
    again = list_segments.invoke({})
    assert again["evidence"]["model_version"] == newer.version and len(again["data"]["segments"]) == 2


def test_segment_means_and_tier_names_on_a_trained_model(behaviour_store: Any) -> None:
    import pandas as pd

    from crm_insights.analytics.segmentation import SegmentModel, train_segments
    from crm_insights.store.frames import orders_frame

    train_segments(behaviour_store.engine, behaviour_store.settings, k=3, progress=False)
    segs = list_segments.invoke({})["data"]["segments"]
    assert [(s["name_zh"], s["name_en"], s["tier"]) for s in segs] == [
        ("高价值客户", "high-value", "high"),
        ("普通客户", "regular", "regular"),
        ("低价值客户", "low-value", "low"),
    ]
    # Means recomputed in pandas from the order lines, apart from the features code.
    orders = orders_frame(behaviour_store.engine)
    orders["day"] = orders["ordered_at"].dt.normalize()
    as_of = orders["day"].max() + pd.Timedelta(days=1)
    per = orders.groupby("customer_id").agg(last=("day", "max"), days=("day", "nunique"), spend=("amount", "sum"))
    per["recency"] = (as_of - per["last"]).dt.days
    model = SegmentModel.load(behaviour_store.settings)
    for s in segs:
        part = per.loc[model.members(s["segment"])]
        described = describe_segment.invoke({"segment": str(s["segment"])})["data"]
        for means in (s["means"], described["means"]):
            assert means["recency_days"] == pytest.approx(part["recency"].mean(), abs=0.01)
            assert means["frequency"] == pytest.approx(part["days"].mean(), abs=0.01)
            assert means["monetary_total"] == pytest.approx(part["spend"].mean(), abs=0.01)
            assert means["aov"] == pytest.approx(part["spend"].sum() / part["days"].sum(), abs=0.01)
        assert described["revenue_share"] == pytest.approx(part["spend"].sum() / per["spend"].sum(), abs=1e-4)
    # "高价值" names one segment
    assert describe_segment.invoke({"segment": "高价值"})["data"]["segment"] == 0
