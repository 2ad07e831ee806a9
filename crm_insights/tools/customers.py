"""customer_profile: one customer's history, segment, forecast and latest feedback."""

from __future__ import annotations

from typing import Any

from pydantic import Field
from sqlalchemy import func, select

from crm_insights.errors import InputError
from crm_insights.metrics import customer_history, customer_spend_rank, last_purchase_day
from crm_insights.store.models import Customer, Feedback
from crm_insights.tools.common import CustomerArg, ToolArgs, crm_tool, ctx, date_range, quote, resolve, result, rnd
from crm_insights.tools.forecast import forecast_one
from crm_insights.tools.segments import segment_of

# The latest few feedback texts give the flavour of a customer without flooding the prompt.
RECENT_FEEDBACK = 3


class ProfileArgs(ToolArgs):
    customer: CustomerArg
    since: str | None = Field(
        None, description="With until: also the customer's orders and spend in this period ('今年买了多少'), inclusive."
    )
    until: str | None = Field(None, description="The period's last day, inclusive (see since).")
    spend_rank: bool = Field(
        False,
        description="True: also where the customer's all-time spend ranks among all customers (1 = highest): "
        "'他的总消费在所有客户里排第几', 'where does customer 42 rank by spend'.",
    )


@crm_tool(ProfileArgs)
def customer_profile(
    customer: str, spend_rank: bool = False, since: str | None = None, until: str | None = None
) -> dict[str, Any]:
    """Everything known about ONE customer: number of orders and purchase days, total spend, average
    order value, first and last purchase, days since the last purchase (counted from the last order
    date in the store), the customer's segment, the forecast for the next quarter (expected purchases,
    probability of staying active, churn risk) and the 3 latest feedback texts with their sentiment.

    Use it when a question names a single customer ("tell me about customer 100", "客户00100的情况",
    "what has customer 42 bought?"). Customer ids may be written as '100', '00100', 'customer 100' or
    '客户100'. Segment or forecast is null (with a note) when that model has not been trained.
    since/until add the customer's orders and spend in that period ("C3049最近一次下单是几天前？今年买了多少钱").
    spend_rank=True adds where the customer's all-time spend ranks among all customers with orders (1 = the
    highest; ties share the better rank): "他的总消费在所有客户里排第几", "where does customer 42 rank by spend".
    """
    context = ctx()
    who = resolve(context, customer)
    notes: list[str] = []
    with context.engine.connect() as conn:
        hist = customer_history(conn, who.pk)
        first, last = hist["first_purchase"], hist["last_purchase"]
        # "上回买了多少钱": every order line of the last purchase day
        last_day = last_purchase_day(conn, who.pk, last) if last else {"orders": 0, "units": 0, "spend": 0.0}
        fb_total = conn.execute(select(func.count(Feedback.id)).where(Feedback.customer_id == who.pk)).scalar_one()
        recent = conn.execute(
            select(Feedback.id, Feedback.created_at, Feedback.text, Feedback.sentiment_label, Feedback.sentiment_score)
            .where(Feedback.customer_id == who.pk)
            .order_by(Feedback.created_at.desc(), Feedback.id.desc())
            .limit(RECENT_FEEDBACK)
        ).all()
        signup = conn.execute(select(Customer.signup_at).where(Customer.id == who.pk)).scalar_one()
        rank = customer_spend_rank(conn, float(hist["spend"])) if spend_rank else None
        period = None
        if since is not None or until is not None:
            start, stop = date_range(since, until)
            in_period = customer_history(conn, who.pk, start, stop)
            period = {"since": start, "until": stop, "orders": in_period["orders"], "spend": rnd(in_period["spend"])}
    data_end = context.data_end()
    n_orders, spend, n_days = hist["orders"], hist["spend"], hist["purchase_days"]
    # "他一般多久买一次": the mean gap between consecutive purchase days telescopes to (last - first) / (days - 1)
    gap = (last.date() - first.date()).days / (n_days - 1) if first and last and n_days >= 2 else None
    history: dict[str, Any] = {
        "orders": n_orders,
        "purchase_days": n_days,
        "units": hist["units"],
        "spend": rnd(spend),
        "average_order_value": rnd(spend / n_orders) if n_orders else None,
        "first_purchase": first,
        "last_purchase": last,
        "days_since_last_purchase": (data_end - last).days if (last and data_end) else None,
        "last_purchase_orders": last_day["orders"],
        "last_purchase_units": last_day["units"],
        "last_purchase_spend": rnd(last_day["spend"]),
        "days_between_purchases": rnd(gap, 1),  # None with one purchase day
    }
    versions: dict[str, str] = {}

    segment = None
    seg_model, why = context.try_get("segments")
    if seg_model is None:
        notes.append(f"segment unavailable: {why}")
    else:
        try:
            segment = segment_of(seg_model, who.external_id, with_reason=False)
            versions["segments"] = str(seg_model.version)
        except InputError as exc:  # e.g. a customer imported after the model was trained
            notes.append(f"segment unknown: {exc}")

    forecast = None
    forecaster, why = context.try_get("forecast")
    if forecaster is None:
        notes.append(f"forecast unavailable: {why}")
    else:
        try:
            forecast = forecast_one(context, who.external_id, context.settings.forecast.horizon_weeks)
            versions["forecast"] = str(forecaster.version)
        except InputError as exc:
            notes.append(f"forecast unavailable: {exc}")

    data = {
        "customer_id": who.external_id,
        **({"name": who.name} if who.name else {}),
        **({"signup_at": signup} if signup else {}),
        "as_of": data_end,
        **history,
        # average order value: spend / order lines ("平均一笔多少")
        "aov": rnd(history["spend"] / history["orders"]) if history.get("orders") else None,
        "segment": segment,
        "forecast": forecast,
        "feedback_count": int(fb_total),
        "recent_feedback": [
            {
                "feedback_id": fid,
                "created_at": created,
                "quote": quote(text),
                "sentiment": label,
                "sentiment_score": rnd(score, 3),
            }
            for fid, created, text, label, score in recent
        ],
        **({"spend_rank": rank} if rank is not None else {}),
        **({"period": period} if period is not None else {}),
        **({"notes": notes} if notes else {}),
    }
    return result(
        "customer_profile",
        {"customer": customer, "resolved_customer_id": who.external_id},
        data,
        n_orders + int(fb_total),
        model_versions=versions or None,
    )
