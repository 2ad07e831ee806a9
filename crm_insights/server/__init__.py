"""The service's front ends over the public Python API: HTTP API, web chat, Slack bot, MCP server.

``crm-insights serve [--host H] [--port P] [--workers N]`` runs :func:`create_app` under uvicorn.

Routes (``/v1/*``, ``/charts/*`` and ``/mcp`` need ``Authorization: Bearer <key>`` when
``CRM_INSIGHTS_API_KEYS`` is set; errors are ``{"error": {"code", "message", "type"}}``):

- ``GET /`` web chat page (no CDN); ``GET /healthz`` alive; ``GET /readyz`` ready or 503 with what is missing
- ``POST /v1/ask`` ``{"question", "thread_id"?}`` -> Answer JSON (+ ``chart_urls``); ``?stream=true`` or
  ``POST /v1/ask/stream`` -> Server-Sent Events ``thread``, ``tool_call``, ``tool_result``, ``token``,
  ``answer``, ``error``
- ``GET /v1/threads``; ``GET|POST /v1/threads/{id}/messages``: threads are private to the API key that
  made them (another key's thread is 404, like one that does not exist); without keys, one shared owner
- ``POST /v1/chat/completions`` (OpenAI-compatible, model ``crm-insights``, ``stream: true`` supported);
  ``GET /v1/models``
- ``GET /v1/segments``, ``GET /v1/customers/{id}``, ``GET /v1/customers/at-risk?top_n=&segment=``
- ``GET /charts/{name}`` chart PNGs; ``/mcp`` MCP over streamable HTTP; ``POST /slack/events`` Slack
  Events API (when a bot token and signing secret are configured); ``/openapi.json``, ``/docs``
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def create_app(*args: Any, **kwargs: Any) -> Any:
    """See :func:`crm_insights.server.app.create_app` (imported lazily: FastAPI is not light)."""
    from crm_insights.server.app import create_app as _create

    return _create(*args, **kwargs)
