"""`index build|update` on a real Ray cluster: actors embed, the driver writes; search equals the local index."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from crm_insights.compute import JobOptions, run_index_build, run_index_update
from crm_insights.config import Settings, load_settings

# Customer text is data. Topics repeat (delivery, refunds, quality, service) so the top 10 is a real ranking.
TEXTS = [
    "快递太慢了，等了一个星期才到",
    "物流速度很快，第二天就送到了",
    "退款申请了半个月还没有到账",
    "客服很快就给我办理了退款，满意",
    "The parcel arrived late and the box was crushed.",
    "I still have not received my refund after two weeks.",
    "衣服质量很好，面料舒服",
    "送货员态度很差，包裹被扔在门口",
    "价格有点贵 but the quality is great",
    "手机电池不耐用，一天要充三次电",
    "包装很结实，没有破损",
    "客服回复很慢，问题一直没解决",
    "Delivery was quick and the courier was polite.",
    "退货流程太复杂了",
    "",
    "性价比很高，会回购",
    "The refund was processed within a day, thanks.",
    "尺码偏小，建议买大一号",
]
QUERIES = ["快递 物流 慢", "refund not received", "质量 面料", "客服 态度"]


@pytest.fixture(scope="module")
def encoder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    from crm_insights.encoders.base_model import ensure_converted

    # The same converted encoder tests/indexes use (one conversion per session, file-locked).
    return ensure_converted(tmp_path_factory.getbasetemp() / "base-e5-small", progress=False)


def _home(root: Path, encoder: Path) -> tuple[Settings, Any]:
    from crm_insights.store import Customer, Feedback, make_engine, migrate, session_scope

    settings = load_settings(home=root, embeddings={"model": str(encoder)})
    engine = make_engine(settings.database_url)
    migrate(engine)
    with session_scope(engine) as s:
        c = Customer(external_id="C1")
        s.add(c)
        s.flush()
        for i, t in enumerate(TEXTS):
            s.add(Feedback(external_id=f"f{i}", customer_id=c.id, created_at=datetime(2024, 1, 1 + i), text=t))
    return settings, engine


def _top10(settings: Settings, engine: Any) -> list[list[int]]:
    from crm_insights.indexes.feedback_index import FeedbackIndex

    index = FeedbackIndex.load(settings)
    return [[h["feedback_id"] for h in index.search(q, k=10, engine=engine)] for q in QUERIES]


def _add(engine: Any, texts: list[str]) -> None:
    from sqlalchemy import select

    from crm_insights.store import Customer, Feedback, session_scope

    with session_scope(engine) as s:
        cid = s.scalars(select(Customer.id)).first()
        for i, t in enumerate(texts):
            s.add(Feedback(external_id=f"new{i}", customer_id=cid, created_at=datetime(2024, 3, 1), text=t))


def test_ray_build_and_update_search_like_the_local_index(
    encoder: Path, ray_driver: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    local_settings, local_engine = _home(tmp_path / "local", encoder)
    ray_settings, ray_engine = _home(tmp_path / "ray", encoder)
    local = JobOptions("local", None, actors=1, batch_size=4, cpus_per_actor=0.5, partition_rows=8)
    remote = JobOptions("ray", ray_driver, actors=1, batch_size=4, cpus_per_actor=0.5, partition_rows=8)

    a = run_index_build(local_engine, local_settings, local)
    b = run_index_build(ray_engine, ray_settings, remote)
    assert (a["count"], a["dim"], a["skipped"], a["model_id"]) == (b["count"], b["dim"], b["skipped"], b["model_id"])
    assert b["count"] == len([t for t in TEXTS if t.strip()])
    assert _top10(ray_settings, ray_engine) == _top10(local_settings, local_engine)

    more = ["快递员把包裹放错了地方", "Refund still pending, very annoyed."]
    _add(local_engine, more)
    _add(ray_engine, more)
    a = run_index_update(local_engine, local_settings, local)
    # The update through the CLI, as a user runs it.
    from typer.testing import CliRunner

    from crm_insights.cli import app
    from crm_insights.config import get_settings
    from crm_insights.indexes.feedback_index import read_manifest

    monkeypatch.setenv("CRM_INSIGHTS_HOME", str(tmp_path / "ray"))
    monkeypatch.setenv("CRM_INSIGHTS_EMBEDDINGS__MODEL", str(encoder))
    get_settings.cache_clear()
    out = CliRunner().invoke(app, ["index", "update", "--engine", "ray", "--ray-address", ray_driver])
    assert out.exit_code == 0, out.output
    b = read_manifest(ray_settings) or {}
    assert a["count"] == b["count"] == len([t for t in TEXTS if t.strip()]) + len(more)
    assert b["last_update"]["added"] == len(more)
    assert _top10(ray_settings, ray_engine) == _top10(local_settings, local_engine)
