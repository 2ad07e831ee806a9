"""The `crm-insights` command line (Typer + Rich), one module per command group.

Every command calls the public Python API or the analytics/index objects; project errors become a
one-line message and exit code 1 (see :func:`crm_insights.cli.common.cli_errors`).

- ``common``: the root ``app``, consoles, error mapping, JSON output, shared option aliases
- ``data``: status, demo, import customers|orders|feedback, setup
- ``train`` / ``predict``: the ``train`` and ``predict`` groups
- ``feedback``: sentiment analyze|score, index build|update|status, search, themes
- ``metrics``: metrics MEASURE
- ``agent``: ask, chat
- ``serve``: serve, slack, mcp, digest
"""

from __future__ import annotations

# isort: off
# Importing a module registers its top-level commands on `app`, and `crm-insights --help` lists them in import
# order (the order they had before the split), so these imports are not sorted.
from crm_insights.cli import data, feedback, metrics, agent, serve, background  # noqa: F401

# isort: on
from crm_insights.cli.common import app, cli_errors, console, err_console, not_built, print_json
from crm_insights.cli.data import import_app
from crm_insights.cli.feedback import index_app, sentiment_app
from crm_insights.cli.predict import predict_app
from crm_insights.cli.serve import _serve_workers
from crm_insights.cli.train import train_app

app.add_typer(train_app, name="train")
app.add_typer(predict_app, name="predict")
app.add_typer(index_app, name="index")
app.add_typer(sentiment_app, name="sentiment")
app.add_typer(import_app, name="import")

__all__ = ["app", "cli_errors", "console", "err_console", "main", "not_built", "print_json", "_serve_workers"]


def main() -> None:
    app()
