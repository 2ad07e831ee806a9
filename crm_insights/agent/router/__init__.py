"""The offline router: a LangChain chat model that answers with no LLM at all.

It reads the conversation like any chat model and replies with an ``AIMessage``: either ``tool_calls``
(the next step of a plan) or the final answer. Everything it knows is data in prompts/:

- router.yaml: scoring weights, follow-up markers, lexicons, the list of intents;
- intents/<name>.yaml: one intent's keywords and exemplar questions (zh + en), scoring hints, its plan (the tool
  sequence; chained steps pass results on: "高价值客户里有哪些有流失风险？" = describe_segment("高价值") then
  at_risk_customers(segment=<its id>)) and its Jinja answers per language;
- answers.yaml: the shared answer texts (capabilities, missing slots, tool errors).

Intent = keyword evidence + similarity to the exemplars (character n-gram TF-IDF first; the team's sentence
embeddings only when TF-IDF is not decisive) + slot rules. Follow-ups read the previous turn's router state from
the thread: an elliptical question ("那客户 100 呢?") keeps the intent, a pronoun ("他们主要抱怨什么？") keeps the
customer or segment.

What it cannot do is said, never worked around: an action (send, export, change data, reply to or contact
customers, create a campaign) calls no tool, and a question asked next to it is answered on its own; a question
that filters, groups or attributes by something the data does not record (a region, a salesperson, a service
agent, a channel, a campaign: router.yaml lexicons.missing_attributes) names that part and gives no figure for a
wider scope.

Modules: terms (the term-matching engine), knowledge (typed, checked prompt files), similarity (exemplar index),
decide (intent + slots), plan (plan execution), answers (rendering), chat (the chat model).
"""

from __future__ import annotations

from crm_insights.agent.router.chat import (
    INTERNAL_KEY,
    ROUTER_KEY,
    OfflineRouter,
    previous_state,
    split_turn,
    turn_steps,
)
from crm_insights.agent.router.decide import (
    ENTITY_SLOTS,
    NO_TOOL_INTENTS,
    Decision,
    decide,
    extract_slots,
    score_intents,
)
from crm_insights.agent.router.knowledge import IntentSpec, Knowledge
from crm_insights.agent.router.plan import Action, Step, next_action
from crm_insights.agent.router.similarity import ExemplarIndex

__all__ = [
    "ENTITY_SLOTS",
    "INTERNAL_KEY",
    "NO_TOOL_INTENTS",
    "ROUTER_KEY",
    "Action",
    "Decision",
    "ExemplarIndex",
    "IntentSpec",
    "Knowledge",
    "OfflineRouter",
    "Step",
    "decide",
    "extract_slots",
    "next_action",
    "previous_state",
    "score_intents",
    "split_turn",
    "turn_steps",
]
