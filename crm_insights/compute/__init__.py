"""Batch job runners: the same job (sentiment scoring, feedback embedding, forecasting) on this process
(``local``) or as a Ray Data pipeline on a cluster (``ray``), with the same inputs and outputs.

``ray`` is an optional extra (``pip install -e .[ray]``); it is imported only when a job runs on it.
"""

from crm_insights.compute.cluster import JobOptions, job_options, ray_session
from crm_insights.compute.forecast import run_forecast
from crm_insights.compute.index import run_index_build, run_index_update
from crm_insights.compute.sentiment import run_sentiment_score

__all__ = [
    "JobOptions",
    "job_options",
    "ray_session",
    "run_forecast",
    "run_index_build",
    "run_index_update",
    "run_sentiment_score",
]
