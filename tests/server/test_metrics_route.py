"""GET /v1/metrics: query parameters generated from metric_query's schema; the CLI's JSON shape."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from typing import Any

import pytest
from fastapi.testclient import TestClient
from server_fakes import FakeSession
from sqlalchemy import insert
from typer.testing import CliRunner

from crm_insights.config import get_settings
from crm_insights.server.app import create_app
from crm_insights.store import Customer, Order, init_store
from crm_insights.tools.context import ToolContext, reset_context, set_context
from crm_insights.tools.metrics import MetricQueryArgs, metric_query

ORDERS = [("c1", "1997-01-31", 10.0), ("c1", "1997-02-28", 20.0), ("c2", "1997-02-01", 5.5), ("c2", "1997-03-31", 4.5)]


@pytest.fixture
def store(settings: Any) -> Iterator[Any]:
    engine = init_store(settings)
    with engine.begin() as conn:
        pks = {}
        for ext in ("c1", "c2"):
            pks[ext] = conn.execute(insert(Customer).values(external_id=ext).returning(Customer.id)).scalar_one()
        for i, (ext, day, amount) in enumerate(ORDERS):
            conn.execute(
                insert(Order).values(
                    external_id=f"o{i}", customer_id=pks[ext], ordered_at=datetime.fromisoformat(day), amount=amount
                )
            )
    set_context(ToolContext(settings, engine=engine))
    yield engine
    reset_context()


@pytest.fixture
def client(settings: Any, fake_session: FakeSession, store: Any) -> Iterator[TestClient]:
    with TestClient(create_app(settings, session=fake_session, tools=[metric_query])) as c:
        yield c


def test_metrics_route_matches_the_cli(client: TestClient) -> None:
    res = client.get(
        "/v1/metrics", params={"measure": "revenue", "grain": "month", "since": "1997-01", "until": "1997-03"}
    )
    assert res.status_code == 200, res.text
    body = res.json()
    assert body["measure"] == "revenue" and body["period"] == {"since": "1997-01-01", "until": "1997-03-31"}
    assert [(r["period"], r["value"]) for r in body["rows"]] == [("1997-01", 10.0), ("1997-02", 25.5), ("1997-03", 4.5)]
    assert body["total"] == 40.0
    assert body["chart_url"] and client.get(body["chart_url"]).status_code == 200

    get_settings.cache_clear()
    cli = CliRunner().invoke(
        __import__("crm_insights.cli", fromlist=["app"]).app,
        ["metrics", "revenue", "--grain", "month", "--since", "1997-01", "--until", "1997-03", "--json"],
    )
    assert cli.exit_code == 0, cli.output
    printed = json.loads(cli.stdout)
    body.pop("chart_url")
    assert printed == body


def test_metrics_route_breakdown_compare_and_errors(client: TestClient) -> None:
    body = client.get(
        "/v1/metrics", params={"measure": "buyers", "since": "1997-02", "until": "1997-02", "compare": "previous"}
    ).json()
    assert body["total"] == 2 and body["compare"]["total"]["buyers"] == 1
    assert body["compare"]["change_pct"]["buyers"] == 1.0
    bad = client.get("/v1/metrics", params={"measure": "nope"})
    assert bad.status_code == 422 and "valid measures" in bad.text
    outside = client.get("/v1/metrics", params={"measure": "revenue", "since": "2001-01-01", "until": "2001-02-01"})
    assert outside.status_code == 422 and "1997-01-31 to 1997-03-31" in outside.text
    assert client.get("/v1/metrics").status_code == 422  # measure is required


def test_metrics_route_parameters_come_from_the_tool_schema(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    params = {p["name"]: p for p in spec["paths"]["/v1/metrics"]["get"]["parameters"]}
    aliases = {"measures": "measure", "group_by": "by"}
    assert set(params) == {aliases.get(n, n) for n in MetricQueryArgs.model_fields}
    assert params["measure"]["required"] is True
    for name, field in MetricQueryArgs.model_fields.items():
        assert params[aliases.get(name, name)]["description"] == field.description


def test_the_cli_ranks_customers_like_the_route(client: TestClient) -> None:
    res = client.get("/v1/metrics", params={"measure": "revenue", "by": "customer", "limit": 1})
    assert res.status_code == 200, res.text
    body = res.json()
    body.pop("chart_url", None)
    get_settings.cache_clear()
    cli = CliRunner().invoke(
        __import__("crm_insights.cli", fromlist=["app"]).app,
        ["metrics", "revenue", "--by", "customer", "--limit", "1", "--json"],
    )
    assert cli.exit_code == 0, cli.output
    printed = json.loads(cli.stdout)
    assert printed == body
    # c1 spent 30.0 and c2 10.0: the top one customer is c1.
    assert len(printed["rows"]) == 1 and printed["rows"][0]["value"] == 30.0


def test_the_cli_and_the_route_agree_on_having_change_by_row_and_strict_amounts(client: TestClient) -> None:
    params = {"measure": "revenue", "grain": "month", "having": ">5", "change_by_row": "true"}
    res = client.get("/v1/metrics", params=params)
    assert res.status_code == 200, res.text
    body = res.json()
    body.pop("chart_url", None)
    # months over 5: January (10.0) and February (25.5), not March (4.5); each against the month before
    assert [r["period"] for r in body["rows"]] == ["1997-01", "1997-02"]
    assert body["having"]["kept"] == 2 and body["having"]["of"] == 3
    assert body["row_change"]["max"]["period"] == "1997-02"
    get_settings.cache_clear()
    app = __import__("crm_insights.cli", fromlist=["app"]).app
    cli = CliRunner().invoke(
        app, ["metrics", "revenue", "--grain", "month", "--having", ">5", "--change-by-row", "--json"]
    )
    assert cli.exit_code == 0, cli.output
    assert json.loads(cli.stdout) == body
    strict = client.get("/v1/metrics", params={"measure": "orders", "min_amount": 10.0, "amount_strict": "true"}).json()
    loose = client.get("/v1/metrics", params={"measure": "orders", "min_amount": 10.0}).json()
    assert strict["total"] < loose["total"]  # an order of exactly 10.0 counts only without amount_strict
