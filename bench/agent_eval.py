"""Evaluate the agent on question sets: answered correctly (outside sets), tool and argument accuracy, latency.

    python bench/agent_eval.py                       # offline router, fake tools (no store or models needed)
    python bench/agent_eval.py --tools real          # the configured store and trained models
    python bench/agent_eval.py --similarity embeddings --json var/agent_eval.json
    python bench/agent_eval.py --tools real --questions SET1.yaml SET2.yaml --history var/agent_eval_history.json

Two formats. A set whose turns carry ``expect`` (the outside evaluators' format) is scored as *answered
correctly* per turn: ``figure`` turns need every expected figure in the answer text (relative tolerance, a share
read as 0.4948 or 49.5%, 万/亿/k/M and thousands separators understood) and no ``must_not`` figure (a figure for
another scope: counted as wrong-scope); ``model`` turns need the named tool called (and its figures, if any);
``refusal`` turns need no tool call for the action, a statement that it cannot be done, and the figures of any
question asked alongside; ``partial`` turns need a statement of what cannot be answered and no ``must_not``
figure. ``--history`` keeps each set's first run, so the table shows first run and this run side by side.
Sets of the older format (``tool``/``args`` per turn) are scored by tool and argument accuracy as before.

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

from crm_insights.charts import wait_for_chart

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


# -- answered-correctly scoring (outside sets) ------------------------------------------------------------

# An answer that says it cannot do or answer something (zh / en).
_DECLINES = re.compile(
    r"不能|无法|没法|不支持|做不到|不提供|不作回答|超出了我能回答|\boutside what I can\b|"
    r"没有(?:地区|品类|渠道|利润|成本|毛利|产品|类别)|"
    r"\bcannot\b|\bcan't\b|\bcan not\b|\bunable\b|\bnot able\b|\bnot possible\b|\bdo not have\b|"
    r"\bdon't have\b|\bno (?:region|category|channel|product|margin|cost)|\bnot available\b|\bleave that part\b",
    re.IGNORECASE,
)


# Customer ids are names, not figures ("客户 14048", a table's 客户 column): read as numbers they could match a
# figure by chance (customer 14048 sits within 0.5% of 13,990.93), so they are blanked before the figures are read.
_ID_AFTER_WORD = re.compile(
    r"(?:客户|顾客|customer|account|cust)\s*(?:#|ID|id|编号)?\s*[:：]?\s*\d{3,7}\b", re.IGNORECASE
)
_ID_COLUMN_HEADER = re.compile(r"^\|\s*(?:客户|customer|account)\s*\|", re.IGNORECASE)


def _without_customer_ids(text: str) -> str:
    text = _ID_AFTER_WORD.sub(" ", text)
    out, id_column = [], False
    for line in text.splitlines():
        if _ID_COLUMN_HEADER.match(line.strip()):
            id_column = True
        elif id_column and line.strip().startswith("|"):
            line = re.sub(r"^(\s*\|)[^|]*\|", r"\1 |", line, count=1)
        elif not line.strip().startswith("|"):
            id_column = False
        out.append(line)
    return "\n".join(out)


def answer_numbers(text: str, ids: bool = True) -> list[float]:
    """Every number a reader sees in ``text``: with 万/亿/k/M applied and separators read; a percentage is kept both
    as written (49.5) and as a fraction (0.495), so either form of a share matches. ``ids=False``: customer ids are
    left out (an id answers "who is our biggest customer", but is never a figure for a wrong scope)."""
    from crm_insights.agent.checks import extract_figures

    if not ids:
        text = _without_customer_ids(text)
    out: list[float] = []
    for fig in extract_figures(text, skip_list_markers=False):
        value = fig.value * fig.multiplier
        out.append(value)
        if fig.percent:
            out.append(value / 100.0)
    return out


def figure_found(expected: dict[str, Any], numbers: list[float]) -> bool:
    """Whether ``expected`` ({value, rel_tol}) is among ``numbers`` within its relative tolerance (default 0.005);
    a share (|value| <= 1) also matches its percentage. Negative changes match with or without the sign."""
    value = float(expected["value"])
    tol = float(expected.get("rel_tol", 0.005))
    targets = [value, abs(value)]
    if abs(value) <= 1.0:
        targets += [value * 100.0, abs(value) * 100.0]
    for target in targets:
        slack = max(abs(target) * tol, 1e-9)
        if any(abs(n - target) <= slack for n in numbers):
            return True
    return False


def score_turn(expect: dict[str, Any], answer: str, tools_called: list[str]) -> dict[str, Any]:
    """``{"ok", "kind", "missing", "wrong_scope", "why"}`` for one turn of an outside set (see the module doc)."""
    kind = str(expect.get("kind", "figure"))
    numbers = answer_numbers(answer)
    missing = [f for f in expect.get("figures") or [] if not figure_found(f, numbers)]
    figures_only = answer_numbers(answer, ids=False)
    wrong = [f for f in expect.get("must_not") or [] if figure_found(f, figures_only)]
    declines = bool(_DECLINES.search(answer))
    why: list[str] = []
    if missing:
        why.append("missing " + ", ".join(str(f.get("what") or f["value"]) for f in missing))
    if wrong:
        why.append("wrong scope " + ", ".join(str(f.get("what") or f["value"]) for f in wrong))
    ok = not missing and not wrong
    if kind == "model":
        tool = expect.get("tool")
        if tool and tool not in tools_called:
            ok = False
            why.append(f"expected tool {tool}, called {tools_called or 'none'}")
    elif kind == "refusal":
        if not declines:
            ok = False
            why.append("does not say it cannot do the action")
        if not expect.get("figures") and tools_called:
            ok = False
            why.append(f"called {tools_called} for an action")
    elif kind == "partial" and not declines:
        ok = False
        why.append("does not say which part it cannot answer")
    return {"ok": ok, "kind": kind, "missing": len(missing), "wrong_scope": bool(wrong), "why": "; ".join(why)}


def _run_outside_set(session: Any, items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows: list[dict[str, Any]] = []
    for n, item in enumerate(items):
        thread = f"eval-{n}-{uuid.uuid4().hex[:8]}"
        for turn in item["turns"]:
            started = time.perf_counter()
            answer = session.ask(turn["q"], thread_id=thread)
            elapsed = time.perf_counter() - started
            # The charts are drawn in the background after the answer; wait for them here, as a reader would
            # before the next question, so the next turn's time is its own. Reported apart (with charts).
            for chart in answer.charts:
                wait_for_chart(chart)
            with_charts = time.perf_counter() - started
            names = [c.name for c in answer.tool_calls]
            verdict = score_turn(turn.get("expect") or {}, answer.answer, names)
            rows.append(
                {
                    "id": item.get("id"),
                    "q": turn["q"],
                    **verdict,
                    "called": names,
                    "args": [c.args for c in answer.tool_calls],
                    "latency_ms": round(elapsed * 1000, 1),
                    "with_charts_ms": round(with_charts * 1000, 1),
                    "answer": answer.answer,
                }
            )
    return rows


def _history(path: Path | None, key: str, summary: dict[str, Any]) -> dict[str, Any] | None:
    """The set's first recorded run (recording this one when there is none yet)."""
    if path is None:
        return None
    data = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    first = data.get(key)
    if first is None:
        data[key] = summary
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(data, ensure_ascii=False, indent=2), encoding="utf-8")
    return first or summary


