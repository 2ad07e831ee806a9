"""Data routes a dashboard would want: segments, a customer's profile, customers at risk, metrics.

Each returns the tool's own result (``data`` + ``evidence``: model version, rows considered) plus
``chart_url`` when a chart helps. They call the same tools the agent uses, so the figures agree.
"""

from __future__ import annotations

import inspect
import types
from collections.abc import Callable
from typing import Annotated, Any, Union, get_args, get_origin

from fastapi import APIRouter, Depends, Path, Query
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from crm_insights.server.deps import get_state, run_tool
from crm_insights.server.state import ServerState
from crm_insights.tools.customers import ProfileArgs
from crm_insights.tools.forecast import AtRiskArgs
from crm_insights.tools.metrics import MetricQueryArgs, simple_json

router = APIRouter(prefix="/v1", tags=["data"])


async def _with_chart(state: ServerState, tool: str, result: dict[str, Any]) -> dict[str, Any]:
    from crm_insights.charts import chart_for

    path = await run_in_threadpool(chart_for, tool, result, state.settings.charts_dir)
    return {**result, "chart_url": state.chart_url(path) if path else None}


@router.get("/segments", summary="Customer segments: size, revenue share, centroid, what sets each apart")
async def segments(state: ServerState = Depends(get_state)) -> dict[str, Any]:
    return await _with_chart(state, "list_segments", await run_tool(state, "list_segments", {}))


# Numeric bounds of a tool argument that become the query parameter's (documented in OpenAPI, checked by FastAPI).
BOUNDS = ("ge", "gt", "le", "lt")
# Query names the contract uses where they differ from the tool's argument names.
METRIC_ALIASES = {"measures": "measure", "group_by": "by"}


def _query_type(annotation: Any) -> Any:
    """The plain query-string type of a tool argument: list[str], int, float or str (optional)."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _query_type(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        inner = [a for a in get_args(annotation) if a is not type(None)]
        return _query_type(inner[0]) if inner else str | None
    if origin is list or annotation is list:
        return list[str] | None
    if annotation in (int, float, bool):
        return annotation | None
    return str | None


def query_params_of(schema: type[BaseModel], aliases: dict[str, str]) -> Callable[..., dict[str, Any]]:
    """A FastAPI dependency whose query parameters are the tool's arguments (names, descriptions, required).

    Generated from the args schema so the route cannot drift from the tool; the tool validates the values.
    """
    params = []
    for name, field in schema.model_fields.items():
        bounds = {k: getattr(m, k) for m in field.metadata for k in BOUNDS if getattr(m, k, None) is not None}
        query = Query(
            ... if field.is_required() else None,
            alias=aliases.get(name),
            description=field.description,
            **bounds,  # the tool's numeric bounds, documented and checked here too
        )
        params.append(
            inspect.Parameter(
                name, inspect.Parameter.KEYWORD_ONLY, default=query, annotation=_query_type(field.annotation)
            )
        )

    def collect(**kwargs: Any) -> dict[str, Any]:
        return {k: v for k, v in kwargs.items() if v is not None}

    collect.__signature__ = inspect.Signature(params, return_annotation=dict[str, Any])  # type: ignore[attr-defined]
    return collect


@router.get("/customers/at-risk", summary="Customers most likely to churn, ranked by value at risk")
async def at_risk(
    args: dict[str, Any] = Depends(query_params_of(AtRiskArgs, {})),
    state: ServerState = Depends(get_state),
) -> dict[str, Any]:
    """Query parameters generated from at_risk_customers' schema (names, descriptions, bounds)."""
    return await _with_chart(state, "at_risk_customers", await run_tool(state, "at_risk_customers", args))


@router.get("/customers/{customer_id}", summary="A customer's profile: orders, spend, segment, forecast, feedback")
async def customer(
    customer_id: Annotated[str, Path(description=ProfileArgs.model_fields["customer"].description)],
    state: ServerState = Depends(get_state),
) -> dict[str, Any]:
    return await run_tool(state, "customer_profile", {"customer": customer_id[:100]})


@router.get(
    "/metrics",
    summary="A metric over any period: total, trend (grain), breakdown (by), comparison (compare)",
)
async def metrics(
    args: dict[str, Any] = Depends(query_params_of(MetricQueryArgs, METRIC_ALIASES)),
    state: ServerState = Depends(get_state),
) -> dict[str, Any]:
    """The CLI's `crm-insights metrics --json` shape plus ``chart_url``."""
    from crm_insights.charts import chart_for

    result = await run_tool(state, "metric_query", args)
    path = await run_in_threadpool(chart_for, "metric_query", result, state.settings.charts_dir)
    return {**simple_json(result), "chart_url": state.chart_url(path) if path else None}
