"""Money forecasts over the latest Forecaster and a Gamma-Gamma spend model: period totals and customer value.

Both tools read the forecaster's cached all-customer predictions (``ToolContext.predictions``) and a
spend model fitted once per store state (see :mod:`crm_insights.analytics.value`: a 0.5 s fit on 23k
customers, so it is fitted at first use instead of trained into an artifact).
"""

from __future__ import annotations

import math
from datetime import date, timedelta
from typing import Annotated, Any, Literal

import numpy as np
import pandas as pd
from pydantic import BeforeValidator, Field

from crm_insights.analytics.value import (
    SpendModel,
    customer_values,
    fit_spend_model,
    purchase_days_frame,
    spend_summary,
    value_totals,
)
from crm_insights.errors import InputError, NotReadyError
from crm_insights.tools.common import (
    OptCustomerArg,
    OptCustomersArg,
    OptSegmentArg,
    ToolArgs,
    _blank_to_none,
    crm_tool,
    ctx,
    is_member,
    resolve,
    result,
    rnd,
    segment_members,
)
from crm_insights.tools.context import ToolContext
from crm_insights.tools.forecast import horizon_of

# Named periods start the day after the data end and run this many calendar months.
PERIOD_MONTHS = {"next_month": 1, "next_quarter": 3, "next_year": 12}
TOP_CUSTOMERS = 5
NO_ACQUISITION = "new-customer acquisition is not included: only customers who already bought are forecast"
CLV_DEFINITION = (
    "CLV = expected purchase days over the horizon (LSTM forecaster) x expected spend per purchase day "
    "(Gamma-Gamma spend model); undiscounted revenue, not margin"
)

PeriodArg = Annotated[
    Literal["next_month", "next_quarter", "next_year"] | None,
    BeforeValidator(_blank_to_none),
    Field(
        None,
        description="A named period right after the data end: 'next_month', 'next_quarter' (3 months) or "
        "'next_year' (12 months). Use either this or horizon_weeks.",
    ),
]
TotalsHorizonArg = Annotated[
    int | None,
    Field(
        None,
        ge=1,
        description="Forecast the next N weeks after the data end (at most 104). Use either this or period; "
        "neither = the configured default (13 weeks).",
    ),
]
ValueHorizonArg = Annotated[
    int,
    Field(
        52,
        ge=1,
        description="Horizon in weeks for the value (default 52 = one year; 13 = a quarter, 26 = half a year; "
        "at most 104).",
    ),
]


# -- shared tables ---------------------------------------------------------------------------------


def spend_model(context: ToolContext) -> tuple[pd.DataFrame, SpendModel]:
    """(per-customer spend summary, fitted Gamma-Gamma) for the store as it is now; cached per store state."""

    def build() -> tuple[pd.DataFrame, SpendModel]:
        days = purchase_days_frame(context.engine)
        if days.empty:
            raise NotReadyError("the store has no orders; run `crm-insights demo` or `crm-insights import` first")
        summary = spend_summary(days)
        return summary, fit_spend_model(summary, data_end=context.data_end())

    return context.cached(("spend_model", context.store_fingerprint()), build)


def _with_values(context: ToolContext, preds: pd.DataFrame) -> pd.DataFrame:
    summary, model = spend_model(context)
    frame = customer_values(preds, summary, model)
    stats = context.customer_stats()
    # Order lines per purchase day, each customer's own: turns expected purchase days into order lines.
    lines = (stats["orders"] / stats["purchase_days"].clip(lower=1)).reindex(frame.index).fillna(1.0)
    frame["lines_per_purchase"] = lines.astype(float)
    frame["last_purchase"] = stats["last_purchase"].reindex(frame.index)
    return frame


def values(context: ToolContext, horizon: int) -> pd.DataFrame:
    """Per-customer CLV frame at a whole-week horizon (see analytics.value.customer_values); cached.

    Built on the context's shared predictions, so a horizon another tool already asked for costs nothing.
    """
    forecaster = context.forecaster
    key = ("values", getattr(forecaster, "version", id(forecaster)), horizon, context.store_fingerprint())
    return context.cached(key, lambda: _with_values(context, context.predictions(horizon)))


