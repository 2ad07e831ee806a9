"""`crm-insights train missing` and `serve --train-missing`: the quickstart's background build.

The end-to-end test starts the real `serve --train-missing` on a fresh tiny data dir (a tiny store, a tiny
BERT as sentiment base and embedder, a tiny forecaster) and watches /readyz go from "training" to ready while
a metrics question answers at once and a forecast question says the model is still training.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import numpy as np
import pytest
from sqlalchemy import insert

from crm_insights.background import read_state, summary
from crm_insights.cli import background as runner_mod
from crm_insights.config import Settings, get_settings
from crm_insights.store import Customer, Feedback, Order, init_store

REVIEWS = [
    ("送货很快，质量很好", "2024-02-03"),
    ("包装破损，很失望", "2024-02-10"),
    ("物流太慢了，差评", "2024-03-01"),
    ("非常满意，会再买", "2024-03-15"),
    ("价格偏贵，一般般", "2024-04-02"),
    ("客服态度很好", "2024-04-20"),
    ("the delivery was late again", "2024-05-05"),
    ("great value, will buy again", "2024-05-30"),
]


def tiny_store(settings: Settings, customers: int = 40, weeks: int = 26) -> None:
    """Customers with a few purchases each over ``weeks`` weeks from 2024-01-01, and a few reviews."""
    rng = np.random.default_rng(5)
    start = datetime(2024, 1, 1)
    engine = init_store(settings)
    with engine.begin() as conn:
        pks = []
        for i in range(customers):
            pk = conn.execute(insert(Customer).values(external_id=f"C{i:03d}").returning(Customer.id)).scalar_one()
            pks.append(pk)
            day = start + timedelta(days=int(rng.integers(0, 40)))
            n = 0
            while (day - start).days < weeks * 7:
                conn.execute(
                    insert(Order).values(
                        external_id=f"o{i}-{n}",
                        customer_id=pk,
                        ordered_at=day,
                        quantity=1,
                        amount=float(rng.uniform(5, 80)),
                    )
                )
                n += 1
                day += timedelta(days=int(rng.exponential(20.0)) + 1)
        for j, (text, day_s) in enumerate(REVIEWS):
            conn.execute(
                insert(Feedback).values(
                    external_id=f"f{j}",
                    customer_id=pks[j],
                    created_at=datetime.fromisoformat(day_s),
                    channel="review",
                    text=text,
                )
            )


@pytest.fixture
def tiny_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings for a tiny store and tiny models, also in the environment (the runner's children read it)."""
    from fakes import tiny_bert

    base = tiny_bert(tmp_path / "tiny-bert", [t for t, _ in REVIEWS] + ["好差一般"], hidden=16, layers=1)
    env = {
        "CRM_INSIGHTS_RUNTIME__TORCH_THREADS": "1",
        "CRM_INSIGHTS_SEGMENTATION__K_MAX": "4",
        "CRM_INSIGHTS_FORECAST__HIDDEN_SIZE": "4",
        "CRM_INSIGHTS_FORECAST__EPOCHS": "1",
        "CRM_INSIGHTS_FORECAST__BATCH_SIZE": "16",
        "CRM_INSIGHTS_FORECAST__TRAIN_WINDOW_WEEKS": "8",
        "CRM_INSIGHTS_FORECAST__MAX_HORIZON_WEEKS": "52",
        "CRM_INSIGHTS_FORECAST__VALIDATION_FRACTION": "0.2",
        "CRM_INSIGHTS_FORECAST__SWA_EPOCHS": "1",
        "CRM_INSIGHTS_SENTIMENT__BASE_MODEL": str(base),
        "CRM_INSIGHTS_SENTIMENT__EPOCHS": "0.02",
        "CRM_INSIGHTS_SENTIMENT__MAX_LENGTH": "32",
        "CRM_INSIGHTS_SENTIMENT__BATCH_SIZE": "32",
        "CRM_INSIGHTS_SENTIMENT__NGRAM_STACK": "false",
        "CRM_INSIGHTS_SENTIMENT__EVALS_PER_EPOCH": "1",
        "CRM_INSIGHTS_EMBEDDINGS__MODEL": str(base),
        "CRM_INSIGHTS_LLM__ROUTER_SIMILARITY": "tfidf",
    }
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    get_settings.cache_clear()
    settings = get_settings()
    tiny_store(settings)
    return settings


def test_plan_lists_what_is_missing_and_blocks_only_that(tiny_env: Settings) -> None:
    plan = runner_mod.plan_jobs(tiny_env)
    assert plan["forecast"] == {"steps": [["train", "forecast"]], "blocking": True}
    assert plan["sentiment"] == {"steps": [["train", "sentiment"], ["sentiment", "score"]], "blocking": True}
    assert plan["index"] == {"steps": [["index", "build"]], "blocking": True}
    # A trained forecaster and an existing index: nothing to train, only an update that blocks nothing.
    (tiny_env.models_dir / "forecast").mkdir(parents=True)
    (tiny_env.models_dir / "forecast" / "LATEST").write_text("forecast-x")
    (tiny_env.indexes_dir / "feedback").mkdir(parents=True)
    (tiny_env.indexes_dir / "feedback" / "manifest.json").write_text("{}")
    plan = runner_mod.plan_jobs(tiny_env)
    assert plan["forecast"] == {"steps": [], "blocking": False}
    assert plan["index"] == {"steps": [["index", "update"]], "blocking": False}


