"""Feedback themes: written Chinese feedback about deliveries and refunds falls into two themes."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from crm_insights.errors import InputError

DELIVERY = [
    "快递太慢了，等了一个星期才到",
    "物流很慢，快递三天了还没发货",
    "快递员送货太慢，物流信息一直不更新",
    "物流太慢了，快递到了包装都破了",
    "发货速度慢，快递走了五天",
    "快递送货上门很慢，物流体验差",
    "物流配送太慢，快递一直在路上",
    "快递延迟了好几天，物流太差",
]
REFUND = [
    "退款申请了半个月还没有到账",
    "申请退款被拒绝，客服不处理退款",
    "退款一直没到账，退货流程太麻烦",
    "退货以后退款迟迟不到，催了好几次",
    "退款审核太慢，钱还没有退回来",
    "要求退款客服一直拖着，不给退款",
    "退款到账太慢了，退货已经签收一周",
    "退款流程复杂，退款金额还少了",
]


@pytest.fixture
def engine(base_model_dir: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from crm_insights.config import get_settings
    from crm_insights.store import Customer, Feedback, init_store, session_scope

    monkeypatch.setenv("CRM_INSIGHTS_EMBEDDINGS__MODEL", str(base_model_dir))
    get_settings.cache_clear()
    eng = init_store(get_settings())
    with session_scope(eng) as s:
        a, b = Customer(external_id="A"), Customer(external_id="B")
        s.add_all([a, b])
        s.flush()
        for i, text in enumerate(DELIVERY + REFUND):
            s.add(
                Feedback(
                    external_id=f"t{i:02d}",
                    customer_id=(a if i % 2 else b).id,
                    created_at=datetime(2024, 1 + i % 6, 1 + i),
                    text=text,
                    sentiment_label="negative" if i % 4 else "neutral",
                )
            )
    yield eng
    get_settings.cache_clear()


def _topic(theme: dict[str, Any]) -> str:
    texts = {q["text"] for q in theme["quotes"]}
    if texts <= set(DELIVERY):
        return "delivery"
    if texts <= set(REFUND):
        return "refund"
    return "mixed"


@pytest.mark.parametrize("n_themes", [2, None])
def test_delivery_and_refund_separate(engine: Any, n_themes: int | None) -> None:
    from crm_insights.config import get_settings
    from crm_insights.indexes.themes import feedback_themes

    out = feedback_themes(engine, get_settings(), n_themes=n_themes)
    assert out["rows_considered"] == 16
    assert out["chosen_by"] == ("given" if n_themes else "silhouette")
    themes = out["themes"]
    assert len(themes) == 2
    assert sorted(_topic(t) for t in themes) == ["delivery", "refund"]
    assert sorted(t["size"] for t in themes) == [8, 8]
    for t in themes:
        assert len(t["quotes"]) == 3 and len(t["keywords"]) == 8
        top = set(t["keywords"][:3])
        if _topic(t) == "delivery":
            assert {"快递", "物流"} & top, t["keywords"]
        else:
            assert "退款" in top, t["keywords"]
        assert not top & {"的", "了", "，", "太"}
        assert t["theme"] == " / ".join(t["keywords"][:3])


def test_filters_and_index_vectors(engine: Any) -> None:
    from crm_insights.config import get_settings
    from crm_insights.indexes.feedback_index import build_index
    from crm_insights.indexes.themes import feedback_themes

    settings = get_settings()
    manifest = build_index(engine, settings)
    out = feedback_themes(engine, settings, customer_ids=["A"], sentiment="negative", n_themes=2)
    assert out["index_version"] == manifest["version"], "vectors were not read from the index"
    assert out["rows_considered"] == 8  # customer A: odd i; negative: i % 4 != 0 -> all odd i
    assert all(t["sentiment"] == {"negative": t["size"]} for t in out["themes"])
    assert feedback_themes(engine, settings, since=datetime(2030, 1, 1))["themes"] == []


def test_bad_input(engine: Any) -> None:
    from crm_insights.config import get_settings
    from crm_insights.indexes.themes import feedback_themes

    with pytest.raises(InputError, match="n_themes"):
        feedback_themes(engine, get_settings(), n_themes=0)
    with pytest.raises(InputError, match="at most"):
        feedback_themes(engine, get_settings(), n_themes=500)
    with pytest.raises(InputError, match="sentiment"):
        feedback_themes(engine, get_settings(), sentiment="furious")


def test_themes_are_cached_per_input(engine: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A repeat question reads the stored result (no clustering); new feedback, a new label or a new index don't."""
    from sqlalchemy import update

    from crm_insights.config import get_settings
    from crm_insights.indexes import themes
    from crm_insights.indexes.feedback_index import build_index
    from crm_insights.store import Feedback, session_scope

    settings = get_settings()
    first = themes.feedback_themes(engine, settings)
    assert list((settings.models_dir / "cache").glob("themes-*.json"))
    clusterings: list[int] = []
    real_choose_k = themes.choose_k

    def counting_choose_k(*args: Any, **kwargs: Any) -> Any:
        clusterings.append(1)
        return real_choose_k(*args, **kwargs)

    monkeypatch.setattr(themes, "choose_k", counting_choose_k)
    assert themes.feedback_themes(engine, settings) == first  # the same answer, from the cache
    assert clusterings == []
    with session_scope(engine) as s:
        s.execute(update(Feedback).where(Feedback.external_id == "t03").values(sentiment_label="positive"))
    relabelled = themes.feedback_themes(engine, settings)
    assert len(clusterings) == 1
    assert sum(t["sentiment"].get("positive", 0) for t in relabelled["themes"]) == 1
    manifest = build_index(engine, settings)
    indexed = themes.feedback_themes(engine, settings)
    assert len(clusterings) == 2 and indexed["index_version"] == manifest["version"]
    assert themes.feedback_themes(engine, settings, n_themes=3)["n_themes"] == 3 and len(clusterings) == 2
