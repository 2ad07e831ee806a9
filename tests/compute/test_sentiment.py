"""`sentiment score` on a real Ray cluster equals the local engine; resumable; survives a killed actor."""

from __future__ import annotations

import json
import os
import signal
from dataclasses import replace
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from fakes import tiny_bert

from crm_insights.analytics import sentiment as S
from crm_insights.compute import JobOptions, run_sentiment_score
from crm_insights.compute.sentiment import scores_of
from crm_insights.config import Settings, load_settings

POS = ["快递很快，非常满意", "质量很好，推荐购买", "客服态度很好", "物流速度快，包装完好", "great product, love it"]
NEG = ["质量太差，很失望", "物流太慢了", "客服态度恶劣", "退款一直不到账", "terrible, broke in a day"]
# Customer text is data: a mix of both classes, blanks and longer rows so batches differ in padding.
TEXTS = [t * (1 + i % 3) for i, t in enumerate((POS + NEG) * 6)] + ["  ", ""]


def _settings(home: Path) -> Settings:
    block = {"epochs": 10, "batch_size": 8, "learning_rate": 3e-3, "max_length": 32, "validation_fraction": 0.0}
    return load_settings(home=home, sentiment=block)


@pytest.fixture(scope="module")
def tiny_home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("compute-sentiment")
    base = tiny_bert(root / "base", POS + NEG)
    csv = root / "train.csv"
    pd.DataFrame({"text": POS + NEG, "label": ["正面"] * len(POS) + ["负面"] * len(NEG)}).to_csv(csv, index=False)
    home = root / "home"
    S.train_sentiment(_settings(home), data=csv, base=str(base), progress=False)
    return home


def _store(path: Path, texts: list[str] = TEXTS) -> Any:
    return _store_url(f"sqlite:///{path}", texts)


def _store_url(url: str, texts: list[str] = TEXTS) -> Any:
    from crm_insights.store import Customer, Feedback, make_engine, migrate, session_scope

    engine = make_engine(url)
    migrate(engine)
    with session_scope(engine) as session:
        c = Customer(external_id="00100")
        session.add(c)
        session.flush()
        for i, t in enumerate(texts):
            session.add(Feedback(external_id=f"f{i}", customer_id=c.id, created_at=datetime(2024, 1, 1), text=t))
    return engine


def _options(address: str, **kw: Any) -> JobOptions:
    base = JobOptions("ray", address, actors=2, batch_size=4, cpus_per_actor=0.5, partition_rows=6)
    return replace(base, **kw)


def _assert_same(got: dict[int, Any], want: dict[int, Any]) -> None:
    assert got.keys() == want.keys()
    for fid, (label, score, version) in want.items():
        g_label, g_score, g_version = got[fid]
        assert (g_label, g_version) == (label, version), fid
        if score is None:
            assert g_score is None
        else:
            assert abs(g_score - score) <= 1e-5, fid


