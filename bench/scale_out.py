"""Scale-out benchmark: the batch jobs on the local engine vs Ray Data with 1 and 2 actors, on this machine.

Prints, for sentiment scoring, feedback embedding (index build) and forecasting:
  - rows/s on the local engine and on a private local Ray instance with 1 and 2 actors (compute.cpus_per_actor),
  - Ray's start-up (ray.init) and per-batch overhead (a no-op actor over --noop-batches one-row batches),
  - PostgreSQL write throughput of sentiment results (write_scores, one transaction per 256 rows): the ceiling
    every node's writes share as the cluster grows,
  - a PROJECTION for 8 and 32 nodes: min(nodes x the measured rows/s of one node with 2 actors, the write
    ceiling); for sentiment the node rate is the one once the actors are up (start-up is paid once per job).
    It is arithmetic on the figures above, not a measurement on a cluster.

Models come from the demo data dir (CRM_INSIGHTS_HOME, default ./var: read only); every write goes to stores
under --work (SQLite copies of --rows feedback texts) and to a private PostgreSQL schema, dropped at the end.

    nice .venv/bin/python bench/scale_out.py --rows 512               # small: a busy shared machine
    nice .venv/bin/python bench/scale_out.py --rows 3000 --pg-rows 20000
"""

from __future__ import annotations

import argparse
import logging
import os
import shutil
import tempfile
import time
import uuid
from dataclasses import replace
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
# The bench's private local Ray: no auth token written to ~/.ray (it would then apply to later clusters).
os.environ.setdefault("RAY_AUTH_MODE", "disabled")

PG_URL = os.environ.get("CRM_INSIGHTS_TEST_PG_URL", "postgresql+psycopg://127.0.0.1:5432/test")


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


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=512, help="feedback rows per sentiment/embedding run")
    ap.add_argument(
        "--embed-rows", type=int, default=1024, help="texts per embedding run (2 x 512-text chunks: 2 actors can split)"
    )
    ap.add_argument("--pg-rows", type=int, default=5000, help="rows written to PostgreSQL for the write ceiling")
    ap.add_argument("--noop-batches", type=int, default=100)
    ap.add_argument("--work", type=Path, default=None, help="scratch dir (default: a temp dir, removed)")
    args = ap.parse_args()

    import ray

    from crm_insights.analytics.forecasting import Forecaster
    from crm_insights.analytics.sentiment import SentimentModel
    from crm_insights.analytics.sentiment.score import score_rows, write_scores
    from crm_insights.compute import job_options, run_forecast, run_sentiment_score
    from crm_insights.compute.index import ray_embed
    from crm_insights.config import load_settings
    from crm_insights.encoders.embeddings import get_embedder
    from crm_insights.indexes.feedback_index import _embed
    from crm_insights.store import make_engine

    home = Path(os.environ.get("CRM_INSIGHTS_HOME", "var"))
    base = load_settings(home=home)
    work = args.work or Path(tempfile.mkdtemp(prefix="scale_out"))
    work.mkdir(parents=True, exist_ok=True)
    texts = _texts(base, args.rows)
    print(
        f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f}; {args.rows} feedback rows to score, "
        f"{args.embed_rows} to embed"
    )
    if args.rows < 1000:
        print("(small size: figures carry start-up costs a larger run would amortise)")

    rates: dict[str, dict[str, float]] = {"sentiment": {}, "embedding": {}, "forecast": {}}
    steady: dict[str, float] = {}  # sentiment rows/s after the first range came back (actor start-up excluded)
    model = SentimentModel.load(base)
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

    # -- sentiment -----------------------------------------------------------------------------------
    for label, o in [("local", replace(opts, engine="local", local_batch_size=64)),
                     ("ray x1", replace(opts, actors=1)), ("ray x2", replace(opts, actors=2))]:  # fmt: skip
        path = work / f"sent-{label.replace(' ', '')}.sqlite3"
        path.unlink(missing_ok=True)
        engine = _store_with(f"sqlite:///{path}", texts)
        s = load_settings(home=home, database={"url": f"sqlite:///{path}"})
        firsts: list[tuple[float, int]] = []  # (time, rows) at the first finished range: actors are up by then

        def first_batch(b: dict[str, Any], firsts: list[tuple[float, int]] = firsts) -> None:
            if not firsts:
                firsts.append((time.perf_counter(), len(b["id"])))

        t0 = time.perf_counter()
        n, _ = run_sentiment_score(engine, s, o, model=model, on_batch=first_batch)
        end = time.perf_counter()
        rates["sentiment"][label] = n / (end - t0)
        if firsts and n > firsts[0][1]:
            steady[label] = (n - firsts[0][1]) / (end - firsts[0][0])
        engine.dispose()

    # -- embedding -------------------------------------------------------------------------------------
    # The Ray job cuts texts as the local one does (512 per call), so fewer than 1024 leave one actor idle.
    etexts = _texts(base, args.embed_rows)
    embedder = get_embedder(base)
    t0 = time.perf_counter()
    _embed(embedder, etexts, False, "")
    rates["embedding"]["local"] = len(etexts) / (time.perf_counter() - t0)
    for label, k in [("ray x1", 1), ("ray x2", 2)]:
        t0 = time.perf_counter()
        ray_embed(base, replace(opts, actors=k), ray, etexts)
        rates["embedding"][label] = len(etexts) / (time.perf_counter() - t0)

    # -- forecast (the demo store's customers) ---------------------------------------------------------
    forecaster = Forecaster.load(base)
    store = make_engine(base.database_url)
    for label, o in [("local", replace(opts, engine="local")), ("ray x1", replace(opts, actors=1)),
                     ("ray x2", replace(opts, actors=2))]:  # fmt: skip
        t0 = time.perf_counter()
        frame = run_forecast(store, base, o, forecaster, horizon_weeks=13)
        rates["forecast"][label] = len(frame) / (time.perf_counter() - t0)
    ray.shutdown()

    print("\nrows/s (wall time of the whole job, Ray's actor start-up included):")
    print(f"{'job':<10} {'local':>10} {'ray x1':>10} {'ray x2':>10}   ray x1 / local")
    for job, r in rates.items():
        print(f"{job:<10} {r['local']:>10.1f} {r['ray x1']:>10.1f} {r['ray x2']:>10.1f}   "
              f"{r['ray x1'] / r['local']:.2f}")  # fmt: skip

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

    if steady:
        print("sentiment rows/s once the actors are up: " + ", ".join(f"{k} {v:.1f}" for k, v in steady.items()))
    print("\nPROJECTION (not measured): nodes like this one (2 actors each), capped by the write ceiling")
    for job in ("sentiment", "embedding"):
        node = steady.get("ray x2", rates[job]["ray x2"]) if job == "sentiment" else rates[job]["ray x2"]
        cells = []
        for nodes in (8, 32):
            linear = nodes * node
            capped = min(linear, ceiling) if (ceiling and job == "sentiment") else linear
            cells.append(f"{nodes} nodes ~{capped:,.0f} rows/s" + (" (write-bound)" if capped < linear else ""))
        print(f"  {job:<10} " + "; ".join(cells))
    if args.work is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
