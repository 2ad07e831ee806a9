"""The registry as the agent sees it: schemas for bind_tools, errors as tool messages via ToolNode."""

from __future__ import annotations

import json
from typing import Any

from langchain_core.messages import AIMessage, ToolMessage
from langchain_core.utils.function_calling import convert_to_openai_tool
from langgraph.graph import END, START, MessagesState, StateGraph
from langgraph.prebuilt import ToolNode

from crm_insights.tools import TOOLS, TOOLS_BY_NAME

EXPECTED = {
    "crm_overview",
    "customer_profile",
    "list_segments",
    "describe_segment",
    "explain_customer_segment",
    "forecast_customer",
    "at_risk_customers",
    "forecast_totals",
    "customer_value",
    "analyze_sentiment",
    "sentiment_summary",
    "search_feedback",
    "feedback_themes",
    "metric_query",
    "cohort_retention",
    "feedback_followup",
    "assistant_status",
}


def test_registry_names_and_openai_schemas() -> None:
    assert {t.name for t in TOOLS} == EXPECTED and len(TOOLS) == len(EXPECTED)
    for tool in TOOLS:
        spec = convert_to_openai_tool(tool)
        fn = spec["function"]
        assert fn["name"] == tool.name
        assert len(fn["description"]) > 80 and "Use it" in fn["description"]
        params = fn["parameters"]
        assert params["type"] == "object"
        json.dumps(spec)  # JSON-able
        for name, prop in params.get("properties", {}).items():
            assert prop.get("description"), f"{tool.name}.{name} has no description"


def test_toolnode_returns_results_and_errors_as_messages(fakes: Any) -> None:
    graph = StateGraph(MessagesState)
    graph.add_node("tools", ToolNode(TOOLS))
    graph.add_edge(START, "tools")
    graph.add_edge("tools", END)
    node = graph.compile()
    calls = [
        {"name": "crm_overview", "args": {"top_n": 1}, "id": "a", "type": "tool_call"},
        {"name": "customer_profile", "args": {"customer": "nobody"}, "id": "b", "type": "tool_call"},
        {
            "name": "forecast_customer",
            "args": {"customer": "1", "horizon_weeks": "many"},
            "id": "c",
            "type": "tool_call",
        },
        {"name": "crm_overview", "args": {"bogus": 1}, "id": "d", "type": "tool_call"},
    ]
    out = node.invoke({"messages": [AIMessage(content="", tool_calls=calls)]})
    msgs: list[ToolMessage] = [m for m in out["messages"] if isinstance(m, ToolMessage)]
    by_id = {m.tool_call_id: m for m in msgs}
    ok = json.loads(by_id["a"].content)
    assert by_id["a"].status == "success" and ok["data"]["customers"] == 6
    assert ok["evidence"]["tool"] == "crm_overview"
    assert by_id["b"].status == "error" and "no customer matches 'nobody'" in by_id["b"].content
    assert by_id["c"].status == "error" and "horizon_weeks" in by_id["c"].content
    assert by_id["d"].status == "error" and "bogus" in by_id["d"].content


def test_every_tool_gives_evidence(fakes: Any) -> None:
    args = {
        "crm_overview": {},
        "customer_profile": {"customer": "100"},
        "list_segments": {},
        "describe_segment": {"segment": "0"},
        "explain_customer_segment": {"customer": "100"},
        "forecast_customer": {"customer": "100"},
        "at_risk_customers": {},
        "forecast_totals": {"period": "next_quarter"},
        "customer_value": {"customer": "100"},
        "analyze_sentiment": {"texts": ["很好"]},
        "sentiment_summary": {},
        "search_feedback": {"query": "物流"},
        "feedback_themes": {},
        "metric_query": {"measures": ["revenue"], "grain": "month"},
        "cohort_retention": {"periods": 3},
        "feedback_followup": {},
        "assistant_status": {},
    }
    assert set(args) == EXPECTED
    for name, a in args.items():
        out = TOOLS_BY_NAME[name].invoke(a)
        assert isinstance(out, dict), (name, out)
        assert set(out) == {"data", "evidence"}
        ev = out["evidence"]
        assert ev["tool"] == name and isinstance(ev["args"], dict) and isinstance(ev["rows_considered"], int)
        json.dumps(out, ensure_ascii=False)


def test_bugs_propagate(fakes: Any) -> None:
    def broken(*_a: Any, **_k: Any) -> Any:
        raise RuntimeError("bug in the model")

    fakes.segments.segments = broken  # type: ignore[method-assign]
    try:
        TOOLS_BY_NAME["list_segments"].invoke({"type": "tool_call", "id": "x", "name": "list_segments", "args": {}})
    except RuntimeError as exc:
        assert "bug in the model" in str(exc)
    else:
        raise AssertionError("a bug must not be turned into a tool message")
