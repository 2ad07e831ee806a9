"""Fixtures for the interface tests; the fakes themselves live in server_fakes.py."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from server_fakes import FAILED, FAKE_TOOLS, FakeSession, LiveServer


@pytest.fixture
def settings(isolated_settings: Path) -> Any:
    from crm_insights.config import get_settings

    return get_settings()


@pytest.fixture
def fake_session(settings: Any) -> FakeSession:
    return FakeSession(settings.charts_dir)


@pytest.fixture
def live_app(settings: Any, fake_session: FakeSession) -> Iterator[LiveServer]:
    from crm_insights.server.app import create_app

    with LiveServer(create_app(settings, session=fake_session, tools=FAKE_TOOLS)) as server:
        yield server


# Browser tests screenshot the page when they fail: the hook marks the failed test for its fixture.
@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call" and report.failed:
        item.stash[FAILED] = True
    return report
