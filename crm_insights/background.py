"""What the background model builds are doing: one JSON file in the data dir, written by one runner.

``bash scripts/setup.sh`` serves as soon as the store, the base encoder and the segments exist; the
forecaster, the sentiment model (with the scoring of stored feedback) and the feedback index are built by
``crm-insights train missing`` in a process beside the server (:mod:`crm_insights.cli.background`). That
runner writes ``<data dir>/background/state.json`` at every step; everything else only reads it:

- ``/readyz`` and ``crm-insights status`` list the jobs still to finish ("training in the background:
  forecast, sentiment, index") and any that failed, with the runner's log file;
- the tools answer a question needing a model that is not there yet with "… is still training in the
  background" (:func:`training_message`) instead of "run this command".

A shared module: it imports no layer of the package (only config), so the store, the tools and the server
may all read it. The runner holds ``<data dir>/background/lock`` while it works, so two runners (a re-run
of setup.sh, a second ``serve``) never build the same model twice.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from pathlib import Path
from typing import Any

from crm_insights.config import Settings

# The jobs in the order the runner does them, with the command a user runs to build each alone.
JOBS: dict[str, str] = {
    "forecast": "crm-insights train forecast",
    "sentiment": "crm-insights train sentiment && crm-insights sentiment score",
    "index": "crm-insights index build",
}
# Job states in the file. "queued" and "running" are unfinished; "done", "skipped" and "failed" are final.
UNFINISHED = ("queued", "running")
# What each job is called in a user's answer.
_WHAT = {
    "forecast": "the forecast model",
    "sentiment": "the sentiment model (and the sentiment labels of stored feedback)",
    "index": "the feedback search index",
}
# ToolContext's model kinds -> the job that builds them.
JOB_OF_KIND = {"forecast": "forecast", "sentiment": "sentiment", "index": "index"}


def state_dir(settings: Settings) -> Path:
    return settings.home_dir / "background"


def state_path(settings: Settings) -> Path:
    return state_dir(settings) / "state.json"


def lock_path(settings: Settings) -> Path:
    return state_dir(settings) / "lock"


def log_path(settings: Settings) -> Path:
    return state_dir(settings) / "train.log"


def pid_alive(pid: int | None) -> bool:
    """Whether a process with this id exists on this machine (the runner's liveness)."""
    if not pid or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # exists, owned by someone else
        return True
    # A zombie (exited, not yet reaped by the parent that started it) is not a runner any more.
    with contextlib.suppress(OSError):
        stat = Path(f"/proc/{pid}/stat").read_text()
        if stat.rsplit(")", 1)[-1].split()[0] == "Z":
            return False
    return True


def read_state(settings: Settings) -> dict[str, Any] | None:
    """The runner's last written state, or None when no runner ever ran in this data dir.

    Adds ``alive`` (the runner process still exists); jobs left unfinished by a runner that is gone (killed,
    machine restarted) read ``interrupted``.
    """
    try:
        state = json.loads(state_path(settings).read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return None  # being replaced right now or damaged: no claim either way
    if not isinstance(state, dict) or not isinstance(state.get("jobs"), dict):
        return None
    alive = pid_alive(state.get("pid")) and not state.get("finished_at")
    state["alive"] = alive
    if not alive:
        for job in state["jobs"].values():
            if job.get("state") in UNFINISHED:
                job["state"] = "interrupted"
    return state


def write_state(settings: Settings, state: dict[str, Any]) -> None:
    """Replace the state file atomically (readers never see half a file)."""
    folder = state_dir(settings)
    folder.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=folder, prefix=".state-", suffix=".json")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(state, fh, ensure_ascii=False, indent=1)
        os.replace(tmp, state_path(settings))
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def summary(settings: Settings) -> dict[str, Any]:
    """``{"training": [jobs still to finish], "failed": {job: error}, "interrupted": [...], "log": path, ...}``.

    Empty lists when no runner ran. ``message`` is one line for people ("training in the background: forecast,
    sentiment, index"), or None when nothing is training and nothing failed.
    """
    state = read_state(settings)
    out: dict[str, Any] = {"training": [], "failed": {}, "interrupted": [], "log": str(log_path(settings))}
    if state is None:
        out["message"] = None
        return out
    out["pid"] = state.get("pid")
    out["alive"] = state["alive"]
    out["started_at"] = state.get("started_at")
    out["finished_at"] = state.get("finished_at")
    out["jobs"] = state["jobs"]
    for name, job in state["jobs"].items():
        if job.get("state") in UNFINISHED:
            out["training"].append(name)
        elif job.get("state") == "failed":
            out["failed"][name] = job.get("error") or "failed"
        elif job.get("state") == "interrupted":
            out["interrupted"].append(name)
    parts = []
    if out["training"]:
        parts.append("training in the background: " + ", ".join(out["training"]))
    if out["failed"]:
        parts.append("failed in the background: " + ", ".join(out["failed"]) + f" (log: {out['log']})")
    if out["interrupted"]:
        parts.append(
            "interrupted: " + ", ".join(out["interrupted"]) + " (run `crm-insights train missing` or setup.sh again)"
        )
    out["message"] = "; ".join(parts) or None
    return out


def training_message(settings: Settings, job: str) -> str | None:
    """Why a question needing ``job``'s output cannot be answered yet, when the runner explains it; else None.

    A job that blocks (its model or index is not there yet) and is queued or running: "… is still training in
    the background"; a job that failed: where its log is. None when the runner has nothing to say about it
    (never ran, finished it, or only refreshes something that exists): the caller's own message stands.
    """
    state = read_state(settings)
    if state is None:
        return None
    info = state["jobs"].get(job)
    if not info or not info.get("blocking"):
        return None
    what = _WHAT.get(job, job)
    if info.get("state") in UNFINISHED:
        return f"{what} is still training in the background; ask again in a few minutes (`crm-insights status`)"
    if info.get("state") == "failed":
        return f"{what} failed to build in the background (log: {log_path(settings)}); run `{JOBS[job]}`"
    return None


def now_iso() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S%z")
