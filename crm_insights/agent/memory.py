"""Thread memory: a LangGraph checkpointer on the configured database, so follow-ups survive restarts.

SQLite store (the default): a separate file ``threads.sqlite3`` next to the CRM file, so agent state
never shares a write lock with imports. PostgreSQL store: the checkpoint tables in the same database
(and schema: a ``search_path`` in the URL applies). In-memory SQLite: an in-process saver.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from langgraph.checkpoint.base import BaseCheckpointSaver
from sqlalchemy.engine import make_url

from crm_insights.config import Settings
from crm_insights.errors import ConfigError, StoreError

log = logging.getLogger(__name__)

THREADS_FILE = "threads.sqlite3"


@dataclass
class Checkpointer:
    """A checkpointer and how to close what it holds open."""

    saver: BaseCheckpointSaver
    location: str
    close: Callable[[], None]


def threads_location(settings: Settings) -> str:
    """Where threads are kept for ``settings``: a file path, a PostgreSQL URL (password hidden), or ``memory``."""
    url = make_url(settings.database_url)
    backend = url.get_backend_name()
    if backend == "sqlite":
        if not url.database or url.database == ":memory:":
            return "memory"
        return str(Path(url.database).expanduser().resolve().parent / THREADS_FILE)
    if backend == "postgresql":
        return url.render_as_string(hide_password=True)
    raise ConfigError(f"thread memory supports SQLite and PostgreSQL stores, not {backend!r}")


def open_checkpointer(settings: Settings) -> Checkpointer:
    """Open (and set up) the checkpointer for the configured database."""
    url = make_url(settings.database_url)
    backend = url.get_backend_name()
    location = threads_location(settings)
    if location == "memory":
        from langgraph.checkpoint.memory import InMemorySaver

        return Checkpointer(InMemorySaver(), location, lambda: None)
    if backend == "sqlite":
        from langgraph.checkpoint.sqlite import SqliteSaver

        path = Path(location)
        path.parent.mkdir(parents=True, exist_ok=True)
        # The server answers from worker threads; SqliteSaver serialises access with its own lock.
        conn = sqlite3.connect(str(path), check_same_thread=False)
        # A turn writes a checkpoint per graph step; WAL with NORMAL sync keeps that off the fsync path
        # (a crash can lose the last turn, never corrupt the file).
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        saver = SqliteSaver(conn)
        saver.setup()
        return Checkpointer(saver, location, conn.close)
    # PostgreSQL: libpq takes the SQLAlchemy URL without the "+driver" part (query options kept).
    import psycopg
    from langgraph.checkpoint.postgres import PostgresSaver
    from psycopg.rows import dict_row

    conninfo = url.set(drivername="postgresql").render_as_string(hide_password=False)
    try:
        pg = psycopg.connect(conninfo, autocommit=True, prepare_threshold=0, row_factory=dict_row)
    except psycopg.Error as exc:
        raise StoreError(f"cannot open thread memory on {location}: {exc}") from exc
    pg_saver = PostgresSaver(pg)  # type: ignore[arg-type]
    pg_saver.setup()
    return Checkpointer(pg_saver, location, pg.close)
