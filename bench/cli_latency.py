"""Cold `crm-insights ask` latency: one new process per question, as a user at a shell runs it.

    CRM_INSIGHTS_HOME=/tmp/me/var python bench/cli_latency.py   # a copy of the demo store: threads are written
    python bench/cli_latency.py --repeat 3 --questions "客户100的情况" "how are we doing?"
    python bench/cli_latency.py --exe /tmp/me/base/crm-insights   # another checkout's CLI, for a before/after

Questions are grouped by how the offline router decides them: by TF-IDF alone (the sentence embedder is never
needed, so a cold process need not load it) or with the embedder (an ambiguous question, a follow-up, a gate).
Goals (issue #15): p50 <= 3 s for TF-IDF-routed questions, <= 6 s for the others. The grouping is computed in
this process with an embedder stand-in that only records whether it was asked for.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_QUESTIONS = [
    "我们一共有多少客户？",
    "客户100最近怎么样",
    "高价值客户里有哪些有流失风险？",
    "1997年全年的销售额是多少？",
    "What are the main themes in the feedback?",
    "List the 5 customers most likely to churn",
    "hmm, how are things going lately",
    "tell me something interesting",
    "那个谁最近咋样",
    "what should I look at first",
]


def needs_embedder(question: str) -> bool:
    """Whether the router would load the embedder for ``question`` (TF-IDF not decisive)."""
    from langchain_core.messages import HumanMessage

    from crm_insights.agent.router import OfflineRouter

    asked: list[int] = []

    class _Probe:
        model_id = "probe"

        def embed_queries(self, texts: list[str]) -> list[list[float]]:
            return [[1.0, float(len(t))] for t in texts]

    def factory() -> _Probe:
        asked.append(1)
        return _Probe()

    OfflineRouter(similarity="auto", embedder_factory=factory).decide([HumanMessage(question)])
    return bool(asked)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", nargs="+", default=DEFAULT_QUESTIONS)
    parser.add_argument("--repeat", type=int, default=1, help="cold runs per question")
    parser.add_argument(
        "--exe",
        type=Path,
        default=Path(sys.executable).with_name("crm-insights"),
        help="the command to time (default: this venv's crm-insights; e.g. a wrapper running an older checkout)",
    )
    args = parser.parse_args(argv)

    exe = args.exe
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    # A user's shell writes bytecode caches: without them every cold process compiles edited modules again.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    groups: dict[str, list[float]] = {"tfidf": [], "embedder": []}
    cpu: dict[str, list[float]] = {"tfidf": [], "embedder": []}
    for q in args.questions:
        group = "embedder" if needs_embedder(q) else "tfidf"
        for _ in range(args.repeat):
            before = _children_cpu()
            started = time.perf_counter()
            out = subprocess.run([str(exe), "ask", q], env=env, capture_output=True, text=True, timeout=300)
            elapsed = time.perf_counter() - started
            used = _children_cpu() - before
            status = "ok" if out.returncode == 0 else f"rc={out.returncode}"
            groups[group].append(elapsed)
            cpu[group].append(used)
            print(f"{elapsed:6.2f} s  cpu {used:5.2f} s  {group:8s} {status}  {q}")
    # CPU seconds (user + system) of the command say what it costs apart from waiting for a busy machine's cores.
    print(f"\nload average before the table: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    print("\n| questions | runs | cold p50 | max | CPU p50 | goal |\n|---|---|---|---|---|---|")
    goals = {"tfidf": "<= 3 s", "embedder": "<= 6 s"}
    for name, values in groups.items():
        if values:
            print(f"| {name}-routed | {len(values)} | {statistics.median(values):.2f} s | {max(values):.2f} s | "
                  f"{statistics.median(cpu[name]):.2f} s | {goals[name]} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
