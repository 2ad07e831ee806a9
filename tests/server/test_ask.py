"""Threads are private to the API key that made them: listing, reading, posting, same ids, charts, restarts."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from server_fakes import FAKE_TOOLS, FakeSession, sse_events

from crm_insights.config import Settings, load_settings
from crm_insights.server.app import create_app
from crm_insights.server.auth import key_fingerprint

KEYS = ("alpha-key-0123", "beta-key-4567")
A = {"Authorization": f"Bearer {KEYS[0]}"}
B = {"Authorization": f"Bearer {KEYS[1]}"}


@pytest.fixture
def keyed_settings(isolated_settings: Path) -> Settings:
    return load_settings(api_keys=",".join(KEYS), llm={"router_similarity": "tfidf"})


@pytest.fixture
def keyed(keyed_settings: Settings, fake_session: FakeSession) -> Iterator[TestClient]:
    with TestClient(create_app(keyed_settings, session=fake_session, tools=FAKE_TOOLS)) as c:
        yield c


def ask(c: TestClient, headers: dict[str, str], question: str, thread_id: str | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"question": question}
    if thread_id:
        body["thread_id"] = thread_id
    res = c.post("/v1/ask", json=body, headers=headers)
    assert res.status_code == 200, res.text
    out: dict[str, Any] = res.json()
    return out


def listed(c: TestClient, headers: dict[str, str]) -> set[str]:
    res = c.get("/v1/threads", headers=headers)
    assert res.status_code == 200, res.text
    return {t["id"] for t in res.json()["threads"]}


def questions(c: TestClient, headers: dict[str, str], thread_id: str) -> list[str]:
    """The user's questions in the caller's thread, oldest first."""
    res = c.get(f"/v1/threads/{thread_id}/messages", headers=headers)
    assert res.status_code == 200 and res.json()["thread_id"] == thread_id, res.text
    return [m["content"] for m in res.json()["messages"] if m["role"] == "user"]


def test_each_key_lists_reads_and_posts_only_its_own_threads(
    keyed: TestClient, fake_session: FakeSession, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    # What a thread nobody has looks like, taken before "a-thread" exists.
    unknown = keyed.get("/v1/threads/a-thread/messages", headers=B)
    assert unknown.status_code == 404
    unknown_post = keyed.post("/v1/threads/a-thread/messages", json={"content": "segments?"}, headers=B)
    assert unknown_post.status_code == 404

    a = ask(keyed, A, "What segments do we have?", "a-thread")
    a_generated = ask(keyed, A, "Which customers are at risk?")["thread_id"]
    b_generated = ask(keyed, B, "Which customers are at risk?")["thread_id"]
    assert a["thread_id"] == "a-thread"

    assert listed(keyed, A) == {"a-thread", a_generated}
    assert listed(keyed, B) == {b_generated}

    for thread in ("a-thread", a_generated):
        got = keyed.get(f"/v1/threads/{thread}/messages", headers=B)
        assert got.status_code == 404
        posted = keyed.post(f"/v1/threads/{thread}/messages", json={"content": "segments?"}, headers=B)
        assert posted.status_code == 404
        streamed = keyed.post(f"/v1/threads/{thread}/messages?stream=true", json={"content": "x"}, headers=B)
        assert streamed.status_code == 404
        if thread == "a-thread":  # the same answer as for a thread that does not exist
            assert got.json() == unknown.json() and posted.json() == unknown_post.json()
    # B's attempts never reached the agent; A's thread still holds A's one turn.
    assert [q for _, q in fake_session.asked].count("segments?") == 0
    assert questions(keyed, A, "a-thread") == ["What segments do we have?"]
    follow = keyed.post("/v1/threads/a-thread/messages", json={"content": "and now?"}, headers=A)
    assert follow.status_code == 200 and follow.json()["answer"].startswith("Turn 2")

    # A's chart is served to A under its plain thread id, and to no one else.
    url = a["chart_urls"][0]
    assert url.startswith("/charts/a-thread/")
    assert keyed.get(url, headers=A).status_code == 200
    assert keyed.get(url, headers=B).status_code == 404

    for key in KEYS:
        assert key not in caplog.text


def test_same_thread_id_under_two_keys_is_two_conversations(keyed: TestClient, fake_session: FakeSession) -> None:
    first_a = ask(keyed, A, "What segments do we have?", "shared")
    first_b = ask(keyed, B, "Which customers are at risk?", "shared")
    second_a = ask(keyed, A, "segments again", "shared")
    assert first_a["answer"].startswith("Turn 1") and first_b["answer"].startswith("Turn 1")
    assert second_a["answer"].startswith("Turn 2")
    assert first_a["thread_id"] == first_b["thread_id"] == "shared"  # clients see their own plain id
    assert questions(keyed, A, "shared") == ["What segments do we have?", "segments again"]
    assert questions(keyed, B, "shared") == ["Which customers are at risk?"]
    # Streaming answers name the plain id too, and land in the caller's own thread.
    with keyed.stream("POST", "/v1/ask/stream", json={"question": "risk?", "thread_id": "shared"}, headers=B) as r:
        events = dict(sse_events(r.read().decode()))
    assert events["thread"]["thread_id"] == "shared" and events["answer"]["thread_id"] == "shared"
    assert events["answer"]["answer"].startswith("Turn 2")
    # Inside, the agent saw one namespaced thread per key, never the plain id or a key.
    agent_ids = {t for t, _ in fake_session.asked}
    assert agent_ids == {f"{key_fingerprint(KEYS[0])}:shared", f"{key_fingerprint(KEYS[1])}:shared"}


@pytest.fixture
def client_no_keys(settings: Settings, fake_session: FakeSession) -> Iterator[TestClient]:
    with TestClient(create_app(settings, session=fake_session, tools=FAKE_TOOLS)) as c:
        yield c


def test_without_keys_thread_ids_are_the_agents_own(client_no_keys: TestClient, fake_session: FakeSession) -> None:
    # One local identity: today's behaviour, and ids the CLI or an earlier server used stay reachable.
    fake_session.ask("What segments do we have?", thread_id="cli-thread")
    got = client_no_keys.get("/v1/threads/cli-thread/messages")
    assert got.status_code == 200 and len(got.json()["messages"]) == 2
    assert ask(client_no_keys, {}, "and at risk?", "cli-thread")["answer"].startswith("Turn 2")
    assert {t for t, _ in fake_session.asked} == {"cli-thread"}
    assert listed(client_no_keys, {}) == {"cli-thread"}


def test_isolation_survives_a_restart_over_the_same_thread_store(keyed_settings: Settings) -> None:
    """Two apps, one after the other, each with its own AgentSession on the SQLite thread store."""
    from fakes import fake_tools

    from crm_insights.agent.memory import threads_location
    from crm_insights.agent.session import AgentSession

    def serve() -> tuple[AgentSession, TestClient]:
        session = AgentSession(keyed_settings, tools=fake_tools())
        return session, TestClient(create_app(keyed_settings, session=session, tools=fake_tools()))

    session, client = serve()
    with client:
        ask(client, A, "What customer segments do we have?", "a-only")
        ask(client, A, "What customer segments do we have?", "shared")
        ask(client, B, "Which customers are at risk of churning?", "shared")
    session.close()

    session, client = serve()
    try:
        with client:
            assert listed(client, A) == {"a-only", "shared"} and listed(client, B) == {"shared"}
            a_only = client.get("/v1/threads/a-only/messages", headers=A)
            assert a_only.status_code == 200 and len(a_only.json()["messages"]) == 2
            assert client.get("/v1/threads/a-only/messages", headers=B).status_code == 404
            posted = client.post("/v1/threads/a-only/messages", json={"content": "segments?"}, headers=B)
            assert posted.status_code == 404
            assert questions(client, A, "shared") == ["What customer segments do we have?"]
            assert questions(client, B, "shared") == ["Which customers are at risk of churning?"]
            # A continues its thread from the store; B's post never touched it.
            follow = client.post("/v1/threads/a-only/messages", json={"content": "segments again"}, headers=A)
            assert follow.status_code == 200 and follow.json()["thread_id"] == "a-only"
            assert len(client.get("/v1/threads/a-only/messages", headers=A).json()["messages"]) == 4
            assert [t["id"] for t in client.get("/v1/threads", headers=A).json()["threads"]] == ["a-only", "shared"]
            assert listed(client, B) == {"shared"}
    finally:
        session.close()
    # The store keys threads by fingerprint; the keys themselves are written nowhere.
    store = Path(threads_location(keyed_settings))
    written = b"".join(p.read_bytes() for p in store.parent.glob(store.name + "*"))
    assert key_fingerprint(KEYS[0]).encode() + b":a-only" in written
    assert not any(key.encode() in written for key in KEYS)


def test_the_thread_list_outlives_a_restart_and_stays_private(store_url: str, fake_session: FakeSession) -> None:
    """Two apps, one after the other, on one store (SQLite file, or PostgreSQL): the list is in its database."""
    settings = load_settings(api_keys=",".join(KEYS), database={"url": store_url})
    first_q = {"role": "user", "content": "What segments do we have?"}

    def complete(c: TestClient, messages: list[dict[str, str]]) -> dict[str, Any]:
        res = c.post("/v1/chat/completions", json={"model": "crm-insights", "messages": messages}, headers=A)
        assert res.status_code == 200, res.text
        out: dict[str, Any] = res.json()
        return out

    with TestClient(create_app(settings, session=fake_session, tools=FAKE_TOOLS)) as c:
        unknown = c.get("/v1/threads/first/messages", headers=B)
        unknown_post = c.post("/v1/threads/first/messages", json={"content": "segments?"}, headers=B)
        ask(c, A, "What segments do we have?", "first")
        generated = ask(c, A, "Which customers are at risk?")["thread_id"]
        opened = complete(c, [first_q])
        oai_thread = opened["crm_insights"]["thread_id"]
        ask(c, A, "segments again", "first")
        before = c.get("/v1/threads", headers=A).json()
        assert [(t["id"], t["turns"]) for t in before["threads"]] == [("first", 2), (oai_thread, 1), (generated, 1)]
        assert c.get("/v1/threads", headers=B).json() == {"threads": []}

    # A new process: its agent session knows nothing, the store still knows whose threads are whose.
    restarted = FakeSession(settings.charts_dir)
    with TestClient(create_app(settings, session=restarted, tools=FAKE_TOOLS)) as c:
        assert c.get("/v1/threads", headers=A).json() == before
        assert c.get("/v1/threads?limit=1", headers=A).json() == {"threads": before["threads"][:1]}
        assert c.get("/v1/threads", headers=B).json() == {"threads": []}
        for thread in ("first", generated, oai_thread):
            assert c.get(f"/v1/threads/{thread}/messages", headers=B).status_code == 404
            assert c.post(f"/v1/threads/{thread}/messages", json={"content": "x"}, headers=B).status_code == 404
        assert c.get("/v1/threads/first/messages", headers=B).json() == unknown.json()
        assert c.post("/v1/threads/first/messages", json={"content": "segments?"}, headers=B).json() == (
            unknown_post.json()
        )
        assert restarted.asked == []  # B's attempts never reached the agent
        # A's thread exists for A, so posting to it is allowed; the OpenAI conversation carries on too.
        posted = c.post(f"/v1/threads/{generated}/messages", json={"content": "and now?"}, headers=A)
        assert posted.status_code == 200 and posted.json()["thread_id"] == generated
        history = [first_q, {"role": "assistant", "content": opened["choices"][0]["message"]["content"]}]
        follow = complete(c, [*history, {"role": "user", "content": "which are at risk?"}])
        assert follow["crm_insights"]["thread_id"] == oai_thread
        after = c.get("/v1/threads", headers=A).json()["threads"]
        assert [(t["id"], t["turns"]) for t in after] == [(oai_thread, 2), (generated, 2), ("first", 2)]
        assert c.get("/v1/threads", headers=B).json() == {"threads": []}


def test_an_unreachable_store_still_answers_and_the_list_says_why(fake_session: FakeSession) -> None:
    settings = load_settings(database={"url": "postgresql+psycopg://127.0.0.1:1/none"})
    with TestClient(create_app(settings, session=fake_session, tools=FAKE_TOOLS)) as c:
        assert ask(c, {}, "What segments do we have?", "t1")["answer"].startswith("Turn 1")
        res = c.get("/v1/threads")
        assert res.status_code == 503 and res.json()["error"]["code"] == "store_error"
