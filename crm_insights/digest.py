"""The weekly digest: segment changes, customers newly at risk, top complaint themes with quotes.

``crm-insights digest`` renders it as Markdown and posts it to Slack (``--slack-channel``), writes
it to a file (``--out``) or prints it. It is meant for cron: no prompts, exit code 0 when it was
delivered, 1 when nothing could be computed (or delivery failed).

- Segment changes compare the two most recent segment model versions (sizes and revenue shares per
  segment, and how many customers moved between segments, from the stored assignments).
- "Newly at risk" means at risk now and not in the previous digest's at-risk list; the list is kept
  in ``<home>/digest/state.json`` and updated after each delivered digest (the first digest says so).
- Complaint themes are the themes of negative feedback, each with a few customer quotes.

Every figure comes from the same tools the agent uses, so the digest and the chat agree.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from crm_insights.config import Settings, get_settings
from crm_insights.errors import CrmInsightsError, InputError

logger = logging.getLogger(__name__)

STATE_FILE = "state.json"


@dataclass
class Digest:
    """A rendered digest plus what it found (for tests and for the state file)."""

    created_at: datetime
    segment_changes: dict[str, Any] | None = None
    at_risk: list[dict[str, Any]] = field(default_factory=list)
    newly_at_risk: list[str] = field(default_factory=list)
    first_digest: bool = False
    themes: list[dict[str, Any]] = field(default_factory=list)
    problems: dict[str, str] = field(default_factory=dict)  # section -> why it is missing
    markdown: str = ""

    @property
    def empty(self) -> bool:
        return self.segment_changes is None and not self.at_risk and not self.themes


def _tools() -> dict[str, Any]:
    from crm_insights.tools import TOOLS

    return {t.name: t for t in TOOLS}


def _call(tools: dict[str, Any], name: str, **args: Any) -> dict[str, Any]:
    from langchain_core.tools import ToolException
    from pydantic import ValidationError

    from crm_insights.server.deps import call_tool, tool_error

    if name not in tools:
        raise InputError(f"tool {name!r} is not registered")
    try:
        result: dict[str, Any] = call_tool(tools[name], args)
    except (ToolException, ValidationError) as exc:
        raise tool_error(exc) from exc
    return result


def segment_changes(settings: Settings) -> dict[str, Any] | None:
    """Size/share changes and movers between the last two segment models; None with fewer than two."""
    from crm_insights.analytics.artifacts import registry
    from crm_insights.analytics.segmentation import SegmentModel

    versions = registry(settings).versions("segments")
    if len(versions) < 2:
        return None
    prev_info, cur_info = versions[-2], versions[-1]
    prev = {s["segment"]: s for s in SegmentModel.load(settings, version=prev_info.version).segments()}
    cur = {s["segment"]: s for s in SegmentModel.load(settings, version=cur_info.version).segments()}
    rows = []
    for seg in sorted(set(prev) | set(cur)):
        p, c = prev.get(seg, {}), cur.get(seg, {})
        rows.append(
            {
                "segment": seg,
                "name_zh": c.get("name_zh") or p.get("name_zh"),
                "name_en": c.get("name_en") or p.get("name_en"),
                "size_before": p.get("size"),
                "size_now": c.get("size"),
                "revenue_share_before": p.get("revenue_share"),
                "revenue_share_now": c.get("revenue_share"),
            }
        )
    return {
        "previous_version": prev_info.version,
        "current_version": cur_info.version,
        "segments": rows,
        "movers": _movers(settings, prev_info.version, cur_info.version),
    }


def _movers(settings: Settings, before: str, now: str) -> list[dict[str, Any]]:
    """How many customers went from each segment to each other one (stored assignments of both models)."""
    from crm_insights.metrics import segment_transitions
    from crm_insights.store import get_engine

    with get_engine(settings).connect() as conn:
        return segment_transitions(conn, before, now)


def _state_path(settings: Settings) -> Path:
    return settings.home_dir / "digest" / STATE_FILE


def _previous_at_risk(settings: Settings) -> list[str] | None:
    path = _state_path(settings)
    if not path.exists():
        return None
    try:
        return [str(x) for x in json.loads(path.read_text(encoding="utf-8")).get("at_risk", [])]
    except (OSError, ValueError) as exc:
        logger.warning("ignoring unreadable digest state %s: %s", path, exc)
        return None


def save_state(digest: Digest, settings: Settings | None = None) -> Path:
    """Remember this digest's at-risk list so the next one can say who is new."""
    settings = settings or get_settings()
    path = _state_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    state = {"created_at": digest.created_at.isoformat(), "at_risk": [r["customer_id"] for r in digest.at_risk]}
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(state, ensure_ascii=False, indent=2), encoding="utf-8")
    tmp.replace(path)
    return path


def build_digest(
    settings: Settings | None = None,
    *,
    top_n: int = 10,
    n_themes: int = 5,
    tools: dict[str, Any] | None = None,
) -> Digest:
    """Compute every section it can; a section whose model is missing is listed under ``problems``."""
    settings = settings or get_settings()
    tools = tools if tools is not None else _tools()
    digest = Digest(created_at=datetime.now(UTC))

    try:
        digest.segment_changes = segment_changes(settings)
        if digest.segment_changes is None:
            digest.problems["segments"] = "only one segment model so far; changes appear after the next training"
    except CrmInsightsError as exc:
        digest.problems["segments"] = str(exc)

    try:
        risk = _call(tools, "at_risk_customers", top_n=top_n)
        data = risk.get("data") or {}
        digest.at_risk = list(data.get("customers", []) if isinstance(data, dict) else data)
        previous = _previous_at_risk(settings)
        digest.first_digest = previous is None
        seen = set(previous or [])
        digest.newly_at_risk = [r["customer_id"] for r in digest.at_risk if r["customer_id"] not in seen]
    except CrmInsightsError as exc:
        digest.problems["at_risk"] = str(exc)

    try:
        themes = _call(tools, "feedback_themes", sentiment="negative", n_themes=n_themes)
        data = themes.get("data") or {}
        digest.themes = list(data.get("themes", []) if isinstance(data, dict) else data)[:n_themes]
    except CrmInsightsError as exc:
        digest.problems["themes"] = str(exc)

    digest.markdown = render_markdown(digest)
    return digest


