"""Caller identity: the API-key middleware says who is calling, by fingerprint, never by key."""

from __future__ import annotations

import hashlib
from typing import Any

import pytest
from fastapi.testclient import TestClient
from starlette.types import Receive, Scope, Send

from crm_insights.server.auth import IDENTITY_SCOPE_KEY, LOCAL_IDENTITY, ApiKeyMiddleware, key_fingerprint


def test_fingerprint_is_short_stable_and_per_key() -> None:
    fp = key_fingerprint("alpha-key")
    assert fp == hashlib.sha256(b"alpha-key").hexdigest()[:16]
    assert len(fp) == 16 and fp != key_fingerprint("beta-key") and fp != LOCAL_IDENTITY


class Recorder:
    """An ASGI app answering 200 and keeping the scope it was called with."""

    def __init__(self) -> None:
        self.scope: dict[str, Any] = {}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        self.scope = dict(scope)
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b"ok"})


@pytest.mark.parametrize(
    ("keys", "path", "headers", "status", "identity"),
    [
        ([], "/v1/threads", {}, 200, LOCAL_IDENTITY),
        ([], "/", {}, 200, LOCAL_IDENTITY),
        (["alpha-key", "beta-key"], "/v1/threads", {"Authorization": "Bearer beta-key"}, 200, "beta"),
        (["alpha-key", "beta-key"], "/v1/threads", {"Authorization": "Bearer nope"}, 401, None),
        (["alpha-key"], "/healthz", {"Authorization": "Bearer alpha-key"}, 200, None),  # not guarded: nobody
    ],
)
def test_middleware_puts_the_identity_on_the_scope(
    keys: list[str], path: str, headers: dict[str, str], status: int, identity: str | None
) -> None:
    app = Recorder()
    res = TestClient(ApiKeyMiddleware(app, keys=keys)).get(path, headers=headers)
    assert res.status_code == status
    if status != 200:
        return
    expected = key_fingerprint(f"{identity}-key") if identity not in (None, LOCAL_IDENTITY) else identity
    assert app.scope.get(IDENTITY_SCOPE_KEY) == expected
    # The key travels in its header only; nothing the middleware adds holds it.
    added = {k: v for k, v in app.scope.items() if k not in ("headers", "raw_path", "query_string")}
    assert not any(k in repr(added) for k in keys)


def test_a_route_without_an_identity_is_refused_when_keys_are_set(settings: Any) -> None:
    from starlette.exceptions import HTTPException
    from starlette.requests import Request

    from crm_insights.server.app import create_app
    from crm_insights.server.deps import get_identity

    def request(app: Any) -> Request:
        return Request({"type": "http", "app": app, "headers": [], "path": "/elsewhere", "method": "GET"})

    assert get_identity(request(create_app(settings, session=object(), tools=[]))) == LOCAL_IDENTITY
    keyed = create_app(settings.model_copy(update={"api_keys": "k1"}), session=object(), tools=[])
    with pytest.raises(HTTPException) as err:
        get_identity(request(keyed))
    assert err.value.status_code == 401
