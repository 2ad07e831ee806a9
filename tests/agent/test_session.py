"""Sessions: threads persist in the configured database (SQLite file or PostgreSQL) across sessions and
processes; streaming events; every router intent answers in both languages with figures from the tools."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from crm_insights.agent.memory import threads_location
from crm_insights.config import load_settings
from crm_insights.errors import InputError

TESTS_DIR = Path(__file__).resolve().parent.parent


def test_follow_up_survives_a_new_session(make_session, store_url: str) -> None:
    settings = load_settings(database={"url": store_url}, llm={"router_similarity": "tfidf"})
    first, calls_a = make_session(settings)
    a = first.ask("高价值客户里有哪些有流失风险？", thread_id="t-persist")
    assert [name for name, _ in calls_a] == ["describe_segment", "at_risk_customers"]
    assert calls_a[1][1]["segment"] == "0"
    assert "00100" in a.answer
    first.close()

    second, calls_b = make_session(settings)  # a new object: nothing shared but the database
    b = second.ask("他们主要抱怨什么？", thread_id="t-persist")
    assert calls_b == [("feedback_themes", {"segment": "0", "sentiment": "negative"})]
    assert "高价值客户" in b.answer
    assert [h["role"] for h in second.history("t-persist")] == ["user", "assistant", "user", "assistant"]
    assert second.history("no-such-thread") == []


def test_threads_file_sits_next_to_the_sqlite_store(tmp_path: Path) -> None:
    settings = load_settings(database={"url": f"sqlite:///{tmp_path / 'crm.sqlite3'}"})
    assert threads_location(settings) == str(tmp_path / "threads.sqlite3")


def test_the_thread_file_is_set_up_once_and_reopened_without_its_write_lock(tmp_path: Path) -> None:
    import sqlite3

    from crm_insights.agent.memory import open_checkpointer, prepare_checkpointer

    settings = load_settings(database={"url": f"sqlite:///{tmp_path / 'crm.sqlite3'}"})
    path = Path(prepare_checkpointer(settings))
    probe = sqlite3.connect(path)
    assert probe.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert {r[0] for r in probe.execute("SELECT name FROM sqlite_master WHERE type = 'table'")} >= {
        "checkpoints",
        "writes",
    }
    # Another process holds the write lock (a long turn, an import): opening a set-up file needs no write.
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("DELETE FROM writes")
    opened = open_checkpointer(settings)
    try:
        assert opened.location == str(path)
    finally:
        opened.close()
        holder.execute("ROLLBACK")
        holder.close()
        probe.close()


def test_opening_the_thread_file_retries_a_lock_reported_without_waiting(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sqlite3

    from crm_insights.agent import memory

    real_connect = sqlite3.connect
    attempts: list[int] = []

    class Deadlocked:
        """A connection whose WAL switch meets another process's set-up (SQLite answers at once)."""

        def __init__(self, conn: sqlite3.Connection) -> None:
            self.conn = conn

        def execute(self, sql: str, *args: object) -> object:
            if sql.startswith("PRAGMA journal_mode"):
                raise sqlite3.OperationalError("database is locked")
            return self.conn.execute(sql, *args)

        def close(self) -> None:
            self.conn.close()

    def connect(*args: object, **kwargs: object) -> object:
        attempts.append(1)
        conn = real_connect(*args, **kwargs)  # type: ignore[call-overload]
        return Deadlocked(conn) if len(attempts) == 1 else conn

    monkeypatch.setattr(memory.sqlite3, "connect", connect)
    saver = memory._open_sqlite(tmp_path / "threads.sqlite3")
    try:
        assert len(attempts) == 2
        assert saver.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    finally:
        saver.conn.close()


_SCRIPT = """
import json, sys
sys.path.insert(0, {tests!r})
from fakes import fake_tools
from crm_insights.agent.session import AgentSession
from crm_insights.config import load_settings
calls = []
session = AgentSession(load_settings(llm={{"router_similarity": "tfidf"}}), tools=fake_tools(calls))
answer = session.ask(sys.argv[1], thread_id="t-proc")
print(json.dumps({{"calls": calls, "answer": answer.answer}}, ensure_ascii=False))
"""


