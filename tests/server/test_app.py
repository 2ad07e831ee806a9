"""HTTP API: health, ask (JSON + SSE), threads, errors, auth, limits, data routes, charts."""

from __future__ import annotations

import json
from typing import Any

import pytest
from fastapi.testclient import TestClient
from server_fakes import FAKE_TOOLS, FakeSession, sse_events

from crm_insights.server.app import create_app
from crm_insights.server.auth import check_bind, is_loopback


@pytest.fixture
def client(settings: Any, fake_session: FakeSession):
    with TestClient(create_app(settings, session=fake_session, tools=FAKE_TOOLS)) as c:
        yield c


def test_healthz_and_readyz_says_what_is_missing(client: TestClient) -> None:
    assert client.get("/healthz").json() == {"status": "ok"}
    res = client.get("/readyz")
    assert res.status_code == 503
    body = res.json()
    assert body["ready"] is False
    assert body["checks"]["agent"]["ok"] is True
    assert body["checks"]["tools"]["ok"] is True
    assert not body["checks"]["model:segments"]["ok"]
    assert "crm-insights train segments" in body["error"]["message"]
    assert "index build" in body["checks"]["index:feedback"]["detail"]


def test_ask_returns_answer_with_chart_url(client: TestClient, fake_session: FakeSession) -> None:
    res = client.post("/v1/ask", json={"question": "我们有哪些客户分群？"})
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["language"] == "zh"
    assert body["tool_calls"][0]["name"] == "list_segments"
    assert body["evidence"][0]["model_version"] == "segments-test"
    assert body["chart_urls"] and "/list_segments-" in body["chart_urls"][0]
    png = client.get(body["chart_urls"][0])
    assert png.status_code == 200 and png.headers["content-type"] == "image/png"
    assert png.content[:8] == b"\x89PNG\r\n\x1a\n"
    # The server made up a thread id and the follow-up lands in it.
    thread = body["thread_id"]
    again = client.post(f"/v1/threads/{thread}/messages", json={"content": "and which are at risk?"}).json()
    assert again["thread_id"] == thread and again["answer"].startswith("Turn 2")
    history = client.get(f"/v1/threads/{thread}/messages").json()["messages"]
    assert [m["role"] for m in history] == ["user", "assistant", "user", "assistant"]
    listed = client.get("/v1/threads").json()["threads"]
    assert listed[0]["id"] == thread and listed[0]["turns"] == 2


def test_ask_stream_sends_tool_steps_then_answer(client: TestClient) -> None:
    for url, body in (
        ("/v1/ask/stream", {"question": "Which customers are at risk?"}),
        ("/v1/ask?stream=true", {"question": "Which customers are at risk?", "thread_id": "web-1"}),
    ):
        with client.stream("POST", url, json=body) as res:
            assert res.status_code == 200
            assert res.headers["content-type"].startswith("text/event-stream")
            events = sse_events(res.read().decode())
        names = [n for n, _ in events]
        assert names[0] == "thread"
        assert names.index("tool_call") < names.index("tool_result") < names.index("answer")
        assert "token" in names
        answer = dict(events)["answer"]
        assert answer["tool_calls"][0]["name"] == "at_risk_customers"
        assert "/at_risk_customers-" in answer["chart_urls"][0]
    assert dict(events)["thread"]["thread_id"] == "web-1"


def test_unknown_thread_is_404_json(client: TestClient) -> None:
    res = client.get("/v1/threads/nope/messages")
    assert res.status_code == 404
    assert res.json()["error"]["code"] == "not_found"


def test_errors_are_json_with_code(settings: Any, fake_session: FakeSession) -> None:
    with TestClient(create_app(settings, session=fake_session, tools=FAKE_TOOLS), raise_server_exceptions=False) as c:
        bug = c.post("/v1/ask", json={"question": "boom"})
        assert bug.status_code == 500
        assert bug.json()["error"] == {
            "code": "internal_error",
            "message": "internal server error (logged)",
            "type": "server_error",
        }
        not_ready = c.post("/v1/ask", json={"question": "not ready yet"})
        assert not_ready.status_code == 503 and "train forecast" in not_ready.json()["error"]["message"]
        missing = c.post("/v1/ask", json={})
        assert missing.status_code == 422 and missing.json()["error"]["code"] == "invalid_request"
        assert "question" in missing.json()["error"]["message"]
        bad_thread = c.post("/v1/ask", json={"question": "hi", "thread_id": "../etc"})
        assert bad_thread.status_code == 422 and "thread_id" in bad_thread.json()["error"]["message"]
        assert c.get("/v1/nothing-here").json()["error"]["code"] == "not_found"


def test_question_and_body_limits(settings: Any, fake_session: FakeSession) -> None:
    settings = settings.model_copy(
        update={"server": settings.server.model_copy(update={"max_question_chars": 50, "max_body_bytes": 2048})}
    )
    with TestClient(create_app(settings, session=fake_session, tools=FAKE_TOOLS)) as c:
        long_q = c.post("/v1/ask", json={"question": "x" * 51})
        assert long_q.status_code == 422
        assert "limit is 50" in long_q.json()["error"]["message"]
        big = c.post(
            "/v1/ask", content=json.dumps({"question": "y" * 5000}), headers={"content-type": "application/json"}
        )
        assert big.status_code == 413 and big.json()["error"]["code"] == "body_too_large"
        assert c.post("/v1/ask", json={"question": "x" * 50}).status_code == 200


