"""`crm-insights serve` as a new user starts it: real processes, default workers, a fresh data dir.

Startup used to die now and then when two uvicorn workers created the thread file at once (SQLite
reports the WAL-switch deadlock as "database is locked" without waiting), and the supervisor then
exited 0. These tests start the real command on 127.0.0.1 and a free port.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

STARTS = 10  # fresh-data-dir starts in the stress test
START_TIMEOUT_S = 180.0  # imports and model loading on a busy 2-core machine


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def serve_command(port: int) -> list[str]:
    cmd = [sys.executable, "-m", "crm_insights.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    # The default (one worker per core) is what users run; one core would give a single worker and no race.
    if (os.cpu_count() or 1) < 2:
        cmd += ["--workers", "2"]
    return cmd + ["--log-level", "warning"]


def wait_healthy(proc: subprocess.Popen[str], port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"serve exited with {proc.returncode} before answering /healthz:\n{log.read_text()[-3000:]}")
        try:
            res = httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=2)
            if res.status_code == 200 and res.json() == {"status": "ok"}:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    pytest.fail(f"serve did not answer /healthz within {START_TIMEOUT_S:.0f} s:\n{log.read_text()[-3000:]}")


@contextmanager
def serving(home: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[subprocess.Popen[str], int]]:
    """`crm-insights serve` on ``home``; stopped with SIGTERM (as Ctrl-C would) on exit."""
    monkeypatch.setenv("CRM_INSIGHTS_HOME", str(home))
    port = free_port()
    log = home.parent / f"serve-{port}.log"
    with log.open("w") as out:
        proc = subprocess.Popen(serve_command(port), stdout=out, stderr=subprocess.STDOUT, text=True)
    try:
        wait_healthy(proc, port, log)
        yield proc, port
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=60)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


@pytest.mark.slow
def test_serve_starts_every_time_on_a_fresh_data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for run in range(STARTS):
        home = tmp_path / f"home{run}"
        with serving(home, monkeypatch) as (proc, port):
            threads = httpx.get(f"http://127.0.0.1:{port}/v1/threads", timeout=10)
            assert threads.status_code == 200, threads.text  # the thread list's tables exist
        assert proc.returncode == 0, f"run {run}: serve stopped with {proc.returncode}"
        assert (home / "threads.sqlite3").exists()


LOCK_HOLDER = textwrap.dedent(
    """
    import sqlite3, sys
    conns = []
    for path in sys.argv[1:]:
        conn = sqlite3.connect(path, isolation_level=None)
        conn.execute("BEGIN IMMEDIATE")  # the write lock, as a long import holds it
        conn.execute("CREATE TABLE IF NOT EXISTS lock_holder (x)")
        conns.append(conn)
    print("locked", flush=True)
    sys.stdin.read()  # until the test closes stdin
    """
)


@pytest.mark.slow
def test_serve_starts_while_another_process_holds_the_write_lock(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from crm_insights.config import get_settings
    from crm_insights.server.app import prepare_databases

    home = tmp_path / "home"
    monkeypatch.setenv("CRM_INSIGHTS_HOME", str(home))
    get_settings.cache_clear()
    prepare_databases(get_settings())  # an existing store, as when an import is running
    files = [str(home / "crm.sqlite3"), str(home / "threads.sqlite3")]
    holder = subprocess.Popen(
        [sys.executable, "-c", LOCK_HOLDER, *files], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
        with serving(home, monkeypatch) as (proc, port):
            assert holder.poll() is None  # the lock was held the whole time the server started
        assert proc.returncode == 0
    finally:
        if holder.stdin is not None:
            holder.stdin.close()
        holder.wait(timeout=30)


def test_serve_exits_non_zero_when_the_store_cannot_be_prepared(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("a file where the store's directory should be")
    monkeypatch.setenv("CRM_INSIGHTS_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("CRM_INSIGHTS_DATABASE__URL", f"sqlite:///{blocker}/crm.sqlite3")
    proc = subprocess.run(serve_command(free_port()), capture_output=True, text=True, timeout=120)
    assert proc.returncode != 0
    assert "error" in proc.stderr.lower()


BROKEN_APP = textwrap.dedent(
    """
    import contextlib
    from fastapi import FastAPI

    @contextlib.asynccontextmanager
    async def lifespan(app):
        raise RuntimeError("worker cannot start")
        yield

    def create_app():
        return FastAPI(lifespan=lifespan)
    """
)


def test_a_worker_failing_at_startup_stops_serve_with_a_non_zero_exit(tmp_path: Path) -> None:
    (tmp_path / "broken_app.py").write_text(BROKEN_APP)
    code = (
        "from crm_insights.cli import _serve_workers; "
        f"_serve_workers('broken_app:create_app', '127.0.0.1', {free_port()}, 2, 'warning')"
    )
    env = {**os.environ, "PYTHONPATH": str(tmp_path)}
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert proc.returncode == 3, proc.stderr[-2000:]  # uvicorn's STARTUP_FAILURE, not the 0 uvicorn.run gives
    assert "worker cannot start" in proc.stderr
