"""Evaluate the agent on a question set: tool accuracy, argument accuracy, grounded figures, latency.

    python bench/agent_eval.py                       # offline router, fake tools (no store or models needed)
    python bench/agent_eval.py --tools real          # the configured store and trained models
    python bench/agent_eval.py --similarity embeddings --json var/agent_eval.json

The sets (tests/data/agent_questions*.yaml) are written apart from the router's exemplars, one after another:
agent_questions (main, >= 80 questions), _holdout, _fresh and _final were each run once, then used to widen
the router's vocabulary; _blind was written last and never used for tuning. _round2 (sales managers on mobile,
mixed zh/en, typos) was written by the router's second owner and run once before any change it prompted
(78.7% tfidf / 83.0% embeddings); the lead's held-out set (84.9% on its first run) fed cause-level fixes,
never its sentences. Session 2: four sets by outside evaluators who never saw the router (personas in each file's
first line). ext_a and ext_b were run first (87.8% / 82.1% right tool, TF-IDF) and fed cause-level fixes; ext_d
was run next (94.3% TF-IDF / 96.7% embeddings) and fed a few more; ext_c was kept apart until then and run once:
96.4% right tool, 97.6% arguments, with either similarity. Its four misses were fixed afterwards, so later
figures on ext_c are tuned too. A turn's tool is
right when the last tool it called is the expected one (and, with ``chain``, every tool in order);
arguments are right when every expected argument appears in some call of the turn (ids compare as
numbers). "Figures grounded" is the share of answers whose every figure appears in a tool result (the
agent's own check: no warning). Latency is per turn, wall clock, after one warm-up question.
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))


def _segment_key(value: Any) -> str:
    """A segment reference as the fake tools resolve it (name or id -> id); else its spelling, hyphens as spaces."""
    try:
        from fakes import _segment

        return str(_segment(str(value))["segment"])
    except Exception:
        return re.sub(r"[-_\s]+", " ", str(value)).strip().lower()


def _same(expected: Any, actual: Any, key: str) -> bool:
    if actual is None:
        return False
    if key == "segment":
        # "沉睡", "dormant" and "2" name the same segment: the router resolves a phrase to the id for the next tool.
        return _segment_key(expected) == _segment_key(actual)
    if key == "customer":
        e, a = re.sub(r"\D", "", str(expected)), re.sub(r"\D", "", str(actual))
        return bool(e) and bool(a) and int(e) == int(a)
    if isinstance(expected, int | float) and not isinstance(expected, bool):
        try:
            return float(actual) == float(expected)
        except (TypeError, ValueError):
            return False
    return str(actual).strip().lower() == str(expected).strip().lower()


def _args_ok(expected: dict[str, Any], calls: list[Any]) -> bool:
    return all(any(_same(v, c.args.get(k), k) for c in calls) for k, v in expected.items())


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    idx = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
    return ordered[idx]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, default=ROOT / "tests" / "data" / "agent_questions.yaml")
    parser.add_argument("--tools", choices=["fake", "real"], default="fake", help="fake: tests/fakes.py; real: TOOLS")
    parser.add_argument("--similarity", choices=["auto", "tfidf", "embeddings"], default="auto")
    parser.add_argument("--json", type=Path, default=None, help="also write per-turn results here")
    parser.add_argument("--quiet", action="store_true", help="do not list the failures")
    args = parser.parse_args(argv)

    import torch

    from crm_insights.agent.session import AgentSession
    from crm_insights.config import get_settings, load_settings

    torch.set_num_threads(get_settings().runtime.torch_threads)
    items = yaml.safe_load(args.questions.read_text(encoding="utf-8"))["items"]
    if args.tools == "fake":
        from fakes import fake_tools

        from crm_insights.agent.models import ResolvedModel, router_embedder_factory
        from crm_insights.agent.router import OfflineRouter

        # Threads in a scratch dir; the router's embedding model (if any) from the configured data dir.
        home = tempfile.mkdtemp(prefix="agent-eval-")
        settings = load_settings(home=home, llm={"router_similarity": args.similarity})
        factory = router_embedder_factory(load_settings(llm={"router_similarity": args.similarity}))
        router = OfflineRouter(similarity=args.similarity, embedder_factory=factory)
        session = AgentSession(settings, tools=fake_tools(), model=ResolvedModel(router, "offline", "router"))
    else:
        settings = load_settings(llm={"router_similarity": args.similarity})
        session = AgentSession(settings)

    session.ask("warm up: how many customers do we have?", thread_id=f"warmup-{uuid.uuid4().hex}")
    rows: list[dict[str, Any]] = []
    for n, item in enumerate(items):
        thread = f"eval-{n}-{uuid.uuid4().hex[:8]}"
        for turn in item["turns"]:
            started = time.perf_counter()
            answer = session.ask(turn["q"], thread_id=thread)
            elapsed = time.perf_counter() - started
            calls = answer.tool_calls
            names = [c.name for c in calls]
            main_tool = names[-1] if names else "none"
            tool_ok = main_tool == turn["tool"]
            if turn.get("chain"):
                tool_ok = tool_ok and names == list(turn["chain"])
            if turn.get("error"):
                tool_ok = tool_ok and calls[-1].error is not None
            expected_args = turn.get("args") or {}
            args_ok = _args_ok(expected_args, calls) if expected_args else None
            router = next((e["router"] for e in answer.evidence if "router" in e), {})
            rows.append(
                {
                    "q": turn["q"],
                    "expected": turn["tool"],
                    "called": names,
                    "args": [c.args for c in calls],
                    "tool_ok": tool_ok,
                    "args_ok": args_ok,
                    "grounded": not answer.warnings,
                    "has_results": any(c.error is None for c in calls),
                    "latency_ms": round(elapsed * 1000, 1),
                    "similarity": router.get("similarity"),
                    "answer": answer.answer[:300],
                }
            )
    session.close()

    n_turns = len(rows)
    tool_acc = sum(r["tool_ok"] for r in rows) / n_turns
    with_args = [r for r in rows if r["args_ok"] is not None]
    arg_acc = sum(r["args_ok"] for r in with_args) / len(with_args) if with_args else float("nan")
    answered = [r for r in rows if r["has_results"]]
    grounded = sum(r["grounded"] for r in answered) / len(answered) if answered else float("nan")
    lat = [r["latency_ms"] for r in rows]
    zh = sum(1 for r in rows if re.search(r"[\u4e00-\u9fff]", r["q"]))
    # How each turn was decided: by TF-IDF alone, with embeddings, as a follow-up or by a gate.
    used: dict[str, int] = {}
    for r in rows:
        used[r["similarity"] or "n/a"] = used.get(r["similarity"] or "n/a", 0) + 1
    backend = ", ".join(f"{name} {n}" for name, n in sorted(used.items(), key=lambda kv: -kv[1]))

    if not args.quiet:
        for r in rows:
            if not r["tool_ok"] or r["args_ok"] is False:
                print(f"MISS  {r['q']!r}: expected {r['expected']}, called {r['called']} {r['args']}")
    print(f"\nagent eval: {len(items)} conversations, {n_turns} turns ({zh} zh, {n_turns - zh} en); "
          f"tools={args.tools}, router similarity={backend}")  # fmt: skip
    print("| metric | value |\n|---|---|")
    print(f"| tool accuracy | {tool_acc:.1%} ({sum(r['tool_ok'] for r in rows)}/{n_turns}) |")
    print(f"| argument accuracy | {arg_acc:.1%} ({sum(r['args_ok'] for r in with_args)}/{len(with_args)}) |")
    print(f"| answers with every figure in the tool results | {grounded:.1%} ({len(answered)} answers with results) |")
    print(f"| latency p50 / p95 per turn | {statistics.median(lat):.0f} ms / {_percentile(lat, 0.95):.0f} ms |")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
