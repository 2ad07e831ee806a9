"""/readyz while the quickstart's background runner builds models: what is training, what failed, and why."""

from __future__ import annotations

import os
from typing import Any

import pytest
from fastapi.testclient import TestClient
from server_fakes import FAKE_TOOLS, FakeSession

from crm_insights.background import write_state
from crm_insights.server.app import create_app


@pytest.fixture
def client(settings: Any, fake_session: FakeSession):
    with TestClient(create_app(settings, session=fake_session, tools=FAKE_TOOLS)) as c:
        yield c


def _segments_and_sentiment(settings: Any) -> None:
    """LATEST pointers as the registry writes them (the readiness probe reads the registry)."""
    from crm_insights.analytics.artifacts import registry

    def write(path: Any) -> None:
        (path / "model.txt").write_text("x")

    reg = registry(settings)
    for kind in ("segments", "sentiment"):
        reg.save(kind, write, config={}, metrics={})


def test_readyz_says_what_is_training_in_the_background(client: TestClient, settings: Any) -> None:
    write_state(
        settings,
        {
            "pid": os.getpid(),  # this process stands in for a live runner
            "started_at": "now",
            "finished_at": None,
            "jobs": {
                "forecast": {"state": "running", "blocking": True},
                "sentiment": {"state": "queued", "blocking": True},
                "index": {"state": "queued", "blocking": True},
            },
        },
    )
    res = client.get("/readyz")
    assert res.status_code == 503
    body = res.json()
    assert body["training"] == ["forecast", "sentiment", "index"]
    assert body["background"] == "training in the background: forecast, sentiment, index"
    assert body["failed"] == {} and body["log"].endswith("background/train.log")
    assert body["checks"]["model:forecast"] == {"ok": False, "detail": "training in the background"}
    assert body["checks"]["index:feedback"] == {"ok": False, "detail": "training in the background"}
    assert body["checks"]["model:segments"]["detail"] == "missing: run `crm-insights train segments`"
    assert "model:forecast (training in the background)" in body["error"]["message"]


def test_training_is_200_with_the_runner_state_while_readyz_is_503(client: TestClient, settings: Any) -> None:
    write_state(
        settings,
        {
            "pid": os.getpid(),
            "started_at": "now",
            "finished_at": None,
            "jobs": {"sentiment": {"state": "running", "blocking": True}},
        },
    )
    assert client.get("/readyz").status_code == 503
    res = client.get("/training")  # what the web page polls: a browser logs a 503 as a failed load
    assert res.status_code == 200
    body = res.json()
    assert body["training"] == ["sentiment"] and body["failed"] == {}
    assert body["background"] == "training in the background: sentiment"


def test_readyz_names_a_failed_job_and_its_log(client: TestClient, settings: Any) -> None:
    write_state(
        settings,
        {
            "pid": os.getpid(),
            "started_at": "then",
            "finished_at": "now",
            "jobs": {
                "forecast": {
                    "state": "failed",
                    "blocking": True,
                    "error": "`crm-insights train forecast` exited with 1",
                }
            },
        },
    )
    body = client.get("/readyz").json()
    assert body["training"] == [] and body["failed"] == {"forecast": "`crm-insights train forecast` exited with 1"}
    detail = body["checks"]["model:forecast"]["detail"]
    assert (
        detail.startswith("failed in the background")
        and "train.log" in detail
        and "crm-insights train forecast" in detail
    )
    assert body["background"].startswith("failed in the background: forecast")


def test_readyz_without_a_runner_is_unchanged(client: TestClient) -> None:
    body = client.get("/readyz").json()
    assert body["training"] == [] and body["failed"] == {} and body["background"] is None
    assert body["checks"]["model:forecast"]["detail"] == "missing: run `crm-insights train forecast`"


def test_readyz_while_stored_feedback_is_scored_by_a_trained_model(client: TestClient, settings: Any) -> None:
    _segments_and_sentiment(settings)
    write_state(
        settings,
        {
            "pid": os.getpid(),
            "started_at": "now",
            "finished_at": None,
            "jobs": {"sentiment": {"state": "running", "blocking": True}},
        },
    )
    checks = client.get("/readyz").json()["checks"]
    assert checks["model:segments"]["ok"] is True
    assert checks["model:sentiment"] == {"ok": False, "detail": "scoring stored feedback in the background"}
