"""HTTP load on the OpenAI-compatible endpoint: requests/s and latency at N concurrent connections.

Loopback only (it refuses any other host), bounded in request count and in time. Each request is a
new one-turn conversation (a fresh agent thread), rotating over a few Chinese and English questions
the offline router answers with the tools. Errors (non-200, transport errors, an empty answer) are
counted, never retried.

    # against a running server
    python bench/http_load.py --url http://127.0.0.1:8000 --concurrency 100 --requests 2000
    # or let it start `crm-insights serve` on a free port and stop it afterwards
    python bench/http_load.py --serve --concurrency 100 --requests 2000
    # with wrk (Debian's `wrk`): a C client that leaves more of 2 cores to the server; time-bounded
    python bench/http_load.py --serve --client wrk --concurrency 100 --duration 60

The httpx client costs about as much CPU per request as the server's own HTTP layer, so on a
2-core machine ``--client wrk`` measures the server more fairly; both count errors the same way
(non-200, transport errors, timeouts, an answer without content).

Prints one JSON object (and writes it to bench/out/http_load.json).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import httpx

QUESTIONS = [
    "我们有哪些客户分群？",
    "What customer segments do we have?",
    "客户总体情况如何？",
    "Give me an overview of our customers.",
]
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    idx = min(len(ordered) - 1, max(0, round(q / 100 * (len(ordered) - 1))))
    return ordered[idx]


async def run_load(
    url: str,
    concurrency: int,
    total: int,
    duration_s: float,
    questions: list[str],
    api_key: str | None,
    timeout_s: float,
) -> dict[str, Any]:
    endpoint = url.rstrip("/") + "/v1/chat/completions"
    headers = {"Authorization": f"Bearer {api_key}"} if api_key else {}
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    latencies: list[float] = []
    errors: dict[str, int] = {}
    issued = 0
    deadline = time.monotonic() + duration_s

    async with httpx.AsyncClient(limits=limits, timeout=timeout_s, headers=headers) as client:

        async def worker() -> None:
            nonlocal issued
            while issued < total and time.monotonic() < deadline:
                i = issued
                issued += 1
                body = {
                    "model": "crm-insights",
                    "messages": [{"role": "user", "content": questions[i % len(questions)]}],
                }
                start = time.perf_counter()
                try:
                    res = await client.post(endpoint, json=body)
                    elapsed = time.perf_counter() - start
                    if res.status_code != 200:
                        key = f"http_{res.status_code}"
                    elif not (res.json()["choices"][0]["message"]["content"] or "").strip():
                        key = "empty_answer"
                    else:
                        latencies.append(elapsed)
                        continue
                except (httpx.HTTPError, ValueError, KeyError) as exc:
                    key = type(exc).__name__
                errors[key] = errors.get(key, 0) + 1

        started = time.perf_counter()
        await asyncio.gather(*(worker() for _ in range(concurrency)))
        wall = time.perf_counter() - started

    done = len(latencies) + sum(errors.values())
    return {
        "client": "httpx",
        "endpoint": endpoint,
        "concurrency": concurrency,
        "requests": done,
        "ok": len(latencies),
        "errors": sum(errors.values()),
        "error_kinds": errors,
        "wall_s": round(wall, 2),
        "requests_per_s": round(done / wall, 1) if wall else None,
        "ok_per_s": round(len(latencies) / wall, 1) if wall else None,
        "latency_ms": {
            "p50": round(1000 * percentile(latencies, 50), 1),
            "p95": round(1000 * percentile(latencies, 95), 1),
            "p99": round(1000 * percentile(latencies, 99), 1),
            "mean": round(1000 * statistics.fmean(latencies), 1) if latencies else None,
            "max": round(1000 * max(latencies), 1) if latencies else None,
        },
    }


WRK_SCRIPT = r"""
local questions = %(questions)s
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  bad = 0
  counter = tonumber(wrk.thread:get("id")) or 0
end

