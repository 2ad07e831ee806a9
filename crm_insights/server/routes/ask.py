"""Questions and threads: ``POST /v1/ask`` (JSON or SSE), ``/v1/threads``.

Server-Sent Events carry the agent's :class:`~crm_insights.agent.answer.StreamEvent` stream as
named events: ``tool_call``, ``tool_result``, ``token``, ``answer`` (the full Answer JSON plus
``chart_urls``) and ``error`` (``{"code", "message"}``).

Threads belong to the caller's identity (its API key; one local identity without keys, see
:mod:`crm_insights.server.state`): ``GET /v1/threads`` lists only the caller's, and another key's
thread answers 404 exactly like a thread that does not exist. ``POST /v1/ask`` with a ``thread_id``
starts or continues the caller's own thread of that id; ``/v1/threads/{id}/messages`` (GET and
POST) need the thread to exist for the caller.
"""

from __future__ import annotations

import json
import logging
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel, Field
from sse_starlette import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from crm_insights.errors import CrmInsightsError, NotFoundError
from crm_insights.server.deps import (
    answer_payload,
    ask_agent,
    check_question,
    check_thread_id,
    identity_dep,
    state_dep,
)
from crm_insights.server.state import ServerState, agent_thread_id

logger = logging.getLogger("crm_insights.server")
router = APIRouter(prefix="/v1", tags=["agent"])


class AskRequest(BaseModel):
    question: str = Field(description="The question, in Chinese or English.")
    thread_id: str | None = Field(None, description="Continue this thread; omit to start a new one.")
    stream: bool = Field(False, description="Answer as Server-Sent Events instead of one JSON body.")


class MessageRequest(BaseModel):
    content: str = Field(description="The user's message (a question).")
    stream: bool = False


async def ask_json(state: ServerState, identity: str, question: str, thread_id: str, source: str) -> dict[str, Any]:
    answer = await ask_agent(state, identity, question, thread_id, source=source)
    return answer_payload(answer, state, identity, thread_id)


async def event_stream(
    state: ServerState, identity: str, question: str, thread_id: str, source: str
) -> AsyncIterator[dict[str, str]]:
    """SSE events for one question; project errors become an ``error`` event, bugs are logged."""
    session = state.require_session()
    await run_in_threadpool(state.touch_thread, identity, thread_id, question, source)
    yield {"event": "thread", "data": json.dumps({"thread_id": thread_id})}
    try:
        async with state.agent_limiter():
            async for event in session.astream(question, thread_id=agent_thread_id(identity, thread_id)):
                data = dict(event.data)
                if event.type == "answer":
                    data = answer_payload(data, state, identity, thread_id)
                yield {"event": event.type, "data": json.dumps(data, ensure_ascii=False, default=str)}
    except CrmInsightsError as exc:
        yield {"event": "error", "data": json.dumps({"code": exc.code, "message": str(exc)}, ensure_ascii=False)}
    except Exception:
        logger.exception("stream failed for thread %s", thread_id)
        yield {"event": "error", "data": json.dumps({"code": "internal_error", "message": "internal server error"})}


def sse(state: ServerState, identity: str, question: str, thread_id: str, source: str) -> EventSourceResponse:
    # Fail before the 200 goes out when the agent is missing, so clients get a real status code.
    state.require_session()
    return EventSourceResponse(
        event_stream(state, identity, question, thread_id, source), ping=15, headers={"X-Accel-Buffering": "no"}
    )


async def require_thread(state: ServerState, identity: str, thread_id: str) -> list[dict[str, Any]]:
    """The caller's thread's messages; 404 when the caller has no such thread (whoever else may have one)."""
    check_thread_id(thread_id)
    session = state.require_session()
    messages: list[dict[str, Any]] = await run_in_threadpool(session.history, agent_thread_id(identity, thread_id))
    if not messages and not await run_in_threadpool(state.knows_thread, identity, thread_id):
        raise NotFoundError(f"no thread {thread_id!r}")
    return messages


@router.post("/ask", summary="Ask a question (JSON answer, or SSE with stream=true)")
async def ask(
    body: AskRequest,
    stream: bool = Query(False, description="Same as the body's stream flag."),
    state: ServerState = Depends(state_dep),
    identity: str = Depends(identity_dep),
) -> Any:
    question = check_question(body.question, state)
    thread_id = check_thread_id(body.thread_id) or uuid.uuid4().hex
    if stream or body.stream:
        return sse(state, identity, question, thread_id, "api")
    return await ask_json(state, identity, question, thread_id, "api")


@router.post("/ask/stream", summary="Ask a question, answered as Server-Sent Events")
async def ask_stream(
    body: AskRequest, state: ServerState = Depends(state_dep), identity: str = Depends(identity_dep)
) -> EventSourceResponse:
    question = check_question(body.question, state)
    thread_id = check_thread_id(body.thread_id) or uuid.uuid4().hex
    return sse(state, identity, question, thread_id, "api")


@router.get("/threads", summary="The caller's threads the server has answered in (newest first)")
async def list_threads(
    limit: int = Query(50, ge=1, le=500),
    state: ServerState = Depends(state_dep),
    identity: str = Depends(identity_dep),
) -> dict[str, Any]:
    return {"threads": await run_in_threadpool(state.list_threads, identity, limit)}


@router.get("/threads/{thread_id}/messages", summary="A thread's messages (role, content)")
async def thread_messages(
    thread_id: str, state: ServerState = Depends(state_dep), identity: str = Depends(identity_dep)
) -> dict[str, Any]:
    return {"thread_id": thread_id, "messages": await require_thread(state, identity, thread_id)}


@router.post("/threads/{thread_id}/messages", summary="Add a question to an existing thread and get the answer")
async def post_message(
    thread_id: str,
    body: MessageRequest,
    stream: bool = Query(False),
    state: ServerState = Depends(state_dep),
    identity: str = Depends(identity_dep),
) -> Any:
    question = check_question(body.content, state)
    await require_thread(state, identity, thread_id)
    if stream or body.stream:
        return sse(state, identity, question, thread_id, "api")
    return await ask_json(state, identity, question, thread_id, "api")
