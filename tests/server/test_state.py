"""Thread bookkeeping per identity: agent thread ids, the thread list, conversation keys, chart paths."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from crm_insights.server.auth import LOCAL_IDENTITY, key_fingerprint
from crm_insights.server.state import ServerState, agent_thread_id, conversation_key


def test_agent_thread_ids_are_namespaced_per_key_and_plain_for_local() -> None:
    fp = key_fingerprint("alpha")
    assert agent_thread_id(fp, "t1") == f"{fp}:t1"
    assert agent_thread_id(key_fingerprint("beta"), "t1") != agent_thread_id(fp, "t1")
    assert agent_thread_id(LOCAL_IDENTITY, "t1") == "t1"


def test_thread_list_is_per_identity(settings: Any) -> None:
    state = ServerState(settings=settings)
    a, b = key_fingerprint("alpha"), key_fingerprint("beta")
    state.touch_thread(a, "t1", "first question", "api")
    state.touch_thread(b, "t1", "other question", "api")
    state.touch_thread(a, "t1", "again", "api")
    state.touch_thread(a, "t2", "second thread", "openai")
    mine = state.list_threads(a)
    assert [(t["id"], t["turns"], t["title"]) for t in mine] == [
        ("t2", 1, "second thread"),
        ("t1", 2, "first question"),
    ]
    assert all(set(t) == {"id", "title", "source", "created_at", "updated_at", "turns"} for t in mine)
    assert [(t["id"], t["title"]) for t in state.list_threads(b)] == [("t1", "other question")]
    assert state.list_threads(LOCAL_IDENTITY) == []
    assert state.knows_thread(a, "t2") and not state.knows_thread(b, "t2")


def test_conversation_keys_include_the_identity_but_not_the_local_one() -> None:
    messages = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    a, b = key_fingerprint("alpha"), key_fingerprint("beta")
    assert len({conversation_key(messages, "u", a), conversation_key(messages, "u", b)}) == 2
    # Without keys the hash is the one the server used before identities (a restart keeps its threads).
    before = json.dumps({"user": "u", "messages": messages}, ensure_ascii=False, sort_keys=True)
    assert conversation_key(messages, "u") == hashlib.sha256(before.encode()).hexdigest()
    state = ServerState(settings=None)  # type: ignore[arg-type]
    state.remember_conversation(messages, "u", a, "oai-1")
    assert state.conversation_thread(messages, "u", a) == "oai-1"
    assert state.conversation_thread(messages, "u", b) is None


def test_chart_urls_use_the_plain_thread_id_and_only_for_the_owner(settings: Any) -> None:
    state = ServerState(settings=settings)
    root = settings.charts_dir
    a, b = key_fingerprint("alpha"), key_fingerprint("beta")
    own = root / f"{a}:t1" / "list_segments-0123.png"
    assert state.chart_url(own, a) == "/charts/t1/list_segments-0123.png"
    assert state.chart_url(own, b) is None
    assert state.chart_relpath("t1/list_segments-0123.png", a) == f"{a}:t1/list_segments-0123.png"
    assert state.chart_relpath("t1/list_segments-0123.png", b) == f"{b}:t1/list_segments-0123.png"
    # Top-level charts (data routes) are shared; the local identity's folders are the thread ids.
    assert state.chart_url(root / "x.png", a) == "/charts/x.png" and state.chart_relpath("x.png", a) == "x.png"
    assert state.chart_url(root / "t1" / "x.png") == "/charts/t1/x.png"
    assert state.chart_relpath("t1/x.png", LOCAL_IDENTITY) == "t1/x.png"
