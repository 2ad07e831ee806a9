"""What the router knows, loaded once and checked: router.yaml (scoring, follow-up markers, lexicons),
answers.yaml (shared answer texts) and one file per intent under prompts/intents/ (keywords, exemplars, plan,
answers), each parsed into a typed model. Slot names are checked at load time: a plan argument, a ``when``, a
``requires`` or a scoring hint that names a slot nothing produces fails loading instead of silently never
matching.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from crm_insights.agent import slots as sx
from crm_insights.agent.dialect import to_mandarin
from crm_insights.agent.router.terms import edits1
from crm_insights.agent.templating import environment, load_prompt
from crm_insights.errors import ConfigError

# Slots the extractors read from a question (decide.extract_slots) or the router sets itself.
EXTRACTED_SLOTS = frozenset(
    {
        "customer", "segment", "rank_by", "segment_pick", "horizon_weeks", "top_k", "since", "until", "sentiment",
        "freq", "min_churn_risk", "texts", "query", "person_ref", "ordinal",
        # analytics questions: parse_metric_question's spec (metric_slots.py) and what the router derives from it
        "metric", "unsupported", "periods_text", "theme_pick", "listed_themes", "action", "data_start", "data_end",
        "data_range_pending", "dropped", "among_top_spenders", "group_by", "about", "theme_query", "spend_rank",
        "top_share",
        "missing_attributes",
        # one customer: where their spend ranks ("排第几"), their last purchase beside a period's figure
        "place_by_spend", "recency_customer",
        # the overview asked for the spend per customer ("我们的客户平均每人花了多少")
        "per_customer",
    }
)  # fmt: skip
# Slots plan.py derives for `when` tests and argument passing (answers do not carry them).
DERIVED_SLOTS = (
    "segment_phrase",
    "segment_pick_pending",
    "question",
    "among_top_spenders",
    "customer_feedback",
    "cohort_retry",
)
# Named slot updates a plan step may run after its call (plan.py implements them).
STEP_HOOKS = frozenset({"reparse_metric", "earlier_cohort_year", "period_from_metric"})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)


class Terms(_Strict):
    zh: list[str] = Field(default_factory=list)
    en: list[str] = Field(default_factory=list)

    def both(self) -> list[str]:
        return [str(t) for t in (*self.zh, *self.en)]


class Variant(_Strict):
    if_: list[str] = Field(default_factory=list, alias="if")
    unless: list[str] = Field(default_factory=list)
    then: str


class PlanStep(_Strict):
    tool: str
    # tool argument -> slot name, or a list of slot names (the first set one)
    args: dict[str, str | list[str]] = Field(default_factory=dict)
    const: dict[str, Any] = Field(default_factory=dict)
    when: str | None = None
    # slot -> dotted path into the step's result
    export: dict[str, str] = Field(default_factory=dict)
    # a slot path holding a whole dict of arguments (an analytics spec's ``metric.args``), merged under ``args``
    args_from: str | None = None
    # after the step: a named update of the slots (plan.py AFTER_STEP), e.g. parse again with the data's range
    then: str | None = None
    # a step that only adds context: its failure (an unknown customer) is left to the next step to say
    optional: bool = False


class Plan(_Strict):
    requires: list[str | list[str]] = Field(default_factory=list)
    steps: list[PlanStep] = Field(default_factory=list)


class Answers(_Strict):
    zh: str
    en: str

    def __getitem__(self, language: str) -> str:
        return self.zh if language == "zh" else self.en


class IntentSpec(_Strict):
    """One prompts/intents/<name>.yaml."""

    keywords: Terms = Field(default_factory=Terms)
    exemplars: Terms = Field(default_factory=Terms)
    prior: float = 0.0
    prefer_with: list[str] = Field(default_factory=list)
    avoid_with: list[str] = Field(default_factory=list)
    avoid_without: list[str] = Field(default_factory=list)
    avoid_words: list[str] = Field(default_factory=list)
    avoid_words_unless_keywords: bool = False
    variants: list[Variant] = Field(default_factory=list)
    follow_up_words: list[str] = Field(default_factory=list)
    plan: Plan = Field(default_factory=Plan)
    answers: Answers
    # Scope slots the answer honours without a tool argument (sentiment_summary reports every sentiment's share).
    covers: list[str] = Field(default_factory=list)
    # False: never chosen by scoring (no exemplars, no keywords); the analytics parser or a gate picks it.
    scored: bool = True

    def slot_names(self) -> set[str]:
        """Every slot name this intent reads (scoring hints, variants, requires, step args and `when`)."""
        names = {*self.prefer_with, *self.avoid_with, *self.avoid_without, *self.covers}
        for v in self.variants:
            names |= {*v.if_, *v.unless}
        for r in self.plan.requires:
            names |= {r} if isinstance(r, str) else set(r)
        for step in self.plan.steps:
            for source in step.args.values():
                names |= {source} if isinstance(source, str) else set(source)
            if step.when:
                names.add(step.when)
            if step.args_from:
                names.add(step.args_from.split(".")[0])
        return names


def load_intents(order: list[str], tool_names: set[str] | None = None) -> dict[str, IntentSpec]:
    """The intent files in ``order``, validated: known keys, known slot names, known variant targets,
    answers that compile; ``tool_names`` (when given) must hold every tool a plan names."""
    intents: dict[str, IntentSpec] = {}
    for name in order:
        raw = load_prompt(f"intents/{name}")
        try:
            intents[name] = IntentSpec.model_validate(raw)
        except ValidationError as exc:
            raise ConfigError(f"prompts/intents/{name}.yaml: {exc}") from exc
    exported = {slot for spec in intents.values() for step in spec.plan.steps for slot in step.export}
    known = EXTRACTED_SLOTS | set(DERIVED_SLOTS) | exported
    for name, spec in intents.items():
        unknown = spec.slot_names() - known
        if unknown:
            raise ConfigError(f"prompts/intents/{name}.yaml names unknown slots {sorted(unknown)}")
        hooks = {step.then for step in spec.plan.steps if step.then} - STEP_HOOKS
        if hooks:
            raise ConfigError(f"prompts/intents/{name}.yaml: unknown step hooks {sorted(hooks)}")
        targets = {v.then for v in spec.variants} - set(intents)
        if targets:
            raise ConfigError(f"prompts/intents/{name}.yaml: variants lead to unknown intents {sorted(targets)}")
        if tool_names is not None:
            tools = {s.tool for s in spec.plan.steps} - tool_names
            if tools:
                raise ConfigError(f"prompts/intents/{name}.yaml: unknown tools {sorted(tools)}")
        for lang in ("zh", "en"):
            try:
                environment().parse(spec.answers[lang])
            except Exception as exc:  # jinja2.TemplateSyntaxError: say which file
                raise ConfigError(f"prompts/intents/{name}.yaml answers.{lang}: {exc}") from exc
    return intents


@dataclass
class Knowledge:
    """router.yaml + answers.yaml + prompts/intents/*.yaml, loaded once."""

    scoring: dict[str, float]
    intents: dict[str, IntentSpec]
    answers: dict[str, Any]
    lexicons: dict[str, Any]
    anaphora: list[str]
    continuation: list[str]
    filler: list[str]
    injection: list[str]
    domain_words: list[str]
    abbreviations: dict[str, str] = field(default_factory=dict)
    write_actions: list[str] = field(default_factory=list)
    group_refs: list[str] = field(default_factory=list)
    person_refs: list[str] = field(default_factory=list)
    action_verbs: list[str] = field(default_factory=list)

    @classmethod
    def load(cls) -> Knowledge:
        router, answers = load_prompt("router"), load_prompt("answers")
        fu = router["follow_up"]

        def both(d: Mapping[str, Any] | None) -> list[str]:
            return [str(t) for t in (*(d or {}).get("zh", []), *(d or {}).get("en", []))]

        return cls(
            scoring=router["scoring"],
            intents=load_intents([str(n) for n in router["intents"]]),
            answers=answers,
            lexicons=router["lexicons"],
            anaphora=both(fu["anaphora"]),
            continuation=both(fu["continuation"]),
            filler=both(fu["filler"]),
            injection=both(router["injection_markers"]),
            domain_words=both(router["domain_words"]),
            abbreviations={str(k).lower(): str(v) for k, v in (router.get("abbreviations") or {}).items()},
            write_actions=both(router.get("write_actions")),
            group_refs=both(fu.get("group_refs")),
            person_refs=both(fu.get("person_refs")),
            action_verbs=both(router.get("action_verbs")),
        )

    def plan(self, intent: str) -> Plan:
        spec = self.intents.get(intent)
        return spec.plan if spec is not None else Plan()

    @cached_property
    def off_topic(self) -> list[str]:
        """The out_of_scope intent's keywords: on a question with no CRM word they decide alone."""
        spec = self.intents.get("out_of_scope")
        return spec.keywords.both() if spec else []

    @cached_property
    def keyword_owners(self) -> dict[str, set[str]]:
        """keyword -> the intents that list it."""
        owners: dict[str, set[str]] = {}
        for name, spec in self.intents.items():
            for term in spec.keywords.both():
                owners.setdefault(term, set()).add(name)
        return owners

    @cached_property
    def vocabulary(self) -> dict[str, int]:
        """English words the router knows (keywords, exemplars, lexicons, markers) with their counts."""
        texts: list[str] = [*self.keyword_owners, *self.anaphora, *self.continuation, *self.filler]
        texts += [*self.injection, *self.domain_words, *self.abbreviations.values()]
        texts += [q for _, q in self.exemplars()]
        for entry in self.lexicons.get("segments", []):
            texts += [*entry.get("patterns", []), *(entry.get("stems") or [])]
        texts += [str(t) for terms in self.lexicons.get("sentiment", {}).values() for t in terms]
        texts += [str(t) for t in (self.lexicons.get("segment_heads") or {}).get("en", [])]
        texts += [str(t) for t in self.lexicons.get("extra_vocabulary") or []]
        counts: dict[str, int] = {}
        for text in texts:
            if text.startswith("re:"):
                # the words a pattern spells out ("stack\w*\s+up\s+against ... peers") are known words too:
                # "stack" must not be "corrected" to "track"
                text = re.sub(r"\\[A-Za-z]", " ", text[3:])
            for word in re.findall(r"[a-z]{3,}", text.lower()):
                counts[word] = counts.get(word, 0) + 1
        return counts

    @cached_property
    def _abbreviation_re(self) -> re.Pattern[str] | None:
        if not self.abbreviations:
            return None
        alts = "|".join(re.escape(a) for a in sorted(self.abbreviations, key=len, reverse=True))
        return re.compile(rf"(?<![A-Za-z0-9])({alts})(?![A-Za-z0-9/])", re.IGNORECASE)

    def correct(self, text: str) -> str:
        """``text`` with Traditional Chinese and written Cantonese read as Mandarin (agent/dialect.py), chat
        abbreviations expanded and English typos fixed (outside quotes).

        A word of 5+ letters the router does not know becomes the known word one edit away (deletion,
        transposition, substitution or insertion; the most common one if several): "custmer" -> "customer",
        "segmnts" -> "segments", "feedbak" -> "feedback". Known words and quoted text are left alone.
        """
        quoted = [m.span() for m in sx.QUOTES.finditer(text)]
        text = to_mandarin(text, quoted)  # "97年有幾多個月" -> "97年有多少个月"
        quoted = [m.span() for m in sx.QUOTES.finditer(text)]
        vocab = self.vocabulary

        def outside(pos: int) -> bool:
            return not any(s <= pos < e for s, e in quoted)

        def expand(m: re.Match[str]) -> str:
            return self.abbreviations[m.group(1).lower()] if outside(m.start()) else m.group(0)

        def fix(m: re.Match[str]) -> str:
            word = m.group(0)
            low = word.lower()
            if low in vocab or not outside(m.start()):
                return word
            best = max(edits1(low) & vocab.keys(), key=lambda w: (vocab[w], w), default=None)
            return best if best is not None else word

        if self._abbreviation_re is not None:
            text = self._abbreviation_re.sub(expand, text)
            quoted = [m.span() for m in sx.QUOTES.finditer(text)]
        return re.sub(r"(?<![A-Za-z])[A-Za-z]{5,}(?![A-Za-z])", fix, text)

    def exemplars(self) -> list[tuple[str, str]]:
        """(intent, exemplar question) for every exemplar, both languages."""
        return [
            (name, q)
            for name, spec in self.intents.items()
            if spec.scored
            for lang in ("zh", "en")
            for q in getattr(spec.exemplars, lang)
        ]
