"""`train missing`: build every model and index that is missing, one runner at a time (the quickstart's background).

``bash scripts/setup.sh`` builds the store, the base encoder and the segments, then runs ``crm-insights serve
--train-missing``: the server answers metrics questions at once while this runner, started by ``serve`` beside
it, trains the forecaster, the sentiment model (then scores the stored feedback) and builds the feedback index.
With ``CRM_SETUP_NO_SERVE=1`` setup.sh runs the same command in the foreground and its exit code is the
runner's.

Each job runs the ordinary CLI commands (``train forecast``, ``train sentiment`` + ``sentiment score``, ``index
build|update``) in the runner's process, so a job done by hand is the same job; their output goes to the
runner's output: the terminal, or ``<data dir>/background/train.log`` under ``serve``. The runner holds an
exclusive lock on ``<data dir>/background/lock`` (released by the kernel when it exits, however it exits) and
records every step in ``<data dir>/background/state.json`` (:mod:`crm_insights.background`): what ``/readyz``,
``crm-insights status`` and the tools read.
"""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from typing import IO, Annotated, Any

import typer

from crm_insights.background import lock_path, log_path, now_iso, read_state, write_state
from crm_insights.cli.common import cli_errors, err_console
from crm_insights.cli.train import train_app
from crm_insights.config import Settings


def _latest(settings: Settings, kind: str) -> str | None:
    try:
        return (settings.models_dir / kind / "LATEST").read_text().strip() or None
    except FileNotFoundError:
        return None


def plan_jobs(settings: Settings) -> dict[str, dict[str, Any]]:
    """``{job: {"steps": [CLI argv ...], "blocking": bool}}`` for what is missing or stale; empty steps = skip.

    ``blocking``: the job's output is not usable until it finishes (no model yet, feedback not scored by the
    current model, no index), so the tools say it is still training; an index update is not blocking (the
    existing index answers meanwhile).
    """
    from crm_insights.store import init_store

    jobs: dict[str, dict[str, Any]] = {}
    forecast = _latest(settings, "forecast") is None
    jobs["forecast"] = {"steps": [["train", "forecast"]] if forecast else [], "blocking": forecast}
    sentiment = _latest(settings, "sentiment")
    if sentiment is None:
        jobs["sentiment"] = {"steps": [["train", "sentiment"], ["sentiment", "score"]], "blocking": True}
    else:
        unscored = _has_unscored(init_store(settings), sentiment)
        jobs["sentiment"] = {"steps": [["sentiment", "score"]] if unscored else [], "blocking": unscored}
    has_index = (settings.indexes_dir / "feedback" / "manifest.json").exists()
    jobs["index"] = {"steps": [["index", "update"] if has_index else ["index", "build"]], "blocking": not has_index}
    return jobs


def _has_unscored(engine: Any, version: str) -> bool:
    """Whether any feedback lacks a label by model ``version`` (what `sentiment score` would label).

    The same condition as analytics.sentiment.score.count_unscored, asked here without importing the sentiment
    package (torch, transformers): ``serve`` waits for this plan before it answers, so it must take a moment.
    """
    from sqlalchemy import or_, select

    from crm_insights.store.models import Feedback

    stmt = select(Feedback.id).where(or_(Feedback.sentiment_model.is_(None), Feedback.sentiment_model != version))
    with engine.connect() as conn:
        return conn.execute(stmt.limit(1)).first() is not None


def _lock(settings: Settings) -> IO[str] | None:
    """The runner's lock, held until the process exits; None when another runner holds it."""
    path = lock_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    fh = path.open("a+")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        fh.close()
        return None
    return fh


