"""Scale-out benchmark: the three batch jobs on the local engine vs Ray Data with 1 and 2 actors, on this machine.

For sentiment scoring, the feedback index build (read, embed, FAISS) and forecasting it prints rows/s of
  - the local engine with 1 torch thread and with one thread per core (the same core count as 2 actors),
  - Ray Data with 1 and 2 actors (compute.cpus_per_actor each; an actor runs max(1, int(cpus)) torch threads),
    as the whole job (the actors' start-up included: process, imports, model load) and once the actors are up
    (rows / time from the first actor's model loaded to the end), with the actors' start-up itself (job start
    to that moment: Ray Data planning, actor processes, imports, model load; the index's scan pass too);
  - Ray's own start-up (ray.init of a local instance, once per CLI call) and per-batch overhead (a no-op actor);
  - PostgreSQL write throughput of sentiment results (write_scores, 256 rows per transaction): the ceiling every
    node's writes share as the cluster grows;
  - a PROJECTION for 8 and 32 nodes: min(nodes x one node's steady rate with 2 actors, the write ceiling for
    sentiment). Arithmetic on the figures above, not a measurement on a cluster.
It also checks that the engines agree at this size (sentiment labels, forecast rows).

The local engine runs with its model loaded before the clock starts; a Ray job's clock includes its actors
loading theirs (so the whole-job comparison leans towards local).

Models come from the demo data dir (CRM_INSIGHTS_HOME, default ./var), read only (a scratch home links its
models folder); every write goes to SQLite stores and an index under --work and to a private PostgreSQL
schema, dropped at the end. The forecast store holds --forecast-copies copies of the demo customers and orders.

    nice .venv/bin/python bench/scale_out.py                                  # about 10 minutes on 2 idle cores
    nice .venv/bin/python bench/scale_out.py --rows 300 --embed-rows 400 --forecast-copies 2   # a smoke run
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import sqlite3
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
# The bench's private local Ray: no auth token written to ~/.ray (it would then apply to later clusters).
os.environ.setdefault("RAY_AUTH_MODE", "disabled")

PG_URL = os.environ.get("CRM_INSIGHTS_TEST_PG_URL", "postgresql+psycopg://127.0.0.1:5432/test")
CONFIGS = ("local 1t", "local 2t", "ray x1", "ray x2")


def _store_with(url: str, texts: list[str]) -> Any:
    from datetime import datetime

    from crm_insights.store import Customer, Feedback, make_engine, migrate, session_scope

    engine = make_engine(url)
    migrate(engine)
    with session_scope(engine) as s:
        c = Customer(external_id="bench")
        s.add(c)
        s.flush()
        s.add_all(
            Feedback(external_id=f"b{i}", customer_id=c.id, created_at=datetime(2024, 1, 1), text=t)
            for i, t in enumerate(texts)
        )
    return engine


def _texts(settings: Any, n: int) -> list[str]:
    from sqlalchemy import select

    from crm_insights.store import Feedback, make_engine

    engine = make_engine(settings.database_url)
    with engine.connect() as conn:
        texts = [str(r[0] or "") for r in conn.execute(select(Feedback.text).order_by(Feedback.id).limit(n))]
    engine.dispose()
    while len(texts) < n:  # a store smaller than --rows: repeat its texts
        texts += texts[: n - len(texts)]
    return texts


def _orders_store(path: Path, source: Path, copies: int) -> Any:
    """A store with ``copies`` copies of the source store's customers and orders (ids and keys made unique)."""
    from crm_insights.store import make_engine, migrate

    engine = make_engine(f"sqlite:///{path}")
    migrate(engine)
    engine.dispose()
    con = sqlite3.connect(path)
    con.execute("ATTACH DATABASE ? AS src", (f"file:{source}?mode=ro",))
    (top,) = con.execute("SELECT max(id) FROM src.customers").fetchone()
    for k in range(copies):
        con.execute(
            "INSERT INTO customers (id, external_id, name, signup_at) "
            "SELECT id + ?, external_id || ?, name, signup_at FROM src.customers",
            (k * top, f"~{k}" if k else ""),
        )
        con.execute(
            "INSERT INTO orders (external_id, customer_id, ordered_at, quantity, amount) "
            "SELECT external_id || ?, customer_id + ?, ordered_at, quantity, amount FROM src.orders",
            (f"~{k}", k * top),
        )
    con.commit()
    con.close()
    return make_engine(f"sqlite:///{path}")


