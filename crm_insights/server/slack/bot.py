"""The Bolt app: one agent thread per Slack thread, status while working, charts uploaded in-thread.

Flow for a mention (or a DM): Bolt acknowledges the event at once (well inside Slack's 3 s), then a
worker thread adds an :hourglass_flowing_sand: reaction, posts "thinking…" in the thread, asks the
agent with thread id ``slack:<channel>:<thread_ts>`` (so follow-ups in the thread keep context),
replaces the placeholder with the answer and its evidence, uploads the charts and each tabular tool
result as a CSV file into the thread (``files_upload_v2``) and swaps the reaction for
:white_check_mark: (or :warning: on failure).

Answers are Markdown; Slack reads its own mrkdwn and renders no tables, so :func:`to_mrkdwn` parses the
answer (markdown-it-py, the parser ``rich`` already brings) and writes lists as bullets, emphasis in
Slack's markers and tables as aligned code blocks. Every ``&``, ``<`` and ``>`` of the text is escaped,
so a customer's quote can neither ping a channel (``<!channel>``) nor forge a link.

Requests with a bad or stale (older than 5 minutes) signature are refused by Bolt's request
verification before any listener runs.

Slack is not authenticated with the server's API keys: its events carry Slack's signature, and
whoever is in the channel (or the DM) shares its thread, as in Slack itself. Its threads are the
agent's plain ``slack:<channel>:<thread_ts>`` ids, outside every API key's namespace
(:mod:`crm_insights.server.state`): a keyed API caller cannot read or post into them; without keys
the local identity can, as before.
"""

from __future__ import annotations

import logging
import re
import threading
import unicodedata
from collections import OrderedDict
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path
from typing import Any

from crm_insights.charts import wait_for_chart
from crm_insights.config import Settings
from crm_insights.errors import ConfigError, CrmInsightsError

logger = logging.getLogger("crm_insights.slack")

MENTION = re.compile(r"<@[A-Z0-9]+(?:\|[^>]*)?>")
SLACK_TEXT_LIMIT = 3900  # chat.update truncates around 4,000 characters
SECTION_LIMIT = 3000  # a section block's text: Slack refuses longer ones (invalid_blocks)

STRINGS = {
    "zh": {"thinking": "思考中…", "error": "抱歉，出错了：", "empty": "请在提及我时附上问题。", "tools": "依据"},
    "en": {
        "thinking": "Thinking…",
        "error": "Sorry, something went wrong: ",
        "empty": "Ask me a question.",
        "tools": "Based on",
    },
}


def slack_thread_id(channel: str, thread_ts: str) -> str:
    """The agent thread for a Slack thread."""
    return f"slack:{channel}:{thread_ts}"


@lru_cache(maxsize=1)
def _markdown() -> Any:
    from markdown_it import MarkdownIt

    # As on the web page: html off, so markup in the text (a quoted customer's <script>) is text, and no
    # <url> autolinks, so a URL a customer wrote stays text; links the answer writes as [text](url) work.
    md = MarkdownIt("commonmark", {"html": False, "breaks": True})
    return md.enable(["table", "strikethrough"]).disable("autolink")


def _escape(text: str) -> str:
    # Slack's three control characters; everything else is literal in mrkdwn.
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _inline(node: Any, plain: bool = False) -> str:
    """An inline node as mrkdwn, or (``plain``) as unescaped text for a code block."""
    out: list[str] = []
    for child in node.children:
        kind = child.type
        if kind in ("softbreak", "hardbreak"):
            out.append("\n" if not plain else " ")
        elif kind == "code_inline":
            out.append(child.content if plain else f"`{_escape(child.content)}`")
        elif kind in ("strong", "em", "s") and not plain:
            mark = {"strong": "*", "em": "_", "s": "~"}[kind]
            out.append(f"{mark}{_inline(child)}{mark}")
        elif kind == "link" and not plain:
            href = str(child.attrs.get("href", ""))
            label = _inline(child)
            ok = href.startswith(("http://", "https://", "mailto:")) and not re.search(r"[|<>\s]", href)
            out.append(f"<{href}|{label}>" if ok else label)
        elif child.children:
            out.append(_inline(child, plain))
        else:
            out.append(child.content if plain else _escape(child.content))
    return "".join(out)