@pytest.fixture(scope="module")
def local_scores(tiny_home: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[int, Any]:
    s = _settings(tiny_home)
    engine = _store(tmp_path_factory.mktemp("local") / "store.sqlite3")
    n, _ = run_sentiment_score(engine, s, replace(_options(""), engine="local"))
    assert n == len(TEXTS)
    out = scores_of(engine)
    engine.dispose()
    return out


def test_ray_equals_local_and_a_rerun_scores_nothing(
    tiny_home: Path, local_scores: dict[int, Any], ray_driver: str, tmp_path: Path
) -> None:
    s = _settings(tiny_home)
    engine = _store(tmp_path / "store.sqlite3")
    seen: list[np.ndarray] = []
    n, version = run_sentiment_score(engine, s, _options(ray_driver), on_batch=lambda b: seen.append(b["id"]))
    ids = np.concatenate(seen)
    assert n == len(TEXTS) == len(ids) == len(set(ids.tolist()))
    assert len(set(np.concatenate([b for b in seen]).tolist())) == n
    _assert_same(scores_of(engine), local_scores)
    assert {v[2] for v in scores_of(engine).values()} == {version}
    assert run_sentiment_score(engine, s, _options(ray_driver))[0] == 0


def test_a_job_stopped_half_way_resumes_to_the_clean_result(
    tiny_home: Path, local_scores: dict[int, Any], ray_driver: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    s = _settings(tiny_home)
    engine = _store(tmp_path / "store.sqlite3")

    class Stop(Exception):
        pass

    def stop(_: dict[str, np.ndarray]) -> None:
        raise Stop

    with pytest.raises(Stop):
        run_sentiment_score(engine, s, _options(ray_driver, actors=1), on_batch=stop)
    first = sum(v[2] is not None for v in scores_of(engine).values())
    assert 0 < first < len(TEXTS)
    # The rerun goes through the CLI, as a user would resume it.
    from typer.testing import CliRunner

    from crm_insights.cli import app
    from crm_insights.config import get_settings

    monkeypatch.setenv("CRM_INSIGHTS_HOME", str(tiny_home))
    monkeypatch.setenv("CRM_INSIGHTS_DATABASE__URL", str(engine.url))
    get_settings.cache_clear()
    out = CliRunner().invoke(
        app, ["sentiment", "score", "--engine", "ray", "--ray-address", ray_driver, "--batch-size", "4", "--json"]
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.stdout)["scored"] == len(TEXTS) - first
    _assert_same(scores_of(engine), local_scores)


def test_sqlite_is_refused_on_a_cluster_of_several_nodes(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    import ray

    from crm_insights.compute.cluster import check_store_for_cluster
    from crm_insights.errors import StoreError
    from crm_insights.store import make_engine

    engine = make_engine(f"sqlite:///{tmp_path / 'store.sqlite3'}")
    monkeypatch.setattr(ray, "nodes", lambda: [{"Alive": True}, {"Alive": False}])
    check_store_for_cluster(engine)  # one live node: the file is reachable
    monkeypatch.setattr(ray, "nodes", lambda: [{"Alive": True}, {"Alive": True}])
    with pytest.raises(StoreError, match="PostgreSQL"):
        check_store_for_cluster(engine)


def test_a_killed_actor_is_replaced_and_every_row_is_scored_once(
    tiny_home: Path, local_scores: dict[int, Any], ray_driver: str, tmp_path: Path
) -> None:
    s = _settings(tiny_home)
    engine = _store(tmp_path / "store.sqlite3")
    killed: list[int] = []
    seen: list[np.ndarray] = []

    def kill_first_actor(batch: dict[str, np.ndarray]) -> None:
        seen.append(batch["id"])
        if not killed:
            killed.append(int(batch["pid"][0]))
            os.kill(killed[0], signal.SIGKILL)

    n, _ = run_sentiment_score(engine, s, _options(ray_driver), on_batch=kill_first_actor)
    assert killed
    ids = np.concatenate(seen).tolist()
    # The killed actor's last reply is lost: its range's retry sees only rows that actor had not yet written.
    assert len(ids) == len(set(ids)) <= n == len(TEXTS)
    _assert_same(scores_of(engine), local_scores)


def test_ray_scores_a_postgresql_store_like_the_local_engine(
    tiny_home: Path, local_scores: dict[int, Any], ray_driver: str, pg_url: str
) -> None:
    s = _settings(tiny_home)
    engine = _store_url(pg_url)
    assert engine.dialect.name == "postgresql"
    n, version = run_sentiment_score(engine, s, _options(ray_driver))
    assert n == len(TEXTS)
    _assert_same(scores_of(engine), local_scores)  # the actors read and wrote the server's rows, not a file
    assert run_sentiment_score(engine, s, _options(ray_driver))[0] == 0  # a rerun finds nothing left
    engine.dispose()
