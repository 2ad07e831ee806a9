"""Segment tools over the latest SegmentModel: list, describe one, explain a customer's segment."""

from __future__ import annotations

from typing import Any

from crm_insights.tools.common import (
    CustomerArg,
    SegmentArg,
    ToolArgs,
    crm_tool,
    ctx,
    is_member,
    resolve,
    resolve_segment,
    result,
    rnd,
)

# Distinguishing features and reasons beyond the strongest few add tokens, not understanding.
TOP_FEATURES = 4
TOP_MEMBERS = 5
# What SegmentModel.describe adds beyond the list entry that helps an answer (levels, medians, rank).
_DESCRIBE_EXTRAS = ("matched", "as_of", "percentile", "levels", "member_median", "population_median")


def _names(info: dict[str, Any]) -> dict[str, Any]:
    raw = info.get("names")
    names: dict[str, Any] = raw if isinstance(raw, dict) else {}
    return {
        "name_en": info.get("name_en", names.get("en") or names.get("name_en")),
        "name_zh": info.get("name_zh", names.get("zh") or names.get("name_zh")),
    }


def _round_map(values: dict[str, Any] | None, digits: int = 2) -> dict[str, Any]:
    return {k: rnd(v, digits) if isinstance(v, int | float) else v for k, v in (values or {}).items()}


def _compact_segment(s: dict[str, Any]) -> dict[str, Any]:
    return {
        "segment": int(s["segment"]),
        **_names(s),
        "size": int(s.get("size", 0)),
        "share_customers": rnd(s.get("share_customers"), 4),
        "revenue_share": rnd(s.get("revenue_share"), 4),
        **({"revenue": rnd(s["revenue"])} if s.get("revenue") is not None else {}),
        **({"avg_revenue": rnd(s["avg_revenue"])} if s.get("avg_revenue") is not None else {}),
        # Plain member means (recency in days, frequency in purchase days, monetary = total spend) and
        # AOV = spend per purchase day: what a person means by "the average customer of this segment".
        **({"means": _round_map(s["means"])} if s.get("means") else {}),
        **({"tier": s["tier"]} if s.get("tier") else {}),
        **({"behaviour": s["behaviour"]} if s.get("behaviour") else {}),
        "centroid": _round_map(s.get("centroid")),
        "distinguishing": [
            {k: rnd(v, 2) if isinstance(v, float) else v for k, v in d.items()}
            for d in (s.get("distinguishing") or [])[:TOP_FEATURES]
        ],
    }


def segment_of(model: Any, customer_id: str, with_reason: bool = True) -> dict[str, Any]:
    """{segment, name_en, name_zh[, reason]} of one customer under ``model`` (NotFoundError passes up)."""
    info = model.assign(customer_id)
    out: dict[str, Any] = {"segment": int(info["segment"]), **_names(info)}
    if with_reason:
        for key in ("as_of", "distance", "nearest_other_segment", "margin"):
            if key in info:
                out[key] = info[key]
        reasons = sorted(info.get("reason") or [], key=lambda r: -abs(float(r.get("z") or 0.0)))
        out["reason"] = [
            {k: rnd(v, 2) if isinstance(v, float) else v for k, v in r.items()} for r in reasons[:TOP_FEATURES]
        ]
    return out


class NoArgs(ToolArgs):
    pass


@crm_tool(NoArgs)
def list_segments() -> dict[str, Any]:
    """List all customer segments of the latest segmentation model (RFM-style clusters), ranked by value
    (segment 0 = most valuable; with 3 segments they are the value tiers high-value / regular / low-value,
    高价值客户 / 普通客户 / 低价值客户): English and Chinese name, number of customers, share of customers,
    revenue and share of revenue, each segment's means (recency in days since the last purchase,
    frequency in purchase days, monetary = total spend per customer) and AOV (spend per purchase day),
    its behaviour profile and what distinguishes it from the average customer.

    Use it for "what segments do we have?", "客户分成哪几类？", "which segment brings the most revenue?".
    """
    model = ctx().segments
    segs = [_compact_segment(s) for s in model.segments()]
    total = sum(s["size"] for s in segs)
    return result("list_segments", {}, {"segments": segs, "customers": total}, total, model_version=str(model.version))


class DescribeSegmentArgs(ToolArgs):
    segment: SegmentArg


@crm_tool(DescribeSegmentArgs)
def describe_segment(segment: str) -> dict[str, Any]:
    """Describe ONE customer segment: its name, size, share of customers and revenue, its means (recency
    in days, frequency in purchase days, monetary = total spend per customer) and AOV (spend per
    purchase day), its behaviour profile, what distinguishes it from the average customer, and its top
    customers by spend.

    Use it when a question is about a particular group ("describe the high-value customers",
    "高价值客户有什么特点？", "tell me about segment 2"). For the list of all segments use list_segments.
    """
    context = ctx()
    model, info = resolve_segment(context, str(segment))
    data = _compact_segment(info)
    for key in _DESCRIBE_EXTRAS:
        if key in info:
            data[key] = _round_map(info[key]) if isinstance(info[key], dict) else info[key]
    members = context.segment_members(model, data["segment"])
    stats = context.customer_stats()
    top = stats[is_member(stats.index, members)].sort_values("spend", ascending=False).head(TOP_MEMBERS)
    data["top_customers"] = [
        {"customer_id": cid, "spend": rnd(row.spend), "orders": int(row.orders), "last_purchase": row.last_purchase}
        for cid, row in top.iterrows()
    ]
    return result(
        "describe_segment",
        {"segment": segment, "resolved_segment": data["segment"]},
        data,
        len(members),
        model_version=str(model.version),
    )


class ExplainCustomerArgs(ToolArgs):
    customer: CustomerArg


@crm_tool(ExplainCustomerArgs)
def explain_customer_segment(customer: str) -> dict[str, Any]:
    """Say which segment ONE customer belongs to and why: the customer's features next to the segment's
    average, with z-scores (how many standard deviations apart), strongest reasons first.

    Use it for "why is customer 100 in this segment?", "客户100属于哪个群体？为什么？".
    """
    context = ctx()
    model = context.segments
    who = resolve(context, customer)
    data = {"customer_id": who.external_id, **segment_of(model, who.external_id, with_reason=True)}
    return result(
        "explain_customer_segment",
        {"customer": customer, "resolved_customer_id": who.external_id},
        data,
        1,
        model_version=str(model.version),
    )
