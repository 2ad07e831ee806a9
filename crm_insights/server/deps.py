"""Small helpers shared by the routes: the server state, the caller's identity, tool calls, answer payloads,
id checks."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from crm_insights.errors import CrmInsightsError, InputError
from crm_insights.server.auth import IDENTITY_SCOPE_KEY, LOCAL_IDENTITY
from crm_insights.server.state import ServerState, agent_thread_id

THREAD_ID_RE = re.compile(r"^[A-Za-z0-9:._@-]{1,200}$")


def get_state(request: Request) -> ServerState:
    state: ServerState = request.app.state.crm
    return state


def get_identity(request: Request) -> str:
    """Who is calling: the API key's fingerprint (set by :class:`~crm_insights.server.auth.ApiKeyMiddleware`).

    A request the middleware did not identify is the local identity only when no keys are configured;
    with keys it is refused (a route outside the guarded prefixes must not reach per-key data).
    """
    identity: str | None = request.scope.get(IDENTITY_SCOPE_KEY)
    if identity:
        return identity
    if get_state(request).settings.api_key_list:
        from starlette.exceptions import HTTPException

        raise HTTPException(401, "missing or invalid API key: send 'Authorization: Bearer <key>'")
    return LOCAL_IDENTITY


# Async twins for ``Depends``: FastAPI runs a plain ``def`` dependency in a worker thread (two thread hops per
# request for these two lookups, ~3% of a warm answer's CPU); an ``async def`` one runs inline.
async def state_dep(request: Request) -> ServerState:
    """:func:`get_state` as a dependency that FastAPI calls on the event loop."""
    return get_state(request)


async def identity_dep(request: Request) -> str:
    """:func:`get_identity` as a dependency that FastAPI calls on the event loop."""
    return get_identity(request)


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


async def ask_agent(
    state: ServerState,
    identity: str,
    question: str,
    thread_id: str,
    *,
    source: str | None = None,
    after: Callable[[Any], None] | None = None,
) -> Any:
    """``session.ask`` in ``identity``'s ``thread_id``, in a worker thread, at most ``server.agent_concurrency``
    at a time.

    With ``source`` the turn is noted in the thread list first, and ``after(answer)`` runs once it is
    answered, both in the same worker thread: one thread hop per answer instead of one per step.
    """
    import anyio

    session = state.require_session()
    agent_thread = agent_thread_id(identity, thread_id)

    def turn() -> Any:
        if source is not None:
            state.touch_thread(identity, thread_id, question, source)
        answer = session.ask(question, thread_id=agent_thread)
        if after is not None:
            after(answer)
        return answer

    return await anyio.to_thread.run_sync(turn, limiter=state.agent_limiter())


def answer_payload(answer: Any, state: ServerState, identity: str, thread_id: str) -> dict[str, Any]:
    """The Answer as JSON plus ``chart_urls`` (the server paths of its PNGs), under the client's ``thread_id``.

    The agent saw the namespaced id; the client gets back the plain one it used (or was given).
    """
    data: dict[str, Any] = answer.model_dump(mode="json") if hasattr(answer, "model_dump") else dict(answer)
    data["thread_id"] = thread_id
    data["chart_urls"] = [u for u in (state.chart_url(p, identity) for p in data.get("charts", [])) if u]
    return data


def call_tool(tool: Any, args: dict[str, Any]) -> Any:
    """Run a LangChain tool so that its errors raise (``tool.invoke`` would turn them into text).

    The registry's tools set ``handle_tool_error`` so the agent's model reads errors as tool messages;
    front ends want the exception instead, to pick a status code, so they call the wrapped function.
    """
    func = getattr(tool, "func", None)
    if callable(func):
        return func(**args)
    return tool.invoke(args)


def tool_error(exc: Exception) -> CrmInsightsError:
    """The project error behind a tool failure (NotFoundError -> 404, NotReadyError -> 503, else 422)."""
    from pydantic import ValidationError

    cause = exc.__cause__ if exc.__cause__ is not None else exc
    if isinstance(cause, CrmInsightsError):
        return cause
    if isinstance(cause, ValidationError):
        return InputError(
            str(exc)
            if cause is not exc
            else "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in cause.errors())
        )
    return InputError(str(exc))


async def run_tool(state: ServerState, name: str, args: dict[str, Any]) -> dict[str, Any]:
    """Invoke a registered tool off the event loop; tool errors a caller can fix become 4xx/503."""
    from langchain_core.tools import ToolException
    from pydantic import ValidationError

    tool = state.require_tool(name)
    try:
        result: dict[str, Any] = await run_in_threadpool(call_tool, tool, args)
    except (ToolException, ValidationError) as exc:
        raise tool_error(exc) from exc
    return result
