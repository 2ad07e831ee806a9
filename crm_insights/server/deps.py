"""Small helpers shared by the routes: the server state, tool calls, answer payloads, id checks."""

from __future__ import annotations

import re
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from crm_insights.errors import CrmInsightsError, InputError
from crm_insights.server.state import ServerState

THREAD_ID_RE = re.compile(r"^[A-Za-z0-9:._@-]{1,200}$")


def get_state(request: Request) -> ServerState:
    state: ServerState = request.app.state.crm
    return state


def check_thread_id(thread_id: str | None) -> str | None:
    if thread_id is not None and not THREAD_ID_RE.match(thread_id):
        raise InputError("thread_id: use 1-200 characters from letters, digits and : . _ @ -")
    return thread_id


def check_question(question: str, state: ServerState) -> str:
    question = question.strip()
    if not question:
        raise InputError("question: must not be empty")
    limit = state.settings.server.max_question_chars
    if len(question) > limit:
        raise InputError(f"question: {len(question)} characters, the limit is {limit}")
    return question


def answer_payload(answer: Any, state: ServerState) -> dict[str, Any]:
    """The Answer as JSON plus ``chart_urls`` (the server paths of its PNGs)."""
    data: dict[str, Any] = answer.model_dump(mode="json") if hasattr(answer, "model_dump") else dict(answer)
    data["chart_urls"] = [u for u in (state.chart_url(p) for p in data.get("charts", [])) if u]
    return data


async def run_tool(state: ServerState, name: str, args: dict[str, Any]) -> dict[str, Any]:
    """Invoke a registered tool off the event loop; tool errors a caller can fix become 4xx."""
    from langchain_core.tools import ToolException
    from pydantic import ValidationError

    tool = state.require_tool(name)
    try:
        result: dict[str, Any] = await run_in_threadpool(tool.invoke, args)
    except ToolException as exc:
        cause = exc.__cause__
        if isinstance(cause, CrmInsightsError):
            raise cause from exc
        raise InputError(str(exc)) from exc
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
        raise InputError(problems) from exc
    return result
