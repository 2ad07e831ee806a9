"""The background runner's state file as its readers see it: what is training, what failed, dead runners."""

from __future__ import annotations

import os
import subprocess
import sys
from typing import Any

from crm_insights.background import read_state, summary, training_message, write_state
from crm_insights.config import get_settings


def _state(pid: int, **jobs: Any) -> dict[str, Any]:
    return {"pid": pid, "started_at": "2026-12-06T08:00:00+0000", "finished_at": None, "jobs": jobs}


def test_nothing_to_say_before_any_runner() -> None:
    s = get_settings()
    assert read_state(s) is None
    report = summary(s)
    assert report["training"] == [] and report["failed"] == {} and report["message"] is None
    assert training_message(s, "forecast") is None


def test_a_live_runner_lists_unfinished_jobs_and_blocks_only_what_is_missing() -> None:
    s = get_settings()
    write_state(
        s,
        _state(
            os.getpid(),  # this test process stands in for a live runner
            forecast={"state": "running", "blocking": True},
            sentiment={"state": "queued", "blocking": True},
            index={"state": "queued", "blocking": False},  # an update of an index that exists
        ),
    )
    report = summary(s)
    assert report["training"] == ["forecast", "sentiment", "index"]
    assert report["message"] == "training in the background: forecast, sentiment, index"
    forecast = training_message(s, "forecast")
    assert forecast is not None and forecast.startswith("the forecast model is still training in the background")
    assert "still training" in (training_message(s, "sentiment") or "")
    assert training_message(s, "index") is None  # the existing index answers meanwhile


def test_failed_jobs_name_the_log_and_the_command() -> None:
    s = get_settings()
    state = _state(os.getpid(), forecast={"state": "done", "blocking": True})
    state["jobs"]["sentiment"] = {"state": "failed", "blocking": True, "error": "exited with 1"}
    state["finished_at"] = "2026-12-06T08:10:00+0000"
    write_state(s, state)
    report = summary(s)
    assert report["training"] == [] and report["failed"] == {"sentiment": "exited with 1"}
    assert "failed in the background: sentiment" in report["message"] and report["log"] in report["message"]
    message = training_message(s, "sentiment") or ""
    assert "failed to build in the background" in message and "crm-insights train sentiment" in message
    assert training_message(s, "forecast") is None  # done: the model's own state speaks


def test_jobs_of_a_runner_that_died_read_interrupted() -> None:
    s = get_settings()
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    write_state(s, _state(int(dead.stdout), forecast={"state": "running", "blocking": True}))
    report = summary(s)
    assert report["alive"] is False and report["training"] == [] and report["interrupted"] == ["forecast"]
    assert "interrupted: forecast" in report["message"]
    assert training_message(s, "forecast") is None  # the tools fall back to "run `crm-insights train forecast`"


def test_an_unreadable_state_file_claims_nothing() -> None:
    s = get_settings()
    write_state(s, _state(os.getpid(), forecast={"state": "running", "blocking": True}))
    from crm_insights.background import state_path

    state_path(s).write_text("{not json", encoding="utf-8")
    assert read_state(s) is None and summary(s)["training"] == []
