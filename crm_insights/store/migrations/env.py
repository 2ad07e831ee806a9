"""Alembic environment: the connection is passed in by crm_insights.store.db.migrate()."""

from __future__ import annotations

from alembic import context

from crm_insights.store.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only when someone runs the alembic CLI directly
    raise RuntimeError("run migrations through `crm-insights` (crm_insights.store.db.migrate)")

context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
