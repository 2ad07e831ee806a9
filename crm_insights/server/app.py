"""The FastAPI app: HTTP API, OpenAI-compatible endpoint, web chat page, Slack events, MCP.

``create_app(settings=None, session=None)`` builds it; the agent session (models, graph,
checkpointer) loads once in the lifespan unless one is injected (tests, embedding). Run it with
``crm-insights serve`` or ``uvicorn --factory crm_insights.server.app:create_app``.
"""

from __future__ import annotations

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from crm_insights import __version__
from crm_insights.config import Settings, get_settings
from crm_insights.errors import CrmInsightsError
from crm_insights.server.auth import ApiKeyMiddleware, BodyLimitMiddleware, BodyTooLarge, _error_type
from crm_insights.server.state import ServerState

logger = logging.getLogger("crm_insights.server")

HTTP_CODES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "body_too_large",
    415: "unsupported_media_type",
    422: "invalid_request",
    429: "rate_limited",
    503: "not_ready",
}


def error_response(status: int, code: str, message: str, **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"error": {"code": code, "message": message, "type": _error_type(status)}}
    body.update(extra)
    return JSONResponse(body, status_code=status)


def _load_tools() -> tuple[dict[str, Any] | None, str | None]:
    try:
        from crm_insights.tools import TOOLS
    except ImportError as exc:
        return None, f"the tools registry cannot be imported ({exc})"
    return {t.name: t for t in TOOLS}, None


def _warm_charts() -> None:
    # Answers draw charts: without this, the first answers of every worker pay the matplotlib import.
    try:
        from crm_insights.charts import warm_up
    except ImportError:
        return
    try:
        warm_up()
    except Exception as exc:  # charts are a nicety: a broken font setup must not stop the server
        logger.warning("charts not warmed up: %s", exc)


def _open_session(settings: Settings) -> Any:
    from crm_insights.agent.session import open_session

    return open_session(settings=settings, warm_up=True)


def prepare_databases(settings: Settings) -> None:
    """Create and migrate every database the server writes, once, before any worker starts.

    ``crm-insights serve`` runs this in the parent process: workers then open files that exist and are
    migrated, instead of racing each other to create them (two workers switching a new SQLite file to
    WAL at once deadlock, and SQLite reports that as "database is locked" without waiting). Raises
    :class:`~crm_insights.errors.StoreError` when a store cannot be reached or migrated.
    """
    from crm_insights.agent.memory import prepare_checkpointer
    from crm_insights.server.threads import ThreadRegistry
    from crm_insights.store.db import make_engine, migrate

    store = make_engine(settings.database_url, settings.database.echo)
    try:
        migrate(store)
    finally:
        store.dispose()
    prepare_checkpointer(settings)
    registry = ThreadRegistry(settings)
    try:
        registry.open()  # the thread list's tables, in the thread file or the store
    finally:
        registry.close()


def create_app(
    settings: Settings | None = None,
    session: Any = None,
    *,
    tools: list[Any] | None = None,
    mcp: bool = True,
    slack: bool | None = None,
) -> FastAPI:
    """Build the app. ``session`` and ``tools`` default to the real agent session and TOOLS registry.

    ``slack=None`` mounts ``/slack/events`` when a bot token and signing secret are configured.
    """
    settings = settings or get_settings()
    if tools is not None:
        tool_map: dict[str, Any] | None = {t.name: t for t in tools}
        tools_error = None
    else:
        tool_map, tools_error = _load_tools()
    state = ServerState(settings=settings, session=session, tools=tool_map, tools_error=tools_error)
    owns_session = session is None

    mcp_server = None
    if mcp and tool_map:
        from crm_insights.server.mcp_server import build_mcp_server

        mcp_server = build_mcp_server(list(tool_map.values()))

    @contextlib.asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        try:
            # The thread list's tables (and the store's migrations); `serve` made them already, a factory user may not.
            await run_in_threadpool(state.threads.open)
        except CrmInsightsError as exc:
            # Retried on first use; /readyz reports the store meanwhile.
            logger.error("thread list not available: %s", exc)
        if owns_session:
            try:
                state.session = await run_in_threadpool(_open_session, settings)
            except CrmInsightsError as exc:
                # Keep serving: /readyz says what is missing and the API answers 503 with the reason.
                logger.error("agent not loaded: %s", exc)
                state.session_error = exc
            await run_in_threadpool(_warm_charts)
        async with contextlib.AsyncExitStack() as stack:
            if mcp_server is not None:
                await stack.enter_async_context(mcp_server.session_manager.run())
            try:
                yield
            finally:
                if owns_session and state.session is not None and hasattr(state.session, "close"):
                    await run_in_threadpool(state.session.close)
                state.threads.close()

    app = FastAPI(
        title="crm-insights",
        version=__version__,
        description="Customer insights agent: ask questions about segments, churn risk and feedback "
        "in Chinese or English. OpenAI-compatible at /v1/chat/completions; MCP at /mcp.",
        lifespan=lifespan,
    )
    app.state.crm = state

    @app.exception_handler(CrmInsightsError)
    async def _project_error(request: Request, exc: CrmInsightsError) -> JSONResponse:
        if exc.http_status >= 500:
            logger.error("%s %s: %s", request.method, request.url.path, exc)
        return error_response(exc.http_status, exc.code, str(exc))

    @app.exception_handler(RequestValidationError)
    async def _validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc'] if p != 'body') or 'body'}: {e['msg']}" for e in exc.errors()
        )
        return error_response(422, "invalid_request", problems)

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        return error_response(exc.status_code, HTTP_CODES.get(exc.status_code, "error"), str(exc.detail))

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        if isinstance(exc, BodyTooLarge):
            limit = settings.server.max_body_bytes
            return error_response(413, "body_too_large", f"request body over {limit} bytes")
        logger.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500, "internal_error", "internal server error (logged)")

    from crm_insights.server.routes import ask, data, health, openai_compat, web

    app.include_router(health.router)
    app.include_router(ask.router)
    app.include_router(openai_compat.router)
    app.include_router(data.router)
    app.include_router(web.router)
    web.mount_static(app)

    if mcp_server is not None:
        from crm_insights.server.mcp_server import mcp_route

        app.router.routes.append(mcp_route(mcp_server, settings))

    slack_configured = bool(settings.slack.bot_token and settings.slack.signing_secret)
    if slack if slack is not None else slack_configured:
        from crm_insights.server.slack.http import mount_slack

        mount_slack(app, state)

    # Outermost first: reject oversize bodies before auth reads anything, auth before routing.
    app.add_middleware(ApiKeyMiddleware, keys=settings.api_key_list)
    app.add_middleware(BodyLimitMiddleware, limit=settings.server.max_body_bytes)
    return app
