"""The server over the real agent session and tools: a tiny store, real segments, the offline router.

No model conversion here: the router falls back to TF-IDF similarity when the base encoder is absent,
so this runs in seconds while exercising the real graph, tools, charts and thread memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import anyio
import numpy as np
import pytest
from fastapi.testclient import TestClient
from server_fakes import sse_events

from crm_insights.config import get_settings

AS_OF = datetime(2024, 1, 1)


@pytest.fixture
def real_client() -> Iterator[TestClient]:
    from crm_insights.analytics.segmentation import train_segments
    from crm_insights.server.app import create_app
    from crm_insights.store import Customer, Order, init_store, session_scope
    from crm_insights.tools.context import reset_context

    rng = np.random.default_rng(11)
    settings = get_settings()
    engine = init_store(settings)
    with session_scope(engine) as s:
        for i in range(60):
            cust = Customer(external_id=f"{i:05d}")
            s.add(cust)
            s.flush()
            group = i % 3
            for j in range([12, 1, 2][group]):
                day = int(rng.integers(0, 360)) if group == 0 else int(rng.integers(0, 40)) + (320 if group == 2 else 0)
                amount = float(rng.uniform(80, 200) if group == 0 else rng.uniform(5, 30))
                s.add(Order(external_id=f"o{i}-{j}", customer_id=cust.id, amount=amount, quantity=1,
                            ordered_at=AS_OF - timedelta(days=365 - day)))  # fmt: skip
    train_segments(engine, settings, k=3, as_of=AS_OF, progress=False)
    reset_context()
    try:
        with TestClient(create_app(settings)) as client:
            yield client
    finally:
        reset_context()


def test_real_agent_through_every_front_door(real_client: TestClient) -> None:
    c = real_client
    # OpenAI-compatible, Chinese question -> list_segments, chart served.
    question = {"model": "crm-insights", "messages": [{"role": "user", "content": "我们有哪些客户分群？"}]}
    res = c.post("/v1/chat/completions", json=question)
    assert res.status_code == 200, res.text
    body = res.json()
    extra: dict[str, Any] = body["crm_insights"]
    assert [t["name"] for t in extra["tool_calls"]] == ["list_segments"]
    assert extra["evidence"][0]["rows_considered"] == 60
    text = body["choices"][0]["message"]["content"]
    assert "60" in text
    assert extra["chart_urls"] and c.get(extra["chart_urls"][0]).headers["content-type"] == "image/png"
    # SSE: tool steps then the answer; the follow-up in the same thread is answered from memory.
    with c.stream("POST", "/v1/ask/stream", json={"question": "What customer segments do we have?"}) as r:
        events = sse_events(r.read().decode())
    names = [n for n, _ in events]
    assert "tool_call" in names and names[-1] == "answer", names
    answer = dict(events)["answer"]
    thread = answer["thread_id"]
    assert answer["language"] == "en" and answer["tool_calls"][0]["name"] == "list_segments"
    history = c.get(f"/v1/threads/{thread}/messages").json()["messages"]
    assert [m["role"] for m in history] == ["user", "assistant"]
    # Data routes call the same tools.
    seg = c.get("/v1/segments").json()
    assert len(seg["data"]["segments"]) == 3 and seg["evidence"]["model_version"].startswith("segments-")
    assert c.get("/v1/customers/00003").status_code == 200
    missing = c.get("/v1/customers/999999")
    assert missing.status_code == 404, missing.text
    no_forecast = c.get("/v1/customers/at-risk")
    assert no_forecast.status_code == 503 and "train forecast" in no_forecast.json()["error"]["message"]
    ready = c.get("/readyz").json()
    assert ready["checks"]["model:segments"]["ok"] and not ready["checks"]["model:forecast"]["ok"]


def test_real_tools_over_mcp(real_client: TestClient) -> None:
    from mcp import Client

    from crm_insights.server.mcp_server import build_mcp_server

    async def run() -> None:
        async with Client(build_mcp_server()) as client:
            res = await client.call_tool("list_segments", {})
            assert not res.is_error
            data = res.structured_content or {}
            assert len(data["data"]["segments"]) == 3
            assert json.loads(res.content[0].text)["evidence"]["tool"] == "list_segments"  # type: ignore[union-attr]
            bad = await client.call_tool("customer_profile", {"customer": "nobody-here"})
            assert bad.is_error

    anyio.run(run)
