"""The thread registry: each caller's threads and OpenAI conversations, kept beside the agent's thread memory.

The agent's checkpointer holds what a thread says; this registry holds which threads a caller has
(``GET /v1/threads``) and which thread an OpenAI-compatible conversation continues, in the tables
``agent_threads`` and ``agent_conversations``. Both survive restarts and are shared by every worker:

- SQLite store: in the thread file (``threads.sqlite3``, :func:`crm_insights.agent.memory.threads_location`),
  not in the CRM file. Every write to the CRM file tells the tools that the data changed
  (:meth:`~crm_insights.tools.context.ToolContext.store_fingerprint` reads its modification time), so a
  registry write there on every turn threw away every cached table (overview, forecasts) on every
  answer; and an import holds the CRM file's write lock for minutes, which used to cost turns their
  list entry. Rows an older version kept in the CRM file are copied over when the tables are created.
- PostgreSQL store: in the store's database (the store's migrations create the tables); the tools'
  fingerprint there reads the CRM tables only.
- In-memory SQLite store: one in-memory database for the process.

A write that fails is logged and the answer goes on (the list then misses that turn); reads that
serve the list itself raise :class:`~crm_insights.errors.StoreError` (503).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, inspect, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool

from crm_insights.agent.memory import threads_location
from crm_insights.config import Settings
from crm_insights.errors import StoreError
from crm_insights.store.db import make_engine, migrate
from crm_insights.store.models import AgentConversation, AgentThread

log = logging.getLogger("crm_insights.server")

TITLE_CHARS = 80  # a thread's title is its first question, cut to this many characters
_TABLES = (AgentThread, AgentConversation)
_EPOCH = datetime(1970, 1, 1)


def _registry_engine(settings: Settings) -> tuple[Engine, str]:
    """The registry's engine and where it lives: "memory", "thread-file" or "store"."""
    url = make_url(settings.database_url)
    echo = settings.database.echo
    if url.get_backend_name() == "sqlite":
        location = threads_location(settings)
        if location == "memory":
            # One in-memory database for the process: the default pool would give each thread its own.
            memory = create_engine(
                "sqlite://", echo=echo, poolclass=StaticPool, connect_args={"check_same_thread": False}
            )
            return memory, "memory"
        # The thread file's own busy wait (make_engine's) applies: nothing holds its lock for long.
        return make_engine(f"sqlite:///{location}", echo), "thread-file"
    return make_engine(settings.database_url, echo), "store"


def _reason(exc: SQLAlchemyError) -> str:
    # The driver's message, without SQLAlchemy's statement and parameters.
    orig = getattr(exc, "orig", None)
    return str(orig if orig is not None else exc)


def _seconds(value: datetime) -> float:
    """A stored UTC time as epoch seconds, the form the API has always returned."""
    return (value - _EPOCH) / timedelta(seconds=1)


def _legacy_rows(store_file: str) -> dict[str, list[dict[str, Any]]]:
    """The registry rows an older version kept in the CRM file (read-only; {} when there are none)."""
    path = Path(store_file)
    if not path.exists():
        return {}
    rows: dict[str, list[dict[str, Any]]] = {}
    engine = create_engine(f"sqlite:///file:{path}?mode=ro&uri=true", connect_args={"timeout": 30})
    try:
        present = set(inspect(engine).get_table_names())
        with engine.connect() as conn:
            for model in _TABLES:
                table = model.__table__
                if table.name in present:  # type: ignore[attr-defined]
                    rows[table.name] = [dict(r._mapping) for r in conn.execute(select(*table.c))]  # type: ignore[attr-defined]
    except SQLAlchemyError as exc:
        log.warning("thread list: earlier entries in %s not read: %s", path, _reason(exc))
    finally:
        engine.dispose()
    return rows


