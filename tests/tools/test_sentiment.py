from __future__ import annotations

from typing import Any

from fakes import tiny_bert
from sqlalchemy import update

from crm_insights.store import Feedback
from crm_insights.tools import analyze_sentiment, sentiment_summary


def call(tool: Any, args: dict[str, Any]) -> Any:
    return tool.invoke({"type": "tool_call", "id": "c1", "name": tool.name, "args": args})


def test_analyze_sentiment(fakes: Any) -> None:
    out = analyze_sentiment.invoke({"texts": ["质量很好", "物流太慢", "一般般"]})
    data = out["data"]
    assert [r["label"] for r in data["results"]] == ["positive", "negative", "neutral"]
    assert data["results"][0] == {"text": "质量很好", "label": "positive", "score": 0.912}
    assert data["counts"] == {"positive": 1, "neutral": 1, "negative": 1}
    assert data["shares"]["positive"] == round(1 / 3, 4)
    assert out["evidence"] == {
        "tool": "analyze_sentiment",
        "args": {"texts": 3},
        "rows_considered": 3,
        "model_version": "sentiment-test",
    }


def test_analyze_sentiment_accepts_one_bare_string_and_refuses_empty(fakes: Any) -> None:
    assert analyze_sentiment.invoke({"texts": "good stuff"})["data"]["counts"]["positive"] == 1
    msg = call(analyze_sentiment, {"texts": []})
    assert msg.status == "error" and "texts" in msg.content


def test_sentiment_summary_distribution_and_trend(fakes: Any) -> None:
    out = sentiment_summary.invoke({})
    data = out["data"]
    assert data["scored_feedback"] == 6 and data["unscored_feedback"] == 1
    assert data["counts"] == {"positive": 3, "neutral": 1, "negative": 2}
    assert data["shares"] == {"positive": 0.5, "neutral": round(1 / 6, 4), "negative": round(2 / 6, 4)}
    periods = {t["period"]: t for t in data["trend"]}
    assert list(periods) == ["1997-01", "1997-02", "1997-07", "1998-03", "1998-06"]
    assert periods["1998-06"] == {
        "period": "1998-06",
        "n": 2,
        "positive": 1,
        "neutral": 1,
        "negative": 0,
        "negative_share": 0.0,
    }
    assert out["evidence"]["rows_considered"] == 7
    assert out["evidence"]["model_version"] == "sentiment-test"


def test_sentiment_summary_filters(fakes: Any) -> None:
    data = sentiment_summary.invoke({"customer": "1", "since": "1997-06", "until": "1998", "freq": "quarter"})["data"]
    assert data["counts"] == {"positive": 1, "neutral": 1, "negative": 1}
    assert [t["period"] for t in data["trend"]] == ["1997Q3", "1998Q2"]
    seg = sentiment_summary.invoke({"segment": "Occasional"})
    assert seg["data"]["counts"] == {"positive": 1, "neutral": 0, "negative": 1}
    assert seg["data"]["segment"]["segment"] == 1
    assert seg["evidence"]["segment_model_version"] == "segments-test"
    one_day = sentiment_summary.invoke({"since": "1998-06-15", "until": "1998-06-15"})["data"]
    assert one_day["scored_feedback"] == 1  # until is inclusive of its day


def test_sentiment_summary_bad_input(fakes: Any) -> None:
    msg = call(sentiment_summary, {"since": "last tuesday"})
    assert msg.status == "error" and "since" in msg.content and "YYYY-MM-DD" in msg.content
    msg = call(sentiment_summary, {"since": "1998-01-01", "until": "1997-01-01"})
    assert msg.status == "error" and "after" in msg.content
    msg = call(sentiment_summary, {"freq": "hourly"})
    assert msg.status == "error" and "freq" in msg.content


def test_sentiment_summary_nothing_scored_says_what_to_run(fakes: Any) -> None:
    with fakes.store.engine.begin() as conn:
        conn.execute(update(Feedback).values(sentiment_label=None))
    msg = call(sentiment_summary, {})
    assert msg.status == "error" and "crm-insights sentiment score" in msg.content


def test_analyze_without_a_model(bare: Any) -> None:
    msg = call(analyze_sentiment, {"texts": ["x"]})
    assert msg.status == "error" and "crm-insights train sentiment" in msg.content


def test_sentiment_tools_on_a_trained_model(behaviour_store: Any, tmp_path: Any) -> None:
    import pandas as pd

    from crm_insights.analytics.sentiment import score_store, train_sentiment

    pos = ["质量很好，服务满意", "物流很快，非常满意", "很好，推荐", "满意，会再买"]
    neg = ["物流太慢，差评", "质量太差，失望", "很差，不推荐", "太慢了，差"]
    csv = tmp_path / "train.csv"
    pd.DataFrame({"text": pos + neg, "label": ["positive"] * 4 + ["negative"] * 4}).to_csv(csv, index=False)
    base = tiny_bert(tmp_path / "base", pos + neg, hidden=16, layers=1)
    s = behaviour_store.settings
    small = s.model_copy(
        update={"sentiment": s.sentiment.model_copy(update={"epochs": 2, "batch_size": 8, "max_length": 32})}
    )
    info = train_sentiment(small, data=csv, base=str(base), progress=False)
    out = analyze_sentiment.invoke({"texts": ["质量很好", "物流太慢"]})
    assert {r["label"] for r in out["data"]["results"]} <= {"positive", "neutral", "negative"}
    assert sum(out["data"]["counts"].values()) == 2
    assert out["evidence"]["model_version"] == info.version
    # stored labels from the fixture are replaced by the real model's
    with behaviour_store.engine.begin() as conn:
        conn.execute(update(Feedback).values(sentiment_label=None, sentiment_score=None, sentiment_model=None))
    assert score_store(behaviour_store.engine, small, progress=False) == 30
    summary = sentiment_summary.invoke({"freq": "year"})
    assert summary["data"]["scored_feedback"] == 30 and summary["data"]["unscored_feedback"] == 0
    assert summary["evidence"]["model_version"] == info.version


def test_sentiment_summary_segments_side_by_side(fakes: Any) -> None:
    out = sentiment_summary.invoke({"group_by": "segment"})
    rows = {r["segment"]: r for r in out["data"]["by_segment"]}
    # segment 0: 00001's four labelled texts (00003's is unscored); segment 1: 00002 negative, 00005 positive
    assert rows[0]["scored_feedback"] == 4
    assert rows[0]["counts"] == {"positive": 2, "neutral": 1, "negative": 1}
    assert rows[1]["counts"] == {"positive": 1, "neutral": 0, "negative": 1}
    assert rows[1]["shares"]["negative"] == 0.5 and rows[1]["name_zh"] == "偶尔购买"
    assert out["data"]["scored_feedback"] == 6  # the overall figures stay as before
    assert out["evidence"]["segment_model_version"] == "segments-test"
    both = sentiment_summary.invoke({"group_by": "segment", "segment": "0"})
    assert isinstance(both, str) and "not both" in both
