"""The thread registry: each caller's threads and OpenAI conversations, kept in the store's database.

The agent's checkpointer holds what a thread says; this registry holds which threads a caller has
(``GET /v1/threads``) and which thread an OpenAI-compatible conversation continues, in the tables
``agent_threads`` and ``agent_conversations`` that the store's migrations create. Being in the database,
both survive restarts and are shared by every worker on the same store.

Writes happen on the answering path, so a failed write is logged and the answer goes on (the list then
misses that turn); reads that serve the list itself raise :class:`~crm_insights.errors.StoreError` (503).
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from contextlib import AbstractContextManager, nullcontext
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Engine, create_engine, event, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import StaticPool

from crm_insights.errors import StoreError
from crm_insights.store.db import make_engine, migrate
from crm_insights.store.models import AgentConversation, AgentThread

log = logging.getLogger("crm_insights.server")

TITLE_CHARS = 80  # a thread's title is its first question, cut to this many characters
# An import holds the SQLite file's write lock for its whole run (minutes for a big file); a question
# waits this long for it, then answers without updating the list, instead of the store's 30 s.
SQLITE_BUSY_MS = 2_000
_EPOCH = datetime(1970, 1, 1)


def _short_busy_wait(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_MS}")
    cur.close()


def _registry_engine(url: str, echo: bool) -> tuple[Engine, bool]:
    """An engine of the registry's own (its own SQLite busy wait), and whether it is one shared connection."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database in (None, "", ":memory:"):
        # One in-memory database for the process: the default pool would give each thread its own.
        memory = create_engine("sqlite://", echo=echo, poolclass=StaticPool, connect_args={"check_same_thread": False})
        return memory, True
    engine = make_engine(url, echo)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _short_busy_wait)
    return engine, False


def _reason(exc: SQLAlchemyError) -> str:
    # The driver's message, without SQLAlchemy's statement and parameters.
    orig = getattr(exc, "orig", None)
    return str(orig if orig is not None else exc)


def _seconds(value: datetime) -> float:
    """A stored UTC time as epoch seconds, the form the API has always returned."""
    return (value - _EPOCH) / timedelta(seconds=1)


class ThreadRegistry:
    """Threads per identity (``local`` or an API key's fingerprint) and conversation hashes -> threads.

    Opens lazily: the first use makes the engine and migrates the store to head; a failure is retried on
    the next use.
    """

    def __init__(self, database_url: str, echo: bool = False) -> None:
        self.database_url = database_url
        self.echo = echo
        self._engine: Engine | None = None
        self._shared_connection = False
        self._open_lock = threading.Lock()
        self._serial = threading.Lock()
        self._clock_lock = threading.Lock()
        self._last_us = 0

    # -- engine ----------------------------------------------------------------------------------
    def open(self) -> Engine:
        """The engine, migrated (idempotent; the server calls it at startup to fail early)."""
        with self._open_lock:
            if self._engine is None:
                engine, shared = _registry_engine(self.database_url, self.echo)
                try:
                    migrate(engine)
                except SQLAlchemyError as exc:
                    engine.dispose()
                    raise StoreError(f"cannot prepare the thread list in the store: {_reason(exc)}") from exc
                except BaseException:
                    engine.dispose()
                    raise
                self._engine, self._shared_connection = engine, shared
            return self._engine

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