def _width(text: str) -> int:
    # CJK characters take two columns in Slack's monospace font.
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _table(node: Any) -> str:
    rows: list[list[str]] = []
    right: list[bool] = []
    for section in node.children:
        for tr in section.children:
            cells = tr.children
            rows.append([_inline(cell.children[0], plain=True).strip() if cell.children else "" for cell in cells])
            if not right:
                right = ["right" in str(cell.attrs.get("style", "")) for cell in tr.children]
    ncols = max(len(r) for r in rows)
    rows = [r + [""] * (ncols - len(r)) for r in rows]
    right += [False] * (ncols - len(right))
    widths = [max(_width(r[i]) for r in rows) for i in range(ncols)]

    def line(cells: list[str]) -> str:
        padded = [
            " " * (widths[i] - _width(c)) + c if right[i] else c + " " * (widths[i] - _width(c))
            for i, c in enumerate(cells)
        ]
        return "  ".join(padded).rstrip()

    rule = "  ".join("-" * w for w in widths)
    body = [line(rows[0]), rule, *(line(r) for r in rows[1:])]
    return "```\n" + _escape("\n".join(body)) + "\n```"


def _block(node: Any) -> str:
    kind = node.type
    if kind == "paragraph":
        return _inline(node.children[0])
    if kind == "heading":
        return f"*{_inline(node.children[0])}*"
    if kind in ("bullet_list", "ordered_list"):
        start = int(node.attrs.get("start", 1) or 1)
        items = []
        for i, item in enumerate(node.children):
            marker = "•" if kind == "bullet_list" else f"{start + i}."
            lines = "\n".join(_block(c) for c in item.children).split("\n")
            items.append("\n".join([f"{marker} {lines[0]}", *("    " + x for x in lines[1:])]))
        return "\n".join(items)
    if kind == "blockquote":
        body = "\n".join(_block(c) for c in node.children)
        return "\n".join("> " + x for x in body.split("\n"))  # Slack wants this > unescaped
    if kind in ("fence", "code_block"):
        return "```\n" + _escape(node.content.rstrip("\n")) + "\n```"
    if kind == "table":
        return _table(node)
    if kind == "hr":
        return "──────────"
    if node.children:
        return "\n\n".join(_block(c) for c in node.children)
    return _escape(node.content)


def to_mrkdwn(text: str) -> str:
    """The agent's Markdown in Slack's mrkdwn: bullets, *bold*, _italic_, <url|links>, tables as code blocks."""
    from markdown_it.tree import SyntaxTreeNode

    root = SyntaxTreeNode(_markdown().parse(text or ""))
    return "\n\n".join(_block(child) for child in root.children)


def sections(text: str, limit: int = SECTION_LIMIT) -> list[str]:
    """``text`` cut at line ends into pieces of at most ``limit`` characters; a cut code block is closed and
    reopened, so each piece renders on its own (Slack refuses a section over 3,000 characters)."""
    out: list[str] = []
    current: list[str] = []
    size = 0
    fenced = False
    step = limit - 8  # room for a reopened and a closing fence
    lines = [line[i : i + step] for line in text.split("\n") for i in range(0, max(len(line), 1), step)]
    for line in lines:
        if current and size + 1 + len(line) + (4 if fenced else 0) > limit:
            out.append("\n".join(current) + ("\n```" if fenced else ""))
            current, size = (["```"], 3) if fenced else ([], 0)
        size += len(line) + (1 if current else 0)
        current.append(line)
        if line == "```":
            fenced = not fenced
    if current:
        out.append("\n".join(current))
    return out


def _within(pieces: list[str], limit: int) -> list[str]:
    """The leading pieces whose total stays within ``limit`` characters (at least the first)."""
    kept: list[str] = []
    total = 0
    for piece in pieces:
        total += len(piece) + (1 if kept else 0)
        if kept and total > limit:
            break
        kept.append(piece)
    return kept


