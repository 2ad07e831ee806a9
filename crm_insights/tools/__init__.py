"""LangChain tools the agent calls: typed, validated, read-only, each returning data plus evidence.

``TOOLS`` is the one registry that feeds both ``bind_tools`` and the tool node. Every tool returns
``{"data": ..., "evidence": {"tool", "args", "rows_considered", "model_version" | "index_version"}}``;
errors a model can fix come back as a tool message with status "error" (see tools/common.py).
"""

from langchain_core.tools import BaseTool

from crm_insights.tools.context import ToolContext, get_context, reset_context, set_context
from crm_insights.tools.customers import customer_profile
from crm_insights.tools.feedback import feedback_themes, search_feedback
from crm_insights.tools.forecast import at_risk_customers, forecast_customer
from crm_insights.tools.ids import candidate_ids, parse_customer_ref, resolve_customer
from crm_insights.tools.metrics import cohort_retention, feedback_followup, metric_query
from crm_insights.tools.overview import crm_overview
from crm_insights.tools.segments import describe_segment, explain_customer_segment, list_segments
from crm_insights.tools.sentiment import analyze_sentiment, sentiment_summary
from crm_insights.tools.status import assistant_status
from crm_insights.tools.value import customer_value, forecast_totals

TOOLS: list[BaseTool] = [
    crm_overview,
    metric_query,
    cohort_retention,
    feedback_followup,
    customer_profile,
    list_segments,
    describe_segment,
    explain_customer_segment,
    forecast_customer,
    at_risk_customers,
    forecast_totals,
    customer_value,
    analyze_sentiment,
    sentiment_summary,
    search_feedback,
    feedback_themes,
    assistant_status,
]
TOOLS_BY_NAME: dict[str, BaseTool] = {t.name: t for t in TOOLS}

__all__ = [
    "TOOLS",
    "TOOLS_BY_NAME",
    "ToolContext",
    "analyze_sentiment",
    "assistant_status",
    "at_risk_customers",
    "candidate_ids",
    "cohort_retention",
    "crm_overview",
    "customer_profile",
    "customer_value",
    "describe_segment",
    "explain_customer_segment",
    "feedback_followup",
    "feedback_themes",
    "forecast_customer",
    "forecast_totals",
    "get_context",
    "list_segments",
    "metric_query",
    "parse_customer_ref",
    "reset_context",
    "resolve_customer",
    "search_feedback",
    "sentiment_summary",
    "set_context",
]
