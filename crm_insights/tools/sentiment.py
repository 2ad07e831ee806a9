"""Sentiment tools: classify given texts; distribution and trend over stored, scored feedback."""

from __future__ import annotations

from collections import Counter
from typing import Annotated, Any, Literal

import pandas as pd
from pydantic import BeforeValidator, Field
from sqlalchemy import func, select

from crm_insights.background import training_message
from crm_insights.errors import InputError, NotReadyError
from crm_insights.store.models import Customer, Feedback
from crm_insights.tools.common import (
    SENTIMENT_LABELS,
    OptCustomerArg,
    OptSegmentArg,
    SinceArg,
    ToolArgs,
    UntilArg,
    _blank_to_none,
    crm_tool,
    ctx,
    date_range,
    day_after,
    day_start,
    is_member,
    quote,
    resolve,
    result,
    rnd,
    segment_members,
)

# A trend longer than this stops being readable in a chat answer; the latest periods are kept.
MAX_PERIODS = 36
_FREQ = {"day": "D", "week": "W", "month": "M", "quarter": "Q", "year": "Y"}
_NOT_SCORED = "no stored feedback has a sentiment label yet; run `crm-insights sentiment score`"


def _as_list(value: Any) -> Any:
    # A model asked for one text often sends a bare string.
    return [value] if isinstance(value, str) else value


class AnalyzeArgs(ToolArgs):
    texts: Annotated[
        list[Annotated[str, Field(min_length=1, max_length=2000)]],
        BeforeValidator(_as_list),
        Field(min_length=1, max_length=20, description="The texts to classify (1-20), verbatim."),
    ]


def _distribution(labels: list[str]) -> dict[str, Any]:
    counts = Counter(labels)
    n = len(labels)
    return {
        "counts": {lab: int(counts.get(lab, 0)) for lab in SENTIMENT_LABELS},
        "shares": {lab: rnd(counts.get(lab, 0) / n, 4) if n else None for lab in SENTIMENT_LABELS},
    }


@crm_tool(AnalyzeArgs)
def analyze_sentiment(texts: list[str]) -> dict[str, Any]:
    """Classify the sentiment of texts given in the question (Chinese or English) as positive, neutral or
    negative, with the model's probability for the label, plus the counts over all given texts.

    Use it when the user supplies the text to judge ("这条评论是正面还是负面：'...'", "what is the
    sentiment of 'delivery was late again'?"). For sentiment of stored customer feedback use
    sentiment_summary instead.
    """
    model = ctx().sentiment
    preds = model.predict(list(texts))
    items = [
        {"text": quote(p.get("text", t), 200), "label": p["label"], "score": rnd(p.get("score"), 3)}
        for t, p in zip(texts, preds, strict=True)
    ]
    data = {"results": items, **_distribution([p["label"] for p in preds])}
    return result("analyze_sentiment", {"texts": len(texts)}, data, len(texts), model_version=str(model.version))


class SummaryArgs(ToolArgs):
    segment: OptSegmentArg
    customer: OptCustomerArg
    since: SinceArg
    until: UntilArg
    freq: Literal["day", "week", "month", "quarter", "year"] = Field(
        "month", description="Period of the trend: day, week, month, quarter or year."
    )
    group_by: Annotated[
        Literal["segment"] | None,
        BeforeValidator(_blank_to_none),
        Field(None, description="'segment' for the distribution of every segment side by side."),
    ]


