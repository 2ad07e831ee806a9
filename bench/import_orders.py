"""Import speed: rows/s importing generated order lines (default 1,000,000) into SQLite and PostgreSQL.

Each run writes a fresh CSV (seeded), imports its customers, then times `import_orders` end to end
(read + validate + write, one transaction) and a second, idempotent re-import of the same file
(every row conflicts and is upserted). PostgreSQL runs in a private schema that is dropped after.

    nice .venv/bin/python bench/import_orders.py [--rows 1000000] [--pg-url postgresql+psycopg://127.0.0.1:5432/test]
                                                [--skip-pg] [--no-reimport]

Prints one line per phase and a JSON summary. Goal: >= 50,000 rows/s on SQLite on a 2-core machine.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
import uuid
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd


def generate(rows: int, customers: int, seed: int, out: Path) -> tuple[Path, Path]:
    rng = np.random.default_rng(seed)
    cust_ids = np.array([f"C{i:07d}" for i in range(customers)])
    pd.DataFrame({"customer_id": cust_ids, "name": [f"客户{i}" for i in range(customers)]}).to_csv(
        out / "customers.csv", index=False
    )
    start = np.datetime64("2023-01-01T00:00:00")
    secs = rng.integers(0, 2 * 365 * 86400, size=rows).astype("timedelta64[s]")
    orders = pd.DataFrame(
        {
            "customer_id": cust_ids[rng.integers(0, customers, size=rows)],
            "ordered_at": np.datetime_as_string(start + secs, unit="s"),
            "quantity": rng.integers(1, 6, size=rows),
            "amount": np.round(rng.gamma(2.0, 30.0, size=rows), 2),
        }
    )
    orders.to_csv(out / "orders.csv", index=False)
    return out / "customers.csv", out / "orders.csv"


def run_one(name: str, url: str, customers_csv: Path, orders_csv: Path, rows: int, reimport: bool) -> dict[str, Any]:
    from crm_insights.store import import_customers, import_orders, make_engine, migrate

    engine = make_engine(url)
    try:
        migrate(engine)
        import_customers(engine, customers_csv, progress=False)
        out: dict[str, Any] = {}
        phases = ["first"] + (["reimport"] if reimport else [])
        for phase in phases:
            t0, c0 = time.perf_counter(), time.process_time()
            res = import_orders(engine, orders_csv, progress=False)
            wall, cpu = time.perf_counter() - t0, time.process_time() - c0
            assert res.rows == rows, (res.rows, rows)
            out[phase] = {
                "seconds": round(wall, 2),
                "rows_per_s": round(rows / wall),
                # CPU seconds of this process (SQLite works in-process; PostgreSQL's server CPU is not in it):
                # on a shared machine wall time also measures the neighbours.
                "cpu_seconds": round(cpu, 2),
                "rows_per_cpu_s": round(rows / cpu),
                "load_avg_1m": round(os.getloadavg()[0], 1),
                "inserted": res.inserted,
                "updated": res.updated,
                "unchanged": res.unchanged,
                "timings": {k: round(v, 2) for k, v in res.timings.items()},
            }
            print(
                f"{name:8s} {phase:9s} {rows:,} rows in {wall:6.2f} s = {rows / wall:9,.0f} rows/s "
                f"(read {res.timings['read']:.1f} s, validate {res.timings['validate']:.1f} s, "
                f"write {res.timings['write']:.1f} s; new {res.inserted:,}, updated {res.updated:,}); "
                f"{cpu:.1f} CPU s = {rows / cpu:,.0f} rows/CPU-s; load {os.getloadavg()[0]:.1f}",
                flush=True,
            )
        return out
    finally:
        engine.dispose()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=1_000_000)
    ap.add_argument("--customers", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument(
        "--pg-url",
        default=os.environ.get("CRM_INSIGHTS_TEST_PG_URL", "postgresql+psycopg://127.0.0.1:5432/test"),
    )
    ap.add_argument("--skip-pg", action="store_true")
    ap.add_argument("--no-reimport", action="store_true")
    args = ap.parse_args()

    summary: dict[str, Any] = {
        "rows": args.rows,
        "customers": args.customers,
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "results": {},
    }
    with tempfile.TemporaryDirectory(prefix="crm-bench-") as tmp:
        d = Path(tmp)
        t0 = time.perf_counter()
        customers_csv, orders_csv = generate(args.rows, args.customers, args.seed, d)
        size_mb = orders_csv.stat().st_size / 1e6
        print(f"generated {args.rows:,} order lines ({size_mb:.0f} MB CSV) in {time.perf_counter() - t0:.1f} s")
        summary["csv_mb"] = round(size_mb, 1)

        summary["results"]["sqlite"] = run_one(
            "sqlite", f"sqlite:///{d / 'bench.sqlite3'}", customers_csv, orders_csv, args.rows, not args.no_reimport
        )

        if not args.skip_pg:
            from sqlalchemy import create_engine, text

            schema = f"bench_{uuid.uuid4().hex[:10]}"
            admin = create_engine(args.pg_url)
            try:
                with admin.begin() as conn:
                    conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            except Exception as exc:  # no server: report and keep the SQLite figures
                print(f"postgres skipped: {type(exc).__name__}: {exc}")
                summary["results"]["postgres"] = {"skipped": str(exc)}
            else:
                sep = "&" if "?" in args.pg_url else "?"
                try:
                    summary["results"]["postgres"] = run_one(
                        "postgres",
                        f"{args.pg_url}{sep}options=-csearch_path%3D{schema}",
                        customers_csv,
                        orders_csv,
                        args.rows,
                        not args.no_reimport,
                    )
                finally:
                    with admin.begin() as conn:
                        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                    admin.dispose()
    print(json.dumps(summary, indent=2))


if __name__ == "__main__":
    main()