def test_api_keys_guard_every_api_route(monkeypatch: pytest.MonkeyPatch, fake_session: FakeSession) -> None:
    from crm_insights.config import get_settings

    monkeypatch.setenv("CRM_INSIGHTS_API_KEYS", "alpha-key, beta-key")
    get_settings.cache_clear()
    settings = get_settings()
    with TestClient(create_app(settings, session=fake_session, tools=FAKE_TOOLS)) as c:
        for method, url in (
            ("GET", "/v1/models"),
            ("GET", "/v1/segments"),
            ("GET", "/v1/threads"),
            ("POST", "/v1/ask"),
            ("POST", "/v1/chat/completions"),
            ("GET", "/charts/x.png"),
            ("POST", "/mcp"),
        ):
            res = c.request(method, url, json={})
            assert res.status_code == 401, url
            assert res.json()["error"]["code"] == "unauthorized"
        assert c.get("/v1/models", headers={"Authorization": "Bearer wrong"}).status_code == 401
        assert c.get("/v1/models", headers={"Authorization": "Basic alpha-key"}).status_code == 401
        assert c.get("/v1/models", headers={"Authorization": "Bearer beta-key"}).status_code == 200
        ok = c.post("/v1/ask", json={"question": "segments?"}, headers={"Authorization": "Bearer alpha-key"})
        assert ok.status_code == 200
        # The page, probes and the OpenAPI document stay open.
        assert c.get("/").status_code == 200
        assert c.get("/healthz").status_code == 200
        assert c.get("/openapi.json").status_code == 200


def test_public_bind_needs_keys(settings: Any) -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.4")
    check_bind("127.0.0.1", settings)
    from crm_insights.errors import ConfigError

    with pytest.raises(ConfigError, match="CRM_INSIGHTS_API_KEYS"):
        check_bind("0.0.0.0", settings)
    check_bind("0.0.0.0", settings.model_copy(update={"api_keys": "k"}))
    allowed = settings.model_copy(
        update={"server": settings.server.model_copy(update={"allow_public_without_keys": True})}
    )
    check_bind("0.0.0.0", allowed)


def test_data_routes(client: TestClient) -> None:
    seg = client.get("/v1/segments").json()
    assert seg["data"][0]["name_en"] == "High-value loyal"
    assert seg["evidence"]["model_version"] == "segments-test"
    assert client.get(seg["chart_url"]).status_code == 200
    risk = client.get("/v1/customers/at-risk", params={"top_n": 2}).json()
    assert [r["customer_id"] for r in risk["data"]] == ["00042", "00007"]
    assert risk["evidence"]["args"]["top_n"] == 2
    assert client.get("/v1/customers/at-risk", params={"top_n": 0}).status_code == 422
    assert client.get("/v1/customers/C42").json()["data"]["spend"] == 1450.0
    missing = client.get("/v1/customers/999")
    assert missing.status_code == 404 and "not found" in missing.json()["error"]["message"]


def test_data_routes_without_tools_are_503(settings: Any, fake_session: FakeSession) -> None:
    with TestClient(create_app(settings, session=fake_session, tools=[])) as c:
        res = c.get("/v1/segments")
        assert res.status_code == 503 and res.json()["error"]["code"] == "not_ready"


def test_chart_route_is_path_safe(client: TestClient, settings: Any) -> None:
    settings.charts_dir.mkdir(parents=True, exist_ok=True)
    (settings.home_dir / "secret.png").write_bytes(b"\x89PNG secret")
    for name in (
        "..%2Fsecret.png",
        "%2e%2e%2fsecret.png",
        ".hidden.png",
        "x.txt",
        "nope.png",
        "a/..%2F..%2Fsecret.png",
        "..%2Fhome%2Fsecret.png",
        "a/b/c.png",
        "%2Fetc%2Fpasswd.png",
    ):
        assert client.get(f"/charts/{name}").status_code == 404, name


def test_openapi_and_page(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    for path in (
        "/v1/ask",
        "/v1/ask/stream",
        "/v1/chat/completions",
        "/v1/models",
        "/v1/segments",
        "/v1/customers/{customer_id}",
        "/v1/customers/at-risk",
        "/v1/threads/{thread_id}/messages",
    ):
        assert path in spec["paths"], path
    page = client.get("/")
    assert '<meta charset="utf-8">' in page.text
    assert "http://" not in page.text and "https://" not in page.text  # nothing from a CDN
    js = client.get("/static/app.js")
    assert js.status_code == 200 and "/v1/ask/stream" in js.text
    assert "https://" not in js.text


def test_cli_serve_refuses_public_bind_without_keys() -> None:
    from typer.testing import CliRunner

    from crm_insights.cli import app

    res = CliRunner().invoke(app, ["serve", "--host", "0.0.0.0", "--port", "8999"])
    assert res.exit_code == 1
    assert "refusing to bind 0.0.0.0" in res.output and "CRM_INSIGHTS_API_KEYS" in res.output


def test_prepare_databases_creates_and_migrates_every_file_the_workers_open(settings: Any) -> None:
    import sqlite3

    from crm_insights.agent.memory import threads_location
    from crm_insights.server.app import prepare_databases
    from crm_insights.store.db import get_engine, is_migrated

    prepare_databases(settings)
    assert is_migrated(get_engine(settings))
    with sqlite3.connect(threads_location(settings)) as conn:
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"checkpoints", "writes"} <= names
    prepare_databases(settings)  # idempotent: every `serve` runs it
