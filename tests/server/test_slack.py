"""Slack bot over HTTP: signed event requests into /slack/events, Web API calls recorded on 127.0.0.1."""

from __future__ import annotations

import hashlib
import hmac
import json
import time
from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from server_fakes import FAKE_TOOLS, HITS, SEGMENTS, FakeSession
from slack_recorder import SlackRecorder

from crm_insights.server.app import create_app

SECRET = "test-signing-secret"


@pytest.fixture
def slack() -> Iterator[SlackRecorder]:
    with SlackRecorder() as recorder:
        yield recorder


@pytest.fixture
def bot(slack: SlackRecorder, monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[TestClient, FakeSession]]:
    from crm_insights.config import get_settings

    monkeypatch.setenv("CRM_INSIGHTS_SLACK__BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("CRM_INSIGHTS_SLACK__SIGNING_SECRET", SECRET)
    monkeypatch.setenv("CRM_INSIGHTS_SLACK__BASE_URL", slack.base_url)
    get_settings.cache_clear()
    settings = get_settings()
    session = FakeSession(settings.charts_dir, delay=1.5)  # slower than an ack may take
    with TestClient(create_app(settings, session=session, tools=FAKE_TOOLS)) as client:
        yield client, session


def signed(body: dict[str, Any], secret: str = SECRET, age_s: int = 0) -> tuple[bytes, dict[str, str]]:
    raw = json.dumps(body).encode()
    ts = str(int(time.time()) - age_s)
    sig = "v0=" + hmac.new(secret.encode(), f"v0:{ts}:".encode() + raw, hashlib.sha256).hexdigest()
    headers = {"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sig, "Content-Type": "application/json"}
    return raw, headers


def event(ev: dict[str, Any], event_id: str) -> dict[str, Any]:
    return {"type": "event_callback", "team_id": "T1", "api_app_id": "A1", "event_id": event_id, "event": ev,
            "authorizations": [{"team_id": "T1", "user_id": "UBOT", "is_bot": True}]}  # fmt: skip


def post(client: TestClient, body: dict[str, Any], **kw: Any) -> Any:
    raw, headers = signed(body, **kw)
    return client.post("/slack/events", content=raw, headers=headers)


def test_mention_answered_in_thread_with_status_and_chart(
    bot: tuple[TestClient, FakeSession], slack: SlackRecorder
) -> None:
    client, session = bot
    mention = {"type": "app_mention", "user": "U1", "text": "<@UBOT> 我们有哪些客户分群？", "ts": "1700000000.000100",
               "channel": "C1", "event_ts": "1700000000.000100"}  # fmt: skip
    started = time.monotonic()
    res = post(client, event(mention, "Ev1"))
    assert res.status_code == 200
    assert time.monotonic() - started < 1.5, "the event must be acknowledged before the answer is ready"

    updates = slack.wait_for("chat.update")
    posts = slack.calls("chat.postMessage")
    assert posts[0]["channel"] == "C1" and posts[0]["thread_ts"] == "1700000000.000100"
    assert posts[0]["text"] == "思考中…"
    assert updates[0]["ts"] == "1800000000.000002" or updates[0]["ts"].startswith("1800000000.")
    assert updates[0]["text"].startswith("第1轮")
    assert "list_segments" in json.dumps(updates[0].get("blocks"))  # the evidence line
    assert session.asked[0] == ("slack:C1:1700000000.000100", "我们有哪些客户分群？")

    complete = slack.wait_for("files.completeUploadExternal")
    assert complete[0]["channel_id"] == "C1" and complete[0]["thread_ts"] == "1700000000.000100"
    assert slack.calls("files.getUploadURLExternal")[0]["filename"].startswith("list_segments-")
    assert slack.calls("upload")[0]["png"] is True
    reactions = [(m, p["name"]) for m, p in slack.records if m.startswith("reactions.")]
    assert ("reactions.add", "hourglass_flowing_sand") in reactions
    slack.wait_for("reactions.add", 2)
    assert ("reactions.add", "white_check_mark") in [(m, p["name"]) for m, p in slack.records if m.startswith("react")]

    # A follow-up in the same Slack thread continues the same agent thread.
    follow = {**mention, "text": "<@UBOT> and which are at risk?", "ts": "1700000050.000200",
              "thread_ts": "1700000000.000100", "event_ts": "1700000050.000200"}  # fmt: skip
    assert post(client, event(follow, "Ev2")).status_code == 200
    updates = slack.wait_for("chat.update", 2)
    assert updates[1]["text"].startswith("Turn 2")
    assert session.asked[1][0] == "slack:C1:1700000000.000100"
    # Slack retrying an event it already delivered does not answer twice.
    assert post(client, event(follow, "Ev2")).status_code == 200
    slack.wait_for("reactions.add", 4)
    time.sleep(0.5)
    assert len(session.asked) == 2


def test_direct_messages_answered_bots_ignored(bot: tuple[TestClient, FakeSession], slack: SlackRecorder) -> None:
    client, session = bot
    dm = {"type": "message", "channel_type": "im", "user": "U2", "text": "Which customers are at risk?",
          "ts": "1700000100.000100", "channel": "D1", "event_ts": "1700000100.000100"}  # fmt: skip
    own = {**dm, "bot_id": "BBOT", "ts": "1700000101.000100", "text": "my own answer"}
    channel_msg = {**dm, "channel_type": "channel", "channel": "C9", "ts": "1700000102.000100"}
    for i, ev in enumerate((own, channel_msg, dm)):
        assert post(client, event(ev, f"EvDM{i}")).status_code == 200
    slack.wait_for("chat.update")
    slack.wait_for("reactions.add", 2)  # the worker is done
    assert session.asked == [("slack:D1:1700000100.000100", "Which customers are at risk?")]
    assert slack.calls("chat.postMessage")[0]["thread_ts"] == "1700000100.000100"


def test_bad_and_stale_signatures_refused(bot: tuple[TestClient, FakeSession], slack: SlackRecorder) -> None:
    client, session = bot
    mention = {"type": "app_mention", "user": "U1", "text": "<@UBOT> hi", "ts": "1.1", "channel": "C1"}
    assert post(client, event(mention, "EvBad"), secret="wrong-secret").status_code == 401
    assert post(client, event(mention, "EvOld"), age_s=6 * 60).status_code == 401
    raw, headers = signed(event(mention, "EvNone"))
    headers.pop("X-Slack-Signature")
    assert client.post("/slack/events", content=raw, headers=headers).status_code == 401
    time.sleep(0.3)
    assert session.asked == [] and slack.calls("chat.postMessage") == []


def test_url_verification(bot: tuple[TestClient, FakeSession]) -> None:
    client, _ = bot
    res = post(client, {"type": "url_verification", "challenge": "abc123", "token": "x"})
    assert res.status_code == 200 and "abc123" in res.text


def test_markdown_to_mrkdwn() -> None:
    from crm_insights.server.slack.bot import to_mrkdwn

    assert to_mrkdwn("- **0 高价值客户**：3,301 人") == "• *0 高价值客户*：3,301 人"
    assert to_mrkdwn("1. _a_ ~~b~~ `c<d>`\n2. [docs](https://example.com/x)") == (
        "1. _a_ ~b~ `c&lt;d&gt;`\n2. <https://example.com/x|docs>"
    )
    assert to_mrkdwn("## 结论\n\n- 一\n  - 二") == "*结论*\n\n• 一\n    • 二"
    # A customer's words can neither ping the channel, forge a link nor become markup.
    quoted = to_mrkdwn("> <!channel> <https://evil.example|银行> [x](javascript:alert(1)) <script>")
    assert quoted == "> &lt;!channel&gt; &lt;https://evil.example|银行&gt; [x](javascript:alert(1)) &lt;script&gt;"


def test_markdown_table_becomes_an_aligned_code_block() -> None:
    from crm_insights.server.slack.bot import to_mrkdwn

    text = to_mrkdwn("分群：\n\n| 分群 | 人数 |\n|---|---:|\n| 高价值客户 | 1200 |\n| 沉睡 | 5700 |")
    assert text == "分群：\n\n```\n分群        人数\n----------  ----\n高价值客户  1200\n沉睡        5700\n```"


def test_long_answers_split_into_sections_with_closed_code_blocks() -> None:
    from crm_insights.server.slack.bot import SECTION_LIMIT, sections

    text = "intro " * 300 + "\n```\n" + "\n".join(f"row {i:04d} " + "x" * 80 for i in range(60)) + "\n```\nend"
    pieces = sections(text)
    assert len(pieces) > 1 and all(len(p) <= SECTION_LIMIT for p in pieces)
    assert all(p.count("```") % 2 == 0 for p in pieces)  # every piece renders its code on its own
    rows = [line for p in pieces for line in p.split("\n") if line.startswith("row ")]
    assert rows == [f"row {i:04d} " + "x" * 80 for i in range(60)]
    assert sections("a" * 7000) == ["a" * (SECTION_LIMIT - 8)] * 2 + ["a" * (7000 - 2 * (SECTION_LIMIT - 8))]


def test_tables_posted_as_code_blocks_and_uploaded_as_csv(
    bot: tuple[TestClient, FakeSession], slack: SlackRecorder
) -> None:
    from crm_insights.server.routes.exports import csv_bytes

    client, session = bot
    mention = {"type": "app_mention", "user": "U1", "text": "<@UBOT> 用表格列出物流反馈", "ts": "1700000300.000100",
               "channel": "C3", "event_ts": "1700000300.000100"}  # fmt: skip
    assert post(client, event(mention, "EvTable")).status_code == 200
    update = slack.wait_for("chat.update")[0]
    blocks = update["blocks"]
    sections = [b["text"]["text"] for b in blocks if b["type"] == "section"]
    body = "\n".join(sections)
    assert "• 负面 2 条" in body and "```\n客户   情感      相似度\n" in body
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in body and "<script>" not in body
    complete = slack.wait_for("files.completeUploadExternal")[0]
    assert complete["channel_id"] == "C3" and complete["thread_ts"] == "1700000300.000100"
    asked = slack.calls("files.getUploadURLExternal")
    csv_file = next(a for a in asked if a["filename"] == "search_feedback.csv")
    assert int(csv_file["length"]) == len(csv_bytes(HITS))
    assert any(u["bytes"] == len(csv_bytes(HITS)) and not u["png"] for u in slack.calls("upload"))


def test_csv_uploads_and_a_refused_upload_keeps_the_answer() -> None:
    from slack_sdk.errors import SlackApiError

    from crm_insights.agent.answer import Answer, ToolCallRecord
    from crm_insights.server.routes.exports import csv_bytes
    from crm_insights.server.slack.bot import SlackResponder, csv_uploads

    answer = Answer(answer="x", language="zh", thread_id="t", tool_calls=[
        ToolCallRecord(name="list_segments", result={"data": SEGMENTS}),
        ToolCallRecord(name="list_segments", result={"data": SEGMENTS[:1]}),
        ToolCallRecord(name="customer_profile", result={"data": {"customer_id": "00042"}}),
        ToolCallRecord(name="at_risk_customers", error="no forecast model"),
    ])  # fmt: skip
    uploads = csv_uploads(answer)
    assert [u["filename"] for u in uploads] == ["list_segments.csv", "list_segments-2.csv"]
    assert uploads[0]["content"] == csv_bytes(SEGMENTS)

    class Refusing:
        def files_upload_v2(self, **kwargs: Any) -> None:
            raise SlackApiError("missing_scope", {"ok": False, "error": "missing_scope"})

    assert SlackResponder._attach(Refusing(), "C1", "1.1", answer) is False


def test_socket_mode_acks_and_answers_in_thread(slack: SlackRecorder, monkeypatch: pytest.MonkeyPatch) -> None:
    """Socket Mode end to end: a local WebSocket stands in for Slack's, events arrive as envelopes."""
    import threading

    from websockets.sync.server import serve

    from crm_insights.config import get_settings
    from crm_insights.server.slack import socket_mode_handler

    acks: list[dict[str, Any]] = []
    got_ack = threading.Event()
    mention = {"type": "app_mention", "user": "U1", "text": "<@UBOT> 哪些客户有流失风险？", "ts": "1700000200.000100",
               "channel": "C7", "event_ts": "1700000200.000100"}  # fmt: skip

    def slack_side(ws: Any) -> None:
        ws.send(json.dumps({"type": "hello", "num_connections": 1}))
        envelope = {"envelope_id": "env-1", "type": "events_api", "accepts_response_payload": False,
                    "payload": event(mention, "EvSock1")}  # fmt: skip
        ws.send(json.dumps(envelope))
        for message in ws:
            data = json.loads(message)
            if data.get("envelope_id"):
                acks.append(data)
                got_ack.set()

    with serve(slack_side, "127.0.0.1", 0) as ws_server:
        threading.Thread(target=ws_server.serve_forever, daemon=True).start()
        slack.socket_url = f"ws://127.0.0.1:{ws_server.socket.getsockname()[1]}/link"
        monkeypatch.setenv("CRM_INSIGHTS_SLACK__BOT_TOKEN", "xoxb-test")
        monkeypatch.setenv("CRM_INSIGHTS_SLACK__APP_TOKEN", "xapp-test")
        monkeypatch.setenv("CRM_INSIGHTS_SLACK__BASE_URL", slack.base_url)
        get_settings.cache_clear()
        settings = get_settings()
        session = FakeSession(settings.charts_dir, delay=1.0)
        handler = socket_mode_handler(settings, lambda: session)
        handler.connect()
        try:
            assert got_ack.wait(5), "the envelope was not acknowledged"
            assert acks[0]["envelope_id"] == "env-1"
            assert not session.asked, "acknowledged before answering"
            updates = slack.wait_for("chat.update")
            assert updates[0]["channel"] == "C7" and updates[0]["text"].startswith("第1轮")
            assert slack.calls("chat.postMessage")[0]["thread_ts"] == "1700000200.000100"
            assert session.asked == [("slack:C7:1700000200.000100", "哪些客户有流失风险？")]
            slack.wait_for("reactions.add", 2)
        finally:
            handler.close()
        ws_server.shutdown()