def _pct(value: Any) -> str:
    return f"{100 * float(value):.1f}%" if isinstance(value, int | float) else "–"


def _num(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, int):
        return f"{value:,}"
    return "–"


def render_markdown(d: Digest) -> str:
    """The digest as Markdown (bilingual headings: the team reads both)."""
    out = [f"# 客户周报 · Weekly customer digest — {d.created_at:%Y-%m-%d}", ""]

    out += ["## 分群变化 · Segment changes", ""]
    if d.segment_changes:
        sc = d.segment_changes
        out += [f"`{sc['previous_version']}` → `{sc['current_version']}`", ""]
        out += ["| 分群 Segment | 客户数 Customers | 收入占比 Revenue share |", "|---|---|---|"]
        for r in sc["segments"]:
            name = " / ".join(x for x in (r["name_zh"], r["name_en"]) if x) or f"#{r['segment']}"
            out.append(
                f"| {name} | {_num(r['size_before'])} → {_num(r['size_now'])} | "
                f"{_pct(r['revenue_share_before'])} → {_pct(r['revenue_share_now'])} |"
            )
        movers = sc.get("movers") or []
        if movers:
            out += ["", "Customers who changed segment:"]
            out += [f"- #{m['from']} → #{m['to']}: {m['customers']:,}" for m in movers[:8]]
    else:
        out.append(f"_{d.problems.get('segments', 'no segment models')}_")
    out.append("")

    out += ["## 新增流失风险客户 · Customers newly at risk", ""]
    if d.at_risk:
        if d.first_digest:
            out += ["_First digest: every customer listed is new to the list._", ""]
        new = set(d.newly_at_risk)
        out += [
            "| 客户 Customer | 流失风险 Churn risk | 风险价值 Value at risk | 消费 Spend | 新 New |",
            "|---|---|---|---|---|",
        ]
        for r in d.at_risk:
            out.append(
                f"| {r['customer_id']} | {_pct(r.get('churn_risk'))} | {_num(r.get('value_at_risk'))} | "
                f"{_num(r.get('spend'))} | {'✅' if r['customer_id'] in new else ''} |"
            )
        out += ["", f"{len(new)} new since the last digest."]
    else:
        out.append(f"_{d.problems.get('at_risk', 'no customers at risk')}_")
    out.append("")

    out += ["## 主要投诉主题 · Top complaint themes", ""]
    if d.themes:
        for i, t in enumerate(d.themes, 1):
            keywords = "、".join(str(k) for k in (t.get("keywords") or [])[:6])
            out.append(f"{i}. **{t.get('theme') or keywords}** — {_num(t.get('size'))} feedback ({keywords})")
            for q in (t.get("quotes") or [])[:2]:
                text = str(q.get("quote") or q.get("text") or "").replace("\n", " ")
                who = f" — customer {q['customer_id']}" if q.get("customer_id") else ""
                out.append(f"   > {text}{who}")
    else:
        out.append(f"_{d.problems.get('themes', 'no negative feedback')}_")
    out.append("")
    return "\n".join(out)


def to_slack_mrkdwn(markdown: str) -> str:
    """Slack's mrkdwn: *bold* headings and bold, tables kept as monospace blocks."""
    import re

    lines, table = [], []
    for line in markdown.splitlines():
        if line.startswith("|"):
            if not set(line) <= set("|-: "):
                table.append(line)
            continue
        if table:
            lines += ["```", *table, "```"]
            table = []
        line = re.sub(r"^#{1,3} (.*)$", r"*\1*", line)
        line = re.sub(r"\*\*(.+?)\*\*", r"*\1*", line)
        lines.append(line)
    if table:
        lines += ["```", *table, "```"]
    return "\n".join(lines)


def post_to_slack(digest: Digest, channel: str, settings: Settings | None = None) -> str:
    """Post the digest to a Slack channel; returns the message ts."""
    from slack_sdk import WebClient
    from slack_sdk.errors import SlackApiError

    from crm_insights.errors import ConfigError

    settings = settings or get_settings()
    if not settings.slack.bot_token:
        raise ConfigError("posting to Slack needs CRM_INSIGHTS_SLACK__BOT_TOKEN")
    args: dict[str, Any] = {"token": settings.slack.bot_token.get_secret_value()}
    if settings.slack.base_url:
        args["base_url"] = settings.slack.base_url.rstrip("/") + "/"
    client = WebClient(**args)
    text = to_slack_mrkdwn(digest.markdown)
    # A section block holds 3,000 characters: split on line boundaries.
    blocks, chunk = [], ""
    for line in text.splitlines(keepends=True):
        if len(chunk) + len(line) > 2900:
            blocks.append(chunk)
            chunk = ""
        chunk += line
    if chunk:
        blocks.append(chunk)
    try:
        resp = client.chat_postMessage(
            channel=channel,
            text=text[:3000],
            blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": b}} for b in blocks[:50]],
            unfurl_links=False,
        )
    except SlackApiError as exc:
        raise InputError(f"Slack refused the digest: {exc.response.get('error')}") from exc
    return str(resp["ts"])