@crm_tool(SummaryArgs)
def sentiment_summary(
    segment: str | None = None,
    customer: str | None = None,
    since: str | None = None,
    until: str | None = None,
    freq: str = "month",
    group_by: str | None = None,
) -> dict[str, Any]:
    """Sentiment of stored customer feedback: the distribution (counts and shares of positive, neutral,
    negative) and the trend per period (day/week/month/quarter/year), optionally only for one segment,
    one customer and/or a date range. Counts only feedback already scored by the sentiment model.

    With group_by='segment' it also gives every segment's distribution side by side (by_segment).

    Use it for "how do customers feel about us?", "客户评价的情感分布如何？", "is negative feedback
    growing?", "高价值客户的负面评价比例是多少？", "sentiment trend by quarter in 1997", "which segment
    complains most?" / "各分群的负面评价比例对比" (group_by='segment').
    """
    context = ctx()
    start, stop = date_range(since, until)
    if group_by == "segment" and segment is not None:
        raise InputError("give segment (one segment) or group_by='segment' (all side by side), not both")
    args: dict[str, Any] = {"segment": segment, "customer": customer, "since": start, "until": stop, "freq": freq}
    if group_by is not None:
        args["group_by"] = group_by
    if busy := training_message(context.settings, "sentiment"):  # labels being written: partial until done
        raise NotReadyError(busy)
    with context.engine.connect() as conn:
        total_scored = conn.execute(
            select(func.count(Feedback.id)).where(Feedback.sentiment_label.is_not(None))
        ).scalar_one()
        if not total_scored:
            raise NotReadyError(_NOT_SCORED)
        stmt = select(Customer.external_id, Feedback.created_at, Feedback.sentiment_label).join(
            Customer, Customer.id == Feedback.customer_id
        )
        extra: dict[str, Any] = {}
        if customer is not None:
            who = resolve(context, customer)
            stmt = stmt.where(Feedback.customer_id == who.pk)
            args["resolved_customer_id"] = who.external_id
        if start is not None:
            stmt = stmt.where(Feedback.created_at >= day_start(start))
        if stop is not None:
            stmt = stmt.where(Feedback.created_at < day_after(stop))
        rows = conn.execute(stmt).all()
    frame = pd.DataFrame(rows, columns=["customer_id", "created_at", "label"])
    seg_info = None
    if segment is not None:
        model, info, members = segment_members(context, segment)
        frame = frame[is_member(frame["customer_id"], members)]
        seg_info = {"segment": int(info["segment"]), "name_en": info.get("name_en"), "name_zh": info.get("name_zh")}
        extra["segment_model_version"] = str(model.version)
    by_segment = None
    if group_by == "segment":
        model = context.segments
        extra["segment_model_version"] = str(model.version)
        by_segment = []
        for info in model.segments():
            members = context.segment_members(model, int(info["segment"]))
            part = frame[is_member(frame["customer_id"], members)].dropna(subset=["label"])
            by_segment.append(
                {
                    "segment": int(info["segment"]),
                    "name_en": info.get("name_en"),
                    "name_zh": info.get("name_zh"),
                    "scored_feedback": len(part),
                    **_distribution([str(x) for x in part["label"]]),
                }
            )
    unscored = int(frame["label"].isna().sum())
    scored = frame.dropna(subset=["label"])
    labels = [str(x) for x in scored["label"]]
    trend: list[dict[str, Any]] = []
    if not scored.empty:
        periods = pd.to_datetime(scored["created_at"]).dt.to_period(_FREQ[freq])
        table = pd.crosstab(periods, scored["label"]).reindex(columns=list(SENTIMENT_LABELS), fill_value=0)
        for period, counts in table.iterrows():
            n = int(counts.sum())
            trend.append(
                {
                    "period": str(period),
                    "n": n,
                    **{lab: int(counts[lab]) for lab in SENTIMENT_LABELS},
                    "negative_share": rnd(counts["negative"] / n, 4) if n else None,
                }
            )
    truncated = len(trend) > MAX_PERIODS
    models = sorted({str(m) for m in _models(context, scored)})
    data = {
        "segment": seg_info,
        "scored_feedback": len(labels),
        "unscored_feedback": unscored,
        **_distribution(labels),
        "freq": freq,
        "trend": trend[-MAX_PERIODS:],
        **({"trend_truncated_to_latest": MAX_PERIODS} if truncated else {}),
        **({"by_segment": by_segment} if by_segment is not None else {}),
        **({"period": {"first": scored["created_at"].min(), "last": scored["created_at"].max()}} if labels else {}),
    }
    return result("sentiment_summary", args, data, len(frame), model_version=", ".join(models) or None, **extra)


def _models(context: Any, scored: pd.DataFrame) -> list[str]:
    """The sentiment model versions behind the stored labels (usually one)."""
    if scored.empty:
        return []
    with context.engine.connect() as conn:
        return [r[0] for r in conn.execute(select(func.distinct(Feedback.sentiment_model))).all() if r[0]]
