"""The agent graph: model -> tools loop, then a figure check, with per-thread memory.

    START -> agent --(tool calls)--> tools -> agent ... --(answer)--> check --(ok / warned)--> END
                                                                         \\--(retry once)--> agent

One registry (``crm_insights.tools.TOOLS``, or injected tools) feeds both ``bind_tools`` and the
ToolNode, so the model can only call what the node can run; an unknown tool name comes back as an
error tool message, never as an action. Errors a model can fix come back as tool messages; bugs
propagate. For LLMs the system prompt (prompts/system.yaml) says tool results are data, each tool
result is wrapped as data, and PII is masked before anything leaves the machine.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Annotated, Any, TypedDict

from langchain_core.messages import AIMessage, AnyMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage
from langchain_core.tools import BaseTool, ToolException
from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.message import add_messages
from langgraph.prebuilt import ToolNode
from langgraph.prebuilt.tool_node import ToolInvocationError

from crm_insights.agent.checks import check_figures
from crm_insights.agent.language import detect_language
from crm_insights.agent.models import ResolvedModel
from crm_insights.agent.pii import mask_messages
from crm_insights.agent.router import INTERNAL_KEY, split_turn, turn_steps
from crm_insights.agent.templating import load_prompt, render
from crm_insights.errors import InputError, NotReadyError

log = logging.getLogger(__name__)

# An LLM sees the last few turns of a thread: enough for follow-ups, bounded for small context windows.
LLM_HISTORY_TURNS = 4
_WARNING = {
    "zh": "注意：回答中的这些数字在工具结果里找不到：{figures}",
    "en": "Warning: these figures in the answer were not found in any tool result: {figures}",
}


class AgentState(TypedDict, total=False):
    messages: Annotated[list[AnyMessage], add_messages]
    warnings: list[str]
    check_attempts: int


def message_text(msg: BaseMessage) -> str:
    """The text of a message whether its content is a string or a list of content blocks."""
    content = msg.content
    if isinstance(content, str):
        return content
    parts = []
    for block in content:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, dict) and block.get("type") == "text":
            parts.append(str(block.get("text", "")))
    return "".join(parts)


def _recent_turns(messages: Sequence[BaseMessage], turns: int) -> list[BaseMessage]:
    """The messages of the last ``turns`` user turns (cut at a user message, so tool pairs stay whole)."""
    starts = [
        i for i, m in enumerate(messages) if isinstance(m, HumanMessage) and not m.additional_kwargs.get(INTERNAL_KEY)
    ]
    if len(starts) <= turns:
        return list(messages)
    return list(messages[starts[-turns] :])


def _prepare_for_llm(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    """Tool results wrapped as data; tool-call messages given a text (some servers refuse a null content)."""
    wrapper = load_prompt("system")["tool_result_wrapper"]
    out: list[BaseMessage] = []
    for m in messages:
        if isinstance(m, ToolMessage):
            wrapped = render(wrapper, name=m.name or "tool", content=message_text(m))
            out.append(m.model_copy(update={"content": wrapped}))
        elif isinstance(m, AIMessage) and m.tool_calls and not message_text(m).strip():
            # ChatOpenAI sends "" as null next to tool_calls; llama.cpp's server rejects null (HTTP 500).
            out.append(m.model_copy(update={"content": " "}))
        else:
            out.append(m)
    return out


def build_graph(
    resolved: ResolvedModel,
    tools: Sequence[BaseTool],
    *,
    mask_pii: bool = False,
    max_tool_rounds: int = 6,
    check_retries: int = 1,
    checkpointer: BaseCheckpointSaver | None = None,
) -> Any:
    """Compile the agent graph for a resolved chat model and a tool list."""
    tool_list = list(tools)
    names = [t.name for t in tool_list]
    bound = resolved.model.bind_tools(tool_list, **resolved.bind_kwargs)
    system = load_prompt("system")

    def agent(state: AgentState) -> dict[str, Any]:
        messages = state["messages"]
        at, question = split_turn(messages)
        rounds = sum(1 for m in messages[at + 1 :] if isinstance(m, AIMessage) and m.tool_calls)
        if resolved.is_router:
            model_input: list[BaseMessage] = list(messages)
        else:
            lang = detect_language(question)
            prepared = _prepare_for_llm(_recent_turns(messages, LLM_HISTORY_TURNS))
            if mask_pii:
                prepared = mask_messages(prepared)
            model_input = [SystemMessage(render(system[lang], tools=names)), *prepared]
        # After max_tool_rounds the model answers from what it has (a small LLM can loop on tools).
        runnable = bound if rounds < max_tool_rounds else resolved.model
        response = runnable.invoke(model_input)
        return {"messages": [response]}

    def after_agent(state: AgentState) -> str:
        last = state["messages"][-1]
        return "tools" if isinstance(last, AIMessage) and last.tool_calls else "check"

    def check(state: AgentState) -> dict[str, Any]:
        messages = state["messages"]
        at, question = split_turn(messages)
        steps = turn_steps(messages[at + 1 :])
        # Tool output (errors included), the arguments and the question itself may be quoted back.
        sources: list[Any] = [question, *[s.error if s.error else s.result for s in steps], *[s.args for s in steps]]
        answer = message_text(messages[-1])
        result = check_figures(answer, sources)
        if result.ok:
            return {}
        lang = detect_language(question)
        attempts = state.get("check_attempts", 0)
        if not resolved.is_router and attempts < check_retries:
            log.info("figure check failed (%s); asking the model to rewrite", result.unsupported)
            retry = HumanMessage(result.findings(lang), additional_kwargs={INTERNAL_KEY: "figure_check"})
            return {"messages": [retry], "check_attempts": attempts + 1}
        warning = _WARNING[lang].format(figures=", ".join(result.unsupported))
        return {"warnings": [*state.get("warnings", []), warning]}

    def after_check(state: AgentState) -> str:
        last = state["messages"][-1]
        return "agent" if isinstance(last, HumanMessage) and last.additional_kwargs.get(INTERNAL_KEY) else END

    graph = StateGraph(AgentState)
    graph.add_node("agent", agent)
    graph.add_node(
        "tools",
        ToolNode(tool_list, handle_tool_errors=(ToolException, ToolInvocationError, InputError, NotReadyError)),
    )
    graph.add_node("check", check)
    graph.add_edge(START, "agent")
    graph.add_conditional_edges("agent", after_agent, {"tools": "tools", "check": "check"})
    graph.add_edge("tools", "agent")
    graph.add_conditional_edges("check", after_check, {"agent": "agent", END: END})
    return graph.compile(checkpointer=checkpointer)
