"""Mask personal data (phone numbers, e-mail addresses, Chinese ID numbers) before text leaves the machine.

Feedback is written by customers and carries their contact details; a remote LLM needs none of them to
answer an analytics question. Masking is applied to every message sent to a non-local model (the
thread itself keeps the original text, so local tools and the user still see it).
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlparse

from langchain_core.messages import BaseMessage

# Order matters: an 18-digit ID number contains digit runs that look like phone numbers, and an
# e-mail's local part may be digits, so IDs and e-mails are masked before phones.
_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    # Chinese resident ID: 6-digit region, birth date 18xx-20xx, 3-digit sequence, check digit or X.
    (
        "[ID]",
        re.compile(
            r"(?<![0-9A-Za-z])[1-9]\d{5}(?:18|19|20)\d{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])\d{3}[\dXx](?![0-9A-Za-z])"
        ),
    ),
    ("[EMAIL]", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")),
    # International: +<country code> then 6-14 more digits with optional spaces, dashes or dots.
    ("[PHONE]", re.compile(r"(?<![\w+])\+\d{1,3}(?:[\s.-]?\(?\d{1,4}\)?){2,5}(?!\d)")),
    # Chinese mobile, optionally written 138-1234-5678 or 138 1234 5678, optionally with 86 in front.
    ("[PHONE]", re.compile(r"(?<!\d)(?:86[\s-]?)?1[3-9]\d[\s-]?\d{4}[\s-]?\d{4}(?!\d)")),
    # Chinese landline: area code 0xx/0xxx, then a 7-8 digit number, optionally (010)12345678.
    ("[PHONE]", re.compile(r"(?<!\d)(?:\(0\d{2,3}\)|0\d{2,3})[\s-]?\d{7,8}(?!\d)")),
]


def mask_pii(text: str) -> str:
    """Replace phone numbers, e-mail addresses and Chinese ID numbers with ``[PHONE]``, ``[EMAIL]``, ``[ID]``."""
    for token, pattern in _PATTERNS:
        text = pattern.sub(token, text)
    return text


def _mask_content(content: Any) -> Any:
    if isinstance(content, str):
        return mask_pii(content)
    if isinstance(content, list):
        out: list[Any] = []
        for block in content:
            if isinstance(block, str):
                out.append(mask_pii(block))
            elif isinstance(block, dict) and isinstance(block.get("text"), str):
                out.append({**block, "text": mask_pii(block["text"])})
            else:
                out.append(block)
        return out
    return content


def mask_messages(messages: Sequence[BaseMessage]) -> list[BaseMessage]:
    """Copies of ``messages`` with PII masked in their text (tool-call arguments included)."""
    masked: list[BaseMessage] = []
    for msg in messages:
        update: dict[str, Any] = {"content": _mask_content(msg.content)}
        tool_calls = getattr(msg, "tool_calls", None)
        if tool_calls:
            update["tool_calls"] = [
                {
                    **call,
                    "args": {k: _mask_content(v) if isinstance(v, str | list) else v for k, v in call["args"].items()},
                }
                for call in tool_calls
            ]
        masked.append(msg.model_copy(update=update))
    return masked


def is_loopback_url(url: str | None) -> bool:
    """True when ``url`` points at this machine (localhost, 127.0.0.0/8, ::1)."""
    if not url:
        return False
    host = urlparse(url if "//" in url else f"//{url}").hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def provider_is_remote(model: str, base_url: str | None) -> bool:
    """Whether ``provider/model`` sends text off this machine.

    ``openai/`` is remote unless its base_url is loopback (no base_url = api.openai.com);
    ``ollama/`` is local unless a non-loopback base_url is set (its default is localhost);
    ``offline``, ``huggingface`` and ``llamacpp`` run in-process.
    """
    provider = model.split("/", 1)[0].lower()
    if provider == "openai":
        return not is_loopback_url(base_url)
    if provider == "ollama":
        return bool(base_url) and not is_loopback_url(base_url)
    return False


def should_mask(model: str, base_url: str | None, setting: bool | None) -> bool:
    """The effective ``llm.mask_pii``: an explicit setting wins, else on for remote providers."""
    if setting is not None:
        return setting
    return provider_is_remote(model, base_url)
