"""The agent session behind the public Python API: ask, stream, astream, history.

``open_session()`` builds the graph once per process (chat model, tools, checkpointer) and caches it;
every front end (CLI, HTTP server, Slack, MCP) calls it. Threads live in the checkpointer, so a new
process (or a second session object) continues a thread by its id.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import uuid
from collections.abc import AsyncIterator, Iterator, Sequence
from pathlib import Path
from typing import Any

from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.tools import BaseTool

from crm_insights.agent.answer import Answer, StreamEvent, ToolCallRecord
from crm_insights.agent.graph import build_graph, message_text
from crm_insights.agent.language import detect_language
from crm_insights.agent.memory import Checkpointer, open_checkpointer
from crm_insights.agent.models import ResolvedModel, resolve_chat_model
from crm_insights.agent.pii import should_mask
from crm_insights.agent.router import INTERNAL_KEY, ROUTER_KEY, split_turn, turn_steps
from crm_insights.config import Settings, get_settings
from crm_insights.errors import CrmInsightsError, InputError

log = logging.getLogger(__name__)

_SESSION: AgentSession | None = None
_SESSION_LOCK = threading.Lock()


def _parse(content: Any) -> Any:
    if not isinstance(content, str):
        return content
    try:
        return json.loads(content)
    except ValueError:
        return content


class AgentSession:
    """One compiled agent graph with its chat model, tools and thread memory.

    ``tools`` defaults to ``crm_insights.tools.TOOLS``; ``model`` (a chat model) overrides
    ``llm.model``; ``checkpointer`` overrides the one opened on the configured database.
    """

    def __init__(
        self,
        settings: Settings | None = None,
        *,
        tools: Sequence[BaseTool] | None = None,
        model: Any = None,
        checkpointer: Any = None,
        warm_up: bool = False,
    ):
        self.settings = settings or get_settings()
        llm = self.settings.llm
        if model is None:
            self.resolved = resolve_chat_model(self.settings)
        elif isinstance(model, ResolvedModel):
            self.resolved = model
        else:
            provider = "offline" if type(model).__name__ == "OfflineRouter" else "custom"
            self.resolved = ResolvedModel(model, provider, type(model).__name__)
        if tools is None:
            from crm_insights.tools import TOOLS

            tools = TOOLS
        self.tools = list(tools)
        self._own_checkpointer: Checkpointer | None = None
        if checkpointer is None:
            self._own_checkpointer = open_checkpointer(self.settings)
            checkpointer = self._own_checkpointer.saver
        self.checkpointer = checkpointer
        # Read once: settings.charts_dir resolves the home directory on the filesystem at every read.
        self._charts_dir = self.settings.charts_dir
        self.mask_pii = should_mask(llm.model, llm.base_url, llm.mask_pii) if model is None else bool(llm.mask_pii)
        self.graph = build_graph(
            self.resolved,
            self.tools,
            mask_pii=self.mask_pii,
            max_tool_rounds=llm.max_tool_rounds,
            check_retries=llm.check_retries,
            checkpointer=checkpointer,
        )
        # Only long-lived processes (the server) pay for the router's full warm-up (it loads the
        # sentence embedder, ~8 s cold); a one-shot `crm-insights ask` routes most questions with the
        # TF-IDF stage alone and loads the embedder only when a question needs it.
        if warm_up and self.resolved.is_router:
            warm = getattr(self.resolved.model, "warm_up", None)
            if callable(warm):
                warm()

    # -- public API ---------------------------------------------------------------------------------
    def ask(self, question: str, thread_id: str | None = None, *, charts: bool = True) -> Answer:
        """Answer one question; the same ``thread_id`` continues a conversation (also across processes).

        ``charts=False`` draws no chart PNGs (``Answer.charts`` is empty): a one-shot CLI answer that nobody
        looks at as an image skips matplotlib's import and the drawing (~1 s cold)."""
        answer: Answer | None = None
        for event in self._run(question, thread_id, charts=charts):
            if event.type == "answer":
                answer = Answer.model_validate(event.data)
        assert answer is not None  # _run always ends with an answer event or raises
        return answer

    def stream(self, question: str, thread_id: str | None = None) -> Iterator[StreamEvent]:
        """Tool calls and results as they happen, then the answer; a project error ends with an error event."""
        try:
            yield from self._run(question, thread_id)
        except CrmInsightsError as exc:
            yield StreamEvent(type="error", data={"code": exc.code, "message": str(exc)})

    async def astream(self, question: str, thread_id: str | None = None) -> AsyncIterator[StreamEvent]:
        """Async :meth:`stream` for servers: the graph runs in a worker thread, events arrive as they happen."""
        loop = asyncio.get_running_loop()
        iterator = self.stream(question, thread_id)
        done = object()
        while True:
            event = await loop.run_in_executor(None, next, iterator, done)
            if event is done:
                return
            yield event  # type: ignore[misc]

    def history(self, thread_id: str) -> list[dict[str, Any]]:
        """The thread's conversation: user questions and final answers, oldest first ([] for an unknown id)."""
        snapshot = self.graph.get_state({"configurable": {"thread_id": thread_id}})
        messages: list[BaseMessage] = (snapshot.values or {}).get("messages", []) if snapshot else []
        out: list[dict[str, Any]] = []
        pending: dict[str, Any] | None = None
        for msg in messages:
            if isinstance(msg, HumanMessage):
                if msg.additional_kwargs.get(INTERNAL_KEY):
                    continue
                if pending:
                    out.append(pending)
                    pending = None
                out.append({"role": "user", "content": message_text(msg)})
            elif isinstance(msg, AIMessage) and not msg.tool_calls:
                # A retried answer replaces the first attempt of the same turn.
                pending = {"role": "assistant", "content": message_text(msg)}
        if pending:
            out.append(pending)
        return out

    def tool_result(self, thread_id: str, tool_call_id: str) -> Any:
        """One tool call's result as the thread keeps it (parsed JSON); None if unknown or failed.

        Exports read it instead of running the tool again, so a download is exactly what the answer saw.
        """
        snapshot = self.graph.get_state({"configurable": {"thread_id": thread_id}})
        for msg in (snapshot.values or {}).get("messages", []) if snapshot else []:
            if isinstance(msg, ToolMessage) and msg.tool_call_id == tool_call_id:
                return None if msg.status == "error" else _parse(msg.content)
        return None

    def close(self) -> None:
        """Close the thread store this session opened."""
        if self._own_checkpointer is not None:
            self._own_checkpointer.close()
            self._own_checkpointer = None

    # -- internals ----------------------------------------------------------------------------------
    def _validate(self, question: str) -> str:
        if not isinstance(question, str) or not question.strip():
            raise InputError("question: empty; ask something about your customers")
        limit = self.settings.server.max_question_chars
        if len(question) > limit:
            raise InputError(f"question: {len(question)} characters, more than the {limit} allowed")
        return question.strip()

    def _run(self, question: str, thread_id: str | None, *, charts: bool = True) -> Iterator[StreamEvent]:
        question = self._validate(question)
        thread_id = thread_id or uuid.uuid4().hex
        config = {
            "configurable": {"thread_id": thread_id},
            "recursion_limit": 4 * self.settings.llm.max_tool_rounds + 12,
        }
        inputs = {"messages": [HumanMessage(question)], "warnings": [], "check_attempts": 0}
        names: dict[str, str] = {}
        stream_tokens = not self.resolved.is_router
        modes = ["updates", "messages"] if stream_tokens else ["updates"]
        # The offline router's turn takes milliseconds: its thread state is written once, when the turn ends
        # (one checkpoint instead of one per graph step, ~5). An LLM turn can take minutes, so its steps are
        # persisted as they happen.
        durability = "exit" if self.resolved.is_router else "async"
        for mode, chunk in self.graph.stream(inputs, config, stream_mode=modes, durability=durability):
            if mode == "messages":
                msg, meta = chunk
                is_text = isinstance(msg.content, str) and bool(msg.content)
                is_text = is_text and not getattr(msg, "tool_call_chunks", None)
                if meta.get("langgraph_node") == "agent" and is_text:
                    yield StreamEvent(type="token", data={"text": msg.content})
                continue
            for node, update in (chunk or {}).items():
                for msg in (update or {}).get("messages", []) if isinstance(update, dict) else []:
                    if node == "agent" and isinstance(msg, AIMessage):
                        for call in msg.tool_calls:
                            names[call.get("id") or ""] = call["name"]
                            yield StreamEvent(
                                type="tool_call",
                                data={"id": call.get("id"), "name": call["name"], "args": call["args"]},
                            )
                    elif node == "tools" and isinstance(msg, ToolMessage):
                        error = message_text(msg) if msg.status == "error" else None
                        yield StreamEvent(
                            type="tool_result",
                            data={
                                "id": msg.tool_call_id,
                                "name": msg.name or names.get(msg.tool_call_id, ""),
                                "result": None if error else _parse(msg.content),
                                "error": error,
                            },
                        )
        answer = self._answer(thread_id, question, charts=charts)
        if not stream_tokens:
            yield StreamEvent(type="token", data={"text": answer.answer})
        yield StreamEvent(type="answer", data=answer.model_dump())

    def _answer(self, thread_id: str, question: str, *, charts: bool = True) -> Answer:
        state = self.graph.get_state({"configurable": {"thread_id": thread_id}}).values
        messages: list[BaseMessage] = state.get("messages", [])
        at, _ = split_turn(messages)
        turn = messages[at + 1 :]
        final = next((m for m in reversed(turn) if isinstance(m, AIMessage) and not m.tool_calls), None)
        text = message_text(final) if final is not None else ""
        records: list[ToolCallRecord] = []
        evidence: list[dict[str, Any]] = []
        for step in turn_steps(turn):
            records.append(
                ToolCallRecord(
                    name=step.name, args=step.args, result=None if step.error else step.result, error=step.error
                )
            )
            if step.error is None and isinstance(step.result, dict) and isinstance(step.result.get("evidence"), dict):
                evidence.append(step.result["evidence"])
            else:
                evidence.append({"tool": step.name, "args": step.args, "error": step.error})
        router_state = final.additional_kwargs.get(ROUTER_KEY) if final is not None else None
        if router_state:
            # How the offline router chose: intent, score, which similarity (embeddings or TF-IDF), follow-up.
            evidence.append(
                {
                    "router": {
                        "intent": router_state.get("intent"),
                        "score": router_state.get("score"),
                        "similarity": router_state.get("similarity"),
                        "follow_up": router_state.get("follow_up"),
                        "inherited": router_state.get("inherited"),
                    }
                }
            )
        return Answer(
            answer=text,
            language=detect_language(question),
            thread_id=thread_id,
            tool_calls=records,
            evidence=evidence,
            charts=self._charts(records, thread_id) if charts else [],
            warnings=list(state.get("warnings") or []),
        )

    def _charts(self, records: Sequence[ToolCallRecord], thread_id: str) -> list[str]:
        try:
            from crm_insights.charts import chart_later
        except ImportError:
            return []
        out_dir: Path = self._charts_dir / thread_id
        paths: list[str] = []
        for rec in records:
            if rec.error is not None or not isinstance(rec.result, dict):
                continue
            try:
                # Laid out now, drawn in the background: the answer does not wait for its pictures.
                path = chart_later(rec.name, rec.result, out_dir)
            except Exception as exc:  # a chart is a nicety; never lose an answer over it
                log.warning("chart for %s failed: %s", rec.name, exc)
                continue
            if path is not None:
                paths.append(str(path))
        return paths


def open_session(settings: Settings | None = None, **overrides: Any) -> AgentSession:
    """The process-wide session (built once). With ``settings`` or overrides, a new uncached session."""
    global _SESSION
    if settings is not None or overrides:
        return AgentSession(settings, **overrides)
    with _SESSION_LOCK:
        if _SESSION is None:
            _SESSION = AgentSession()
        return _SESSION


def reset_session() -> None:
    """Close and forget the process-wide session (tests; after changing settings)."""
    global _SESSION
    with _SESSION_LOCK:
        if _SESSION is not None:
            _SESSION.close()
        _SESSION = None
