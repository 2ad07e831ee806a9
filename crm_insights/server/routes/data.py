"""Data routes a dashboard would want: segments, a customer's profile, customers at risk.

Each returns the tool's own result (``data`` + ``evidence``: model version, rows considered) plus
``chart_url`` when a chart helps. They call the same tools the agent uses, so the figures agree.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Query
from starlette.concurrency import run_in_threadpool

from crm_insights.server.deps import get_state, run_tool
from crm_insights.server.state import ServerState

router = APIRouter(prefix="/v1", tags=["data"])


async def _with_chart(state: ServerState, tool: str, result: dict[str, Any]) -> dict[str, Any]:
    from crm_insights.charts import chart_for

    path = await run_in_threadpool(chart_for, tool, result, state.settings.charts_dir)
    return {**result, "chart_url": state.chart_url(path) if path else None}


@router.get("/segments", summary="Customer segments: size, revenue share, centroid, what sets each apart")
async def segments(state: ServerState = Depends(get_state)) -> dict[str, Any]:
    return await _with_chart(state, "list_segments", await run_tool(state, "list_segments", {}))


@router.get("/customers/at-risk", summary="Customers most likely to churn, ranked by value at risk")
async def at_risk(
    top_n: int = Query(10, ge=1, le=500),
    segment: str | None = Query(None, max_length=100, description="Segment id or name (zh/en)."),
    horizon_weeks: int = Query(13, ge=1, le=104),
    state: ServerState = Depends(get_state),
) -> dict[str, Any]:
    args: dict[str, Any] = {"top_n": top_n, "horizon_weeks": horizon_weeks}
    if segment:
        args["segment"] = segment
    return await _with_chart(state, "at_risk_customers", await run_tool(state, "at_risk_customers", args))


@router.get("/customers/{customer_id}", summary="A customer's profile: orders, spend, segment, forecast, feedback")
async def customer(customer_id: str, state: ServerState = Depends(get_state)) -> dict[str, Any]:
    return await run_tool(state, "customer_profile", {"customer": customer_id[:100]})