def values_pair(context: ToolContext, lo: int, hi: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    """CLV frames at two horizons, from the context's predictions, which are kept on disk per horizon: a cold
    process (a CLI question about next month or quarter) reads them instead of running the forecaster again."""
    return values(context, lo), values(context, hi)


def _spend_evidence(model: SpendModel) -> str:
    return f"gamma-gamma p={model.p:.4g} q={model.q:.4g} v={model.v:.4g} fitted on {model.customers_fitted}"


def _spend_block(model: SpendModel) -> dict[str, Any]:
    return {
        "kind": "Gamma-Gamma (lifetimes GammaGammaFitter), fitted on repeat customers' mean spend per purchase day",
        "p": rnd(model.p, 4),
        "q": rnd(model.q, 4),
        "v": rnd(model.v, 4),
        "population_mean_spend": rnd(model.population_mean),
        "customers_fitted": model.customers_fitted,
        "frequency_spend_corr": rnd(model.frequency_spend_corr, 3),
    }


def _independence_note(model: SpendModel) -> str:
    return (
        "the spend model assumes spend per purchase is independent of purchase frequency "
        f"(correlation here r = {model.frequency_spend_corr:.2f} over {model.customers_fitted} repeat customers)"
    )


def _data_end(context: ToolContext) -> date:
    end = context.data_end()
    if end is None:
        raise NotReadyError("the store has no orders; run `crm-insights demo` or `crm-insights import` first")
    return end.date()


def _segment_filter(context: ToolContext, segment: str | None) -> tuple[dict[str, Any] | None, frozenset[str] | None]:
    if segment is None:
        return None, None
    _, info, members = segment_members(context, segment)
    return {"segment": int(info["segment"]), "name_en": info.get("name_en"), "name_zh": info.get("name_zh")}, members


# -- forecast_totals --------------------------------------------------------------------------------


def forecast_window(
    context: ToolContext, horizon_weeks: int | None, period: str | None
) -> tuple[date, date, float, str | None]:
    """(since, until, weeks, period name): the window after the data end, both dates inclusive."""
    if horizon_weeks is not None and period is not None:
        raise InputError("give either horizon_weeks or period, not both")
    since = _data_end(context) + timedelta(days=1)
    if period is None:
        h = horizon_of(context, horizon_weeks)
        return since, since + timedelta(days=7 * h - 1), float(h), None
    if period not in PERIOD_MONTHS:
        raise InputError(f"period must be one of {', '.join(PERIOD_MONTHS)}, got {period!r}")
    until = (pd.Timestamp(since) + pd.DateOffset(months=PERIOD_MONTHS[period]) - pd.Timedelta(days=1)).date()
    weeks = ((until - since).days + 1) / 7.0
    horizon_of(context, math.ceil(weeks))  # the range check, with its message
    return since, until, weeks, period


def values_at(context: ToolContext, weeks: float) -> pd.DataFrame:
    """The CLV frame at a possibly fractional horizon: whole weeks as computed, otherwise interpolated.

    The forecaster counts whole weeks from the data end; a calendar month (4.4 weeks) is taken
    linearly between the whole weeks around it, as if purchases within that week were spread evenly.
    """
    lo, hi = math.floor(weeks), math.ceil(weeks)
    if lo == hi:
        return values(context, hi)
    frac = weeks - lo
    cols = ["expected_purchases", "p_active", "clv"]
    if lo < 1:
        upper = values(context, hi)
        out = upper.copy()
        out[cols] = upper[cols].to_numpy() * frac
        return out
    lower, upper = values_pair(context, lo, hi)
    out = upper.copy()
    out[cols] = lower.reindex(upper.index)[cols].to_numpy() * (1.0 - frac) + upper[cols].to_numpy() * frac
    return out


class ForecastTotalsArgs(ToolArgs):
    horizon_weeks: TotalsHorizonArg
    period: PeriodArg
    segment: OptSegmentArg


@crm_tool(ForecastTotalsArgs)
def forecast_totals(
    horizon_weeks: int | None = None, period: str | None = None, segment: str | None = None
) -> dict[str, Any]:
    """Forecast TOTALS for a future period after the data end, over all customers or one segment:
    expected buyers (customers who buy at least once), expected orders (purchase days) and order lines,
    and expected revenue. Summed from the LSTM forecaster's per-customer expectations; revenue uses a
    Gamma-Gamma spend model per customer. Existing customers only: new-customer acquisition is not
    included. The period is the next horizon_weeks weeks, or a named period (next_month, next_quarter,
    next_year) starting the day after the last order in the data; the result states the dates.

    Use it for "how many customers will buy next month?", "next quarter's expected revenue",
    "下个月预计有多少客户购买？", "下季度预计销售额是多少？", "明年高价值客户预计贡献多少收入？",
    "expected orders in the next 8 weeks". For ONE customer's forecast use forecast_customer; for
    customer lifetime value use customer_value; for past totals use metric_query.
    """
    context = ctx()
    since, until, weeks, named = forecast_window(context, horizon_weeks, period)
    forecaster = context.forecaster
    seg_info, members = _segment_filter(context, segment)
    summary, model = spend_model(context)
    frame = values_at(context, weeks)
    considered = len(frame)
    if members is not None:
        frame = frame[is_member(frame.index, members)]
    exp_purchases = float(frame["expected_purchases"].sum())
    notes = [
        NO_ACQUISITION,
        "expected_orders counts purchase days (several order lines of one customer on one day are one "
        "purchase, the forecaster's unit); expected_order_lines scales each customer's purchase days by "
        "their historical order lines per purchase day",
        "expected_buyers = sum over customers of P(at least one purchase in the period), from the forecaster",
        "expected_revenue = sum over customers of expected purchase days x Gamma-Gamma expected spend per "
        "purchase day; " + _independence_note(model),
    ]
    if weeks != int(weeks):
        notes.append(
            f"the forecaster works in whole weeks; this period of {weeks:.2f} weeks is interpolated between "
            f"{math.floor(weeks)} and {math.ceil(weeks)} weeks"
        )
    if seg_info is not None:
        notes.append("segment membership is as of the segment model's training")
    data = {
        "period": {"since": since, "until": until},
        "period_name": named,
        "horizon_weeks": rnd(weeks, 2),
        "data_end": since - timedelta(days=1),
        "segment": seg_info,
        "customers": len(frame),
        "expected_buyers": rnd(frame["p_active"].sum(), 1),
        "expected_orders": rnd(exp_purchases, 1),
        "expected_order_lines": rnd((frame["expected_purchases"] * frame["lines_per_purchase"]).sum(), 1),
        "expected_revenue": rnd(frame["clv"].sum()),
        "revenue_per_expected_order": rnd(frame["clv"].sum() / exp_purchases) if exp_purchases > 0 else None,
        "spend_model": _spend_block(model),
        "notes": notes,
    }
    return result(
        "forecast_totals",
        {"horizon_weeks": horizon_weeks, "period": period, "segment": segment},
        data,
        considered,
        model_version=str(forecaster.version),
        spend_model=_spend_evidence(model),
        **({"segment_model_version": str(context.segments.version)} if segment is not None else {}),
    )


# -- customer_value ---------------------------------------------------------------------------------


def _customer_row(cid: str, r: Any) -> dict[str, Any]:
    return {
        "customer_id": cid,
        "clv": rnd(r.clv),
        "expected_purchases": rnd(r.expected_purchases, 2),
        "expected_spend_per_purchase": rnd(r.expected_spend),
        "p_active": rnd(r.p_active, 3),
        "historical_spend": rnd(r.spend),
        "purchase_days": int(r.purchase_days),
    }


class CustomerValueArgs(ToolArgs):
    customer: OptCustomerArg
    customers: OptCustomersArg
    segment: OptSegmentArg
    horizon_weeks: ValueHorizonArg
    top_n: int = Field(
        TOP_CUSTOMERS, ge=0, le=100, description="For a segment or everyone: how many top customers by CLV to list."
    )


@crm_tool(CustomerValueArgs)
def customer_value(
    customer: str | None = None,
    customers: list[str] | None = None,
    segment: str | None = None,
    horizon_weeks: int = 52,
    top_n: int = TOP_CUSTOMERS,
) -> dict[str, Any]:
    """Customer lifetime value (CLV) in money over the next horizon_weeks weeks (default 52): expected
    purchases (LSTM forecaster) x expected spend per purchase (Gamma-Gamma spend model).
    For ONE customer: CLV, its parts, the customer's rank and percentile among all customers and
    their purchase history: "is customer 100 worth keeping?", "客户100的客户终身价值是多少？",
    "what is customer 42 worth over the next year?".
    For a segment (or everyone when neither is given): total and mean CLV, expected buyers and
    purchases, the segment's share of all customers' CLV and its top customers by CLV: "what will the
    high-value segment spend next quarter?" (horizon_weeks 13), "高价值客户未来一年的价值是多少？",
    "who are our most valuable customers going forward?". For a list of customers (customers, e.g. the
    ones an at-risk answer listed: "how much are they worth over the next 6 months?") the same totals
    over exactly those customers (data.listed: their ids). Existing customers only (no new-customer
    acquisition); undiscounted revenue, not margin.

    Use it for value / worth / lifetime value questions. For period totals (buyers, orders, revenue
    next month/quarter) use forecast_totals; for churn risk use forecast_customer or at_risk_customers.
    """
    if sum(x is not None for x in (customer, customers, segment)) > 1:
        raise InputError("give one of customer, customers or segment, not several")
    context = ctx()
    h = horizon_of(context, horizon_weeks)
    forecaster = context.forecaster
    summary, model = spend_model(context)
    frame = values(context, h)
    since = _data_end(context) + timedelta(days=1)
    common = {
        "horizon_weeks": h,
        "period": {"since": since, "until": since + timedelta(days=7 * h - 1)},
        "spend_model": _spend_block(model),
    }
    notes = [CLV_DEFINITION, _independence_note(model)]
    args: dict[str, Any] = {"customer": customer, "segment": segment, "horizon_weeks": h}
    extra: dict[str, Any] = {"model_version": str(forecaster.version), "spend_model": _spend_evidence(model)}

    if customer is not None:
        who = resolve(context, customer)
        cid = who.external_id
        if cid not in frame.index:
            raise InputError(f"customer {cid!r} has no value estimate: a forecast needs at least one purchase")
        r = frame.loc[cid]
        clv_all = frame["clv"].to_numpy(dtype=float)
        rank = int((clv_all > float(r["clv"])).sum()) + 1
        data: dict[str, Any] = {
            "customer_id": cid,
            **common,
            "clv": rnd(r["clv"]),
            "expected_purchases": rnd(r["expected_purchases"], 2),
            "expected_spend_per_purchase": rnd(r["expected_spend"]),
            "p_active": rnd(r["p_active"], 3),
            "rank": rank,
            "customers_ranked": len(frame),
            "percentile": rnd(float((clv_all < float(r["clv"])).mean()), 3),
            "all_customers": {"mean_clv": rnd(clv_all.mean()), "median_clv": rnd(np.median(clv_all))},
            "history": {
                "purchase_days": int(r["purchase_days"]),
                "repeat_purchase_days": int(r["frequency"]),
                "repeat_mean_spend": rnd(r["monetary_value"]),
                "first_day_spend": rnd(r["first_day_spend"]),
                "spend": rnd(r["spend"]),
                "last_purchase": r["last_purchase"],
            },
            "notes": [
                *notes,
                "expected spend per purchase is the customer's own repeat mean shrunk toward the population "
                "mean; with no repeat purchase it is the population mean",
                "percentile = share of customers with a lower CLV",
            ],
        }
        args["resolved_customer_id"] = cid
        return result("customer_value", args, data, len(frame), **extra)

    seg_info, members = _segment_filter(context, segment)
    listed: list[str] | None = None
    if customers is not None:
        listed = [resolve(context, c).external_id for c in customers]
        members = frozenset(listed)
        args["customers"] = listed
    group = frame if members is None else frame[is_member(frame.index, members)]
    totals = value_totals(group)
    all_clv = float(frame["clv"].sum())
    top = group.sort_values("clv", ascending=False, kind="stable").head(top_n)
    data = {
        "segment": seg_info,
        **({"listed": listed} if listed is not None else {}),
        **common,
        **{k: rnd(v, 2) if isinstance(v, float) else v for k, v in totals.items()},
        "share_of_total_clv": rnd(totals["total_clv"] / all_clv, 4) if all_clv > 0 else None,
        "top_customers": [_customer_row(str(cid), r) for cid, r in top.iterrows()],
        "notes": [*notes, NO_ACQUISITION]
        + (["segment membership is as of the segment model's training"] if seg_info else []),
    }
    if segment is not None:
        extra["segment_model_version"] = str(context.segments.version)
    return result("customer_value", args, data, len(frame), **extra)