def csv_uploads(answer: Any) -> list[dict[str, Any]]:
    """One CSV file upload per tool call whose result holds a table (the same file the web page downloads)."""
    from crm_insights.server.routes.exports import csv_bytes, table_rows

    uploads: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for call in getattr(answer, "tool_calls", None) or []:
        rows = None if call.error else table_rows(call.result)
        if not rows:
            continue
        seen[call.name] = seen.get(call.name, 0) + 1
        stem = call.name if seen[call.name] == 1 else f"{call.name}-{seen[call.name]}"
        uploads.append({"content": csv_bytes(rows), "filename": f"{stem}.csv", "title": f"{stem}.csv"})
    return uploads


def _lang(text: str) -> str:
    return "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in text) else "en"


def _evidence_line(answer: Any, lang: str) -> str | None:
    calls = getattr(answer, "tool_calls", None) or []
    if not calls:
        return None
    parts = []
    for call, ev in zip(calls, list(getattr(answer, "evidence", None) or []) + [{}] * len(calls), strict=False):
        version = ev.get("model_version") or ev.get("index_version") if isinstance(ev, dict) else None
        rows = ev.get("rows_considered") if isinstance(ev, dict) else None
        detail = ", ".join(str(x) for x in (version, f"{rows} rows" if rows is not None else None) if x)
        parts.append(f"`{call.name}`" + (f" ({detail})" if detail else ""))
    return f"{STRINGS[lang]['tools']}: " + "; ".join(parts)


class SlackResponder:
    """Does the work behind one event; separate from Bolt so it can be read (and tested) on its own."""

    def __init__(self, get_session: Callable[[], Any]):
        self.get_session = get_session
        self._seen: OrderedDict[str, None] = OrderedDict()
        self._lock = threading.Lock()

    def first_time(self, event_id: str | None) -> bool:
        """Slack redelivers an event it thinks failed; answer each event id once."""
        if not event_id:
            return True
        with self._lock:
            if event_id in self._seen:
                return False
            self._seen[event_id] = None
            while len(self._seen) > 5000:
                self._seen.popitem(last=False)
        return True

    def respond(self, event: dict[str, Any], client: Any, event_id: str | None = None) -> None:
        if not self.first_time(event_id):
            return
        channel = event["channel"]
        ts = event["ts"]
        thread_ts = event.get("thread_ts") or ts
        question = MENTION.sub("", event.get("text") or "").strip()
        lang = _lang(question)
        if not question:
            client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=STRINGS[lang]["empty"])
            return
        self._react(client, "reactions_add", channel, ts, "hourglass_flowing_sand")
        placeholder = client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=STRINGS[lang]["thinking"])
        status = "white_check_mark"
        try:
            answer = self.get_session().ask(question, thread_id=slack_thread_id(channel, thread_ts))
            pieces = _within(sections(to_mrkdwn(answer.answer)), SLACK_TEXT_LIMIT)
            text = "\n".join(pieces)
            blocks: list[dict[str, Any]] = [{"type": "section", "text": {"type": "mrkdwn", "text": p}} for p in pieces]
            line = _evidence_line(answer, lang)
            if line:
                blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": line[:2000]}]})
            client.chat_update(channel=channel, ts=placeholder["ts"], text=text, blocks=blocks)
            if not self._attach(client, channel, thread_ts, answer):
                status = "warning"
        except CrmInsightsError as exc:
            status = "warning"
            client.chat_update(channel=channel, ts=placeholder["ts"], text=STRINGS[lang]["error"] + str(exc))
        except Exception:
            status = "warning"
            logger.exception("failed to answer Slack event in %s", channel)
            client.chat_update(channel=channel, ts=placeholder["ts"], text=STRINGS[lang]["error"] + "internal error")
        finally:
            self._react(client, "reactions_remove", channel, ts, "hourglass_flowing_sand")
            self._react(client, "reactions_add", channel, ts, status)

    @staticmethod
    def _attach(client: Any, channel: str, thread_ts: str, answer: Any) -> bool:
        """Charts and each tabular tool result (as CSV) into the thread; False when Slack refused them."""
        from slack_sdk.errors import SlackApiError

        uploads: list[dict[str, Any]] = [
            {"file": str(p), "filename": p.name, "title": p.stem}
            for p in (Path(c) for c in (answer.charts or []))
            if wait_for_chart(p)  # drawn in the background after the answer
        ]
        uploads += csv_uploads(answer)
        if not uploads:
            return True
        try:
            client.files_upload_v2(channel=channel, thread_ts=thread_ts, file_uploads=uploads)
        except (SlackApiError, OSError) as exc:  # e.g. no files:write scope: the answer itself is posted
            logger.warning("files for the answer in %s not uploaded: %s", channel, exc)
            return False
        return True

    @staticmethod
    def _react(client: Any, method: str, channel: str, ts: str, name: str) -> None:
        from slack_sdk.errors import SlackApiError

        try:
            getattr(client, method)(channel=channel, timestamp=ts, name=name)
        except SlackApiError as exc:  # missing reactions:write scope, already reacted: cosmetic only
            logger.debug("%s %s failed: %s", method, name, exc.response.get("error"))
        except OSError as exc:  # Slack unreachable: the answer itself reports, a reaction need not
            logger.warning("%s %s failed: %s", method, name, exc)


