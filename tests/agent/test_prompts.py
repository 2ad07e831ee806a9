"""The prompt files agree with the code: plans name real tools and real arguments; every intent has answers;
the intent files are checked when loaded (unknown keys and slot names fail)."""

from __future__ import annotations

import pytest

from crm_insights.agent.router import knowledge as kn
from crm_insights.agent.templating import load_prompt
from crm_insights.errors import ConfigError
from crm_insights.tools import TOOLS


def test_plans_match_the_tool_registry() -> None:
    tools = {t.name: t for t in TOOLS}
    knowledge = kn.Knowledge.load()
    for intent, spec in knowledge.intents.items():
        for step in spec.plan.steps:
            assert step.tool in tools, (intent, step.tool)
            params = set(tools[step.tool].args)
            assert set(step.args) <= params, (intent, step.tool, set(step.args) - params)


def test_every_intent_has_a_plan_and_answers_in_both_languages() -> None:
    router = load_prompt("router")
    knowledge = kn.Knowledge.load()
    assert list(knowledge.intents) == list(router["intents"])
    for name, spec in knowledge.intents.items():
        assert spec.answers.zh.strip() and spec.answers.en.strip(), name
        for lang in ("zh", "en"):
            assert getattr(spec.exemplars, lang) or not spec.scored, (name, lang)
    system = load_prompt("system")
    assert {"zh", "en", "tool_result_wrapper"} <= set(system)


def _intent(**overrides: object) -> dict[str, object]:
    base: dict[str, object] = {
        "keywords": {"zh": ["概况"], "en": ["overview"]},
        "exemplars": {"zh": ["概况"], "en": ["overview"]},
        "plan": {"steps": [{"tool": "crm_overview", "args": {"top_n": "top_k"}}]},
        "answers": {"zh": "{{ r.crm_overview.customers }}", "en": "{{ r.crm_overview.customers }}"},
    }
    base.update(overrides)
    return base


@pytest.mark.parametrize(
    ("override", "message"),
    [
        ({"plan": {"steps": [{"tool": "crm_overview", "args": {"top_n": "top_kk"}}]}}, "unknown slots ['top_kk']"),
        ({"prefer_with": ["custmer"]}, "unknown slots ['custmer']"),
        ({"plan": {"requires": [["segment", "segmnt"]]}}, "unknown slots ['segmnt']"),
        ({"variants": [{"if": ["customer"], "then": "no_such_intent"}]}, "unknown intents"),
        ({"answers": {"zh": "{{ r.x ", "en": "ok"}}, "answers.zh"),
        ({"keyword": {"zh": ["x"]}}, "keyword"),
        ({"plan": {"steps": [{"tool": "no_such_tool"}]}}, "unknown tools"),
    ],
)
def test_intent_files_are_checked_at_load_time(
    monkeypatch: pytest.MonkeyPatch, override: dict[str, object], message: str
) -> None:
    files = {"good": _intent(), "bad": _intent(**override)}
    monkeypatch.setattr(kn, "load_prompt", lambda name: files[name.removeprefix("intents/")])
    assert set(kn.load_intents(["good"], {t.name for t in TOOLS})) == {"good"}
    with pytest.raises(ConfigError, match=message.replace("[", r"\[").replace("]", r"\]")):
        kn.load_intents(["good", "bad"], {t.name for t in TOOLS})


def test_a_key_written_twice_fails_loading(monkeypatch: pytest.MonkeyPatch, tmp_path) -> None:
    from crm_insights.agent import templating

    text = "a:\n  zh: one\na:\n  zh: two\n"
    with pytest.raises(ConfigError, match="duplicate key 'a'"):
        templating.yaml.load(text, Loader=templating._UniqueKeyLoader)  # noqa: S506


def test_libyaml_reads_every_prompt_file_as_the_python_loader_does() -> None:
    """The fast loader (libyaml) is only a speed-up: every shipped prompt file gives the same objects."""
    from importlib import resources

    from crm_insights.agent import templating

    if templating._CUniqueKeyLoader is None:
        pytest.skip("PyYAML built without libyaml")
    root = resources.files("crm_insights.prompts")
    names = [p.name for p in root.iterdir() if p.name.endswith(".yaml")]
    names += [f"intents/{p.name}" for p in root.joinpath("intents").iterdir() if p.name.endswith(".yaml")]
    assert len(names) > 10
    for name in names:
        text = root.joinpath(name).read_text(encoding="utf-8")
        slow = templating.yaml.load(text, Loader=templating._UniqueKeyLoader)  # noqa: S506
        assert templating._parse_yaml(text) == slow, name
    with pytest.raises(ConfigError, match="duplicate key 'a'"):
        templating.yaml.load("a: 1\na: 2\n", Loader=templating._CUniqueKeyLoader)  # noqa: S506


