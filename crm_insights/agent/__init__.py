"""The LangGraph agent, chat-model resolution and the offline router.

Public names load lazily (the graph pulls in LangGraph and the tools): ``open_session``,
``AgentSession``, ``Answer``, ``StreamEvent``, ``OfflineRouter``, ``resolve_chat_model``,
``check_figures``, ``mask_pii``.
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

_EXPORTS = {
    "Answer": "crm_insights.agent.answer",
    "StreamEvent": "crm_insights.agent.answer",
    "ToolCallRecord": "crm_insights.agent.answer",
    "AgentSession": "crm_insights.agent.session",
    "open_session": "crm_insights.agent.session",
    "reset_session": "crm_insights.agent.session",
    "OfflineRouter": "crm_insights.agent.router",
    "resolve_chat_model": "crm_insights.agent.models",
    "check_figures": "crm_insights.agent.checks",
    "mask_pii": "crm_insights.agent.pii",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(import_module(_EXPORTS[name]), name)
    raise AttributeError(name)
