"""Thread bookkeeping per identity: agent thread ids, the thread list, conversation keys, chart paths."""

from __future__ import annotations

import hashlib
import json
from typing import Any

import pytest

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


def test_conversation_keys_include_the_identity_but_not_the_local_one(settings: Any) -> None:
    messages = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    a, b = key_fingerprint("alpha"), key_fingerprint("beta")
    assert len({conversation_key(messages, "u", a), conversation_key(messages, "u", b)}) == 2
    # Without keys the hash is the one the server used before identities (a restart keeps its threads).
    before = json.dumps({"user": "u", "messages": messages}, ensure_ascii=False, sort_keys=True)
    assert conversation_key(messages, "u") == hashlib.sha256(before.encode()).hexdigest()
    state = ServerState(settings=settings)
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


def test_threads_and_conversations_outlive_the_state_on_the_same_store(store_url: str) -> None:
    """A new ServerState on the same SQLite file or PostgreSQL schema is a restarted server."""
    import time

    from crm_insights.config import load_settings

    settings = load_settings(database={"url": store_url})
    a, b = key_fingerprint("alpha"), key_fingerprint("beta")
    messages = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    first = ServerState(settings=settings)
    first.touch_thread(a, "t1", "客户分群" * 30, "api")
    first.touch_thread(a, "t2", "second thread", "openai")
    first.touch_thread(a, "t1", "again", "api")
    first.touch_thread(LOCAL_IDENTITY, "t1", "no keys", "api")
    first.remember_conversation(messages, "u", a, "oai-1")
    before = first.list_threads(a)
    first.threads.close()

    second = ServerState(settings=settings)
    try:
        assert second.list_threads(a) == before
        assert [(t["id"], t["turns"], t["source"]) for t in before] == [("t1", 2, "api"), ("t2", 1, "openai")]
        assert [list(t) for t in before] == [["id", "title", "source", "created_at", "turns", "updated_at"]] * 2
        assert before[0]["title"] == ("客户分群" * 30)[:80]
        assert before[1]["created_at"] == before[1]["updated_at"]
        assert before[0]["created_at"] < before[1]["created_at"] < before[0]["updated_at"]
        assert abs(before[0]["updated_at"] - time.time()) < 300  # epoch seconds, as before (stored as UTC)
        assert second.list_threads(a, limit=1) == before[:1]
        assert second.list_threads(b) == []
        assert [t["title"] for t in second.list_threads(LOCAL_IDENTITY)] == ["no keys"]
        assert second.knows_thread(a, "t2") and not second.knows_thread(b, "t2")
        assert second.conversation_thread(messages, "u", a) == "oai-1"
        assert second.conversation_thread(messages, "u", b) is None
        # The restarted server carries on: a new turn moves t2 to the top.
        second.touch_thread(a, "t2", "more", "api")
        assert [(t["id"], t["turns"], t["title"]) for t in second.list_threads(a)] == [
            ("t2", 2, "second thread"),
            ("t1", 2, before[0]["title"]),
        ]
    finally:
        second.threads.close()


def test_turns_leave_the_crm_file_alone_so_cached_tool_tables_stay_valid(settings: Any) -> None:
    """The tools rebuild their cached tables when the CRM file changes; a turn must not change it."""
    from crm_insights.store.db import init_store
    from crm_insights.tools.context import ToolContext

    init_store(settings)
    state = ServerState(settings=settings)
    state.threads.open()
    context = ToolContext(settings)
    before = context.store_fingerprint()
    messages = [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}]
    for n in range(3):
        state.touch_thread(LOCAL_IDENTITY, f"t{n}", "question", "api")
        state.remember_conversation(messages, None, LOCAL_IDENTITY, f"t{n}")
    assert context.store_fingerprint() == before
    assert [t["id"] for t in state.list_threads(LOCAL_IDENTITY)] == ["t2", "t1", "t0"]
    state.threads.close()


def test_a_locked_crm_file_costs_no_turn_its_list_entry(settings: Any) -> None:
    """An import holds the CRM file's write lock for its whole run; the thread list is elsewhere."""
    import sqlite3
    import time

    from crm_insights.store.db import init_store

    init_store(settings)
    state = ServerState(settings=settings)
    state.touch_thread(LOCAL_IDENTITY, "t1", "first", "api")
    importer = sqlite3.connect(settings.database_url.split(":///", 1)[1])
    try:
        importer.execute("BEGIN IMMEDIATE")
        started = time.monotonic()
        state.touch_thread(LOCAL_IDENTITY, "t1", "second", "api")
        assert time.monotonic() - started < 5
        assert [t["turns"] for t in state.list_threads(LOCAL_IDENTITY)] == [2]
    finally:
        importer.rollback()
        importer.close()
    state.threads.close()


def test_threads_an_older_version_kept_in_the_crm_file_are_moved_once(settings: Any) -> None:
    from datetime import datetime

    from sqlalchemy import insert

    from crm_insights.store.db import init_store
    from crm_insights.store.models import AgentConversation, AgentThread

    engine = init_store(settings)  # the store's migrations still create the old tables
    when = datetime(2026, 12, 1, 8, 30)
    with engine.begin() as conn:
        conn.execute(
            insert(AgentThread),
            [
                {"identity": LOCAL_IDENTITY, "thread_id": "old", "title": "旧问题", "source": "api",
                 "created_at": when, "updated_at": when, "turns": 3},
            ],
        )  # fmt: skip
        conn.execute(
            insert(AgentConversation),
            [{"key": "k" * 64, "identity": LOCAL_IDENTITY, "thread_id": "old", "created_at": when}],
        )
    state = ServerState(settings=settings)
    moved = state.list_threads(LOCAL_IDENTITY)
    assert [(t["id"], t["title"], t["turns"]) for t in moved] == [("old", "旧问题", 3)]
    assert state.threads.conversation("k" * 64, LOCAL_IDENTITY) == "old"
    state.touch_thread(LOCAL_IDENTITY, "old", "again", "api")
    state.threads.close()
    again = ServerState(settings=settings)  # a restart copies nothing twice
    assert [(t["id"], t["turns"]) for t in again.list_threads(LOCAL_IDENTITY)] == [("old", 4)]
    again.threads.close()


def test_an_unreachable_store_fails_the_list_not_the_turn(caplog: pytest.LogCaptureFixture) -> None:
    from crm_insights.config import load_settings
    from crm_insights.errors import StoreError

    state = ServerState(settings=load_settings(database={"url": "postgresql+psycopg://127.0.0.1:1/none"}))
    state.touch_thread(LOCAL_IDENTITY, "t1", "first", "api")  # logged, not raised
    assert "thread list not updated" in caplog.text
    with pytest.raises(StoreError):
        state.list_threads(LOCAL_IDENTITY)
