"""HTTP mode: Slack's Events API posts to ``/slack/events`` in the FastAPI app.

Bolt's dispatch (signature check, ack) is synchronous, so it runs in the thread pool rather than
on the event loop; the answer itself runs later in Bolt's own worker pool.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request, Response
from starlette.concurrency import run_in_threadpool

from crm_insights.server.state import ServerState


def mount_slack(app: FastAPI, state: ServerState) -> None:
    from slack_bolt.adapter.starlette.handler import to_bolt_request, to_starlette_response

    bolt = build_for_state(state)

    @app.post("/slack/events", include_in_schema=False)
    async def slack_events(request: Request) -> Response:
        body = await request.body()
        bolt_response = await run_in_threadpool(bolt.dispatch, to_bolt_request(request, body))
        return to_starlette_response(bolt_response)


def build_for_state(state: ServerState) -> Any:
    from crm_insights.server.slack.bot import build_slack_app

    return build_slack_app(state.settings, state.require_session)
