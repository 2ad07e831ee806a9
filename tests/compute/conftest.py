"""One real Ray cluster for all of tests/compute (started like a user would, stopped by its own process group)."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ray = pytest.importorskip("ray", reason="the ray extra is not installed (pip install -e '.[ray]')")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def ray_cluster() -> Iterator[str]:
    """`ray start --head` on 127.0.0.1 with 2 CPUs; yields its address."""
    port = _free_port()
    # A short private temp dir: Ray's socket paths must stay under the OS limit, and /tmp/ray may be someone else's.
    temp = tempfile.mkdtemp(prefix="rayt")
    ray_bin = Path(sys.executable).with_name("ray")
    env = {
        **os.environ,
        "RAY_USAGE_STATS_ENABLED": "0",
        # A private test cluster on 127.0.0.1: no token (a ~/.ray/auth_token left by another Ray would
        # otherwise turn token auth on for the cluster but not for the driver).
        "RAY_AUTH_MODE": "disabled",
        "HF_HUB_OFFLINE": "1",
        "TRANSFORMERS_OFFLINE": "1",
        "TOKENIZERS_PARALLELISM": "false",
    }
    cmd = [
        str(ray_bin), "start", "--head", "--block", "--node-ip-address", "127.0.0.1", "--num-cpus", "2",
        "--port", str(port), "--include-dashboard=false", "--disable-usage-stats", "--temp-dir", temp,
    ]  # fmt: skip
    # Own session: the whole cluster (GCS, raylet, workers) is this process group, stopped below by its id.
    proc = subprocess.Popen(cmd, env=env, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    address = f"127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"ray start exited: {proc.stderr.read().decode()[-2000:] if proc.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                break
        except OSError:
            time.sleep(0.5)
    else:
        os.killpg(proc.pid, signal.SIGKILL)
        pytest.fail("the Ray head did not open its port within 60 s")
    time.sleep(2)  # the raylet registers just after the GCS port opens
    try:
        yield address
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=5)  # a graceful stop of every Ray process takes long on a busy machine
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        shutil.rmtree(temp, ignore_errors=True)


@pytest.fixture
def ray_driver(ray_cluster: str, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The cluster address; any driver session a test left open is closed after it."""
    monkeypatch.setenv("RAY_AUTH_MODE", "disabled")
    monkeypatch.setenv("RAY_USAGE_STATS_ENABLED", "0")
    yield ray_cluster
    if ray.is_initialized():
        ray.shutdown()


PG_URL = os.environ.get("CRM_INSIGHTS_TEST_PG_URL", "postgresql+psycopg://127.0.0.1:5432/test")


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A store URL on the test PostgreSQL (trust auth, database ``test``) in a schema of its own, dropped after.

    Skips when no server answers there (CRM_INSIGHTS_TEST_PG_URL names another).
    """
    import uuid

    from sqlalchemy import create_engine, text
    from sqlalchemy.exc import OperationalError

    admin = create_engine(PG_URL, connect_args={"connect_timeout": 2})
    schema = f"test_compute_{uuid.uuid4().hex[:10]}"
    try:
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except OperationalError as exc:
        admin.dispose()
        pytest.skip(f"no PostgreSQL at {PG_URL} ({str(exc).splitlines()[0]})")
    sep = "&" if "?" in PG_URL else "?"
    try:
        yield f"{PG_URL}{sep}options=-csearch_path%3D{schema}"
    finally:
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()
