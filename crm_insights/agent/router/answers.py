"""Answer rendering: an intent's Jinja answer over the turn's tool results, and the shared texts (missing slot,
tool error, capabilities)."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from crm_insights.agent.router.knowledge import Knowledge
from crm_insights.agent.templating import render

log = logging.getLogger(__name__)

# Under tests a failing answer template raises (tests/agent/conftest.py sets this): in production a result shape
# the template does not know still gets the data said plainly, but a test must see the template's bug.
STRICT = False


def render_shared(knowledge: Knowledge, key: str, language: str, **context: Any) -> str:
    """A shared text of answers.yaml (``missing.customer``, ``tool_error``, ...) in ``language``."""
    node: Any = knowledge.answers
    for part in key.split("."):
        node = node[part]
    return render(node[language], capabilities=knowledge.answers["capabilities"], **context)


def render_answer(
    knowledge: Knowledge,
    intent: str,
    language: str,
    results: Mapping[str, Any],
    slots: Mapping[str, Any],
    question: str,
) -> str:
    """The intent's answer over ``results`` (tool name -> its data); the plain data if the template fails."""
    template = knowledge.intents[intent].answers[language]
    caps = knowledge.answers["capabilities"]
    try:
        return render(template, r=results, slots=slots, q=question, capabilities=caps, lang=language)
    except Exception as exc:  # a result shape the template does not know: say the data plainly, log why
        if STRICT:
            raise
        log.warning(
            "answer template %s/%s failed (%s: %s); using the plain rendering",
            intent,
            language,
            type(exc).__name__,
            exc,
        )
        return "\n\n".join(
            render(knowledge.answers["fallback"][language], tool=name, data=json.dumps(data, ensure_ascii=False)[:4000])
            for name, data in results.items()
        )
