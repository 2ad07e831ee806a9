"""Data routes take their parameters from the tools' schemas: names, descriptions and bounds agree."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from fastapi.testclient import TestClient
from server_fakes import FAKE_TOOLS, FakeSession

from crm_insights.server.app import create_app
from crm_insights.tools.customers import ProfileArgs
from crm_insights.tools.forecast import AtRiskArgs


@pytest.fixture
def client(settings: Any, fake_session: FakeSession) -> Iterator[TestClient]:
    with TestClient(create_app(settings, session=fake_session, tools=FAKE_TOOLS)) as c:
        yield c


def _bound(field: Any, name: str) -> Any:
    return next(getattr(m, name) for m in field.metadata if getattr(m, name, None) is not None)


def test_at_risk_parameters_are_the_tool_arguments(client: TestClient) -> None:
    spec = client.get("/openapi.json").json()
    params = {p["name"]: p for p in spec["paths"]["/v1/customers/at-risk"]["get"]["parameters"]}
    assert set(params) == set(AtRiskArgs.model_fields)
    for name, field in AtRiskArgs.model_fields.items():
        assert params[name]["description"] == field.description
    top_n = AtRiskArgs.model_fields["top_n"]
    schema = params["top_n"]["schema"]["anyOf"][0]
    assert (schema["minimum"], schema["maximum"]) == (_bound(top_n, "ge"), _bound(top_n, "le"))
    customer = spec["paths"]["/v1/customers/{customer_id}"]["get"]["parameters"][0]
    assert customer["description"] == ProfileArgs.model_fields["customer"].description


def test_at_risk_accepts_what_it_documents_and_no_more(client: TestClient) -> None:
    cap = _bound(AtRiskArgs.model_fields["top_n"], "le")
    ok = client.get("/v1/customers/at-risk", params={"top_n": cap})
    assert ok.status_code == 200 and ok.json()["evidence"]["args"]["top_n"] == cap
    too_many = client.get("/v1/customers/at-risk", params={"top_n": cap + 1})
    assert too_many.status_code == 422 and "top_n" in too_many.json()["error"]["message"]
    assert client.get("/v1/customers/at-risk", params={"min_churn_risk": 1.5}).status_code == 422