def _print_outside(name: str, rows: list[dict[str, Any]], first: dict[str, Any] | None, quiet: bool) -> dict[str, Any]:
    n = len(rows)
    right = sum(r["ok"] for r in rows)
    lat = [r["latency_ms"] for r in rows]
    summary = {
        "turns": n,
        "correct": right,
        "wrong_scope": sum(r["wrong_scope"] for r in rows),
        "p50_ms": statistics.median(lat) if lat else None,
        "p50_with_charts_ms": statistics.median(r["with_charts_ms"] for r in rows) if rows else None,
        "when": time.strftime("%Y-%m-%d %H:%M:%S"),
    }
    if not quiet:
        for r in rows:
            if not r["ok"]:
                print(f"WRONG {r['id']} [{r['kind']}] {r['q']!r}: {r['why']}; called {r['called']}")
    print(f"\n{name}: {n} turns")
    print("| kind | turns | answered correctly |\n|---|---|---|")
    for kind in ("figure", "model", "refusal", "partial"):
        sub = [r for r in rows if r["kind"] == kind]
        if sub:
            print(f"| {kind} | {len(sub)} | {sum(r['ok'] for r in sub) / len(sub):.1%} ({sum(r['ok'] for r in sub)}) |")
    print(f"| **all** | {n} | **{right / n:.1%}** ({right}) |")
    if first is not None:
        fr = first["correct"] / first["turns"] if first["turns"] else float("nan")
        this = f"this run: {right / n:.1%}, wrong-scope {summary['wrong_scope']}"
        print(f"first run ({first['when']}): {fr:.1%} ({first['correct']}/{first['turns']}), "
              f"wrong-scope {first['wrong_scope']}; {this}")  # fmt: skip
    print(f"wrong-scope answers: {summary['wrong_scope']}; latency p50 {summary['p50_ms']:.0f} ms, "
          f"p95 {_percentile(lat, 0.95):.0f} ms; with the charts drawn: p50 "
          f"{summary['p50_with_charts_ms']:.0f} ms")  # fmt: skip
    return summary


