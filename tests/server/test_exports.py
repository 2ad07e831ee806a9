"""Tool results as CSV: the tabular part of a result, the file's encoding, and the route's ownership rules."""

from __future__ import annotations

import io
from typing import Any

import pandas as pd
import pytest
from fastapi.testclient import TestClient
from server_fakes import AT_RISK, FAKE_TOOLS, HITS, FakeSession, at_risk_result, search_result, sse_events
from test_real_agent import real_client  # noqa: F401  (the fixture: a tiny real store and the offline router)

from crm_insights.server.app import create_app
from crm_insights.server.routes.exports import csv_bytes, table_rows


def read_csv(raw: bytes) -> pd.DataFrame:
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    return pd.read_csv(io.BytesIO(raw), encoding="utf-8-sig", dtype={"customer_id": str})


def streamed(client: TestClient, question: str, headers: dict[str, str] | None = None) -> tuple[str, dict[str, Any]]:
    """The thread id and the first tool_result event of a streamed answer."""
    with client.stream("POST", "/v1/ask/stream", json={"question": question}, headers=headers or {}) as res:
        assert res.status_code == 200, res.read()
        events = sse_events(res.read().decode())
    return dict(events)["thread"]["thread_id"], next(data for name, data in events if name == "tool_result")


def streamed_call(client: TestClient, question: str, headers: dict[str, str] | None = None) -> tuple[str, str]:
    """(thread id, tool call id) of a streamed answer."""
    thread, result = streamed(client, question, headers)
    return thread, result["id"]


# -- the tabular part of a result -----------------------------------------------------------------
def test_table_rows_finds_the_list_of_objects_wherever_the_tool_put_it() -> None:
    assert table_rows(at_risk_result()) == AT_RISK  # data is the list itself
    assert table_rows(search_result()) == HITS  # a list among other keys of data
    metric = {"data": {"measure": "revenue", "rows": [{"period": "1997-01", "revenue": 1.5}] * 3,
                       "notes": ["n"], "compare": {"total": {"revenue": 2}},
                       "top": [{"customer_id": "1"}]}}  # fmt: skip
    assert table_rows(metric) == metric["data"]["rows"]  # the longest list of objects
    assert table_rows({"data": {"customer_id": "00042", "orders": 7}}) is None
    assert table_rows({"data": {"hits": []}}) is None
    assert table_rows("not json") is None


def test_csv_flattens_nested_values_and_defuses_formulas() -> None:
    rows = [
        {"cohort": "1997-01", "size": 10, "retention": [1.0, 0.4], "segment": {"id": 0, "name_zh": "高价值"}},
        {"cohort": "1997-02", "size": 8, "retention": [1.0], "note": '=HYPERLINK("http://x")', "extra": None},
    ]
    frame = read_csv(csv_bytes(rows))
    assert list(frame.columns) == ["cohort", "size", "retention.0", "retention.1", "segment.id", "segment.name_zh",
                                   "note"] + ["extra"]  # fmt: skip
    assert frame["retention.1"].tolist()[0] == 0.4 and pd.isna(frame["retention.1"].tolist()[1])
    assert frame.loc[0, "segment.name_zh"] == "高价值"
    assert frame.loc[1, "note"] == '\'=HYPERLINK("http://x")'
    assert csv_bytes(rows).count(b"\r\n") == 3


# -- the route over the fake agent ------------------------------------------------------------------
@pytest.fixture
def client(settings: Any) -> Any:
    with TestClient(create_app(settings, session=FakeSession(settings.charts_dir), tools=FAKE_TOOLS)) as c:
        yield c


def test_csv_of_a_tool_result_is_read_from_the_thread(client: TestClient) -> None:
    thread, call = streamed_call(client, "Which customers are at risk?")
    res = client.get(f"/v1/threads/{thread}/tool-results/{call}.csv")
    assert res.status_code == 200, res.text
    assert res.headers["content-type"] == "text/csv; charset=utf-8"
    assert 'filename="at_risk_customers-' in res.headers["content-disposition"]
    pd.testing.assert_frame_equal(read_csv(res.content), pd.DataFrame(AT_RISK))

    thread, call = streamed_call(client, "用表格列出关于物流的反馈")
    frame = read_csv(client.get(f"/v1/threads/{thread}/tool-results/{call}.csv").content)
    assert frame["quote"].tolist()[:2] == [HITS[0]["quote"], HITS[1]["quote"]]  # Chinese and markup intact


def test_missing_results_tables_and_bad_ids(client: TestClient) -> None:
    thread, call = streamed_call(client, "Which customers are at risk?")
    assert client.get(f"/v1/threads/{thread}/tool-results/call_nope.csv").status_code == 404
    assert client.get(f"/v1/threads/other/tool-results/{call}.csv").status_code == 404
    thread, call = streamed_call(client, "show the profile of 42")
    res = client.get(f"/v1/threads/{thread}/tool-results/{call}.csv")
    assert res.status_code == 404 and "no table" in res.json()["error"]["message"]
    assert client.get(f"/v1/threads/{thread}/tool-results/a%20b.csv").status_code == 422


def test_another_keys_thread_is_not_found(settings: Any) -> None:
    keyed = settings.model_copy(update={"api_keys": "key-one,key-two"})
    with TestClient(create_app(keyed, session=FakeSession(settings.charts_dir), tools=FAKE_TOOLS)) as c:
        one = {"Authorization": "Bearer key-one"}
        thread, call = streamed_call(c, "Which customers are at risk?", one)
        url = f"/v1/threads/{thread}/tool-results/{call}.csv"
        assert c.get(url, headers=one).status_code == 200
        assert c.get(url, headers={"Authorization": "Bearer key-two"}).status_code == 404
        assert c.get(url).status_code == 401


# -- the route over the real agent: the checkpoint's tool message, nothing run again ---------------
def test_real_agent_tool_result_as_csv(real_client: TestClient, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    from crm_insights import tools

    thread, event = streamed(real_client, "我们有哪些客户分群？")
    call = event["id"]
    answered = real_client.get(f"/v1/threads/{thread}/tool-results/{call}.csv")
    assert answered.status_code == 200, answered.text

    # A second download runs no tool: every tool refuses to run from here on.
    def refuse(*args: Any, **kwargs: Any) -> Any:
        raise AssertionError("the export ran a tool")

    for tool in tools.TOOLS:
        monkeypatch.setattr(tool, "func", refuse, raising=False)
    again = real_client.get(f"/v1/threads/{thread}/tool-results/{call}.csv")
    assert again.content == answered.content
    frame = read_csv(again.content)
    assert len(frame) == 3 and frame["size"].sum() == 60  # the 60 customers of the tiny store, in 3 segments
    assert frame["name_zh"].tolist() == [s["name_zh"] for s in event["result"]["data"]["segments"]]
