"""The migrated schema on SQLite and PostgreSQL: tables, unique external ids, foreign keys."""

from __future__ import annotations

from datetime import datetime

import pytest
from sqlalchemy import Engine, delete, inspect, select
from sqlalchemy.exc import IntegrityError

from crm_insights.store import Base, Customer, Feedback, Order, SegmentAssignment, is_migrated, migrate, session_scope


def test_tables_exist(engine: Engine) -> None:
    names = set(inspect(engine).get_table_names())
    assert {"customers", "orders", "feedback", "segment_assignments", "alembic_version"} <= names
    assert {"agent_threads", "agent_conversations"} <= names  # the server's thread registry
    assert is_migrated(engine)


@pytest.mark.parametrize("table", ["customers", "orders", "feedback"])
def test_external_id_is_unique(engine: Engine, table: str) -> None:
    insp = inspect(engine)
    uniques = insp.get_unique_constraints(table)
    assert any(u["column_names"] == ["external_id"] for u in uniques), uniques


@pytest.mark.parametrize("table", ["orders", "feedback", "segment_assignments"])
def test_customer_foreign_key(engine: Engine, table: str) -> None:
    fks = inspect(engine).get_foreign_keys(table)
    assert any(fk["referred_table"] == "customers" and fk["constrained_columns"] == ["customer_id"] for fk in fks), fks


def test_indexes_for_time_queries(engine: Engine) -> None:
    orders = {tuple(ix["column_names"]) for ix in inspect(engine).get_indexes("orders")}
    assert ("customer_id", "ordered_at") in orders
    assert ("ordered_at",) in orders


def test_thread_list_reads_one_identity_newest_first_from_an_index(engine: Engine) -> None:
    indexes = {tuple(ix["column_names"]) for ix in inspect(engine).get_indexes("agent_threads")}
    assert ("identity", "updated_at") in indexes
    assert inspect(engine).get_pk_constraint("agent_threads")["constrained_columns"] == ["identity", "thread_id"]


def test_models_match_the_migrations(engine: Engine) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []


def test_duplicate_external_id_rejected(engine: Engine) -> None:
    with session_scope(engine) as s:
        s.add(Customer(external_id="00001"))
    with pytest.raises(IntegrityError), session_scope(engine) as s:
        s.add(Customer(external_id="00001"))


def test_order_needs_existing_customer(engine: Engine) -> None:
    with pytest.raises(IntegrityError), session_scope(engine) as s:
        s.add(Order(external_id="o1", customer_id=999, ordered_at=datetime(2024, 1, 1), quantity=1, amount=1.0))


def test_delete_customer_cascades(engine: Engine) -> None:
    with session_scope(engine) as s:
        c = Customer(external_id="c1", attributes={"城市": "北京"})
        s.add(c)
        s.flush()
        s.add(Order(external_id="o1", customer_id=c.id, ordered_at=datetime(2024, 1, 1), quantity=2, amount=9.5))
        s.add(Feedback(external_id="f1", customer_id=c.id, created_at=datetime(2024, 1, 2), text="很好"))
        s.add(SegmentAssignment(model_version="v1", customer_id=c.id, segment=0))
    with session_scope(engine) as s:
        got = s.scalars(select(Customer)).one()
        assert got.attributes == {"城市": "北京"}
        # A Core delete: the database's ON DELETE CASCADE removes the customer's rows.
        s.execute(delete(Customer).where(Customer.id == got.id))
    with session_scope(engine) as s:
        assert s.scalars(select(Order)).all() == []
        assert s.scalars(select(Feedback)).all() == []


def test_migrate_is_idempotent(engine: Engine) -> None:
    migrate(engine)
    migrate(engine)
    assert is_migrated(engine)
