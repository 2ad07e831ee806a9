"""What HTTP adds to an answer: sequential p50/p95 per route beside the same work done in-process.

One request at a time (no queueing), so the difference between a route and its in-process figure is the
server's own cost (HTTP, validation, the thread list, chart URLs). In-process first, in this process:
``session.ask`` for a one-turn question in a fresh thread (what each HTTP answer below does), and the
``list_segments`` tool (what ``GET /v1/segments`` runs). Then the same over HTTP against ``--url``, or a
``crm-insights serve`` it starts on a free loopback port (``--serve``, the server's default workers).

    python bench/http_latency.py --serve                       # default: 50 requests per route
    python bench/http_latency.py --url http://127.0.0.1:8000 --requests 200

Prints one JSON object (and writes it to bench/out/http_latency.json): per route p50/p95 in ms, the
in-process p50/p95 it compares with and the ratio of the p50s, plus the CPU count and load average
(the figures move with the machine's load: compare runs made under the same conditions).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from http_load import LOOPBACK, free_port, percentile, start_server  # noqa: E402 (bench sibling)

QUESTION = "客户总体情况如何？"  # the overview: a tool call, figures and a chart


def timings(fn: Callable[[int], None], n: int, warmup: int) -> dict[str, float]:
    for i in range(warmup):
        fn(-1 - i)
    samples = []
    for i in range(n):
        start = time.perf_counter()
        fn(i)
        samples.append(1000 * (time.perf_counter() - start))
    return {
        "p50": round(percentile(samples, 50), 2),
        "p95": round(percentile(samples, 95), 2),
        "mean": round(statistics.fmean(samples), 2),
        "n": n,
    }


def in_process(question: str, n: int, warmup: int) -> dict[str, dict[str, float]]:
    """The agent's answer and the segments tool, called directly (what the routes wrap)."""
    from crm_insights import open_session
    from crm_insights.agent.session import reset_session
    from crm_insights.server.deps import call_tool
    from crm_insights.tools import TOOLS

    session = open_session()
    tools = {t.name: t for t in TOOLS}

    def ask(i: int) -> None:
        answer = session.ask(question, thread_id=f"bench-{uuid.uuid4().hex}")
        if not answer.answer.strip():
            raise SystemExit(f"in-process answer {i} is empty")

    def segments(_: int) -> None:
        call_tool(tools["list_segments"], {})

    try:
        return {"ask": timings(ask, n, warmup), "list_segments": timings(segments, n, warmup)}
    finally:
        reset_session()  # frees the models before the server loads its own


def over_http(url: str, question: str, n: int, warmup: int, api_key: str | None) -> dict[str, dict[str, float]]:
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    out: dict[str, dict[str, float]] = {}
    with httpx.Client(base_url=url, timeout=60, headers=headers) as client:

        def check(res: httpx.Response) -> httpx.Response:
            if res.status_code != 200:
                raise SystemExit(f"{res.request.method} {res.request.url.path}: {res.status_code} {res.text[:300]}")
            return res

        def ask(_: int) -> None:
            body = check(client.post("/v1/ask", json={"question": question})).json()
            if not body["answer"].strip():
                raise SystemExit("POST /v1/ask: empty answer")

        def chat(_: int) -> None:
            body = {"model": "crm-insights", "messages": [{"role": "user", "content": question}]}
            res = check(client.post("/v1/chat/completions", json=body)).json()
            if not (res["choices"][0]["message"]["content"] or "").strip():
                raise SystemExit("POST /v1/chat/completions: empty answer")

        def segments(_: int) -> None:
            check(client.get("/v1/segments"))

        def healthz(_: int) -> None:
            check(client.get("/healthz"))

        routes: dict[str, Callable[[int], None]] = {
            "POST /v1/ask": ask,
            "POST /v1/chat/completions": chat,
            "GET /v1/segments": segments,
            "GET /healthz": healthz,
        }
        for name, fn in routes.items():
            out[name] = timings(fn, n, warmup)
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", default="http://127.0.0.1:8000", help="server base URL (loopback only)")
    p.add_argument("--serve", action="store_true", help="start `crm-insights serve` on a free port for the run")
    p.add_argument("--workers", type=int, default=None, help="with --serve: worker processes (default: the server's)")
    p.add_argument("--requests", type=int, default=50, help="timed calls per route (and in-process)")
    p.add_argument("--warmup", type=int, default=5, help="untimed calls per route first")
    p.add_argument("--question", default=QUESTION)
    p.add_argument("--skip-in-process", action="store_true", help="HTTP figures only")
    p.add_argument("--api-key", default=os.environ.get("CRM_INSIGHTS_BENCH_KEY"))
    p.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "http_latency.json")
    args = p.parse_args()

    url = args.url
    if not args.serve and (urlparse(url).hostname or "") not in LOOPBACK:
        raise SystemExit(f"refusing {url!r}: this benchmark only targets 127.0.0.1")
    load_before = os.getloadavg()
    local = {} if args.skip_in_process else in_process(args.question, args.requests, args.warmup)
    proc = None
    if args.serve:
        port = free_port()
        proc = start_server(port, args.workers)
        url = f"http://127.0.0.1:{port}"
    try:
        remote = over_http(url, args.question, args.requests, args.warmup, args.api_key)
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)

    compare = {"POST /v1/ask": "ask", "POST /v1/chat/completions": "ask", "GET /v1/segments": "list_segments"}
    routes: dict[str, Any] = {}
    for route, figures in remote.items():
        entry: dict[str, Any] = {"p50_ms": figures["p50"], "p95_ms": figures["p95"]}
        base = local.get(compare.get(route, ""))
        if base:
            entry.update(
                in_process=compare[route],
                in_process_p50_ms=base["p50"],
                in_process_p95_ms=base["p95"],
                ratio_p50=round(figures["p50"] / base["p50"], 2) if base["p50"] else None,
            )
        routes[route] = entry
    result = {
        "question": args.question,
        "requests_per_route": args.requests,
        "url": url if not args.serve else "--serve",
        "workers": args.workers if args.serve else None,
        "routes": routes,
        "in_process": local,
        "cpus": os.cpu_count(),
        "load_avg_1m": {"start": round(load_before[0], 2), "end": round(os.getloadavg()[0], 2)},
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
