"""The chat model: reads the conversation like any chat model and replies with ``tool_calls`` (the next step of
a plan) or the final answer, with the router's state for the turn in ``additional_kwargs``."""

from __future__ import annotations

import json
import logging
import threading
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models import LanguageModelInput
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage, ToolMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.tools import BaseTool
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ConfigDict, PrivateAttr

from crm_insights.agent.language import detect_language
from crm_insights.agent.router import answers
from crm_insights.agent.router.decide import Decision, decide
from crm_insights.agent.router.knowledge import Knowledge
from crm_insights.agent.router.plan import Step, next_action
from crm_insights.agent.router.similarity import ExemplarIndex

log = logging.getLogger(__name__)

ROUTER_KEY = "crm_router"  # AIMessage.additional_kwargs key holding the router's state for the turn
INTERNAL_KEY = "crm_internal"  # marks messages the graph adds (figure-check retries), not the user's


def split_turn(messages: Sequence[BaseMessage]) -> tuple[int, str]:
    """(index of the current question, its text): the last human message the user wrote."""
    for i in range(len(messages) - 1, -1, -1):
        msg = messages[i]
        if isinstance(msg, HumanMessage) and not msg.additional_kwargs.get(INTERNAL_KEY):
            return i, msg.text if hasattr(msg, "text") and isinstance(msg.text, str) else str(msg.content)
    return -1, ""


def previous_state(messages: Sequence[BaseMessage], before: int) -> dict[str, Any] | None:
    """The router state (intent + slots) of the last finished turn before index ``before``."""
    for msg in reversed(messages[:before]):
        if isinstance(msg, AIMessage):
            state = msg.additional_kwargs.get(ROUTER_KEY)
            if state and state.get("final"):
                return {"intent": state.get("intent"), "slots": state.get("slots") or {}}
    return None


def turn_steps(messages: Sequence[BaseMessage]) -> list[Step]:
    """Tool calls of this turn with their results (tool messages matched by call id)."""
    results: dict[str, ToolMessage] = {m.tool_call_id: m for m in messages if isinstance(m, ToolMessage)}
    steps: list[Step] = []
    for msg in messages:
        if isinstance(msg, AIMessage):
            for call in msg.tool_calls:
                tm = results.get(call.get("id") or "")
                if tm is None:
                    continue
                content = tm.content if isinstance(tm.content, str) else json.dumps(tm.content, ensure_ascii=False)
                try:
                    parsed: Any = json.loads(content)
                except (TypeError, ValueError):
                    parsed = content
                error = content if tm.status == "error" else None
                steps.append(Step(call["name"], dict(call.get("args") or {}), parsed, error))
    return steps


class OfflineRouter(BaseChatModel):
    """Rules + exemplar similarity + a plan table, as a chat model that emits real ``tool_calls``.

    ``similarity``: ``auto`` (embeddings when the base model exists, else TF-IDF), ``tfidf`` or
    ``embeddings``. ``embedder_factory`` returns the embedder (tests and the session inject it).
    ``cache_dir``: where the exemplars' embeddings are kept between processes (None: not kept).
    """

    model_config = ConfigDict(arbitrary_types_allowed=True)

    similarity: str = "auto"
    embedder_factory: Callable[[], Any] | None = None
    cache_dir: str | None = None
    _knowledge: Knowledge | None = PrivateAttr(default=None)
    _index: ExemplarIndex | None = PrivateAttr(default=None)
    _lock: threading.Lock = PrivateAttr(default_factory=threading.Lock)

    @property
    def _llm_type(self) -> str:
        return "crm-offline-router"

    @property
    def _identifying_params(self) -> dict[str, Any]:
        return {"similarity": self.similarity}

    @property
    def knowledge(self) -> Knowledge:
        if self._knowledge is None:
            self._knowledge = Knowledge.load()
        return self._knowledge

    @property
    def index(self) -> ExemplarIndex:
        """The exemplar index, built on first use: TF-IDF now, the embedder only when a question needs it."""
        with self._lock:
            if self._index is None:
                factory = self.embedder_factory if self.similarity != "tfidf" else None
                floor = float(self.knowledge.scoring.get("embedding_floor", 0.78))
                strict = self.similarity == "embeddings"
                self._index = ExemplarIndex(
                    self.knowledge, None, floor, embedder_factory=factory, strict=strict, cache_dir=self.cache_dir
                )
            return self._index

    def warm_up(self) -> None:
        """Build the exemplar index and load the embedder now (a server; the first question would otherwise pay
        for them). A one-shot CLI question skips this: TF-IDF decides most questions without the embedder."""
        self.index.similarities("warm up")
        self.index.load_embeddings()

    def bind_tools(
        self,
        tools: Sequence[dict[str, Any] | type | Callable[..., Any] | BaseTool],
        *,
        tool_choice: str | None = None,
        **kwargs: Any,
    ) -> Runnable[LanguageModelInput, AIMessage]:
        formatted = [convert_to_openai_tool(t) for t in tools]
        return self.bind(tools=formatted, **kwargs)

    def decide(self, messages: Sequence[BaseMessage]) -> Decision:
        """The decision for the current question of ``messages`` (for tests and the evaluation)."""
        at, question = split_turn(messages)
        return decide(question, previous_state(messages, at), self.knowledge, self.index)

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        tools: dict[str, Mapping[str, Any]] = {}
        for spec in kwargs.get("tools") or []:
            fn = spec.get("function", spec)
            tools[fn["name"]] = fn.get("parameters") or {}
        at, question = split_turn(messages)
        turn = messages[at + 1 :] if at >= 0 else []
        state = next(
            (
                m.additional_kwargs[ROUTER_KEY]
                for m in turn
                if isinstance(m, AIMessage) and ROUTER_KEY in m.additional_kwargs
            ),
            None,
        )
        try:
            if state is not None:
                decision = Decision.from_dict(state)
            else:
                decision = decide(question, previous_state(messages, at), self.knowledge, self.index)
            action = next_action(decision, turn_steps(turn), tools, self.knowledge)
        except Exception:
            # A question the router's rules trip over must not end the conversation with a server error: the
            # user gets a plain "could not handle this one" in their language and the thread goes on (the
            # traceback is logged). Under tests (answers.STRICT) it raises, so a test sees the bug.
            if answers.STRICT:
                raise
            log.exception("offline router failed on %r", question)
            text = answers.render_shared(self.knowledge, "router_error", detect_language(question))
            return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])
        if action.kind == "call":
            assert action.tool is not None
            message = AIMessage(
                content="",
                tool_calls=[
                    {
                        "name": action.tool,
                        "args": action.args,
                        "id": f"call_{uuid.uuid4().hex[:16]}",
                        "type": "tool_call",
                    }
                ],
                additional_kwargs={ROUTER_KEY: decision.to_dict()},
            )
        else:
            final = {**decision.to_dict(), "slots": _jsonable(action.slots), "final": True}
            message = AIMessage(content=action.text, additional_kwargs={ROUTER_KEY: final})
        return ChatResult(generations=[ChatGeneration(message=message)])


def _jsonable(value: Any) -> Any:
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))