def test_a_failed_job_is_recorded_the_others_still_run_and_the_exit_code_says_so(
    tiny_env: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    plan = {
        "forecast": {"steps": [["train", "no-such-model"]], "blocking": True},
        "sentiment": {"steps": [], "blocking": False},
        "index": {"steps": [["status", "--json"]], "blocking": False},
    }
    monkeypatch.setattr(runner_mod, "plan_jobs", lambda settings: plan)
    log = tmp_path / "runner.log"
    with log.open("w") as out:
        assert runner_mod.run_missing(tiny_env, out=out) == 1
    state = read_state(tiny_env)
    assert state is not None and state["finished_at"] and state["alive"] is False
    jobs = state["jobs"]
    assert jobs["forecast"]["state"] == "failed" and "no-such-model" in jobs["forecast"]["error"]
    assert jobs["sentiment"]["state"] == "skipped" and jobs["index"]["state"] == "done"
    report = summary(tiny_env)
    assert report["failed"] == {"forecast": jobs["forecast"]["error"]} and report["training"] == []
    text = log.read_text()
    assert "==> background: crm-insights train no-such-model" in text and "forecast failed" in text
    # `crm-insights status` says so too (and its JSON carries the runner's summary).
    from typer.testing import CliRunner

    from crm_insights.cli import app

    shown = CliRunner().invoke(app, ["status", "--json"])
    assert shown.exit_code == 0 and json.loads(shown.output)["background"]["failed"] == report["failed"]
    table = CliRunner().invoke(app, ["status"], env={"COLUMNS": "300"})
    assert "failed in the background: forecast" in table.output and table.output.count("train.log") == 1


def test_a_second_runner_does_not_train_again(tiny_env: Settings, monkeypatch: pytest.MonkeyPatch) -> None:
    held = runner_mod._lock(tiny_env)  # another runner at work
    assert held is not None
    monkeypatch.setattr(runner_mod, "plan_jobs", lambda settings: pytest.fail("a second runner planned work"))
    try:
        assert runner_mod.run_missing(tiny_env) == 0
        assert read_state(tiny_env) is None
    finally:
        held.close()
    assert runner_mod._lock(tiny_env) is not None  # released with its holder


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _ask(port: int, question: str) -> dict[str, Any]:
    res = httpx.post(f"http://127.0.0.1:{port}/v1/ask", json={"question": question}, timeout=60)
    assert res.status_code == 200, res.text
    return dict(res.json())


@pytest.mark.slow
def test_serve_answers_while_models_train_in_the_background_then_is_ready(tiny_env: Settings, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from crm_insights.cli import app

    res = CliRunner().invoke(app, ["train", "segments"])  # setup.sh's last foreground step
    assert res.exit_code == 0, res.output
    port = _free_port()
    log = tmp_path / "serve.log"
    cmd = [sys.executable, "-m", "crm_insights.cli", "serve", "--train-missing", "--port", str(port), "--workers", "1"]
    t0 = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen([*cmd, "--log-level", "warning"], stdout=out, stderr=subprocess.STDOUT, env=os.environ)
    seen: list[dict[str, Any]] = []
    try:
        while time.monotonic() - t0 < 120:
            assert proc.poll() is None, log.read_text()[-3000:]
            try:
                r = httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5)
            except httpx.HTTPError:
                time.sleep(0.3)
                continue
            body = r.json()
            if not seen:
                # The first answer: served before the models exist, saying what is training.
                assert r.status_code == 503 and body["training"], body
                assert body["background"].startswith("training in the background: ")
                assert body["checks"]["model:segments"]["ok"] and body["checks"]["agent"]["ok"]
                if "forecast" in body["training"]:  # the tiny forecaster may be done before the first poll
                    assert body["checks"]["model:forecast"]["detail"] == "training in the background"
                if "index" in body["training"]:
                    assert body["checks"]["index:feedback"]["detail"] == "training in the background"
                # Metrics need no trained model: answered now, with a figure.
                revenue = _ask(port, "2024年的销售额是多少？")
                assert revenue["tool_calls"][0]["name"] in {"metric_query", "crm_overview"}, revenue
                assert "训练" not in revenue["answer"] and any(c.isdigit() for c in revenue["answer"]), revenue
                if "forecast" in summary(tiny_env)["training"]:
                    risky = _ask(port, "Which customers are at risk of churning?")
                    if "still training in the background" not in risky["answer"]:
                        # the tiny forecaster finished between the check and the answer: then it must be done
                        assert "forecast" not in summary(tiny_env)["training"], risky["answer"]
                        assert read_state(tiny_env)["jobs"]["forecast"]["state"] == "done", risky["answer"]
            seen.append(body)
            if r.status_code == 200:
                break
            time.sleep(0.5)
        assert seen and seen[-1]["ready"] is True, (seen[-1:], log.read_text()[-3000:])
        assert seen[-1]["training"] == [] and seen[-1]["background"] is None
        # The server picked the new models up without a restart.
        risky = _ask(port, "Which customers are at risk of churning?")
        assert risky["tool_calls"] and "still training" not in risky["answer"]
        state = read_state(tiny_env)
        assert state is not None and {j["state"] for j in state["jobs"].values()} == {"done"}
        train_log = (tiny_env.home_dir / "background" / "train.log").read_text()
        assert "==> background: crm-insights train forecast" in train_log
    finally:
        proc.send_signal(signal.SIGTERM)
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
    assert proc.returncode == 0, (proc.returncode, log.read_text()[-3000:])
    print(json.dumps({"seconds_to_ready": round(time.monotonic() - t0, 1), "readyz_polls": len(seen)}))