def test_a_share_change_is_in_percentage_points_and_basis_points() -> None:
    # "复购率跟去年同期比，变动多少bps？": a share's change in pp and in bps; other measures in their own unit
    from crm_insights.agent.templating import fmt_change

    assert fmt_change(0.1525, "repeat_rate") == "+15.25 pp (+1,525 bps)"
    assert fmt_change(-0.0021, "new_customer_share") == "-0.21 pp (-21 bps)"
    assert fmt_change(-1234.5, "revenue") == "-1,234.50"


def test_the_overview_gives_the_revenue_per_customer() -> None:
    # "我哋啲客平均每個人使咗幾多錢": the overview answers with the revenue per customer with orders, on its own line
    from crm_insights.agent.router import OfflineRouter
    from crm_insights.agent.router.answers import render_answer

    data = {
        "customers": 10, "customers_with_orders": 8, "orders": 20, "units": 30, "revenue": 800.0,
        "average_order_value": 40.0, "revenue_per_customer": 100.0,
        "orders_period": {"first": "1997-01-01", "last": "1998-06-30"},
        "feedback": 0, "feedback_with_sentiment": 0, "feedback_period": {"first": None, "last": None},
        "top_customers": [],
    }  # fmt: skip
    knowledge = OfflineRouter().knowledge
    asked = {"per_customer": True}  # the router's slot when the question asks the spend per customer
    zh = render_answer(knowledge, "overview", "zh", {"crm_overview": data}, asked, "人均消费多少")
    en = render_answer(knowledge, "overview", "en", {"crm_overview": data}, asked, "revenue per customer?")
    assert "人均消费 100.00\n" in zh and "revenue per customer with orders 100.00\n" in en
    # not asked (an AOV question): not printed, so it is not taken for the AOV
    assert "人均消费" not in render_answer(knowledge, "overview", "zh", {"crm_overview": data}, {}, "客单价多少")


def test_a_trend_against_a_year_earlier_lists_the_earlier_rows() -> None:
    # "跟去年同期比呢？一樣按月" after AOV by month: the compared months are listed too, not only the two totals
    from crm_insights.agent.router import OfflineRouter
    from crm_insights.agent.router.answers import render_answer

    rows = [{"period": "1998-04", "aov": 35.27}, {"period": "1998-05", "aov": 35.76}]
    before = [{"period": "1997-04", "aov": 37.77}, {"period": "1997-05", "aov": 37.28}]
    data = {
        "measure": "aov", "measures": ["aov"], "period": {"since": "1998-04-01", "until": "1998-05-31"},
        "grain": "month", "group_by": None, "rows": rows, "total": {"aov": 35.5}, "notes": [], "notes_zh": [],
        "compare": {
            "period": {"since": "1997-04-01", "until": "1997-05-31"}, "total": {"aov": 37.5},
            "change": {"aov": -2.0}, "change_pct": {"aov": -0.0533}, "ratio": {"aov": 0.9467}, "rows": before,
        },
    }  # fmt: skip
    knowledge = OfflineRouter().knowledge
    slots = {"metric": {"tool": "metric_query", "args": {"measures": ["aov"], "grain": "month", "compare": "year"}}}
    zh = render_answer(knowledge, "metric_query", "zh", {"metric_query": data}, slots, "跟去年同期比呢？一样按月")
    en = render_answer(knowledge, "metric_query", "en", {"metric_query": data}, slots, "vs same months last year?")
    for text in (zh, en):
        assert "| 1997-04 | 37.77 |" in text and "| 1997-05 | 37.28 |" in text and "| 1998-05 | 35.76 |" in text
    # a breakdown by group keeps its own comparison columns, no second table
    grouped = {**data, "grain": None, "group_by": "segment", "rows": [{"segment": 0, "aov": 35.5}]}
    assert "对比期逐期" not in render_answer(knowledge, "metric_query", "zh", {"metric_query": grouped}, slots, "?")
