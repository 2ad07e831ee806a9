"""Thread memory: a LangGraph checkpointer on the configured database, so follow-ups survive restarts.

SQLite store (the default): a separate file ``threads.sqlite3`` next to the CRM file, so agent state
never shares a write lock with imports. PostgreSQL store: the checkpoint tables in the same database
(and schema: a ``search_path`` in the URL applies). In-memory SQLite: an in-process saver.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from langgraph.checkpoint.base import BaseCheckpointSaver
from sqlalchemy.engine import make_url

from crm_insights.config import Settings
from crm_insights.errors import ConfigError, StoreError

if TYPE_CHECKING:
    from langgraph.checkpoint.sqlite import SqliteSaver

log = logging.getLogger(__name__)

THREADS_FILE = "threads.sqlite3"
# How long opening the thread file waits for another process's lock: the store's own busy wait.
SQLITE_BUSY_S = 30.0


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


def prepare_checkpointer(settings: Settings) -> str:
    """Create the thread store and its tables once, then close it; returns its location.

    ``crm-insights serve`` calls this in the parent process before it starts workers, so that workers
    only open a store that already exists. Two processes creating the same SQLite file at once can
    deadlock on the switch to WAL, and SQLite answers a deadlock with "database is locked" at once,
    without waiting out the busy timeout.
    """
    checkpointer = open_checkpointer(settings)
    checkpointer.close()
    return checkpointer.location


def _locked(exc: sqlite3.OperationalError) -> bool:
    return "locked" in str(exc) or "busy" in str(exc)


def _open_sqlite(path: Path) -> SqliteSaver:
    """A saver on the thread file in WAL mode with its tables, retried while another process sets it up."""
    from langgraph.checkpoint.sqlite import SqliteSaver

    deadline = time.monotonic() + SQLITE_BUSY_S
    while True:
        # The server answers from worker threads; SqliteSaver serialises access with its own lock.
        conn = sqlite3.connect(str(path), timeout=SQLITE_BUSY_S, check_same_thread=False)
        try:
            # The busy wait comes before any PRAGMA: the journal switch below takes the file's write lock.
            conn.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_S * 1000)}")
            # WAL is a property of the file: switch only once, so opening a set-up file never needs the lock.
            # A turn writes checkpoints; WAL with NORMAL sync keeps that off the fsync path (a crash can lose
            # the last turn, never corrupt the file).
            if str(conn.execute("PRAGMA journal_mode").fetchone()[0]).lower() != "wal":
                conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            saver = SqliteSaver(conn)
            saver.setup()
            return saver
        except sqlite3.OperationalError as exc:
            conn.close()
            # A lock deadlock is reported without waiting: give the other process time to finish, then retry.
            if not _locked(exc) or time.monotonic() >= deadline:
                raise StoreError(f"cannot open thread memory at {path}: {exc}") from exc
            log.info("thread memory at %s is being set up by another process; retrying", path)
            time.sleep(0.05 + random.random() * 0.2)
        except sqlite3.Error as exc:
            conn.close()
            raise StoreError(f"cannot open thread memory at {path}: {exc}") from exc


def open_checkpointer(settings: Settings) -> Checkpointer:
    """Open (and set up) the checkpointer for the configured database."""
    url = make_url(settings.database_url)
    backend = url.get_backend_name()
    location = threads_location(settings)
    if location == "memory":
        from langgraph.checkpoint.memory import InMemorySaver

        return Checkpointer(InMemorySaver(), location, lambda: None)
    if backend == "sqlite":
        path = Path(location)
        path.parent.mkdir(parents=True, exist_ok=True)
        saver = _open_sqlite(path)
        return Checkpointer(saver, location, saver.conn.close)
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
