"""CRM store: models, engines, migrations, importers."""

from crm_insights.store.db import get_engine, init_store, is_migrated, make_engine, migrate, session_scope
from crm_insights.store.demo import build_demo
from crm_insights.store.importers import (
    ImportResult,
    import_batch,
    import_customers,
    import_feedback,
    import_file,
    import_frame,
    import_orders,
)
from crm_insights.store.models import (
    AgentConversation,
    AgentThread,
    Base,
    Customer,
    Feedback,
    Order,
    SegmentAssignment,
)
from crm_insights.store.stats import status_report, store_stats

__all__ = [
    "AgentConversation",
    "AgentThread",
    "Base",
    "Customer",
    "Feedback",
    "ImportResult",
    "Order",
    "SegmentAssignment",
    "build_demo",
    "get_engine",
    "import_batch",
    "import_customers",
    "import_feedback",
    "import_file",
    "import_frame",
    "import_orders",
    "init_store",
    "is_migrated",
    "make_engine",
    "migrate",
    "session_scope",
    "status_report",
    "store_stats",
]
