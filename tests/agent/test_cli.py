"""CLI: `crm-insights ask --json` prints exactly the promised keys; `chat` keeps a thread."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from crm_insights import cli


@pytest.fixture
def fake_session(make_session, monkeypatch: pytest.MonkeyPatch):
    session, calls = make_session()
    monkeypatch.setattr("crm_insights.agent.session.open_session", lambda *a, **k: session)
    return session, calls


def test_ask_json(fake_session) -> None:
    result = CliRunner().invoke(cli.app, ["ask", "客户100的情况", "--json", "--thread", "t-cli"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert list(data) == ["answer", "language", "thread_id", "tool_calls", "charts"]
    assert data["language"] == "zh" and data["thread_id"] == "t-cli"
    assert [list(tc) for tc in data["tool_calls"]] == [["name", "args", "result"]]
    assert data["tool_calls"][0]["name"] == "customer_profile" and "00100" in data["answer"]
    # A follow-up through the CLI continues the thread.
    again = CliRunner().invoke(cli.app, ["ask", "那客户 42 呢?", "--json", "--thread", "t-cli"])
    assert json.loads(again.stdout)["tool_calls"][0]["args"] == {"customer": "42"}


def test_ask_text_and_errors(fake_session) -> None:
    result = CliRunner().invoke(cli.app, ["ask", "Give me an overview"])
    assert result.exit_code == 0 and "CRM overview" in result.stdout and "crm_overview" in result.stdout
    bad = CliRunner().invoke(cli.app, ["ask", "  "])
    assert bad.exit_code == 1 and "question" in bad.output


def test_chat_repl(fake_session) -> None:
    session, calls = fake_session
    result = CliRunner().invoke(
        cli.app, ["chat", "--thread", "t-chat"], input="预测客户42未来8周\n那客户 100 呢?\n/history\n/quit\n"
    )
    assert result.exit_code == 0, result.output
    assert [c[0] for c in calls] == ["forecast_customer", "forecast_customer"]
    assert calls[1][1] == {"customer": "100", "horizon_weeks": 8}
    assert "user: 那客户 100 呢?" in result.stdout


def test_ask_draws_charts_only_when_asked(fake_session, monkeypatch: pytest.MonkeyPatch) -> None:
    # A one-shot answer in a terminal skips matplotlib and the drawing; --charts draws them as before.
    session, _ = fake_session
    drawn: list[str] = []

    def charts(records, thread_id: str) -> list[str]:
        drawn.append(thread_id)
        return [f"/charts/{thread_id}/overview.png"]

    monkeypatch.setattr(session, "_charts", charts)
    plain = CliRunner().invoke(cli.app, ["ask", "Give me an overview", "--json", "--thread", "t-plain"])
    assert plain.exit_code == 0, plain.output
    assert json.loads(plain.stdout)["charts"] == [] and drawn == []
    charted = CliRunner().invoke(cli.app, ["ask", "Give me an overview", "--json", "--charts", "--thread", "t-c"])
    assert charted.exit_code == 0, charted.output
    assert json.loads(charted.stdout)["charts"] == ["/charts/t-c/overview.png"] and drawn == ["t-c"]
