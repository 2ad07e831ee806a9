"""OpenAI-compatible chat completions, so Open WebUI, LibreChat or the ``openai`` client work unchanged.

Model name ``crm-insights``. A conversation maps to one agent thread:

1. ``metadata.thread_id`` (or the ``X-Thread-Id`` header) names the thread explicitly;
2. otherwise the server hashes the conversation so far (``user`` plus the role and text of every
   user/assistant message before the last user message). After each answer it remembers the hash of
   the conversation *including* that answer, so the client's next request - which resends the
   history - lands on the same thread. These hashes are kept in the store's database, so a
   conversation carries on after a restart. A first message starts a fresh thread. A conversation the
   server has not seen gets a thread derived from that hash, so retries agree with each other.

Both are private to the caller's identity (its API key, see :mod:`crm_insights.server.state`): the
hash includes the identity, and an explicit thread id names the caller's own thread of that id, so two
keys sending the same conversation or the same ``thread_id`` get two separate threads.

System messages are left out of the hash: front ends rewrite them (dates, personas) between turns.
Answers carry the agent's tool calls, evidence and chart URLs under the extra key ``crm_insights``.
"""

from __future__ import annotations

import json
import logging
import time
import uuid
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Depends, Header
from pydantic import BaseModel, ConfigDict, Field
from sse_starlette import EventSourceResponse
from starlette.concurrency import run_in_threadpool

from crm_insights import __version__
from crm_insights.errors import CrmInsightsError, InputError, NotFoundError
from crm_insights.server.deps import (
    answer_payload,
    ask_agent,
    check_question,
    check_thread_id,
    identity_dep,
    state_dep,
)
from crm_insights.server.state import ServerState, agent_thread_id, conversation_key

logger = logging.getLogger("crm_insights.server")
router = APIRouter(prefix="/v1", tags=["openai"])

MODEL_ID = "crm-insights"
STARTED = int(time.time())


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")
    role: str
    content: str | list[dict[str, Any]] | None = None


class ChatRequest(BaseModel):
    model_config = ConfigDict(extra="allow")  # temperature, top_p ... are accepted and ignored
    model: str = MODEL_ID
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    user: str | None = None
    metadata: dict[str, Any] | None = None


def message_text(message: ChatMessage) -> str:
    if isinstance(message.content, str):
        return message.content
    if isinstance(message.content, list):
        return "".join(str(p.get("text", "")) for p in message.content if p.get("type") in ("text", "input_text"))
    return ""


def _turns(messages: list[ChatMessage]) -> list[dict[str, str]]:
    # Stripped: clients trim trailing whitespace of the answers they send back.
    return [{"role": m.role, "content": message_text(m).strip()} for m in messages if m.role in ("user", "assistant")]


def _continues(req: ChatRequest, header_thread: str | None) -> bool:
    """Whether :func:`resolve_thread` looks the conversation up (no explicit thread, earlier turns)."""
    explicit = (req.metadata or {}).get("thread_id") or header_thread
    return not explicit and len(_turns(req.messages)) > 1


def resolve_thread(
    req: ChatRequest, header_thread: str | None, state: ServerState, identity: str
) -> tuple[str, str, list]:
    """(thread_id, question, conversation turns before the question) for ``identity``'s chat request."""
    turns = _turns(req.messages)
    if not turns or turns[-1]["role"] != "user":
        raise InputError("messages: the last user/assistant message must be from the user")
    question = check_question(turns[-1]["content"], state)
    earlier = turns[:-1]
    explicit = (req.metadata or {}).get("thread_id") or header_thread
    if explicit:
        return check_thread_id(str(explicit)) or "", question, earlier
    if not earlier:
        return f"oai-{uuid.uuid4().hex[:24]}", question, earlier
    known = state.conversation_thread(earlier, req.user, identity)
    if known:
        return known, question, earlier
    return f"oai-{conversation_key(earlier, req.user, identity)[:24]}", question, earlier


def token_text(data: dict[str, Any]) -> str:
    """The text of a ``token`` stream event, whichever key the chat model's adapter used."""
    for key in ("text", "token", "content", "delta"):
        value = data.get(key)
        if isinstance(value, str):
            return value
    return ""


def _extension(payload: dict[str, Any]) -> dict[str, Any]:
    return {
        "thread_id": payload.get("thread_id"),
        "language": payload.get("language"),
        "tool_calls": [{"name": t.get("name"), "args": t.get("args")} for t in payload.get("tool_calls", [])],
        "evidence": payload.get("evidence", []),
        "chart_urls": payload.get("chart_urls", []),
        "warnings": payload.get("warnings", []),
    }


