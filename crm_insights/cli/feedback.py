"""Feedback text commands: `sentiment analyze|score`, `index build|update|status`, `search`, `themes`."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from crm_insights.cli.common import (
    EngineOpt,
    JsonOpt,
    RayAddressOpt,
    SegmentOpt,
    SentimentOpt,
    SinceDayOpt,
    UntilDayOpt,
    app,
    cli_errors,
    console,
    print_json,
)

index_app = typer.Typer(help="Build and maintain the FAISS feedback index.", no_args_is_help=True)
sentiment_app = typer.Typer(help="Sentiment of feedback texts.", no_args_is_help=True)


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
    engine_kind: EngineOpt = None,
    ray_address: RayAddressOpt = None,
    as_json: JsonOpt = False,
) -> None:
    """Label every feedback row not yet scored by the current model (resumable: commits per batch)."""
    import time

    from crm_insights.analytics.sentiment import SentimentModel
    from crm_insights.compute import job_options, run_sentiment_score
    from crm_insights.config import get_settings
    from crm_insights.store import init_store

    settings = get_settings()
    options = job_options(settings, engine_kind, ray_address, batch_size=batch_size)
    engine = init_store(settings)
    model = SentimentModel.load(settings)
    t0 = time.perf_counter()
    n, _ = run_sentiment_score(engine, settings, options, model=model, progress=sys.stderr.isatty() and not as_json)
    seconds = time.perf_counter() - t0
    if as_json:
        print_json({"scored": n, "model_version": model.version, "seconds": round(seconds, 1)})
        return
    console.print(f"scored {n:,} feedback rows with {model.version} in {seconds:.1f} s", highlight=False)


@index_app.command("build")
@cli_errors
def index_build(engine_kind: EngineOpt = None, ray_address: RayAddressOpt = None) -> None:
    """Embed all feedback and build the FAISS index (replaces any existing index atomically)."""
    import time

    from crm_insights.compute import job_options, run_index_build
    from crm_insights.config import get_settings
    from crm_insights.store import init_store

    settings = get_settings()
    options = job_options(settings, engine_kind, ray_address)
    started = time.perf_counter()
    manifest = run_index_build(init_store(settings), settings, options, progress=sys.stderr.isatty())
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
def index_update(engine_kind: EngineOpt = None, ray_address: RayAddressOpt = None) -> None:
    """Embed feedback added or edited since the last build/update; drop deleted feedback from the index."""
    from crm_insights.compute import job_options, run_index_update
    from crm_insights.config import get_settings
    from crm_insights.store import init_store

    settings = get_settings()
    options = job_options(settings, engine_kind, ray_address)
    manifest = run_index_update(init_store(settings), settings, options, progress=sys.stderr.isatty())
    change = manifest.get("last_update") or {}
    console.print(
        f"index {manifest['version']}: {manifest['count']:,} vectors ({manifest['index_kind']}); last change: "
        f"{change.get('added', 0)} added, {change.get('reembedded', 0)} re-embedded, "
        f"{change.get('removed', 0)} removed",
        highlight=False,
    )


@index_app.command("status")
@cli_errors
def index_status(as_json: JsonOpt = False) -> None:
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
    segment: SegmentOpt = None,
    sentiment: SentimentOpt = None,
    since: SinceDayOpt = None,
    until: UntilDayOpt = None,
    as_json: JsonOpt = False,
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
    segment: SegmentOpt = None,
    sentiment: SentimentOpt = None,
    since: SinceDayOpt = None,
    until: UntilDayOpt = None,
    n: Annotated[int | None, typer.Option("--n", help="Number of themes (default: from the data).", min=1)] = None,
    as_json: JsonOpt = False,
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