def build_slack_app(settings: Settings, get_session: Callable[[], Any], *, for_socket_mode: bool = False) -> Any:
    """A Bolt App answering mentions and DMs through ``get_session()`` (called per event, in a worker)."""
    from slack_bolt import App
    from slack_sdk import WebClient

    token = settings.slack.bot_token.get_secret_value() if settings.slack.bot_token else None
    secret = settings.slack.signing_secret.get_secret_value() if settings.slack.signing_secret else None
    if not token:
        raise ConfigError("Slack needs a bot token: set CRM_INSIGHTS_SLACK__BOT_TOKEN (xoxb-...)")
    if not secret and not for_socket_mode:
        raise ConfigError("Slack HTTP mode needs CRM_INSIGHTS_SLACK__SIGNING_SECRET")
    client_args: dict[str, Any] = {"token": token}
    if settings.slack.base_url:
        base = settings.slack.base_url
        client_args["base_url"] = base if base.endswith("/") else base + "/"
    app = App(
        client=WebClient(**client_args),
        signing_secret=secret,
        # Checked on the first event instead of at start-up, so the server starts without Slack.
        token_verification_enabled=False,
        # Ack first, then answer in Bolt's worker pool: Slack wants a response within 3 s.
        process_before_response=False,
    )
    responder = SlackResponder(get_session)

    @app.event("app_mention")
    def on_mention(event: dict[str, Any], client: Any, body: dict[str, Any]) -> None:
        responder.respond(event, client, body.get("event_id"))

    @app.event("message")
    def on_message(event: dict[str, Any], client: Any, body: dict[str, Any]) -> None:
        # Only direct messages from people: channel messages arrive as app_mention, and
        # edits/deletions/bot posts (subtype or bot_id) must not trigger answers.
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return
        responder.respond(event, client, body.get("event_id"))

    return app


def socket_mode_handler(settings: Settings, get_session: Callable[[], Any]) -> Any:
    """A Bolt Socket Mode handler (no public URL needed); ``.start()`` blocks, ``.connect()`` does not."""
    from slack_bolt.adapter.socket_mode import SocketModeHandler

    app_token = settings.slack.app_token.get_secret_value() if settings.slack.app_token else None
    if not app_token:
        raise ConfigError("Socket Mode needs an app-level token: set CRM_INSIGHTS_SLACK__APP_TOKEN (xapp-...)")
    app = build_slack_app(settings, get_session, for_socket_mode=True)
    return SocketModeHandler(app, app_token)


def run_socket_mode(settings: Settings, get_session: Callable[[], Any]) -> None:
    """Connect over Socket Mode and serve until interrupted."""
    socket_mode_handler(settings, get_session).start()
