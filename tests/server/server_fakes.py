"""Fakes for the interface tests (imported as ``server_fakes``): an AgentSession and tools.

The fake session answers from canned tool results (shaped like the real tools' ``data`` +
``evidence``), renders real charts with :func:`crm_insights.charts.chart_later` (drawn in the background,
as the agent does), keeps per-thread history, and streams the same StreamEvent sequence the agent does.
The front ends only see the public contract, so these tests pin the interfaces, not the analytics.
"""

from __future__ import annotations

import asyncio
import json
import re
import threading
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import pytest
from langchain_core.tools import ToolException, tool

from crm_insights.agent.answer import Answer, StreamEvent, ToolCallRecord
from crm_insights.errors import NotFoundError, NotReadyError

FAILED = pytest.StashKey[bool]()  # set by conftest's report hook on a failed test (browser screenshots)

SEGMENTS = [
    {
        "segment": 0,
        "name_zh": "高价值忠诚客户",
        "name_en": "High-value loyal",
        "size": 1200,
        "share_customers": 0.12,
        "revenue_share": 0.55,
    },
    {
        "segment": 1,
        "name_zh": "潜力客户",
        "name_en": "Promising",
        "size": 3100,
        "share_customers": 0.31,
        "revenue_share": 0.27,
    },
    {
        "segment": 2,
        "name_zh": "沉睡客户",
        "name_en": "Dormant",
        "size": 5700,
        "share_customers": 0.57,
        "revenue_share": 0.18,
    },
]
AT_RISK = [
    {"customer_id": "00042", "segment": 0, "churn_risk": 0.82, "value_at_risk": 1450.0, "p_active": 0.18},
    {"customer_id": "00007", "segment": 0, "churn_risk": 0.64, "value_at_risk": 990.5, "p_active": 0.36},
    {"customer_id": "01234", "segment": 1, "churn_risk": 0.47, "value_at_risk": 410.0, "p_active": 0.53},
]


# Customer-written feedback, hostile markup included: the page must show it as text, never run it.
HOSTILE_QUOTE = '物流太慢 <script>window.__pwned=1</script><img src=x onerror="window.__pwned=2">'
HITS = [
    {"feedback_id": 11, "customer_id": "00042", "sentiment": "negative", "score": 0.912, "quote": HOSTILE_QUOTE},
    {"feedback_id": 12, "customer_id": "00007", "sentiment": "negative", "score": 0.874, "quote": "包装破损，没人回复"},
    {"feedback_id": 13, "customer_id": "01234", "sentiment": "positive", "score": 0.651, "quote": "=1+1 价格实惠"},
]


def search_result() -> dict[str, Any]:
    return {
        "data": {"query": "物流", "segment": None, "hits": HITS},
        "evidence": {"tool": "search_feedback", "args": {"query": "物流"}, "index_version": "index-test",
                     "rows_considered": 3000},
    }  # fmt: skip


def markdown_answer() -> str:
    """An answer as the templates write it: a list, a table and a customer's quote."""
    table = "\n".join(f"| {h['customer_id']} | {h['sentiment']} | {h['score']} |" for h in HITS)
    return (
        f"找到 {len(HITS)} 条相关反馈：\n\n- 负面 2 条\n- 正面 1 条\n\n"
        f"| 客户 | 情感 | 相似度 |\n|---|---|---:|\n{table}\n\n"
        f"> {HITS[0]['quote']}\n"
    )


def segments_result() -> dict[str, Any]:
    return {
        "data": SEGMENTS,
        "evidence": {"tool": "list_segments", "args": {}, "model_version": "segments-test", "rows_considered": 10000},
    }


def at_risk_result(top_n: int = 10, segment: str | None = None) -> dict[str, Any]:
    rows = [r for r in AT_RISK if segment is None or str(r["segment"]) == segment][:top_n]
    return {
        "data": rows,
        "evidence": {
            "tool": "at_risk_customers",
            "args": {"top_n": top_n, "segment": segment},
            "model_version": "forecast-test",
            "rows_considered": 10000,
        },
    }


@tool
def list_segments() -> dict:
    """List customer segments with their size and revenue share."""
    return segments_result()


@tool
def at_risk_customers(top_n: int = 10, segment: str | None = None, horizon_weeks: int = 13) -> dict:
    """Customers most likely to churn, ranked by value at risk."""
    return at_risk_result(top_n, segment)


@tool
def customer_profile(customer: str) -> dict:
    """Profile of one customer: orders, spend, segment, forecast."""
    cid = customer.strip().lstrip("Cc").zfill(5)
    if cid != "00042":
        raise ToolException(f"customer {customer!r} not found") from NotFoundError(f"customer {customer!r} not found")
    return {
        "data": {"customer_id": cid, "orders": 7, "spend": 1450.0, "segment": 0},
        "evidence": {"tool": "customer_profile", "args": {"customer": customer}, "rows_considered": 7},
    }


FAKE_TOOLS = [list_segments, at_risk_customers, customer_profile]


