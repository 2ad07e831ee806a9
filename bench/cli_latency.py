"""Cold `crm-insights ask` latency: one new process per question, as a user at a shell runs it.

    CRM_INSIGHTS_HOME=/tmp/me/var python bench/cli_latency.py   # a copy of the demo store: threads are written
    python bench/cli_latency.py --repeat 3 --questions "客户100的情况" "how are we doing?"

Questions are grouped by how the offline router decides them: by TF-IDF alone (the sentence embedder is never
needed, so a cold process need not load it) or with the embedder (an ambiguous question, a follow-up, a gate).
Goals (issue #15): p50 <= 3 s for TF-IDF-routed questions, <= 6 s for the others. The grouping is computed in
this process with an embedder stand-in that only records whether it was asked for.
"""

from __future__ import annotations

import argparse
import os
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--questions", nargs="+", default=DEFAULT_QUESTIONS)
    parser.add_argument("--repeat", type=int, default=1, help="cold runs per question")
    args = parser.parse_args(argv)

    exe = Path(sys.executable).with_name("crm-insights")
    env = {**os.environ, "HF_HUB_OFFLINE": "1"}
    groups: dict[str, list[float]] = {"tfidf": [], "embedder": []}
    for q in args.questions:
        group = "embedder" if needs_embedder(q) else "tfidf"
        for _ in range(args.repeat):
            started = time.perf_counter()
            out = subprocess.run([str(exe), "ask", q], env=env, capture_output=True, text=True, timeout=300)
            elapsed = time.perf_counter() - started
            status = "ok" if out.returncode == 0 else f"rc={out.returncode}"
            groups[group].append(elapsed)
            print(f"{elapsed:6.2f} s  {group:8s} {status}  {q}")
    print("\n| questions | runs | cold p50 | max | goal |\n|---|---|---|---|---|")
    goals = {"tfidf": "<= 3 s", "embedder": "<= 6 s"}
    for name, values in groups.items():
        if values:
            print(f"| {name}-routed | {len(values)} | {statistics.median(values):.2f} s | {max(values):.2f} s | "
                  f"{goals[name]} |")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
