"""What the server holds for its lifetime: settings, the agent session, the tools, thread bookkeeping."""

from __future__ import annotations

import hashlib
import json
import threading
import time
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crm_insights.config import Settings
from crm_insights.errors import CrmInsightsError, NotReadyError

MAX_REMEMBERED = 10_000  # threads and conversation keys kept in memory; the oldest are forgotten


class _Lru(OrderedDict[str, Any]):
    def remember(self, key: str, value: Any) -> None:
        self[key] = value
        self.move_to_end(key)
        while len(self) > MAX_REMEMBERED:
            self.popitem(last=False)


@dataclass
class ServerState:
    """Lives in ``app.state.crm``; routes reach it through :func:`crm_insights.server.deps.state`."""

    settings: Settings
    session: Any = None
    session_error: CrmInsightsError | None = None
    tools: dict[str, Any] | None = None
    tools_error: str | None = None
    threads: _Lru = field(default_factory=_Lru)
    conversations: _Lru = field(default_factory=_Lru)
    lock: threading.Lock = field(default_factory=threading.Lock)
    _limiter: Any = None

    def agent_limiter(self) -> Any:
        """How many answers run at once (server.agent_concurrency); created inside the event loop."""
        if self._limiter is None:
            import anyio

            self._limiter = anyio.CapacityLimiter(self.settings.server.agent_concurrency)
        return self._limiter

    @property
    def _charts_root(self) -> Path:
        import os.path

        return Path(os.path.abspath(self.settings.charts_dir))

    # -- the agent -------------------------------------------------------------------------------
    def require_session(self) -> Any:
        if self.session is None:
            reason = str(self.session_error) if self.session_error else "the agent is still loading"
            raise NotReadyError(f"the agent is not available: {reason}")
        return self.session

    def require_tool(self, name: str) -> Any:
        if not self.tools or name not in self.tools:
            raise NotReadyError(f"tool {name!r} is not available: {self.tools_error or 'not registered'}")
        return self.tools[name]

    # -- threads seen by this process (the agent's checkpointer holds their content) -------------
    def touch_thread(self, thread_id: str, question: str, source: str) -> None:
        now = time.time()
        with self.lock:
            entry = self.threads.get(thread_id) or {
                "id": thread_id,
                "title": question[:80],
                "source": source,
                "created_at": now,
                "turns": 0,
            }
            entry["updated_at"] = now
            entry["turns"] += 1
            self.threads.remember(thread_id, entry)

    def list_threads(self, limit: int = 100) -> list[dict[str, Any]]:
        with self.lock:
            items = list(self.threads.values())
        return sorted(items, key=lambda t: t["updated_at"], reverse=True)[:limit]

    # -- OpenAI conversations -> threads ---------------------------------------------------------
    def conversation_thread(self, key_messages: list[dict[str, str]], user: str | None) -> str | None:
        with self.lock:
            return self.conversations.get(conversation_key(key_messages, user))

    def remember_conversation(self, messages: list[dict[str, str]], user: str | None, thread_id: str) -> None:
        with self.lock:
            self.conversations.remember(conversation_key(messages, user), thread_id)

    # -- charts ----------------------------------------------------------------------------------
    def chart_url(self, path: str | Path) -> str | None:
        """``/charts/<relative path>`` for a PNG under charts_dir; None for anything elsewhere."""
        import os.path
        from urllib.parse import quote

        # abspath, not resolve(): no filesystem calls per answer; /charts re-checks the real path.
        try:
            rel = Path(os.path.abspath(path)).relative_to(self._charts_root)
        except ValueError:
            return None
        return "/charts/" + quote(rel.as_posix(), safe="/:@")


def conversation_key(messages: list[dict[str, str]], user: str | None) -> str:
    """A stable hash of a conversation so far (role + text of each message, and the caller's user)."""
    canon = json.dumps({"user": user or "", "messages": messages}, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canon.encode()).hexdigest()
