"""The Bolt app: one agent thread per Slack thread, status while working, charts uploaded in-thread.

Flow for a mention (or a DM): Bolt acknowledges the event at once (well inside Slack's 3 s), then a
worker thread adds an :hourglass_flowing_sand: reaction, posts "thinking…" in the thread, asks the
agent with thread id ``slack:<channel>:<thread_ts>`` (so follow-ups in the thread keep context),
replaces the placeholder with the answer and its evidence, uploads the charts into the thread
(``files_upload_v2``) and swaps the reaction for :white_check_mark: (or :warning: on failure).

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
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import Any

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


def to_mrkdwn(text: str) -> str:
    """The agent's light Markdown in Slack's dialect (**bold** -> *bold*)."""
    return re.sub(r"\*\*([^*\n]+)\*\*", r"*\1*", text)


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
            text = to_mrkdwn(answer.answer)[:SLACK_TEXT_LIMIT]
            blocks: list[dict[str, Any]] = [
                {"type": "section", "text": {"type": "mrkdwn", "text": text[i : i + SECTION_LIMIT]}}
                for i in range(0, len(text), SECTION_LIMIT)
            ]
            line = _evidence_line(answer, lang)
            if line:
                blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": line[:2000]}]})
            client.chat_update(channel=channel, ts=placeholder["ts"], text=text, blocks=blocks)
            charts = [Path(p) for p in (answer.charts or []) if Path(p).is_file()]
            if charts:
                client.files_upload_v2(
                    channel=channel,
                    thread_ts=thread_ts,
                    file_uploads=[{"file": str(p), "filename": p.name, "title": p.stem} for p in charts],
                )
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