@pytest.mark.slow
def test_follow_up_survives_a_new_process(tmp_path: Path) -> None:
    env = {**os.environ, "CRM_INSIGHTS_HOME": str(tmp_path / "home"), "HF_HUB_OFFLINE": "1"}
    script = _SCRIPT.format(tests=str(TESTS_DIR))

    def run(question: str) -> dict:
        out = subprocess.run(
            [sys.executable, "-c", script, question], env=env, capture_output=True, text=True, timeout=120
        )
        assert out.returncode == 0, out.stderr[-2000:]
        return json.loads(out.stdout.strip().splitlines()[-1])

    run("预测客户42未来8周")
    second = run("那客户 100 呢?")
    assert second["calls"] == [["forecast_customer", {"customer": "100", "horizon_weeks": 8}]]
    assert "00100" in second["answer"]


def test_stream_events_in_order(make_session) -> None:
    session, _ = make_session()
    events = list(session.stream("高价值客户里有哪些有流失风险？"))
    types = [e.type for e in events]
    assert types == ["tool_call", "tool_result", "tool_call", "tool_result", "token", "answer"]
    assert events[0].data["name"] == "describe_segment" and events[1].data["result"]["data"]["segment"] == 0
    assert events[-1].data["answer"] == events[-2].data["text"]


def test_astream_and_errors(make_session) -> None:
    session, _ = make_session()

    async def collect() -> list[str]:
        return [e.type async for e in session.astream("Give me an overview")]

    assert asyncio.run(collect())[-1] == "answer"
    with pytest.raises(InputError):
        session.ask("   ")
    [event] = list(session.stream(""))
    assert event.type == "error" and event.data["code"] == "invalid_input"


QUESTIONS = {
    "overview": ("给我一个整体概况", "Give me an overview of the CRM"),
    "customer_profile": ("客户100的情况", "Tell me about customer 100"),
    "list_segments": ("有哪些客户细分？", "What segments do we have?"),
    "describe_segment": ("介绍一下细分 1", "Describe segment 1"),
    "explain_customer_segment": ("客户42属于哪个细分？", "Which segment is customer 42 in?"),
    "forecast_customer": ("预测客户42未来8周的购买", "Forecast customer 42 for the next 8 weeks"),
    "at_risk": ("哪些客户有流失风险？", "Which customers are at risk of churning?"),
    "analyze_sentiment": ("分析这句话的情感：“物流太慢了”", 'Analyze the sentiment of "the box was broken"'),
    "sentiment_summary": ("客户反馈的情感分布如何？", "What is the sentiment distribution of our feedback?"),
    "search_feedback": ("搜索提到物流慢的反馈", "Find feedback mentioning slow delivery"),
    "feedback_themes": ("客户主要抱怨什么？", "What do customers complain about?"),
    "help": ("你能做什么？", "What can you do?"),
    "out_of_scope": ("明天天气怎么样", "Tell me a joke"),
}


@pytest.mark.parametrize("intent", sorted(QUESTIONS))
def test_every_intent_answers_in_both_languages_with_grounded_figures(make_session, intent: str) -> None:
    session, _ = make_session()
    for lang, question in zip(("zh", "en"), QUESTIONS[intent], strict=True):
        answer = session.ask(question)
        assert answer.language == lang
        router = answer.evidence[-1]["router"]
        # Off-topic and data-changing requests may be decided by the router's gates, before any similarity.
        assert router["intent"] == intent and router["similarity"] in ("tfidf-char", "gate")
        assert answer.warnings == [], answer.answer  # every figure came from a tool result
        assert answer.answer and "{{" not in answer.answer and "Result of" not in answer.answer
        assert all(tc.error is None for tc in answer.tool_calls)
        # Written in the question's language (quoted customer text and theme keywords aside).
        own_words = re.sub(r"「[^」]*」|“[^”]*”|\*\*[^*]*\*\*", "", answer.answer)
        assert any("\u4e00" <= ch <= "\u9fff" for ch in own_words) == (lang == "zh"), answer.answer


