"""Agent test fixtures: sessions over the fake tools (no store, no trained model)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from fakes import fake_tools

from crm_insights.agent.session import AgentSession
from crm_insights.config import Settings, load_settings


@pytest.fixture
def make_session() -> Iterator[Callable[..., tuple[AgentSession, list[tuple[str, dict[str, Any]]]]]]:
    """Factory: (session over fake tools, list recording every tool call). Closes what it opened."""
    opened: list[AgentSession] = []

    def make(settings: Settings | None = None, **kwargs: Any) -> tuple[AgentSession, list[tuple[str, dict[str, Any]]]]:
        calls: list[tuple[str, dict[str, Any]]] = []
        settings = settings or load_settings(llm={"router_similarity": "tfidf"})
        session = AgentSession(settings, tools=fake_tools(calls), **kwargs)
        opened.append(session)
        return session, calls

    yield make
    for s in opened:
        s.close()


@pytest.fixture(autouse=True)
def strict_answer_templates(monkeypatch: pytest.MonkeyPatch) -> None:
    """A failing answer template raises under tests (production falls back to the plain data)."""
    from crm_insights.agent.router import answers

    monkeypatch.setattr(answers, "STRICT", True)
