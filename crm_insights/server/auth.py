"""API-key auth and the bind-address guard.

When ``CRM_INSIGHTS_API_KEYS`` is set, every API route (``/v1/*``, ``/charts/*``, ``/mcp``) needs
``Authorization: Bearer <key>``; keys are compared with :func:`hmac.compare_digest` so the time a
refusal takes says nothing about how much of a key matched. The chat page, health probes and the
OpenAPI document stay open (they carry no customer data); Slack events carry their own signature.

This is a pure ASGI middleware rather than a FastAPI dependency so that it also covers the mounted
MCP app and costs nothing per request beyond a header lookup.

Caller identity: the middleware puts the caller's identity on the request scope under
:data:`IDENTITY_SCOPE_KEY`. With keys configured it is :func:`key_fingerprint` of the key presented
(the first 16 hex digits of its SHA-256: stable across restarts, never the key itself, which is
neither stored nor logged); without keys every caller is the one :data:`LOCAL_IDENTITY`. Threads and
OpenAI conversations are private to an identity (see :mod:`crm_insights.server.state`). Paths the
middleware does not guard (the page, probes, ``/slack/events``) get no identity.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
from collections.abc import Iterable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from crm_insights.config import Settings
from crm_insights.errors import ConfigError

PROTECTED_PREFIXES = ("/v1/", "/charts/", "/mcp")
LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
IDENTITY_SCOPE_KEY = "crm_insights.identity"
LOCAL_IDENTITY = "local"  # the one caller when no API keys are configured (a fingerprint is 16 hex digits)


def key_fingerprint(key: str) -> str:
    """The identity of an API key: 16 hex digits of its SHA-256, stable across restarts and workers."""
    return hashlib.sha256(key.encode()).hexdigest()[:16]


def is_loopback(host: str) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost; False for 0.0.0.0, :: and real addresses."""
    host = host.strip("[]")
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_bind(host: str, settings: Settings) -> None:
    """Refuse to expose customer data on a non-loopback address without API keys (unless allowed)."""
    if is_loopback(host) or settings.api_key_list or settings.server.allow_public_without_keys:
        return
    raise ConfigError(
        f"refusing to bind {host}: it is reachable from other machines and no API keys are set. "
        "Set CRM_INSIGHTS_API_KEYS=<key1,key2>, bind 127.0.0.1, or set "
        "CRM_INSIGHTS_SERVER__ALLOW_PUBLIC_WITHOUT_KEYS=true if a proxy in front handles auth."
    )


def key_matches(presented: str, keys: Iterable[str]) -> bool:
    """Constant-time comparison against every configured key (no early exit on a match)."""
    ok = False
    for key in keys:
        ok |= hmac.compare_digest(presented.encode(), key.encode())
    return ok


def bearer_token(headers: list[tuple[bytes, bytes]]) -> str | None:
    for name, value in headers:
        if name == b"authorization":
            scheme, _, token = value.decode("latin-1").partition(" ")
            if scheme.lower() == "bearer" and token.strip():
                return token.strip()
            return None
    return None


def error_body(code: str, message: str, status: int) -> bytes:
    return json.dumps({"error": {"code": code, "message": message, "type": _error_type(status)}}).encode()


def _error_type(status: int) -> str:
    """OpenAI clients read ``error.type``; give them the closest of theirs."""
    if status == 401:
        return "authentication_error"
    if status == 404:
        return "not_found_error"
    if status < 500:
        return "invalid_request_error"
    return "server_error"


async def send_json_error(send: Send, status: int, code: str, message: str, extra_headers: list | None = None) -> None:
    body = error_body(code, message, status)
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + (extra_headers or [])})
    await send({"type": "http.response.body", "body": body})


class ApiKeyMiddleware:
    """401 JSON for protected paths without a valid bearer key; sets the caller's identity on the scope.

    With no keys configured nothing is refused and every request is :data:`LOCAL_IDENTITY`.
    """

    def __init__(self, app: ASGIApp, keys: list[str]):
        self.app = app
        self.keys = keys

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        scope.pop(IDENTITY_SCOPE_KEY, None)  # only this middleware says who the caller is
        if not self.keys:
            scope[IDENTITY_SCOPE_KEY] = LOCAL_IDENTITY
        elif scope["path"].startswith(PROTECTED_PREFIXES):
            token = bearer_token(scope["headers"])
            if token is None or not key_matches(token, self.keys):
                await send_json_error(
                    send,
                    401,
                    "unauthorized",
                    "missing or invalid API key: send 'Authorization: Bearer <key>'",
                    [(b"www-authenticate", b'Bearer realm="crm-insights"')],
                )
                return
            scope[IDENTITY_SCOPE_KEY] = key_fingerprint(token)
        await self.app(scope, receive, send)


class BodyLimitMiddleware:
    """413 JSON when a request body exceeds ``limit`` bytes (by Content-Length or while streaming)."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        for name, value in scope["headers"]:
            if name == b"content-length" and value.isdigit() and int(value) > self.limit:
                await send_json_error(send, 413, "body_too_large", f"request body over {self.limit} bytes")
                return
        received = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > self.limit:
                    raise BodyTooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge:
            if not started:
                await send_json_error(send, 413, "body_too_large", f"request body over {self.limit} bytes")


class BodyTooLarge(Exception):
    """Raised from ``receive`` once a streamed body passes the limit; the app maps it to 413."""