def test_public_api_with_the_real_tool_registry() -> None:
    """crm_insights.ask goes through the cached session with the real TOOLS; an empty store is a tool error."""
    import crm_insights
    from crm_insights.agent.session import reset_session

    reset_session()
    try:
        helped = crm_insights.ask("What can you do?")
        assert helped.language == "en" and helped.tool_calls == [] and "segments" in helped.answer
        empty = crm_insights.ask("客户100的情况", thread_id="t-api")
        [call] = empty.tool_calls
        assert call.name == "customer_profile" and "crm-insights demo" in (call.error or "")
        assert crm_insights.open_session().history("t-api")[0] == {"role": "user", "content": "客户100的情况"}
    finally:
        reset_session()


def test_a_position_in_the_previous_list_names_that_customer(make_session) -> None:
    session, calls = make_session()
    top = session.ask("消费最多的前3个客户是谁？", thread_id="t-rank")
    assert calls[0][0] == "crm_overview"
    first_id = top.tool_calls[-1].result["data"]["top_customers"][0]["customer_id"]
    session.ask("排第一的那个人详细资料给我", thread_id="t-rank")
    assert calls[-1] == ("customer_profile", {"customer": first_id})
    # After an at-risk list, "the second one?" is that customer's forecast.
    risk = session.ask("Which customers are at risk of churning?", thread_id="t-rank2")
    second_id = risk.tool_calls[-1].result["data"]["customers"][1]["customer_id"]
    session.ask("what about the second one?", thread_id="t-rank2")
    assert calls[-1][0] == "forecast_customer" and calls[-1][1]["customer"] == second_id


def test_a_superlative_names_a_segment_of_the_list_or_lists_first(make_session) -> None:
    session, calls = make_session()
    session.ask("客户分成哪几类", thread_id="t-sup")
    assert calls == [("list_segments", {})]
    # The fake segments' revenue shares: 0.78, 0.20, 0.03, then three at 0 (the first of those is the lowest).
    session.ask("收入占比最低的那个群是什么样的客户", thread_id="t-sup")
    assert calls[1:] == [("describe_segment", {"segment": "3"})]
    # With no list in the thread the segments are listed first, in the same turn.
    answer = session.ask(
        "What do customers in the segment with the highest revenue share look like?", thread_id="t-new"
    )
    assert calls[2:] == [("list_segments", {}), ("describe_segment", {"segment": "0"})]
    assert "high-value" in answer.answer and not answer.warnings


def test_a_sentiment_follow_up_repeats_the_previous_tool_with_its_arguments(make_session) -> None:
    session, calls = make_session()
    session.ask("What do loyal customers mainly complain about?", thread_id="t-pos")
    assert calls[-1] == ("feedback_themes", {"segment": "1", "sentiment": "negative"})
    session.ask("and in the positive feedback?", thread_id="t-pos")
    assert calls[-1] == ("feedback_themes", {"segment": "1", "sentiment": "positive"})
    session.ask("找一下提到物流的差评", thread_id="t-pos-zh")
    assert calls[-1] == ("search_feedback", {"query": "物流", "sentiment": "negative"})
    session.ask("好评呢？", thread_id="t-pos-zh")
    assert calls[-1] == ("search_feedback", {"query": "物流", "sentiment": "positive"})


def test_a_count_of_big_customers_lists_the_top_spenders(make_session) -> None:
    session, calls = make_session()
    session.ask("前十大客户拉个清单", thread_id="t-top")
    assert calls == [("crm_overview", {"top_n": 10})]


@pytest.mark.parametrize("warm", [False, True])
def test_only_a_session_asked_to_warm_up_builds_the_router_index_at_start(
    make_session, monkeypatch: pytest.MonkeyPatch, warm: bool
) -> None:
    from crm_insights.agent.router import OfflineRouter

    warmed: list[bool] = []
    monkeypatch.setattr(OfflineRouter, "warm_up", lambda self: warmed.append(True))
    session, _ = make_session(warm_up=warm)
    assert warmed == ([True] if warm else [])
    # Cold or warm, the first question is routed and answered.
    assert session.ask("客户总体情况如何？").answer