def run_missing(settings: Settings, *, out: IO[str] | None = None) -> int:
    """Run every planned job under the lock; 0 when all succeeded (or another runner is at work), else 1."""
    lock = _lock(settings)
    if lock is None:
        other = read_state(settings) or {}
        err_console.print(
            f"another runner (pid {other.get('pid', '?')}) is already building the missing models; not starting a "
            f"second one (`crm-insights status` shows its progress)"
        )
        return 0
    state: dict[str, Any] = {"pid": os.getpid(), "started_at": now_iso(), "finished_at": None, "jobs": {}}
    try:
        plan = plan_jobs(settings)
        for name, job in plan.items():
            state["jobs"][name] = {
                "state": "queued" if job["steps"] else "skipped",
                "blocking": job["blocking"],
                "steps": [" ".join(["crm-insights", *argv]) for argv in job["steps"]],
            }
        write_state(settings, state)
        failed = 0
        for name, job in plan.items():
            if not job["steps"]:
                continue
            info = state["jobs"][name]
            info.update(state="running", started_at=now_iso())
            write_state(settings, state)
            t0 = time.monotonic()
            for argv in job["steps"]:
                _say(out, f"==> background: crm-insights {' '.join(argv)}")
                rc = run_step(argv, out)
                if rc != 0:
                    info.update(state="failed", error=f"`crm-insights {' '.join(argv)}` exited with {rc}")
                    break
            else:
                info["state"] = "done"
            info["seconds"] = round(time.monotonic() - t0, 1)
            _say(out, f"==> background: {name} {info['state']} in {info['seconds']:.0f} s")
            failed += info["state"] == "failed"
            write_state(settings, state)
        return 1 if failed else 0
    finally:
        state["finished_at"] = now_iso()
        write_state(settings, state)
        lock.close()


def run_step(argv: list[str], out: IO[str] | None = None) -> int:
    """One CLI command (``["train", "forecast"]``) in this process; its exit code (1 for an unexpected error).

    In-process, not a child per job: on a busy 2-core machine each child paid seconds of imports (torch,
    transformers) again. Output goes to ``out`` (default: this process's stdout and stderr).
    """
    import contextlib
    import traceback

    import click

    from crm_insights.cli import app

    stream = out or sys.stdout
    with contextlib.redirect_stdout(stream), contextlib.redirect_stderr(out or sys.stderr):
        try:
            result = app(argv, standalone_mode=False, prog_name="crm-insights")
        except click.exceptions.Exit as exc:
            return int(exc.exit_code)
        except click.ClickException as exc:  # a usage error: unknown command or option
            exc.show()
            return int(exc.exit_code)
        except Exception:  # a bug in a job: logged, and the job counts as failed
            traceback.print_exc()
            return 1
        finally:
            stream.flush()
    return result if isinstance(result, int) else 0


def _say(out: IO[str] | None, line: str) -> None:
    stream = out or sys.stdout
    stream.write(line + "\n")
    stream.flush()


def start_runner(settings: Settings, *, nice: int = 10, wait_s: float = 60.0) -> subprocess.Popen[bytes]:
    """``crm-insights train missing`` in a child process, its output appended to the background log.

    For ``serve --train-missing``: returns once the runner has written its plan (or exited: another runner holds
    the lock, or it failed), so the server's first /readyz already says "training" rather than "missing"; the
    caller stops it (:func:`stop_runner`) when the server stops.
    """
    log = log_path(settings)
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "crm_insights.cli", "train", "missing", "--nice", str(nice)],
            stdout=fh,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            preexec_fn=_die_with_parent if sys.platform.startswith("linux") else None,
        )
    deadline = time.monotonic() + wait_s
    while proc.poll() is None and time.monotonic() < deadline:
        state = read_state(settings)
        if state is not None and state.get("pid") == proc.pid:
            break
        time.sleep(0.1)
    return proc


def _die_with_parent() -> None:
    """In the runner's child process: SIGTERM when its parent (the server) dies, even by SIGKILL."""
    import contextlib
    import ctypes
    import signal

    with contextlib.suppress(OSError):  # another libc: stop_runner still stops it when the server exits normally
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def stop_runner(proc: subprocess.Popen[bytes], timeout: float = 10.0) -> None:
    """Stop a runner (SIGTERM: it kills the job it is running on its way out)."""
    if proc.poll() is not None:
        return
    proc.terminate()
    try:
        proc.wait(timeout)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


@train_app.command("missing")
@cli_errors
def train_missing(
    nice: Annotated[int, typer.Option(min=0, max=19, help="Lower this runner's CPU priority by this much.")] = 0,
) -> None:
    """Build whatever is missing: forecaster, sentiment model (+ scoring of stored feedback), feedback index.

    One runner at a time per data dir (a second one exits at once); progress in `crm-insights status` and
    /readyz. Exit 1 when a job failed (the others still run).
    """
    import signal

    from crm_insights.config import get_settings

    if nice:
        os.nice(nice)

    # SIGTERM (serve stopping) ends the runner, and the job it runs in this process, like Ctrl-C.
    def _term(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    signal.signal(signal.SIGTERM, _term)
    settings = get_settings()
    raise typer.Exit(run_missing(settings))


__all__ = ["plan_jobs", "run_missing", "start_runner", "stop_runner", "train_missing"]