request = function()
  counter = counter + 1
  local q = questions[(counter %% #questions) + 1]
  local body = '{"model":"crm-insights","messages":[{"role":"user","content":' .. q .. '}]}'
  return wrk.format("POST", "/v1/chat/completions", {["Content-Type"] = "application/json"%(auth)s}, body)
end

response = function(status, headers, body)
  if status == 200 and not string.find(body, '"content":"[^"]') then
    bad = bad + 1
  end
end

done = function(summary, latency, requests)
  local empty = 0
  for _, t in ipairs(threads) do empty = empty + (tonumber(t:get("bad")) or 0) end
  local e = summary.errors
  io.write(string.format("WRKJSON {\"requests\": %%d, \"duration_us\": %%d, \"connect\": %%d, \"read\": %%d, " ..
    "\"write\": %%d, \"status\": %%d, \"timeout\": %%d, \"empty\": %%d, \"p50\": %%f, \"p95\": %%f, " ..
    "\"p99\": %%f, \"mean\": %%f, \"max\": %%f}\n", summary.requests, summary.duration, e.connect, e.read, e.write,
    e.status, e.timeout, empty, latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean,
    latency.max))
end
"""


def run_wrk(
    url: str, concurrency: int, duration_s: float, questions: list[str], api_key: str | None, timeout_s: float
) -> dict[str, Any]:
    """wrk with a Lua script posting the questions in rotation; parses its JSON summary line."""
    import shutil

    wrk = shutil.which("wrk")
    if wrk is None:
        raise SystemExit("wrk is not installed (apt-get install wrk), or use --client httpx")
    lua_questions = "{" + ", ".join("[==[" + json.dumps(q) + "]==]" for q in questions) + "}"
    auth = f', ["Authorization"] = "Bearer {api_key}"' if api_key else ""
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as f:
        f.write(WRK_SCRIPT % {"questions": lua_questions, "auth": auth})
        script = f.name
    threads = max(1, min(2, concurrency))
    cmd = [wrk, "-t", str(threads), "-c", str(concurrency), "-d", f"{int(duration_s)}s",
           "--timeout", f"{int(timeout_s)}s", "-s", script, url.rstrip("/") + "/v1/chat/completions"]  # fmt: skip
    out = subprocess.run(cmd, capture_output=True, text=True, check=True).stdout
    os.unlink(script)
    line = next((ln for ln in out.splitlines() if ln.startswith("WRKJSON ")), None)
    if line is None:
        raise SystemExit(f"wrk printed no summary:\n{out}")
    w = json.loads(line[len("WRKJSON ") :])
    errors = {k: w[k] for k in ("connect", "read", "write", "status", "timeout", "empty") if w[k]}
    wall = w["duration_us"] / 1e6
    n_err = sum(errors.values())
    return {
        "client": "wrk",
        "endpoint": url.rstrip("/") + "/v1/chat/completions",
        "concurrency": concurrency,
        "requests": w["requests"],
        "ok": w["requests"] - n_err,
        "errors": n_err,
        "error_kinds": errors,
        "wall_s": round(wall, 2),
        "requests_per_s": round(w["requests"] / wall, 1),
        "ok_per_s": round((w["requests"] - n_err) / wall, 1),
        "latency_ms": {k: round(w[k] / 1000, 1) for k in ("p50", "p95", "p99", "mean", "max")},
    }


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(port: int, workers: int | None) -> subprocess.Popen[bytes]:
    cmd = [sys.executable, "-m", "crm_insights.cli", "serve", "--host", "127.0.0.1", "--port", str(port),
           "--log-level", "warning"]  # fmt: skip
    if workers is not None:
        cmd += ["--workers", str(workers)]
    # The log goes to a file: a pipe nobody reads would block the server once it fills up.
    log = tempfile.NamedTemporaryFile(prefix="crm-insights-serve-", suffix=".log", delete=False)  # noqa: SIM115
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"server exited with {proc.returncode}: {Path(log.name).read_text()[-2000:]}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    proc.terminate()
    raise SystemExit("server did not start within 300 s")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--url", default="http://127.0.0.1:8000", help="server base URL (loopback only)")
    p.add_argument("--serve", action="store_true", help="start `crm-insights serve` on a free port for the run")
    p.add_argument(
        "--workers", type=int, default=None, help="with --serve: uvicorn worker processes (default: the server's own)"
    )
    p.add_argument("--client", choices=["httpx", "wrk"], default="httpx", help="load generator")
    p.add_argument("--concurrency", type=int, default=100)
    p.add_argument(
        "--requests", type=int, default=2000, help="httpx: stop after this many (wrk always runs --duration)"
    )
    p.add_argument("--duration", type=float, default=120.0, help="stop after this many seconds")
    p.add_argument("--warmup", type=int, default=20, help="requests sent (and not counted) before measuring")
    p.add_argument("--timeout", type=float, default=60.0, help="per-request timeout in seconds")
    p.add_argument("--question", action="append", help="question(s) to send (default: a zh/en rotation)")
    p.add_argument("--api-key", default=os.environ.get("CRM_INSIGHTS_BENCH_KEY"))
    p.add_argument("--out", type=Path, default=Path(__file__).parent / "out" / "http_load.json")
    args = p.parse_args()

    proc = None
    url = args.url
    if args.serve:
        port = free_port()
        proc = start_server(port, args.workers)
        url = f"http://127.0.0.1:{port}"
    host = urlparse(url).hostname or ""
    if host not in LOOPBACK:
        raise SystemExit(f"refusing to load-test {host!r}: this benchmark only targets 127.0.0.1")
    questions = args.question or QUESTIONS
    try:
        if args.warmup:
            asyncio.run(run_load(url, min(args.concurrency, 10), args.warmup, 120, questions, args.api_key, 120))
        if args.client == "wrk":
            result = run_wrk(url, args.concurrency, args.duration, questions, args.api_key, args.timeout)
        else:
            result = asyncio.run(
                run_load(url, args.concurrency, args.requests, args.duration, questions, args.api_key, args.timeout)
            )
    finally:
        if proc is not None:
            proc.terminate()
            proc.wait(timeout=30)
    result.update(
        {
            "cpus": os.cpu_count(),
            "load_avg_1m": round(os.getloadavg()[0], 2),  # a busy machine lowers every figure above
            "workers": args.workers if args.serve else None,
            "questions": questions,
        }
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, ensure_ascii=False, indent=2), encoding="utf-8")
    print(json.dumps(result, ensure_ascii=False, indent=2))


if __name__ == "__main__":
    main()
