"""The prompt files agree with the code: plans name real tools and real arguments; every intent has answers."""

from __future__ import annotations

from crm_insights.agent.templating import load_prompt
from crm_insights.tools import TOOLS


def test_plans_match_the_tool_registry() -> None:
    tools = {t.name: t for t in TOOLS}
    plans = load_prompt("plans")
    for intent, plan in plans.items():
        for step in plan.get("steps") or []:
            assert step["tool"] in tools, (intent, step["tool"])
            params = set(tools[step["tool"]].args)
            assert set(step.get("args") or {}) <= params, (intent, step["tool"], set(step["args"]) - params)


def test_every_intent_has_a_plan_and_answers_in_both_languages() -> None:
    router, plans, answers = load_prompt("router"), load_prompt("plans"), load_prompt("answers")
    assert set(router["intents"]) == set(plans) == set(answers["intents"])
    for intent, texts in answers["intents"].items():
        assert set(texts) == {"zh", "en"}, intent
    for name, spec in router["intents"].items():
        for lang in ("zh", "en"):
            assert spec["exemplars"][lang], (name, lang)
    system = load_prompt("system")
    assert {"zh", "en", "tool_result_wrapper"} <= set(system)
