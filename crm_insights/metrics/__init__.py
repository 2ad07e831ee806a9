"""The governed metrics layer: the one home of the service's aggregate queries.

Measures and dimensions are declared as data (:mod:`~crm_insights.metrics.catalogue`: key, family,
unit, zh/en names, synonyms, definition) and compiled to SQLAlchemy Core (:mod:`~.query`), with
date labels rendered per dialect (:mod:`~.dialect`) so SQLite and PostgreSQL return the same rows.
Nothing is assembled from user text: requests name catalogue keys, and the tools validate them.
Fixed aggregates the tools share (overview totals, per-customer stats, top spenders, segment moves)
are in :mod:`~.summary`; cohort retention in :mod:`~.cohorts`. See README.md here for why this is
SQLAlchemy Core rather than boring-semantic-layer.
"""

from crm_insights.metrics.catalogue import (
    CUSTOMER_LIMIT_DEFAULT,
    CUSTOMER_LIMIT_MAX,
    DIMENSIONS,
    GRAINS,
    MEASURES,
    PER_DAY_MEASURES,
    SHARE_OF_ALL_MEASURES,
    WEEKDAYS,
    WITHIN_DAYS_MAX,
    Dimension,
    Measure,
    catalogue,
    measure_key,
)
from crm_insights.metrics.cohorts import cohort_matrix, cohort_window
from crm_insights.metrics.query import (
    CustomerFilter,
    MetricRequest,
    MetricResult,
    derive,
    families,
    period_labels,
    rollup_applies,
    run,
    validate,
    with_days,
)
from crm_insights.metrics.summary import (
    customer_count,
    customer_history,
    customer_spend_rank,
    customer_stats_frame,
    data_range,
    feedback_totals,
    first_order_at,
    last_order_at,
    last_purchase_day,
    order_totals,
    segment_assignment_count,
    segment_transitions,
    top_share_of_spenders,
    top_spenders,
)
from crm_insights.store.rollup import refresh_rollup, rollup_fresh

__all__ = [
    "CUSTOMER_LIMIT_DEFAULT",
    "CUSTOMER_LIMIT_MAX",
    "DIMENSIONS",
    "GRAINS",
    "MEASURES",
    "PER_DAY_MEASURES",
    "SHARE_OF_ALL_MEASURES",
    "WEEKDAYS",
    "WITHIN_DAYS_MAX",
    "CustomerFilter",
    "Dimension",
    "Measure",
    "MetricRequest",
    "MetricResult",
    "catalogue",
    "cohort_matrix",
    "cohort_window",
    "customer_count",
    "customer_history",
    "last_purchase_day",
    "customer_spend_rank",
    "customer_stats_frame",
    "data_range",
    "derive",
    "families",
    "feedback_totals",
    "first_order_at",
    "last_order_at",
    "measure_key",
    "order_totals",
    "period_labels",
    "refresh_rollup",
    "rollup_applies",
    "rollup_fresh",
    "run",
    "segment_assignment_count",
    "segment_transitions",
    "top_share_of_spenders",
    "with_days",
    "top_spenders",
    "validate",
]