class ThreadRegistry:
    """Threads per identity (``local`` or an API key's fingerprint) and conversation hashes -> threads.

    Opens lazily: the first use makes the engine and migrates the store to head; a failure is retried on
    the next use.
    """

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._engine: Engine | None = None
        self._shared_connection = False
        self._open_lock = threading.Lock()
        self._serial = threading.Lock()
        self._clock_lock = threading.Lock()
        self._last_us = 0

    # -- engine ----------------------------------------------------------------------------------
    def open(self) -> Engine:
        """The engine, its tables created (idempotent; ``serve`` calls it before starting workers)."""
        with self._open_lock:
            if self._engine is None:
                engine, where = _registry_engine(self.settings)
                try:
                    if where == "store":
                        migrate(engine)  # the store's migrations hold the tables
                    else:
                        self._create_tables(engine, adopt=where == "thread-file")
                except SQLAlchemyError as exc:
                    engine.dispose()
                    raise StoreError(f"cannot prepare the thread list: {_reason(exc)}") from exc
                except BaseException:
                    engine.dispose()
                    raise
                self._engine, self._shared_connection = engine, where == "memory"
            return self._engine

    def _create_tables(self, engine: Engine, adopt: bool) -> None:
        """The registry's tables; when they are new in the thread file, the rows the CRM file held before."""
        if inspect(engine).has_table(AgentThread.__tablename__) and inspect(engine).has_table(
            AgentConversation.__tablename__
        ):
            return
        tables = [model.__table__ for model in _TABLES]
        AgentThread.metadata.create_all(engine, tables=tables)  # type: ignore[arg-type]
        store_file = make_url(self.settings.database_url).database
        legacy = _legacy_rows(store_file) if adopt and store_file else {}
        with engine.begin() as conn:
            for model in _TABLES:
                rows = legacy.get(model.__tablename__)
                if rows:
                    # Another process adopting at the same moment inserts the same rows: keep one.
                    conn.execute(sqlite.insert(model).on_conflict_do_nothing(), rows)
        if any(legacy.values()):
            log.info("thread list: %d threads moved from the CRM file", len(legacy.get("agent_threads", [])))

    def close(self) -> None:
        with self._open_lock:
            if self._engine is not None:
                self._engine.dispose()
                self._engine = None

    def _guard(self) -> AbstractContextManager[Any]:
        # A single in-memory connection cannot hold two transactions at once.
        return self._serial if self._shared_connection else nullcontext()

    def _now(self) -> datetime:
        # Strictly increasing within the process, so the list's newest-first order has no ties.
        with self._clock_lock:
            self._last_us = max(time.time_ns() // 1_000, self._last_us + 1)
            return _EPOCH + timedelta(microseconds=self._last_us)

    # -- threads ---------------------------------------------------------------------------------
    def touch(self, identity: str, thread_id: str, question: str, source: str) -> None:
        """Record a turn in ``identity``'s ``thread_id``; the first one names the thread and its source.

        Best effort: a store that cannot be written is logged, and the caller's answer goes on.
        """
        now = self._now()
        self._write(
            lambda insert: (
                insert(AgentThread)
                .values(
                    identity=identity,
                    thread_id=thread_id,
                    title=question[:TITLE_CHARS],
                    source=source,
                    created_at=now,
                    updated_at=now,
                    turns=1,
                )
                .on_conflict_do_update(
                    index_elements=["identity", "thread_id"],
                    set_={"updated_at": now, "turns": AgentThread.turns + 1},
                )
            ),
            f"thread list not updated for thread {thread_id}",
        )

    def exists(self, identity: str, thread_id: str) -> bool:
        stmt = (
            select(AgentThread.thread_id)
            .where(AgentThread.identity == identity, AgentThread.thread_id == thread_id)
            .limit(1)
        )
        return self._read(lambda conn: conn.execute(stmt).first() is not None)

    def recent(self, identity: str, limit: int = 100) -> list[dict[str, Any]]:
        """``identity``'s threads, most recently answered first (at most ``limit``)."""
        stmt = (
            select(
                AgentThread.thread_id,
                AgentThread.title,
                AgentThread.source,
                AgentThread.created_at,
                AgentThread.turns,
                AgentThread.updated_at,
            )
            .where(AgentThread.identity == identity)
            .order_by(AgentThread.updated_at.desc())
            .limit(limit)
        )
        rows = self._read(lambda conn: conn.execute(stmt).all())
        return [
            {
                "id": r.thread_id,
                "title": r.title,
                "source": r.source,
                "created_at": _seconds(r.created_at),
                "turns": r.turns,
                "updated_at": _seconds(r.updated_at),
            }
            for r in rows
        ]

    # -- OpenAI conversations --------------------------------------------------------------------
    def conversation(self, key: str, identity: str) -> str | None:
        """The thread the conversation hashed to ``key`` continues, if the server has answered it."""
        stmt = select(AgentConversation.thread_id).where(
            AgentConversation.key == key, AgentConversation.identity == identity
        )
        found: str | None = self._read(lambda conn: conn.execute(stmt).scalar_one_or_none())
        return found

    def remember_conversation(self, key: str, identity: str, thread_id: str) -> None:
        """Best effort, like :meth:`touch`: a lost entry sends that conversation to its derived thread."""
        now = self._now()
        self._write(
            lambda insert: (
                insert(AgentConversation)
                .values(key=key, identity=identity, thread_id=thread_id, created_at=now)
                .on_conflict_do_update(index_elements=["key"], set_={"thread_id": thread_id})
            ),
            f"conversation not remembered for thread {thread_id}",
        )

    def _write(self, statement: Callable[[Any], Any], failure: str) -> None:
        """Run an upsert built by ``statement(<the dialect's insert>)``; best effort: a failure is logged."""
        try:
            engine = self.open()
            insert = postgresql.insert if engine.dialect.name == "postgresql" else sqlite.insert
            with self._guard(), engine.begin() as conn:
                conn.execute(statement(insert))
        except (SQLAlchemyError, StoreError) as exc:
            log.warning("%s: %s", failure, exc)

    def _read(self, query: Any) -> Any:
        engine = self.open()
        try:
            with self._guard(), engine.connect() as conn:
                return query(conn)
        except SQLAlchemyError as exc:
            raise StoreError(f"the thread list cannot be read from the store: {_reason(exc)}") from exc
