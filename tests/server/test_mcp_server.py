"""MCP server, tested with the SDK's own client: in-memory, streamable HTTP at /mcp, and stdio."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import StdioServerParameters
from server_fakes import FAKE_TOOLS, LiveServer

from crm_insights.server.mcp_server import build_mcp_server


async def _check_client(client: Client) -> None:
    tools = {t.name: t for t in (await client.list_tools()).tools}
    assert {"list_segments", "at_risk_customers", "customer_profile"} <= set(tools)
    for t in tools.values():
        assert t.annotations is not None and t.annotations.read_only_hint is True
        assert t.annotations.destructive_hint is False
        assert t.output_schema is not None and {"data", "evidence"} <= set(t.output_schema["properties"])
    assert tools["customer_profile"].input_schema["required"] == ["customer"]
    result = await client.call_tool("at_risk_customers", {"top_n": 2})
    assert not result.is_error
    structured: dict[str, Any] = result.structured_content or {}
    assert [r["customer_id"] for r in structured["data"]] == ["00042", "00007"]
    assert structured["evidence"]["model_version"] == "forecast-test"
    missing = await client.call_tool("customer_profile", {"customer": "999"})
    assert missing.is_error and "not found" in missing.content[0].text  # type: ignore[union-attr]


def test_in_memory_client() -> None:
    anyio.run(_run_in_memory)


async def _run_in_memory() -> None:
    async with Client(build_mcp_server(FAKE_TOOLS)) as client:
        await _check_client(client)


def test_streamable_http_mounted_at_mcp(live_app: LiveServer) -> None:
    async def run() -> None:
        async with Client(live_app.url + "/mcp") as client:
            await _check_client(client)

    anyio.run(run)


@pytest.mark.slow
def test_stdio_lists_the_real_registry(isolated_settings: Path) -> None:
    """``crm-insights mcp`` over stdio: the real TOOLS registry, all read-only."""
    from crm_insights.tools import TOOLS

    repo = Path(__file__).resolve().parents[2]
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "crm_insights.cli", "mcp"],
        cwd=str(repo),
        env={**os.environ, "CRM_INSIGHTS_HOME": str(isolated_settings), "HF_HUB_OFFLINE": "1"},
    )

    async def run() -> None:
        async with Client(params, read_timeout_seconds=60) as client:
            tools = (await client.list_tools()).tools
            assert {t.name for t in tools} == {t.name for t in TOOLS}
            assert all(t.annotations and t.annotations.read_only_hint for t in tools)
            # No data in this store: the tool answers with an error a client can act on, not a crash.
            res = await client.call_tool("list_segments", {})
            assert res.is_error and "crm-insights" in res.content[0].text  # type: ignore[union-attr]

    anyio.run(run)


def test_metric_tools_are_exposed_like_the_others(settings: Any) -> None:
    """The real registry's metric_query over MCP: schema from the tool, figures from the store."""
    from datetime import datetime

    from sqlalchemy import insert

    from crm_insights.store import Customer, Order, init_store
    from crm_insights.tools import TOOLS
    from crm_insights.tools.context import ToolContext, reset_context, set_context

    engine = init_store(settings)
    with engine.begin() as conn:
        pk = conn.execute(insert(Customer).values(external_id="c1").returning(Customer.id)).scalar_one()
        for i, (day, amount) in enumerate((("1997-01-31", 10.0), ("1997-02-28", 20.0))):
            conn.execute(
                insert(Order).values(
                    external_id=f"o{i}", customer_id=pk, ordered_at=datetime.fromisoformat(day), amount=amount
                )
            )
    set_context(ToolContext(settings, engine=engine))

    async def run() -> None:
        async with Client(build_mcp_server(list(TOOLS))) as client:
            tools = {t.name: t for t in (await client.list_tools()).tools}
            assert {"metric_query", "cohort_retention", "feedback_followup"} <= set(tools)
            assert tools["metric_query"].input_schema["required"] == ["measures"]
            result = await client.call_tool("metric_query", {"measures": ["revenue"], "grain": "month"})
            assert not result.is_error
            data = (result.structured_content or {})["data"]
            assert [(r["period"], r["revenue"]) for r in data["rows"]] == [("1997-01", 10.0), ("1997-02", 20.0)]
            bad = await client.call_tool("metric_query", {"measures": ["nope"]})
            assert bad.is_error and "valid measures" in bad.content[0].text  # type: ignore[union-attr]

    try:
        anyio.run(run)
    finally:
        reset_context()