class Clock:
    """Whole-job time, and the wall time the first actor had its model loaded (reported with its results).

    Once up = rows / (end - that time): every row is processed after it, and a second actor that comes up
    later only makes the figure conservative.
    """

    def __init__(self) -> None:
        self.t0 = time.time()
        self.ready: float | None = None
        self.end = self.t0

    def rows(self, n: int, ready: float) -> None:
        self.ready = ready if self.ready is None else min(self.ready, ready)

    def stop(self) -> Clock:
        self.end = time.time()
        return self

    def result(self, n: int) -> dict[str, float]:
        out = {"rate": n / (self.end - self.t0), "seconds": self.end - self.t0}
        if self.ready is not None:
            out["steady"] = n / (self.end - self.ready)
            out["startup"] = self.ready - self.t0
        return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1000, help="feedback rows per sentiment run")
    ap.add_argument("--embed-rows", type=int, default=2048, help="feedback rows per index build")
    ap.add_argument("--forecast-copies", type=int, default=8, help="copies of the demo customers to forecast")
    ap.add_argument("--pg-rows", type=int, default=5000, help="rows written to PostgreSQL for the write ceiling")
    ap.add_argument("--noop-batches", type=int, default=100)
    ap.add_argument("--jobs", default="sentiment,embedding,forecast", help="comma-separated subset")
    ap.add_argument("--work", type=Path, default=None, help="scratch dir (default: a temp dir, removed)")
    args = ap.parse_args()
    jobs = [j for j in args.jobs.split(",") if j]

    import numpy as np
    import ray
    import torch

    from crm_insights.analytics.forecasting import Forecaster
    from crm_insights.analytics.sentiment import SentimentModel
    from crm_insights.analytics.sentiment.score import score_rows, write_scores
    from crm_insights.compute import job_options, run_forecast, run_index_build, run_sentiment_score
    from crm_insights.compute.sentiment import scores_of
    from crm_insights.config import load_settings
    from crm_insights.encoders.embeddings import get_embedder

    home = Path(os.environ.get("CRM_INSIGHTS_HOME", "var")).resolve()
    base = load_settings(home=home)
    work = args.work or Path(tempfile.mkdtemp(prefix="scale_out"))
    work.mkdir(parents=True, exist_ok=True)
    scratch = work / "home"  # indexes are written here; models are the demo's, linked
    scratch.mkdir(exist_ok=True)
    if not (scratch / "models").exists():
        (scratch / "models").symlink_to(home / "models")
    cores = os.cpu_count() or 1
    print(f"machine: {cores} CPUs, load average {os.getloadavg()[0]:.2f} (before the runs)")

    def threads_of(label: str) -> int:
        return cores if label == "local 2t" else 1

    results: dict[str, dict[str, dict[str, float]]] = {job: {} for job in jobs}
    opts = job_options(base, "ray", None, batch_size=64)

    # -- Ray start-up and per-batch overhead -------------------------------------------------------
    t0 = time.perf_counter()
    ray.init(include_dashboard=False, log_to_driver=False)
    logging.getLogger("ray.data").setLevel(logging.WARNING)
    startup = time.perf_counter() - t0
    ray.data.DataContext.get_current().enable_progress_bars = False

    class Noop:
        def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
            return batch

    ds = ray.data.range(args.noop_batches, override_num_blocks=args.noop_batches)
    t0 = time.perf_counter()
    first = None
    for _ in ds.map_batches(
        Noop, batch_size=1, compute=ray.data.ActorPoolStrategy(size=1), num_cpus=opts.cpus_per_actor
    ).iter_batches(batch_size=None):
        first = first or time.perf_counter()
    noop_total = time.perf_counter() - t0
    per_batch = (time.perf_counter() - (first or t0)) / max(1, args.noop_batches - 1)
    print(f"ray.init (local instance): {startup:.2f} s; no-op pipeline: {noop_total:.2f} s to first batch and "
          f"done, {per_batch * 1000:.1f} ms per batch after the first")  # fmt: skip

    def options_of(label: str) -> Any:
        if label.startswith("local"):
            return replace(opts, engine="local", local_batch_size=64)
        return replace(opts, actors=int(label[-1]))

    def run(job: str, label: str, n: int | None, fn: Callable[[Clock], Any]) -> Any:
        """Time ``fn``; ``n`` rows (None: the rows of the frame it returns)."""
        if label.startswith("local"):
            torch.set_num_threads(threads_of(label))
        clock = Clock()
        out = fn(clock)
        clock.stop()
        n = len(out) if n is None else n
        results[job][label] = clock.result(n)
        r = results[job][label]
        extra = f", {r['steady']:.1f} once up (start-up {r['startup']:.1f} s)" if "steady" in r else ""
        print(f"  {job:<9} {label:<8} {n} rows in {r['seconds']:.1f} s: {r['rate']:.1f} rows/s{extra}", flush=True)
        return out

    # -- sentiment -----------------------------------------------------------------------------------
    model = SentimentModel.load(base)
    texts = _texts(base, max(args.rows, 64))
    if "sentiment" in jobs:
        labels: dict[str, dict[int, Any]] = {}
        for label in CONFIGS:
            path = work / f"sent-{label.replace(' ', '')}.sqlite3"
            path.unlink(missing_ok=True)
            engine = _store_with(f"sqlite:///{path}", texts[: args.rows])
            s = load_settings(home=home, database={"url": f"sqlite:///{path}"})

            def sentiment_job(clock: Clock, engine: Any = engine, s: Any = s, label: str = label) -> Any:
                hook = (
                    (lambda b: clock.rows(len(b["id"]), float(b["ready"].min()))) if label.startswith("ray") else None
                )
                return run_sentiment_score(engine, s, options_of(label), model=model, on_batch=hook)

            run("sentiment", label, args.rows, sentiment_job)
            labels[label] = {k: v[0] for k, v in scores_of(engine).items()}
            engine.dispose()
        same = sum(labels["ray x2"][k] == v for k, v in labels["local 1t"].items())
        print(f"  sentiment: ray x2 labels equal to local on {same} of {len(labels['local 1t'])} rows")

    # -- index build (read, embed, FAISS) ----------------------------------------------------------------
    if "embedding" in jobs:
        etexts = _texts(base, args.embed_rows)
        for label in CONFIGS:
            path = work / f"embed-{label.replace(' ', '')}.sqlite3"
            path.unlink(missing_ok=True)
            engine = _store_with(f"sqlite:///{path}", etexts)
            s = load_settings(home=scratch, database={"url": f"sqlite:///{path}"},
                              runtime={"torch_threads": threads_of(label)})  # fmt: skip
            if label.startswith("local"):
                get_embedder(s)  # loaded before the clock, as the sentiment model is

            def embed_job(clock: Clock, engine: Any = engine, s: Any = s, label: str = label) -> Any:
                return run_index_build(engine, s, options_of(label), on_rows=clock.rows)

            run("embedding", label, args.embed_rows, embed_job)
            engine.dispose()

    # -- forecast ----------------------------------------------------------------------------------------
    if "forecast" in jobs:
        path = work / "orders.sqlite3"
        path.unlink(missing_ok=True)
        src = Path(base.database_url.removeprefix("sqlite:///"))
        store = _orders_store(path, src, args.forecast_copies)
        s = load_settings(home=scratch, database={"url": f"sqlite:///{path}"})
        forecaster = Forecaster.load(s)
        frames = {}
        for label in CONFIGS:

            def forecast_job(clock: Clock, label: str = label) -> Any:
                return run_forecast(store, s, options_of(label), forecaster, horizon_weeks=13, on_rows=clock.rows)

            frames[label] = run("forecast", label, None, forecast_job)
        diff = max(
            float(np.abs(frames["ray x2"][c].to_numpy() - frames["local 1t"][c].to_numpy()).max())
            for c in ("expected_purchases", "p_active")
        )
        same_ids = bool((frames["ray x2"]["customer_id"] == frames["local 1t"]["customer_id"]).all())
        print(f"  forecast: {len(frames['local 1t'])} customers; ray x2 vs local: same ids in the same order "
              f"{same_ids}, max |difference| {diff:.2e}")  # fmt: skip
        store.dispose()
    ray.shutdown()

    print(f"\nrows/s on {cores} cores (whole job; Ray: actors' start-up included, ray.init not)")
    print(f"{'job':<10} {'local 1t':>9} {'local 2t':>9} {'ray x1':>9} {'ray x2':>9}   x1/local1t  x2/local2t")
    for job, r in results.items():
        x1, x2 = r["ray x1"]["rate"] / r["local 1t"]["rate"], r["ray x2"]["rate"] / r["local 2t"]["rate"]
        print(f"{job:<10} " + " ".join(f"{r[c]['rate']:>9.1f}" for c in CONFIGS) + f"   {x1:>10.2f}  {x2:>10.2f}")
    print("\nRay once the actors are up (rows/s from the first actor's model loaded to the end) and start-up (s)")
    print(f"{'job':<10} {'ray x1':>9} {'ray x2':>9}   x1/local1t  x2/local2t   start-up x1 / x2")
    for job, r in results.items():
        if "steady" not in r["ray x1"] or "steady" not in r["ray x2"]:
            continue
        print(f"{job:<10} {r['ray x1']['steady']:>9.1f} {r['ray x2']['steady']:>9.1f}   "
              f"{r['ray x1']['steady'] / r['local 1t']['rate']:>10.2f}  "
              f"{r['ray x2']['steady'] / r['local 2t']['rate']:>10.2f}   "
              f"{r['ray x1']['startup']:.1f} / {r['ray x2']['startup']:.1f}")  # fmt: skip

    # -- PostgreSQL write ceiling ------------------------------------------------------------------------
    ceiling = None
    try:
        from sqlalchemy import create_engine, text

        admin = create_engine(PG_URL, connect_args={"connect_timeout": 2})
        schema = f"bench_{uuid.uuid4().hex[:10]}"
        with admin.begin() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
        try:
            sep = "&" if "?" in PG_URL else "?"
            pg = _store_with(f"{PG_URL}{sep}options=-csearch_path%3D{schema}", [texts[i % len(texts)]
                             for i in range(args.pg_rows)])  # fmt: skip
            values = score_rows(model, [(i, t) for i, t in enumerate(texts[:64], 1)])
            template = [(v["label"], v["score"]) for v in values]
            t0 = time.perf_counter()
            for start in range(1, args.pg_rows + 1, 256):
                batch = [
                    {"fid": fid, "label": template[fid % len(template)][0], "score": template[fid % len(template)][1]}
                    for fid in range(start, min(start + 256, args.pg_rows + 1))
                ]
                write_scores(pg, model.version, batch)
            ceiling = args.pg_rows / (time.perf_counter() - t0)
            pg.dispose()
        finally:
            with admin.begin() as conn:
                conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
            admin.dispose()
        print(f"\nPostgreSQL result writes: {ceiling:,.0f} rows/s ({args.pg_rows} rows, 256 per transaction, "
              "one writer on this machine)")  # fmt: skip
    except Exception as exc:  # no server here: the projection then has no ceiling
        print(f"\nPostgreSQL not measured ({type(exc).__name__}: {exc}); the projection below has no ceiling")

    print("\nPROJECTION (not measured): nodes like this one (2 actors each, steady rate), sentiment capped by the "
          "write ceiling; the driver's merge (index build, forecast frame) is not modelled")  # fmt: skip
    for job, r in results.items():
        node = r["ray x2"].get("steady", r["ray x2"]["rate"])
        cells = []
        for nodes in (8, 32):
            linear = nodes * node
            capped = min(linear, ceiling) if (ceiling and job == "sentiment") else linear
            cells.append(f"{nodes} nodes ~{capped:,.0f} rows/s" + (" (write-bound)" if capped < linear else ""))
        print(f"  {job:<10} " + "; ".join(cells))
    print(f"load average after the runs: {os.getloadavg()[0]:.2f}")
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
