"""The OpenAI-compatible endpoint, driven by the official ``openai`` client against uvicorn on 127.0.0.1."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from openai import NotFoundError, OpenAI
from server_fakes import FakeSession, LiveServer


@pytest.fixture
def oai(live_app: LiveServer) -> OpenAI:
    return OpenAI(base_url=live_app.url + "/v1", api_key="unused", max_retries=0, timeout=30)


def test_models_lists_crm_insights(oai: OpenAI) -> None:
    assert [m.id for m in oai.models.list().data] == ["crm-insights"]


def test_plain_completion_and_conversation_maps_to_one_thread(oai: OpenAI, fake_session: FakeSession) -> None:
    first_q = "我们有哪些客户分群？"
    first = oai.chat.completions.create(model="crm-insights", messages=[{"role": "user", "content": first_q}])
    assert first.object == "chat.completion"
    text = first.choices[0].message.content
    assert text and text.startswith("第1轮") and first.choices[0].finish_reason == "stop"
    extra: dict[str, Any] = first.model_extra["crm_insights"]  # type: ignore[index]
    assert extra["tool_calls"][0]["name"] == "list_segments"
    assert extra["chart_urls"][0].startswith("/charts/")
    thread = extra["thread_id"]
    # The client resends the history, as chat front ends do: the follow-up continues the same thread.
    second = oai.chat.completions.create(
        model="crm-insights",
        messages=[
            {"role": "system", "content": "You are helpful."},
            {"role": "user", "content": first_q},
            {"role": "assistant", "content": text},
            {"role": "user", "content": "which of them are at risk?"},
        ],
    )
    assert second.model_extra["crm_insights"]["thread_id"] == thread  # type: ignore[index]
    assert second.choices[0].message.content.startswith("Turn 2")  # type: ignore[union-attr]
    # A new conversation with the same opening question is a different thread.
    other = oai.chat.completions.create(model="crm-insights", messages=[{"role": "user", "content": first_q}])
    assert other.model_extra["crm_insights"]["thread_id"] != thread  # type: ignore[index]
    # An explicit thread id in metadata wins.
    pinned = oai.chat.completions.create(
        model="crm-insights", messages=[{"role": "user", "content": "segments"}], metadata={"thread_id": "mine-1"}
    )
    assert pinned.model_extra["crm_insights"]["thread_id"] == "mine-1"  # type: ignore[index]


def test_streaming_chunks_end_with_done(oai: OpenAI, live_app: LiveServer) -> None:
    stream = oai.chat.completions.create(
        model="crm-insights", messages=[{"role": "user", "content": "Which customers are at risk?"}], stream=True
    )
    chunks = list(stream)
    assert all(c.object == "chat.completion.chunk" for c in chunks)
    assert chunks[0].choices[0].delta.role == "assistant"
    text = "".join(c.choices[0].delta.content or "" for c in chunks)
    assert text.startswith("Turn 1: 3 rows from at_risk_customers")
    assert chunks[-1].choices[0].finish_reason == "stop"
    with httpx.stream(
        "POST",
        live_app.url + "/v1/chat/completions",
        json={"model": "crm-insights", "stream": True, "messages": [{"role": "user", "content": "segments"}]},
        timeout=30,
    ) as res:
        lines = [line for line in res.iter_lines() if line.startswith("data:")]
    assert lines[-1] == "data: [DONE]"


def test_unknown_model_and_bad_messages(oai: OpenAI, live_app: LiveServer) -> None:
    with pytest.raises(NotFoundError):
        oai.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    res = httpx.post(
        live_app.url + "/v1/chat/completions",
        json={"model": "crm-insights", "messages": [{"role": "assistant", "content": "hello"}]},
    )
    assert res.status_code == 422 and res.json()["error"]["type"] == "invalid_request_error"


def test_conversations_are_private_to_the_api_key(settings: Any, fake_session: FakeSession) -> None:
    from fastapi.testclient import TestClient
    from server_fakes import FAKE_TOOLS

    from crm_insights.server.app import create_app

    keyed = settings.model_copy(update={"api_keys": "alpha-key,beta-key"})
    a, b = ({"Authorization": f"Bearer {k}"} for k in ("alpha-key", "beta-key"))

    def complete(c: TestClient, headers: dict[str, str], messages: list[dict[str, str]], **extra: Any) -> Any:
        body = {"model": "crm-insights", "messages": messages, "user": "same-user", **extra}
        res = c.post("/v1/chat/completions", json=body, headers=headers)
        assert res.status_code == 200, res.text
        return res.json()

    with TestClient(create_app(keyed, session=fake_session, tools=FAKE_TOOLS)) as c:
        first_q = {"role": "user", "content": "What segments do we have?"}
        first = complete(c, a, [first_q])
        thread = first["crm_insights"]["thread_id"]
        history = [first_q, {"role": "assistant", "content": first["choices"][0]["message"]["content"]}]
        follow_up = [*history, {"role": "user", "content": "which are at risk?"}]
        # B replays A's conversation, same `user` and all: it does not land in A's thread.
        replay = complete(c, b, follow_up)
        assert replay["crm_insights"]["thread_id"] != thread
        assert replay["choices"][0]["message"]["content"].startswith("Turn 1")
        own = complete(c, a, follow_up)
        assert own["crm_insights"]["thread_id"] == thread
        assert own["choices"][0]["message"]["content"].startswith("Turn 2")
        # An explicit thread id names the caller's own thread of that id.
        for headers in (a, b):
            pinned = complete(c, headers, [first_q], metadata={"thread_id": "pinned"})
            assert pinned["crm_insights"]["thread_id"] == "pinned"
            assert pinned["choices"][0]["message"]["content"].startswith("Turn 1")
        assert {t["id"] for t in c.get("/v1/threads", headers=b).json()["threads"]} == {
            replay["crm_insights"]["thread_id"],
            "pinned",
        }
