"""Forecast tools over the latest Forecaster: one customer's outlook, the customers most at risk."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated, Any

import pandas as pd
from pydantic import Field

from crm_insights.errors import InputError
from crm_insights.tools.common import (
    CustomerArg,
    OptSegmentArg,
    ToolArgs,
    crm_tool,
    ctx,
    is_member,
    resolve,
    result,
    rnd,
    segment_members,
)
from crm_insights.tools.context import ToolContext

# "Active enough to matter": a purchase within the last year of data and more than one purchase day.
# Older or one-off customers are already gone or never started; a retention campaign targets the rest.
ACTIVE_WINDOW_WEEKS = 52
MIN_PURCHASE_DAYS = 2

HorizonArg = Annotated[
    int | None,
    Field(
        None,
        ge=1,
        description="Forecast horizon in weeks (default: the configured horizon, 13 weeks = one quarter; at most 104).",
    ),
]


def horizon_of(context: ToolContext, horizon_weeks: int | None) -> int:
    fc = context.settings.forecast
    h = fc.horizon_weeks if horizon_weeks is None else int(horizon_weeks)
    if not 1 <= h <= fc.max_horizon_weeks:
        raise InputError(f"horizon_weeks must be between 1 and {fc.max_horizon_weeks}, got {h}")
    return h


def _row(customer_id: str, pred: Any, horizon: int) -> dict[str, Any]:
    p_active = float(pred["p_active"])
    return {
        "customer_id": customer_id,
        "horizon_weeks": horizon,
        "expected_purchases": rnd(pred["expected_purchases"], 2),
        "p_active": rnd(p_active, 3),
        "churn_risk": rnd(1.0 - p_active, 3),
    }


def forecast_one(context: ToolContext, customer_id: str, horizon: int) -> dict[str, Any]:
    """One customer's forecast, looked up in the cached all-customer predictions.

    Predicting everyone once (seconds) then looking up is cheaper per question than the forecaster's
    single-customer path, which reads every order to build its weekly panel anyway.
    """
    preds = context.predictions(horizon)
    if customer_id not in preds.index:
        raise InputError(f"customer {customer_id!r} has no forecast: a forecast needs at least one purchase")
    return _row(customer_id, preds.loc[customer_id], horizon)


class ForecastCustomerArgs(ToolArgs):
    customer: CustomerArg
    horizon_weeks: HorizonArg


@crm_tool(ForecastCustomerArgs)
def forecast_customer(customer: str, horizon_weeks: int | None = None) -> dict[str, Any]:
    """Forecast ONE customer's purchasing over the next horizon_weeks weeks (LSTM model on weekly
    purchase history): expected number of purchases, probability of buying at least once (p_active)
    and churn risk (= 1 - p_active), next to the customer's purchase history.

    Use it for "will customer 100 buy again?", "客户100未来三个月会购买几次？", "what is customer 42's
    churn risk?". Convert months to weeks (3 months = 13 weeks, 6 months = 26, a year = 52).
    """
    context = ctx()
    h = horizon_of(context, horizon_weeks)
    who = resolve(context, customer)
    data = forecast_one(context, who.external_id, h)
    stats = context.customer_stats()
    if who.external_id in stats.index:
        s = stats.loc[who.external_id]
        data["history"] = {
            "orders": int(s["orders"]),
            "purchase_days": int(s["purchase_days"]),
            "spend": rnd(s["spend"]),
            "last_purchase": s["last_purchase"],
        }
    data["as_of"] = context.data_end()
    return result(
        "forecast_customer",
        {"customer": customer, "resolved_customer_id": who.external_id, "horizon_weeks": h},
        data,
        int(data.get("history", {}).get("orders", 0)),
        model_version=str(context.forecaster.version),
    )


def _risk_frame(context: ToolContext, horizon: int, end: Any) -> pd.DataFrame:
    """Every forecast customer with history, value at risk and the activity flag, ranked by value at risk.

    Cached per (model version, horizon, store): the join and sort over all customers is the costly part.
    """
    forecaster = context.forecaster

    def build() -> pd.DataFrame:
        preds = context.predictions(horizon)
        frame = context.customer_stats().join(preds[["expected_purchases", "p_active", "churn_risk"]], how="inner")
        active = frame["purchase_days"] >= MIN_PURCHASE_DAYS
        if end is not None:
            active &= frame["last_purchase"] >= pd.Timestamp(end - timedelta(weeks=ACTIVE_WINDOW_WEEKS))
        frame["active"] = active
        frame["value_at_risk"] = frame["churn_risk"] * frame["spend"]
        return frame.sort_values(["value_at_risk", "churn_risk"], ascending=False)

    key = ("risk", getattr(forecaster, "version", id(forecaster)), horizon, context.store_fingerprint())
    return context.cached(key, build)


class AtRiskArgs(ToolArgs):
    top_n: int = Field(10, ge=1, le=100, description="How many customers to list (1-100).")
    segment: OptSegmentArg
    horizon_weeks: HorizonArg
    min_churn_risk: float = Field(
        0.5, ge=0.0, le=1.0, description="Only customers whose churn risk is at least this (0-1; default 0.5)."
    )
    among_top_spenders: int | None = Field(
        None,
        ge=1,
        le=100_000,
        description="Only customers among the N biggest spenders (total historical spend; within the segment "
        "when one is given), e.g. 100 for 'at-risk customers among our top 100 spenders'.",
    )
    among_top_share: float | None = Field(
        None,
        gt=0.0,
        le=1.0,
        description="Only customers among the top share of spenders (a fraction: 0.1 = the top 10% by total "
        "historical spend, round(customers x share)), e.g. 'churn risk among our top 10% customers'.",
    )


@crm_tool(AtRiskArgs)
def at_risk_customers(
    top_n: int = 10,
    segment: str | None = None,
    horizon_weeks: int | None = None,
    min_churn_risk: float = 0.5,
    among_top_spenders: int | None = None,
    among_top_share: float | None = None,
) -> dict[str, Any]:
    """The customers most at risk of churning (not buying again) over the next horizon_weeks weeks,
    ranked by value at risk = churn risk x the customer's total historical spend, optionally only
    within one segment. Only customers active enough to matter are considered: at least 2 purchase
    days and a purchase within the last 52 weeks of data; and churn risk >= min_churn_risk.
    Also returns how many customers qualify and their total value at risk.

    With among_top_spenders = N only the N biggest spenders are considered; with among_top_share =
    0.1 the top 10% of customers by spend (round(customers x share), at least one, as the metrics'
    top_share). Returns the total historical spend of the listed customers and of all qualifying
    at-risk customers.

    Use it for "which customers are likely to churn?", "哪些客户有流失风险？", "top 10 at-risk
    customers in the high-value segment", "高价值客户里有哪些有流失风险？" (pass the segment),
    "消费前100名的客户里谁有流失风险？" / "at-risk customers among our top 100 spenders" (pass
    among_top_spenders=100), "how much have the at-risk customers spent in total?".
    """
    context = ctx()
    h = horizon_of(context, horizon_weeks)
    forecaster = context.forecaster
    seg_info = None
    members: frozenset[str] | None = None
    if segment is not None:
        _, info, members = segment_members(context, segment)
        seg_info = {"segment": int(info["segment"]), "name_en": info.get("name_en"), "name_zh": info.get("name_zh")}
    end = context.data_end()
    frame = _risk_frame(context, h, end)
    if members is not None:
        frame = frame[is_member(frame.index, members)]
    if among_top_spenders is not None or among_top_share is not None:
        # Rank on every customer's spend (not only those with a forecast), ties by id so the set is stable.
        stats = context.customer_stats()
        if members is not None:
            stats = stats[is_member(stats.index, members)]
        if among_top_share is not None:  # (a fraction in (0, 1]: AtRiskArgs checks it)
            among_top_spenders = max(1, round(len(stats) * among_top_share))
        ranked = stats.reset_index().sort_values(["spend", "customer_id"], ascending=[False, True])
        top = frozenset(str(c) for c in ranked["customer_id"].head(among_top_spenders))
        frame = frame[is_member(frame.index, top)]
    considered = len(frame)
    active = frame[frame["active"]]
    risky = active[active["churn_risk"] >= min_churn_risk]
    rows = [
        {
            "customer_id": cid,
            "churn_risk": rnd(r.churn_risk, 3),
            "p_active": rnd(r.p_active, 3),
            "expected_purchases": rnd(r.expected_purchases, 2),
            "spend": rnd(r.spend),
            "value_at_risk": rnd(r.value_at_risk),
            "purchase_days": int(r.purchase_days),
            "last_purchase": r.last_purchase,
            "days_since_last_purchase": (end - r.last_purchase.to_pydatetime()).days if end else None,
        }
        for cid, r in risky.head(top_n).iterrows()
    ]
    listed = risky.head(top_n)
    data = {
        "horizon_weeks": h,
        "as_of": end,
        "segment": seg_info,
        "customers_considered": considered,
        "active_customers": len(active),
        "at_risk_count": len(risky),
        "total_value_at_risk": rnd(risky["value_at_risk"].sum()),
        "listed_total_spend": rnd(listed["spend"].sum()),
        "at_risk_total_spend": rnd(risky["spend"].sum()),
        "among_top_spenders": among_top_spenders,
        "among_top_share": among_top_share,
        "rule": f"purchase_days >= {MIN_PURCHASE_DAYS}, last purchase within {ACTIVE_WINDOW_WEEKS} weeks of "
        f"{end.date() if end else 'the data end'}, churn_risk >= {min_churn_risk}"
        + (f", among the {among_top_spenders} biggest spenders" if among_top_spenders else "")
        + "; ranked by churn_risk x spend",
        "customers": rows,
    }
    return result(
        "at_risk_customers",
        {
            "top_n": top_n,
            "segment": segment,
            "horizon_weeks": h,
            "min_churn_risk": min_churn_risk,
            "among_top_spenders": among_top_spenders,
            "among_top_share": among_top_share,
        },
        data,
        considered,
        model_version=str(forecaster.version),
        **({"segment_model_version": str(context.segments.version)} if segment is not None else {}),
    )
