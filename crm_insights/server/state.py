"""What the server holds for its lifetime: settings, the agent session, the tools, thread bookkeeping.

Threads are private to the caller's identity (:mod:`crm_insights.server.auth`: an API key's
fingerprint, or ``local`` when no keys are configured). Clients name threads with their own plain ids;
inside the server the agent's checkpointer sees ``<fingerprint>:<thread id>`` (:func:`agent_thread_id`),
so two keys using the same id hold two conversations, and the separation lives in the thread store
itself: it survives restarts and holds across workers. The local identity adds no prefix, so without
keys thread ids mean what they always did (and the CLI's threads stay reachable). The thread list and
the OpenAI conversation map are kept per identity beside the agent's thread memory
(:class:`~crm_insights.server.threads.ThreadRegistry`), so they survive restarts and hold across workers.
Their methods here do database work: routes call them off the event loop.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from crm_insights.config import Settings
from crm_insights.errors import CrmInsightsError, NotReadyError
from crm_insights.server.auth import LOCAL_IDENTITY
from crm_insights.server.threads import ThreadRegistry


def agent_thread_id(identity: str, thread_id: str) -> str:
    """The id the agent's checkpointer keeps ``thread_id`` under for ``identity``."""
    return thread_id if identity == LOCAL_IDENTITY else f"{identity}:{thread_id}"


@dataclass
class ServerState:
    """Lives in ``app.state.crm``; routes reach it through :func:`crm_insights.server.deps.state`."""

    settings: Settings
    session: Any = None
    session_error: CrmInsightsError | None = None
    tools: dict[str, Any] | None = None
    tools_error: str | None = None
    threads: ThreadRegistry = field(init=False)
    _limiter: Any = None
    _charts_root: Path = field(init=False)

    def __post_init__(self) -> None:
        self.threads = ThreadRegistry(self.settings)
        import os.path

        # Once: settings.charts_dir resolves the home directory on the filesystem at every read.
        self._charts_root = Path(os.path.abspath(self.settings.charts_dir))

    def agent_limiter(self) -> Any:
        """How many answers run at once (server.agent_concurrency); created inside the event loop."""
        if self._limiter is None:
            import anyio

            self._limiter = anyio.CapacityLimiter(self.settings.server.agent_concurrency)
        return self._limiter

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

    # -- the caller's threads (the agent's checkpointer holds their content) ---------------------
    def touch_thread(self, identity: str, thread_id: str, question: str, source: str) -> None:
        """Note a turn in ``identity``'s ``thread_id`` (its first question becomes the title)."""
        self.threads.touch(identity, thread_id, question, source)

    def knows_thread(self, identity: str, thread_id: str) -> bool:
        """Whether the server has answered (or is answering) in ``identity``'s ``thread_id``."""
        return self.threads.exists(identity, thread_id)

    def list_threads(self, identity: str, limit: int = 100) -> list[dict[str, Any]]:
        """``identity``'s threads the server has answered in, newest first."""
        return self.threads.recent(identity, limit)

    # -- OpenAI conversations -> threads ---------------------------------------------------------
    def conversation_thread(self, key_messages: list[dict[str, str]], user: str | None, identity: str) -> str | None:
        return self.threads.conversation(conversation_key(key_messages, user, identity), identity)

    def remember_conversation(
        self, messages: list[dict[str, str]], user: str | None, identity: str, thread_id: str
    ) -> None:
        self.threads.remember_conversation(conversation_key(messages, user, identity), identity, thread_id)

    # -- charts ----------------------------------------------------------------------------------
    def chart_url(self, path: str | Path, identity: str = LOCAL_IDENTITY) -> str | None:
        """``/charts/<relative path>`` for a PNG under charts_dir; None for anything elsewhere.

        A chart in a thread's folder is addressed by the caller's plain thread id (``/charts/<id>/x.png``);
        the route maps it back with :meth:`chart_relpath`. None for another identity's thread folder.
        """
        import os.path
        from urllib.parse import quote

        # abspath, not resolve(): no filesystem calls per answer; /charts re-checks the real path.
        try:
            rel = Path(os.path.abspath(path)).relative_to(self._charts_root)
        except ValueError:
            return None
        parts = list(rel.parts)
        if len(parts) == 2 and identity != LOCAL_IDENTITY:
            prefix = f"{identity}:"
            if not parts[0].startswith(prefix):
                return None
            parts[0] = parts[0][len(prefix) :]
        return "/charts/" + quote("/".join(parts), safe="/:@")

    @staticmethod
    def chart_relpath(name: str, identity: str) -> str:
        """The file under charts_dir that ``/charts/<name>`` means for ``identity`` (its own thread folders)."""
        folder, sep, file = name.rpartition("/")
        return agent_thread_id(identity, folder) + sep + file if sep else name


def conversation_key(messages: list[dict[str, str]], user: str | None, identity: str = LOCAL_IDENTITY) -> str:
    """A stable hash of a conversation so far (role + text of each message, the caller's user and identity).

    The local identity is left out, so without API keys the hash is what it was before identities existed.
    """
    fields: dict[str, Any] = {"user": user or "", "messages": messages}
    if identity != LOCAL_IDENTITY:
        fields["identity"] = identity
    canon = json.dumps(fields, ensure_ascii=False, sort_keys=True)
    return hashlib.sha256(canon.encode()).hexdigest()
