"""crm-insights: conversational customer insights over Chinese and English CRM data.

The public Python API. Heavy parts (models, the agent graph) load on first use, not at import.

    >>> import crm_insights
    >>> answer = crm_insights.ask("哪些高价值客户有流失风险？")
    >>> print(answer.answer, answer.tool_calls)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

__all__ = ["Answer", "StreamEvent", "ask", "astream", "open_session", "stream", "__version__"]

if TYPE_CHECKING:
    from collections.abc import AsyncIterator, Iterator

    from crm_insights.agent.answer import Answer, StreamEvent


def __getattr__(name: str) -> Any:
    if name in ("Answer", "StreamEvent"):
        from crm_insights.agent import answer

        return getattr(answer, name)
    raise AttributeError(name)


def open_session(**kwargs: Any) -> Any:
    """The process-wide agent session (loads models, the graph and the checkpointer once)."""
    from crm_insights.agent.session import open_session as _open

    return _open(**kwargs)


def ask(question: str, thread_id: str | None = None) -> Answer:
    """Answer one question; pass the same ``thread_id`` for follow-ups."""
    return open_session().ask(question, thread_id=thread_id)


def stream(question: str, thread_id: str | None = None) -> Iterator[StreamEvent]:
    """Yield tool steps as they happen, then the final answer."""
    return open_session().stream(question, thread_id=thread_id)


def astream(question: str, thread_id: str | None = None) -> AsyncIterator[StreamEvent]:
    """Async variant of :func:`stream` for servers."""
    return open_session().astream(question, thread_id=thread_id)