class FakeSession:
    """Implements the AgentSession contract (ask/stream/astream/history/close) over canned results."""

    def __init__(self, charts_dir: Path, delay: float = 0.0):
        self.charts_dir = charts_dir
        self.delay = delay
        self.threads: dict[str, list[dict[str, str]]] = {}
        self.asked: list[tuple[str, str]] = []
        self.lock = threading.Lock()
        self.closed = False
        self.results: dict[tuple[str, str], Any] = {}  # (thread, tool call id) -> result, like a checkpoint

    def _plan(self, question: str) -> tuple[str, dict[str, Any], dict[str, Any]]:
        q = question.lower()
        if "boom" in q:
            raise RuntimeError("simulated bug")
        if "not ready" in q:
            raise NotReadyError("no forecast model has been trained yet; run `crm-insights train forecast`")
        if "risk" in q or "流失" in q:
            return "at_risk_customers", {"top_n": 10}, at_risk_result()
        if "表格" in q or "markdown" in q:
            return "search_feedback", {"query": "物流"}, search_result()
        if "profile" in q:
            return "customer_profile", {"customer": "42"}, customer_profile.invoke({"customer": "42"})
        return "list_segments", {}, segments_result()

    def _answer(self, question: str, thread_id: str | None) -> Answer:
        return self._turn(question, thread_id)[0]

    def _turn(self, question: str, thread_id: str | None) -> tuple[Answer, str]:
        """The answer and its tool call's id."""
        from crm_insights.charts import chart_later

        thread_id = thread_id or f"t-{len(self.threads) + 1}"
        name, args, result = self._plan(question)
        lang = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in question) else "en"
        with self.lock:
            history = self.threads.setdefault(thread_id, [])
            turn = sum(1 for m in history if m["role"] == "user") + 1
        rows = len(result["data"]) if isinstance(result["data"], list) else 1
        text = f"第{turn}轮：共 {rows} 条结果（{name}）。" if lang == "zh" else f"Turn {turn}: {rows} rows from {name}."
        if "inject" in question:  # an answer quoting hostile feedback
            text = 'Quote: **bold** <img src=x onerror="window.__pwned=1">'
        if name == "search_feedback":
            text = markdown_answer()
        chart = chart_later(name, result, self.charts_dir / thread_id)  # per-thread folders, like the agent
        with self.lock:
            history += [{"role": "user", "content": question}, {"role": "assistant", "content": text}]
            self.asked.append((thread_id, question))
            call_id = f"call_{len(self.results) + 1:04d}"
            self.results[(thread_id, call_id)] = json.loads(json.dumps(result))
        answer = Answer(
            answer=text,
            language=lang,
            thread_id=thread_id,
            tool_calls=[ToolCallRecord(name=name, args=args, result=result)],
            evidence=[result["evidence"]],
            charts=[str(chart)] if chart else [],
        )
        return answer, call_id

    def ask(self, question: str, thread_id: str | None = None) -> Answer:
        if self.delay:
            time.sleep(self.delay)
        return self._answer(question, thread_id)

    def stream(self, question: str, thread_id: str | None = None) -> Iterator[StreamEvent]:
        answer, call_id = self._turn(question, thread_id)
        call = answer.tool_calls[0]
        yield StreamEvent(type="tool_call", data={"id": call_id, "name": call.name, "args": call.args})
        yield StreamEvent(
            type="tool_result",
            data={"id": call_id, "name": call.name, "result": call.result, "evidence": answer.evidence[0]},
        )
        for piece in re.findall(r"\S+\s*", answer.answer):
            yield StreamEvent(type="token", data={"text": piece})
        yield StreamEvent(type="answer", data=answer.model_dump(mode="json"))

    async def astream(self, question: str, thread_id: str | None = None) -> AsyncIterator[StreamEvent]:
        if self.delay:
            await asyncio.sleep(self.delay)
        for event in await asyncio.to_thread(lambda: list(self.stream(question, thread_id))):
            await asyncio.sleep(0.01)  # let the client see the steps arrive one by one
            yield event

    def history(self, thread_id: str) -> list[dict[str, str]]:
        with self.lock:
            return list(self.threads.get(thread_id, []))

    def tool_result(self, thread_id: str, tool_call_id: str) -> Any:
        with self.lock:
            return self.results.get((thread_id, tool_call_id))

    def close(self) -> None:
        self.closed = True


class LiveServer:
    """A uvicorn server for ``app`` on 127.0.0.1 (free port) in a background thread."""

    def __init__(self, app: Any):
        import socket

        import uvicorn

        sock = socket.socket()
        sock.bind(("127.0.0.1", 0))
        self.port = sock.getsockname()[1]
        sock.close()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="on")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.time() + 20
        while not self.server.started:
            if time.time() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


def sse_events(text: str) -> list[tuple[str, Any]]:
    """(event name, JSON data) pairs of a Server-Sent Events body."""
    events = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        name, data = "message", []
        for line in block.split("\n"):
            if line.startswith("event:"):
                name = line[6:].strip()
            elif line.startswith("data:"):
                data.append(line[5:].lstrip())
        if data:
            events.append((name, json.loads("\n".join(data))))
    return events
