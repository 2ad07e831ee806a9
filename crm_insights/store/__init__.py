"""CRM store: models, engines, migrations, importers."""

from crm_insights.store.db import get_engine, init_store, is_migrated, make_engine, migrate, session_scope
from crm_insights.store.models import Base, Customer, Feedback, Order, SegmentAssignment

__all__ = [
    "Base",
    "Customer",
    "Feedback",
    "Order",
    "SegmentAssignment",
    "get_engine",
    "init_store",
    "is_migrated",
    "make_engine",
    "migrate",
    "session_scope",
]