def _run_tool_set(session: Any, items: list[dict[str, Any]], name: str, args: argparse.Namespace) -> None:
    """The older sets: tool accuracy, argument accuracy, grounded figures, latency."""
    rows: list[dict[str, Any]] = []
    for n, item in enumerate(items):
        thread = f"eval-{n}-{uuid.uuid4().hex[:8]}"
        for turn in item["turns"]:
            started = time.perf_counter()
            answer = session.ask(turn["q"], thread_id=thread)
            elapsed = time.perf_counter() - started
            for chart in answer.charts:  # drawn in the background: done before the next question (untimed)
                wait_for_chart(chart)
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
    print(f"\n{name}: agent eval: {len(items)} conversations, {n_turns} turns ({zh} zh, {n_turns - zh} en); "
          f"tools={args.tools}, router similarity={backend}")  # fmt: skip
    print("| metric | value |\n|---|---|")
    print(f"| tool accuracy | {tool_acc:.1%} ({sum(r['tool_ok'] for r in rows)}/{n_turns}) |")
    print(f"| argument accuracy | {arg_acc:.1%} ({sum(r['args_ok'] for r in with_args)}/{len(with_args)}) |")
    print(f"| answers with every figure in the tool results | {grounded:.1%} ({len(answered)} answers with results) |")
    print(f"| latency p50 / p95 per turn | {statistics.median(lat):.0f} ms / {_percentile(lat, 0.95):.0f} ms |")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", type=Path, nargs="+", default=[ROOT / "tests" / "data" / "agent_questions.yaml"])
    parser.add_argument("--tools", choices=["fake", "real"], default="fake", help="fake: tests/fakes.py; real: TOOLS")
    parser.add_argument("--similarity", choices=["auto", "tfidf", "embeddings"], default="auto")
    parser.add_argument(
        "--json", type=Path, default=None, help="also write per-turn results here (several sets: NAME-<set>.json each)"
    )
    parser.add_argument("--history", type=Path, default=None, help="first-run record of the outside sets (JSON)")
    parser.add_argument("--quiet", action="store_true", help="do not list the failures")
    parser.add_argument("--ids", nargs="+", default=None, help="only the items with these ids (no history written)")
    parser.add_argument("--show", action="store_true", help="print each failing turn's answer text")
    args = parser.parse_args(argv)

    import torch

    from crm_insights.agent.session import AgentSession
    from crm_insights.config import get_settings, load_settings

    torch.set_num_threads(get_settings().runtime.torch_threads)
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
    summaries: list[tuple[str, dict[str, Any], dict[str, Any] | None]] = []
    for path in args.questions:
        items = yaml.safe_load(path.read_text(encoding="utf-8"))["items"]
        name = path.stem
        if args.ids:
            items = [item for item in items if item.get("id") in set(args.ids)]
            if not items:
                continue
        if any("expect" in turn for item in items for turn in item["turns"]):
            rows = _run_outside_set(session, items)
            key = f"{name}|{args.tools}"
            if args.show:
                for r in rows:
                    if not r["ok"]:
                        print(f"--- {r['id']} {r['q']!r} called {r['called']} {r['args']}\n{r['answer']}\n")
            history = None if args.ids else args.history
            first = _history(history, key, {"turns": len(rows), "correct": sum(r["ok"] for r in rows),
                                                 "wrong_scope": sum(r["wrong_scope"] for r in rows),
                                                 "when": time.strftime("%Y-%m-%d %H:%M:%S")})  # fmt: skip
            summary = _print_outside(name, rows, first, args.quiet)
            summaries.append((name, summary, first))
            if args.json:
                # several sets: one file each (NAME-<set>.json), so the last set does not overwrite the others
                out = args.json if len(args.questions) == 1 else args.json.with_stem(f"{args.json.stem}-{name}")
                out.parent.mkdir(parents=True, exist_ok=True)
                out.write_text(json.dumps(rows, ensure_ascii=False, indent=2), encoding="utf-8")
        else:
            _run_tool_set(session, items, name, args)
    session.close()
    if len(summaries) > 1:
        print("\n| set | turns | first run | this run | wrong-scope (this run) | p50 ms | p50 with charts ms |\n"
              "|---|---|---|---|---|---|---|")  # fmt: skip
        for name, sm, first in summaries:
            fr = f"{first['correct'] / first['turns']:.1%}" if first and first["turns"] else "—"
            print(f"| {name} | {sm['turns']} | {fr} | {sm['correct'] / sm['turns']:.1%} | {sm['wrong_scope']} | "
                  f"{sm['p50_ms']:.0f} | {sm['p50_with_charts_ms']:.0f} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
