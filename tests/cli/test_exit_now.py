"""exit_now: a one-shot command's process ends without the interpreter's teardown, output and close intact."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest


def test_a_real_process_flushes_closes_and_exits_zero(tmp_path: Path) -> None:
    marker = tmp_path / "closed"
    code = (
        "import logging, sys\n"
        "from crm_insights.cli.common import console, err_console, exit_now\n"
        "logging.basicConfig(stream=sys.stderr)\n"
        "for i in range(2000): console.print(f'line {i}')\n"
        "err_console.print('thread: t1')\n"
        "logging.getLogger('x').warning('logged')\n"
        f"exit_now(lambda: open({str(marker)!r}, 'w').write('ok'))\n"
        "print('not reached')\n"
    )
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0] == "line 0" and lines[-1] == "line 1999" and len(lines) == 2000
    assert "thread: t1" in proc.stderr and "logged" in proc.stderr
    assert marker.read_text() == "ok"


def test_in_process_it_returns(capsys: pytest.CaptureFixture[str]) -> None:
    from crm_insights.cli.common import exit_now

    closed: list[int] = []
    exit_now(lambda: closed.append(1))
    assert closed == []  # tests and Click's runner keep their process and their session