@router.get("/models", summary="Models this endpoint serves (OpenAI format)")
async def list_models() -> dict[str, Any]:
    return {
        "object": "list",
        "data": [{"id": MODEL_ID, "object": "model", "created": STARTED, "owned_by": f"crm-insights {__version__}"}],
    }


@router.post("/chat/completions", summary="OpenAI-compatible chat completion (plain or stream: true)")
async def chat_completions(
    req: ChatRequest,
    x_thread_id: str | None = Header(None),
    state: ServerState = Depends(state_dep),
    identity: str = Depends(identity_dep),
) -> Any:
    if req.model != MODEL_ID:
        raise NotFoundError(f"model {req.model!r} does not exist; this server serves {MODEL_ID!r}")
    if _continues(req, x_thread_id):  # the conversation map is read from the database
        thread_id, question, earlier = await run_in_threadpool(resolve_thread, req, x_thread_id, state, identity)
    else:
        thread_id, question, earlier = resolve_thread(req, x_thread_id, state, identity)
    session = state.require_session()
    completion_id = f"chatcmpl-{uuid.uuid4().hex}"
    created = int(time.time())
    if req.stream:
        await run_in_threadpool(state.touch_thread, identity, thread_id, question, "openai")
        return EventSourceResponse(
            _chunks(state, session, identity, req, question, earlier, thread_id, completion_id, created),
            ping=15,
            headers={"X-Accel-Buffering": "no"},
        )

    def remember(answer: Any) -> None:
        said = [{"role": "user", "content": question}, {"role": "assistant", "content": answer.answer.strip()}]
        state.remember_conversation([*earlier, *said], req.user, identity, thread_id)

    answer = await ask_agent(state, identity, question, thread_id, source="openai", after=remember)
    payload = answer_payload(answer, state, identity, thread_id)
    text = payload["answer"]
    return {
        "id": completion_id,
        "object": "chat.completion",
        "created": created,
        "model": MODEL_ID,
        "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
        "crm_insights": _extension(payload),
    }


async def _chunks(
    state: ServerState,
    session: Any,
    identity: str,
    req: ChatRequest,
    question: str,
    earlier: list[dict[str, str]],
    thread_id: str,
    completion_id: str,
    created: int,
) -> AsyncIterator[dict[str, str]]:
    def chunk(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> dict[str, str]:
        body = {
            "id": completion_id,
            "object": "chat.completion.chunk",
            "created": created,
            "model": MODEL_ID,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
            **extra,
        }
        return {"data": json.dumps(body, ensure_ascii=False, default=str)}

    yield chunk({"role": "assistant", "content": ""})
    streamed: list[str] = []
    try:
        async with state.agent_limiter():
            async for event in session.astream(question, thread_id=agent_thread_id(identity, thread_id)):
                if event.type == "token":
                    piece = token_text(event.data)
                    if piece:
                        streamed.append(piece)
                        yield chunk({"content": piece})
                elif event.type == "answer":
                    payload = answer_payload(event.data, state, identity, thread_id)
                    text = payload["answer"]
                    done = "".join(streamed)
                    # Models that stream no tokens (the offline router) send the answer in one piece;
                    # otherwise send whatever the token stream missed.
                    if text.startswith(done) and len(text) > len(done):
                        yield chunk({"content": text[len(done) :]})
                    await run_in_threadpool(
                        state.remember_conversation,
                        [
                            *earlier,
                            {"role": "user", "content": question},
                            {"role": "assistant", "content": text.strip()},
                        ],
                        req.user,
                        identity,
                        thread_id,
                    )
                    yield chunk({}, "stop", crm_insights=_extension(payload))
                elif event.type == "error":
                    err = {"code": event.data.get("code", "agent_error"), "message": event.data.get("message", "")}
                    yield {"data": json.dumps({"error": err}, ensure_ascii=False)}
    except CrmInsightsError as exc:
        yield {"data": json.dumps({"error": {"code": exc.code, "message": str(exc)}}, ensure_ascii=False)}
    except Exception:
        logger.exception("chat completion stream failed for thread %s", thread_id)
        yield {"data": json.dumps({"error": {"code": "internal_error", "message": "internal server error"}})}
    yield {"data": "[DONE]"}
