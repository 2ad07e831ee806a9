"""`predict forecast|totals`: per-customer forecasts and a future period's expected totals."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from crm_insights.cli.common import (
    EngineOpt,
    RayAddressOpt,
    SegmentOpt,
    cli_errors,
    console,
    print_json,
    tool_error_exit,
)

predict_app = typer.Typer(help="Predict with trained models.", no_args_is_help=True)


@predict_app.command("forecast")
@cli_errors
def predict_forecast(
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="Forecast from this cutoff (exclusive; default: the day after the last order).",
        ),
    ] = None,
    horizon_weeks: Annotated[
        int | None, typer.Option("--horizon-weeks", help="Weeks ahead (default: forecast.horizon_weeks).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write CSV here: customer_id, expected_purchases, p_active.")
    ] = None,
    customer: Annotated[
        list[str] | None, typer.Option("--customer", help="Only this customer id (repeatable).")
    ] = None,
    version: Annotated[str | None, typer.Option("--version", help="Model version (default: latest).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON rows instead of a summary.")] = False,
    engine_kind: EngineOpt = None,
    ray_address: RayAddressOpt = None,
) -> None:
    """Per-customer expected purchase days and P(at least one purchase) over the next H weeks (churn = 1 - p)."""
    from crm_insights.analytics.forecasting import Forecaster
    from crm_insights.compute import job_options, run_forecast
    from crm_insights.config import get_settings
    from crm_insights.store import init_store

    settings = get_settings()
    options = job_options(settings, engine_kind, ray_address)
    h = horizon_weeks if horizon_weeks is not None else settings.forecast.horizon_weeks
    forecaster = Forecaster.load(settings, version=version)
    engine = init_store(settings)
    frame = run_forecast(
        engine, settings, options, forecaster, as_of=as_of, horizon_weeks=h, customer_ids=customer or None
    )
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(out, index=False)
    if as_json:
        print_json(frame.to_dict(orient="records"))
        return
    if out is None and len(frame) <= 20:
        console.print(frame.to_string(index=False), highlight=False)
    console.print(
        f"{len(frame):,} customers, horizon {h} weeks, model {forecaster.version}: "
        f"{frame['expected_purchases'].sum():,.1f} expected purchase days, "
        f"mean P(active) {frame['p_active'].mean():.3f}" + (f"; wrote {out}" if out is not None else ""),
        highlight=False,
    )


@predict_app.command("totals")
@cli_errors
def predict_totals(
    period: Annotated[
        str | None, typer.Option("--period", help="next_month, next_quarter or next_year (after the data end).")
    ] = None,
    horizon_weeks: Annotated[
        int | None, typer.Option("--horizon-weeks", help="Weeks ahead instead of a named period.")
    ] = None,
    segment: SegmentOpt = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the tool's JSON result.")] = False,
) -> None:
    """Expected buyers, orders and revenue of existing customers over a future period (the forecast_totals tool)."""
    from crm_insights.tools import forecast_totals

    out = forecast_totals.invoke({"horizon_weeks": horizon_weeks, "period": period, "segment": segment})
    if isinstance(out, str):  # a tool error the user can fix (bad period, unknown segment, no model)
        tool_error_exit(out)
    if as_json:
        print_json(out)
        return
    d = out["data"]
    seg = d["segment"]
    console.print(
        f"{d['period']['since']} .. {d['period']['until']} ({d['horizon_weeks']} weeks)"
        + (f", segment {seg['segment']} {seg['name_zh']} / {seg['name_en']}" if seg else "")
        + f": expected buyers {d['expected_buyers']:,.1f}, orders (purchase days) {d['expected_orders']:,.1f}, "
        f"revenue {d['expected_revenue']:,.2f} (new customers not included)",
        highlight=False,
    )
